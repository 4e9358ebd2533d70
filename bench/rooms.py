"""PostgreSQL with many rooms: 1,000 rooms of 10 people each, every room typing at once, the
bot with 1, 2 and 4 database threads (rooms shared among them, each unit of work holding its
rooms' advisory locks). Prints commands per second for each, handled and answered (a platform
that delivers at once).

    .venv/bin/python bench/rooms.py [--rooms 1000] [--people 10] [--commands 3] [--workers 1 2 4]
    .venv/bin/python bench/rooms.py --url postgresql://user@127.0.0.1/db   # an empty database

Without ``--url`` a throw-away PostgreSQL server is started (Debian's server binaries). Prints
figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from bot.adapters.base import Outgoing
from bot.app import tune_interpreter
from bot.render import LocalDrawer
from bot.runtime import Runtime
from commands import build_registry
from commands.core import Settings
from commands.events import Message
from storage.db import open_database
from storage.models import Member, Person, Project, Room

NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)


class Sink:
    platform = "console"

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.count = 0

    async def deliver(self, item: Outgoing) -> str | None:
        self.count += 1
        return f"{self.tag}-{self.count}"

    async def close(self) -> None:
        pass


def seed(url: str, rooms: int, people: int) -> None:
    engine = open_database(url)
    with engine.begin() as conn:
        ids = [f"!room{n}:example.org" for n in range(rooms)]
        conn.execute(
            insert(Room),
            [{"id": r, "platform": "console", "name": r, "created_at": NOW} for r in ids],
        )
        users = {f"@p{n}-{k}:example.org" for n in range(rooms) for k in range(people)}
        conn.execute(
            insert(Person),
            [{"user_id": u, "display_name": u[1:].split(":")[0], "updated_at": NOW} for u in users],
        )
        conn.execute(
            insert(Member),
            [
                {
                    "room_id": r,
                    "user_id": f"@p{n}-{k}:example.org",
                    "joined": True,
                    "is_bot": False,
                    "first_seen": NOW,
                    "updated_at": NOW,
                }
                for n, r in enumerate(ids)
                for k in range(people)
            ],
        )
        conn.execute(
            insert(Project),
            [
                {"room_id": r, "code": "KPA", "code_key": "kpa", "name": "KPA", "archived": False}
                for r in ids
            ],
        )
    engine.dispose()


async def rate(url: str, workers: int, rooms: int, people: int, commands: int) -> float:
    engine = open_database(url)
    runtime = Runtime(
        engine,
        build_registry(),
        Settings(),
        clock=lambda: NOW,
        drawer=LocalDrawer(),
        workers=workers,
    )
    tag = uuid.uuid4().hex[:6]
    runtime.add_adapter(Sink(tag))  # type: ignore[arg-type]

    async def room(n: int) -> None:
        room_id = f"!room{n}:example.org"
        for i in range(commands):
            sender = f"@p{n}-{i % people}:example.org"
            await runtime.handle(
                Message(
                    platform="console",
                    event_id=f"${tag}-{n}-{i}",
                    room_id=room_id,
                    sender=sender,
                    sender_name=sender[1:].split(":")[0],
                    body=f"!contrib {i + 1}h atelier KPA",
                )
            )

    # everyone has spoken once (people known to the process), then the measure
    await asyncio.gather(*(room_warm(runtime, n, people, tag) for n in range(rooms)))
    await runtime.flush(timeout=600)
    start = time.perf_counter()
    await asyncio.gather(*(room(n) for n in range(rooms)))
    await runtime.flush(timeout=600)
    elapsed = time.perf_counter() - start
    await runtime.close()
    engine.dispose()
    return rooms * commands / elapsed


async def room_warm(runtime: Runtime, n: int, people: int, tag: str) -> None:
    for k in range(people):
        sender = f"@p{n}-{k}:example.org"
        await runtime.handle(
            Message(
                platform="console",
                event_id=f"${tag}-warm-{n}-{k}",
                room_id=f"!room{n}:example.org",
                sender=sender,
                sender_name=sender[1:].split(":")[0],
                body="!langue",
            )
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rooms", type=int, default=1000)
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--commands", type=int, default=3, help="commands per room, measured")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--url", help="an empty PostgreSQL database")
    args = parser.parse_args()
    with ExitStack() as stack:
        url = args.url
        if url is None:
            from tests.postgres import PostgresServer, find_bindir

            bindir = find_bindir()
            if bindir is None:
                raise SystemExit("PostgreSQL server binaries not found")
            server = PostgresServer(bindir).start()
            stack.callback(server.stop)
            url = server.url
        seed(url, args.rooms, args.people)
        print(f"{args.rooms} rooms x {args.people} people, {args.commands} commands per room:")
        for workers in args.workers:
            per_second = asyncio.run(rate(url, workers, args.rooms, args.people, args.commands))
            print(f"  {workers} database thread(s): {per_second:,.0f} commands/s")


if __name__ == "__main__":
    tune_interpreter()  # as the bot does (bot.app.build_runtime)
    from storage import clock

    clock.install(lambda: NOW)
    main()
