"""Copying a whole database into an empty one (``cagnotte copy --to postgresql://…``): the way a
collective moves from SQLite to PostgreSQL.

Both databases are brought to the newest schema first; the target must hold no row. Every table
is copied in the order its references need, in one transaction on the target, from one read
transaction on the source (a consistent picture even if the bot is running; stop it first all
the same, or what it writes afterwards stays behind). ``contribution_month`` is not copied: the
target's triggers rebuild it from the contributions, and the copy checks that it came out the
same. Internal ids keep their values, and each table's id sequence continues after the highest
id the source ever gave (SQLite's ``sqlite_sequence``), so that an id is never handed out twice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlalchemy import Integer, Table, func, insert, select, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (every table on the metadata)
from storage.db import StorageError, migrate

DERIVED = ("contribution_month",)  # kept by triggers: rebuilt, then compared
CHUNK = 5000


@dataclass(frozen=True)
class Copied:
    table: str
    rows: int


def _tables() -> list[Table]:
    return [t for t in SQLModel.metadata.sorted_tables if t.name not in DERIVED]


def _count(conn: Connection, table: Table) -> int:
    return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def _rows(conn: Connection, table: Table) -> Iterator[list[dict[str, object]]]:
    order = list(table.primary_key.columns) or list(table.columns)
    result = conn.execution_options(yield_per=CHUNK).execute(select(table).order_by(*order))
    for part in result.mappings().partitions(CHUNK):
        yield [dict(row) for row in part]


def _sequence_starts(conn: Connection) -> dict[str, int]:
    """The highest id each SQLite table ever gave (``AUTOINCREMENT``), deleted rows included."""
    if conn.dialect.name != "sqlite":
        return {}
    found = conn.exec_driver_sql(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'"
    ).first()
    if found is None:
        return {}
    rows = conn.exec_driver_sql("SELECT name, seq FROM sqlite_sequence")
    return {name: int(seq) for name, seq in rows}


def _month_totals(conn: Connection) -> tuple[int, int, int]:
    row = conn.execute(
        text(
            "SELECT count(*), coalesce(sum(minutes), 0), coalesce(sum(count), 0) "
            "FROM contribution_month WHERE count <> 0"
        )
    ).one()
    return int(row[0]), int(row[1]), int(row[2])


def copy_database(
    source: Engine, target: Engine, *, progress: Callable[[Copied], None] | None = None
) -> list[Copied]:
    """Copy every row of ``source`` into ``target``, which must hold none. Raises
    ``StorageError`` saying why it cannot (nothing is written then)."""
    if target.dialect.name != "postgresql":
        raise StorageError("the copy's target must be a PostgreSQL database")
    migrate(source)
    migrate(target)
    tables = _tables()
    copied: list[Copied] = []
    with source.connect() as src, target.connect() as dst:
        with dst.begin():
            busy = {t.name: n for t in SQLModel.metadata.sorted_tables if (n := _count(dst, t))}
            if busy:
                names = ", ".join(f"{name} ({n} rows)" for name, n in busy.items())
                raise StorageError(f"the target database is not empty: {names}")
        with src.begin(), dst.begin():  # one picture of the source, one transaction on the target
            starts = _sequence_starts(src)
            for table in tables:
                n = 0
                for chunk in _rows(src, table):
                    dst.execute(insert(table), chunk)
                    n += len(chunk)
                if n != _count(src, table):  # pragma: no cover - the read is one transaction
                    raise StorageError(f"{table.name}: {n} rows read, the source changed")
                _continue_ids(dst, table, starts.get(table.name, 0))
                done = Copied(table.name, n)
                copied.append(done)
                if progress is not None:
                    progress(done)
            for table in tables:
                if _count(dst, table) != _count(src, table):  # pragma: no cover - checked
                    raise StorageError(f"{table.name}: the copy does not hold every row")
            if _month_totals(src) != _month_totals(dst):
                raise StorageError("contribution_month: the target's totals differ from the source")
    return copied


def _continue_ids(conn: Connection, table: Table, highest_given: int) -> None:
    """Make the target's id sequence of ``table`` continue after every id the source gave."""
    keys = list(table.primary_key.columns)
    if len(keys) != 1 or not isinstance(keys[0].type, Integer) or keys[0].foreign_keys:
        return
    column = keys[0]
    sequence = conn.execute(
        text("SELECT pg_get_serial_sequence(:table, :column)"),
        {"table": table.name, "column": column.name},
    ).scalar()
    if sequence is None:
        return
    highest = conn.execute(select(func.max(column))).scalar() or 0
    last = max(int(highest), highest_given)
    if last > 0:
        conn.execute(text("SELECT setval(:seq, :value, true)"), {"seq": sequence, "value": last})
