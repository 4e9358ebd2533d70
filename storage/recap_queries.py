"""Aggregates for the recap, computed in SQL with the contribution indexes."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Contribution, ContributionMonth


def newcomers(db: Session, room_id: str, start: dt.date, end: dt.date) -> list[str]:
    """People whose first contribution in the room falls in ``start <= day < end``, by that
    day. Each person's first month comes from ``contribution_month`` (a few rows per person);
    only those whose first month meets the period are looked up day by day."""
    first_months = db.exec(
        select(ContributionMonth.user_id, func.min(ContributionMonth.month))
        .where(ContributionMonth.room_id == room_id, col(ContributionMonth.count) > 0)
        .group_by(col(ContributionMonth.user_id))
    ).all()
    candidates = [u for u, month in first_months if start.replace(day=1) <= month < end]
    if not candidates:
        return []
    firsts: list[tuple[dt.date, str]] = []
    for i in range(0, len(candidates), 500):
        for user, day in db.exec(
            select(Contribution.user_id, func.min(Contribution.day))
            .where(
                Contribution.room_id == room_id,
                col(Contribution.user_id).in_(candidates[i : i + 500]),
            )
            .group_by(col(Contribution.user_id))
        ).all():
            if start <= day < end:
                firsts.append((day, user))
    return [user for _, user in sorted(firsts)]


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
