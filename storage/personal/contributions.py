"""A person's contributions: what they logged (or was logged for them), as rows or summed per
room and project (``!moi``), and the sections of ``!mesdonnees`` about them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Contribution, Room


def on_platform(query: Any, room_column: Any, platform: str | None) -> Any:
    """``query`` kept to the rooms of ``platform`` (``None``: every room)."""
    if platform is None:
        return query
    return query.join(Room, col(Room.id) == room_column).where(Room.platform == platform)


def contributions_of(
    db: Session,
    user_id: str,
    *,
    platform: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[Contribution]:
    """What ``user_id`` logged (or was logged for them), oldest first: in every room, or in the
    rooms of ``platform``; on the days ``start <= day < end`` when given."""
    query = select(Contribution).where(Contribution.user_id == user_id)
    if start is not None:
        query = query.where(Contribution.day >= start)
    if end is not None:
        query = query.where(Contribution.day < end)
    query = on_platform(query, Contribution.room_id, platform)
    return list(db.exec(query.order_by(col(Contribution.day), col(Contribution.id))).all())


def minutes_of(
    db: Session,
    user_id: str,
    *,
    platform: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[tuple[str, int | None, int]]:
    """``contributions_of`` summed in the database: (room id, project id or ``None``, minutes)
    per room and project."""
    query = select(
        col(Contribution.room_id), col(Contribution.project_id), func.sum(Contribution.minutes)
    ).where(Contribution.user_id == user_id)
    if start is not None:
        query = query.where(Contribution.day >= start)
    if end is not None:
        query = query.where(Contribution.day < end)
    query = on_platform(query, Contribution.room_id, platform)
    query = query.group_by(col(Contribution.room_id), col(Contribution.project_id))
    return [(room_id, project_id, int(total)) for room_id, project_id, total in db.exec(query)]


def contribution_sections(db: Session, user_id: str, projects: dict[Any, str]) -> dict[str, Any]:
    """``contributions`` and ``logged_for_others`` (``projects``: codes by id)."""
    doc: dict[str, Any] = {}
    doc["contributions"] = [
        {
            "room": c.room_id,
            "number": c.number,
            "day": c.day,
            "minutes": c.minutes,
            "project": projects.get(c.project_id, "") if c.project_id else "",
            "description": c.description,
            "logged_by": c.created_by,
            "created_at": c.created_at,
            "updated_at": c.updated_at,
        }
        for c in contributions_of(db, user_id)
    ]
    doc["logged_for_others"] = [
        {"room": room_id, "number": number, "day": day, "minutes": minutes}
        for room_id, number, day, minutes in db.exec(
            select(
                col(Contribution.room_id),
                col(Contribution.number),
                col(Contribution.day),
                col(Contribution.minutes),
            )
            .where(Contribution.created_by == user_id, Contribution.user_id != user_id)
            .order_by(col(Contribution.id))
        ).all()
    ]
    return doc
