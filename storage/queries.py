"""Aggregate queries: totals are computed in SQL, with the contribution indexes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Contribution, Project


@dataclass(frozen=True)
class Totals:
    minutes: int
    count: int
    by_person: list[tuple[str, int, int]]  # user_id, minutes, count
    by_project: list[tuple[int | None, int, int]]  # project_id, minutes, count


def contribution_totals(
    db: Session,
    room_id: str,
    start: dt.date,
    end: dt.date,
    *,
    user_id: str | None = None,
    project_id: int | None = None,
) -> Totals:
    """Totals of a room's contributions with ``start <= day < end``, per person and per project.

    One pass in SQL, grouped by (person, project) on a covering index; the two views are summed
    from its few rows."""
    conds = [
        Contribution.room_id == room_id,
        Contribution.day >= start,
        Contribution.day < end,
    ]
    if user_id is not None:
        conds.append(Contribution.user_id == user_id)
    if project_id is not None:
        conds.append(Contribution.project_id == project_id)
    rows = db.exec(
        select(
            Contribution.user_id,
            Contribution.project_id,
            func.sum(Contribution.minutes),
            func.count(),
        )
        .where(*conds)
        .group_by(col(Contribution.user_id), col(Contribution.project_id))
    ).all()
    people: dict[str, list[int]] = {}
    projects: dict[int | None, list[int]] = {}
    for user, project, minutes, count in rows:
        for bucket in (people.setdefault(user, [0, 0]), projects.setdefault(project, [0, 0])):
            bucket[0] += int(minutes or 0)
            bucket[1] += int(count)
    by_person = sorted(((u, m, c) for u, (m, c) in people.items()), key=lambda r: (-r[1], r[0]))
    by_project = sorted(
        ((p, m, c) for p, (m, c) in projects.items()),
        key=lambda r: (-r[1], r[0] is None, r[0] or 0),
    )
    return Totals(
        minutes=sum(m for _, m, _ in by_person),
        count=sum(c for _, _, c in by_person),
        by_person=by_person,
        by_project=by_project,
    )


def list_contributions(
    db: Session,
    room_id: str,
    start: dt.date,
    end: dt.date,
    *,
    user_id: str | None = None,
    project_id: int | None = None,
    limit: int | None = None,
) -> list[Contribution]:
    query = select(Contribution).where(
        Contribution.room_id == room_id, Contribution.day >= start, Contribution.day < end
    )
    if user_id is not None:
        query = query.where(Contribution.user_id == user_id)
    if project_id is not None:
        query = query.where(Contribution.project_id == project_id)
    query = query.order_by(col(Contribution.day).desc(), col(Contribution.id).desc())
    if limit is not None:
        query = query.limit(limit)
    return list(db.exec(query).all())


def room_projects(db: Session, room_id: str, *, include_archived: bool = True) -> list[Project]:
    query = select(Project).where(Project.room_id == room_id)
    if not include_archived:
        query = query.where(col(Project.archived).is_(False))
    return list(db.exec(query.order_by(Project.code)).all())
