"""People's data on a room of 200 members and 100,000 contributions (a SQLite file): how long a
backup, a restore, the ledger check, an import of 1,000 rows (plan and apply) and forgetting the
busiest person take, and the sizes.

    .venv/bin/python bench/data.py [--contributions 100000] [--members 200]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.recap import ROOM, populate
from bot.clock import install_default
from commands import build_registry, importing
from commands.core import Context, Settings
from commands.events import Message, Role
from storage import backup
from storage.checks import check_ledger
from storage.db import make_engine, open_database, sqlite_url, transaction
from storage.forget import forget_person
from storage.models import Contribution, Room

NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)


def seconds(t0: float) -> str:
    return f"{time.perf_counter() - t0:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--contributions", type=int, default=100_000)
    parser.add_argument("--members", type=int, default=200)
    args = parser.parse_args()
    install_default(NOW.isoformat())
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        db = work / "cagnotte.db"
        populate(db, args.contributions, args.members)
        url = sqlite_url(db)
        print(f"database: {db.stat().st_size / 1e6:.1f} MB, {args.contributions} contributions")
        t0 = time.perf_counter()
        made = backup.backup(url, work / "b" / "cagnotte.db")
        print(f"backup: {seconds(t0)} ({made.size / 1e6:.1f} MB)")
        t0 = time.perf_counter()
        backup.restore(made.path, sqlite_url(work / "r" / "cagnotte.db"))
        open_database(sqlite_url(work / "r" / "cagnotte.db")).dispose()
        print(f"restore (with migrations): {seconds(t0)}")
        engine = make_engine(url)
        t0 = time.perf_counter()
        with Session(engine) as session:
            found = check_ledger(session)
        print(f"ledger check: {seconds(t0)} ({len(found)} problem(s))")
        rows = "\n".join(
            f"{1 + i % 28:02d}/10/2026;Personne {i % args.members};1,5;KPA;import {i}"
            for i in range(1000)
        )
        data = ("date;personne;heures;projet;description\n" + rows + "\n").encode()
        with transaction(engine) as session:
            room = session.get(Room, ROOM)
            assert room is not None
            event = Message(
                platform="console",
                event_id=f"bench-{uuid.uuid4().hex}",
                room_id=ROOM,
                sender="cli",
                role=Role.ADMIN,
                body="",
            )
            ctx = Context(session, event, room, Settings(), NOW, build_registry())
            t0 = time.perf_counter()
            result = importing.plan(ctx, data, file_name="bench.csv")
            planned = seconds(t0)
            t0 = time.perf_counter()
            written = importing.apply(ctx, result)
            print(f"import of 1,000 rows: plan {planned}, apply {seconds(t0)} ({len(written)})")
        with Session(engine) as session:
            busiest = session.exec(
                select(Contribution.user_id, func.count())
                .group_by(Contribution.user_id)
                .order_by(func.count().desc())
            ).first()
        assert busiest is not None
        t0 = time.perf_counter()
        with transaction(engine) as session:
            done = forget_person(session, busiest[0], now=NOW, by="cli")
        rows_changed = sum(done.changed.values())
        print(
            f"forget the busiest person ({busiest[1]} contributions): {seconds(t0)}, "
            f"{rows_changed} rows"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
