"""Statements compiled once per database and sent as the driver's own SQL.

Every command writes the same few rows: the handled event, a number, its record, its audit
rows, its answers. SQLAlchemy's path for a compiled statement (the statement cache's key, an
execution context, the result's metadata) costs several times what the database takes to
insert such a row. A ``Prepared`` statement is compiled by SQLAlchemy once per dialect, with
the bind processors of its parameters' types (datetimes, dates, JSON), and then sent with
``Connection.exec_driver_sql``. The SQL is SQLAlchemy's, the values stored are the same, and
the engine's events still see each statement (statement counts; errors are still wrapped as
SQLAlchemy's).

Only statements whose parameters are all given fit: no column default filled in by
SQLAlchemy, no list expanded into ``IN``. ``Prepared`` checks this when it compiles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, NamedTuple

from sqlalchemy import Insert
from sqlalchemy.engine import Connection, CursorResult, Dialect
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.types import TypeDecorator, TypeEngine

Processor = Callable[[Any], Any]


class _Form(NamedTuple):
    """A statement as one dialect sends it."""

    sql: str
    positional: bool
    names: tuple[str, ...]  # the parameters, in the order a positional driver takes them
    processors: tuple[Processor | None, ...]  # each parameter's bind processor, if any


def _lastrowid(dialect: Dialect) -> bool:
    """Whether the driver tells a new row's key (SQLite's ``lastrowid``) without ``RETURNING``."""
    return bool(getattr(dialect, "postfetch_lastrowid", False))


def _processor(type_: TypeEngine[Any], dialect: Dialect) -> Processor | None:
    """The bind processor SQLAlchemy gives ``type_`` on ``dialect``. For a time, it remembers
    its last value: the events of a batch share their ``now``, which every row they write
    carries once or twice."""
    process = type_.dialect_impl(dialect).bind_processor(dialect)
    # a type that wraps another (the models' UTC times) tells no Python type of its own
    base = type_.impl_instance if isinstance(type_, TypeDecorator) else type_
    if process is None or base.python_type not in (dt.datetime, dt.date):
        return process
    last: list[tuple[Any, Any]] = [(None, None)]

    def remembered(value: Any) -> Any:
        seen, result = last[0]  # one tuple, replaced whole: safe between threads
        if value is not seen or value is None:
            result = process(value)
            last[0] = (value, result)
        return result

    return remembered


class Prepared:
    """``statement`` with the parameters ``keys``, compiled on first use for each dialect.

    With ``key=True`` (an insert into a table with an integer primary key), ``insert`` returns
    the new row's key: read from the driver on SQLite, returned by the statement elsewhere."""

    def __init__(self, statement: ClauseElement, keys: Iterable[str], *, key: bool = False):
        self.statement = statement
        self.keys = tuple(keys)
        self.key = key
        self._forms: dict[tuple[str, str, str], _Form] = {}

    @classmethod
    def whole_rows(cls, statement: Insert, *, key: bool = False) -> Prepared:
        """``statement``, an insert into a table, given every column of its rows: all of them
        but an integer primary key, which the database gives (and ``insert`` returns, with
        ``key=True``)."""
        table = statement.table
        [primary] = table.primary_key.columns  # type: ignore[attr-defined]
        generated = primary.autoincrement is True or (
            primary.autoincrement == "auto" and primary.type.python_type is int
        )
        assert generated or not key, "a key given in the row is no key to read back"
        keys = [c.name for c in table.columns if not (generated and c is primary)]
        return cls(statement, keys, key=key)

    def _form(self, dialect: Dialect) -> _Form:
        found = self._forms.get((dialect.name, dialect.driver, dialect.paramstyle))
        if found is None:
            found = self._forms[(dialect.name, dialect.driver, dialect.paramstyle)] = self._compile(
                dialect
            )
        return found

    def _compile(self, dialect: Dialect) -> _Form:
        statement = self.statement
        if self.key and not _lastrowid(dialect):
            assert isinstance(statement, Insert)
            [column] = statement.table.primary_key.columns  # type: ignore[attr-defined]
            statement = statement.returning(column)
        compiled = statement.compile(dialect=dialect, column_keys=list(self.keys))
        assert isinstance(compiled, SQLCompiler)
        names = tuple(compiled.positiontup or ()) if compiled.positional else tuple(compiled.binds)
        if (
            sorted(names) != sorted(self.keys)
            or compiled.escaped_bind_names
            or compiled.literal_execute_params
            or compiled.post_compile_params
        ):
            raise ValueError(
                f"{self.statement} cannot be prepared with the parameters {self.keys}: "
                f"it takes {names}"
            )
        processors = tuple(_processor(compiled.binds[name].type, dialect) for name in names)
        return _Form(compiled.string, compiled.positional, names, processors)

    def _values(self, form: _Form, values: Mapping[str, Any]) -> Any:
        bound = [
            values[name] if process is None else process(values[name])
            for name, process in zip(form.names, form.processors, strict=True)
        ]
        if form.positional:
            return tuple(bound)
        return dict(zip(form.names, bound, strict=True))

    def execute(self, conn: Connection, values: Mapping[str, Any]) -> CursorResult[Any]:
        """Run the statement once with ``values`` (its result, to read what it returns)."""
        form = self._form(conn.dialect)
        return conn.exec_driver_sql(form.sql, self._values(form, values))

    def execute_many(self, conn: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run the statement for each of ``rows``, in one call to the driver (``executemany``)."""
        form = self._form(conn.dialect)
        conn.exec_driver_sql(form.sql, [self._values(form, row) for row in rows])

    def insert(self, conn: Connection, values: Mapping[str, Any]) -> int:
        """Insert one row; return its new primary key (``key=True``)."""
        assert self.key
        result = self.execute(conn, values)
        if _lastrowid(conn.dialect):
            return int(result.lastrowid)
        return int(result.scalar_one())
