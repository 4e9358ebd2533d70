"""Whether a bot runs on a database: a running bot holds a mark that ``cagnotte restore`` looks
for before it overwrites anything.

On SQLite, the mark is a lock on a file beside the database (``<file>-running``, created 0600):
a shared ``flock`` for as long as the bot runs, that the system releases when the process ends,
however it ends. On PostgreSQL, a shared session-level advisory lock, held on a connection of its
own. Several bots may hold the mark at once; ``in_use`` asks for it exclusively, without waiting.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from storage.db import make_engine, sqlite_file

RUNNING_KEY = 0x63616E  # the advisory lock a running bot holds (PostgreSQL)


def mark_file(database: Path) -> Path:
    return database.with_name(database.name + "-running")


@contextlib.contextmanager
def held(engine: Engine) -> Iterator[None]:
    """Hold the mark of a running bot on ``engine``'s database for the block."""
    url = engine.url.render_as_string(hide_password=False)
    if engine.dialect.name == "sqlite":
        path = sqlite_file(url)
        if path is None:
            yield
            return
        fd = os.open(mark_file(path), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_SH)
            yield
        finally:
            os.close(fd)
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock_shared(:key)"), {"key": RUNNING_KEY})
        conn.commit()
        try:
            yield
        finally:
            with contextlib.suppress(Exception):
                conn.execute(text("SELECT pg_advisory_unlock_shared(:key)"), {"key": RUNNING_KEY})
                conn.commit()


def in_use(url: str) -> bool:
    """Whether a bot holds the mark on the database of ``url`` now."""
    if url.startswith("sqlite"):
        path = sqlite_file(url)
        if path is None or not mark_file(path).exists():
            return False
        fd = os.open(mark_file(path), os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        return False
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            got = conn.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": RUNNING_KEY}
            ).scalar_one()
            if got:
                conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": RUNNING_KEY})
            conn.commit()
            return not got
    finally:
        engine.dispose()
