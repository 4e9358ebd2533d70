"""Time to apply one reaction on a bucket card: the event handed to the runtime, to the card's
edit delivered by the console adapter, with 1,000 buckets and 10,000 fundings stored.

    .venv/bin/python bench/cobudget.py [--reactions 300]

Prints the median, 95th percentile and mean (target: median under 20 ms)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project, not bench/

from bot.adapters.console import ConsoleAdapter
from bot.app import tune_interpreter
from bot.clock import install_default
from bot.runtime import Runtime
from commands import build_registry
from commands.core import Settings
from commands.events import ReactionAdded
from storage.db import make_engine, migrate, sqlite_url
from storage.models import (
    Allocation,
    BotMessage,
    Bucket,
    CobudgetRound,
    Funding,
    Member,
    Room,
    RoomCounter,
)
from storage.numbers import BUCKET, ROUND

ROOM = "bench"
BUCKETS = 1_000
FUNDINGS = 10_000
PEOPLE = 200


def populate(engine) -> None:
    rng = random.Random(4)
    now = dt.datetime.now(dt.UTC)
    with Session(engine) as db:
        db.add(Room(id=ROOM, platform="console", name=ROOM))
        db.flush()
        rnd = CobudgetRound(
            room_id=ROOM,
            number=1,
            title="Bench",
            pot_cents=PEOPLE * 100_000,
            reaction_values={"💶": 500, "💰": 2000},
            created_by="@admin",
            event_id="$round",
        )
        db.add(rnd)
        db.flush()
        people = [f"@p{n}" for n in range(PEOPLE)]
        db.execute(
            insert(Member),
            [{"room_id": ROOM, "user_id": p, "first_seen": now, "updated_at": now} for p in people],
        )
        db.execute(
            insert(Allocation),
            [
                {
                    "round_id": rnd.id,
                    "room_id": ROOM,
                    "user_id": p,
                    "cents": 100_000,
                    "method": "person",
                    "details": {},
                    "created_by": "@admin",
                    "event_id": "$alloc",
                    "created_at": now,
                }
                for p in people
            ],
        )
        db.execute(
            insert(BotMessage),
            [
                {
                    "id": n + 1,
                    "room_id": ROOM,
                    "kind": "text",
                    "body": f"card {n + 1}",
                    "mentions": [],
                    "ref_kind": "bucket",
                    "ref_id": str(n + 1),
                    "created_at": now,
                    "sent_at": now,
                    "platform_id": f"card-{n + 1}",
                    "attempts": 1,
                }
                for n in range(BUCKETS)
            ],
        )
        db.execute(
            insert(Bucket),
            [
                {
                    "id": n + 1,
                    "round_id": rnd.id,
                    "room_id": ROOM,
                    "number": n + 1,
                    "title": f"Bucket {n + 1}",
                    "description": "",
                    "author": people[n % PEOPLE],
                    "min_cents": 100_000,
                    "max_cents": 200_000,
                    "state": "open",
                    "card_message_id": n + 1,
                    "event_id": f"$bucket{n + 1}",
                    "created_at": now,
                }
                for n in range(BUCKETS)
            ],
        )
        db.execute(
            insert(Funding),
            [
                {
                    "round_id": rnd.id,
                    "bucket_id": rng.randrange(BUCKETS) + 1,
                    "funder": people[n % PEOPLE],
                    "cents": 500,
                    "source": "reaction",
                    "reaction_key": "💶",
                    "state": "active",
                    "event_id": f"$seed{n}",
                    "created_at": now,
                }
                for n in range(FUNDINGS)
            ],
        )
        db.add(RoomCounter(room_id=ROOM, kind=ROUND, last=1))
        db.add(RoomCounter(room_id=ROOM, kind=BUCKET, last=BUCKETS))
        db.commit()


async def measure(engine, reactions: int) -> tuple[list[float], list[float]]:
    runtime = Runtime(engine, build_registry(), Settings())
    adapter = ConsoleAdapter(user="p0", room=ROOM, admins=(), out=lambda _line: None)
    adapter.attach(runtime)
    rng = random.Random(7)
    total: list[float] = []
    handled: list[float] = []
    try:
        for n in range(reactions):
            bucket = rng.randrange(BUCKETS) + 1
            event = ReactionAdded(
                platform="console",
                event_id=f"$bench{n}",
                room_id=ROOM,
                sender=f"@p{rng.randrange(PEOPLE)}",
                target_event_id=f"card-{bucket}",
                key="💶",
            )
            before = len(adapter.transcript)
            t0 = time.perf_counter()
            await runtime.handle(event)
            t1 = time.perf_counter()
            await runtime.flush()
            t2 = time.perf_counter()
            edits = [s for s in adapter.transcript[before:] if s.kind == "edit"]
            assert edits, "the card was not edited"
            handled.append((t1 - t0) * 1000)
            total.append((t2 - t0) * 1000)
    finally:
        await runtime.close()
    return total, handled


def report(name: str, values: list[float]) -> None:
    values = sorted(values)
    p95 = values[int(len(values) * 0.95) - 1]
    print(
        f"{name:<42} median {statistics.median(values):6.2f} ms · p95 {p95:6.2f} ms · "
        f"mean {statistics.fmean(values):6.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reactions", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(sqlite_url(Path(tmp) / "bench.db"))
        migrate(engine)
        t0 = time.perf_counter()
        populate(engine)
        print(
            f"stored: {BUCKETS} buckets, {FUNDINGS} fundings, {PEOPLE} people "
            f"({time.perf_counter() - t0:.1f} s to build)"
        )
        total, handled = asyncio.run(measure(engine, args.reactions))
        print(f"{args.reactions} reactions, one at a time:")
        report("event in -> card edit delivered", total)
        report("event in -> transaction committed", handled)
        engine.dispose()


if __name__ == "__main__":
    tune_interpreter()  # as the bot does (bot.app.build_runtime)
    install_default()  # the process clock: the system one, or $CAGNOTTE_NOW
    main()
