"""Retention: what a room forgets once it is older than its limit (``Room.retention_days``).

Purged: handled chat events (``ChatEvent``) that no other row names, and the bot's delivered
answers (``BotMessage`` rows already sent, tied to no object and pointed at by nothing).
Kept forever: the audit trail, the ledger (every table with money or hours), and whatever they
point to: an event id named by any ``*event_id`` column of another table (an audit row, a
contribution, a funding, a pending action...), a bot message tied to an object (a card, a
bucket, an envelope, a request: ``ref_kind``) or named by a foreign key (an edit of it, a
bucket's card). A purge works in bounded batches: each runs in a short transaction of its own.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from sqlalchemy import Column, Table, delete, exists
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from storage.db import transaction
from storage.models import Audit, BotMessage, ChatEvent, Room

DEFAULT_DAYS = 365
FOREVER = 0
MIN_DAYS = 7  # the shortest limit: a fresh edit or removal is always recognised
BATCH = 500  # rows read and deleted per table in one purge step


def cutoff(now: dt.datetime, days: int) -> dt.datetime | None:
    """The instant before which a room's rows are forgotten; ``None``: kept forever."""
    if days <= FOREVER:
        return None
    return now - dt.timedelta(days=days)


def too_old(timestamp: dt.datetime, now: dt.datetime, days: int) -> bool:
    """Whether a platform event sent at ``timestamp`` is older than the room's limit: its row
    may have been purged, so it cannot be told apart from one never seen and is ignored."""
    limit = cutoff(now, days)
    return limit is not None and timestamp < limit


@dataclass(frozen=True)
class EventRow:
    event_id: str
    handled_at: dt.datetime


@dataclass(frozen=True)
class MessageRow:
    id: int
    created_at: dt.datetime
    sent: bool
    ref_kind: str | None


def purgeable_events(
    rows: Iterable[EventRow], limit: dt.datetime | None, referenced: set[str]
) -> list[str]:
    """The rule for handled events: older than the limit and named by no other row."""
    if limit is None:
        return []
    return [r.event_id for r in rows if r.handled_at < limit and r.event_id not in referenced]


def purgeable_messages(
    rows: Iterable[MessageRow], limit: dt.datetime | None, referenced: set[int]
) -> list[int]:
    """The rule for the bot's messages: delivered, older than the limit, tied to no object and
    named by no other row."""
    if limit is None:
        return []
    return [
        r.id
        for r in rows
        if r.sent and r.ref_kind is None and r.created_at < limit and r.id not in referenced
    ]


def _event_columns() -> Iterator[Column[str]]:
    """Every column of another table that names a chat event (``event_id``, ``close_event_id``,
    ``source_event_id``...): what it names is kept."""
    for table in SQLModel.metadata.sorted_tables:
        if table.name == ChatEvent.__tablename__:
            continue
        for column in table.columns:
            if column.name.endswith("event_id") and column.name != "cause_event_id":
                yield column


def _message_columns() -> Iterator[Column[int]]:
    """Every foreign key to a bot message (an edit's target, a bucket's card...)."""
    target = BotMessage.__table__  # type: ignore[attr-defined]
    assert isinstance(target, Table)
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if any(fk.column.table is target for fk in column.foreign_keys):
                yield column


def referenced_events(db: Session, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for column in _event_columns():
        found.update(
            str(v)
            for v in db.execute(sa_select(column).where(column.in_(ids)).distinct()).scalars()
        )
    return found


def referenced_messages(db: Session, ids: list[int]) -> set[int]:
    found: set[int] = set()
    for column in _message_columns():
        found.update(
            int(v)
            for v in db.execute(sa_select(column).where(column.in_(ids)).distinct()).scalars()
        )
    return found


@dataclass
class Step:
    """One batch of a room's purge: how many rows went, and whether older ones remain."""

    events: int = 0
    messages: int = 0
    more: bool = False


def purge_step(
    db: Session, room: Room, now: dt.datetime, after: tuple[dt.datetime, str] | None = None
) -> tuple[Step, tuple[dt.datetime, str] | None]:
    """Delete one batch of ``room``'s rows older than its limit. Rows named by others stay
    forever: ``after`` is where the previous batch stopped, so that they are not read again."""
    step = Step()
    limit = cutoff(now, room.retention_days)
    if limit is None:
        return step, None
    # an event the audit trail names (every change writes one) is not even read: most kept rows
    query = select(col(ChatEvent.event_id), col(ChatEvent.handled_at)).where(
        ChatEvent.room_id == room.id,
        col(ChatEvent.handled_at) < limit,
        ~exists().where(col(Audit.event_id) == col(ChatEvent.event_id)),
    )
    if after is not None:
        query = query.where(
            (col(ChatEvent.handled_at) > after[0])
            | ((col(ChatEvent.handled_at) == after[0]) & (col(ChatEvent.event_id) > after[1]))
        )
    events = [
        EventRow(e, h)
        for e, h in db.exec(
            query.order_by(col(ChatEvent.handled_at), col(ChatEvent.event_id)).limit(BATCH)
        ).all()
    ]
    position = (events[-1].handled_at, events[-1].event_id) if events else after
    gone = purgeable_events(events, limit, referenced_events(db, [e.event_id for e in events]))
    if gone:
        db.exec(delete(ChatEvent).where(col(ChatEvent.event_id).in_(gone)))
    step.events = len(gone)
    messages = [
        MessageRow(i, c, s is not None, k)
        for i, c, s, k in db.exec(
            select(
                col(BotMessage.id),
                col(BotMessage.created_at),
                col(BotMessage.sent_at),
                col(BotMessage.ref_kind),
            )
            .where(
                BotMessage.room_id == room.id,
                col(BotMessage.created_at) < limit,
                col(BotMessage.sent_at).is_not(None),
                col(BotMessage.ref_kind).is_(None),
            )
            .order_by(col(BotMessage.created_at), col(BotMessage.id))
            .limit(BATCH)
        ).all()
        if i is not None
    ]
    drop = purgeable_messages(messages, limit, referenced_messages(db, [m.id for m in messages]))
    if drop:
        db.exec(delete(BotMessage).where(col(BotMessage.id).in_(drop)))
    step.messages = len(drop)
    # the messages named by others are kept and read again next time: few (edits and cards)
    step.more = len(events) == BATCH or (len(messages) == BATCH and bool(drop))
    return step, position


def purge_room(engine: Engine, room_id: str, now: dt.datetime) -> Step:
    """Purge a room to its limit, one batch per transaction (never a long write lock)."""
    total = Step()
    after: tuple[dt.datetime, str] | None = None
    while True:
        # no room lock: what is purged is older than anything a room's work touches
        with transaction(engine, rooms=()) as db:
            room = db.get(Room, room_id)
            if room is None:
                return total
            step, after = purge_step(db, room, now, after)
        total.events += step.events
        total.messages += step.messages
        if not step.more:
            return total
