"""How a handled event is recorded (``ChatEvent``, once: the exactly-once check) and what its
outcome may be besides a command's name."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from storage.db import connection_of
from storage.models import ChatEvent
from storage.prepared import Prepared

_INSERT_CHAT_EVENT = insert(ChatEvent.__table__)  # type: ignore[attr-defined]
# the handled event's record, unless the event is on record already (then nothing is inserted,
# nothing returned): the exactly-once check and the record in one statement
# (every event: a statement compiled once, ``storage.prepared``)
_RECORD_EVENT = {
    dialect: Prepared.whole_rows(
        make(ChatEvent.__table__)  # type: ignore[attr-defined]
        .on_conflict_do_nothing(index_elements=["event_id"])
        .returning(ChatEvent.__table__.c.event_id)  # type: ignore[attr-defined]
    )
    for dialect, make in (("sqlite", sqlite_insert), ("postgresql", pg_insert))
}


def error_reference(event_id: str) -> str:
    """A short reference for an event that failed, shown to its sender and written in the log
    (the same event always gets the same reference)."""
    return hashlib.sha256(event_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]


# what the dispatcher records as an event's outcome (``ChatEvent.command``) besides command names
OUTCOME_ERROR = "error"  # refused with an answer (bad input, not allowed)
OUTCOME_CRASH = "crash"  # raised: rolled back, answered with an error reference
OUTCOME_FORGED = "forged"  # an edit or a removal by someone who may not make it
NOT_A_COMMAND = ("", OUTCOME_ERROR, OUTCOME_CRASH)


class _HandledBefore(Exception):
    """The event turned out to be on record already (a replay): what it did is rolled back."""


def _record_event(db: Session, values: dict[str, Any]) -> None:
    """Record a handled event, or raise ``_HandledBefore`` if it is on record already."""
    conn = connection_of(db)
    query = _RECORD_EVENT.get(conn.dialect.name)
    if query is None:  # pragma: no cover - SQLite and PostgreSQL are the databases supported
        if db.get(ChatEvent, values["event_id"]) is not None:
            raise _HandledBefore
        conn.execute(_INSERT_CHAT_EVENT, values)
        return
    if query.execute(conn, values).first() is None:
        raise _HandledBefore
