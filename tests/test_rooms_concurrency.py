"""Rooms do not wait for each other: on PostgreSQL a unit of work takes its rooms' advisory locks
(the whole database's lock, shared), so that units of work on different rooms run side by side
while those on one room run one after the other; people, shared by every room, are written with
upserts that never fail when two rooms add the same person at once. A runtime can spread rooms
over several database threads, each room's events staying in order."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

import pytest
from sqlalchemy import text
from sqlmodel import Session, col, func, select

from bot.adapters.base import Outgoing
from bot.render import LocalDrawer
from bot.runtime import Runtime
from commands import build_registry
from commands.core import OUTCOME_CRASH, Dispatcher, Settings
from commands.events import Message, Role
from storage.db import transaction
from storage.models import ChatEvent, Contribution, Member, Person

NOW = dt.datetime(2026, 11, 26, 11, tzinfo=dt.UTC)


def _msg(event_id: str, room: str, sender: str, body: str, admin: bool = False) -> Message:
    return Message(
        platform="console",
        event_id=event_id,
        room_id=room,
        sender=sender,
        sender_name=sender.lstrip("@").split(":")[0].title(),
        body=body,
        role=Role.ADMIN if admin else Role.MEMBER,
    )


def _hold(engine, rooms, started: threading.Event, release: threading.Event) -> None:
    with transaction(engine, rooms=rooms) as db:
        db.execute(text("SELECT 1"))
        started.set()
        release.wait(30)


@pytest.mark.postgres
def test_a_room_does_not_wait_for_another_room(postgres_engine):
    d = Dispatcher(postgres_engine, build_registry(), Settings(), lambda: NOW)
    started, release = threading.Event(), threading.Event()
    with ThreadPoolExecutor(max_workers=3) as pool:
        holder = pool.submit(_hold, postgres_engine, ["!a"], started, release)
        assert started.wait(30)
        other = pool.submit(d.handle, _msg("$b1", "!b", "@bob", "!contrib 1h atelier"), NOW)
        same = pool.submit(d.handle, _msg("$a1", "!a", "@ann", "!contrib 1h atelier"), NOW)
        # room B goes on while room A's unit of work is open; room A's next one waits for it
        assert "Contribution #1" in other.result(timeout=30)[0].body
        with pytest.raises(FutureTimeout):
            same.result(timeout=0.5)
        release.set()
        assert "Contribution #1" in same.result(timeout=30)[0].body
        holder.result(timeout=30)


@pytest.mark.postgres
def test_the_whole_database_waits_for_every_room(postgres_engine):
    started, release = threading.Event(), threading.Event()
    whole = threading.Event()

    def everything() -> None:
        with transaction(postgres_engine) as db:  # no rooms: the whole database
            db.execute(text("SELECT 1"))
            whole.set()

    with ThreadPoolExecutor(max_workers=2) as pool:
        holder = pool.submit(_hold, postgres_engine, ["!a"], started, release)
        assert started.wait(30)
        waiting = pool.submit(everything)
        with pytest.raises(FutureTimeout):
            waiting.result(timeout=0.5)
        assert not whole.is_set()
        release.set()
        waiting.result(timeout=30)
        holder.result(timeout=30)


def test_one_person_speaks_in_many_rooms_at_once(any_engine):
    """Twenty rooms see a new person at the same moment: each room's unit of work records them;
    none fails because another room recorded them first."""
    d = Dispatcher(any_engine, build_registry(), Settings(), lambda: NOW)
    rooms = [f"!r{n}" for n in range(20)]
    barrier = threading.Barrier(len(rooms))

    def speak(room: str) -> None:
        barrier.wait()
        d.handle(_msg(f"$c-{room}", room, "@newcomer", "!contrib 1h atelier"), NOW)

    with ThreadPoolExecutor(max_workers=len(rooms)) as pool:
        list(pool.map(speak, rooms))
    with Session(any_engine) as db:
        assert db.exec(select(func.count()).select_from(Person)).one() == 1
        assert db.exec(select(func.count()).select_from(Member)).one() == len(rooms)
        numbers = db.exec(select(Contribution.room_id, Contribution.number)).all()
        assert sorted(numbers) == sorted((room, 1) for room in rooms)
        crashed = db.exec(select(ChatEvent).where(ChatEvent.command == OUTCOME_CRASH)).all()
        assert crashed == []


class Sink:
    """A platform that delivers at once and remembers what it was given, per room."""

    platform = "console"

    def __init__(self) -> None:
        self.delivered: dict[str, list[str]] = {}
        self.count = 0

    async def deliver(self, item: Outgoing) -> str | None:
        self.count += 1
        self.delivered.setdefault(item.room_id, []).append(item.body)
        return f"sent-{self.count}"

    async def close(self) -> None:
        pass


async def test_rooms_spread_over_database_threads_keep_their_order(any_engine):
    """Four database threads (on SQLite, one): each room's commands are handled in the order
    they came and answered once, whatever the other rooms do meanwhile."""
    runtime = Runtime(
        any_engine, build_registry(), Settings(), clock=lambda: NOW, drawer=LocalDrawer(), workers=4
    )
    sink = Sink()
    runtime.add_adapter(sink)  # type: ignore[arg-type]
    assert runtime.workers == (4 if any_engine.dialect.name == "postgresql" else 1)
    rooms = [f"!room{n}" for n in range(12)]

    async def typist(room: str) -> None:
        for n in range(8):
            await runtime.handle(_msg(f"${room}-{n}", room, f"@p{n}", f"!contrib {n + 1}h atelier"))

    try:
        await asyncio.gather(*(typist(room) for room in rooms))
        await runtime.flush(timeout=60)
    finally:
        await runtime.close()
    with Session(any_engine) as db:
        for room in rooms:
            got = db.exec(
                select(Contribution.number, Contribution.minutes)
                .where(Contribution.room_id == room)
                .order_by(col(Contribution.number))
            ).all()
            assert got == [(n + 1, (n + 1) * 60) for n in range(8)]
    for room in rooms:
        answers = sink.delivered[room]
        assert len(answers) == 8
        assert [f"#{n + 1} " in a for n, a in enumerate(answers)] == [True] * 8
