"""Retention: a room forgets its handled events and the bot's delivered answers past its limit
(``!reglages conservation 90j``); the audit trail and the ledger stay forever, and an event
older than the limit is never handled again."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from commands.admin import purge_old
from commands.events import Message
from storage import retention
from storage.models import Audit, BotMessage, ChatEvent, Contribution, Room
from storage.retention import EventRow, MessageRow, purgeable_events, purgeable_messages
from tests.conftest import Chat, assert_ledger_sound

NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)


def norm(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


# -- the rule -------------------------------------------------------------------------------------


def test_the_limit_and_forever():
    assert retention.cutoff(NOW, 90) == NOW - dt.timedelta(days=90)
    assert retention.cutoff(NOW, retention.FOREVER) is None
    assert retention.too_old(NOW - dt.timedelta(days=91), NOW, 90)
    assert not retention.too_old(NOW - dt.timedelta(days=89), NOW, 90)
    assert not retention.too_old(NOW - dt.timedelta(days=9000), NOW, retention.FOREVER)


def test_a_delivered_answer_goes_a_card_stays():
    old = NOW - dt.timedelta(days=100)
    limit = retention.cutoff(NOW, 90)
    rows = [
        MessageRow(1, old, True, None),  # an answer, delivered: purged
        MessageRow(2, old, False, None),  # not delivered yet: kept
        MessageRow(3, old, True, "bucket"),  # a bucket's card: kept
        MessageRow(4, old, True, None),  # an answer an edit points at: kept
        MessageRow(5, NOW, True, None),  # recent: kept
    ]
    assert purgeable_messages(rows, limit, referenced={4}) == [1]
    assert purgeable_messages(rows, None, referenced=set()) == []


instants = st.integers(min_value=0, max_value=800).map(lambda d: NOW - dt.timedelta(days=d))
ids = st.text(alphabet="abcdef", min_size=1, max_size=4)


@given(
    rows=st.lists(st.builds(EventRow, ids, instants), max_size=30, unique_by=lambda r: r.event_id),
    referenced=st.sets(ids, max_size=20),
    days=st.sampled_from([retention.FOREVER, 7, 90, 365, 730]),
)
def test_nothing_named_by_the_ledger_or_the_audit_is_ever_purgeable(rows, referenced, days):
    limit = retention.cutoff(NOW, days)
    gone = purgeable_events(rows, limit, referenced)
    assert not set(gone) & referenced
    assert all(limit is not None and r.handled_at < limit for r in rows if r.event_id in gone)
    if limit is None:
        assert gone == []


@given(
    rows=st.lists(
        st.builds(
            MessageRow,
            st.integers(1, 50),
            instants,
            st.booleans(),
            st.sampled_from([None, "bucket", "envelope", "request", "pending"]),
        ),
        max_size=30,
        unique_by=lambda r: r.id,
    ),
    referenced=st.sets(st.integers(1, 50), max_size=20),
    days=st.sampled_from([retention.FOREVER, 7, 90, 365]),
)
def test_no_card_and_no_message_a_record_names_is_ever_purgeable(rows, referenced, days):
    gone = set(purgeable_messages(rows, retention.cutoff(NOW, days), referenced))
    assert not gone & referenced
    assert all(r.ref_kind is None and r.sent for r in rows if r.id in gone)


def test_every_column_naming_an_event_is_looked_at():
    """A new table whose column names a chat event keeps that event: the purge finds such
    columns by their name, and the ledger's are among them."""
    names = {f"{c.table.name}.{c.name}" for c in retention._event_columns()}
    assert {"audit.event_id", "contribution.event_id", "cobudget_funding.event_id"} <= names
    assert "cobudget_bucket.card_message_id" in {
        f"{c.table.name}.{c.name}" for c in retention._message_columns()
    }


# -- the setting ----------------------------------------------------------------------------------


async def test_the_setting_is_shown_changed_refused_and_undone(chat: Chat, engine: Engine):
    shown = norm("\n".join(await chat.say("alice", "!reglages")))
    assert "Conservation des messages traités et des réponses : 365 jours" in shown
    assert norm(await chat.one("alice", "!reglages conservation 90j")) == (
        "⚙️ Conservation des messages traités et des réponses : 90 jours."
    )
    changed = chat.last_id
    assert norm(await chat.one("alice", "!reglages conservation toujours")) == (
        "⚙️ Conservation des messages traités et des réponses : toujours."
    )
    forever = chat.last_id
    refused = norm(await chat.one("alice", "!reglages conservation 2j"))
    assert refused.startswith("⚠️ « 2j » : donne un nombre de jours de 7 à 36500")
    assert "!reglages conservation toujours" in refused
    assert "admin" in norm(await chat.one("bob", "!reglages conservation 30j"))
    with Session(engine) as db:
        room = db.get(Room, "coroutine")
        assert room is not None and room.retention_days == retention.FOREVER
    # a change removed: the setting is as before it
    await chat.delete("alice", forever or "")
    with Session(engine) as db:
        room = db.get(Room, "coroutine")
        assert room is not None and room.retention_days == 90
    await chat.delete("alice", changed or "")
    with Session(engine) as db:
        room = db.get(Room, "coroutine")
        assert room is not None and room.retention_days == retention.DEFAULT_DAYS


async def test_the_setting_in_english(chat: Chat):
    await chat.say("alice", "!language en")
    assert norm(await chat.one("alice", "!settings keep forever")) == (
        "⚙️ Keeping handled messages and answers: forever."
    )
    assert norm(await chat.one("alice", "!settings keep 1y")) == (
        "⚙️ Keeping handled messages and answers: 365 days."
    )


# -- a conversation -------------------------------------------------------------------------------


def _purge(engine: Engine, now: dt.datetime) -> None:
    """The scheduler's duty, run until nothing is left to purge (one batch per transaction)."""
    with Session(engine) as db:
        rooms = [r.id for r in db.exec(select(Room)).all()]
    for room_id in rooms:
        retention.purge_room(engine, room_id, now)


def _events(engine: Engine) -> set[str]:
    with Session(engine) as db:
        return set(db.exec(select(ChatEvent.event_id)).all())


async def test_a_purge_keeps_the_ledger_and_a_replay_is_not_handled_twice(
    chat: Chat, engine: Engine, clock
):
    await chat.say("alice", "!reglages conservation 90j")
    await chat.say("alice", "!contrib 3h atelier")
    contrib = chat.adapter.resolve(chat.last_id or "")
    contrib_at = clock.now
    await chat.say("bob", "!solde")
    query = chat.adapter.resolve(chat.last_id or "")
    with Session(engine) as db:
        answers = len(db.exec(select(BotMessage)).all())
        audits = len(db.exec(select(Audit)).all())
    clock.advance(days=120)
    await chat.say("alice", "!solde")  # recent: kept
    recent = chat.adapter.resolve(chat.last_id or "")
    _purge(engine, clock.now)
    kept = _events(engine)
    assert query not in kept  # a question that changed nothing: forgotten
    assert {contrib, recent} <= kept  # what the audit trail names, and what is recent: kept
    with Session(engine) as db:
        assert len(db.exec(select(Audit)).all()) == audits  # the audit trail is whole
        assert len(db.exec(select(Contribution)).all()) == 1
        old = contrib_at + dt.timedelta(days=1)
        left = db.exec(select(BotMessage).where(col(BotMessage.created_at) < old)).all()
        assert len(db.exec(select(BotMessage)).all()) < answers + 1
        assert all(m.ref_kind is not None or m.sent_at is None for m in left)
    assert_ledger_sound(engine)
    # the platform sends the old events again (a resync): neither is handled twice
    said = len(chat.bot_messages)
    for event_id, user, body in ((query, "bob", "!solde"), (contrib, "alice", "!contrib 3h")):
        replay = Message(
            event_id=event_id,
            room_id="coroutine",
            sender=chat.adapter.user_id(user),
            body=body,
            timestamp=contrib_at,
            platform="console",
        )
        await chat.runtime.handle(replay)
    await chat.runtime.flush()
    assert len(chat.bot_messages) == said  # nothing said
    assert query not in _events(engine)
    with Session(engine) as db:
        assert len(db.exec(select(Contribution)).all()) == 1
    assert_ledger_sound(engine)
    # the duty run again finds nothing more to do
    with Session(engine) as db:
        purge_old(db, chat.runtime.registry, chat.runtime.settings, clock.now)
        db.commit()
    assert _events(engine) == kept


async def test_an_edit_or_removal_of_a_purged_message_is_an_unknown_one(
    chat: Chat, engine: Engine, clock
):
    await chat.say("alice", "!reglages conservation 30j")
    await chat.say("bob", "!solde")
    query = chat.last_id or ""
    clock.advance(days=40)
    _purge(engine, clock.now)
    assert chat.adapter.resolve(query) not in _events(engine)
    assert await chat.edit("bob", query, "merci") == []
    assert await chat.delete("bob", query) == []
    answers = [norm(a) for a in await chat.edit("bob", query, "!solde")]
    assert not any("erreur interne" in a for a in answers)
    assert_ledger_sound(engine)


async def test_forever_keeps_everything(chat: Chat, engine: Engine, clock):
    await chat.say("alice", "!reglages conservation toujours")
    await chat.say("bob", "!solde")
    before = _events(engine)
    clock.advance(days=4000)
    _purge(engine, clock.now)
    assert _events(engine) == before


async def test_an_old_event_never_seen_is_ignored(chat: Chat, engine: Engine, clock):
    """An event older than the room's limit could be one whose row was purged: it is ignored,
    whether or not it was ever handled."""
    await chat.say("alice", "!reglages conservation 30j")
    stale = Message(
        event_id="from-long-ago",
        room_id="coroutine",
        sender=chat.adapter.user_id("alice"),
        body="!contrib 2h",
        timestamp=clock.now - dt.timedelta(days=31),
        platform="console",
    )
    said = len(chat.bot_messages)
    await chat.runtime.handle(stale)
    await chat.runtime.flush()
    assert len(chat.bot_messages) == said
    fresh = dataclasses.replace(stale, event_id="from-last-week", timestamp=clock.now)
    await chat.runtime.handle(fresh)
    await chat.runtime.flush()
    assert len(chat.bot_messages) == said + 1
    with Session(engine) as db:
        assert [c.event_id for c in db.exec(select(Contribution)).all()] == ["from-last-week"]


@pytest.mark.postgres
async def test_a_purge_on_postgresql(postgres_engine: Engine, tmp_path):
    from bot.adapters.console import ConsoleAdapter
    from bot.runtime import Runtime
    from commands import build_registry
    from commands.core import Settings
    from tests.conftest import Clock

    clock = Clock()
    runtime = Runtime(postgres_engine, build_registry(), Settings(), clock=clock)
    adapter = ConsoleAdapter(
        user="alice",
        room="coroutine",
        admins=("alice",),
        out=lambda _l: None,
        files_dir=tmp_path / "files",
    )
    adapter.attach(runtime)
    chat = Chat(runtime, adapter)
    try:
        await test_a_purge_keeps_the_ledger_and_a_replay_is_not_handled_twice(
            chat, postgres_engine, clock
        )
    finally:
        await runtime.close()


# -- Mattermost: reaction removals after a purge ----------------------------------------------------


async def test_a_mattermost_reaction_taken_back_after_a_purge(runtime, clock):
    """The Mattermost adapter finds which reaction a removal takes back in its own table
    (``adapter_cursor``), not in the handled events: a purge does not lose it, and the removal
    is handed over either way. Mattermost sends a removal without a time (the adapter stamps it
    when it arrives), so it is never too old itself. The reaction's handled row is purged only
    if the reaction changed nothing (one that did is named by the audit trail and kept, so its
    removal undoes it as ever): its removal is then recorded and cleanly ignored."""
    import time

    from storage.models import AdapterCursor
    from tests.mm_harness import mattermost_world

    wall = dt.datetime.fromtimestamp(time.time(), dt.UTC)  # the fake server stamps wall time
    clock.now = wall - dt.timedelta(days=10)
    async with mattermost_world(runtime) as mm:
        adapter = await mm.start()
        await mm.say("alice", "!reglages conservation 7j")
        await mm.say("bob", "!solde")
        asked = mm.ids[mm.last_id or ""]
        answer = [short for short in mm.ids if short.startswith("b")][-1]
        clock.now = wall + dt.timedelta(minutes=1)
        await mm.react("bob", answer, "heart")
        await mm.react("bob", answer, "tada")
        [heart] = [e for e in adapter.handled if ":heart:" in e]
        [tada] = [e for e in adapter.handled if ":tada:" in e]
        retention.purge_room(runtime.engine, mm.channel, clock.now)
        assert asked not in _events(runtime.engine)  # ten days old: purged
        # within the limit: recognised, and handled
        await mm.unreact("bob", answer, "heart")
        assert f"{heart}:removed" in _events(runtime.engine)
        # past the limit: the reaction's own row purged, its removal ignored, nothing breaks
        clock.advance(days=8)
        retention.purge_room(runtime.engine, mm.channel, clock.now)
        assert tada not in _events(runtime.engine)
        said = await mm.unreact("bob", answer, "tada")
        with Session(runtime.engine) as db:
            removal = db.get(ChatEvent, f"{tada}:removed")
            assert removal is not None and removal.command == "ignored"
        assert said == []

        def reactions_kept() -> list[str]:
            with Session(runtime.engine) as db:
                kept = db.exec(select(AdapterCursor).where(AdapterCursor.platform == "mattermost"))
                return [c.key for c in kept if c.key.startswith("reaction:")]

        from tests.mm_harness import until

        await until(lambda: reactions_kept() == [], what="the reactions forgotten")
    assert_ledger_sound(runtime.engine)


async def test_a_funding_taken_back_after_a_purge_is_still_undone(
    chat: Chat, engine: Engine, clock
):
    """A reaction that funded a bucket is named by the ledger and the audit trail: its row
    stays, and so does the bucket's card; taking it back after a purge withdraws the money."""
    from storage.models import Funding

    await chat.say("bob", "!solde")
    await chat.say("alice", "!reglages conservation 30j")
    await chat.say("alice", '!tour ouvrir "Printemps" 100€')
    await chat.say("alice", "!allouer @bob 50€")
    said = await chat.said("alice", "!bucket Four 40€")
    [card] = [s.short_id for s in said if s.text.startswith("**🪣 Bucket #")]
    await chat.react("bob", card, "💰")
    await chat.say("bob", "!solde")
    clock.advance(days=40)
    _purge(engine, clock.now)
    with Session(engine) as db:
        assert db.exec(select(BotMessage).where(BotMessage.ref_kind == "bucket")).all()
        assert [f.state for f in db.exec(select(Funding)).all()] == ["active"]
    await chat.unreact("bob", card, "💰")
    with Session(engine) as db:
        assert [f.state for f in db.exec(select(Funding)).all()] != ["active"]
    assert_ledger_sound(engine)
