"""Rate guidance (``!taux``): the range read, the implied hourly rate flagged against it, the cap
on how much a request may grow from one envelope to the next; as pure rules and as a
conversation in a console room."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from commands.budget import rate_rules as rates
from storage.models import Audit, BudgetRateGuide
from tests.test_budget_scenarios import NormChat, setup_kpa


@pytest.fixture
def room(chat):
    return NormChat(chat)


# --------------------------------------------------------------------------- pure rules


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15-25€/h", (1500, 2500, "h")),
        ("15 - 25 €/h", (1500, 2500, "h")),
        ("15€-25€/h", (1500, 2500, "h")),
        ("12,50-20€/heure", (1250, 2000, "h")),
        ("15.5-25€/h", (1550, 2500, "h")),
        ("15 à 25 € / h", (1500, 2500, "h")),
        ("120-200€/j", (12000, 20000, "j")),
        ("120-200 €/jour", (12000, 20000, "j")),
        ("120-200€/d", (12000, 20000, "j")),
        ("20-20€/h", (2000, 2000, "h")),
        ("25-15€/h", None),
        ("0-15€/h", None),
        ("15-25€", None),
        ("15-25€/semaine", None),
        ("quinze-25€/h", None),
        ("15-2000000€/h", None),
    ],
    ids=str,
)
def test_read_range(text, expected):
    assert rates.read_range(text) == expected


@given(
    st.integers(1, 99_999),
    st.integers(0, 99_999),
    st.sampled_from(["h", "j"]),
    st.sampled_from(["€", " €", "", "eur"]),
)
def test_every_range_reads_back(low_euros, more, unit, sign):
    high_euros = min(low_euros + more, 100_000)
    text = f"{low_euros}-{high_euros}{sign}/{unit}"
    assert rates.read_range(text) == (low_euros * 100, high_euros * 100, unit)


def test_read_guide_with_a_growth_cap():
    assert rates.read_guide(["15-25€/h", "hausse", "20%"]) == rates.Guide(1500, 2500, "h", 2000)
    assert rates.read_guide(["15-25€/h", "growth", "+12,5%"]) == rates.Guide(1500, 2500, "h", 1250)
    assert rates.read_guide(["15-25€/h", "hausse"]) is None
    assert rates.read_guide(["15-25€/h", "hausse", "0%"]) is None


@given(
    st.integers(1, 10**6),
    st.integers(1, 10**5),
    st.integers(1, 10**5),
    st.integers(0, 10**5),
    st.sampled_from(["h", "j"]),
    st.integers(60, 24 * 60),
)
def test_a_rate_is_flagged_exactly_when_it_is_outside_the_range(
    cents, minutes, low, more, unit, day
):
    guide = rates.Guide(low, low + more, unit)
    where = rates.position(cents, minutes, guide, day)
    per_hour = Fraction(cents * 60, minutes)
    factor = Fraction(60, day) if unit == "j" else Fraction(1)
    if per_hour < low * factor:
        assert where == rates.BELOW
    elif per_hour > (low + more) * factor:
        assert where == rates.ABOVE
    else:
        assert where == rates.WITHIN


@given(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(1, 10**5))
def test_no_hours_no_flag(cents, low, more):
    assert rates.position(cents, 0, rates.Guide(low, low + more), 420) is None


@given(st.integers(0, 10**7), st.integers(1, 100_000), st.integers(0, 10**7))
def test_the_growth_cap_refuses_exactly_what_grows_too_much(previous, bp, cents):
    most = rates.growth_max(previous, bp)
    assert previous <= most <= previous * (10_000 + bp) / 10_000
    refused = rates.growth_refusal(previous, cents, bp)
    assert (refused is not None) == (cents > most)
    if refused is not None:
        assert refused == most
    assert rates.growth_refusal(None, cents, bp) is None
    assert rates.growth_refusal(previous, cents, None) is None


# --------------------------------------------------------------------------- in the room


async def test_a_project_range_flags_requests_and_wins_over_the_room(room, engine):
    await setup_kpa(room)  # alice 30 h, bob 10 h, carol 10 h in November
    answer = await room.one("alice", "!taux 10-15€/h")
    assert "Fourchette indicative pour le salon : 10,00 € à 15,00 € de l'heure" in answer
    answer = await room.one("alice", "!taux KPA 15-25€/h")
    assert "Fourchette indicative pour le projet KPA : 15,00 € à 25,00 € de l'heure" in answer
    await room.one("alice", "!budget KPA 2000€ novembre")
    answer = await room.one("bob", "!demande KPA 300€ affiches")
    assert "30,00 €/h" in answer
    assert "🔺 Son taux horaire est au-dessus de la fourchette indicative" in answer
    answer = await room.one("carol", "!demande KPA 200€")
    assert "📏 Son taux horaire est dans la fourchette indicative" in answer
    answer = await room.one("alice", "!demande KPA 300€")
    assert "🔻 Son taux horaire est en dessous" in answer and "tu peux demander plus" in answer
    table = await room.one("dave", "!budget KPA")
    assert "| #1 | Bob | 10 | 300,00 € | 30,00 €/h 🔺 |" in table
    assert "| #2 | Carol | 10 | 200,00 € | 20,00 €/h |" in table
    assert "| #3 | Alice | 30 | 300,00 € | 10,00 €/h 🔻 |" in table
    assert "Fourchette indicative : 15,00 € à 25,00 € de l'heure" in table
    # anyone reads; the room's range shows when the project has none of its own
    answer = await room.one("bob", "!taux KPA")
    assert "Fourchette indicative pour le projet KPA : 15,00 € à 25,00 € de l'heure" in answer
    answer = await room.one("alice", "!taux KPA aucun")
    assert "Plus de fourchette indicative pour le projet KPA" in answer
    answer = await room.one("bob", "!taux KPA")
    assert "celle du salon s'applique, 10,00 € à 15,00 € de l'heure" in answer
    answer = await room.one("bob", "!taux")
    assert "• le salon : 10,00 € à 15,00 € de l'heure" in answer
    with Session(engine) as db:
        changes = db.exec(select(Audit).where(Audit.object_kind == "budget_rate_guide")).all()
        assert [(a.action, a.object_id) for a in changes] == [
            ("rate_guide", "room"),
            ("rate_guide", "project:1"),
            ("rate_guide", "project:1"),
        ]
        assert changes[-1].details["after"] is None


async def test_a_range_per_day_uses_the_room_day(room):
    await setup_kpa(room)
    answer = await room.one("alice", "!taux KPA 140-210€/j")
    assert "140,00 € à 210,00 € par jour (soit 20,00 € à 30,00 € de l'heure" in answer
    await room.one("alice", "!budget KPA 2000€ novembre")
    answer = await room.one("bob", "!demande KPA 250€")  # 25 €/h: within
    assert "dans la fourchette indicative" in answer
    await room.one("alice", "!reglages journee 5h")  # a day of 5 h: 28 to 42 €/h
    answer = await room.one("bob", "!demande KPA 260€")
    assert "en dessous de la fourchette indicative" in answer


async def test_refusals_and_rights(room):
    await setup_kpa(room)
    answer = await room.one("bob", "!taux KPA 15-25€/h")
    assert answer.startswith("⛔") and "réservé aux admins" in answer
    answer = await room.one("alice", "!taux KPA 25-15€/h")
    assert "Je ne lis pas « 25-15€/h » comme une fourchette" in answer
    assert "!taux KPA 15-25€/h hausse 20%" in answer
    answer = await room.one("alice", "!taux 15-25")
    assert "Je ne lis pas « 15-25 » comme une fourchette" in answer
    answer = await room.one("alice", "!taux KPA aucun")
    assert "rien à enlever" in answer and "!taux KPA 15-25€/h" in answer
    answer = await room.one("alice", "!taux ZZZ 15-25€/h")
    assert "ZZZ" in answer
    answer = await room.one("bob", "!taux KPA")
    assert "Pas de fourchette indicative pour le projet KPA" in answer


async def test_a_request_may_not_grow_more_than_the_cap(room):
    await setup_kpa(room)
    await room.say("alice", "!contrib 10h 02/10 KPA")
    await room.say("bob", "!contrib 10h 03/10 KPA")
    await room.one("alice", "!budget KPA 1000€ octobre")
    await room.say("bob", "!demande KPA 200€")
    await room.say("alice", "!valider 1")
    answers = await room.say("alice", "!budget KPA octobre clore")
    assert any("clôturée" in a for a in answers), answers
    await room.one("alice", "!taux KPA 15-25€/h hausse 20%")
    await room.one("alice", "!budget KPA 2000€ novembre")
    answer = await room.one("bob", "!demande KPA 250€")
    assert answer.startswith(
        "⛔ 250,00 €, c'est trop : ta demande sur KPA ne peut pas dépasser 240,00 €"
    )
    assert "Ta demande de l'enveloppe précédente (octobre 2026) était de 200,00 €" in answer
    assert "limitée à 20 %" in answer and "!demande KPA 240,00 €" in answer
    answer = await room.one("bob", "!demande KPA 240€")
    assert "Demande #2" in answer or "#2" in answer
    # someone without a request in the envelope before has no cap
    answer = await room.one("carol", "!demande KPA 900€")
    assert not answer.startswith("⛔")


async def test_deleting_the_message_puts_the_range_before_back(room, engine):
    await setup_kpa(room)
    await room.one("alice", "!taux KPA 15-25€/h")
    said = await room.said("alice", "!taux KPA 18-30€/h")
    answers = await room.delete("alice", room.last_id)
    assert any("15,00 € à 25,00 € de l'heure" in a for a in answers), answers
    with Session(engine) as db:
        row = db.exec(select(BudgetRateGuide)).one()
        assert (row.low, row.high) == (1500, 2500)
    assert said


async def test_in_english(room):
    await setup_kpa(room)
    await room.one("alice", "!langue en")
    answer = await room.one("alice", "!rates KPA 15-25€/h growth 10%")
    assert "Indicative range for project KPA: €15.00 to €25.00 an hour" in answer
    assert "(growth capped at 10% from one envelope to the next)" in answer
    await room.one("alice", "!budget KPA 2000€ november")
    answer = await room.one("bob", "!request KPA 400€")
    assert "🔺 Its hourly rate is above the indicative range" in answer
