"""The outbox: what the bot says is written as ``BotMessage`` rows in the transaction of the
event that caused it, and delivered afterwards by the runtime (``pending_messages``)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from storage.db import connection_of
from storage.models import BotMessage
from storage.prepared import Prepared


@dataclass(frozen=True)
class Queued:
    """A message the bot wrote to its outbox (``BotMessage`` row ``id``), to be delivered."""

    id: int
    room_id: str
    kind: str
    body: str
    rendering: bool = False  # a placeholder: rendered after the transaction (commands.deferred)
    cause: str = ""  # the id of the event it answers


# plain inserts of rows that are written once and never changed by the code that writes them
# (one compiled statement each; the values are bound at execution)
_OUTBOX = BotMessage.__table__  # type: ignore[attr-defined]
_INSERT_OUTBOX = insert(_OUTBOX)
# what answers an event (placed as a reply to it); edits and reactions act on their target
ANSWERS = ("text", "file")
_OUTBOX_DEFAULTS: dict[str, Any] = {
    "kind": "text",
    "body": "",
    "html": None,
    "reply_to": None,
    "thread_id": None,
    "target_id": None,
    "target_event": None,
    "reaction_key": None,
    "file_name": None,
    "mime": None,
    "data": None,
    "mentions": [],
    "ref_kind": None,
    "ref_id": None,
    "sent_at": None,
    "platform_id": None,
    "attempts": 0,
    "recipient": None,
    "lane": None,  # given by the delivery (``bot.delivery``)
    "turn": None,
}
# a row as ``Context`` writes it: every column (``insert_one``'s hot path)
_PREPARED_OUTBOX = Prepared.whole_rows(_INSERT_OUTBOX, key=True)
_OUTBOX_KEYS = frozenset(_PREPARED_OUTBOX.keys)


def insert_one(db: Session, row: dict[str, Any]) -> Queued:
    """Write one outbox row (a plain insert: the delivery reads it back)."""
    conn = connection_of(db)
    if row.keys() == _OUTBOX_KEYS:
        new = _PREPARED_OUTBOX.insert(conn, row)
    else:  # some columns left to their defaults
        key = conn.execute(_INSERT_OUTBOX, row).inserted_primary_key
        assert key is not None
        new = int(key[0])
    return Queued(
        id=new,
        room_id=row["room_id"],
        kind=row["kind"],
        body=row["body"],
        cause=row["cause_event_id"],
    )


def insert_rows(db: Session, rows: list[dict[str, Any]], key: str) -> list[Queued]:
    """Write ``rows`` to the outbox in one statement; ``key``, a column whose value differs
    from row to row, tells which new id is whose."""
    found = connection_of(db).execute(_INSERT_OUTBOX.returning(_OUTBOX.c.id, _OUTBOX.c[key]), rows)
    ids = {value: new for new, value in found}
    return [
        Queued(
            id=int(ids[row[key]]),
            room_id=row["room_id"],
            kind=row["kind"],
            body=row["body"],
            cause=row["cause_event_id"],
        )
        for row in rows
    ]


def pending_messages(db: Session, room_id: str | None = None, limit: int = 100) -> list[BotMessage]:
    """Bot messages not yet delivered, oldest first."""
    query = select(BotMessage).where(BotMessage.sent_at.is_(None))  # type: ignore[union-attr]
    if room_id is not None:
        query = query.where(BotMessage.room_id == room_id)
    return list(db.exec(query.order_by(BotMessage.id).limit(limit)).all())  # type: ignore[arg-type]
