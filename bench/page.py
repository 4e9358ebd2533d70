"""The room page at scale: 200 people, 100,000 contributions over a year (and their 100,000
audit rows), a round of 1,000 buckets with their fundings, a proportional envelope and one with
25 requests. Serves the pages with the real server on 127.0.0.1 and prints, for each page, the
median and 95th percentile of the time to answer (client side) and the SQL statements it ran
(the same for 10 buckets as for 1,000: no query per row). Then the delay between a funding
handled by the runtime and the live event a watching page receives.

    .venv/bin/python bench/page.py [--contributions 100000] [--members 200] [--buckets 1000]
        [--runs 40] [--pages year,project,csv] [--cold]

``--pages``: only the pages whose name holds one of these words. ``--cold``: the room's ledger
changes before every request (an audit row more), so that nothing the server keeps until the
ledger changes (totals, the journal's kinds, a file's rows, the chart) is of use: the first
view after a change.
"""

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
from typing import Any

import aiohttp
from sqlalchemy import event, insert
from sqlmodel import Session

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the project, not bench/

from bot.adapters.console import ConsoleAdapter
from bot.app import tune_interpreter
from bot.clock import install_default
from bot.config import WebSection
from bot.runtime import Runtime
from bot.web.server import PageServer
from commands import build_registry
from commands.core import Settings
from commands.events import Message, Role
from commands.page import new_token, token_hash
from storage.db import make_engine, migrate, sqlite_url
from storage.models import (
    Allocation,
    Audit,
    Bucket,
    BudgetEnvelope,
    BudgetQuestion,
    BudgetRequest,
    BudgetSource,
    BudgetValidation,
    CobudgetRound,
    Contribution,
    Funding,
    Member,
    PageLink,
    Person,
    Project,
    Room,
    RoomCounter,
)

ROOM = "!bench:example.org"
NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)
TODAY = NOW.date()


def populate(path: Path, contributions: int, members: int, buckets: int) -> str:
    """The room; returns a member's page token."""
    engine = make_engine(sqlite_url(path))
    migrate(engine)
    rng = random.Random(16)
    with Session(engine) as db:
        db.add(Room(id=ROOM, platform="console", name="bench"))
        db.flush()
        users = [f"@person{i:03d}:example.org" for i in range(members)]
        db.execute(
            insert(Person),
            [
                {"user_id": u, "display_name": f"Personne {i}", "updated_at": NOW}
                for i, u in enumerate(users)
            ],
        )
        db.execute(
            insert(Member),
            [
                {
                    "room_id": ROOM,
                    "user_id": u,
                    "first_seen": NOW - dt.timedelta(days=400),
                    "updated_at": NOW - dt.timedelta(days=400),
                }
                for u in users
            ],
        )
        codes = ["KPA", "COMPTA", "JARDIN", "ATELIER", "CAFE", "COM", "INFRA", "FORMATION"]
        projects = [Project(room_id=ROOM, code=c, code_key=c.lower(), name=c) for c in codes]
        db.add_all(projects)
        db.flush()
        pids = [p.id for p in projects] + [None]
        weights_u = [1 / (i + 1) ** 0.8 for i in range(members)]
        start = TODAY - dt.timedelta(days=365)
        rows, audits = [], []
        for i in range(contributions):
            user = rng.choices(users, weights_u)[0]
            day = start + dt.timedelta(days=rng.randrange(366))
            minutes = rng.choice([30, 45, 60, 90, 120, 180, 240])
            pid = rng.choice(pids)
            rows.append(
                {
                    "room_id": ROOM,
                    "user_id": user,
                    "minutes": minutes,
                    "day": day,
                    "project_id": pid,
                    "description": "",
                    "number": i + 1,
                    "event_id": f"$c{i}",
                    "created_by": user,
                    "created_at": NOW,
                    "updated_at": NOW,
                }
            )
            audits.append(
                {
                    "at": NOW - dt.timedelta(minutes=contributions - i),
                    "room_id": ROOM,
                    "actor": user,
                    "action": "create",
                    "object_kind": "contribution",
                    "object_id": str(i + 1),
                    "event_id": f"$c{i}",
                    "details": {
                        "number": i + 1,
                        "user": user,
                        "minutes": minutes,
                        "day": day.isoformat(),
                        "project_id": pid,
                        "description": "",
                    },
                }
            )
        for i in range(0, len(rows), 10_000):
            db.execute(insert(Contribution), rows[i : i + 10_000])
            db.execute(insert(Audit), audits[i : i + 10_000])
        # a round of ``buckets`` buckets, everyone given 500 €, about 5 fundings a bucket
        rnd = CobudgetRound(
            room_id=ROOM,
            number=1,
            title="Hiver 2026",
            pot_cents=200 * 50_000,
            created_by=users[0],
            event_id="$round",
            reaction_values={"💶": 500},
        )
        db.add(rnd)
        db.flush()
        db.execute(
            insert(Allocation),
            [
                {
                    "round_id": rnd.id,
                    "room_id": ROOM,
                    "user_id": u,
                    "cents": 50_000,
                    "method": "each",
                    "details": {},
                    "created_by": users[0],
                    "event_id": "$alloc",
                    "created_at": NOW,
                }
                for u in users
            ],
        )
        db.execute(
            insert(Bucket),
            [
                {
                    "round_id": rnd.id,
                    "room_id": ROOM,
                    "number": b + 1,
                    "title": f"Proposition {b + 1}",
                    "description": "Une idée pour le lieu",
                    "author": users[b % members],
                    "min_cents": 10_000,
                    "max_cents": 20_000,
                    "state": "open",
                    "event_id": f"$b{b}",
                    "created_at": NOW,
                }
                for b in range(buckets)
            ],
        )
        bucket_ids = [
            i
            for (i,) in db.execute(
                Bucket.__table__.select().with_only_columns(Bucket.__table__.c.id)
            )
        ]
        db.execute(
            insert(Funding),
            [
                {
                    "round_id": rnd.id,
                    "bucket_id": bucket_ids[f % len(bucket_ids)],
                    "funder": users[f % members],
                    "cents": 500,
                    "source": "reaction",
                    "reaction_key": "💶",
                    "state": "active",
                    "event_id": f"$f{f}",
                    "created_at": NOW,
                }
                for f in range(5 * buckets)
            ],
        )
        # a proportional envelope and one of 25 requests, questioned and validated
        month = TODAY.replace(day=1)
        prop = BudgetEnvelope(
            room_id=ROOM,
            number=1,
            project_id=pids[0],
            start=month,
            end=(month + dt.timedelta(days=32)).replace(day=1),
            period_kind="month",
            amount=500_000,
            mode="proportionnel",
            cap=50_000,
            created_by=users[0],
            event_id="$env1",
        )
        libre = BudgetEnvelope(
            room_id=ROOM,
            number=2,
            project_id=pids[1],
            start=month,
            end=prop.end,
            period_kind="month",
            amount=200_000,
            mode="libre",
            created_by=users[0],
            event_id="$env2",
        )
        db.add_all([prop, libre])
        db.flush()
        for env in (prop, libre):  # an envelope's amount is the sum of its sources
            assert env.id is not None
            db.add(
                BudgetSource(
                    envelope_id=env.id,
                    kind="initial",
                    amount=env.amount,
                    user_id=env.created_by,
                    event_id=env.event_id,
                )
            )
        for r in range(25):
            req = BudgetRequest(
                envelope_id=libre.id,
                room_id=ROOM,
                number=r + 1,
                user_id=users[r],
                amount=10_000 + 100 * r,
                message="pour le mois",
                event_id=f"$req{r}",
            )
            db.add(req)
            db.flush()
            db.add(
                BudgetQuestion(
                    request_id=req.id, user_id=users[r + 30], text="pourquoi ?", event_id=f"$q{r}"
                )
            )
            for v in range(2):
                db.add(
                    BudgetValidation(
                        request_id=req.id, user_id=users[r + 50 + v], event_id=f"$v{r}-{v}"
                    )
                )
        for kind, last in (
            ("contribution", contributions),
            ("round", 1),
            ("bucket", buckets),
            ("envelope", 2),
            ("request", 25),
        ):
            db.add(RoomCounter(room_id=ROOM, kind=kind, last=last))
        token = new_token()
        db.add(
            PageLink(
                room_id=ROOM,
                user_id=users[1],
                token_hash=token_hash(token),
                created_by=users[1],
                event_id="$page",
                created_at=NOW,
            )
        )
        db.commit()
    engine.dispose()
    return token


PAGES = {
    "overview (week)": "",
    "overview (year)": "?periode=annee",
    "round (1,000 buckets)": "tour",
    "envelopes": "enveloppes",
    "envelope (proportional)": "enveloppe/1",
    "envelope (25 requests)": "enveloppe/2",
    "journal": "journal",
    "journal, one person": "journal?personne=@person007:example.org",
    "journal, one project": "journal?projet=FORMATION",
    "journal, page 100": "journal?avant=95000",
    "downloads": "telechargements",
    "chart (cached)": "graphique.png?periode=annee",
    "contributions CSV (month)": "contributions.csv?periode=mois",
}


async def measure(path: Path, token: str, runs: int, pages: list[str], cold: bool) -> None:
    engine = make_engine(sqlite_url(path))
    statements = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def count(*_: Any) -> None:
        statements[0] += 1

    runtime = Runtime(
        engine, build_registry(), Settings(page_url="http://127.0.0.1"), clock=lambda: NOW
    )
    ConsoleAdapter(out=lambda _line: None).attach(runtime)  # the answers go nowhere
    server = PageServer(runtime, WebSection(listen="127.0.0.1:0", requests_per_minute=100_000))
    url = await server.start()
    root = f"{url}/p/{token}/"
    print(f"{'page':28} {'median':>8} {'p95':>8} {'queries':>8} {'bytes':>9}")
    async with aiohttp.ClientSession() as http:
        for name, path_ in PAGES.items():
            if pages and not any(word in name for word in pages):
                continue
            times: list[float] = []
            size = 0
            for i in range(runs + 2):
                if cold:
                    with engine.begin() as conn:
                        conn.execute(
                            insert(Audit).values(
                                at=NOW,
                                room_id=ROOM,
                                actor="bench",
                                action="touch",
                                object_kind="bench",
                                details={},
                            )
                        )
                before = statements[0]
                t0 = time.perf_counter()
                async with http.get(root + path_) as response:
                    body = await response.read()
                    assert response.status == 200, (name, response.status)
                elapsed = time.perf_counter() - t0
                queries = statements[0] - before
                size = len(body)
                if i >= 2:  # two warm-up requests (the chart is drawn once, then kept)
                    times.append(elapsed)
            times.sort()
            p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
            print(
                f"{name:28} {1000 * statistics.median(times):6.1f}ms {1000 * p95:6.1f}ms "
                f"{queries:8d} {size:9d}"
            )
        # live: a funding handled by the runtime, seen by a page that watches
        delays = []
        async with http.get(root + "evenements") as stream:
            await stream.content.readuntil(b"\n\n")
            for i in range(10):
                t0 = time.perf_counter()
                await runtime.handle(
                    Message(
                        platform="console",
                        event_id=f"$live{i}",
                        room_id=ROOM,
                        sender="@person002:example.org",
                        sender_name="Personne 2",
                        role=Role.MEMBER,
                        body=f"!financer {i + 1} 1€",
                    )
                )
                while True:
                    chunk = await stream.content.readuntil(b"\n\n")
                    if chunk.startswith(b"event: ledger"):
                        break
                delays.append(time.perf_counter() - t0)
        print(
            f"live update after a funding in chat: median {1000 * statistics.median(delays):.0f} ms,"
            f" max {1000 * max(delays):.0f} ms (event handled, committed, page told)"
        )
    await server.stop()
    await runtime.close()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contributions", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--buckets", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--pages", default="", help="words, by commas")
    parser.add_argument("--cold", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        token = populate(path, args.contributions, args.members, args.buckets)
        print(
            f"populated {args.contributions} contributions (and audit rows), {args.members} "
            f"people, {args.buckets} buckets in {time.perf_counter() - t0:.1f} s"
        )
        pages = [word for word in args.pages.split(",") if word]
        asyncio.run(measure(path, token, args.runs, pages, args.cold))


if __name__ == "__main__":
    tune_interpreter()  # as the bot does (bot.app.build_runtime)
    install_default()  # the process clock: the system one, or $CAGNOTTE_NOW
    main()
