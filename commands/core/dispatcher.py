"""The dispatcher: turns a neutral event into one database transaction (state change + audit
rows + outgoing messages), each event in a savepoint of its own."""

from __future__ import annotations

import datetime as dt
import logging
import threading
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, col, select

from commands.core.context import Context
from commands.core.errors import UserError
from commands.core.handling import EventHandlers
from commands.core.outbox import Queued
from commands.core.record import (
    _INSERT_CHAT_EVENT,
    NOT_A_COMMAND,
    OUTCOME_CRASH,
    OUTCOME_FORGED,
    _HandledBefore,
    _record_event,
    error_reference,
)
from commands.core.registry import Registry
from commands.core.rooms import get_room, remember_member, remember_person
from commands.core.settings import Settings
from commands.events import AnyEvent, MemberChanged, Message, Redacted
from storage import clock, forget, retention
from storage.clock import Clock
from storage.db import begin_savepoint, transaction
from storage.models import ChatEvent, Room

# the dispatcher's log keeps the name it always had
log = logging.getLogger("commands.core")

_ROOM_COLUMNS = tuple(Room.__table__.columns.keys())  # type: ignore[attr-defined]


class Dispatcher(EventHandlers):
    """Turns neutral events into transactions. Synchronous: the runtime calls it from one worker
    thread, so that database work never blocks the event loop.

    One event never stops the others: each is handled in a savepoint of its own, and whatever it
    raises (in its handler, or while its answer is worded) rolls back that event alone, answers
    with a short error and a reference that is also logged, and records the event as handled."""

    def __init__(
        self,
        engine: Engine,
        registry: Registry,
        settings: Settings | None = None,
        clock: Clock | None = None,
    ):
        self.engine = engine
        self.registry = registry
        self.settings = settings or Settings()
        self.clock: Clock = clock or _process_now
        # per database thread (a runtime gives each room one thread): who was already recorded
        # as a person / a room member with these values (committed), which spares two
        # statements per event for people who speak often; the rooms' rows as last committed
        # (``_attach_rooms``)
        self._local = threading.local()
        self.failures = 0  # events that raised (rolled back, answered with a reference)

    @property
    def _seen(self) -> set[tuple[str, str, str]]:
        local = self._local
        if not hasattr(local, "seen"):
            local.seen = set()
            local.forgotten = forget.generation()
        elif local.forgotten != forget.generation():
            # someone was forgotten: who was recorded as a person or member may no longer be
            local.seen = set()
            local.forgotten = forget.generation()
        seen: set[tuple[str, str, str]] = local.seen
        return seen

    @_seen.setter
    def _seen(self, value: set[tuple[str, str, str]]) -> None:
        self._local.seen = value

    @property
    def _rooms(self) -> dict[str, dict[str, Any]]:
        local = self._local
        if not hasattr(local, "rooms") or local.rooms_forgotten != forget.generation():
            # someone was forgotten (in any thread): what the rooms hold may have changed
            local.rooms = {}
            local.rooms_forgotten = forget.generation()
        rooms: dict[str, dict[str, Any]] = local.rooms
        return rooms

    def handle(self, event: AnyEvent, now: dt.datetime | None = None) -> list[Queued]:
        """Handle one event exactly once; return the bot messages it queued."""
        return self.handle_batch([event], now)

    def handle_batch(self, events: list[AnyEvent], now: dt.datetime | None = None) -> list[Queued]:
        """Handle events in order, in one transaction (each in a savepoint of its own, so a
        failing event undoes only its own work). A replayed event id changes nothing."""
        at = now or self.clock()
        sent: list[Queued] = []
        seen: set[tuple[str, str, str]] = set()
        rooms = {e.room_id for e in events}
        forgotten = forget.generation()
        try:
            with transaction(self.engine, rooms=rooms) as db:
                self._attach_rooms(db, rooms)
                ids = {e.event_id for e in events}
                # one query for the events already handled and for those the batch acts on
                # (what an edit replaces, what a removal removes): kept for the transaction, a
                # later ``db.get`` finds them without asking the database
                pointed = {p for p in map(_points_at, events) if p is not None}
                known = db.info.setdefault("chat_events", {})
                if len(events) > 1 or pointed:
                    for row in db.exec(
                        select(ChatEvent).where(col(ChatEvent.event_id).in_(ids | pointed))
                    ).all():
                        known[row.event_id] = row
                # else one event that acts on no other: recording it says whether it was
                # handled before (``_record_event``), and a replay is rolled back then
                handled = ids & known.keys()
                for event in events:
                    if event.event_id in handled:
                        continue  # handled before (a replay): nothing changes, nothing is said
                    if self._too_old(db, event, at):
                        # older than the room keeps its events: its row may have been purged,
                        # so a replay could not be told from a new event (``storage.retention``)
                        log.info(
                            "ignoring %s in %s: older than the room's retention",
                            event.event_id,
                            event.room_id,
                        )
                        continue
                    handled.add(event.event_id)
                    sent.extend(self._handle_one(db, event, at, seen))
        except BaseException:
            for room_id in rooms:
                self._rooms.pop(room_id, None)
            raise
        self._keep_rooms(db, forgotten)
        self._seen |= seen
        if len(self._seen) > 100_000:
            self._seen.clear()
        return sent

    @staticmethod
    def _too_old(db: Session, event: AnyEvent, now: dt.datetime) -> bool:
        """Whether the event was sent before the room's retention limit (read from the room only
        for an event older than the shortest limit)."""
        if event.timestamp >= now - dt.timedelta(days=retention.MIN_DAYS):
            return False
        room = db.info.get("rooms", {}).get(event.room_id) or db.get(Room, event.room_id)
        days = room.retention_days if room is not None else retention.DEFAULT_DAYS
        return retention.too_old(event.timestamp, now, days)

    def _attach_rooms(self, db: Session, room_ids: set[str]) -> None:
        """The rooms as this process last committed them, put in the session without reading
        them again (units of work on a room are this process's alone: the leader's). What the
        batch changes in them is written as usual; a batch that fails forgets them."""
        rooms: dict[str, Room] = db.info.setdefault("rooms", {})
        for room_id in room_ids:
            values = self._rooms.get(room_id)
            if values is not None:
                room = Room(**values)
                make_transient_to_detached(room)
                db.add(room)
                rooms[room_id] = room

    def _keep_rooms(self, db: Session, forgotten: int) -> None:
        """After a commit: remember the rooms as they now are (none, if someone was forgotten
        meanwhile: that rewrites what rooms hold without the session seeing it)."""
        if forgotten != forget.generation():
            self._rooms.clear()
            return
        for room_id, room in db.info.get("rooms", {}).items():
            state = inspect(room)
            if state.expired_attributes or state.deleted or state.transient:
                self._rooms.pop(room_id, None)
            else:
                self._rooms[room_id] = {c: getattr(room, c) for c in _ROOM_COLUMNS}
        if len(self._rooms) > 100_000:
            self._rooms.clear()

    def _handle_one(
        self, db: Session, event: AnyEvent, now: dt.datetime, seen: set[tuple[str, str, str]]
    ) -> list[Queued]:
        original: ChatEvent | None = None
        if isinstance(event, Message):
            if event.edit_of is not None:
                original = db.get(ChatEvent, event.edit_of)
            if not self._is_command(event, original):
                return []
        before = _caches(db)
        savepoint = begin_savepoint(db)
        try:
            try:
                sent, key = self._process(db, event, now, original, seen)
            except UserError as err:
                # bad input: nothing the handler did stays, and the event is handled again as
                # a refusal that says why (one savepoint per event, refused or not). The
                # transaction's caches are as they were before it: they told what the rollback
                # brings back (clearing them would make the next events read the room again)
                savepoint.rollback()
                db.info.clear()
                db.info.update(before)
                savepoint = begin_savepoint(db)
                sent, key = self._process(db, event, now, original, seen, refused=err)
            savepoint.commit()
        except _HandledBefore:
            # handled before (a replay): nothing changes, nothing is said
            savepoint.rollback()
            db.info.clear()
            return []
        except Exception:
            savepoint.rollback()
            db.info.clear()  # caches may hold what was rolled back
            self.failures += 1
            ref = error_reference(event.event_id)
            log.exception(
                "event %s in room %s failed (reference %s); it is recorded as handled",
                event.event_id,
                event.room_id,
                ref,
            )
            return self._record_failure(db, event, now, ref)
        if key is not None:
            seen.add(key)
        return sent

    def _process(
        self,
        db: Session,
        event: AnyEvent,
        now: dt.datetime,
        original: ChatEvent | None,
        seen: set[tuple[str, str, str]],
        refused: UserError | None = None,
    ) -> tuple[list[Queued], tuple[str, str, str] | None]:
        room = get_room(db, event, self.settings)
        key: tuple[str, str, str] | None = None
        if not isinstance(event, MemberChanged):
            key = (room.id, event.sender, event.sender_name)
            if key not in self._seen and key not in seen:
                remember_person(db, event.sender, event.sender_name, now)
                remember_member(db, room.id, event.sender, now=now)
        else:
            # a join or leave changes what was recorded: look again next time they speak
            self._seen = {k for k in self._seen if k[:2] != (room.id, event.user_id)}
        if isinstance(event, Message):
            # people named before they ever spoke: known as the platform names them
            for m in event.mentions:
                if m.member and (room.id, m.user_id, m.display_name) not in self._seen:
                    remember_person(db, m.user_id, m.display_name, now)
                    remember_member(db, room.id, m.user_id, now=now)
        ctx = Context(db, event, room, self.settings, now, self.registry)
        command = self._run(ctx, original, refused)
        ctx.flush_audits()
        answer_to, thread_id = ctx.anchor if not isinstance(event, MemberChanged) else (None, None)
        db.flush()  # recorded on the connection: what the event changed is written first
        _record_event(
            db,
            {
                "event_id": event.event_id,
                "room_id": event.room_id,
                "sender": event.sender,
                "kind": type(event).__name__,
                "command": command,
                "handled_at": now,
                "answer_to": answer_to,
                "thread_id": thread_id,
            },
        )
        if isinstance(event, Message) and event.edit_of is not None and command != OUTCOME_FORGED:
            self._record_original(db, event, original, command, now, thread_id)
        return ctx.sent, key

    def _record_original(
        self,
        db: Session,
        event: Message,
        original: ChatEvent | None,
        command: str,
        now: dt.datetime,
        thread_id: str | None,
    ) -> None:
        """What an edit created is tied to the original message: record that message (its
        sender, the command it now holds, where its answers go), so that a later edit or
        removal is checked against its sender like any command's, and answered in its place."""
        assert event.edit_of is not None
        if original is None and command != "ignored":
            db.connection().execute(
                _INSERT_CHAT_EVENT,
                {
                    "event_id": event.edit_of,
                    "room_id": event.room_id,
                    "sender": event.sender,
                    "kind": Message.__name__,
                    "command": command,
                    "handled_at": now,
                    "answer_to": event.edit_of,
                    "thread_id": thread_id,
                },
            )
        elif (
            original is not None
            and original.command in NOT_A_COMMAND
            and command in self.registry.by_name
        ):
            original.command = command

    def _record_failure(
        self, db: Session, event: AnyEvent, now: dt.datetime, ref: str
    ) -> list[Queued]:
        """The event raised: answer its sender with the reference and record it as handled, so
        that no adapter fetches it again. If even that fails, the event is only logged."""
        savepoint = begin_savepoint(db)
        try:
            room = get_room(db, event, self.settings)
            ctx = Context(db, event, room, self.settings, now, self.registry)
            if isinstance(event, Message):
                ctx.reply(ctx.t("core.internal_error", ref=ref))
            answer_to, thread_id = (
                ctx.anchor if not isinstance(event, MemberChanged) else (None, None)
            )
            _record_event(
                db,
                {
                    "event_id": event.event_id,
                    "room_id": event.room_id,
                    "sender": event.sender,
                    "kind": type(event).__name__,
                    "command": OUTCOME_CRASH,
                    "handled_at": now,
                    "answer_to": answer_to,
                    "thread_id": thread_id,
                },
            )
            savepoint.commit()
            return ctx.sent
        except _HandledBefore:
            savepoint.rollback()
            db.info.clear()
            return []
        except Exception:
            savepoint.rollback()
            db.info.clear()
            log.exception("event %s could not even be recorded as failed", event.event_id)
            return []

    def _is_command(self, event: Message, original: ChatEvent | None) -> bool:
        """Whether a message is for the bot: a command, or an edit of a message that was one
        (so that editing a command into plain text is seen). Editing plain text into plain
        text, however long, is not."""
        if event.body.lstrip().startswith(self.settings.prefix):
            return True
        return original is not None and original.command not in ("", "ignored")


def _points_at(event: AnyEvent) -> str | None:
    """The handled event that ``event`` acts on: the message an edit replaces, what a removal
    removes."""
    if isinstance(event, Message):
        return event.edit_of
    if isinstance(event, Redacted):
        return event.target_event_id
    return None


def _process_now() -> dt.datetime:
    return clock.now()


def _caches(db: Session) -> dict[str, Any]:
    """A copy of the transaction's caches (``Session.info``) as they are, to put back when a
    savepoint is rolled back: each cache is copied (a dict or a list that later work fills in
    place), what it holds is not (rows read before the savepoint, which a rollback expires if
    it changed them; a cache's inner values are replaced whole, never changed in place)."""
    return {
        key: dict(value)
        if isinstance(value, dict)
        else list(value)
        if isinstance(value, list)
        else value
        for key, value in db.info.items()
    }
