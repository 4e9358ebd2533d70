"""The chat adapters' own key–value table (``AdapterCursor``): read and written through the
runtime, never by the core."""

from __future__ import annotations

from sqlmodel import Session, col, select

from storage.clock import now
from storage.models import AdapterCursor


def read(db: Session, platform: str, prefix: str = "") -> dict[str, str]:
    """``platform``'s values whose key starts with ``prefix``, by key."""
    query = select(AdapterCursor).where(AdapterCursor.platform == platform)
    if prefix:
        query = query.where(col(AdapterCursor.key).startswith(prefix, autoescape=True))
    return {row.key: row.value for row in db.exec(query)}


def write(db: Session, platform: str, key: str, value: str | None) -> None:
    """Keep ``value`` under ``key`` (``None``: forget the key)."""
    row = db.get(AdapterCursor, (platform, key))
    if value is None:
        if row is not None:
            db.delete(row)
        return
    if row is None:
        db.add(AdapterCursor(platform=platform, key=key, value=value))
    elif row.value != value:
        row.value = value
        row.updated_at = now()
        db.add(row)


# the Matrix power level from which a member is a room's admin: a setting of the Matrix adapter,
# kept among its keys, that a room's admins may change (``!reglages admin 50``)
MATRIX = "matrix"
ADMIN_LEVEL = "admin_level:"
DEFAULT_ADMIN_LEVEL = 50


def admin_level(db: Session, room_id: str) -> int:
    """The room's admin power level (``DEFAULT_ADMIN_LEVEL`` when never set)."""
    row = db.get(AdapterCursor, (MATRIX, f"{ADMIN_LEVEL}{room_id}"))
    return int(row.value) if row is not None else DEFAULT_ADMIN_LEVEL


def set_admin_level(db: Session, room_id: str, level: int) -> None:
    write(db, MATRIX, f"{ADMIN_LEVEL}{room_id}", str(level))
