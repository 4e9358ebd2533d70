"""Storage: the migrations build exactly the tables the models declare; SQLite runs in WAL mode
with foreign keys; the outbox survives a restart."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlmodel import SQLModel

import storage.models  # noqa: F401


def test_migrations_match_the_models(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == []


def test_sqlite_pragmas(engine):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        # savepoints' journals and sorts in memory, not in temporary files
        assert conn.exec_driver_sql("PRAGMA temp_store").scalar() == 2


def test_a_plain_transaction_that_writes_holds_the_write_lock_from_its_start(engine):
    """``writing``: the delivery reads the new messages, then writes their turns. Started as a
    reader, its write would be refused at once if another connection wrote in between; it holds
    the write lock from its first statement instead (another writer waits)."""
    import sqlite3

    import pytest

    from storage.db import writing

    with engine.connect() as conn:  # the schema, created
        conn.exec_driver_sql("SELECT count(*) FROM room").scalar()
    other = sqlite3.connect(engine.url.database, timeout=0, isolation_level=None)
    try:
        with writing(engine) as conn:
            conn.exec_driver_sql("SELECT count(*) FROM botmessage").scalar()
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")  # free again once it is over
        other.execute("ROLLBACK")
    finally:
        other.close()


def test_aggregates_use_the_indexes(engine):
    with engine.connect() as conn:
        plan = " ".join(
            str(row[-1])
            for row in conn.execute(
                text(
                    "EXPLAIN QUERY PLAN SELECT user_id, sum(minutes) FROM contribution "
                    "WHERE room_id = 'r' AND day >= '2026-11-01' AND day < '2026-12-01' GROUP BY user_id"
                )
            )
        )
    assert "USING" in plan and "INDEX" in plan, plan
