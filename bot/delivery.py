"""Messages out: each room's queue of outgoing messages, delivered in order through the room's
adapter, senders taking turns; a message that cannot be delivered is given up and replaced by a
short error answer."""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections import deque
from collections.abc import Callable, Collection
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlmodel import Session, col, update

from bot import metrics
from bot.adapters.base import Adapter, DeliveryError, Outgoing, UnknownKind, from_row, on_target
from bot.host import DatabaseHost
from bot.redact import redact
from bot.render import Renders
from bot.turns import MARK, PENDING, give_turns
from commands.core import error_reference, pending_messages
from storage.db import transaction, writing
from storage.models import BotMessage, Room

# the runtime's log keeps the name it always had
log = logging.getLogger("bot.runtime")

LOAD_LIMIT = 50  # outgoing messages read at once per room
# deliveries are recorded in groups of at most this many: a crash may send again at most these
# (Matrix de-duplicates them by transaction id)
MARK_EVERY = 10
# ``BotMessage.ref_kind`` of the short answer that replaces a message that could not be delivered
ERROR_ANSWER = "delivery_error"
# ``BotMessage.ref_kind`` of a message that carries a secret (a page link): once delivered or
# given up, its text is kept with the secret hidden (``bot.redact``)
SECRET = "secret"


class _Pending(NamedTuple):
    """A message to deliver, through which platform, and the queued message it acts on (an edit
    of a card still queued ahead of it in the same batch), if any."""

    outgoing: Outgoing
    platform: str
    waits_for: int | None
    secret: bool = False  # its text carries a secret (``SECRET``)


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


def _delivery_failed(room_id: str, outgoing: Outgoing, err: Exception) -> tuple[bool, str]:
    """Count and log a failed delivery (called while ``err`` is handled); returns whether
    trying again may help, and the failure's reference."""
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
    return retriable, ref


class Delivery(DatabaseHost):
    """The runtime's senders: one task per room draining its queue."""

    adapters: dict[str, Adapter]
    clock: Callable[[], dt.datetime]
    renders: Renders
    _senders: dict[str, asyncio.Task[None]]
    _wake: dict[str, asyncio.Event]
    _idle: dict[str, asyncio.Event]
    _closed: bool
    _platforms: dict[str, str]
    _lanes: dict[str, dict[str, int]]  # room id -> lane -> its last turn (``bot.turns``)

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
        secrets = {item.outgoing.id for item in batch if item.secret}
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
                    retriable, ref = _delivery_failed(room_id, outgoing, err)
                    if marks:
                        await self.in_db(self._mark_sent, marks, secrets, room=room_id)
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
                    await self.in_db(self._mark_sent, marks, secrets, room=room_id)
                    marks = []
                    if wake.is_set() and queue:
                        # new messages were queued: load again, so that each sender gets a turn
                        return False, True
        finally:
            if marks:
                await self.in_db(self._mark_sent, marks, secrets, room=room_id)
        return False, more

    def _load_pending(self, room_id: str) -> tuple[list[_Pending], bool]:
        """The room's next messages to deliver, and whether more wait after them (the new ones
        given their turn first; an edit whose message could never be delivered is set aside).

        Senders take turns: the first message of each sender's queue (the sender of the event
        that caused it), then the second of each, and so on, each sender's messages in their
        order; a sender who had nothing queued starts at the turn being delivered. A message
        that acts on another one still queued (the edit of a card, say) waits in that message's
        lane, behind it (``bot.turns``)."""
        with writing(self.engine) as conn:  # the new messages' turns are written first
            give_turns(conn, room_id, self._lanes.setdefault(room_id, {}))
            platform = self._platforms.get(room_id)
            if platform is None:
                found = conn.execute(
                    select(col(Room.platform)).where(col(Room.id) == room_id)
                ).scalar()
                if found is None:
                    # a room is always on some platform: nothing to deliver its messages through
                    log.error("room %s has no platform", room_id)
                platform = self._platforms[room_id] = found or ""
            rows = conn.execute(PENDING, {"room_id": room_id, "limit": LOAD_LIMIT}).all()
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
            out.append(_Pending(outgoing, platform, waits_for, m.ref_kind == SECRET))
        if skipped:
            self._mark_sent([(mid, None) for mid in skipped])
        return out, len(rows) == LOAD_LIMIT

    def _mark_sent(
        self, marks: list[tuple[int, str | None]], secrets: Collection[int] | None = None
    ) -> None:
        """Record deliveries (message id, platform id), several in one transaction. ``secrets``:
        the messages known to carry a secret, among others known not to (``None``: unknown,
        looked up)."""
        now = self.clock()
        with self.engine.begin() as conn:
            MARK.execute_many(
                conn, [{"message_id": mid, "pid": pid, "now": now} for mid, pid in marks]
            )
            if secrets is None:
                _forget_secrets(conn, [mid for mid, _ in marks])
            elif hidden := [mid for mid, _ in marks if mid in secrets]:
                _forget_secrets(conn, hidden)

    def _give_up(self, message_id: int, ref: str | None) -> None:
        with transaction(self.engine, rooms=()) as db:  # the message's row alone
            m = db.get(BotMessage, message_id)
            if m is not None:
                m.attempts += 1
                m.sent_at = self.clock()
                m.lane = None  # out of the queue: no lane (a sender's id) kept
                _forget_secrets(db.connection(), [message_id])
                log.error(
                    "giving up on message %s in %s after %s attempts (reference %s)",
                    m.id,
                    m.room_id,
                    m.attempts,
                    ref,
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

        async with asyncio.timeout(timeout):
            await all_idle()

    def _failed(self, message_id: int, retriable: bool, ref: str) -> tuple[bool, Outgoing | None]:
        """Whether a message whose delivery failed is given up, and what replaces it (decided
        by the runtime, ``bot.runtime.Runtime._failed``)."""
        raise NotImplementedError
