"""Time ``!budget KPA atterrissage`` (the four landing options side by side) with 200 validated
requests that exceed their envelope, through the dispatcher on a SQLite file, and the four pure
options alone. Prints the median and p95 and the SQL statements of one answer (counted by a
``before_cursor_execute`` listener; transaction control and savepoints not counted); asserts
nothing about time.

    .venv/bin/python -P bench/landing.py [--runs 30]   (-P: bench/commands.py is not the package)
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project, not bench/

from bot.clock import install_default
from commands import build_registry
from commands.core import Dispatcher, Settings
from commands.events import Message, Role
from commands.landing import options
from storage.db import make_engine, migrate, sqlite_url

REQUESTS = 200
NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)
SKIP = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")


def figures(runs: list[float]) -> str:
    ordered = sorted(runs)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return f"median {statistics.median(runs):7.2f} ms  p95 {p95:7.2f} ms"


def bench_pure(runs: int) -> None:
    rnd = random.Random(7)
    asked = {i: rnd.randint(50, 3000) * 100 for i in range(REQUESTS)}
    total = sum(asked.values()) * 2 // 3
    for option in options():
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            shares = option.shares(asked, total)
            times.append((time.perf_counter() - start) * 1000)
        assert sum(shares.values()) == total
        print(f"{option.key():<12} {REQUESTS} requests (pure)            {figures(times)}")


def bench_command(runs: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(sqlite_url(Path(tmp) / "bench.db"))
        migrate(engine)
        dispatcher = Dispatcher(engine, build_registry(), Settings())
        counting = {"on": False, "count": 0}

        def seen(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
            if counting["on"] and not statement.lstrip().upper().startswith(SKIP):
                counting["count"] += 1

        event.listen(engine, "before_cursor_execute", seen)
        n = 0

        def say(user: str, body: str, role: Role = Role.MEMBER) -> None:
            nonlocal n
            n += 1
            dispatcher.handle(
                Message(
                    platform="console",
                    event_id=f"$e{n}",
                    room_id="bench",
                    sender=user,
                    body=body,
                    role=role,
                ),
                NOW,
            )

        say("@admin", "!projet ajouter KPA", Role.ADMIN)
        rnd = random.Random(7)
        for i in range(REQUESTS):
            say(f"@p{i:03d}", f"!contrib {rnd.randint(1, 8)}h 02/11 KPA")
        say("@admin", "!budget KPA 100000€ novembre validations 1", Role.ADMIN)
        for i in range(REQUESTS):
            say(f"@p{i:03d}", f"!demande KPA {rnd.randint(50, 1500)}€")
        for i in range(1, REQUESTS + 1):
            say("@admin", f"!valider {i}", Role.ADMIN)
        times = []
        for _ in range(runs):
            counting["count"], counting["on"] = 0, True
            start = time.perf_counter()
            say("@p001", "!budget KPA atterrissage")
            times.append((time.perf_counter() - start) * 1000)
            counting["on"] = False
        print(
            f"!budget KPA atterrissage, {REQUESTS} validated requests: {figures(times)}"
            f"  ({counting['count']} SQL statements)"
        )
        say("@admin", "!budget KPA atterrissage appliquer 2", Role.ADMIN)
        times = []
        statements = 0
        for i in range(runs):
            counting["count"], counting["on"] = 0, True
            start = time.perf_counter()
            # a request changes: the applied option lands all 200 again
            say("@p002", f"!demande KPA {700 + i}€")
            times.append((time.perf_counter() - start) * 1000)
            counting["on"] = False
            statements = max(statements, counting["count"])
        print(
            f"!demande changing a request, landing applied ({REQUESTS}): {figures(times)}"
            f"  ({statements} SQL statements)"
        )
        engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    install_default()  # the process clock: the system one, or $CAGNOTTE_NOW
    bench_pure(args.runs)
    bench_command(args.runs)
