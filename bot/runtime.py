"""The runtime: takes neutral events from adapters, has the dispatcher handle each in one
transaction (in a single worker thread), and delivers the bot's queued messages through the
room's adapter, one ordered queue per room, so a slow or rate-limited room never holds up others.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy import bindparam, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, update

from bot.adapters.base import Adapter, DeliveryError, Outgoing
from bot.clock import install_default
from commands.core import Dispatcher, Queued, Registry, Settings, pending_messages
from commands.events import AnyEvent
from storage import clock as process_clock
from storage.db import transaction
from storage.models import BotMessage, Room

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_ATTEMPTS = 8
LOAD_LIMIT = 50  # outgoing messages read at once per room
# deliveries are recorded in groups of at most this many: a crash may send again at most these
# (Matrix de-duplicates them by transaction id)
MARK_EVERY = 10
BATCH_SIZE = 200


class Runtime:
    def __init__(
        self,
        engine: Engine,
        registry: Registry,
        settings: Settings | None = None,
        *,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        self.engine = engine
        self.registry = registry
        self.settings = settings or Settings()
        # one clock for the process: the one given (tests), else the installed or system one
        if clock is not None:
            process_clock.install(clock)
        self.clock = clock or install_default()
        self.dispatcher = Dispatcher(engine, registry, self.settings, self.clock)
        self.adapters: dict[str, Adapter] = {}
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cagnotte-db")
        self._senders: dict[str, asyncio.Task[None]] = {}
        self._wake: dict[str, asyncio.Event] = {}
        self._idle: dict[str, asyncio.Event] = {}
        self._closed = False
        self._inbox: list[tuple[AnyEvent, asyncio.Future[None]]] = []
        self._platforms: dict[str, str] = {}  # room id -> platform (it never changes)
        self._draining = False
        self._drainer: asyncio.Task[None] | None = None

    # -- adapters -------------------------------------------------------------------------
    def add_adapter(self, adapter: Adapter) -> None:
        self.adapters[adapter.platform] = adapter

    async def run_db(self, fn: Callable[..., T], *args: Any) -> T:
        """Run blocking database work in the single database thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._db, fn, *args)

    # -- events in --------------------------------------------------------------------------
    async def handle(self, event: AnyEvent) -> None:
        """Handle one event (committed when this returns) and schedule its answers.

        Events handed over while the database thread is busy are grouped and handled in one
        transaction (group commit), in the order they arrived."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._inbox.append((event, future))
        if not self._draining:
            self._draining = True
            self._drainer = asyncio.create_task(self._drain_inbox(), name="cagnotte-inbox")
        await future

    async def _drain_inbox(self) -> None:
        try:
            while self._inbox:
                batch = self._inbox[:BATCH_SIZE]
                del self._inbox[:BATCH_SIZE]
                try:
                    sent = await self.run_db(
                        self.dispatcher.handle_batch, [e for e, _ in batch], self.clock()
                    )
                except Exception as exc:
                    log.exception("a batch of %d events could not be committed", len(batch))
                    for _, fut in batch:
                        if not fut.done():
                            fut.set_exception(exc)
                    continue
                for room_id in dict.fromkeys(m.room_id for m in sent):
                    self.kick(room_id)
                for _, fut in batch:
                    if not fut.done():
                        fut.set_result(None)
        finally:
            self._draining = False

    async def run_job(self, fn: Callable[[Session], Sequence[Queued | BotMessage]]) -> None:
        """Run ``fn(session)`` in one transaction (a scheduled job, say) and deliver what it
        queued."""

        def work() -> Sequence[Queued | BotMessage]:
            with transaction(self.engine) as db:
                return fn(db)

        for room_id in {m.room_id for m in await self.run_db(work)}:
            self.kick(room_id)

    # -- messages out ---------------------------------------------------------------------------
    def kick(self, room_id: str) -> None:
        """Make sure the room's sender is draining its queue."""
        if self._closed:
            return
        self._wake.setdefault(room_id, asyncio.Event()).set()
        self._idle.setdefault(room_id, asyncio.Event()).clear()
        task = self._senders.get(room_id)
        if task is None or task.done():
            self._senders[room_id] = asyncio.create_task(
                self._sender(room_id), name=f"sender:{room_id}"
            )

    async def resume_pending(self) -> None:
        """At start: deliver what was queued but not sent before a stop or crash."""
        rooms = await self.run_db(self._rooms_with_pending)
        for room_id in rooms:
            self.kick(room_id)

    def _rooms_with_pending(self) -> list[str]:
        with Session(self.engine) as db:
            return sorted({m.room_id for m in pending_messages(db, limit=10_000)})

    async def _sender(self, room_id: str) -> None:
        wake = self._wake[room_id]
        idle = self._idle[room_id]
        backoff = 1.0
        while not self._closed:
            wake.clear()
            batch, more = await self.run_db(self._load_pending, room_id)
            if not batch and not more:
                idle.set()
                await wake.wait()
                continue
            marks: list[tuple[int, str | None]] = []
            interrupted = False
            try:
                for outgoing, platform in batch:
                    adapter = self.adapters.get(platform)
                    if adapter is None:
                        log.error("no adapter for platform %s (room %s)", platform, room_id)
                        await self.run_db(self._mark_failed, outgoing.id, True)
                        continue
                    try:
                        platform_id = await adapter.deliver(outgoing)
                    except asyncio.CancelledError:
                        raise
                    except Exception as err:
                        permanent = isinstance(err, DeliveryError) and err.permanent
                        if isinstance(err, DeliveryError):
                            log.warning(
                                "delivery of message %s to %s failed: %s", outgoing.id, room_id, err
                            )
                        else:
                            log.exception(
                                "delivery of message %s to %s crashed", outgoing.id, room_id
                            )
                        if await self.run_db(self._mark_failed, outgoing.id, permanent):
                            continue
                        interrupted = True
                        break
                    backoff = 1.0
                    marks.append((outgoing.id, platform_id))
                    if len(marks) >= MARK_EVERY:
                        await self.run_db(self._mark_sent, marks)
                        marks = []
            finally:
                if marks:
                    await self.run_db(self._mark_sent, marks)
            if interrupted:
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60.0)
            elif not more and not wake.is_set():
                # everything queued so far is out; wait for the next kick
                idle.set()
                await wake.wait()

    def _load_pending(self, room_id: str) -> tuple[list[tuple[Outgoing, str]], bool]:
        """The room's next messages to deliver, and whether more wait after them (a plain read;
        an edit whose message could never be delivered is set aside)."""
        table = BotMessage.__table__  # type: ignore[attr-defined]
        target = table.alias("target")
        query = (
            select(
                table,
                target.c.platform_id.label("target_pid"),
                target.c.sent_at.label("target_sent"),
            )
            .select_from(table.outerjoin(target, table.c.target_id == target.c.id))
            .where(table.c.room_id == room_id, table.c.sent_at.is_(None))
            .order_by(table.c.id)
            .limit(LOAD_LIMIT)
        )
        with self.engine.connect() as conn:
            platform = self._platforms.get(room_id)
            if platform is None:
                found = conn.execute(
                    select(col(Room.platform)).where(col(Room.id) == room_id)
                ).scalar()
                platform = self._platforms[room_id] = found or "console"
            rows = conn.execute(query).all()
        out: list[tuple[Outgoing, str]] = []
        skipped: list[int] = []
        more = len(rows) == LOAD_LIMIT
        for m in rows:
            on_own = m.kind == "edit" or (m.kind == "react" and m.target_id is not None)
            if on_own and m.target_pid is None:
                if m.target_id is not None and m.target_sent is None:
                    # the message to edit (or react to) is ahead in this queue: deliver it
                    # first, then come back (the message's platform id is then known)
                    more = True
                    break
                skipped.append(m.id)  # the message to edit could never be delivered
                continue
            out.append(
                (
                    Outgoing(
                        id=m.id,
                        room_id=m.room_id,
                        kind=m.kind,
                        body=m.body,
                        html=m.html,
                        reply_to=m.reply_to,
                        thread_id=m.thread_id,
                        target_platform_id=m.target_pid,
                        target_event=m.target_event
                        or (m.target_pid if m.kind == "react" else None),
                        reaction_key=m.reaction_key,
                        file_name=m.file_name,
                        mime=m.mime,
                        data=m.data,
                        mentions=list(m.mentions or []),
                    ),
                    platform,
                )
            )
        if skipped:
            self._mark_sent([(mid, None) for mid in skipped])
        return out, more

    def _mark_sent(self, marks: list[tuple[int, str | None]]) -> None:
        """Record deliveries (message id, platform id), several in one transaction."""
        now = self.clock()
        with self.engine.begin() as conn:
            conn.execute(
                update(BotMessage)
                .where(col(BotMessage.id) == bindparam("message_id"))
                .values(
                    sent_at=now, platform_id=bindparam("pid"), attempts=BotMessage.attempts + 1
                ),
                [{"message_id": mid, "pid": pid} for mid, pid in marks],
            )

    def _mark_failed(self, message_id: int, permanent: bool) -> bool:
        with transaction(self.engine) as db:
            m = db.get(BotMessage, message_id)
            if m is None:
                return True
            m.attempts += 1
            gave_up = permanent or m.attempts >= MAX_ATTEMPTS
            if gave_up:
                m.sent_at = self.clock()
                log.error(
                    "giving up on message %s in %s after %s attempts", m.id, m.room_id, m.attempts
                )
            return gave_up

    async def flush(self, timeout: float = 10.0) -> None:
        """Wait until every room's queue is empty (tests, clean shutdown)."""

        async def all_idle() -> None:
            while True:
                waiting = [
                    e for r, e in self._idle.items() if not e.is_set() and r in self._senders
                ]
                if not waiting:
                    return
                await asyncio.gather(*(e.wait() for e in waiting))

        await asyncio.wait_for(all_idle(), timeout)

    async def close(self) -> None:
        self._closed = True
        for task in self._senders.values():
            task.cancel()
        await asyncio.gather(*self._senders.values(), return_exceptions=True)
        self._senders.clear()
        for adapter in self.adapters.values():
            await adapter.close()
        self._db.shutdown(wait=True)
