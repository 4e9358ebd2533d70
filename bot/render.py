"""Rendering after the commit (``commands.deferred``): jobs are read in a thread of their own,
in a read-only session, so that the database thread keeps handling events; what must be drawn
(the recap's chart: matplotlib) is drawn in a child process, so that the bot's own memory stays
that of a chat bot.

The child is started on first use and stopped after ``idle_seconds`` without a drawing: a
recap a week costs a few seconds of a second process, not its memory all week long.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from commands.core import Registry, Settings
from commands.deferred import Job, Rendered, failed, pending_jobs, render, store
from storage import clock
from storage.db import transaction

log = logging.getLogger(__name__)

IDLE_SECONDS = 60.0  # the drawing process stops after this long without work
TASKS_PER_CHILD = 50  # and is started afresh after this many drawings (matplotlib's caches)
DRAWING_NICENESS = 10  # how much lower the drawing process's priority is than the bot's


class DrawingFailed(Exception):
    """The drawing process failed, or raised: the message says what it raised."""


class Drawer:
    """The drawing process, shared by the process's runtimes: ``python -m bot.drawing``, started
    on first use, fed one drawing at a time through its standard input (a pickled function and
    its data) and stopped after ``idle_seconds`` without work or ``TASKS_PER_CHILD`` drawings.
    A fresh interpreter: nothing of the bot's memory, threads or sockets; only what drawing
    needs is imported there."""

    def __init__(self, idle_seconds: float = IDLE_SECONDS) -> None:
        self.idle_seconds = idle_seconds
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()  # one drawing at a time
        self._drawn = 0
        self._timer: threading.Timer | None = None
        self.peak_rss_kib = 0  # the largest resident memory a drawing process reached

    def _start(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None or self._drawn >= TASKS_PER_CHILD:
            self._kill()
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "bot.drawing"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=None,
                close_fds=True,
                # the bot's settings (and secrets) are none of its business
                env={k: v for k, v in os.environ.items() if not k.startswith("CAGNOTTE_")},
            )
            self._drawn = 0
            # drawing is background work: a busy machine serves the chat first
            with contextlib.suppress(OSError):
                own = os.getpriority(os.PRIO_PROCESS, 0)
                os.setpriority(os.PRIO_PROCESS, self._proc.pid, min(19, own + DRAWING_NICENESS))
        return self._proc

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is None:
            return
        with contextlib.suppress(OSError):
            assert proc.stdin is not None
            proc.stdin.close()  # the process ends when its input does
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def draw(self, fn: Callable[[Any], bytes], data: Any) -> bytes:
        """Draw in the drawing process (blocking: call it from a thread)."""
        request = pickle.dumps((fn, data), protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            for attempt in (1, 2):
                proc = self._start()
                assert proc.stdin is not None and proc.stdout is not None
                try:
                    proc.stdin.write(len(request).to_bytes(8, "big") + request)
                    proc.stdin.flush()
                    size = int.from_bytes(_read(proc.stdout, 8), "big")
                    status, value, rss = pickle.loads(_read(proc.stdout, size))
                    break
                except (OSError, EOFError) as err:
                    self._kill()
                    if attempt == 2:
                        raise DrawingFailed(f"the drawing process stopped: {err}") from err
            self._drawn += 1
            self.peak_rss_kib = max(self.peak_rss_kib, rss)
            self._timer = threading.Timer(self.idle_seconds, self.stop)
            self._timer.daemon = True
            self._timer.start()
        if status != "ok":
            raise DrawingFailed(value)
        return bytes(value)

    def child_pids(self) -> list[int]:
        proc = self._proc
        return [proc.pid] if proc is not None and proc.poll() is None else []

    def stop(self) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._kill()


def _read(stream: Any, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            raise EOFError("the drawing process closed its output")
        data += chunk
    return data


class LocalDrawer:
    """Drawing in this very process (tests that draw, tools that run once)."""

    peak_rss_kib = 0

    def draw(self, fn: Callable[[Any], bytes], data: Any) -> bytes:
        return fn(data)

    def child_pids(self) -> list[int]:
        return []

    def stop(self) -> None:
        pass


DRAWER = Drawer()


def _draw_here(fn: Callable[[Any], bytes], data: Any) -> bytes:
    return fn(data)


def read_job(
    engine: Engine, registry: Registry, settings: Settings, job: Job, now: dt.datetime
) -> Rendered:
    """Run the job's renderer in a read-only session of its own (no write lock: SQLite readers
    never wait for the writer; on PostgreSQL, one snapshot for the whole job)."""
    with Session(engine) as db:
        if engine.dialect.name == "postgresql":
            db.connection(
                execution_options={
                    "isolation_level": "REPEATABLE READ",
                    "postgresql_readonly": True,
                }
            )
        return render(db, registry, settings, job, now)


def write_job(engine: Engine, job: Job, result: Rendered | None, data: bytes | None) -> str | None:
    """Write the result (``None``: the job failed; the message becomes a short error answer).
    Returns the error reference, if any."""
    now = clock.now()
    with transaction(engine, rooms=[job.room_id]) as db:
        if result is None:
            return failed(db, job, now)
        store(db, job, result, data, now)
        return None


def render_one(
    engine: Engine,
    registry: Registry,
    settings: Settings,
    job: Job,
    *,
    draw: Callable[[Callable[[Any], bytes], Any], bytes] = _draw_here,
) -> bool:
    """Render one job and write its result, in the calling thread. Returns False if it failed
    (its message then says so, with a reference that the log has too)."""
    try:
        result = read_job(engine, registry, settings, job, clock.now())
        data = result.data
        if result.draw is not None:
            data = draw(result.draw, result.draw_input)
    except Exception:
        ref = write_job(engine, job, None, None)
        log.exception(
            "rendering message %s (%s) failed (reference %s)", job.message_id, job.kind, ref
        )
        return False
    write_job(engine, job, result, data)
    return True


def render_pending_now(
    engine: Engine, registry: Registry | None = None, settings: Settings | None = None
) -> int:
    """Render every waiting job here and now, drawing in this process (benchmarks, tests that
    drive the dispatcher without a runtime). Returns how many were rendered."""
    from commands import build_registry

    registry = registry or build_registry()
    settings = settings or Settings()
    with Session(engine) as db:
        jobs = pending_jobs(db)
    for job in jobs:
        render_one(engine, registry, settings, job)
    return len(jobs)


class Renders:
    """The runtime's renders: each job once, its reading in the render thread, its drawing in
    the drawing process, its result written by ``write`` (the database thread)."""

    def __init__(
        self,
        engine: Engine,
        registry: Registry,
        settings: Settings,
        write: Callable[..., Any],
        done: Callable[[str], None],
        drawer: Drawer | LocalDrawer | None = None,
    ) -> None:
        self.engine = engine
        self.registry = registry
        self.settings = settings
        self._write = write  # runs a function in the database thread (awaitable)
        self._done = done  # a room's message is ready: deliver
        self.drawer = drawer or DRAWER
        self._reader: Executor = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="cagnotte-render"
        )
        self._tasks: dict[int, asyncio.Task[None]] = {}

    def start(self, jobs: list[Job]) -> None:
        for job in jobs:
            if job.message_id not in self._tasks:
                self._tasks[job.message_id] = asyncio.create_task(
                    self._render(job), name=f"render:{job.message_id}"
                )

    async def start_waiting(self) -> None:
        """Start every job that waits in the database (at start, after a scheduled job)."""
        loop = asyncio.get_running_loop()

        def load() -> list[Job]:
            with Session(self.engine) as db:
                return pending_jobs(db)

        self.start(await loop.run_in_executor(self._reader, load))

    async def _render(self, job: Job) -> None:
        loop = asyncio.get_running_loop()
        try:
            started = time.perf_counter()
            try:
                result = await loop.run_in_executor(
                    self._reader,
                    read_job,
                    self.engine,
                    self.registry,
                    self.settings,
                    job,
                    clock.now(),
                )
                data = result.data
                if result.draw is not None:
                    data = await loop.run_in_executor(
                        None, self._draw, result.draw, result.draw_input
                    )
            except Exception:
                ref = await self._write(write_job, self.engine, job, None, None, room=job.room_id)
                log.exception(
                    "rendering message %s (%s) failed (reference %s)", job.message_id, job.kind, ref
                )
            else:
                await self._write(write_job, self.engine, job, result, data, room=job.room_id)
                log.debug(
                    "message %s (%s) rendered in %.0f ms",
                    job.message_id,
                    job.kind,
                    (time.perf_counter() - started) * 1000,
                )
            self._done(job.room_id)
        except asyncio.CancelledError:
            raise
        except Exception:
            # the result could not be written (the database failed): the job stays, and is
            # rendered again at the next start
            log.exception("the rendering of message %s could not be stored", job.message_id)
        finally:
            self._tasks.pop(job.message_id, None)

    def _draw(self, fn: Callable[[Any], bytes], data: Any) -> bytes:
        return self.drawer.draw(fn, data)

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    async def wait(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks.values()), return_exceptions=True)

    async def close(self) -> None:
        for task in self._tasks.values():
            task.cancel()
        await asyncio.gather(*self._tasks.values(), return_exceptions=True)
        self._tasks.clear()
        self._reader.shutdown(wait=False)
