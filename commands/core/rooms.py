"""Rooms, their members and people's names, as the dispatcher records them from events."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col, select

from commands.core.settings import Settings
from commands.events import AnyEvent
from storage import clock
from storage.models import Member, Person, Room


def platform_of(room: Room) -> str:
    """The room's platform; a room row without one is refused, never taken for a console."""
    if not room.platform:
        raise ValueError(f"room {room.id!r} has no platform: its row cannot be used")
    return room.platform


def get_room(db: Session, event: AnyEvent, settings: Settings) -> Room:
    # rooms are kept for the whole transaction (the session itself only holds them weakly)
    rooms: dict[str, Room] = db.info.setdefault("rooms", {})
    room = rooms.get(event.room_id) or db.get(Room, event.room_id)
    if room is None:
        room = Room(
            id=event.room_id,
            platform=event.platform,
            name=event.room_name,
            language=settings.default_language,
            timezone=settings.default_timezone,
            currency=settings.default_currency,
        )
        db.add(room)
        db.flush()
    else:
        platform_of(room)
        if event.room_name and room.name != event.room_name:
            room.name = event.room_name
    rooms[room.id] = room
    return room


def _upsert(db: Session, model: Any) -> Any:
    """The dialect's ``INSERT ... ON CONFLICT`` (SQLite and PostgreSQL both have it)."""
    if db.get_bind().dialect.name == "postgresql":
        return pg_insert(model)
    return sqlite_insert(model)


def remember_member(
    db: Session, room_id: str, user_id: str, joined: bool = True, now: dt.datetime | None = None
) -> None:
    """Record that ``user_id`` is in the room (or left it), in one statement: a new member is
    inserted, a member whose state changed is updated, anything else is left as it is."""
    at = now or clock.now()
    table = Member.__table__  # type: ignore[attr-defined]
    query = _upsert(db, table).values(
        room_id=room_id, user_id=user_id, joined=joined, is_bot=False, first_seen=at, updated_at=at
    )
    query = query.on_conflict_do_update(
        index_elements=[table.c.room_id, table.c.user_id],
        set_={"joined": query.excluded.joined, "updated_at": query.excluded.updated_at},
        where=table.c.joined != query.excluded.joined,
    ).returning(table.c.user_id)
    if db.connection().execute(query).first() is not None:
        db.info.pop("names", None)  # who is in the room changes how names are told apart


def room_members(db: Session, room_id: str) -> list[str]:
    """The user ids of the room's current members (bots excluded), sorted."""
    rows = db.exec(
        select(Member.user_id).where(
            Member.room_id == room_id,
            col(Member.joined).is_(True),
            col(Member.is_bot).is_(False),
        )
    ).all()
    return sorted(rows)


def remember_person(
    db: Session, user_id: str, display_name: str, now: dt.datetime | None = None
) -> None:
    """Record a person's display name as last seen, in one statement (people are shared by
    every room: an upsert never fails because another room's unit of work added them first)."""
    if not display_name:
        return
    table = Person.__table__  # type: ignore[attr-defined]
    query = _upsert(db, table).values(
        user_id=user_id, display_name=display_name, updated_at=now or clock.now()
    )
    query = query.on_conflict_do_update(
        index_elements=[table.c.user_id],
        set_={
            "display_name": query.excluded.display_name,
            "updated_at": query.excluded.updated_at,
        },
        where=table.c.display_name != query.excluded.display_name,
    ).returning(table.c.user_id)
    if db.connection().execute(query).first() is not None:
        db.info.pop("names", None)  # one new name can change how others are told apart
