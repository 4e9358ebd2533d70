"""The command grammar: worked cases from the issue, and hypothesis properties (never raises,
round trips for durations and amounts)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.grammar import (
    fold,
    match_amount,
    match_date,
    parse_amount,
    parse_contrib,
    parse_duration,
    parse_period,
    tokenize,
)

TODAY = dt.date(2026, 11, 26)  # a Thursday


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("3h", 180),
        ("3h30", 210),
        ("3h30m", 210),
        ("1h05", 65),
        ("1,5h", 90),
        ("1.5h", 90),
        ("90min", 90),
        ("90m", 90),
        ("45min", 45),
        ("2j", 840),
        ("2d", 840),
        ("0,25h", 15),
        ("1H", 60),
        ("2 h", 120),
        ("3h30min", 210),
        ("1,5j", 630),
        ("10mn", 10),
        ("2heures", 120),
    ],
)
def test_durations(text, minutes):
    assert parse_duration(text) is not None
    assert parse_duration(text).minutes == minutes


def test_day_length_is_a_setting():
    assert parse_duration("2j", day_minutes=8 * 60).minutes == 960


@pytest.mark.parametrize("text", ["atelier", "3", "h", "3h75", "KPA", "12/11", "", "1h2h", "∞h"])
def test_not_durations(text):
    assert parse_duration(text) is None


def test_negative_duration_is_recognised_as_such():
    assert parse_duration("-2h").negative


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("hier", dt.date(2026, 11, 25)),
        ("avant-hier", dt.date(2026, 11, 24)),
        ("aujourd'hui", TODAY),
        ("yesterday", dt.date(2026, 11, 25)),
        ("today", TODAY),
        ("lundi", dt.date(2026, 11, 23)),
        ("monday", dt.date(2026, 11, 23)),
        ("jeudi", TODAY),
        ("vendredi", dt.date(2026, 11, 20)),
        ("Dimanche", dt.date(2026, 11, 22)),
        ("12/11", dt.date(2026, 11, 12)),
        ("12/11/2026", dt.date(2026, 11, 12)),
        ("2026-11-12", dt.date(2026, 11, 12)),
        ("28/12", dt.date(2025, 12, 28)),
        ("12.11.26", dt.date(2026, 11, 12)),
    ],
)
def test_dates(text, day):
    found = match_date([text], 0, TODAY)
    assert found is not None and found.day == day


def test_date_in_words():
    assert match_date(["12", "novembre"], 0, TODAY).day == dt.date(2026, 11, 12)
    assert match_date(["1er", "mai", "2025"], 0, TODAY).day == dt.date(2025, 5, 1)


@pytest.mark.parametrize("text", ["31/02/2026", "00/11", "2026-13-01", "lun", "atelier"])
def test_not_dates(text):
    assert match_date([text], 0, TODAY) is None


def test_contrib_reads_everything_in_any_order():
    p = parse_contrib("atelier hier #KPA 3h30 avec Bob", today=TODAY)
    assert (p.minutes, p.day, p.project_token, p.description) == (
        210,
        dt.date(2026, 11, 25),
        "#KPA",
        "atelier avec Bob",
    )


def test_contrib_project_as_known_code_case_insensitive():
    p = parse_contrib("3h atelier kpa", today=TODAY, known_codes={"kpa"})
    assert p.project_token == "kpa" and p.description == "atelier"


def test_contrib_for_someone_else():
    p = parse_contrib("@alice 2h 12/11 animation", today=TODAY)
    assert p.user == "@alice" and p.minutes == 120 and p.day == dt.date(2026, 11, 12)


def test_contrib_with_split_unit():
    p = parse_contrib("45 min compta", today=TODAY)
    assert p.minutes == 45 and p.description == "compta"


def test_contrib_missing_duration():
    assert parse_contrib("atelier KPA", today=TODAY).error == "missing_duration"


@pytest.mark.parametrize(
    ("text", "cents", "currency"),
    [
        ("12,50€", 1250, "EUR"),
        ("12.50 €", 1250, "EUR"),
        ("EUR 12", 1200, "EUR"),
        ("12", 1200, None),
        ("12€", 1200, "EUR"),
        ("1 000 €", 100000, "EUR"),
        ("12€50", 1250, "EUR"),
        ("0,5€", 50, "EUR"),
        ("1000€", 100000, "EUR"),
        ("€12", 1200, "EUR"),
        ("12 euros", 1200, "EUR"),
    ],
)
def test_amounts(text, cents, currency):
    found = match_amount(tokenize(text), 0)
    assert found is not None
    amount, used = found
    assert (amount.cents, amount.currency, used) == (cents, currency, len(tokenize(text)))


@pytest.mark.parametrize("text", ["abc", "12,505€", "€12€", "", "12..5"])
def test_not_amounts(text):
    assert parse_amount(text) is None


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("novembre", dt.date(2026, 11, 1), dt.date(2026, 12, 1)),
        ("décembre", dt.date(2025, 12, 1), dt.date(2026, 1, 1)),
        ("octobre 2025", dt.date(2025, 10, 1), dt.date(2025, 11, 1)),
        ("semaine dernière", dt.date(2026, 11, 16), dt.date(2026, 11, 23)),
        ("cette semaine", dt.date(2026, 11, 23), dt.date(2026, 11, 30)),
        ("mois dernier", dt.date(2026, 10, 1), dt.date(2026, 11, 1)),
        ("last week", dt.date(2026, 11, 16), dt.date(2026, 11, 23)),
        ("2026", dt.date(2026, 1, 1), dt.date(2027, 1, 1)),
        ("2026-11", dt.date(2026, 11, 1), dt.date(2026, 12, 1)),
        ("du 01/11 au 15/11", dt.date(2026, 11, 1), dt.date(2026, 11, 16)),
        ("01/11-15/11", dt.date(2026, 11, 1), dt.date(2026, 11, 16)),
        ("hier", dt.date(2026, 11, 25), dt.date(2026, 11, 26)),
    ],
)
def test_periods(text, start, end):
    period = parse_period(text, TODAY)
    assert period is not None and (period.start, period.end) == (start, end)


def test_fold():
    assert fold("Février ÉTÉ") == "fevrier ete"


# ---------------------------------------------------------------- properties


@given(st.text(max_size=200))
def test_grammar_never_raises(text):
    parse_contrib(text, today=TODAY, known_codes={"kpa"})
    parse_duration(text)
    parse_amount(text)
    parse_period(text, TODAY)
    tokens = tokenize(text)
    for i in range(len(tokens)):
        match_date(tokens, i, TODAY)
        match_amount(tokens, i)


@given(st.integers(min_value=1, max_value=99), st.integers(min_value=0, max_value=59))
def test_hours_and_minutes_round_trip(h, m):
    assert parse_duration(f"{h}h{m:02d}").minutes == h * 60 + m
    assert parse_duration(f"{h * 60 + m}min").minutes == h * 60 + m


@given(
    st.integers(min_value=0, max_value=10**7),
    st.sampled_from(["{}€", "{} €", "EUR {}", "{} euros"]),
)
def test_amount_round_trip_with_comma_and_dot(cents, pattern):
    whole, frac = divmod(cents, 100)
    for sep in (",", "."):
        text = pattern.format(f"{whole}{sep}{frac:02d}")
        found = match_amount(tokenize(text), 0)
        assert found is not None, text
        assert found[0].cents == cents


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_full_dates_round_trip(day):
    for text in (day.strftime("%d/%m/%Y"), day.isoformat()):
        assert match_date([text], 0, TODAY).day == day
