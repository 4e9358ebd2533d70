"""The outbox: a message that cannot be delivered never holds up its room (it is replaced by a
short error answer), and the senders of a room take turns, so one person's flood of commands
does not queue everyone else's answers behind it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import pytest
from sqlmodel import Session, select

import bot.runtime
from bot.adapters.base import DeliveryError, Outgoing
from bot.runtime import MARK_EVERY, Runtime
from commands import build_registry
from commands.core import Context, Registry, Settings
from commands.events import Message
from storage.db import transaction
from storage.models import BotMessage, ChatEvent, Room


class Recorder:
    """An adapter that records what it delivers; ``fail(item)`` may return an exception to raise
    instead; ``gate``, when given, holds the first delivery until it is set."""

    platform = "console"

    def __init__(self, fail: Callable[[Outgoing], Exception | None] = lambda _i: None) -> None:
        self.fail = fail
        self.delivered: list[Outgoing] = []
        self.tried: list[Outgoing] = []
        self.gate: asyncio.Event | None = None
        self.at_gate = asyncio.Event()

    async def run(self, runtime: Runtime) -> None:  # pragma: no cover - not used
        return None

    async def deliver(self, item: Outgoing) -> str | None:
        if self.gate is not None:
            self.at_gate.set()
            await self.gate.wait()
        self.tried.append(item)
        error = self.fail(item)
        if error is not None:
            raise error
        self.delivered.append(item)
        return f"sent-{item.id}"

    async def close(self) -> None:
        return None

    def bodies(self) -> list[str]:
        return [i.body for i in self.delivered]


def registry() -> Registry:
    reg = build_registry()

    @reg.command("dire", family="sonde", hidden=True)
    def say_it(ctx: Context, args: str) -> None:
        ctx.reply(args)

    return reg


def msg(event_id: str, body: str, sender: str = "@alice", **kw: object) -> Message:
    return Message(
        event_id=event_id, room_id="r", sender=sender, body=body, platform="console", **kw
    )  # type: ignore[arg-type]


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """No waiting between retries; the waits asked for are recorded."""
    asked: list[float] = []

    async def no_sleep(seconds: float) -> None:
        asked.append(seconds)

    monkeypatch.setattr(bot.runtime.asyncio, "sleep", no_sleep)
    return asked


async def start(engine, clock, adapter: Recorder) -> Runtime:
    runtime = Runtime(engine, registry(), Settings(), clock=clock)
    runtime.add_adapter(adapter)
    return runtime


# -- a message that cannot be delivered ----------------------------------------------------------


def crash_on_bomb(item: Outgoing) -> Exception | None:
    return RuntimeError("rendering bug") if "💥" in item.body else None


async def test_a_message_that_crashes_while_rendered_is_replaced_by_an_error_answer(
    engine, clock, sleeps, caplog
):
    adapter = Recorder(crash_on_bomb)
    runtime = await start(engine, clock, adapter)
    events = [
        msg("$1", "!dire avant"),
        msg("$2", "!dire 💥", sender="@bob", thread_id="$fil"),
        msg("$3", "!dire après"),
    ]
    with caplog.at_level(logging.ERROR):
        await asyncio.gather(*(runtime.handle(e) for e in events))
        await runtime.flush()
    bodies = adapter.bodies()
    assert bodies[0] == "avant" and bodies[-1] == "après"
    [error] = [i for i in adapter.delivered if i.reply_to == "$2"]
    assert "Je n'ai pas pu afficher ma réponse à ce message" in error.body
    assert error.thread_id == "$fil"  # in the command's thread
    ref = error.body.split("référence ")[1].rstrip(".")
    assert len(ref) == 8 and ref in caplog.text
    assert bodies == ["avant", error.body, "après"]  # in the failed message's place
    assert sleeps == []  # the room's queue never waited
    with Session(engine) as db:
        failed = db.exec(select(BotMessage).where(BotMessage.body == "💥")).one()
    assert failed.attempts == 1 and failed.sent_at is not None and failed.platform_id is None
    await runtime.close()


async def test_a_permanent_refusal_is_replaced_in_the_rooms_language(engine, clock, sleeps):
    def refuse(item: Outgoing) -> Exception | None:
        return DeliveryError("M_TOO_LARGE", permanent=True) if "gros" in item.body else None

    adapter = Recorder(refuse)
    runtime = await start(engine, clock, adapter)
    await runtime.handle(msg("$0", "!dire salut"))
    with transaction(engine) as db:
        room = db.get(Room, "r")
        assert room is not None
        room.language = "en"
    await runtime.handle(msg("$1", "!dire trop gros"))
    await runtime.handle(msg("$2", "!dire ensuite"))
    await runtime.flush()
    assert adapter.bodies()[0] == "salut" and adapter.bodies()[-1] == "ensuite"
    [error] = [i for i in adapter.delivered if i.reply_to == "$1"]
    assert error.body.startswith("⚠️ I could not show my answer to this message.")
    assert sleeps == []
    with Session(engine) as db:
        given_up = db.exec(select(BotMessage).where(BotMessage.body == "trop gros")).one()
    assert given_up.sent_at is not None and given_up.lane is None  # out of the queue, no lane
    await runtime.close()


async def test_an_error_answer_that_fails_too_is_not_replaced_again(engine, clock, sleeps):
    adapter = Recorder(lambda item: RuntimeError("down") if item.reply_to == "$2" else None)
    runtime = await start(engine, clock, adapter)
    for event in (msg("$1", "!dire un"), msg("$2", "!dire deux"), msg("$3", "!dire trois")):
        await runtime.handle(event)
    await runtime.flush()
    assert adapter.bodies() == ["un", "trois"]
    tried = [i.body for i in adapter.tried if i.reply_to == "$2"]
    assert len(tried) == 2 and tried[0] == "deux" and "référence" in tried[1]
    with Session(engine) as db:
        assert db.exec(select(BotMessage).where(BotMessage.sent_at.is_(None))).all() == []  # type: ignore[union-attr]
    await runtime.close()


async def test_a_message_given_up_after_its_retries_is_replaced(engine, clock, sleeps, monkeypatch):
    monkeypatch.setattr(bot.runtime, "MAX_ATTEMPTS", 3)
    adapter = Recorder(lambda i: DeliveryError("502") if i.body == "perdu" else None)
    runtime = await start(engine, clock, adapter)
    await runtime.handle(msg("$1", "!dire perdu"))
    await runtime.handle(msg("$2", "!dire suivant"))
    await runtime.flush()
    assert [i.body for i in adapter.tried].count("perdu") == 3
    assert len(sleeps) == 2  # a failure that may pass is retried, the room waiting meanwhile
    assert "Je n'ai pas pu afficher" in adapter.bodies()[0] and adapter.bodies()[1] == "suivant"
    await runtime.close()


async def test_an_edit_of_a_card_that_was_replaced_is_dropped(engine, clock, sleeps):
    adapter = Recorder(crash_on_bomb)
    runtime = await start(engine, clock, adapter)
    with transaction(engine) as db:
        room = Room(id="r", platform="console")
        db.add(room)
        ctx = Context(db, msg("$c", ""), room, Settings())
        card = ctx.reply("carte 💥")
        ctx.edit(card, "carte v2")
        ctx.reply("fin")
    runtime.kick("r")
    await runtime.flush()
    assert [i.kind for i in adapter.delivered] == ["text", "text"]
    assert "Je n'ai pas pu afficher" in adapter.delivered[0].body
    assert adapter.delivered[0].reply_to == "$c"  # in the place of the card it replaces
    assert adapter.bodies()[1] == "fin"
    await runtime.close()


# -- senders take turns -----------------------------------------------------------------------------


def who_answers(adapter: Recorder) -> list[str]:
    return [i.body.split()[0] for i in adapter.delivered]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_engine(request):
    """SQLite, and PostgreSQL (the turns are worked out in SQL)."""
    return request.getfixturevalue("engine" if request.param == "sqlite" else "postgres_engine")


async def test_a_flood_queued_at_once_does_not_hold_up_another_sender(any_engine, clock):
    engine = any_engine
    adapter = Recorder()
    runtime = await start(engine, clock, adapter)
    flood = [msg(f"$a{i}", f"!dire alice {i}") for i in range(120)]
    events = [*flood, msg("$b", "!dire bob", sender="@bob"), msg("$c", "!dire carol", "@carol")]
    await runtime.in_db(runtime.dispatcher.handle_batch, events)
    runtime.kick("r")
    await runtime.flush()
    assert who_answers(adapter)[:4] == ["alice", "bob", "carol", "alice"]
    alice = [i.body for i in adapter.delivered if i.body.startswith("alice")]
    assert alice == [f"alice {i}" for i in range(120)]  # a sender's answers stay in order
    await runtime.close()


async def test_a_command_sent_during_a_flood_is_answered_before_the_floods_tail(engine, clock):
    adapter = Recorder()
    adapter.gate = asyncio.Event()
    runtime = await start(engine, clock, adapter)
    flood = [msg(f"$a{i}", f"!dire alice {i}") for i in range(100)]
    await runtime.in_db(runtime.dispatcher.handle_batch, flood)
    runtime.kick("r")
    await adapter.at_gate.wait()
    # the room's queue is being delivered (its first message is on its way) when Bob speaks
    await runtime.handle(msg("$b", "!dire bob", sender="@bob"))
    adapter.gate.set()
    await runtime.flush()
    order = who_answers(adapter)
    assert len(order) == 101 and order[-1] == "alice"
    assert order.index("bob") <= MARK_EVERY + 1
    await runtime.close()


async def test_a_sender_who_comes_late_takes_turns_with_the_flood(any_engine, clock):
    """Bob asks three things while Alice's flood is being delivered: from his first answer on,
    his answers and hers alternate; each sender's answers keep their order."""
    adapter = Recorder()
    adapter.gate = asyncio.Event()
    runtime = await start(any_engine, clock, adapter)
    flood = [msg(f"$a{i}", f"!dire alice {i}") for i in range(150)]
    await runtime.in_db(runtime.dispatcher.handle_batch, flood)
    runtime.kick("r")
    await adapter.at_gate.wait()
    bob = [msg(f"$b{i}", f"!dire bob {i}", sender="@bob") for i in range(3)]
    await runtime.in_db(runtime.dispatcher.handle_batch, bob)
    runtime.kick("r")
    adapter.gate.set()
    await runtime.flush()
    order = who_answers(adapter)
    first = order.index("bob")
    assert first <= MARK_EVERY + 1
    assert order[first : first + 6] == ["bob", "alice", "bob", "alice", "bob", "alice"]
    assert [i.body for i in adapter.delivered if i.body.startswith("bob")] == [
        f"bob {i}" for i in range(3)
    ]
    alice = [i.body for i in adapter.delivered if i.body.startswith("alice")]
    assert alice == [f"alice {i}" for i in range(150)]
    with Session(any_engine) as db:
        sent = db.exec(select(BotMessage).where(BotMessage.room_id == "r")).all()
    # each had its turn; once sent, none keeps the lane (a sender's id) it waited in
    assert all(m.turn is not None and m.lane is None for m in sent)
    await runtime.close()


async def test_once_a_flood_is_out_its_sender_starts_afresh(any_engine, clock):
    """Alice's flood has been delivered; then Alice and Bob ask three things each at once: they
    take turns, Alice's earlier flood counts for nothing."""
    adapter = Recorder()
    runtime = await start(any_engine, clock, adapter)
    flood = [msg(f"$a{i}", f"!dire alice {i}") for i in range(60)]
    await runtime.in_db(runtime.dispatcher.handle_batch, flood)
    runtime.kick("r")
    await runtime.flush()
    both = [
        *(msg(f"$x{i}", f"!dire alice x{i}") for i in range(3)),
        *(msg(f"$y{i}", f"!dire bob y{i}", sender="@bob") for i in range(3)),
    ]
    await runtime.in_db(runtime.dispatcher.handle_batch, both)
    runtime.kick("r")
    await runtime.flush()
    assert [i.body for i in adapter.delivered[60:]] == [
        "alice x0",
        "bob y0",
        "alice x1",
        "bob y1",
        "alice x2",
        "bob y2",
    ]
    await runtime.close()


async def test_answers_queued_before_turns_were_kept_go_out_in_turns(tmp_path, clock):
    """Messages queued by a version without kept turns (before migration 0024) are given theirs
    at the first read after the upgrade, in the order the senders' turns give."""
    import sqlalchemy as sa

    from storage.db import make_engine, migrate, sqlite_url

    engine = make_engine(sqlite_url(tmp_path / "old.db"))
    migrate(engine, "0023")
    stamp = "2026-11-26 10:00:00.000000"
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO room (id, platform, name, language, timezone, currency, "
                "day_minutes, max_entry_minutes, max_past_days, created_at) "
                "VALUES ('r', 'console', '', 'fr', 'Europe/Paris', 'EUR', 420, 1440, 365, :at)"
            ),
            {"at": stamp},
        )
        queued = [("$a1", "@alice"), ("$a2", "@alice"), ("$a3", "@alice"), ("$b1", "@bob")]
        for event_id, sender in queued:
            conn.execute(
                sa.text(
                    "INSERT INTO chatevent (event_id, room_id, sender, kind, command, handled_at) "
                    "VALUES (:e, 'r', :s, 'Message', 'dire', :at)"
                ),
                {"e": event_id, "s": sender, "at": stamp},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO botmessage (room_id, kind, body, mentions, cause_event_id, "
                    "created_at, attempts) VALUES ('r', 'text', :b, '[]', :e, :at, 0)"
                ),
                {"b": event_id[1:], "e": event_id, "at": stamp},
            )
    migrate(engine)
    adapter = Recorder()
    runtime = await start(engine, clock, adapter)
    await runtime.resume_pending()
    await runtime.flush()
    assert [i.body for i in adapter.delivered] == ["a1", "b1", "a2", "a3"]
    await runtime.close()
    engine.dispose()


async def test_an_edit_comes_after_its_card_whoever_caused_it(engine, clock):
    """Carol's card is queued behind her other answers; Bob's action edits it: the edit waits
    behind the card, and Alice's answers go on taking their turns."""
    adapter = Recorder()
    runtime = await start(engine, clock, adapter)
    with transaction(engine) as db:
        room = Room(id="r", platform="console")
        db.add(room)
        contexts = {}
        for who in ("alice", "carol", "bob"):
            event = msg(f"${who}", "", sender=f"@{who}")
            db.add(ChatEvent(event_id=event.event_id, room_id="r", sender=event.sender, kind="M"))
            contexts[who] = Context(db, event, room, Settings())
        for i in range(70):
            contexts["alice"].reply(f"alice {i}")
        for i in range(60):
            contexts["carol"].reply(f"carol {i}")
        card = contexts["carol"].reply("carte v1")
        contexts["bob"].reply("bob finance")
        contexts["bob"].edit(card, "carte v2")
        contexts["bob"].reply("bob merci")
    runtime.kick("r")
    await runtime.flush()
    order = [(i.kind, i.body) for i in adapter.delivered]
    assert order.index(("text", "carte v1")) < order.index(("edit", "carte v2"))
    assert order.index(("text", "bob finance")) == 2  # Bob's turn came at once
    [edit] = [i for i in adapter.delivered if i.kind == "edit"]
    assert edit.target_platform_id == f"sent-{card.id}"
    for who in ("alice", "carol"):
        mine = [b for _, b in order if b.startswith(who)]
        assert mine == sorted(mine, key=lambda b: int(b.split()[1]))
    await runtime.close()
