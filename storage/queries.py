"""Aggregate queries: totals are computed in SQL, with the contribution indexes."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Contribution, ContributionMonth, Member, Person, Project


@dataclass(frozen=True)
class Totals:
    minutes: int
    count: int
    by_person: list[tuple[str, int, int]]  # user_id, minutes, count
    by_project: list[tuple[int | None, int, int]]  # project_id, minutes, count
    # project_id -> how many different people contributed to it
    people_by_project: dict[int | None, int] = field(default_factory=dict)


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

    Whole months are read from ``contribution_month`` (kept by triggers), the days before and
    after them from the contributions, on a covering index; both grouped by (person, project)."""
    first_month = start if start.day == 1 else _next_month(start)
    last_month = end.replace(day=1)
    cells: dict[tuple[str, int], list[int]] = {}
    if first_month < last_month:
        _add_rows(cells, _sum_rows(db, True, room_id, first_month, last_month, user_id, project_id))
        for lo, hi in ((start, first_month), (last_month, end)):
            if lo < hi:
                _add_rows(cells, _sum_rows(db, False, room_id, lo, hi, user_id, project_id))
    else:
        _add_rows(cells, _sum_rows(db, False, room_id, start, end, user_id, project_id))
    people: dict[str, list[int]] = {}
    projects: dict[int | None, list[int]] = {}
    people_by_project: dict[int | None, int] = {}
    for (user, key), (minutes, count) in cells.items():
        if count == 0:
            continue
        for slot in (people.setdefault(user, [0, 0]), projects.setdefault(key or None, [0, 0])):
            slot[0] += minutes
            slot[1] += count
        people_by_project[key or None] = people_by_project.get(key or None, 0) + 1
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
        people_by_project=people_by_project,
    )


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1)


def _add_rows(cells: dict[tuple[str, int], list[int]], rows: Iterable[Any]) -> None:
    for user, key, minutes, count in rows:
        cell = cells.setdefault((user, int(key or 0)), [0, 0])
        cell[0] += int(minutes or 0)
        cell[1] += int(count or 0)


def _sum_rows(
    db: Session,
    monthly: bool,
    room_id: str,
    start: dt.date,
    end: dt.date,
    user_id: str | None,
    project_id: int | None,
) -> Iterable[Any]:
    """Minutes and count per (person, project) from ``start`` to ``end``: the days of the
    contributions themselves, or (``monthly``) the months of their totals."""
    columns: tuple[Any, ...]
    if monthly:
        m = ContributionMonth
        columns = (m.room_id, m.month, m.user_id, col(m.project_key), m.minutes, func.sum(m.count))
    else:
        c = Contribution
        columns = (c.room_id, c.day, c.user_id, col(c.project_id), c.minutes, func.count())
    room, when, user, project, minutes, count = columns
    conds: list[Any] = [room == room_id, when >= start, when < end]
    if user_id is not None:
        conds.append(user == user_id)
    if project_id is not None:
        conds.append(project == project_id)
    return db.exec(
        select(user, project, func.sum(minutes), count).where(*conds).group_by(user, project)
    ).all()


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


def display_names(
    db: Session, user_ids: Iterable[str], room_id: str | None = None
) -> dict[str, str]:
    """How to name many people at once: their display names (falling back to their ids), with
    the id added (``Alice (@alice:server)``) wherever someone could be taken for someone else:
    two people of the room (members, past members, or among ``user_ids``) share a display name,
    a display name is another person's id or the local part of it, or a display name holds an
    ``@`` (it could pass for an id). ``room_id`` None compares only ``user_ids`` among themselves."""
    wanted = set(user_ids)
    people: dict[str, str] = {}
    if room_id is not None:
        # everyone of the room, with their names, in one query
        for user_id, name in db.exec(
            select(Member.user_id, Person.display_name)
            .join(Person, col(Person.user_id) == col(Member.user_id), isouter=True)
            .where(Member.room_id == room_id)
        ).all():
            people[user_id] = name or ""
    others = [u for u in wanted if u not in people]
    for u in others:
        people[u] = ""
    for i in range(0, len(others), 500):
        for user_id, name in db.exec(
            select(Person.user_id, Person.display_name).where(
                col(Person.user_id).in_(others[i : i + 500])
            )
        ).all():
            people[user_id] = name or ""
    return label_people(people, wanted)


def room_names(db: Session, room_id: str, also: Iterable[str] = ()) -> dict[str, str]:
    """``display_names`` of everyone of the room (members and past members) and of ``also``."""
    people: dict[str, str] = {}
    for user_id, name in db.exec(
        select(Member.user_id, Person.display_name)
        .join(Person, col(Person.user_id) == col(Member.user_id), isouter=True)
        .where(Member.room_id == room_id)
    ).all():
        people[user_id] = name or ""
    others = [u for u in set(also) if u not in people]
    for u in others:
        people[u] = ""
    for i in range(0, len(others), 500):
        for user_id, name in db.exec(
            select(Person.user_id, Person.display_name).where(
                col(Person.user_id).in_(others[i : i + 500])
            )
        ).all():
            people[user_id] = name or ""
    return label_people(people, people.keys())


def _name_key(text: str) -> str:
    """Names compare without case, accents, spaces or invisible characters."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(filter(str.isalnum, decomposed))


def label_people(people: dict[str, str], wanted: Iterable[str]) -> dict[str, str]:
    """``people`` (id -> display name) are everyone one could be taken for; the label of each
    id of ``wanted`` (see ``display_names``)."""
    claims: dict[str, set[str]] = {}  # a name key -> the people it could designate
    for user_id, name in people.items():
        local = user_id.removeprefix("@").split(":", 1)[0]
        for key in {_name_key(name), _name_key(local), _name_key(user_id)}:
            if key:
                claims.setdefault(key, set()).add(user_id)
    out: dict[str, str] = {}
    for user_id in wanted:
        name = people.get(user_id, "").strip()
        if not name:
            out[user_id] = user_id
            continue
        key = _name_key(name)
        doubtful = (
            not key or claims.get(key, {user_id}) != {user_id} or ("@" in name and name != user_id)
        )
        out[user_id] = f"{name} ({user_id})" if doubtful and name != user_id else name
    return out
