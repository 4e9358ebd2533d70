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

from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot import metrics
from bot.adapters.base import Adapter, NotHandled, Outgoing, Text
from bot.clock import install_default
from bot.delivery import ERROR_ANSWER, LOAD_LIMIT, MARK_EVERY, SECRET, Delivery, _forget_secrets
from bot.render import Drawer, LocalDrawer, Renders
from commands import i18n
from commands.core import Dispatcher, Queued, Registry, Settings
from commands.events import AnyEvent, Message, ReactionAdded, Redacted
from storage import clock as process_clock
from storage.db import transaction
from storage.models import BotMessage, ChatEvent, Room

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 8
BATCH_SIZE = 200


def _points_at(event: AnyEvent) -> str | None:
    """The event that ``event`` acts on: the message an edit replaces, what a removal removes."""
    if isinstance(event, Message):
        return event.edit_of
    if isinstance(event, Redacted | ReactionAdded):
        return event.target_event_id
    return None


class Runtime(Delivery):
    def __init__(
        self,
        engine: Engine,
        registry: Registry,
        settings: Settings | None = None,
        *,
        clock: Callable[[], dt.datetime] | None = None,
        drawer: Drawer | LocalDrawer | None = None,
        workers: int = 1,
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
        # database threads: one on SQLite (one writer at a time anyway); on PostgreSQL, rooms
        # are shared among ``workers`` threads, each room always in the same one (its events
        # stay in order), each unit of work holding its rooms' locks only
        if workers > 1 and engine.dialect.name != "postgresql":
            log.info("SQLite has one writer at a time: one database thread, not %s", workers)
            workers = 1
        self.workers = max(1, workers)
        self._dbs = [
            ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"cagnotte-db{n}")
            for n in range(self.workers)
        ]
        self._senders: dict[str, asyncio.Task[None]] = {}
        self._wake: dict[str, asyncio.Event] = {}
        self._idle: dict[str, asyncio.Event] = {}
        self._closed = False
        self._inboxes: list[list[tuple[AnyEvent, asyncio.Future[None]]]] = [
            [] for _ in range(self.workers)
        ]
        self._platforms: dict[str, str] = {}  # room id -> platform (it never changes)
        self._lanes: dict[str, dict[str, int]] = {}  # the delivery's turns (bot.delivery)
        self._draining = [False] * self.workers
        self._drainers: list[asyncio.Task[None] | None] = [None] * self.workers
        # answers rendered after their transaction (commands.deferred)
        self.renders = Renders(engine, registry, self.settings, write=self.in_db, done=self.kick)
        # told the rooms whose events were just committed (the page's live updates)
        self.committed: list[Callable[[set[str]], None]] = []

    # -- adapters -------------------------------------------------------------------------
    def add_adapter(self, adapter: Adapter) -> None:
        self.adapters[adapter.platform] = adapter

    # -- events in --------------------------------------------------------------------------
    async def handle(self, event: AnyEvent) -> None:
        """Handle one event (committed when this returns) and schedule its answers; raises
        ``NotHandled`` if it could not be committed.

        Events handed over while the database thread is busy are grouped and handled in one
        transaction (group commit), in the order they arrived (senders taking turns when more
        wait than one transaction takes)."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        metrics.arrived(event.event_id)
        worker = self.worker_of(event.room_id)
        self._inboxes[worker].append((event, future))
        if not self._draining[worker]:
            self._draining[worker] = True
            self._drainers[worker] = asyncio.create_task(
                self._drain_inbox(worker), name=f"cagnotte-inbox{worker}"
            )
        await future

    async def _drain_inbox(self, worker: int) -> None:
        inbox = self._inboxes[worker]
        loop = asyncio.get_running_loop()
        try:
            while inbox:
                batch = self._next_batch(inbox)
                failures = self.dispatcher.failures
                try:
                    sent = await loop.run_in_executor(
                        self._dbs[worker],
                        self.dispatcher.handle_batch,
                        [e for e, _ in batch],
                        self.clock(),
                    )
                except Exception:
                    log.exception("a batch of %d events could not be committed", len(batch))
                    metrics.ERRORS.labels("batch").inc()
                    sent = await self._one_by_one(batch)
                self._count(batch, sent, self.dispatcher.failures - failures)
                for room_id in dict.fromkeys(m.room_id for m in sent):
                    self.kick(room_id)
                if any(m.rendering for m in sent):
                    await self.renders.start_waiting()
                for _, fut in batch:
                    if not fut.done():
                        fut.set_result(None)
        finally:
            self._draining[worker] = False

    def _count(
        self, batch: list[tuple[AnyEvent, asyncio.Future[None]]], sent: list[Queued], failed: int
    ) -> None:
        """Figures of a handled batch, and the rooms it changed told to whoever listens."""
        for event, _ in batch:
            metrics.EVENTS.labels(event.platform).inc()
        if failed > 0:
            metrics.ERRORS.labels("event").inc(failed)
        metrics.queued((m.id, m.cause) for m in sent)
        metrics.handled(e.event_id for e, _ in batch)
        self.changed({e.room_id for e, _ in batch})

    def changed(self, rooms: set[str]) -> None:
        """Tell the listeners that what is stored about ``rooms`` may have changed."""
        for listener in self.committed:
            try:
                listener(rooms)
            except Exception:
                log.exception("a listener of committed rooms failed")

    def _next_batch(
        self, inbox: list[tuple[AnyEvent, asyncio.Future[None]]]
    ) -> list[tuple[AnyEvent, asyncio.Future[None]]]:
        """The next events to handle together. While more wait than one batch holds, senders
        take turns (the first event of each sender, then the second of each...), so that one
        person's flood does not hold up everyone else's commands; each sender's events stay in
        their order, and an event that acts on another one still waiting (its edit, its
        removal) stays behind it, in its turn."""
        if len(inbox) <= BATCH_SIZE:
            batch = inbox[:]
            inbox.clear()
            return batch
        lane_of: dict[str, tuple[str, str]] = {}  # waiting event id -> its sender's lane
        turns: dict[tuple[str, str], int] = {}
        order: list[tuple[int, int]] = []
        for index, (event, _) in enumerate(inbox):
            pointed = _points_at(event)
            lane = lane_of.get(pointed) if pointed else None
            if lane is None:
                lane = (event.room_id, event.sender)
            lane_of.setdefault(event.event_id, lane)
            turns[lane] = turns.get(lane, 0) + 1
            order.append((turns[lane], index))
        chosen = sorted(index for _, index in sorted(order)[:BATCH_SIZE])
        batch = [inbox[i] for i in chosen]
        taken = set(chosen)
        inbox[:] = [item for i, item in enumerate(inbox) if i not in taken]
        return batch

    async def _one_by_one(self, batch: list[tuple[AnyEvent, asyncio.Future[None]]]) -> list[Queued]:
        """A batch could not be committed: handle its events one at a time, so that whatever
        made it fail holds up that event alone. An event that fails on its own is not handled:
        its adapter is told (``NotHandled``) and hands it over again later."""
        sent: list[Queued] = []
        for event, fut in batch:
            try:
                sent.extend(
                    await self.in_db(
                        self.dispatcher.handle_batch, [event], self.clock(), room=event.room_id
                    )
                )
            except Exception as exc:
                log.exception("event %s could not be committed", event.event_id)
                if not fut.done():
                    fut.set_exception(NotHandled(event.event_id, exc))
        return sent

    async def run_job(
        self,
        fn: Callable[[Session], Sequence[Queued]],
        rooms: Sequence[str] | None = None,
    ) -> None:
        """Run ``fn(session)`` in one transaction (a scheduled job, say) and deliver what it
        queued. ``rooms``: the rooms it works on (their locks are taken first, see
        ``storage.db.transaction``; ``()``: the job takes the locks it needs itself)."""

        def work() -> Sequence[Queued]:
            with transaction(self.engine, rooms=rooms) as db:
                return fn(db)

        sent = await self.in_db(work, room=rooms[0] if rooms else None)
        changed = {m.room_id for m in sent}
        for room_id in changed:
            self.kick(room_id)
        self.changed(changed)
        if sent:
            await self.renders.start_waiting()  # a scheduled recap is rendered afterwards

    def _failed(self, message_id: int, retriable: bool, ref: str) -> tuple[bool, Outgoing | None]:
        """A delivery failed: whether to give the message up (retrying cannot help, or it was
        tried ``MAX_ATTEMPTS`` times), and the short error answer that replaces it (a reply to
        the same command, in its thread, in the room's language; never for an error answer)."""
        with transaction(self.engine, rooms=()) as db:  # the message's row, and its replacement
            m = db.get(BotMessage, message_id)
            if m is None:
                return True, None
            m.attempts += 1
            if retriable and m.attempts < MAX_ATTEMPTS:
                return False, None
            now = self.clock()
            m.sent_at = now
            m.lane = None  # out of the queue: no lane (a sender's id) kept
            _forget_secrets(db.connection(), [message_id])
            log.error(
                "giving up on message %s in %s after %s attempts (reference %s)",
                m.id,
                m.room_id,
                m.attempts,
                ref,
            )
            if m.ref_kind == ERROR_ANSWER:
                return True, None
            room = db.get(Room, m.room_id)
            lang = room.language if room is not None else self.settings.default_language
            reply_to = m.reply_to or (m.target_event if m.kind == "react" else None)
            if reply_to is None and m.cause_event_id:
                cause = db.get(ChatEvent, m.cause_event_id)
                if cause is not None and cause.kind == Message.__name__:
                    reply_to = cause.event_id
            key = "core.answer_failed" if reply_to else "core.message_failed"
            answer = BotMessage(
                room_id=m.room_id,
                kind="text",
                body=i18n.t(lang, key, ref=ref),
                reply_to=reply_to,
                thread_id=m.thread_id,
                cause_event_id=m.cause_event_id,
                ref_kind=ERROR_ANSWER,
                ref_id=ref,
                created_at=now,
            )
            db.add(answer)
            db.flush()
            assert answer.id is not None
            return True, Text(
                id=answer.id,
                room_id=answer.room_id,
                body=answer.body,
                reply_to=answer.reply_to,
                thread_id=answer.thread_id,
            )

    async def close(self) -> None:
        self._closed = True
        await self.renders.close()
        for task in self._senders.values():
            task.cancel()
        await asyncio.gather(*self._senders.values(), return_exceptions=True)
        self._senders.clear()
        for adapter in self.adapters.values():
            await adapter.close()
        for executor in self._dbs:
            executor.shutdown(wait=True)


__all__ = [
    "BATCH_SIZE",
    "ERROR_ANSWER",
    "LOAD_LIMIT",
    "MARK_EVERY",
    "MAX_ATTEMPTS",
    "SECRET",
    "NotHandled",
    "Runtime",
]
