"""Time the split of an envelope among 200 people (pure function) and the ``!budget`` answer
through the dispatcher on a SQLite file. Prints figures; asserts nothing about time.

    .venv/bin/python bench/budget.py
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project, not bench/

from bot.clock import install_default
from commands import build_registry
from commands.core import Dispatcher, Settings
from commands.events import Message, Role
from commands.split import Rules, split
from storage.db import make_engine, migrate, sqlite_url

PEOPLE = 200
NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)


def timed(fn, repeat: int) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), max(runs)


def bench_pure() -> None:
    rnd = random.Random(7)
    minutes = {f"@p{i:03d}": rnd.randint(30, 120 * 60) for i in range(PEOPLE)}
    cases = {
        "no rule": Rules(),
        "cap (many rounds)": Rules(cap=40_000),
        "rate + cap + commons + min": Rules(cap=30_000, rate=450, commons_bp=1000, min_minutes=120),
    }
    for label, rules in cases.items():
        result = split(minutes, 5_000_000, rules)
        med, worst = timed(lambda r=rules: split(minutes, 5_000_000, r), 50)
        print(
            f"split {PEOPLE} people, {label:<28} median {med:7.2f} ms  max {worst:7.2f} ms"
            f"  (limited {len(result.limited)}, remainder {result.remainder} cents)"
        )


def bench_command() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(sqlite_url(Path(tmp) / "bench.db"))
        migrate(engine)
        dispatcher = Dispatcher(engine, build_registry(), Settings())
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
        start = time.perf_counter()
        for i in range(PEOPLE):
            for day in (2, 9, 16):
                say(f"@p{i:03d}", f"!contrib {rnd.randint(1, 8)}h {day:02d}/11 KPA")
        logged = time.perf_counter() - start
        print(f"logged {3 * PEOPLE} contributions in {logged:.2f} s")
        say("@admin", "!budget KPA 50000€ novembre plafond 400€ commun 5%", Role.ADMIN)
        med, worst = timed(lambda: say("@p001", "!budget KPA"), 20)
        print(
            f"!budget KPA with {PEOPLE} people (query + split + table): median {med:.1f} ms  max {worst:.1f} ms"
        )
        start = time.perf_counter()
        say("@admin", "!budget KPA clore", Role.ADMIN)
        print(
            f"!budget KPA clore (freeze + post + CSV): {(time.perf_counter() - start) * 1000:.1f} ms"
        )
        engine.dispose()


if __name__ == "__main__":
    install_default()  # the process clock: the system one, or $CAGNOTTE_NOW
    bench_pure()
    bench_command()
