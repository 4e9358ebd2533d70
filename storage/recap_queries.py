"""Aggregates for the recap, computed in SQL with the contribution indexes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Contribution, ContributionMonth


def newcomers(db: Session, room_id: str, start: dt.date, end: dt.date) -> list[str]:
    """People whose first contribution in the room falls in ``start <= day < end``, by that
    day. One query that reads the person index by jumps, a few entries per person, whatever the
    number of contributions: the room's people one after the other (the next id after the last),
    and the first day of each."""
    user, day = col(Contribution.user_id), col(Contribution.day)
    in_room = col(Contribution.room_id) == room_id
    people = select(select(func.min(user)).where(in_room).scalar_subquery().label("user_id")).cte(
        "people", recursive=True
    )
    following = select(func.min(user)).where(in_room, user > people.c.user_id).scalar_subquery()
    people = people.union_all(select(following).where(people.c.user_id.is_not(None)))
    first_day = select(func.min(day)).where(in_room, user == people.c.user_id).scalar_subquery()
    firsts = db.exec(select(people.c.user_id, first_day).where(people.c.user_id.is_not(None))).all()
    return [u for first, u in sorted((d, u) for u, d in firsts if start <= d < end)]


def people_per_project(
    db: Session, room_id: str, start: dt.date, end: dt.date
) -> dict[int | None, int]:
    """How many different people contributed to each project: whole months read from
    ``contribution_month``, the days before and after them from the contributions."""
    first_month = start if start.day == 1 else _next_month(start)
    last_month = end.replace(day=1)
    pairs: set[tuple[str, int | None]] = set()
    day_ranges = [(start, end)]
    if first_month < last_month:
        day_ranges = [(start, first_month), (last_month, end)]
        for user, key in db.exec(
            select(ContributionMonth.user_id, ContributionMonth.project_key)
            .where(
                ContributionMonth.room_id == room_id,
                ContributionMonth.month >= first_month,
                ContributionMonth.month < last_month,
                col(ContributionMonth.count) > 0,
            )
            .distinct()
        ).all():
            pairs.add((user, key or None))
    for lo, hi in day_ranges:
        if lo >= hi:
            continue
        for user, pid in db.exec(
            select(Contribution.user_id, Contribution.project_id)
            .where(Contribution.room_id == room_id, Contribution.day >= lo, Contribution.day < hi)
            .distinct()
        ).all():
            pairs.add((user, pid))
    counts: dict[int | None, int] = {}
    for _, pid in pairs:
        counts[pid] = counts.get(pid, 0) + 1
    return counts


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


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


def minutes_by_project_month(
    db: Session, room_id: str, start: dt.date, end: dt.date
) -> list[tuple[int | None, dt.date, int]]:
    """Minutes per (project, month) of the months ``start <= month < end`` (the first days of
    whole months) that have contributions, from ``contribution_month``: a few rows per person
    and month instead of every contribution."""
    key, month = col(ContributionMonth.project_key), col(ContributionMonth.month)
    rows = db.exec(
        select(key, month, func.sum(ContributionMonth.minutes))
        .where(
            ContributionMonth.room_id == room_id,
            month >= start,
            month < end,
            col(ContributionMonth.count) > 0,
        )
        .group_by(key, month)
        .order_by(key, month)
    ).all()
    return [(k or None, m, int(minutes or 0)) for k, m, minutes in rows]
