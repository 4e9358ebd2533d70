"""The runtime: exactly once per event, answers delivered after a restart, edits of failed
commands, the console entry point."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlmodel import Session, select

from bot.adapters.base import DeliveryError, Outgoing
from bot.adapters.console import ConsoleAdapter
from bot.runtime import Runtime
from commands import build_registry
from commands.core import Settings
from commands.events import Message
from storage.models import BotMessage, Contribution


class FlakyAdapter:
    """An adapter whose platform is down for the first ``failures`` deliveries."""

    platform = "console"

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.delivered: list[Outgoing] = []

    async def run(self, runtime: Runtime) -> None:  # pragma: no cover - not used
        return None

    async def deliver(self, item: Outgoing) -> str | None:
        if self.failures > 0:
            self.failures -= 1
            raise DeliveryError("platform unavailable")
        self.delivered.append(item)
        return f"sent-{item.id}"

    async def close(self) -> None:
        return None


async def test_answers_queued_before_a_crash_are_delivered_at_start(engine, clock):
    # a first process stores the command and its answer, then dies before delivering it
    first = Runtime(engine, build_registry(), Settings(), clock=clock)
    await first.in_db(
        first.dispatcher.handle,
        Message(
            platform="console",
            event_id="$1",
            room_id="coroutine",
            sender="@bob",
            body="!contrib 2h atelier",
        ),
        clock(),
    )
    await first.close()
    with Session(engine) as db:
        assert [m.sent_at for m in db.exec(select(BotMessage)).all()] == [None]
    # the next process delivers it once
    second = Runtime(engine, build_registry(), Settings(), clock=clock)
    adapter = FlakyAdapter(failures=0)
    second.add_adapter(adapter)
    await second.resume_pending()
    await second.flush()
    assert len(adapter.delivered) == 1 and "Contribution #1" in adapter.delivered[0].body
    await second.resume_pending()
    await second.flush()
    assert len(adapter.delivered) == 1
    await second.close()


async def test_delivery_is_retried_until_the_platform_answers(engine, clock, monkeypatch):
    import bot.runtime

    async def no_sleep(_seconds: float) -> None:
        return None

    monkeypatch.setattr(bot.runtime.asyncio, "sleep", no_sleep)
    runtime = Runtime(engine, build_registry(), Settings(), clock=clock)
    adapter = FlakyAdapter(failures=2)
    runtime.add_adapter(adapter)
    await runtime.handle(
        Message(platform="console", event_id="$1", room_id="r", sender="@bob", body="!contrib 1h")
    )
    await runtime.flush()
    assert len(adapter.delivered) == 1
    with Session(engine) as db:
        message = db.exec(select(BotMessage)).one()
        assert message.platform_id == f"sent-{message.id}" and message.attempts == 3
    await runtime.close()


async def test_editing_a_refused_command_into_a_valid_one_creates_it(chat, engine):
    answer = await chat.one("bob", "!contrib atelier")
    assert "Il manque la durée" in answer
    command = chat.last_id
    answers = await chat.edit("bob", command, "!contrib 2h atelier")
    assert any("Contribution #1 enregistrée" in a for a in answers)
    answers = await chat.edit("bob", command, "!contrib 3h atelier")
    assert any("mise à jour" in a and "3h" in a for a in answers)
    answers = await chat.edit("bob", command, "en fait non")
    assert any("n'est plus une commande" in a for a in answers)
    with Session(engine) as db:
        assert db.exec(select(Contribution)).all() == []


async def test_editing_a_command_that_cannot_be_edited(chat):
    await chat.say("bob", "!projets")
    answers = await chat.edit("bob", chat.last_id, "!contribs")
    assert any("ne se corrige pas" in a for a in answers)


async def test_group_commit_keeps_order_and_counts_each_event_once(runtime, engine):
    console = ConsoleAdapter(out=lambda _l: None)
    console.attach(runtime)
    import asyncio

    events = [
        Message(
            platform="console",
            event_id=f"$burst{i}",
            room_id="burst",
            sender=f"@u{i % 3}",
            body=f"!contrib {i + 1}min n{i}",
        )
        for i in range(60)
    ]
    await asyncio.gather(*(runtime.handle(e) for e in events + events[:10]))
    await runtime.flush()
    with Session(engine) as db:
        rows = db.exec(select(Contribution).order_by(Contribution.id)).all()
    assert [r.minutes for r in rows] == list(range(1, 61))
    answers = [s.text for s in console.transcript]
    assert len(answers) == 60
    assert all(f"#{i + 1} " in a for i, a in enumerate(answers))


def test_console_entry_point(tmp_path: Path):
    script = "\n".join(
        [
            '!projet ajouter KPA "KPA-Cités"',
            "!contrib 3h atelier KPA",
            "/as bob",
            "/room coroutine",
            "!contrib 1h30 hier réunion",
            "/react b2 👍",
            "/edit u3 !contrib 2h hier réunion",
            "/quit",
        ]
    )
    env = {**os.environ, "CAGNOTTE_BOT_DATA_DIR": str(tmp_path / "data")}
    result = subprocess.run(
        # on a known day (Thursday 26 November 2026), whatever the calendar says
        [sys.executable, "-m", "bot.cli", "--now", "2026-11-26T11:00:00+00:00", "console"],
        input=script,
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Projet KPA créé" in out
    assert "[general]" in out and "Contribution #1 enregistrée pour Alice" in out
    # each room counts its own contributions
    assert "[coroutine]" in out and "Contribution #1 enregistrée pour Bob" in out
    assert "Contribution #1 mise à jour pour Bob : 2h le mer. 25 nov. 2026" in out
    assert (tmp_path / "data" / "cagnotte.db").exists()


async def test_an_edit_waits_for_the_message_it_edits(engine, clock):
    from commands.core import Context
    from commands.events import Message as Msg
    from storage.db import transaction
    from storage.models import Room

    runtime = Runtime(engine, build_registry(), Settings(), clock=clock)
    adapter = FlakyAdapter(failures=0)
    runtime.add_adapter(adapter)
    with transaction(engine) as db:
        room = Room(id="r", platform="console")
        db.add(room)
        ctx = Context(
            db,
            Msg(platform="console", event_id="$x", room_id="r", sender="@a", body=""),
            room,
            Settings(),
        )
        card = ctx.reply("card v1")
        ctx.edit(card, "card v2")
    runtime.kick("r")
    await runtime.flush()
    assert [
        (i.kind, i.body, getattr(i, "target_platform_id", None)) for i in adapter.delivered
    ] == [
        ("text", "card v1", None),
        ("edit", "card v2", f"sent-{card.id}"),
    ]
    await runtime.close()


async def test_membership_follows_joins_and_leaves(runtime, engine):
    from commands.core import room_members
    from commands.events import MemberChanged

    await runtime.handle(
        Message(platform="console", event_id="$m1", room_id="r", sender="@bob", body="!contrib 1h")
    )
    await runtime.handle(
        MemberChanged(
            platform="console",
            event_id="$m2",
            room_id="r",
            sender="@bob",
            user_id="@bob",
            joined=False,
        )
    )
    with Session(engine) as db:
        assert room_members(db, "r") == []
    await runtime.handle(
        Message(platform="console", event_id="$m3", room_id="r", sender="@bob", body="!contribs")
    )
    with Session(engine) as db:
        assert room_members(db, "r") == ["@bob"]


# -- the inbox: a flood does not hold up other people's commands ----------------------------------


def spy_batches(runtime: Runtime) -> list[list[str]]:
    """The event ids of each transaction the dispatcher is asked to commit, in order."""
    batches: list[list[str]] = []
    handle_batch = runtime.dispatcher.handle_batch

    def spied(events, now=None):
        batches.append([e.event_id for e in events])
        return handle_batch(events, now)

    runtime.dispatcher.handle_batch = spied  # type: ignore[method-assign]
    return batches


async def test_in_a_burst_senders_take_turns_and_a_removal_stays_behind_its_message(runtime):
    import asyncio

    from bot.runtime import BATCH_SIZE
    from commands.events import Redacted, Role

    batches = spy_batches(runtime)
    flood = [
        Message(
            platform="console",
            event_id=f"$a{i}",
            room_id="r",
            sender="@alice",
            body=f"!contrib {i + 1}min",
        )
        for i in range(2 * BATCH_SIZE + 50)
    ]
    removal = Redacted(
        platform="console",
        event_id="$x",
        room_id="r",
        sender="@root",
        role=Role.ADMIN,
        target_event_id="$a300",
    )
    bob = Message(platform="console", event_id="$b", room_id="r", sender="@bob", body="!contrib 1h")
    await asyncio.gather(*(runtime.handle(e) for e in [*flood, removal, bob]))
    assert "$b" in batches[0]  # Bob did not wait for the whole flood
    handled = [e for batch in batches for e in batch]
    assert [e for e in handled if e.startswith("$a")] == [e.event_id for e in flood]
    assert handled.index("$x") > handled.index("$a300")  # the removal came after its message
    with Session(runtime.engine) as db:
        rows = db.exec(select(Contribution)).all()
    minutes = {c.minutes for c in rows if c.user_id == "@alice"}
    assert 301 not in minutes and 300 in minutes and len(minutes) == len(flood) - 1
    assert [c.minutes for c in rows if c.user_id == "@bob"] == [60]


async def test_a_batch_that_cannot_be_committed_fails_only_the_event_that_breaks_it(runtime):
    import asyncio

    import pytest

    from bot.runtime import NotHandled

    handle_batch = runtime.dispatcher.handle_batch

    def failing(events, now=None):
        if any(e.event_id == "$bad" for e in events):
            raise OSError("disk I/O error")
        return handle_batch(events, now)

    runtime.dispatcher.handle_batch = failing  # type: ignore[method-assign]
    events = [
        Message(platform="console", event_id=e, room_id="r", sender="@bob", body="!contrib 1h")
        for e in ("$1", "$bad")
    ]
    events.append(
        Message(platform="console", event_id="$3", room_id="r", sender="@bob", body="!contrib 2h")
    )
    results = await asyncio.gather(*(runtime.handle(e) for e in events), return_exceptions=True)
    assert results[0] is None and results[2] is None
    assert isinstance(results[1], NotHandled) and results[1].event_id == "$bad"
    with Session(runtime.engine) as db:
        assert sorted(c.minutes for c in db.exec(select(Contribution)).all()) == [60, 120]
    with pytest.raises(NotHandled):
        await runtime.handle(events[1])


def test_the_bot_process_hands_the_interpreter_over_in_short_slices(engine):
    """A room's command waits for no recap being worded in another room: the bot's process
    gives the interpreter to a waiting thread after 1 ms, not CPython's default 5 ms."""
    import sys

    import pytest

    from bot.app import SWITCH_INTERVAL, build_runtime
    from bot.config import Config

    before = sys.getswitchinterval()
    try:
        sys.setswitchinterval(0.005)
        build_runtime(Config(), engine)
        assert sys.getswitchinterval() == pytest.approx(SWITCH_INTERVAL)
    finally:
        sys.setswitchinterval(before)
