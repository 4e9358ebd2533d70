"""Numbers per room: the ``#12`` of a contribution, the ``#3`` of a bucket or of ``!valider 3``.

Each numbered record has an internal ``id`` (global, used between tables and in the audit) and a
``number`` that people read and type, unique in its room. A room's next number of a kind comes
from ``room_counter``, bumped in the transaction that creates the record: the counter never goes
down, so a number is never handed out twice, even after its record was deleted. Writers are
serialised (see ``storage.db.transaction``), and the bump is a single upsert, so two records
created in one batch or at once get distinct numbers.
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

from storage.db import connection_of
from storage.prepared import Prepared

CONTRIBUTION = "contribution"
ROUND = "round"
BUCKET = "bucket"
ENVELOPE = "envelope"
REQUEST = "request"

# numbers beyond this were never handed out (and would not fit a 64-bit integer column)
LARGEST = 2**62

# one statement on SQLite (3.35+) and PostgreSQL alike
_BUMP = Prepared(
    text(
        "INSERT INTO room_counter (room_id, kind, last) VALUES (:room_id, :kind, 1) "
        "ON CONFLICT (room_id, kind) DO UPDATE SET last = room_counter.last + 1 "
        "RETURNING last"
    ),
    ("room_id", "kind"),
)

Numbered = TypeVar("Numbered", bound=SQLModel)


def next_number(db: Session, room_id: str, kind: str) -> int:
    """The next number of ``kind`` in ``room_id``, taken for good (in the caller's transaction)."""
    return int(_BUMP.execute(connection_of(db), {"room_id": room_id, "kind": kind}).scalar_one())


def by_number(db: Session, model: type[Numbered], room_id: str, number: int) -> Numbered | None:
    """The record of ``model`` numbered ``number`` in ``room_id``, if there is one: never a record
    of another room."""
    if not 0 < number < LARGEST:
        return None
    return db.exec(
        select(model).where(
            model.room_id == room_id,  # type: ignore[attr-defined]
            model.number == number,  # type: ignore[attr-defined]
        )
    ).first()
