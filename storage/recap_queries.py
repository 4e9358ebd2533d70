"""Aggregates for the recap, computed in SQL with the contribution indexes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, exists, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from storage.models import Contribution


def newcomers(db: Session, room_id: str, start: dt.date, end: dt.date) -> list[str]:
    """People whose first contribution in the room falls in ``start <= day < end``."""
    earlier = aliased(Contribution)
    rows = db.exec(
        select(Contribution.user_id)
        .where(
            Contribution.room_id == room_id,
            Contribution.day >= start,
            Contribution.day < end,
            ~exists().where(
                and_(
                    col(earlier.room_id) == room_id,
                    col(earlier.user_id) == col(Contribution.user_id),
                    col(earlier.day) < start,
                )
            ),
        )
        .group_by(col(Contribution.user_id))
        .order_by(func.min(Contribution.day), col(Contribution.user_id))
    ).all()
    return list(rows)


def people_per_project(
    db: Session, room_id: str, start: dt.date, end: dt.date
) -> dict[int | None, int]:
    """How many different people contributed to each project."""
    rows = db.exec(
        select(Contribution.project_id, func.count(func.distinct(Contribution.user_id)))
        .where(Contribution.room_id == room_id, Contribution.day >= start, Contribution.day < end)
        .group_by(col(Contribution.project_id))
    ).all()
    return {pid: int(n) for pid, n in rows}


def minutes_by_project_day(
    db: Session, room_id: str, start: dt.date, end: dt.date
) -> list[tuple[int | None, dt.date, int]]:
    """Minutes per (project, day): the chart groups days into weeks or months."""
    minutes = func.sum(Contribution.minutes)
    rows = db.exec(
        select(col(Contribution.project_id), col(Contribution.day), minutes)
        .where(Contribution.room_id == room_id, Contribution.day >= start, Contribution.day < end)
        .group_by(col(Contribution.project_id), col(Contribution.day))
    ).all()
    return [(pid, day, int(m or 0)) for pid, day, m in rows]
