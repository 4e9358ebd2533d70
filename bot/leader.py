"""Which process acts: several ``cagnotte run`` may share one database; exactly one of them (the
leader) holds the chat connections and the scheduler, the others wait as hot standbys (database
open and migrated, everything loaded), ready to take over.

On PostgreSQL the leader is the process that holds a session-level advisory lock, taken on a
connection of its own, outside the pool:

* the lock's connection has TCP keepalives on both ends, so that the server frees the lock of a
  leader that vanished (a crash frees it at once, a network cut after ``SERVER_KEEPALIVE``
  seconds at most);
* the leader checks every ``CHECK_EVERY`` seconds that its connection is alive and still holds
  the lock (a check that takes more than ``CHECK_TIMEOUT`` counts as lost). A leader that loses
  it stops acting at once: its units of work are refused at commit (``storage.db.set_fence``),
  its chat connections and scheduler are stopped, and it goes back to waiting;
* a process that takes the lock waits ``GRACE`` seconds (more than a check's period and timeout)
  before it acts: a former leader whose lock was freed has noticed by then, so two leaders never
  act at the same time.

On SQLite (one machine) the lock is an exclusive ``flock`` on a file beside the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from storage.db import sqlite_file

log = logging.getLogger(__name__)

LEADER_KEY = 0x6361676E6F747465 & 0x7FFFFFFFFFFFFFFF  # the leadership's advisory lock
POLL = 1.0  # how often a standby tries to take the lock
CHECK_EVERY = 1.0  # how often the leader checks that it still holds it
CHECK_TIMEOUT = 2.0  # a check that takes longer counts as lost
GRACE = CHECK_EVERY + CHECK_TIMEOUT + 0.5  # a new leader waits this long before acting
# TCP keepalives of the lock's connection (seconds): idle before the first probe, between
# probes, probes lost before the connection is dropped
KEEPALIVE = (3, 1, 3)
SERVER_KEEPALIVE = sum(KEEPALIVE[:1]) + KEEPALIVE[1] * KEEPALIVE[2]


class LeadershipLost(Exception):
    """This process no longer holds the leadership: it must not act."""


class Leadership:
    """The leadership lock of one database (PostgreSQL or a SQLite file)."""

    def __init__(
        self,
        engine: Engine,
        *,
        poll: float = POLL,
        check_every: float = CHECK_EVERY,
        check_timeout: float = CHECK_TIMEOUT,
        grace: float = GRACE,
    ) -> None:
        self.engine = engine
        self.poll = poll
        self.check_every = check_every
        self.check_timeout = check_timeout
        self.grace = grace
        self.postgres = engine.dialect.name == "postgresql"
        self.held = False
        self.lost = False
        self._conn: Any = None  # psycopg.AsyncConnection
        self._file: int | None = None

    # -- the lock ------------------------------------------------------------------------
    async def _connect(self) -> Any:
        import psycopg

        cargs, cparams = self.engine.dialect.create_connect_args(self.engine.url)
        cparams = {k: v for k, v in cparams.items() if k != "context"}
        idle, interval, count = KEEPALIVE
        return await psycopg.AsyncConnection.connect(
            *cargs,
            **cparams,
            autocommit=True,
            connect_timeout=max(2, int(self.check_timeout)),
            application_name="cagnotte-leader",
            # the client's probes: a dead server is noticed
            keepalives=1,
            keepalives_idle=idle,
            keepalives_interval=interval,
            keepalives_count=count,
            tcp_user_timeout=int(self.check_timeout * 1000),
            # the server's: a vanished leader's lock is freed
            options=(
                f"-c tcp_keepalives_idle={idle} -c tcp_keepalives_interval={interval} "
                f"-c tcp_keepalives_count={count}"
            ),
        )

    async def _try(self) -> bool:
        if self.postgres:
            if self._conn is None or self._conn.closed:
                self._conn = await self._connect()
            cur = await self._conn.execute("SELECT pg_try_advisory_lock(%s)", (LEADER_KEY,))
            row = await cur.fetchone()
            return bool(row and row[0])
        path = _lock_path(self.engine)
        if path is None:  # a database in memory: nobody else can share it
            return True
        if self._file is None:
            self._file = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    async def acquire(self) -> None:
        """Wait as a standby until this process holds the leadership (then wait ``grace`` more,
        so that a former leader has stopped)."""
        said = False
        while True:
            try:
                got = await self._try()
            except Exception as err:
                log.warning("cannot reach the database for the leadership (%s); trying again", err)
                await self._drop()
                got = False
            if got:
                break
            if not said:
                log.info("another process leads: waiting as a standby")
                said = True
            await asyncio.sleep(self.poll)
        self.held, self.lost = True, False
        if said and self.postgres:
            await asyncio.sleep(self.grace)
        log.info("this process leads")

    async def _still_held(self) -> bool:
        if not self.postgres:
            return True  # a local lock is never taken away
        cur = await self._conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND pid = pg_backend_pid() AND classid = %s AND objid = %s AND objsubid = 1",
            (LEADER_KEY >> 32, LEADER_KEY & 0xFFFFFFFF),
        )
        row = await cur.fetchone()
        return bool(row and row[0])

    async def watch(self) -> None:
        """Return when the leadership is lost (checked every ``check_every`` seconds); from then
        on, ``fence`` refuses every unit of work."""
        while True:
            await asyncio.sleep(self.check_every)
            try:
                async with asyncio.timeout(self.check_timeout):
                    held = await self._still_held()
            except Exception as err:
                log.error("the leadership's connection failed (%s): stopping at once", err)
                held = False
            if not held:
                self.lost, self.held = True, False
                await self._drop()
                return

    def fence(self) -> None:
        """Raise if this process may not write (``storage.db.set_fence``)."""
        if not self.held:
            raise LeadershipLost("this process no longer leads")

    async def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            with contextlib.suppress(Exception):
                await conn.close()

    async def release(self) -> None:
        """Give the leadership up (a clean stop): a standby takes over at once."""
        self.held = False
        await self._drop()  # a session lock goes with its connection
        if self._file is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._file, fcntl.LOCK_UN)
                os.close(self._file)
            self._file = None


def _lock_path(engine: Engine) -> Path | None:
    path = sqlite_file(engine.url.render_as_string(hide_password=False))
    return path.with_name(path.name + ".leader") if path is not None else None
