"""Totals read from the monthly roll-up (kept by database triggers) equal totals computed from
the contributions themselves, whatever was inserted, changed or deleted, and whatever the
period, on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, insert, text, update
from sqlmodel import Session, select

from storage.db import transaction
from storage.models import Contribution, Project, Room
from storage.queries import contribution_totals
from storage.recap_queries import minutes_by_project_month, newcomers

DAY0 = dt.date(2026, 1, 1)
USERS = ["@a", "@b", "@c"]

operation = st.one_of(
    st.tuples(
        st.just("add"),
        st.sampled_from(USERS),
        st.integers(0, 400),  # day offset
        st.sampled_from([None, 1, 2]),
        st.integers(1, 600),
    ),
    st.tuples(
        st.just("move"), st.integers(0, 50), st.integers(0, 400), st.sampled_from([None, 1, 2])
    ),
    st.tuples(st.just("drop"), st.integers(0, 50)),
)
period = st.tuples(st.integers(-20, 420), st.integers(0, 450)).map(
    lambda p: (DAY0 + dt.timedelta(days=p[0]), DAY0 + dt.timedelta(days=p[0] + p[1]))
)


def naive(db: Session, start: dt.date, end: dt.date, user=None, project=None):
    people: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    projects: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    for c in db.exec(select(Contribution).where(Contribution.room_id == "r")).all():
        if (
            not start <= c.day < end
            or (user and c.user_id != user)
            or (project and c.project_id != project)
        ):
            continue
        for slot in (people[c.user_id], projects[c.project_id]):
            slot[0] += c.minutes
            slot[1] += 1
    return (
        sorted((u, m, n) for u, (m, n) in people.items()),
        sorted(((p or 0, m, n) for p, (m, n) in projects.items())),
    )


def apply(engine, ops, counter=[0]) -> None:  # noqa: B006 - a counter across examples
    table = Contribution.__table__  # type: ignore[attr-defined]
    with transaction(engine) as db:
        ids = [row[0] for row in db.execute(text("SELECT id FROM contribution ORDER BY id")).all()]
        for op in ops:
            counter[0] += 1
            if op[0] == "add":
                _, user, offset, project, minutes = op
                now = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)
                db.execute(
                    insert(table).values(
                        room_id="r",
                        user_id=user,
                        minutes=minutes,
                        day=DAY0 + dt.timedelta(days=offset),
                        project_id=project,
                        description="",
                        number=counter[0],
                        event_id=f"$e{counter[0]}",
                        created_by=user,
                        created_at=now,
                        updated_at=now,
                    )
                )
            elif op[0] == "move" and ids:
                _, which, offset, project = op
                db.execute(
                    update(table)
                    .where(table.c.id == ids[which % len(ids)])
                    .values(day=DAY0 + dt.timedelta(days=offset), project_id=project)
                )
            elif op[0] == "drop" and ids:
                victim = ids[op[1] % len(ids)]
                db.execute(delete(table).where(table.c.id == victim))
                ids.remove(victim)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_engine(request):
    engine = request.getfixturevalue("engine" if request.param == "sqlite" else "postgres_engine")
    with transaction(engine) as db:
        db.add(Room(id="r", platform="console"))
        db.flush()
        db.add(Project(id=1, room_id="r", code="A", code_key="a"))
        db.add(Project(id=2, room_id="r", code="B", code_key="b"))
    return engine


@pytest.mark.unchecked_ledger  # rows inserted without the room's counters
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ops=st.lists(operation, min_size=1, max_size=25),
    periods=st.lists(period, min_size=1, max_size=4),
)
def test_rollup_totals_equal_the_raw_totals(db_engine, ops, periods):
    apply(db_engine, ops)
    with Session(db_engine) as db:
        for start, end in periods:
            for user, project in ((None, None), ("@a", None), (None, 1)):
                got = contribution_totals(db, "r", start, end, user_id=user, project_id=project)
                people, projects = naive(db, start, end, user, project)
                assert sorted(got.by_person) == people
                assert sorted((p or 0, m, n) for p, m, n in got.by_project) == projects
                assert got.minutes == sum(m for _, m, _ in people)


@pytest.mark.unchecked_ledger  # rows inserted without the room's counters
@settings(
    max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    ops=st.lists(operation, min_size=1, max_size=25),
    periods=st.lists(period, min_size=1, max_size=3),
)
def test_people_newcomers_and_monthly_minutes_equal_the_raw_ones(db_engine, ops, periods):
    apply(db_engine, ops)
    with Session(db_engine) as db:
        rows = db.exec(select(Contribution).where(Contribution.room_id == "r")).all()
        firsts: dict[str, dt.date] = {}
        for c in rows:
            firsts[c.user_id] = min(c.day, firsts.get(c.user_id, c.day))
        for start, end in periods:
            pairs = {(c.user_id, c.project_id) for c in rows if start <= c.day < end}
            people: dict[int | None, int] = defaultdict(int)
            for _, project in pairs:
                people[project] += 1
            totals = contribution_totals(db, "r", start, end)
            assert totals.people_by_project == dict(people)
            assert newcomers(db, "r", start, end) == [
                u for d, u in sorted((d, u) for u, d in firsts.items() if start <= d < end)
            ]
            first = start if start.day == 1 else (start.replace(day=1) + dt.timedelta(days=32))
            first, last = first.replace(day=1), end.replace(day=1)
            months: dict[tuple[int | None, dt.date], int] = defaultdict(int)
            for c in rows:
                if first <= c.day < last:
                    months[(c.project_id, c.day.replace(day=1))] += c.minutes
            got = minutes_by_project_month(db, "r", first, last) if first < last else []
            assert sorted(got, key=lambda r: (r[0] or 0, r[1])) == sorted(
                ((p, m, n) for (p, m), n in months.items()), key=lambda r: (r[0] or 0, r[1])
            )
