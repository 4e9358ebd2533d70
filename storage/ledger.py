"""Read-only figures of a room's ledger, each in one query whatever the number of rows: what the
chat answers (``!tour``, ``!buckets``, ``!solde tous``, ``!budget``) and the room's page
(``commands.ledger``) both show, so that they always agree."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, literal, or_, union_all
from sqlmodel import Session, col, select

from storage.models import (
    Allocation,
    Audit,
    Bucket,
    BudgetEnvelope,
    BudgetQuestion,
    BudgetRequest,
    BudgetValidation,
    Funding,
)
from storage.models.cobudget import holding


def round_money(db: Session, round_id: int) -> tuple[int, int]:
    """(allocated to members, held in buckets) of a round."""
    given = (
        select(func.coalesce(func.sum(Allocation.cents), 0))
        .where(Allocation.round_id == round_id)
        .scalar_subquery()
    )
    used = (
        select(func.coalesce(func.sum(Funding.cents), 0))
        .where(Funding.round_id == round_id, holding(round_id=round_id))
        .scalar_subquery()
    )
    a, b = db.exec(select(given, used)).one()
    return int(a), int(b)


def bucket_totals(
    db: Session, round_id: int, bucket_ids: list[int] | None = None
) -> dict[int, tuple[int, int]]:
    """Bucket id -> (cents held, distinct funders), for the round's buckets with any funding
    (or those of ``bucket_ids``)."""
    query = select(
        Funding.bucket_id,
        func.sum(Funding.cents),
        func.count(func.distinct(Funding.funder)),
    ).where(Funding.round_id == round_id, holding(round_id=round_id))
    if bucket_ids is not None:
        query = query.where(col(Funding.bucket_id).in_(bucket_ids))
    rows = db.exec(query.group_by(col(Funding.bucket_id))).all()
    return {int(b): (int(c or 0), int(n)) for b, c, n in rows}


def bucket_funders(
    db: Session, round_id: int, bucket_ids: list[int] | None = None
) -> dict[int, list[tuple[str, int]]]:
    """Bucket id -> [(funder, cents)], most first, for the whole round (or ``bucket_ids``)."""
    query = select(Funding.bucket_id, Funding.funder, func.sum(Funding.cents)).where(
        Funding.round_id == round_id, holding(round_id=round_id)
    )
    if bucket_ids is not None:
        query = query.where(col(Funding.bucket_id).in_(bucket_ids))
    rows = db.exec(query.group_by(col(Funding.bucket_id), col(Funding.funder))).all()
    out: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for bucket_id, funder, cents in rows:
        out[int(bucket_id)].append((funder, int(cents or 0)))
    for funders in out.values():
        funders.sort(key=lambda item: (-item[1], item[0]))
    return dict(out)


def balances(db: Session, round_id: int) -> list[tuple[str, int, int]]:
    """(person, allocated, held in buckets) of everyone allocated something in the round, by
    person (one query)."""
    given: Any = select(
        col(Allocation.user_id).label("user"),
        col(Allocation.cents).label("given"),
        literal(0).label("used"),
        literal(1).label("allocated"),
    ).where(Allocation.round_id == round_id)
    used: Any = select(
        col(Funding.funder).label("user"), literal(0), col(Funding.cents), literal(0)
    ).where(Funding.round_id == round_id, holding(round_id=round_id))
    both = union_all(given, used).subquery()
    rows = db.exec(
        select(both.c.user, func.sum(both.c.given), func.sum(both.c.used))
        .group_by(both.c.user)
        # only the people allocated something are listed
        .having(func.sum(both.c.allocated) > 0)
    ).all()
    return [(u, int(g), int(h)) for u, g, h in sorted(rows)]


@dataclass(frozen=True)
class RequestVotes:
    validations: list[tuple[str, bool]]  # (who, as an admin), in order
    questions: list[tuple[str, str]]  # (who, text), in order

    @property
    def by_admin(self) -> bool:
        return any(admin for _, admin in self.validations)


def request_votes(db: Session, envelope_id: int) -> dict[int, RequestVotes]:
    """Request id -> its validations and questions, for every request of an envelope (two
    queries)."""
    validations: dict[int, list[tuple[str, bool]]] = defaultdict(list)
    questions: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for request_id, user, admin in db.exec(
        select(BudgetValidation.request_id, BudgetValidation.user_id, BudgetValidation.by_admin)
        .join(BudgetRequest, col(BudgetRequest.id) == col(BudgetValidation.request_id))
        .where(BudgetRequest.envelope_id == envelope_id)
        .order_by(col(BudgetValidation.id))
    ).all():
        validations[int(request_id)].append((user, bool(admin)))
    for request_id, user, text in db.exec(
        select(BudgetQuestion.request_id, BudgetQuestion.user_id, BudgetQuestion.text)
        .join(BudgetRequest, col(BudgetRequest.id) == col(BudgetQuestion.request_id))
        .where(BudgetRequest.envelope_id == envelope_id)
        .order_by(col(BudgetQuestion.id))
    ).all():
        questions[int(request_id)].append((user, text))
    return {
        rid: RequestVotes(validations.get(rid, []), questions.get(rid, []))
        for rid in set(validations) | set(questions)
    }


def bucket_page(db: Session, round_id: int, offset: int, limit: int) -> tuple[list[Bucket], int]:
    """A page of a round's buckets, by number, and how many the round has."""
    total = db.exec(
        select(func.count()).select_from(Bucket).where(Bucket.round_id == round_id)
    ).one()
    rows = db.exec(
        select(Bucket)
        .where(Bucket.round_id == round_id)
        .order_by(col(Bucket.number))
        .offset(offset)
        .limit(limit)
    ).all()
    return list(rows), int(total)


# -- the journal ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class JournalFilter:
    person: str | None = None
    project_id: int | None = None
    kind: str | None = None  # an ``Audit.object_kind``


def _project_condition(db: Session, room_id: str, project_id: int) -> object:
    """Audit rows about a project: the project itself, its contributions (before or after a
    change), its envelopes and their requests."""
    details = col(Audit.details)
    envelopes = [
        str(e)
        for e in db.exec(
            select(BudgetEnvelope.id).where(
                BudgetEnvelope.room_id == room_id, BudgetEnvelope.project_id == project_id
            )
        ).all()
    ]
    requests = (
        [
            str(r)
            for r in db.exec(
                select(BudgetRequest.id).where(
                    col(BudgetRequest.envelope_id).in_([int(e) for e in envelopes])
                )
            ).all()
        ]
        if envelopes
        else []
    )
    about_contribution = and_(
        col(Audit.object_kind) == "contribution",
        or_(
            details["project_id"].as_integer() == project_id,
            details["before"]["project_id"].as_integer() == project_id,
            details["after"]["project_id"].as_integer() == project_id,
        ),
    )
    options = [
        about_contribution,
        and_(col(Audit.object_kind) == "project", col(Audit.object_id) == str(project_id)),
    ]
    if envelopes:
        options.append(
            and_(col(Audit.object_kind) == "budget_envelope", col(Audit.object_id).in_(envelopes))
        )
    if requests:
        options.append(
            and_(col(Audit.object_kind) == "budget_request", col(Audit.object_id).in_(requests))
        )
    return or_(*options)


def journal(
    db: Session,
    room_id: str,
    where: JournalFilter,
    *,
    before_id: int | None = None,
    after_id: int | None = None,
    limit: int = 50,
) -> tuple[list[Audit], bool]:
    """A page of the room's audit trail, newest first: the rows before ``before_id`` (or after
    ``after_id``), and whether there are more beyond them."""
    conds: list[object] = [Audit.room_id == room_id]
    if where.person is not None:
        details = col(Audit.details)
        conds.append(
            or_(
                col(Audit.actor) == where.person,
                details["user"].as_string() == where.person,
                details["funder"].as_string() == where.person,
            )
        )
    if where.kind is not None:
        conds.append(Audit.object_kind == where.kind)
    if where.project_id is not None:
        conds.append(_project_condition(db, room_id, where.project_id))
    query = select(Audit).where(*conds)  # type: ignore[arg-type]
    if after_id is not None:
        rows = list(
            db.exec(
                query.where(col(Audit.id) > after_id).order_by(col(Audit.id)).limit(limit + 1)
            ).all()
        )
        more = len(rows) > limit
        return rows[:limit][::-1], more
    if before_id is not None:
        query = query.where(col(Audit.id) < before_id)
    rows = list(db.exec(query.order_by(col(Audit.id).desc()).limit(limit + 1)).all())
    return rows[:limit], len(rows) > limit


def journal_kinds(db: Session, room_id: str) -> list[str]:
    """The kinds of things the room's journal speaks of."""
    return sorted(
        db.exec(select(Audit.object_kind).where(Audit.room_id == room_id).distinct()).all()
    )


def latest_change(db: Session, room_id: str) -> int:
    """The id of the room's latest audit row: every change writes one, so this number moves
    whenever the room's ledger does (0 for a room with no change yet)."""
    value = db.exec(select(func.max(Audit.id)).where(Audit.room_id == room_id)).one()
    return int(value or 0)


def utc(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
