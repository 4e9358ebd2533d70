"""The runtime: takes neutral events from adapters, has the dispatcher handle each in one
transaction (in a single worker thread), and delivers the bot's queued messages through the
room's adapter, one ordered queue per room, so a slow or rate-limited room never holds up others.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import zlib
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple, TypeVar

from sqlalchemy import and_, bindparam, case, func, or_, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, update

from bot import metrics
from bot.adapters.base import (
    Adapter,
    DeliveryError,
    NotHandled,
    Outgoing,
    Text,
    UnknownKind,
    from_row,
    on_target,
)
from bot.clock import install_default
from bot.redact import redact
from bot.render import Drawer, LocalDrawer, Renders
from commands import i18n
from commands.core import (
    Dispatcher,
    Queued,
    Registry,
    Settings,
    error_reference,
    pending_messages,
)
from commands.events import AnyEvent, Message, ReactionAdded, Redacted
from storage import clock as process_clock
from storage import cursors
from storage.db import transaction
from storage.models import BotMessage, ChatEvent, RenderJob, Room

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_ATTEMPTS = 8
LOAD_LIMIT = 50  # outgoing messages read at once per room
# deliveries are recorded in groups of at most this many: a crash may send again at most these
# (Matrix de-duplicates them by transaction id)
MARK_EVERY = 10
BATCH_SIZE = 200
# ``BotMessage.ref_kind`` of the short answer that replaces a message that could not be delivered
ERROR_ANSWER = "delivery_error"
# ``BotMessage.ref_kind`` of a message that carries a secret (a page link): once delivered or
# given up, its text is kept with the secret hidden (``bot.redact``)
SECRET = "secret"


def _points_at(event: AnyEvent) -> str | None:
    """The event that ``event`` acts on: the message an edit replaces, what a removal removes."""
    if isinstance(event, Message):
        return event.edit_of
    if isinstance(event, Redacted | ReactionAdded):
        return event.target_event_id
    return None


class _Pending(NamedTuple):
    """A message to deliver, through which platform, and the queued message it acts on (an edit
    of a card still queued ahead of it in the same batch), if any."""

    outgoing: Outgoing
    platform: str
    waits_for: int | None


def _forget_secrets(conn: Any, message_ids: list[int]) -> None:
    """The messages among ``message_ids`` that carry a secret keep their text with the secret
    hidden: the outbox holds it only until it is delivered (or given up)."""
    table = BotMessage.__table__  # type: ignore[attr-defined]
    rows = conn.execute(
        select(table.c.id, table.c.body, table.c.html).where(
            table.c.id.in_(message_ids), table.c.ref_kind == SECRET
        )
    ).all()
    for mid, body, html in rows:
        conn.execute(
            update(BotMessage)
            .where(col(BotMessage.id) == mid)
            .values(body=redact(body or ""), html=redact(html) if html else html)
        )


class Runtime:
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
        self._draining = [False] * self.workers
        self._drainers: list[asyncio.Task[None] | None] = [None] * self.workers
        # answers rendered after their transaction (commands.deferred)
        self.renders = Renders(engine, registry, self.settings, write=self.in_db, done=self.kick)
        # told the rooms whose events were just committed (the page's live updates)
        self.committed: list[Callable[[set[str]], None]] = []

    # -- adapters -------------------------------------------------------------------------
    def add_adapter(self, adapter: Adapter) -> None:
        self.adapters[adapter.platform] = adapter

    def worker_of(self, room_id: str | None) -> int:
        """The database thread of a room (always the same one)."""
        if room_id is None or self.workers == 1:
            return 0
        return zlib.crc32(room_id.encode("utf-8", "surrogatepass")) % self.workers

    async def in_db(self, fn: Callable[..., T], *args: Any, room: str | None = None) -> T:
        """Run blocking database work in the database thread of ``room`` (none: the first)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._dbs[self.worker_of(room)], fn, *args)

    # -- the adapters' host (``bot.adapters.base.Host``): all an adapter may ask ---------------
    async def run_db(self, room_id: str | None, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(db, *args)`` in one transaction, in the database thread of ``room_id`` (that
        room's lock taken; ``None``: no room's)."""

        def work() -> T:
            with transaction(self.engine, rooms=[room_id] if room_id else ()) as db:
                return fn(db, *args)

        return await self.in_db(work, room=room_id)

    async def cursors(self, platform: str, prefix: str = "") -> dict[str, str]:
        """The values ``platform``'s adapter keeps, by key (those whose key starts with
        ``prefix``)."""

        def read() -> dict[str, str]:
            with Session(self.engine) as db:
                return cursors.read(db, platform, prefix)

        return await self.in_db(read)

    async def set_cursor(
        self, platform: str, key: str, value: str | None, *, room_id: str | None = None
    ) -> None:
        """Keep ``value`` under ``key`` for ``platform``'s adapter (``None``: forget it)."""
        await self.run_db(room_id, cursors.write, platform, key, value)

    def language_of(self, room_id: str) -> str | None:
        """The language of ``room_id`` as the bot has it (``None``: a room it does not know)."""
        with Session(self.engine) as db:
            room = db.get(Room, room_id)
            return room.language if room is not None else None

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
        await self.renders.start_waiting()  # what a stop left unrendered
        rooms = await self.in_db(self._rooms_with_pending)
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
            try:
                batch, more = await self.in_db(self._load_pending, room_id, room=room_id)
                if not batch and not more:
                    idle.set()
                    await wake.wait()
                    continue
                interrupted, more = await self._deliver_batch(room_id, batch, more, wake)
            except asyncio.CancelledError:
                raise
            except Exception:
                # the database failed us (the platform's failures are handled per message)
                log.exception("delivering the queue of %s failed; trying again", room_id)
                interrupted = True
            if interrupted:
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, 60.0)
                continue
            backoff = 1.0
            if not more and not wake.is_set():
                # everything queued so far is out; wait for the next kick
                idle.set()
                await wake.wait()

    async def _deliver_batch(
        self, room_id: str, batch: list[_Pending], more: bool, wake: asyncio.Event
    ) -> tuple[bool, bool]:
        """Deliver ``batch`` in order; returns (interrupted by a failure that may pass, more to
        load). A message that cannot be delivered and will not be by retrying is given up and
        replaced, right there, by a short error answer: it never holds up the room."""
        queue = deque(batch)
        marks: list[tuple[int, str | None]] = []
        delivered: dict[int, str | None] = {}  # this pass: message id -> platform id (or None)
        try:
            while queue:
                item = queue.popleft()
                outgoing = item.outgoing
                if item.waits_for is not None:
                    if item.waits_for not in delivered:  # pragma: no cover - see _load_pending
                        log.warning("message %s came before the one it edits", outgoing.id)
                        return True, True
                    target = delivered[item.waits_for]
                    if target is None:  # the message to edit could never be delivered
                        marks.append((outgoing.id, None))
                        continue
                    # an edit of the bot's message delivered just before, a reaction on it
                    outgoing = on_target(outgoing, target)
                adapter = self.adapters.get(item.platform)
                if adapter is None:
                    log.error("no adapter for platform %s (room %s)", item.platform, room_id)
                    await self.in_db(self._give_up, outgoing.id, None, room=room_id)
                    delivered[outgoing.id] = None
                    continue
                try:
                    platform_id = await adapter.deliver(outgoing)
                except asyncio.CancelledError:
                    raise
                except Exception as err:
                    retriable = isinstance(err, DeliveryError) and not err.permanent
                    metrics.ERRORS.labels("delivery").inc()
                    ref = error_reference(f"outbox:{outgoing.id}")
                    if isinstance(err, DeliveryError):
                        log.warning(
                            "delivery of message %s to %s failed (reference %s): %s",
                            outgoing.id,
                            room_id,
                            ref,
                            err,
                        )
                    else:
                        log.exception(
                            "delivery of message %s to %s crashed (reference %s)",
                            outgoing.id,
                            room_id,
                            ref,
                        )
                    if marks:
                        await self.in_db(self._mark_sent, marks, room=room_id)
                        marks = []
                    gave_up, replacement = await self.in_db(
                        self._failed, outgoing.id, retriable, ref, room=room_id
                    )
                    if not gave_up:
                        return True, more
                    delivered[outgoing.id] = None
                    if replacement is not None:
                        queue.appendleft(_Pending(replacement, item.platform, None))
                    continue
                delivered[outgoing.id] = platform_id
                metrics.delivered(outgoing.id, item.platform)
                marks.append((outgoing.id, platform_id))
                if len(marks) >= MARK_EVERY:
                    await self.in_db(self._mark_sent, marks, room=room_id)
                    marks = []
                    if wake.is_set() and queue:
                        # new messages were queued: load again, so that each sender gets a turn
                        return False, True
        finally:
            if marks:
                await self.in_db(self._mark_sent, marks, room=room_id)
        return False, more

    def _load_pending(self, room_id: str) -> tuple[list[_Pending], bool]:
        """The room's next messages to deliver, and whether more wait after them (a plain read;
        an edit whose message could never be delivered is set aside).

        Senders take turns: the first message of each sender's queue (the sender of the event
        that caused it), then the second of each, and so on, each sender's messages in their
        order. A message that acts on another one still queued (the edit of a card, say) waits
        in that message's turn, behind it."""
        table = BotMessage.__table__  # type: ignore[attr-defined]
        target = table.alias("target")
        events = ChatEvent.__table__  # type: ignore[attr-defined]
        cause = events.alias("cause")
        target_cause = events.alias("target_cause")
        target_queued = and_(table.c.target_id.is_not(None), target.c.sent_at.is_(None))
        sender = case((target_queued, target_cause.c.sender), else_=cause.c.sender)
        # the turns are worked out on ids alone; only the messages of this batch are read whole
        # (files included)
        turns = (
            select(
                table.c.id,
                func.row_number().over(partition_by=sender, order_by=table.c.id).label("turn"),
            )
            .select_from(
                table.outerjoin(target, table.c.target_id == target.c.id)
                .outerjoin(cause, table.c.cause_event_id == cause.c.event_id)
                .outerjoin(target_cause, target.c.cause_event_id == target_cause.c.event_id)
            )
            .where(table.c.room_id == room_id, table.c.sent_at.is_(None))
            .subquery()
        )
        first = (
            select(turns.c.id, turns.c.turn)
            .order_by(turns.c.turn, turns.c.id)
            .limit(LOAD_LIMIT)
            .subquery()
        )
        jobs = RenderJob.__table__  # type: ignore[attr-defined]
        # a message being rendered, or one that follows it among its event's answers (the
        # edits and answer of ``commands.deferred.defer_edits``)
        held = table.alias("held")
        rendering = (
            select(jobs.c.message_id)
            .select_from(jobs.join(held, held.c.id == jobs.c.message_id))
            .where(
                jobs.c.message_id <= table.c.id,
                or_(
                    jobs.c.message_id == table.c.id,
                    held.c.cause_event_id == table.c.cause_event_id,
                ),
            )
            .exists()
        )
        query = (
            select(
                table,
                target.c.platform_id.label("target_pid"),
                target.c.sent_at.label("target_sent"),
                rendering.label("rendering"),
            )
            .select_from(
                first.join(table, table.c.id == first.c.id).outerjoin(
                    target, table.c.target_id == target.c.id
                )
            )
            .order_by(first.c.turn, first.c.id)
        )
        with self.engine.connect() as conn:
            platform = self._platforms.get(room_id)
            if platform is None:
                found = conn.execute(
                    select(col(Room.platform)).where(col(Room.id) == room_id)
                ).scalar()
                if found is None:
                    # a room is always on some platform: nothing to deliver its messages through
                    log.error("room %s has no platform", room_id)
                platform = self._platforms[room_id] = found or ""
            rows = conn.execute(query).all()
        out: list[_Pending] = []
        skipped: list[int] = []
        for m in rows:
            if m.rendering:
                # an answer still being rendered (commands.deferred): it and what follows it
                # wait; its rendering kicks the room when it is done
                return out, False
            waits_for = None
            if m.target_id is not None and m.target_pid is None:
                if m.target_sent is not None:
                    skipped.append(m.id)  # the message to edit could never be delivered
                    continue
                # the message to edit is ahead in this batch (same turn order, earlier):
                # delivered first, it gives the edit its platform id
                waits_for = m.target_id
            try:
                outgoing = from_row(m._mapping, m.target_pid)
            except UnknownKind:
                log.error("message %s has an unknown kind %r: given up", m.id, m.kind)
                skipped.append(m.id)
                continue
            out.append(_Pending(outgoing, platform, waits_for))
        if skipped:
            self._mark_sent([(mid, None) for mid in skipped])
        return out, len(rows) == LOAD_LIMIT

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
            _forget_secrets(conn, [mid for mid, _ in marks])

    def _give_up(self, message_id: int, ref: str | None) -> None:
        with transaction(self.engine, rooms=()) as db:  # the message's row alone
            m = db.get(BotMessage, message_id)
            if m is not None:
                m.attempts += 1
                m.sent_at = self.clock()
                _forget_secrets(db.connection(), [message_id])
                log.error(
                    "giving up on message %s in %s after %s attempts (reference %s)",
                    m.id,
                    m.room_id,
                    m.attempts,
                    ref,
                )

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

    async def flush(self, timeout: float = 60.0) -> None:
        """Wait until every answer is rendered and every room's queue is empty (tests, clean
        shutdown)."""

        async def all_idle() -> None:
            while True:
                await self.renders.wait()
                waiting = [
                    e for r, e in self._idle.items() if not e.is_set() and r in self._senders
                ]
                if not waiting and not self.renders.busy:
                    return
                await asyncio.gather(*(e.wait() for e in waiting))

        await asyncio.wait_for(all_idle(), timeout)

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
