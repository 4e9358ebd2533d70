"""Statements compiled once and sent as the driver's SQL (``storage.prepared``): the rows every
command writes this way are stored exactly as SQLAlchemy's own path stores them, on SQLite and
PostgreSQL, each statement is still seen (and counted) by the engine's events, and a failure is
still SQLAlchemy's error."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import event, insert, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from commands.contrib.records import _INSERT_CONTRIBUTION, _NEW_CONTRIBUTION
from commands.core.context import _INSERT_AUDIT
from commands.core.outbox import _INSERT_OUTBOX, _OUTBOX_DEFAULTS, _PREPARED_OUTBOX
from commands.core.record import _RECORD_EVENT
from storage.models import Audit, ChatEvent
from storage.numbers import next_number
from storage.prepared import Prepared, _processor

NOW = dt.datetime(2026, 11, 26, 10, 30, 15, 123456, tzinfo=dt.UTC)
LATER = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def _room(conn: Connection) -> None:
    conn.execute(
        text(
            "INSERT INTO room (id, platform, name, language, timezone, currency, day_minutes, "
            "max_entry_minutes, max_past_days, created_at) VALUES ('r', 'console', 'r', 'fr', "
            "'Europe/Paris', 'EUR', 420, 1440, 365, :at)"
        ),
        {"at": NOW},
    )


def _stored(conn: Connection, table: str, key: str, value: object) -> dict[str, Any]:
    """The row as the database holds it (no type of SQLAlchemy's reads it back), without its
    generated key."""
    row = conn.exec_driver_sql(
        f"SELECT * FROM {table} WHERE {key} = {'?' if conn.dialect.paramstyle == 'qmark' else '%s'}",
        (value,),
    ).one()
    found = dict(row._mapping)
    found.pop("id", None)
    return found


def test_prepared_rows_are_stored_as_sqlalchemy_stores_them(any_engine):
    with any_engine.connect() as conn, conn.begin() as written:
        _room(conn)
        base = {"event_id": "$a", "room_id": "r", "sender": "@alice", "kind": "Message"}
        event_row = {**base, "command": "contrib", "handled_at": NOW, "answer_to": None}
        event_row["thread_id"] = "$t"
        chat = ChatEvent.__table__  # type: ignore[attr-defined]
        conn.execute(insert(chat), event_row)
        _RECORD_EVENT[conn.dialect.name].execute(conn, {**event_row, "event_id": "$b"})
        assert _stored(conn, "chatevent", "event_id", "$a") == {
            **_stored(conn, "chatevent", "event_id", "$b"),
            "event_id": "$a",
        }

        contribution = {
            "room_id": "r",
            "user_id": "@alice",
            "minutes": 90,
            "day": dt.date(2026, 11, 25),
            "project_id": None,
            "description": "atelier « KPA » 100 %",
            "created_by": "@alice",
            "created_at": NOW,
            "updated_at": LATER,
        }
        conn.execute(_INSERT_CONTRIBUTION, {**contribution, "number": 1, "event_id": "$a"})
        new = _NEW_CONTRIBUTION.insert(conn, {**contribution, "number": 2, "event_id": "$b"})
        one, two = (_stored(conn, "contribution", "event_id", e) for e in ("$a", "$b"))
        assert one == {**two, "number": 1, "event_id": "$a"}
        assert (
            conn.exec_driver_sql(f"SELECT event_id FROM contribution WHERE id = {new}").scalar()
            == "$b"
        )

        audit = {
            "at": NOW,
            "room_id": "r",
            "actor": "@alice",
            "action": "create",
            "object_kind": "contribution",
            "object_id": "1",
            "details": {"minutes": 90, "note": "été", "list": [1, None]},
        }
        conn.execute(insert(Audit.__table__), {**audit, "event_id": "$a"})  # type: ignore[attr-defined]
        _INSERT_AUDIT.execute_many(conn, [{**audit, "event_id": "$b"}, {**audit, "event_id": "$c"}])
        stored = [_stored(conn, "audit", "event_id", e) for e in ("$a", "$b", "$c")]
        assert stored[0] == {**stored[1], "event_id": "$a"} == {**stored[2], "event_id": "$a"}

        message = {
            **_OUTBOX_DEFAULTS,
            "room_id": "r",
            "body": "Contribution #2 enregistrée",
            "html": "<b>#2</b>",
            "mentions": ["@bob"],
            "data": b"\x00\xff",
            "cause_event_id": "$a",
            "created_at": NOW,
        }
        conn.execute(_INSERT_OUTBOX, {**message, "ref_id": "one"})
        key = _PREPARED_OUTBOX.insert(conn, {**message, "ref_id": "two"})
        one, two = (_stored(conn, "botmessage", "ref_id", r) for r in ("one", "two"))
        assert one == {**two, "ref_id": "one"}
        assert conn.exec_driver_sql(f"SELECT ref_id FROM botmessage WHERE id = {key}").scalar() == (
            "two"
        )
        written.rollback()  # numbers given outside their counter


def test_a_room_counter_goes_up_by_one_per_number(any_engine):
    from sqlmodel import Session

    with Session(any_engine) as db:
        _room(db.connection())
        assert [next_number(db, "r", "contribution") for _ in range(3)] == [1, 2, 3]
        assert next_number(db, "r", "bucket") == 1
        db.commit()


def test_prepared_statements_are_seen_by_the_engines_events(engine):
    """The statement counts of the benchmarks and tests: each prepared statement is one."""
    seen: list[str] = []

    def count(_conn, _cursor, statement, _params, _context, _many):
        seen.append(statement.split()[0])

    event.listen(engine, "before_cursor_execute", count)
    try:
        with engine.begin() as conn:
            _room(conn)
            seen.clear()
            row = {"event_id": "$a", "room_id": "r", "sender": "@a", "kind": "Message"}
            row |= {"command": "x", "handled_at": NOW, "answer_to": None, "thread_id": None}
            _RECORD_EVENT["sqlite"].execute(conn, row)
            audit = dict.fromkeys(("room_id", "actor", "action", "object_kind", "object_id"), "r")
            audit |= {"at": NOW, "event_id": "$a", "details": {}}
            _INSERT_AUDIT.execute_many(conn, [audit, audit, audit])  # one executemany
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert seen == ["INSERT", "INSERT"]


def test_a_failure_is_sqlalchemys_error_and_a_replay_returns_nothing(engine):
    with engine.begin() as conn:
        _room(conn)
        row = {"event_id": "$a", "room_id": "r", "sender": "@a", "kind": "Message"}
        row |= {"command": "x", "handled_at": NOW, "answer_to": None, "thread_id": None}
        record = _RECORD_EVENT["sqlite"]
        assert record.execute(conn, row).first() == ("$a",)
        assert record.execute(conn, row).first() is None  # on record already
        with pytest.raises(IntegrityError):
            _PREPARED_OUTBOX.insert(
                conn,
                {
                    **_OUTBOX_DEFAULTS,
                    "room_id": "r",
                    "body": None,  # a message has a text
                    "cause_event_id": "$a",
                    "created_at": NOW,
                },
            )


def test_a_statement_that_needs_more_than_it_is_given_is_refused(engine):
    table = ChatEvent.__table__  # type: ignore[attr-defined]
    with engine.begin() as conn:
        partial = Prepared(insert(table), ("event_id", "room_id"))
        with pytest.raises(ValueError, match="cannot be prepared"):
            partial.execute(conn, {"event_id": "$a", "room_id": "r"})
        wrong = Prepared(text("SELECT :a, :b"), ("a",))
        with pytest.raises(ValueError, match="cannot be prepared"):
            wrong.execute(conn, {"a": 1})


def test_a_time_is_processed_again_whenever_it_changes(engine):
    """The bind processor of a time remembers its last value: a new value (even an equal one
    at another offset) is processed again."""
    table = ChatEvent.__table__  # type: ignore[attr-defined]
    record = Prepared(insert(table), [c.name for c in table.columns])
    with engine.begin() as conn:
        _room(conn)
        at = [NOW, NOW, LATER, NOW.replace(microsecond=0), NOW]
        for n, when in enumerate(at):
            row = {c.name: None for c in table.columns}
            row |= {"event_id": f"$e{n}", "room_id": "r", "sender": "@a", "kind": "M"}
            record.execute(conn, {**row, "command": "x", "handled_at": when})
        stored = conn.exec_driver_sql("SELECT handled_at FROM chatevent ORDER BY event_id").all()
    assert [r[0] for r in stored] == [
        "2026-11-26 10:30:15.123456",
        "2026-11-26 10:30:15.123456",
        "2026-11-26 10:00:00.000000",
        "2026-11-26 10:30:15.000000",
        "2026-11-26 10:30:15.123456",
    ]


def test_the_models_times_are_processed_once_per_value(monkeypatch):
    """The models' time columns (a type that wraps SQLAlchemy's) keep their last value too: the
    batch's ``now``, written by every row, is turned into text once."""
    from sqlalchemy.dialects import sqlite
    from sqlmodel.sql.sqltypes import UTCDateTime

    calls: list[object] = []
    convert = UTCDateTime.process_bind_param

    def counted(self, value, dialect):
        calls.append(value)
        return convert(self, value, dialect)

    monkeypatch.setattr(UTCDateTime, "process_bind_param", counted)
    type_ = ChatEvent.__table__.c.handled_at.type  # type: ignore[attr-defined]
    assert isinstance(type_, UTCDateTime)
    process = _processor(type_, sqlite.dialect())
    assert process is not None
    out = [process(when) for when in (NOW, NOW, NOW, LATER, LATER, NOW)]
    assert out == [
        "2026-11-26 10:30:15.123456",
        "2026-11-26 10:30:15.123456",
        "2026-11-26 10:30:15.123456",
        "2026-11-26 10:00:00.000000",
        "2026-11-26 10:00:00.000000",
        "2026-11-26 10:30:15.123456",
    ]
    assert calls == [NOW, LATER, NOW]
