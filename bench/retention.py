"""Retention: purging a room of 100,000 handled events (and as many delivered answers) older
than its limit, a fifth of them named by the audit trail (kept), in batches of short
transactions: rows purged per second, and the longest batch (how long the write lock is held).

    .venv/bin/python bench/retention.py [--events 100000] [--postgres URL]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert
from sqlmodel import Session, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.clock import install_default
from storage import retention
from storage.db import open_database, sqlite_url
from storage.models import Audit, BotMessage, ChatEvent, Room

NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)
ROOM = "!bench:retention"


def populate(url: str, events: int) -> None:
    engine = open_database(url)
    old = NOW - dt.timedelta(days=200)
    with Session(engine) as db:
        db.add(Room(id=ROOM, platform="console", retention_days=90))
        db.commit()
    with engine.begin() as conn:
        for start in range(0, events, 10_000):
            ids = range(start, min(events, start + 10_000))
            at = [old + dt.timedelta(seconds=i) for i in ids]
            conn.execute(
                insert(ChatEvent),
                [
                    {
                        "event_id": f"ev{i}",
                        "room_id": ROOM,
                        "sender": "@a",
                        "kind": "Message",
                        "command": "solde",
                        "handled_at": t,
                    }
                    for i, t in zip(ids, at, strict=True)
                ],
            )
            conn.execute(
                insert(BotMessage),
                [
                    {
                        "room_id": ROOM,
                        "kind": "text",
                        "body": "•",
                        "cause_event_id": f"ev{i}",
                        "created_at": t,
                        "sent_at": t,
                        "mentions": [],
                        "attempts": 1,
                    }
                    for i, t in zip(ids, at, strict=True)
                ],
            )
            conn.execute(
                insert(Audit),
                [
                    {
                        "at": t,
                        "room_id": ROOM,
                        "actor": "@a",
                        "action": "add",
                        "object_kind": "contribution",
                        "object_id": str(i),
                        "event_id": f"ev{i}",
                        "details": {},
                    }
                    for i, t in zip(ids, at, strict=True)
                    if i % 5 == 0
                ],
            )
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--postgres", help="an empty PostgreSQL database's URL")
    args = parser.parse_args()
    install_default(NOW.isoformat())
    with tempfile.TemporaryDirectory() as folder:
        url = args.postgres or sqlite_url(Path(folder) / "cagnotte.db")
        populate(url, args.events)
        engine = open_database(url)
        longest = 0.0
        total = retention.Step()
        after = None
        t0 = time.perf_counter()
        while True:
            b0 = time.perf_counter()
            with Session(engine) as db:
                room = db.get(Room, ROOM)
                assert room is not None
                step, after = retention.purge_step(db, room, NOW, after)
                db.commit()
            longest = max(longest, time.perf_counter() - b0)
            total.events += step.events
            total.messages += step.messages
            if not step.more:
                break
        took = time.perf_counter() - t0
        with Session(engine) as db:
            left = db.exec(select(func.count()).select_from(ChatEvent)).one()
        rows = total.events + total.messages
        print(
            f"{engine.dialect.name}: {args.events} handled events, {args.events} answers; "
            f"purged {total.events} events and {total.messages} answers in {took:.2f} s: "
            f"{rows / took:,.0f} rows/s; longest batch {longest * 1000:.0f} ms; "
            f"{left} events kept (named by the audit trail)"
        )
        engine.dispose()


if __name__ == "__main__":
    main()
