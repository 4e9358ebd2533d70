"""Commands per second: the bot end to end (console adapter -> runtime -> database -> answers
delivered) beside the storage floor, a raw loop on the same database doing the same inserts per
command (a contribution, the handled event, an audit row, an outbox row), one transaction per
command, in the same run.

    .venv/bin/python bench/throughput.py [--commands 5000] [--users 50]
    .venv/bin/python bench/throughput.py --postgres     # a throw-away PostgreSQL server
    .venv/bin/python bench/throughput.py --url postgresql://user@127.0.0.1/db   # an empty one
    .venv/bin/python bench/throughput.py --doubtful   # a third of the commands need a ✅

With ``--doubtful`` a third of the bot's commands name a project code the room does not have:
each is refused on its first try, handled again, and answered with an offer to confirm (✅),
among commands that are recorded at once (the raw loop is unchanged).

On SQLite the raw loop uses the ``sqlite3`` module; on PostgreSQL, ``psycopg``. It runs twice,
before and after the bot, each time on a fresh database (with ``--url``, in a room of its own),
and the bot is compared with the mean of the two: a machine whose speed drifts during the run
weighs on both sides alike. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import make_url

from bot.adapters.console import ConsoleAdapter
from bot.app import tune_interpreter
from bot.runtime import Runtime
from commands import build_registry
from commands.core import Settings
from storage.db import open_database, sqlite_url

NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)
TEXTS = [
    "!contrib 3h atelier KPA",
    "!contrib 1,5h hier #KPA réunion",
    "!contrib 45 min lundi compta",
]


DOUBTFUL = [*TEXTS[:2], "!contrib 45 min lundi compta KAP"]  # KAP: no such project


async def bot_rate(
    url: str, commands: int, users: int, texts: list[str] = TEXTS
) -> tuple[float, float]:
    """(commands/s with one person typing, commands/s with ``users`` people at once)."""
    engine = open_database(url)
    runtime = Runtime(engine, build_registry(), Settings(), clock=lambda: NOW)
    console = ConsoleAdapter(out=lambda _line: None, room="bench")
    console.attach(runtime)
    await console.say('!projet ajouter KPA "KPA-Cités"', user="alice")
    for k in range(users):  # everyone has spoken once: known to the room
        await console.say("!aide", user=f"user{k}")
    await console.say("!aide", user="solo")
    await runtime.flush(timeout=60)

    solo = max(commands // 5, 1)
    start = time.perf_counter()
    for i in range(solo):
        await console.say(texts[i % 3], user="solo")
    await runtime.flush(timeout=300)
    one = solo / (time.perf_counter() - start)

    per_user = max(commands // users, 1)

    async def person(k: int) -> None:
        for i in range(per_user):
            await console.say(texts[(i + k) % 3], user=f"user{k}")

    before = len(console.transcript)
    start = time.perf_counter()
    await asyncio.gather(*(person(k) for k in range(users)))
    await runtime.flush(timeout=600)
    elapsed = time.perf_counter() - start
    answered = len(console.transcript) - before
    await runtime.close()
    engine.dispose()
    done = per_user * users
    if answered < done:
        print(f"  (only {answered} of {done} answers delivered)")
    return one, done / elapsed


ROW = {
    "contribution": (
        "INSERT INTO contribution (room_id, number, user_id, minutes, day, project_id, "
        "description, event_id, created_by, created_at, updated_at) "
        "VALUES ({p}, {p}, {p}, {p}, {p}, NULL, {p}, {p}, {p}, {p}, {p})"
    ),
    "chatevent": (
        "INSERT INTO chatevent (event_id, room_id, sender, kind, command, handled_at) "
        "VALUES ({p}, {p}, {p}, {p}, {p}, {p})"
    ),
    "audit": (
        "INSERT INTO audit (at, room_id, actor, action, object_kind, object_id, event_id, details) "
        "VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, {p})"
    ),
    "botmessage": (
        "INSERT INTO botmessage (room_id, kind, body, html, mentions, cause_event_id, created_at, "
        "attempts) VALUES ({p}, {p}, {p}, {p}, {p}, {p}, {p}, 0)"
    ),
}


def _values(room: str, i: int, stamp: object, day: object) -> dict[str, tuple[object, ...]]:
    event = f"${room}-{i}"
    body = (
        f"Contribution #{i} enregistrée pour Alice : 3h le jeu. 26 nov. 2026, projet KPA — atelier."
    )
    return {
        "contribution": (room, i, "@alice", 180, day, "atelier", event, "@alice", stamp, stamp),
        "chatevent": (event, room, "@alice", "Message", "contrib", stamp),
        "audit": (
            stamp,
            room,
            "@alice",
            "create",
            "contribution",
            str(i),
            event,
            json.dumps({"minutes": 180, "day": "2026-11-26", "project_id": None}),
        ),
        "botmessage": (room, "text", body, f"<b>{body}</b>", "[]", event, stamp),
    }


def raw_sqlite_rate(path: Path, commands: int, room: str = "raw") -> float:
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute(
        "INSERT INTO room (id, platform, name, language, timezone, currency, day_minutes, "
        "max_entry_minutes, max_past_days, created_at) VALUES "
        "(?, 'console', 'raw', 'fr', 'Europe/Paris', 'EUR', 420, 1440, 365, '2026-11-26')",
        (room,),
    )
    sql = {k: v.format(p="?") for k, v in ROW.items()}
    stamp, day = NOW.replace(tzinfo=None).isoformat(" "), "2026-11-26"
    start = time.perf_counter()
    for i in range(commands):
        values = _values(room, i, stamp, day)
        conn.execute("BEGIN IMMEDIATE")
        for table in ROW:
            conn.execute(sql[table], values[table])
        conn.execute("COMMIT")
    rate = commands / (time.perf_counter() - start)
    conn.close()
    return rate


def raw_psycopg_rate(url: str, commands: int, room: str = "raw") -> float:
    import psycopg

    u = make_url(url)
    conninfo = psycopg.conninfo.make_conninfo(
        host=u.host or "",
        port=u.port or 5432,
        user=u.username or "",
        dbname=u.database or "",
        password=u.password or "",
    )
    sql = {k: v.format(p="%s") for k, v in ROW.items()}
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO room (id, platform, name, language, timezone, currency, day_minutes, "
            "max_entry_minutes, max_past_days, created_at) VALUES "
            "(%s, 'console', 'raw', 'fr', 'Europe/Paris', 'EUR', 420, 1440, 365, now())",
            (room,),
        )
        stamp, day = NOW, dt.date(2026, 11, 26)
        start = time.perf_counter()
        for i in range(commands):
            values = _values(room, i, stamp, day)
            with conn.transaction():
                for table in ROW:
                    conn.execute(sql[table], values[table])
        return commands / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--commands", type=int, default=5000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a SQLite file)")
    parser.add_argument("--postgres", action="store_true", help="start a throw-away PostgreSQL")
    parser.add_argument(
        "--doubtful",
        action="store_true",
        help="a third of the bot's commands name an unknown project code (an offer to confirm)",
    )
    args = parser.parse_args()
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if args.postgres and not args.url:
            from tests.postgres import PostgresServer, find_bindir

            bindir = find_bindir()
            if bindir is None:
                raise SystemExit("PostgreSQL server binaries not found")
            server = PostgresServer(bindir).start()
            stack.callback(server.stop)
            bot_url = server.url
            raw_urls = [server.new_database("raw"), server.new_database("raw2")]
        elif args.url:
            bot_url = args.url
            raw_urls = [args.url, args.url]  # the two loops write to rooms of their own
        else:
            bot_url = sqlite_url(tmp / "bot.db")
            raw_urls = [sqlite_url(tmp / "raw.db"), sqlite_url(tmp / "raw2.db")]
        postgres = bot_url.startswith("postgresql")
        for url in raw_urls:
            open_database(url).dispose()  # the same schema, migrated

        def floor(room: str) -> float:
            url = raw_urls[room != "raw"]
            if postgres:
                return raw_psycopg_rate(url, args.commands, room)
            return raw_sqlite_rate(Path(make_url(url).database or ""), args.commands, room)

        # the floor is taken before and after the bot, and the two averaged: a machine whose
        # speed drifts during the run moves both sides alike
        before = floor("raw")
        texts = DOUBTFUL if args.doubtful else TEXTS
        one, many = asyncio.run(bot_rate(bot_url, args.commands, args.users, texts))
        after = floor("raw2")
    raw = (before + after) / 2
    label = "PostgreSQL (psycopg)" if postgres else "SQLite (sqlite3)"
    print(
        f"storage floor, raw {label} loop, 4 inserts, one transaction per command: {raw:,.0f}/s"
        f" (before the bot {before:,.0f}/s, after {after:,.0f}/s)"
    )
    print(
        f"bot, one person typing:        {one:,.0f} commands/s = {100 * one / raw:.0f} % of the floor"
    )
    print(
        f"bot, {args.users} people at once:        {many:,.0f} commands/s = {100 * many / raw:.0f} % of the floor"
    )


if __name__ == "__main__":
    tune_interpreter()  # as the bot does (bot.app.build_runtime)
    main()
