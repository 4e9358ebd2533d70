"""Benchmark: contribution commands end to end (console adapter -> runtime -> SQLite file), and
`!contribs` totals over 100,000 stored contributions.

    .venv/bin/python bench/contrib.py [--commands 5000] [--stored 100000]

Prints commands per second, peak resident memory, and the latency of `!contribs` queries.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert

from bot.adapters.console import ConsoleAdapter
from bot.app import tune_interpreter
from bot.runtime import Runtime
from commands import build_registry
from commands.core import Settings
from storage.db import open_database, sqlite_url
from storage.models import Contribution, Project, Room, RoomCounter
from storage.numbers import CONTRIBUTION


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def commands_per_second(workdir: Path, n: int) -> None:
    engine = open_database(sqlite_url(workdir / "commands.db"))
    runtime = Runtime(engine, build_registry(), Settings())
    console = ConsoleAdapter(out=lambda _line: None, room="bench")
    console.attach(runtime)
    await console.say('!projet ajouter KPA "KPA-Cités"', user="alice")
    await runtime.flush()
    users = [f"user{i}" for i in range(50)]
    texts = [
        "!contrib 3h atelier KPA",
        "!contrib 1,5h hier #KPA réunion",
        "!contrib 45 min lundi compta",
    ]

    async def one_user(k: int, count: int) -> None:
        for i in range(count):
            await console.say(texts[i % 3], user=users[k])

    # one person typing, each command waiting for the previous one to be stored
    solo = max(n // 5, 1)
    start = time.perf_counter()
    for i in range(solo):
        await console.say(texts[i % 3], user="solo")
    await runtime.flush(timeout=120)
    elapsed = time.perf_counter() - start
    print(
        f"sequential, one user: {solo} commands in {elapsed:.2f} s = "
        f"{solo / elapsed:,.0f} commands/s"
    )
    # 50 people typing at once: commands arrive while earlier ones are being stored
    before = len(console.transcript)
    per_user = max(n // len(users), 1)
    start = time.perf_counter()
    await asyncio.gather(*(one_user(k, per_user) for k in range(len(users))))
    await runtime.flush(timeout=300)
    elapsed = time.perf_counter() - start
    answered = len(console.transcript) - before
    done = per_user * len(users)
    await runtime.close()
    print(
        f"concurrent, {len(users)} users: {done} commands end to end in {elapsed:.2f} s = "
        f"{done / elapsed:,.0f} commands/s ({answered} answers delivered), "
        f"peak RSS {peak_rss_mb():.0f} MB"
    )


async def totals_latency(workdir: Path, stored: int) -> None:
    engine = open_database(sqlite_url(workdir / "totals.db"))
    rng = random.Random(42)
    with engine.begin() as conn:
        conn.execute(insert(Room), [{"id": "big", "platform": "console", "name": "big"}])
        conn.execute(
            insert(Project),
            [
                {
                    "id": i + 1,
                    "room_id": "big",
                    "code": f"P{i}",
                    "code_key": f"p{i}",
                    "name": f"P{i}",
                }
                for i in range(12)
            ],
        )
        day0 = dt.date(2025, 12, 1)
        now = dt.datetime.now(dt.UTC)
        rows = [
            {
                "room_id": "big",
                "number": i + 1,
                "user_id": f"@user{rng.randrange(200)}",
                "minutes": rng.choice([30, 45, 60, 90, 120, 180, 240]),
                "day": day0 + dt.timedelta(days=rng.randrange(365)),
                "project_id": rng.randrange(1, 13),
                "description": "atelier",
                "event_id": f"$ev{i}",
                "created_by": "@user0",
                "created_at": now,
                "updated_at": now,
            }
            for i in range(stored)
        ]
        for k in range(0, stored, 20_000):
            conn.execute(insert(Contribution), rows[k : k + 20_000])
        conn.execute(
            insert(RoomCounter), [{"room_id": "big", "kind": CONTRIBUTION, "last": stored}]
        )
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    runtime = Runtime(
        engine,
        build_registry(),
        Settings(),
        clock=lambda: dt.datetime(2026, 11, 26, 11, tzinfo=dt.UTC),
    )
    console = ConsoleAdapter(out=lambda _line: None, room="big")
    console.attach(runtime)
    for label, text in [
        ("!contribs tous (month, room-wide)", "!contribs tous"),
        ("!contribs tous 2026 (year, room-wide)", "!contribs tous 2026"),
        ("!contribs @user7 2026 (one person, year)", "!contribs @user7 2026"),
        ("!contribs P3 tout (one project, all time)", "!contribs P3 tout"),
    ]:
        samples = []
        for _ in range(30):
            t0 = time.perf_counter()
            await runtime.handle(
                __import__("commands.events", fromlist=["Message"]).Message(
                    platform="console",
                    event_id=f"$q{time.perf_counter_ns()}",
                    room_id="big",
                    sender="@user1",
                    body=text,
                )
            )
            samples.append((time.perf_counter() - t0) * 1000)
        print(
            f"{label}: median {statistics.median(samples):.1f} ms, "
            f"p90 {statistics.quantiles(samples, n=10)[-1]:.1f} ms over {stored:,} stored"
        )
    await runtime.flush(timeout=60)
    await runtime.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=5000)
    parser.add_argument("--stored", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(commands_per_second(Path(tmp), args.commands))
        asyncio.run(totals_latency(Path(tmp), args.stored))


if __name__ == "__main__":
    tune_interpreter()  # as the bot does (bot.app.build_runtime)
    main()
