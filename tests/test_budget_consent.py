"""Lazy consensus on an envelope's requests (``consentement 5j``): its rules as pure functions,
and conversations in a console room where the clock moves and the scheduler's timed job runs."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from commands.budget import consent, consent_job
from commands.lifecycle import budget as life
from storage.models import Audit, BudgetConsentDay, BudgetQuestion, BudgetRequest, BudgetValidation
from tests.processes import play
from tests.test_budget_scenarios import NormChat, setup_kpa

T0 = dt.datetime(2026, 11, 26, 11, tzinfo=dt.UTC)  # Thursday 26 Nov 2026, 12:00 in Paris
OPEN_ENV = life.Envelope("open", "KPA", "KPA")
CLOSED_ENV = life.Envelope("closed", "KPA", "KPA")


@pytest.fixture
def room(chat):
    return NormChat(chat)


# --------------------------------------------------------------------------- pure rules


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (["5j"], (5, 1)),
        (["5", "jours"], (5, 2)),
        (["1", "jour"], (1, 1 + 1)),
        (["5d"], (5, 1)),
        (["5", "days"], (5, 2)),
        (["5"], (5, 1)),
        (["90j"], (90, 1)),
        (["non"], (0, 1)),
        (["off"], (0, 1)),
        (["0j"], (None, 0)),
        (["91j"], (None, 0)),
        (["cinq"], (None, 0)),
        ([], (None, 0)),
    ],
    ids=str,
)
def test_read_delay(tokens, expected):
    assert consent.read_delay(tokens) == expected


@given(st.integers(1, consent.MAX_DAYS), st.sampled_from(["j", "d", "J", " jours", " days", ""]))
def test_every_delay_in_range_reads_back(days, unit):
    tokens = f"{days}{unit}".split()
    assert consent.read_delay(tokens) == (days, len(tokens))


@given(st.integers(consent.MAX_DAYS + 1, 10**6) | st.integers(-(10**6), 0))
def test_a_delay_out_of_range_is_refused(days):
    assert consent.read_delay([f"{days}j"])[0] is None


candidates = st.builds(
    consent.Candidate,
    request_id=st.integers(1, 50),
    number=st.integers(1, 50),
    author=st.sampled_from(["@bob", "@carol"]),
    amount=st.integers(1, 10**6),
    since=st.datetimes(
        min_value=dt.datetime(2026, 1, 1),
        max_value=dt.datetime(2027, 1, 1),
        timezones=st.just(dt.UTC),
    ),
    validated=st.booleans(),
    objections=st.integers(0, 3),
)
instants = st.datetimes(
    min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 3, 1), timezones=st.just(dt.UTC)
)


@given(st.lists(candidates, max_size=8), st.integers(1, 30), instants)
def test_due_is_exactly_the_silent_requests_whose_delay_is_over(found, days, now):
    picked = consent.due(found, OPEN_ENV, days, now)
    expected = [
        c
        for c in found
        if not c.validated and not c.objections and c.since + dt.timedelta(days=days) <= now
    ]
    assert picked == expected


@given(st.lists(candidates, max_size=8), st.integers(1, 30), instants, st.integers(0, 10**6))
def test_silence_only_grows_with_time(found, days, now, later):
    """A request due now is still due later (nothing but an objection, a validation or a new
    amount takes it back)."""
    now_due = consent.due(found, OPEN_ENV, days, now)
    then_due = consent.due(found, OPEN_ENV, days, now + dt.timedelta(seconds=later))
    assert all(c in then_due for c in now_due)


@given(st.lists(candidates, max_size=8), st.integers(1, 30) | st.none(), instants)
def test_nothing_is_due_in_a_closed_envelope_or_without_consent(found, days, now):
    assert consent.due(found, CLOSED_ENV, days, now) == []
    assert consent.due(found, OPEN_ENV, None, now) == []


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["@bob", "@carol", "@dan"]),
            st.sampled_from([None, "lifted", "settled"]),
        )
    )
)
def test_only_open_questions_of_others_are_objections(questions):
    counted = consent.open_objections(questions, "@bob")
    assert counted == sum(1 for who, how in questions if who != "@bob" and how is None)
    assert consent.open_objections([(w, h) for w, h in questions if w == "@bob"], "@bob") == 0


@given(instants, st.sampled_from(["Europe/Paris", "America/New_York", "Pacific/Auckland"]))
def test_the_job_tells_a_room_at_most_once_a_day_and_not_at_night(now, tz):
    from zoneinfo import ZoneInfo

    local = now.astimezone(ZoneInfo(tz))
    assert not consent.may_run(now, tz, local.date())
    assert consent.may_run(now, tz, local.date() - dt.timedelta(days=1)) == (
        local.hour >= consent.QUIET_BEFORE
    )


# --------------------------------------------------------------------------- in the room


async def tick(room, runtime) -> list[str]:
    """The scheduler's timed duties, twice (the second changes nothing), then the answers."""
    from bot.scheduler import RecapScheduler, SchedulerSettings

    scheduler = RecapScheduler(runtime, SchedulerSettings())
    before = len(room.bot_messages)
    await scheduler.tick()
    await scheduler.tick()
    await runtime.flush()
    return [
        m.text.replace("\u202f", " ").replace("\u00a0", " ") for m in room.bot_messages[before:]
    ]


async def consent_room(room, words: str = "consentement 5j") -> None:
    await setup_kpa(room)
    for user in ("bob", "carol", "dave"):
        await room.join(user)
    answer = await room.one("alice", f"!budget KPA 1000€ novembre {words}")
    assert "consentement 5 jours" in answer or "consent 5 days" in answer


async def test_a_silent_request_is_validated_once_after_five_days_not_while_objected(
    room, runtime, clock, engine
):
    await consent_room(room)
    answer = await room.one("bob", "!demande KPA 100€ pour l'atelier")
    assert "validée d'office à partir du" in answer and "5 jours de consentement" in answer
    await room.say("carol", "!demande KPA 50€")
    answer = await room.one("dave", "!question 1 pourquoi autant ?")
    assert "C'est une objection" in answer and "!question 1 levée" in answer
    clock.advance(days=4, hours=23)
    assert await tick(room, runtime) == []
    clock.advance(hours=1)  # five days: Tuesday 1 December, 12:00 in Paris
    said = await tick(room, runtime)
    assert len(said) == 1, said
    assert (
        "délai de consentement (5 jours) passé sans objection ouverte, 1 demande validée d'office : #2 Carol (50,00 €)"
        in (said[0])
    )
    answer = await room.one("bob", "!budget KPA")
    assert "| #1 | Bob |" in answer and "⏳ 0/2 ✅ ❓×1" in answer
    assert "| #2 | Carol |" in answer and "✅ validée" in answer
    # the objection is lifted: the request goes at the next day's round, not twice the same day
    answer = await room.one("dave", "!question 1 levée")
    assert "Dave lève son objection sur la demande #1 de Bob (0 objection encore ouverte)" in (
        answer
    )
    clock.advance(hours=2)
    assert await tick(room, runtime) == []
    clock.advance(days=1)
    said = await tick(room, runtime)
    assert len(said) == 1 and "#1 Bob (100,00 €)" in said[0], said
    clock.advance(days=3)
    assert await tick(room, runtime) == []
    with Session(engine) as db:
        auto = db.exec(select(BudgetValidation).where(BudgetValidation.user_id == "bot")).all()
        assert sorted(v.request_id for v in auto) == [1, 2]
        assert len(db.exec(select(BudgetConsentDay)).all()) == 2
        audits = db.exec(select(Audit).where(Audit.action == "consent_validate")).all()
        assert [(a.actor, a.object_id) for a in audits] == [("bot", "2"), ("bot", "1")]
        assert db.exec(select(Audit).where(Audit.action == "lift")).one().actor == "@dave"


async def test_a_reaction_is_an_objection_until_it_is_taken_back(room, runtime, clock):
    await consent_room(room)
    said = await room.said("bob", "!demande KPA 100€")
    request_message = said[0].short_id
    answers = await room.react("carol", request_message, "❓")
    assert any("C'est une objection" in a for a in answers)
    clock.advance(days=6)
    assert await tick(room, runtime) == []
    answers = await room.unreact("carol", request_message, "❓")
    assert any("Carol retire sa question sur la demande #1" in a for a in answers)
    said = await tick(room, runtime)
    assert len(said) == 1 and "#1 Bob (100,00 €)" in said[0], said


async def test_an_admin_settles_an_objection_and_ones_own_question_holds_nothing(
    room, runtime, clock, engine
):
    await consent_room(room)
    await room.say("bob", "!demande KPA 100€")
    answer = await room.one("bob", "!question 1 est-ce trop ?")
    assert "n'est pas une objection" in answer
    assert "ne valide pas sa propre demande" in await room.one("bob", "!valider 1")
    await room.say("carol", "!question 1 pourquoi ?")
    assert "réservé aux admins" in await room.one("carol", "!question 1 close")
    assert "pas d'objection ouverte sur la demande #1" in await room.one(
        "dave", "!question 1 levée"
    )
    said = await room.said("alice", "!question 1 close")
    assert "Alice tranche : objection close sur la demande #1 de Bob (1)" in said[0].text
    settling = room.last_id
    # deleting the admin's message opens the objection again; settled again, it goes through
    answers = await room.delete("alice", settling)
    assert any("de nouveau ouverte (1)" in a for a in answers)
    clock.advance(days=5)
    assert await tick(room, runtime) == []
    await room.say("alice", "!question 1 tranchée")
    said = await tick(room, runtime)
    assert len(said) == 1 and "#1 Bob (100,00 €)" in said[0], said
    with Session(engine) as db:
        q = db.exec(select(BudgetQuestion).where(BudgetQuestion.user_id == "@carol")).one()
        assert (q.closed_kind, q.closed_by) == ("settled", "@alice")


async def test_a_revised_amount_starts_the_delay_again(room, runtime, clock, engine):
    await consent_room(room)
    await room.say("bob", "!demande KPA 100€")
    clock.advance(days=2)
    await room.say("bob", "!demande KPA 100€ pour l'atelier et le rangement")  # the message only
    with Session(engine) as db:
        assert db.exec(select(BudgetRequest)).one().consent_from is None
    clock.advance(days=1)
    answer = await room.one("bob", "!demande KPA 80€")
    assert "modifiée" in answer and "validée d'office à partir du" in answer
    clock.advance(days=3)  # five days after the request, two after the new amount
    assert await tick(room, runtime) == []
    clock.advance(days=2)
    said = await tick(room, runtime)
    assert len(said) == 1 and "#1 Bob (80,00 €)" in said[0], said


async def test_an_automatic_validation_is_dropped_by_a_new_amount_and_comes_again(
    room, runtime, clock, engine
):
    await consent_room(room)
    await room.say("bob", "!demande KPA 100€")
    clock.advance(days=5)
    assert len(await tick(room, runtime)) == 1
    await room.say("bob", "!demande KPA 120€")
    with Session(engine) as db:
        assert db.exec(select(BudgetValidation)).all() == []
    clock.advance(days=5)
    said = await tick(room, runtime)
    assert len(said) == 1 and "#1 Bob (120,00 €)" in said[0], said


async def test_a_quorum_of_members_still_validates_first(room, runtime, clock, engine):
    await setup_kpa(room)
    for user in ("bob", "carol", "dave"):
        await room.join(user)
    await room.say("alice", "!budget KPA 1000€ novembre validations 1 consent 5d")
    await room.say("bob", "!demande KPA 100€")
    answer = await room.one("carol", "!valider 1")
    assert "validée" in answer
    clock.advance(days=6)
    assert await tick(room, runtime) == []
    with Session(engine) as db:
        assert db.exec(select(BudgetConsentDay)).all() == []


async def test_one_message_per_envelope_and_day(room, runtime, clock):
    await consent_room(room)
    await room.say("bob", "!demande KPA 100€")
    await room.say("carol", "!demande KPA 50€")
    await room.say("dave", "!demande KPA 20€")
    clock.advance(days=5)
    said = await tick(room, runtime)
    assert len(said) == 1, said
    assert (
        "3 demandes validées d'office : #1 Bob (100,00 €), #2 Carol (50,00 €), #3 Dave" in (said[0])
    )


async def test_nothing_is_said_at_night(room, runtime, clock):
    await consent_room(room)
    await room.say("bob", "!demande KPA 100€")
    clock.now = dt.datetime(2026, 12, 2, 5, 30, tzinfo=dt.UTC)  # 06:30 in Paris
    assert await tick(room, runtime) == []
    clock.now = dt.datetime(2026, 12, 2, 7, 0, tzinfo=dt.UTC)  # 08:00 in Paris
    assert len(await tick(room, runtime)) == 1


async def test_the_setting_later_its_undo_and_its_refusals(room, runtime, clock, engine):
    await setup_kpa(room)
    await room.join("bob")
    await room.say("alice", "!budget KPA 1000€ novembre")
    assert "réservé aux admins" in await room.one("bob", "!budget KPA consentement 5j")
    answer = await room.one("alice", "!budget KPA consentement 5 jours")
    assert "une demande sans objection ouverte est validée d'office 5 jours après" in answer
    setting = room.last_id
    assert "consentement 5 jours" in await room.one("bob", "!budget KPA")
    answers = await room.delete("alice", setting)
    assert any("plus de validation d'office" in a for a in answers)
    assert "consentement" not in await room.one("bob", "!budget KPA")
    assert "Après « consentement », il faut un délai" in await room.one(
        "alice", "!budget KPA consentement bientôt"
    )
    await room.say("alice", "!budget KPA consent 3d")
    assert "plus de validation d'office" in await room.one("alice", "!budget KPA consentement non")
    await room.say("alice", "!projet ajouter KPB")
    await room.say("alice", "!contrib 2h 03/11 KPB")
    assert "ne vaut qu'en rétribution libre" in await room.one(
        "alice", "!budget KPB 100€ novembre proportionnel consentement 5j"
    )


async def test_in_english(room, runtime, clock):
    await setup_kpa(room)
    await room.join("bob")
    await room.join("carol")
    await room.say("alice", "!langue en")
    await room.say("alice", "!budget KPA 1000€ novembre consent 5d")
    answer = await room.one("bob", "!request KPA 100€")
    assert "it will be validated automatically from" in answer
    answer = await room.one("carol", "!question 1 why?")
    assert "This is an objection" in answer
    assert "lifts their objection" in await room.one("carol", "!question 1 withdrawn")
    clock.advance(days=5)
    said = await tick(room, runtime)
    assert len(said) == 1 and "1 request validated automatically: #1 Bob" in said[0], said


# --------------------------------------------------------------------------- two processes


def test_two_processes_validate_and_tell_once(any_engine):
    """Two bot processes run their timed duties at the same moment: the request is validated
    once and the room told once (the room's lock, then the keyed records)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from storage.db import transaction
    from storage.models import BotMessage

    room = "!consent"
    said = [
        ("@alice", "!projet ajouter KPA", True),
        ("@bob", "!contrib 3h 20/11 KPA", False),
        ("@alice", "!budget KPA 300€ novembre consentement 5j", True),
        ("@bob", "!demande KPA 100€", False),
    ]
    _, registry, settings = play(any_engine, room, said, T0)
    later = T0 + dt.timedelta(days=5)
    barrier = threading.Barrier(2)

    def duty() -> int:
        barrier.wait()
        with transaction(any_engine, rooms=()) as db:
            return len(consent_job.auto_validate(db, registry, settings, later))

    with ThreadPoolExecutor(max_workers=2) as pool:
        told = sorted(pool.map(lambda _: duty(), range(2)))
    assert told == [0, 1]
    with Session(any_engine) as db:
        assert len(db.exec(select(BudgetValidation)).all()) == 1
        assert len(db.exec(select(BudgetConsentDay)).all()) == 1
        posts = db.exec(select(BotMessage).where(BotMessage.room_id == room)).all()
        assert sum("demande validée d'office" in (p.body or "") for p in posts) == 1


async def test_an_applied_landing_follows_an_automatic_validation(room, runtime, clock, engine):
    await setup_kpa(room)
    for user in ("bob", "carol", "dave"):
        await room.join(user)
    await room.one("alice", "!budget KPA 100€ novembre consentement 5j")
    await room.say("bob", "!demande KPA 80€")
    await room.say("carol", "!demande KPA 60€")
    await room.say("alice", "!valider 1")
    await room.say("alice", "!valider 2")
    answers = await room.said("alice", "!budget KPA prorata")
    assert any("Prorata appliqué" in a.text for a in answers), answers
    clock.advance(days=1)
    await room.say("dave", "!demande KPA 40€")
    clock.advance(days=5)
    said = await tick(room, runtime)
    assert any("#3 Dave (40,00 €)" in s for s in said), said
    recomputed = [s for s in said if "Atterrissage recalculé" in s]
    assert len(recomputed) == 1, said
    with Session(engine) as db:
        granted = {r.id: r.granted for r in db.exec(select(BudgetRequest)).all()}
    # 80 : 60 : 40 landed on 100 €, to the cent
    assert sum(granted.values()) == 10000, granted
    assert granted == {1: 4445, 2: 3333, 3: 2222}
