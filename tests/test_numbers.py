"""Numbers shown to people count per room and are never handed out twice.

The first contribution, round, bucket, envelope and request of a new room are #1 whatever other
rooms did; after a deletion the next record gets a new number, so an old ``!annuler 2`` can never
remove someone else's record; a number typed in one room never finds a record of another room.
A database migrated from before keeps its numbers and each room continues after its highest.
"""

from __future__ import annotations

import asyncio
import csv
import datetime as dt
import io
import re
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from commands import build_registry
from commands.core import Dispatcher, Settings
from commands.events import Message, Role
from storage.db import make_engine, migrate, sqlite_url
from storage.models import (
    Bucket,
    BudgetEnvelope,
    BudgetRequest,
    CobudgetRound,
    Contribution,
)

A, B = "coroutine", "autre-salon"


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


async def fill_room(chat, room: str) -> None:
    """A busy room: 3 contributions, 2 rounds, 3 buckets, 1 envelope with 2 requests."""
    await chat.say("alice", '!projet ajouter KPA "KPA-Cités"', room=room)
    for day in ("02/11", "03/11", "04/11"):
        await chat.say("bob", f"!contrib 3h {day} KPA atelier", room=room)
    await chat.say("alice", '!tour ouvrir "Hiver" 100€', room=room)
    await chat.say("alice", "!tour fermer", room=room)
    await chat.say("alice", '!tour ouvrir "Printemps" 300€', room=room)
    await chat.say("alice", "!allouer tous", room=room)
    for title in ("Four", "Vélo", "Livres"):
        await chat.say("bob", f"!bucket {title} 50€", room=room)
    await chat.say("alice", "!budget KPA 1000€ novembre", room=room)
    await chat.say("bob", "!demande KPA 100€ atelier", room=room)
    await chat.say("carol", "!demande KPA 50€", room=room)


async def test_a_new_room_counts_from_one(chat):
    await fill_room(chat, A)
    said: list[str] = []

    async def say(user: str, line: str) -> str:
        answers = [plain(a) for a in await chat.say(user, line, room=B)]
        said.extend(answers)
        return "\n".join(answers)

    await say("alice", '!projet ajouter KPA "KPA-Cités"')
    assert "Contribution #1 " in await say("dave", "!contrib 2h 05/11 KPA atelier")
    assert "Tour #1 " in await say("alice", '!tour ouvrir "Été" 50€')
    await say("alice", "!allouer @dave 20€")
    assert "Bucket #1 " in await say("dave", "!bucket Vélo 20€")
    assert "Enveloppe #1 " in await say("alice", "!budget KPA 100€ novembre")
    assert "Demande #1 " in await say("dave", "!demande KPA 30€ réparations")
    # every place that shows a number shows the room's own
    assert "#1" in await say("dave", "!contribs")
    assert "#1" in await say("dave", "!buckets")
    assert "#1" in await say("dave", "!budgets")
    assert "#1" in await say("dave", "!budget KPA")
    assert "#1" in await say("dave", "!financer 1 5€")
    assert "#1" in await say("dave", "!solde")
    assert "Tour #1 " in await say("dave", "!tour")
    assert "#1" in await say("dave", "!bucket 1")
    assert "#1" in await say("dave", "!recap novembre")
    # internal ids of this room's records are 2 to 4: none is shown as a number
    shown = set(re.findall(r"#(\d+)", "\n".join(said)))
    assert shown == {"1"}, shown


async def test_numbers_typed_in_one_room_never_reach_another(chat, engine):
    await fill_room(chat, A)
    await chat.say("alice", '!projet ajouter KPA "KPA-Cités"', room=B)
    await chat.say("bob", "!contrib 1h 05/11 KPA", room=B)
    assert "Pas de contribution #2" in await chat.one("bob", "!annuler 2", room=B)
    assert "Pas de contribution #3" in await chat.one("alice", "!annuler 3", room=B)
    assert "Pas de bucket #2" in await chat.one("bob", "!bucket 2", room=B)
    assert "Pas de bucket #2" in await chat.one("bob", "!financer 2 5€", room=B)
    assert "Pas de demande #2" in await chat.one("bob", "!valider 2", room=B)
    assert "Pas de demande #1" in await chat.one("bob", "!question 1 pourquoi ?", room=B)
    with Session(engine) as db:
        assert len(db.exec(select(Contribution).where(Contribution.room_id == A)).all()) == 3


async def test_a_deleted_number_is_never_handed_out_again(chat, engine):
    assert "Contribution #1 " in await chat.one("bob", "!contrib 1h atelier")
    assert "Contribution #2 " in await chat.one("carol", "!contrib 2h atelier")
    assert "Contribution #2 supprimée" in await chat.one("carol", "!annuler 2")
    assert "Contribution #3 " in await chat.one("bob", "!contrib 3h atelier")
    # carol's old "!annuler 2" typed again finds nothing: bob's #3 stays
    assert "Pas de contribution #2" in await chat.one("carol", "!annuler 2")
    # deleting the command message of the last one does not free its number either
    answers = await chat.say("bob", "!contrib 4h atelier")
    assert "Contribution #4 " in answers[0]
    await chat.delete("bob", chat.last_id)
    assert "Contribution #5 " in await chat.one("bob", "!contrib 5h atelier")
    with Session(engine) as db:
        kept = db.exec(select(Contribution).order_by(Contribution.number)).all()
        assert [(c.number, c.minutes) for c in kept] == [(1, 60), (3, 180), (5, 300)]
        # internal ids are not reused on SQLite either (the audit trail names them)
        assert [c.id for c in kept] == [1, 3, 5]


async def test_deleted_envelopes_and_requests_keep_their_numbers(chat):
    await chat.say("alice", '!projet ajouter KPA "KPA-Cités"')
    await chat.say("bob", "!contrib 3h 02/11 KPA atelier")
    assert "Enveloppe #1 " in plain(await chat.one("alice", "!budget KPA 100€ novembre"))
    envelope = chat.last_id
    assert "Demande #1 " in plain(await chat.one("bob", "!demande KPA 30€"))
    await chat.delete("bob", chat.last_id)  # deletes the request
    await chat.delete("alice", envelope)  # then the envelope, empty now
    assert "Enveloppe #2 " in plain(await chat.one("alice", "!budget KPA 100€ novembre"))
    assert "Demande #2 " in plain(await chat.one("bob", "!demande KPA 30€"))
    assert "Pas de demande #1" in await chat.one("carol", "!valider 1")


def message(event_id: str, body: str, room: str = "!r", sender: str = "@bob") -> Message:
    return Message(
        platform="console",
        event_id=event_id,
        room_id=room,
        sender=sender,
        sender_name=sender[1:].title(),
        body=body,
        role=Role.ADMIN if sender == "@alice" else Role.MEMBER,
    )


NOW = dt.datetime(2026, 11, 26, 11, tzinfo=dt.UTC)


def test_one_batch_gives_distinct_numbers(engine):
    """Events handed over together are handled in one transaction (group commit): each record
    still gets a number of its own, and a refused or failing event in between takes none."""
    d = Dispatcher(engine, build_registry(), Settings())
    sent = d.handle_batch(
        [
            message("$1", "!contrib 1h a"),
            message("$2", "!contrib 2h b", sender="@carol"),
            message("$3", "!contrib 0h rien"),  # refused
            message("$4", "!contrib 3h c"),
            message("$5", "!contrib 1h autre salon", room="!other"),
        ],
        NOW,
    )
    numbers = [m.group(1) for s in sent if (m := re.search(r"Contribution #(\d+) ", s.body))]
    assert numbers == ["1", "2", "3", "1"]


async def test_concurrent_commands_get_distinct_numbers(chat, engine):
    await asyncio.gather(*(chat.adapter.say(f"!contrib {i}h", user=f"u{i}") for i in range(1, 21)))
    await chat.runtime.flush()
    with Session(engine) as db:
        numbers = sorted(c.number for c in db.exec(select(Contribution)).all())
    assert numbers == list(range(1, 21))


async def test_csv_export_carries_the_number(chat):
    await fill_room(chat, A)
    await chat.say("bob", "!contrib 1h 05/11 rangement", room=B)
    said = await chat.said("bob", "!export csv novembre", room=B)
    rows = list(csv.reader(io.StringIO(said[0].data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "n°"
    assert [r[0] for r in rows[1:]] == ["1"]


# --------------------------------------------------------------------------- the migration


def sqlite_tables_with_ids(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return {
            name: sql
            for name, sql in conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table'"
            )
            if re.search(r"\bid INTEGER NOT NULL", sql)
        }


def test_no_internal_id_is_reused_on_sqlite(engine):
    tables = sqlite_tables_with_ids(engine)
    assert "contribution" in tables and "audit" in tables
    assert {name for name, sql in tables.items() if "AUTOINCREMENT" not in sql} == set()


def triggers(engine: Engine) -> set[str]:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            rows = conn.execute(
                text(
                    "SELECT tgname FROM pg_trigger "
                    "WHERE tgrelid = 'contribution'::regclass AND NOT tgisinternal"
                )
            )
        else:
            rows = conn.execute(
                text(
                    "SELECT name FROM sqlite_master "
                    "WHERE type = 'trigger' AND tbl_name = 'contribution'"
                )
            )
        return {r[0] for r in rows}


TRIGGERS = {
    "sqlite": {"contribution_month_ins", "contribution_month_del", "contribution_month_upd"},
    "postgresql": {"contribution_month_t"},
}


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_new_database_has_the_monthly_totals_triggers(request, kind):
    engine = request.getfixturevalue("engine" if kind == "sqlite" else "postgres_engine")
    assert triggers(engine) == TRIGGERS[kind]


OLD = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)


def fill_at_0008(engine: Engine) -> None:
    """Rows as the program wrote them before numbers per room: global ids, with gaps where rows
    were deleted (room !a's contribution 6, its last, was deleted: only the audit names it)."""
    rows = {
        "room": [
            {"id": "!a", "platform": "console", "name": "a"},
            {"id": "!b", "platform": "console", "name": "b"},
        ],
        "project": [{"id": 1, "room_id": "!b", "code": "KPA", "code_key": "kpa", "name": "KPA"}],
        "contribution": [
            {"id": i, "room_id": room, "user_id": "@bob", "minutes": 60 * i, "day": day}
            for i, room, day in (
                (1, "!a", "2026-09-02"),
                (2, "!b", "2026-09-03"),
                (3, "!a", "2026-09-04"),
                (5, "!a", "2026-10-05"),
                (7, "!b", "2026-10-06"),
            )
        ],
        "botmessage": [{"id": 1, "room_id": "!a"}],
        "cobudget_round": [
            {"id": 1, "room_id": "!a", "title": "Hiver", "state": "closed"},
            {"id": 2, "room_id": "!b", "title": "Été", "state": "open"},
            {"id": 3, "room_id": "!a", "title": "Printemps", "state": "open"},
        ],
        "cobudget_bucket": [
            {"id": 1, "round_id": 1, "room_id": "!a", "title": "Four", "card_message_id": 1},
            {"id": 2, "round_id": 2, "room_id": "!b", "title": "Vélo", "card_message_id": None},
        ],
        "budget_envelope": [{"id": 4, "room_id": "!b", "project_id": 1}],
        "budget_request": [{"id": 3, "envelope_id": 4}],
        "audit": [
            {"room_id": "!a", "action": "create", "object_kind": "contribution", "object_id": "6"},
            {"room_id": "!a", "action": "delete", "object_kind": "contribution", "object_id": "6"},
            {"room_id": "!b", "action": "create", "object_kind": "contribution", "object_id": "2"},
        ],
    }
    common = {
        "room": {
            "language": "fr",
            "timezone": "Europe/Paris",
            "currency": "EUR",
            "day_minutes": 420,
            "max_entry_minutes": 1440,
            "admin_level": 50,
        },
        "project": {"archived": False},
        "contribution": {"description": "", "created_by": "@bob"},
        "botmessage": {"kind": "text", "body": "card", "mentions": "[]", "attempts": 0},
        "cobudget_round": {"pot_cents": 10000, "reaction_values": "{}", "created_by": "@alice"},
        "cobudget_bucket": {
            "description": "",
            "author": "@bob",
            "min_cents": 5000,
            "max_cents": 5000,
            "state": "open",
        },
        "budget_envelope": {
            "start": dt.date(2026, 9, 1),
            "end": dt.date(2026, 10, 1),
            "period_kind": "month",
            "amount": 10000,
            "currency": "EUR",
            "mode": "libre",
            "commons_bp": 0,
            "min_minutes": 0,
            "validations_needed": 2,
            "state": "open",
            "created_by": "@alice",
        },
        "budget_request": {"user_id": "@bob", "amount": 3000, "message": "", "state": "active"},
        "audit": {"at": OLD, "actor": "@bob", "details": "{}"},
    }
    stamps = {"created_at": OLD}
    with engine.begin() as conn:
        for table, table_rows in rows.items():
            for n, row in enumerate(table_rows):
                values = {**common[table], **row}
                if table in ("contribution", "budget_request"):
                    values["updated_at"] = OLD
                if table != "audit":
                    values.update(stamps)
                if table not in ("room", "botmessage", "project"):
                    values["event_id"] = f"${table}{n}"
                columns = ", ".join(f'"{c}"' for c in values)
                marks = ", ".join(f":{c}" for c in values)
                conn.execute(text(f"INSERT INTO {table} ({columns}) VALUES ({marks})"), values)
            if engine.dialect.name == "postgresql" and table != "room":
                # the ids were given above: move the sequence on, as inserts would have
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def old_engine(request, tmp_path):
    """An empty database brought to revision 0008 (before numbers per room)."""
    if request.param == "sqlite":
        engine = make_engine(sqlite_url(tmp_path / "old.db"))
    else:
        server = request.getfixturevalue("postgres_server")
        engine = make_engine(server.new_database(f"m{uuid.uuid4().hex[:12]}"))
    migrate(engine, "0008")
    yield engine
    engine.dispose()


def test_migration_keeps_numbers_and_continues_after_the_highest(old_engine):
    fill_at_0008(old_engine)
    with old_engine.connect() as conn:
        months_before = conn.execute(
            text("SELECT room_id, month, minutes, count FROM contribution_month ORDER BY 1, 2")
        ).all()
    migrate(old_engine)
    assert triggers(old_engine) == TRIGGERS[old_engine.dialect.name]
    with Session(old_engine) as db:
        assert [(c.id, c.room_id, c.number) for c in db.exec(select(Contribution))] == [
            (1, "!a", 1),
            (2, "!b", 2),
            (3, "!a", 3),
            (5, "!a", 5),
            (7, "!b", 7),
        ]
        assert {(r.id, r.number) for r in db.exec(select(CobudgetRound))} == {
            (1, 1),
            (2, 2),
            (3, 3),
        }
        assert {(b.id, b.number) for b in db.exec(select(Bucket))} == {(1, 1), (2, 2)}
        assert [(e.number, e.room_id) for e in db.exec(select(BudgetEnvelope))] == [(4, "!b")]
        assert [(r.number, r.room_id) for r in db.exec(select(BudgetRequest))] == [(3, "!b")]
        assert (
            db.execute(
                text("SELECT room_id, month, minutes, count FROM contribution_month ORDER BY 1, 2")
            ).all()
            == months_before
        )
    d = Dispatcher(old_engine, build_registry(), Settings())

    def say(event_id: str, body: str, room: str, sender: str = "@bob") -> str:
        return plain(
            "\n".join(s.body for s in d.handle(message(event_id, body, room, sender), NOW))
        )

    # room !a's highest was 6 (deleted, named by the audit), room !b's 7
    assert "Contribution #7 " in say("$n1", "!contrib 1h atelier", "!a")
    assert "Contribution #8 " in say("$n2", "!contrib 1h atelier", "!b")
    assert "Pas de contribution #2" in say("$n3", "!annuler 2", "!a")
    assert "Contribution #3 supprimée" in say("$n4", "!annuler 3", "!a")
    assert "Bucket #2 " in say("$n5", "!bucket Four solaire 20€", "!a")
    assert "Bucket #3 " in say("$n6", "!bucket Atelier 20€", "!b")
    assert "Pas de bucket #1" in say("$n7", "!bucket 1", "!b")
    assert "Bucket #2 " in say("$n8", "!bucket 2", "!b")
    say("$n9", "!tour fermer", "!a", "@alice")
    assert "Tour #4 " in say("$n10", '!tour ouvrir "Automne" 10€', "!a", "@alice")
    with Session(old_engine) as db:
        new = db.exec(select(Contribution).where(Contribution.event_id == "$n1")).one()
        assert new.id is not None and new.id > 7  # the deleted id 6 is not reused either
        # the monthly totals kept by the triggers still follow every change
        rows = db.execute(
            text("SELECT sum(minutes), sum(count) FROM contribution_month WHERE room_id = '!a'")
        ).one()
        assert tuple(rows) == (60 + 300 + 60, 3)


@pytest.mark.postgres
def test_postgresql_schema_matches_the_models(postgres_engine):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    with postgres_engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(ctx, SQLModel.metadata) == []
