"""The data of the upgrade test: a database made at schema 0009 (the first migration of the
people's-data work's base), filled by the scenarios of the day (contributions, edits and
deletions, projects, a round with allocations and fundings, buckets, envelopes open and closed,
requests, validations, give-backs, pending actions, schedules, two rooms), saved as JSON rows with
every figure the bot showed then.

``python -m tests.upgrade_fixture`` writes ``tests/data/upgrade-0009.json`` again (from the code
of the day: do it only to add a scenario, never to make the upgrade test pass)."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

FIXTURE = Path(__file__).parent / "data" / "upgrade-0009.json"
BASE = "0009"
NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)
SKIPPED = ("alembic_version", "contribution_month")  # the monthly totals come from triggers


async def fill(chat: Any) -> None:
    """The scenarios, in two rooms."""
    from tests.test_people_data import a_room_with_zoe, card_of

    card = await a_room_with_zoe(chat)
    await chat.react("bob", card, "💰")
    await chat.say("bob", "!contrib 4h 16/11 KPA archives")
    edited = chat.last_id
    await chat.edit("bob", edited, "!contrib 5h 16/11 KPA archives et tri")
    await chat.say("carol", "!contrib 2h 17/11 KPA erreur")
    await chat.delete("carol", chat.last_id)
    await chat.say("alice", "!annuler 2")
    await chat.say("alice", "!contrib 3h 18/11 KAP atelier")  # a pending ✅
    await chat.say("alice", '!projet ajouter ZZ "Zulu"')
    for user, hours in (("alice", 3), ("bob", 3), ("zoe", 2), ("carol", 3)):
        await chat.say(user, f"!contrib {hours}h 10/11 ZZ chantier")
    await chat.say("alice", "!budget ZZ 100€ novembre proportionnel commun 10%")
    await chat.say("bob", "!budget ZZ je-donne 50%")
    await chat.say("alice", "!budget ZZ clore")
    await chat.say("alice", '!projet ajouter YY "Yankee"')
    for user, hours in (("alice", 1), ("bob", 1), ("carol", 1)):
        await chat.say(user, f"!contrib {hours}h 11/11 YY réunion")
    await chat.say("alice", "!budget YY 100€ novembre proportionnel plafond 40€")
    await chat.say("alice", "!recap planifier lundi 9h")
    await card_of(chat, "bob", '!bucket "Vélo cargo" 60€ max 80€')
    await chat.say("bob", "!financer 3 5€")
    await chat.say("alice", "!valider 1")
    # another room
    await chat.say("alice", '!projet ajouter KPA "Autre KPA"', room="autre")
    await chat.say("bob", "!contrib 2h 01/11 KPA ailleurs", room="autre")
    await chat.say("alice", "!contrib 1h30 02/11 KPA ailleurs aussi", room="autre")
    await chat.say("alice", "!langue en", room="autre")


def dump_rows(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    meta = sa.MetaData()
    meta.reflect(engine)
    out: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            if table.name in SKIPPED:
                continue
            order = [c for c in table.primary_key.columns] or list(table.columns)
            rows = conn.execute(sa.select(table).order_by(*order)).mappings().all()
            out[table.name] = [{k: _plain(v) for k, v in row.items()} for row in rows]
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return {"base64": base64.b64encode(bytes(value)).decode()}
    return value


def load_rows(engine: Engine, rows: dict[str, list[dict[str, Any]]]) -> None:
    """Insert the fixture's rows into a database at the base schema (foreign keys respected by
    the tables' order; PostgreSQL's sequences moved past the ids)."""
    meta = sa.MetaData()
    meta.reflect(engine)
    with engine.begin() as conn:
        for table in meta.sorted_tables:
            data = rows.get(table.name)
            if not data:
                continue
            conn.execute(table.insert(), [_typed(table, row) for row in data])
        if engine.dialect.name == "postgresql":
            for table in meta.sorted_tables:
                if (
                    "id" in table.columns
                    and isinstance(table.columns["id"].type, sa.Integer)
                    and rows.get(table.name)
                ):
                    conn.execute(
                        sa.text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f'(SELECT max(id) FROM "{table.name}"))'
                        )
                    )


def _typed(table: sa.Table, row: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, value in row.items():
        column = table.columns[name]
        if isinstance(value, dict) and set(value) == {"base64"}:
            value = base64.b64decode(value["base64"])
        elif isinstance(value, str) and isinstance(column.type, sa.DateTime):
            value = dt.datetime.fromisoformat(value)
        elif isinstance(value, str) and isinstance(column.type, sa.Date):
            value = dt.date.fromisoformat(value)
        out[name] = value
    return out


def plain_figures(engine: Engine) -> Any:
    from tests.ledger import figures

    return json.loads(json.dumps(figures(engine)))


async def build() -> dict[str, Any]:
    from bot.adapters.console import ConsoleAdapter
    from bot.runtime import Runtime
    from commands import build_registry
    from commands.core import Settings
    from storage.db import make_engine, migrate, sqlite_url
    from tests.conftest import Chat, Clock

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(sqlite_url(Path(folder) / "base.db"))
        migrate(engine, BASE)
        runtime = Runtime(engine, build_registry(), Settings(), clock=Clock(NOW))
        adapter = ConsoleAdapter(
            user="alice", room="coroutine", admins=("alice",), out=lambda _l: None
        )
        adapter.attach(runtime)
        try:
            await fill(Chat(runtime, adapter))
            await runtime.flush()
        finally:
            await runtime.close()
        data = {"base": BASE, "rows": dump_rows(engine), "figures": plain_figures(engine)}
        engine.dispose()
    return data


def main() -> None:
    from storage import clock

    with clock.using(lambda: NOW):
        data = asyncio.run(build())
    FIXTURE.parent.mkdir(exist_ok=True)
    FIXTURE.write_text(json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    print(f"{FIXTURE}: {sum(len(r) for r in data['rows'].values())} rows")


if __name__ == "__main__":
    main()
