"""Time to build a recap (text and chart) for a room with 200 members and 100,000 contributions
over a year, on a SQLite file. Prints the split between SQL, text and chart. (The bot does all
of it after the command's transaction, and draws the chart in a child process: see
``commands.deferred`` and ``bot.render``.)

    .venv/bin/python bench/recap.py [--contributions 100000] [--members 200] [--runs 5]
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

from sqlalchemy import insert
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project, not bench/

from bot.clock import install_default
from commands import build_registry
from commands.core import RecapScope, Settings
from commands.grammar import week_period
from commands.recap import build_recap, chart_data, contributions_section
from commands.recap_chart import render
from commands.schedules import previous_period
from storage.db import make_engine, migrate, sqlite_url
from storage.models import Contribution, Member, Person, Project, Room, RoomCounter
from storage.numbers import CONTRIBUTION
from storage.queries import contribution_totals
from storage.recap_queries import newcomers, people_per_project

ROOM = "!bench:example.org"
TODAY = dt.date(2026, 11, 26)


def populate(path: Path, contributions: int, members: int) -> None:
    engine = make_engine(sqlite_url(path))
    migrate(engine)
    rng = random.Random(5)
    with Session(engine) as db:
        db.add(Room(id=ROOM, platform="console", name="bench"))
        db.flush()
        users = [f"@person{i:03d}:example.org" for i in range(members)]
        db.execute(
            insert(Person),
            [{"user_id": u, "display_name": f"Personne {i}"} for i, u in enumerate(users)],
        )
        db.execute(insert(Member), [{"room_id": ROOM, "user_id": u} for u in users])
        codes = [
            "KPA",
            "COMPTA",
            "JARDIN",
            "ATELIER",
            "CAFE",
            "COM",
            "INFRA",
            "FORMATION",
            "BAR",
            "EVENEMENTS",
            "ADMIN",
            "LOGISTIQUE",
        ]
        projects = [Project(room_id=ROOM, code=c, code_key=c.lower(), name=c) for c in codes]
        db.add_all(projects)
        db.flush()
        pids = [p.id for p in projects] + [None]
        weights_p = [30, 20, 12, 10, 8, 6, 5, 3, 2, 2, 1, 1, 5]
        weights_u = [1 / (i + 1) ** 0.8 for i in range(members)]
        start = TODAY - dt.timedelta(days=365)
        rows = []
        for i in range(contributions):
            rows.append(
                {
                    "room_id": ROOM,
                    "user_id": rng.choices(users, weights_u)[0],
                    "minutes": rng.choice([30, 45, 60, 90, 120, 180, 240, 420]),
                    "day": start + dt.timedelta(days=rng.randrange(366)),
                    "project_id": rng.choices(pids, weights_p)[0],
                    "description": "",
                    "number": i + 1,
                    "event_id": f"$bench{i}",
                    "created_by": "@bench",
                }
            )
        for i in range(0, len(rows), 10_000):
            db.execute(insert(Contribution), rows[i : i + 10_000])
        db.add(RoomCounter(room_id=ROOM, kind=CONTRIBUTION, last=len(rows)))
        db.commit()
    engine.dispose()


def timed(fn, runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contributions", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        populate(path, args.contributions, args.members)
        print(
            f"populated {args.contributions} contributions, {args.members} members "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        engine = make_engine(sqlite_url(path))
        registry = build_registry()
        settings = Settings()
        period = week_period(TODAY - dt.timedelta(days=7))
        before = previous_period(period)
        with Session(engine) as db:
            room = db.get(Room, ROOM)
            assert room is not None
            t0 = time.perf_counter()
            import matplotlib.figure  # noqa: F401

            print(
                f"matplotlib import (once per process): {1000 * (time.perf_counter() - t0):.0f} ms"
            )
            # the first chart of a process also loads fonts: do it once before timing
            cold, _ = timed(
                lambda: render(
                    build_recap(db, registry, room, period, settings, today=TODAY).chart
                ),
                1,
            )
            print(f"first recap of the process (fonts loading): {1000 * cold:.0f} ms")

            def sql_only() -> None:
                contribution_totals(db, room.id, period.start, period.end)
                contribution_totals(db, room.id, before.start, before.end)
                newcomers(db, room.id, period.start, period.end)
                people_per_project(db, room.id, period.start, period.end)

            scope = RecapScope(
                db, room, period.start, period.end, before.start, before.end, settings
            )
            t_sql, _ = timed(sql_only, args.runs)
            t_section, _ = timed(lambda: contributions_section(scope), args.runs)
            t_chart_sql, data = timed(lambda: chart_data(db, room, period, TODAY), args.runs)
            assert data is not None
            t_render, png = timed(lambda: render(data), args.runs)
            Path(tempfile.gettempdir(), "recap-bench.png").write_bytes(png)
            t_total, out = timed(
                lambda: build_recap(db, registry, room, period, settings, today=TODAY), args.runs
            )
        print(f"recap of the week of {period.start} (median of {args.runs} runs):")
        print(f"  section SQL       {1000 * t_sql:7.1f} ms")
        print(f"  section text      {1000 * max(t_section - t_sql, 0):7.1f} ms")
        print(f"  chart SQL         {1000 * t_chart_sql:7.1f} ms")
        print(f"  chart render      {1000 * t_render:7.1f} ms  ({len(png)} bytes PNG)")
        print(f"  build_recap       {1000 * t_total:7.1f} ms  (text and what the chart shows)")
        print(f"  with the drawing  {1000 * (t_total + t_render):7.1f} ms  (target < 1000 ms)")
        print(f"  text: {len(out.rich.text)} chars, html: {len(out.rich.html or '')} chars")
        engine.dispose()


if __name__ == "__main__":
    install_default()  # the process clock: the system one, or $CAGNOTTE_NOW
    main()
