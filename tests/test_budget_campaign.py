"""Hour-reading campaigns (``!releve KPA avant le 15/12``): when the reminder and the report go
out, who has confirmed, as pure rules; and a conversation in a console room where the clock moves
and the scheduler's timed duties run (the reminder and the report go out once, in the campaign
message's thread, even with two processes)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from commands.budget import campaign_jobs
from commands.budget import campaign_reading as campaigns
from commands.lifecycle import ABSENT, Act, Actor, Refusal, act, undo
from commands.lifecycle import campaign as life
from storage.models import Audit, BudgetCampaign, BudgetCampaignConfirm, BudgetCampaignNotice
from tests.processes import play
from tests.test_budget_consent import tick
from tests.test_budget_scenarios import NormChat, setup_kpa

T0 = dt.datetime(2026, 11, 26, 11, tzinfo=dt.UTC)  # Thursday 26 Nov 2026, 12:00 in Paris
ZONES = st.sampled_from(["Europe/Paris", "America/Montreal", "Asia/Tokyo", "UTC"])
INSTANTS = st.datetimes(
    min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2035, 1, 1), timezones=st.just(dt.UTC)
)


@pytest.fixture
def room(chat):
    return NormChat(chat)


# --------------------------------------------------------------------------- pure rules


def test_the_deadline_is_the_day_at_nine_local_time():
    at = campaigns.deadline_instant(dt.date(2026, 12, 15), "Europe/Paris")
    assert at == dt.datetime(2026, 12, 15, 8, tzinfo=dt.UTC)


def test_the_reminder_is_the_day_before_or_half_way():
    deadline = campaigns.deadline_instant(dt.date(2026, 12, 15), "Europe/Paris")
    assert campaigns.reminder_instant(T0, deadline, "Europe/Paris") == deadline - dt.timedelta(
        days=1
    )
    # opened the day before at noon: half-way is 14 Dec, 22:30 in Paris (the evening)
    opened = dt.datetime(2026, 12, 14, 11, tzinfo=dt.UTC)
    assert campaigns.reminder_instant(opened, deadline, "Europe/Paris") == dt.datetime(
        2026, 12, 14, 21, 30, tzinfo=dt.UTC
    )
    # opened at 22:00: half-way is 3:30 at night, moved to 8:00
    opened = dt.datetime(2026, 12, 14, 21, tzinfo=dt.UTC)
    assert campaigns.reminder_instant(opened, deadline, "Europe/Paris") == dt.datetime(
        2026, 12, 15, 7, tzinfo=dt.UTC
    )


@given(INSTANTS, st.integers(1, campaigns.MAX_DAYS), ZONES)
def test_the_reminder_falls_between_the_opening_and_the_deadline(opened, days, zone):
    day = opened.astimezone(__import__("zoneinfo").ZoneInfo(zone)).date() + dt.timedelta(days)
    deadline = campaigns.deadline_instant(day, zone)
    remind = campaigns.reminder_instant(opened, deadline, zone)
    assert opened < remind < deadline
    assert remind >= deadline - dt.timedelta(days=1)


@given(
    st.sampled_from([life.OPEN, life.CANCELLED, life.ENDED, life.REMOVED]),
    st.sets(st.sampled_from([campaigns.REMINDER, campaigns.DEADLINE])),
    st.integers(-100, 100),
)
def test_each_notice_is_due_once_and_the_reminder_never_after_the_deadline(state, sent, hours):
    remind = T0
    deadline = T0 + dt.timedelta(hours=24)
    now = T0 + dt.timedelta(hours=hours)
    kind = campaigns.due_notice(state, remind, deadline, sent, now)
    if kind is not None:
        assert state == life.OPEN and kind not in sent
        assert (kind == campaigns.DEADLINE) == (now >= deadline)
        assert kind != campaigns.REMINDER or remind <= now < deadline
    if state == life.OPEN and now >= deadline and campaigns.DEADLINE not in sent:
        assert kind == campaigns.DEADLINE


people = st.sampled_from(["@a", "@b", "@c", "@d", "@e", "bot"])


@given(st.dictionaries(people, st.integers(1, 600)), st.lists(people), st.sets(people))
def test_everyone_asked_is_confirmed_or_missing(hours, members, confirmed):
    found = campaigns.standing(hours, members, confirmed)
    assert set(found.done) | set(found.missing) == set(found.asked)
    assert not set(found.done) & set(found.missing)
    assert "bot" not in found.asked
    assert set(found.asked) == (set(hours) | set(members)) - {"bot"}
    assert len(found.asked) == len(set(found.asked))


def test_the_campaign_machine():
    opened = life.Campaign(life.OPEN, "KPA", T0 + dt.timedelta(days=3))
    admin, member = Actor("@root", True), Actor("@bob")
    assert (
        life.campaign_step(
            life.Campaign(ABSENT, "KPA", T0 + dt.timedelta(days=3)), act(Act.CREATE), admin, T0
        )
        == opened
    )
    assert isinstance(
        life.campaign_step(
            life.Campaign(ABSENT, "KPA", T0 - dt.timedelta(days=1)), act(Act.CREATE), admin, T0
        ),
        Refusal,
    )
    assert isinstance(life.campaign_step(opened, act(Act.CANCEL), member, T0), Refusal)
    cancelled = life.campaign_step(opened, act(Act.CANCEL), admin, T0)
    assert isinstance(cancelled, life.Campaign) and cancelled.status == life.CANCELLED
    assert life.campaign_step(cancelled, undo(Act.CANCEL), admin, T0) == opened
    later = T0 + dt.timedelta(days=4)
    assert isinstance(life.campaign_step(cancelled, undo(Act.CANCEL), admin, later), Refusal)
    assert isinstance(life.campaign_step(opened, undo(Act.CREATE), admin, later), Refusal)
    ended = life.campaign_step(opened, act(Act.DEADLINE), Actor("bot", True), later)
    assert isinstance(ended, life.Campaign) and ended.status == life.ENDED
    assert isinstance(life.campaign_step(opened, act(Act.DEADLINE), admin, T0), Refusal)
    given_ = life.confirmation_step(life.Confirmation(ABSENT, opened), act(Act.CREATE), member, T0)
    assert isinstance(given_, life.Confirmation) and given_.status == life.GIVEN
    assert isinstance(life.confirmation_step(given_, undo(Act.CREATE), member, later), Refusal)


# --------------------------------------------------------------------------- in the room


async def reading_room(room) -> None:
    await setup_kpa(room, alice=30, bob=10, carol=0)
    for user in ("bob", "carol", "dave"):
        await room.join(user)
    await room.one("alice", "!budget KPA 1000€ novembre")


async def test_a_campaign_asks_once_reminds_once_in_its_thread_and_reports(
    room, runtime, clock, engine
):
    await reading_room(room)
    said = await room.said("alice", "!releve KPA avant le 3/12")
    assert len(said) == 1
    opening = said[0]
    assert (
        "📋 Relevé des compteurs pour KPA (novembre 2026), jusqu'au jeudi 3 décembre 2026 : "
        "Alice (30 h), @bob (10 h) ; et, sans heures sur la période pour l'instant : "
        "@carol, @dave." in opening.text
    )
    assert (
        "Rappel le mercredi 2 décembre 2026 à ceux qui n'auront pas confirmé, bilan le jeudi 3 décembre 2026"
        in (opening.text)
    )
    answer = await room.one("bob", "!releve KPA")
    assert "0 sur 4 ont confirmé" in answer and "Pas encore : Alice, Bob, Carol, Dave" in answer
    # an hour later: bob posts his request, carol logs hours, dave reacts ✅
    clock.advance(hours=1)
    await room.say("bob", "!demande KPA 200€")
    await room.say("carol", "!contrib 2h 20/11 KPA")
    assert await room.react("dave", opening.short_id, "✅") == []
    clock.advance(days=5)  # 1 December, 13:00: nothing yet
    assert await tick(room, runtime) == []
    clock.advance(days=1)  # 2 December, 13:00 in Paris: the reminder, once, in the thread
    before = len(room.bot_messages)
    said = await tick(room, runtime)
    assert len(said) == 1, said
    reminder = room.bot_messages[before]
    assert reminder.thread == opening.short_id and reminder.reply_to == opening.short_id
    assert said[0].startswith(
        "⏰ Rappel : le relevé des compteurs de KPA se termine le jeudi 3 décembre 2026"
    )
    assert "@alice :" in said[0] and "@bob" not in said[0] and "@dave" not in said[0]
    clock.advance(hours=12)
    assert await tick(room, runtime) == []
    clock.advance(hours=12)  # 3 December, 13:00: the report
    said = await tick(room, runtime)
    assert len(said) == 1, said
    assert (
        "📋 Relevé des compteurs terminé pour KPA (novembre 2026) : 3 sur 4 ont confirmé. "
        "Confirmé : Bob, Carol, Dave. Sans réponse : Alice." in said[0]
    )
    assert await tick(room, runtime) == []
    table = await room.one("bob", "!budget KPA")
    assert (
        "Relevé des compteurs de KPA terminé le jeudi 3 décembre 2026 : 3 sur 4 ont confirmé"
        in table
    )
    # past the deadline nothing enters or leaves
    answers = await room.unreact("dave", opening.short_id, "✅")
    assert any("est terminé" in a for a in answers), answers
    with Session(engine) as db:
        notices = db.exec(select(BudgetCampaignNotice)).all()
        assert sorted(n.kind for n in notices) == ["deadline", "reminder"]
        assert db.exec(select(BudgetCampaign)).one().state == "ended"
        actions = [
            a.action for a in db.exec(select(Audit).where(Audit.object_kind == "budget_campaign"))
        ]
        assert actions == [
            "campaign_open",
            "campaign_confirm",
            "campaign_reminder",
            "campaign_deadline",
        ]


async def test_refusals_cancel_and_undo(room, runtime, clock, engine):
    await reading_room(room)
    answer = await room.one("bob", "!releve KPA avant le 3/12")
    assert answer.startswith("⛔") and "réservé aux admins" in answer
    answer = await room.one("alice", "!releve KPA avant le 26/11")
    assert "Le jeudi 26 novembre 2026, c'est aujourd'hui ou déjà passé" in answer
    answer = await room.one("alice", "!releve KPA avant le 26/11/2025")
    assert "déjà passé" in answer and "!releve KPA avant le 15/12" in answer
    answer = await room.one("alice", "!releve KPA bientôt")
    assert "!releve KPA avant le 15/12" in answer
    answer = await room.one("alice", "!releve KPA annuler")
    assert "rien à annuler" in answer
    answer = await room.one("bob", "!releve KPA")
    assert "Pas de relevé des compteurs" in answer
    said = await room.said("alice", "!releve KPA avant le 10 décembre")
    opened_by = room.last_id
    answer = await room.one("alice", "!releve KPA avant le 12/12")
    assert "déjà en cours" in answer and "!releve KPA annuler" in answer
    answer = await room.one("bob", "!releve KPA annuler")
    assert answer.startswith("⛔")
    said = await room.said("alice", "!releve KPA annuler")
    cancel_id = room.last_id
    assert "annulé par Alice" in said[0].text
    answers = await room.delete("alice", cancel_id)
    assert any("reprend, jusqu'au jeudi 10 décembre 2026" in a for a in answers), answers
    answers = await room.delete("alice", opened_by)
    assert any("est supprimé" in a for a in answers), answers
    clock.advance(days=20)
    assert await tick(room, runtime) == []
    with Session(engine) as db:
        assert db.exec(select(BudgetCampaign)).one().state == "removed"


async def test_a_reaction_taken_back_is_no_confirmation(room, runtime, clock, engine):
    await reading_room(room)
    said = await room.said("alice", "!releve KPA avant le 3/12")
    await room.react("dave", said[0].short_id, "✅")
    answers = await room.unreact("dave", said[0].short_id, "✅")
    assert any("Dave retire son ✅ du relevé des compteurs de KPA" in a for a in answers)
    answer = await room.one("bob", "!releve KPA")
    assert "0 sur 4" in answer
    with Session(engine) as db:
        assert db.exec(select(BudgetCampaignConfirm)).all() == []


async def test_no_reminder_once_the_envelope_is_closed(room, runtime, clock):
    await reading_room(room)
    await room.one("alice", "!releve KPA avant le 3/12")
    await room.say("bob", "!demande KPA 100€")
    await room.say("alice", "!valider 1")
    answers = await room.say("alice", "!budget KPA clore")
    assert any("clôturée" in a for a in answers), answers
    clock.advance(days=6)
    assert await tick(room, runtime) == []
    clock.advance(days=1)
    said = await tick(room, runtime)
    assert len(said) == 1 and "Relevé des compteurs terminé pour KPA" in said[0], said


async def test_in_english(room, runtime, clock):
    await reading_room(room)
    await room.one("alice", "!langue en")
    answer = await room.one("alice", "!reading KPA before 3/12")
    assert "📋 Hour reading for KPA (November 2026), until" in answer
    answer = await room.one("alice", "!reading KPA cancel")
    assert "Hour reading of KPA cancelled by Alice." in answer


# --------------------------------------------------------------------------- two processes


def test_two_processes_remind_and_report_once(any_engine):
    """Two bot processes run their timed duties at the same moments: one reminder, one
    report (the room's lock, then the keyed records)."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from storage.db import transaction
    from storage.models import BotMessage

    room = "!reading"
    said = [
        ("@alice", "!projet ajouter KPA", True),
        ("@bob", "!contrib 3h 20/11 KPA", False),
        ("@alice", "!budget KPA 300€ novembre", True),
        ("@alice", "!releve KPA avant le 30/11", True),
    ]
    _, registry, settings = play(any_engine, room, said, T0)

    def duty(at: dt.datetime, barrier: threading.Barrier) -> int:
        barrier.wait()
        with transaction(any_engine, rooms=()) as db:
            return len(campaign_jobs.campaign_duty(db, registry, settings, at))

    for days in (3, 4):
        barrier = threading.Barrier(2)
        at = T0 + dt.timedelta(days=days)
        with ThreadPoolExecutor(max_workers=2) as pool:
            told = sorted(pool.map(duty, [at, at], [barrier, barrier]))
        assert told == [0, 1], days
    with Session(any_engine) as db:
        assert len(db.exec(select(BudgetCampaignNotice)).all()) == 2
        posts = db.exec(select(BotMessage).where(BotMessage.room_id == room)).all()
        assert sum("⏰" in (p.body or "") for p in posts) == 1
        assert sum("terminé pour KPA" in (p.body or "") for p in posts) == 1
