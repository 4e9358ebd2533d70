"""Engine and session setup.

SQLite is the embedded default (a local file, WAL mode, foreign keys on, writers serialised
with ``BEGIN IMMEDIATE`` so that a read-check-write inside one transaction cannot race);
PostgreSQL is used when the URL says so. The schema is created and upgraded by Alembic only.
"""

from __future__ import annotations

import contextlib
import errno
import os
import threading
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.util import CommandError
from sqlalchemy import event, make_url, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.orm import SessionTransaction
from sqlmodel import Session, create_engine

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
WRITE_OPTION = "cagnotte_write"
# rows per multi-row insert: as many as the database takes parameters (SQLAlchemy keeps each
# statement under that limit), so that a thousand bucket cards are one statement
INSERT_PAGE = 5000
WRITE_LOCK_KEY = 0x636167  # the whole database's advisory lock on PostgreSQL (rooms hold it shared)


def sqlite_url(path: str | Path) -> str:
    return f"sqlite:///{Path(path).expanduser()}"


class StorageError(Exception):
    """The database cannot be opened or written; the message says which one and why (with no
    password)."""


def safe_url(url: str) -> str:
    """``url`` with its password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(not a database URL)"


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (``None``: in memory, or a ``file:`` URI left to SQLite)."""
    database = make_url(url).database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database).expanduser()


def _create_private(path: Path) -> None:
    """Create the database file's folder (0700) and the empty file (0600) before SQLite opens
    it: SQLite gives its ``-wal`` and ``-shm`` files the database file's mode."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if path.is_dir():
        raise IsADirectoryError(
            errno.EISDIR, "a folder is where the database file should be", str(path)
        )
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def make_engine(url: str) -> Engine:
    """Build an engine for ``url``; SQLite files get WAL, foreign keys and immediate writes.
    Statement parameters never appear in logs or error messages (they can hold tokens)."""
    if url.startswith("sqlite"):
        path = sqlite_file(url)
        if path is not None:
            _create_private(path)
        engine = create_engine(
            url,
            hide_parameters=True,
            connect_args={"check_same_thread": False, "timeout": 30, "isolation_level": None},
            insertmanyvalues_page_size=INSERT_PAGE,
        )
        _configure_sqlite(engine)
        _plain_savepoints(engine)
        return engine
    kwargs: dict[str, Any] = {
        "hide_parameters": True,
        "pool_pre_ping": True,
        "insertmanyvalues_page_size": INSERT_PAGE,
    }
    if url.startswith("postgresql") and "+psycopg" not in url.split("://", 1)[0]:
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url, **kwargs)
    _plain_savepoints(engine)
    return engine


def _plain_savepoints(engine: Engine) -> None:
    """Savepoints sent as plain SQL: every event has one (``begin_savepoint``), and SQLAlchemy
    compiles a new statement object for each ``SAVEPOINT`` and ``RELEASE``, which costs several
    times what the database takes to run them. The statements are the same."""
    quote = engine.dialect.identifier_preparer.quote

    def do_savepoint(connection: Connection, name: str) -> None:
        connection.exec_driver_sql(f"SAVEPOINT {quote(name)}")

    def do_rollback_to_savepoint(connection: Connection, name: str) -> None:
        connection.exec_driver_sql(f"ROLLBACK TO SAVEPOINT {quote(name)}")

    def do_release_savepoint(connection: Connection, name: str) -> None:
        connection.exec_driver_sql(f"RELEASE SAVEPOINT {quote(name)}")

    # this engine's dialect only (each engine has its own)
    engine.dialect.do_savepoint = do_savepoint  # type: ignore[method-assign]
    engine.dialect.do_rollback_to_savepoint = do_rollback_to_savepoint  # type: ignore[method-assign]
    engine.dialect.do_release_savepoint = do_release_savepoint  # type: ignore[method-assign]


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute("PRAGMA busy_timeout=30000")
        # every event has a savepoint, and SQLite keeps what a savepoint may have to undo (the
        # pages it changes) in a temporary file unless told to keep it in memory: a write to
        # that file for each page each event touches. Sorts that need room are kept in memory
        # too.
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # pysqlite's own transaction handling is off (isolation_level=None): we start every
        # transaction ourselves. A unit of work (``transaction()``) starts as a writer, so that
        # check-then-write cannot interleave with another writer; plain reads stay deferred and
        # never wait for writers (WAL).
        if conn.get_execution_options().get(WRITE_OPTION):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


_migrate_lock = threading.Lock()


def migrate(engine: Engine, revision: str = "heads") -> None:
    """Bring the database to ``revision`` (by default the newest schema), in one transaction.

    On SQLite, foreign keys are off while migrating, as SQLite asks for rebuilding a table that
    others refer to (Alembic's batch mode); the result is checked before it is committed."""
    sqlite = engine.dialect.name == "sqlite"
    with _migrate_lock, engine.connect() as conn:
        if sqlite:
            _sqlite_pragma(conn, "foreign_keys=OFF")
        try:
            with conn.begin():
                cfg = alembic_config(engine.url.render_as_string(hide_password=False))
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
                    if broken:
                        raise RuntimeError(f"migration left broken references: {broken[:5]}")
        finally:
            if sqlite:
                _sqlite_pragma(conn, "foreign_keys=ON")


def _sqlite_pragma(conn: Connection, pragma: str) -> None:
    """A pragma that only works outside a transaction: sent to the driver's connection directly
    (SQLAlchemy would begin one first)."""
    driver = conn.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA {pragma}")


def open_database(url: str) -> Engine:
    """Create the engine, run the migrations and make sure the database can be written: the one
    way the program opens a database. Raises ``StorageError`` when it cannot be used."""
    try:
        engine = make_engine(url)
        migrate(engine)
        _check_writable(engine)
    except (OSError, ImportError, SQLAlchemyError, CommandError) as err:
        raise StorageError(f"cannot use the database {safe_url(url)}: {_reason(err)}") from err
    return engine


def _check_writable(engine: Engine) -> None:
    """A write that changes nothing: a read-only file or role fails here, not at the first
    command. (Migrations write nothing on an up-to-date database.)"""
    with transaction(engine, rooms=()) as session:
        session.execute(text("UPDATE alembic_version SET version_num = version_num WHERE 1 = 0"))


def _reason(err: BaseException) -> str:
    if isinstance(err, DBAPIError) and err.orig is not None:
        reason = " ".join(line.strip() for line in str(err.orig).splitlines() if line.strip())
        if "readonly" in reason or "unable to open" in reason:
            reason += " (the user running the bot must be able to write the file and its folder)"
        return reason
    if isinstance(err, OSError) and err.strerror:
        return f"{err.strerror}: {err.filename}" if err.filename else err.strerror
    if isinstance(err, ImportError) and "psycopg" in str(err):
        return "PostgreSQL needs the postgres extra: pip install 'cagnotte[postgres]'"
    return str(err).splitlines()[0] if str(err) else type(err).__name__


# the namespace of the rooms' advisory locks (two-int form: this class, a hash of the room id)
ROOM_LOCK_CLASS = 0x63616772
_fence: Callable[[], None] | None = None


def set_fence(fence: Callable[[], None] | None) -> None:
    """``fence()`` runs before every unit of work commits (``transaction``) and raises when this
    process may no longer write (it lost the leadership): the unit of work is rolled back."""
    global _fence
    _fence = fence


def room_lock_key(room_id: str) -> int:
    """The second half of a room's advisory lock key (a 32-bit hash of its id: two rooms that
    share one merely wait for each other)."""
    return int.from_bytes(
        zlib.crc32(room_id.encode("utf-8", "surrogatepass")).to_bytes(4), "big", signed=True
    )


def lock_rooms(session: Session, room_ids: Iterable[str]) -> None:
    """Take the rooms' advisory locks until the end of the transaction (PostgreSQL; on SQLite the
    write lock is already the database's). Units of work on different rooms run side by side;
    those on one room one after the other. A unit of work with no room (``transaction`` with
    ``rooms=None``) excludes them all: room units hold the whole database's lock shared.
    Locks are taken in one order (by key), in one statement."""
    if session.get_bind().dialect.name != "postgresql":
        return
    keys = sorted({room_lock_key(r) for r in room_ids})
    calls = ["pg_advisory_xact_lock_shared(:whole)"]
    params: dict[str, int] = {"whole": WRITE_LOCK_KEY, "cls": ROOM_LOCK_CLASS}
    for n, key in enumerate(keys):
        calls.append(f"pg_advisory_xact_lock(:cls, :k{n})")
        params[f"k{n}"] = key
    session.execute(text(f"SELECT {', '.join(calls)}"), params)


def connection_of(session: Session) -> Connection:
    """The session's connection, asked of the session once per transaction (asking is dear on a
    hot path; the connection stays the same through savepoints, which must then be begun with
    ``begin_savepoint`` so that the statements sent on it are inside them)."""
    found = session.info.get("connection")
    if found is None:
        found = session.info["connection"] = session.connection()
    return found


def begin_savepoint(session: Session) -> SessionTransaction:
    """A savepoint of the session, opened on the database at once. (The session sends
    ``SAVEPOINT`` only when it is next asked for its connection: statements sent on the
    connection kept by ``connection_of`` would otherwise run outside it, and rolling it back
    would not undo them.)"""
    nested = session.begin_nested()
    session.connection()
    return nested


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """A plain transaction (no session, no room's lock) that starts as a writer: on SQLite,
    ``BEGIN IMMEDIATE``. For work that reads, then writes what it read: a transaction that
    starts as a reader cannot become a writer once another one has written meanwhile (SQLite
    refuses at once, whatever the busy timeout)."""
    with engine.connect() as conn:
        conn.execution_options(**{WRITE_OPTION: True})
        with conn.begin():
            yield conn


@contextmanager
def transaction(engine: Engine, rooms: Iterable[str] | None = None) -> Iterator[Session]:
    """One unit of work: commit on success, roll back on any exception. A check and the write it
    allows cannot race: on SQLite the transaction holds the database's write lock from its first
    statement (``BEGIN IMMEDIATE``); on PostgreSQL it first takes the advisory locks of the
    ``rooms`` it works on (``lock_rooms``), or with ``rooms=None`` the whole database's lock,
    that waits for every room. ``rooms=()``: no lock (work on rows that need none, such as
    marking messages delivered)."""
    with Session(engine, expire_on_commit=False) as session:
        # the write option is set on the connection before its transaction begins (an engine
        # made with ``execution_options`` would make every statement's events dearer)
        session.connection(execution_options={WRITE_OPTION: True})
        if engine.dialect.name == "postgresql":
            if rooms is None:
                session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})
            elif rooms:
                lock_rooms(session, rooms)
        try:
            yield session
            if _fence is not None:
                _fence()
            session.commit()
        except BaseException:
            session.rollback()
            raise
