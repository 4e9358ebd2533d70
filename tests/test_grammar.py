"""The command grammar: worked cases from the issue, and hypothesis properties (never raises,
round trips for durations and amounts)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.grammar import (
    AMBIGUOUS,
    EARLIEST_DAY,
    EXPONENT,
    IMPOSSIBLE,
    LATEST_DAY,
    MAX_CENTS,
    NEEDS_YEAR,
    OUT_OF_RANGE,
    TOO_BIG,
    TOO_PRECISE,
    fold,
    match_amount,
    match_date,
    match_period,
    parse_amount,
    parse_contrib,
    parse_days,
    parse_duration,
    parse_int,
    parse_percent,
    parse_period,
    tokenize,
)
from commands.i18n import format_money

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


@pytest.mark.parametrize("text", ["lun", "atelier", "12.50", "50/50", "3.30", "²/¹¹", "١٢/١١"])
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


@pytest.mark.parametrize(
    "text", ["abc", "€12€", "", "12..5", "²€", "٣€", "１２€", "12€50€", "1,5 000"]
)
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
    found = parse_period(text, TODAY)
    assert found is not None and found.period is not None
    assert (found.period.start, found.period.end) == (start, end)


def _d(month: int, day: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a month name, with its year or not: the words it took, whatever follows
        ("novembre 2026 kpa", ((_d(11, 1), _d(12, 1)), 2, None)),
        ("novembre x", ((_d(11, 1), _d(12, 1)), 1, None)),
        ("ce mois-ci", ((_d(11, 1), _d(12, 1)), 2, None)),
        ("2026 kpa", ((_d(1, 1), _d(1, 1, 2027)), 1, None)),
        ("2026-11 kpa", ((_d(11, 1), _d(12, 1)), 1, None)),
        ("11/2026", ((_d(11, 1), _d(12, 1)), 1, None)),
        # a range in words: both ends included, or up to today
        ("du 01/11 au 15/11 kpa", ((_d(11, 1), _d(11, 16)), 4, None)),
        ("entre 01/11 et 15/11", ((_d(11, 1), _d(11, 16)), 4, None)),
        ("from 01/11 to 15/11", ((_d(11, 1), _d(11, 16)), 4, None)),
        ("du 01/11 au demain", ((_d(11, 1), _d(11, 28)), 4, None)),
        ("du 15/11 au 01/11", None),
        ("du 01/11 au", None),
        ("du 01/11 au 32/11", (None, 4, IMPOSSIBLE)),
        ("du 32/01", (None, 2, IMPOSSIBLE)),
        ("depuis 01/11 kpa", ((_d(11, 1), _d(11, 27)), 2, None)),
        ("since 01/11", ((_d(11, 1), _d(11, 27)), 2, None)),
        ("depuis kpa", None),
        # a range in one token
        ("01/11-15/11 kpa", ((_d(11, 1), _d(11, 16)), 1, None)),
        ("15/11-01/11", None),
        ("32/01-15/11", (None, 1, IMPOSSIBLE)),
        ("01/11-32/11", (None, 1, IMPOSSIBLE)),
        ("a-b", None),
        # a single day
        ("hier kpa", ((_d(11, 25), _d(11, 26)), 1, None)),
        ("2026-01-05", ((_d(1, 5), _d(1, 6)), 1, None)),
        ("32/01 kpa", (None, 1, IMPOSSIBLE)),
        ("kpa", None),
        ("", None),
    ],
)
def test_match_period_says_how_many_words_each_form_takes(text, expected):
    found = match_period(tokenize(text), 0, TODAY)
    got = (
        None
        if found is None
        else (found.period and (found.period.start, found.period.end), found.used, found.error)
    )
    assert got == expected


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


# ---------------------------------------------------------------- numbers are written with 0-9


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("12", 12),
        ("#12", 12),
        ("0", 0),
        (" 7 ", 7),
        ("²", None),
        ("٣", None),
        ("１２", None),
        ("-1", None),
        ("1.5", None),
        ("", None),
        ("#", None),
        ("99999999999999999999", None),
        (str(2**31), None),
        (str(2**31 - 1), 2**31 - 1),
    ],
)
def test_whole_numbers(text, value):
    assert parse_int(text) == value


def test_whole_numbers_within_bounds():
    assert parse_int("0", minimum=1, maximum=100) is None
    assert parse_int("100", minimum=1, maximum=100) == 100


@pytest.mark.parametrize(
    ("text", "bp"),
    [
        ("10%", 1000),
        ("12,5 %", 1250),
        ("0", 0),
        ("100", 10000),
        ("1e3%", None),
        ("NaN%", None),
        ("٣%", None),
        ("1000%", None),
        ("%", None),
        ("-5%", None),
    ],
)
def test_percentages(text, bp):
    assert parse_percent(text) == bp


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("365", 365),
        ("90j", 90),
        ("730 jours", 730),
        ("2ans", 730),
        ("1 an", 365),
        ("6 mois", 180),
        ("4 semaines", 28),
        ("2y", 730),
        ("30d", 30),
        ("2 années", 730),
        ("²j", None),
        ("x", None),
        ("2 siècles", None),
        ("", None),
    ],
)
def test_day_counts(text, days):
    assert parse_days(text) == days


def test_unicode_digits_are_no_duration():
    for text in ("³h", "²j", "٣h", "１h", "½h"):
        assert parse_duration(text) is None, text


# ---------------------------------------------------------------- amounts: never misread


@pytest.mark.parametrize(
    ("text", "cents", "currency"),
    [
        ("1 000,50 €", 100050, "EUR"),
        ("1500€", 150000, "EUR"),
        ("1.500,50 €", 150050, "EUR"),
        ("1,500.50€", 150050, "EUR"),
        ("1.500.000€", 150000000, "EUR"),
        ("1,500,000", 150000000, None),
        ("1\u202f000,50\u00a0€", 100050, "EUR"),
        ("1 000 000,50 €", 100000050, "EUR"),
        ("€1,500.00", 150000, "EUR"),
        ("10000000€", 1000000000, "EUR"),
        ("10 000 000,00 €", 1000000000, "EUR"),
        ("12.5€", 1250, "EUR"),
    ],
)
def test_unambiguous_amounts(text, cents, currency):
    found = match_amount(tokenize(text), 0)
    assert found is not None
    amount, used = found
    assert (amount.cents, amount.currency, amount.error, used) == (
        cents,
        currency,
        None,
        len(tokenize(text)),
    )


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("1.500€", ("1500", "1.5")),
        ("1,500€", ("1500", "1.5")),
        ("2.000", ("2000", "2")),
        ("12,505€", ("12505", "12.505")),
        ("999.999 €", ("999999", "999.999")),
    ],
)
def test_ambiguous_amounts_carry_both_readings(text, readings):
    found = match_amount(tokenize(text), 0)
    assert found is not None
    amount = found[0]
    assert amount.error == AMBIGUOUS
    assert tuple(amount.readings) == tuple(Decimal(r) for r in readings)


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("0.001€", TOO_PRECISE),
        ("0,001", TOO_PRECISE),
        ("1.5000", TOO_PRECISE),
        ("1500.000€", TOO_PRECISE),
        ("0.500", TOO_PRECISE),
        ("1e3€", EXPONENT),
        ("1E3", EXPONENT),
        ("2,5e2 €", EXPONENT),
        ("1e308€", EXPONENT),
        ("99999999999999999999€", TOO_BIG),
        ("10000001€", TOO_BIG),
        ("10 000 000,01 €", TOO_BIG),
        ("1 000 000 001 €", TOO_BIG),
    ],
)
def test_amounts_that_could_be_misread_are_refused(text, error):
    found = match_amount(tokenize(text), 0)
    assert found is not None
    assert found[0].error == error


@given(st.integers(min_value=0, max_value=MAX_CENTS), st.sampled_from(["fr", "en"]))
def test_an_amount_as_the_bot_writes_it_reads_back(cents, lang):
    text = format_money(cents, "EUR", lang)
    found = match_amount(tokenize(text), 0)
    assert found is not None, text
    amount, used = found
    assert (amount.cents, amount.currency, amount.error, used) == (
        cents,
        "EUR",
        None,
        len(tokenize(text)),
    ), text


@given(
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=0, max_value=999),
    st.sampled_from([".", ","]),
    st.sampled_from(["{}", "{}€", "{} €", "€{}", "EUR {}", "{} euros", "-{}€"]),
)
def test_an_ambiguous_amount_is_never_accepted(whole, thousandths, sep, pattern):
    text = pattern.format(f"{whole}{sep}{thousandths:03d}")
    found = match_amount(tokenize(text), 0)
    assert found is not None and found[0].error == AMBIGUOUS, text


@given(st.text(max_size=30))
def test_an_accepted_amount_has_one_reading(text):
    """Whatever is accepted without an error has no ``.`` or ``,`` followed by three digits and
    nothing more (the one form with two readings)."""
    found = parse_amount(text)
    if found is not None and found.error is None:
        assert not re.search(r"(?<![0-9.,' \u202f\u00a0])[0-9]{1,3}[.,][0-9]{3}(?![0-9.,])", text)


# ---------------------------------------------------------------- dates: never misread


@pytest.mark.parametrize(
    "words",
    [
        "32/01",
        "29/02/2025",
        "31/04",
        "00/11",
        "31/02/2026",
        "2026-13-01",
        "12/13",
        "32.01",
        "31 avril",
        "30 février 2028",
        "0 mai",
        "le 32/01",
        "29/02",
    ],
)
def test_impossible_dates_are_refused(words):
    found = match_date(words.split(), 0, TODAY)
    assert found is not None and found.day is None and found.error == IMPOSSIBLE
    assert found.used == len(words.split())


@pytest.mark.parametrize(
    "text",
    [
        "01/01/0001",
        "31/12/9999",
        "9999-12-31",
        "0000-01-01",
        "31/12/1969",
        "1 mai 0001",
        "01/01/3000",
        "12 novembre 9999",
    ],
)
def test_dates_out_of_range_are_refused(text):
    found = match_date(text.split(), 0, TODAY)
    assert found is not None and found.day is None and found.error == OUT_OF_RANGE


@pytest.mark.parametrize(
    ("text", "day", "year_given"),
    [
        ("01/01/1970", dt.date(1970, 1, 1), True),
        ("31/12/2999", dt.date(2999, 12, 31), True),
        ("01/01/1990", dt.date(1990, 1, 1), True),
        ("12/11/2025", dt.date(2025, 11, 12), True),
        ("12.11.99", dt.date(1999, 11, 12), True),
        ("12.11.50", dt.date(2050, 11, 12), True),
        ("12.11.70", dt.date(2070, 11, 12), True),
        ("12.11.77", dt.date(1977, 11, 12), True),
        ("12/11", dt.date(2026, 11, 12), False),
        ("29/02/2028", dt.date(2028, 2, 29), True),
        ("hier", dt.date(2026, 11, 25), False),
    ],
)
def test_dates_in_range_are_read(text, day, year_given):
    found = match_date([text], 0, TODAY)
    assert found is not None and (found.day, found.year_given, found.error) == (
        day,
        year_given,
        None,
    )


@given(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
def test_a_full_date_is_read_or_refused_never_misread(day):
    for text in (f"{day.day:02d}/{day.month:02d}/{day.year:04d}", f"{day.year:04d}-{day:%m-%d}"):
        found = match_date([text], 0, TODAY)
        assert found is not None, text
        if EARLIEST_DAY <= day <= LATEST_DAY:
            assert (found.day, found.error) == (day, None), text
        else:
            assert (found.day, found.error) == (None, OUT_OF_RANGE), text


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("0000-01", OUT_OF_RANGE),
        ("12/9999", OUT_OF_RANGE),
        ("9999-12", OUT_OF_RANGE),
        ("1969", OUT_OF_RANGE),
        ("décembre 9999", OUT_OF_RANGE),
        ("janvier 0000", OUT_OF_RANGE),
        ("31/12/9999", OUT_OF_RANGE),
        ("du 01/01/0001 au 31/12/2026", OUT_OF_RANGE),
        ("du 01/01/2026 au 31/12/9999", OUT_OF_RANGE),
        ("depuis 01/01/0001", OUT_OF_RANGE),
        ("01/01/0001-31/12/2026", OUT_OF_RANGE),
        ("2026-13", IMPOSSIBLE),
        ("13/2026", IMPOSSIBLE),
        ("32/01", IMPOSSIBLE),
        ("du 32/01 au 15/02", IMPOSSIBLE),
    ],
)
def test_periods_out_of_range_or_impossible_are_refused(text, error):
    found = parse_period(text, TODAY)
    assert found is not None and found.period is None and found.error == error


def test_every_period_stays_within_the_dates_the_bot_reads():
    for text in ("tout", "2026", "décembre 2999", "31/12/2999", "1970", "01/01/1970"):
        found = parse_period(text, TODAY)
        assert found is not None and found.period is not None, text
        assert EARLIEST_DAY <= found.period.start < found.period.end, text
        assert found.period.end <= LATEST_DAY + dt.timedelta(days=1), text


def test_contrib_refuses_an_impossible_date_instead_of_describing_it():
    for text, token in (("3h 32/01 atelier", "32/01"), ("3h hier 31/04", "31/04")):
        p = parse_contrib(text, today=TODAY)
        assert (p.error, p.bad_token) == (IMPOSSIBLE, token)
    p = parse_contrib("3h 01/01/0001", today=TODAY)
    assert p.error == OUT_OF_RANGE


def test_contrib_a_date_without_its_year_older_than_the_room_allows_needs_its_year():
    p = parse_contrib("2h 12/01 compta", today=TODAY, max_past_days=30)
    assert (p.error, p.bad_token, p.day) == (NEEDS_YEAR, "12/01", dt.date(2026, 1, 12))
    p = parse_contrib("2h 12/01/2026 compta", today=TODAY, max_past_days=30)
    assert (p.error, p.day) == (None, dt.date(2026, 1, 12))
    p = parse_contrib("2h 01/01/1990 compta", today=TODAY, max_past_days=30)
    assert (p.error, p.day) == (None, dt.date(1990, 1, 1))
    for recent in ("hier", "lundi", "12/11", "12 novembre"):
        assert parse_contrib(f"2h {recent}", today=TODAY, max_past_days=30).error is None
    # by default (365 days) a date without its year is never too old: it is the latest such day
    assert parse_contrib("2h 27/11", today=TODAY, max_past_days=365).day == dt.date(2025, 11, 27)
