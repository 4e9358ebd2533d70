"""A person's budget records: what closed envelopes paid them (``!moi``), and for
``!mesdonnees`` their requests, questions, validations, give-backs, sources, landing votes and
shares."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from storage.models import (
    BudgetEnvelope,
    BudgetGiveBack,
    BudgetLandingBallot,
    BudgetLandingVote,
    BudgetQuestion,
    BudgetRequest,
    BudgetShare,
    BudgetSource,
    BudgetValidation,
    Project,
)
from storage.personal.contributions import on_platform


@dataclass(frozen=True)
class PaidShare:
    """What one closed envelope paid the person: the envelope (its room, per-room number,
    project, period, closing instant, currency) and their share (the hours it counted, the
    amount before and after what they gave back to the commons)."""

    room_id: str
    envelope: int  # the envelope's per-room number
    project_code: str
    project_name: str
    start: dt.date
    end: dt.date  # exclusive
    period_kind: str
    closed_at: dt.datetime | None
    currency: str
    minutes: int
    gross: int  # cents
    given_back: int  # cents
    amount: int  # cents paid: gross - given_back


def paid_shares_of(db: Session, user_id: str, *, platform: str | None = None) -> list[PaidShare]:
    """Every share of a closed envelope paid to ``user_id`` (shares exist once an envelope is
    closed), in every room or in the rooms of ``platform``, in the order they were recorded."""
    query = (
        select(BudgetShare, BudgetEnvelope, Project)
        .join(BudgetEnvelope, col(BudgetEnvelope.id) == BudgetShare.envelope_id)
        .join(Project, col(Project.id) == BudgetEnvelope.project_id)
        .where(BudgetShare.user_id == user_id)
    )
    query = on_platform(query, BudgetEnvelope.room_id, platform)
    return [
        PaidShare(
            room_id=env.room_id,
            envelope=env.number,
            project_code=project.code,
            project_name=project.name,
            start=env.start,
            end=env.end,
            period_kind=env.period_kind,
            closed_at=env.closed_at,
            currency=env.currency,
            minutes=share.minutes,
            gross=share.gross,
            given_back=share.given_back,
            amount=share.amount,
        )
        for share, env, project in db.exec(query.order_by(col(BudgetShare.id))).all()
    ]


def budget_sections(db: Session, user_id: str, projects: dict[Any, str]) -> dict[str, Any]:
    """``requests``, ``questions``, ``validations``, ``give_backs``, ``sources``,
    ``landing_votes`` and ``shares`` (``projects``: codes by id)."""
    envelopes = {e.id: e for e in db.exec(select(BudgetEnvelope)).all()}

    def envelope(envelope_id: int) -> dict[str, Any]:
        env = envelopes.get(envelope_id)
        if env is None:
            return {"id": envelope_id}
        return {
            "room": env.room_id,
            "number": env.number,
            "project": projects.get(env.project_id, ""),
            "start": env.start,
            "end": env.end,
        }

    doc: dict[str, Any] = {}
    requests = {r.id: r for r in db.exec(select(BudgetRequest)).all()}
    doc["requests"] = [
        {
            **envelope(r.envelope_id),
            "request": r.number,
            "cents": r.amount,
            "message": r.message,
            "state": r.state,
            "granted_cents": r.granted,
            "at": r.created_at,
        }
        for r in requests.values()
        if r.user_id == user_id
    ]

    def request(request_id: int) -> dict[str, Any]:
        req = requests.get(request_id)
        return {"room": req.room_id, "request": req.number} if req else {"request": None}

    doc["questions"] = [
        {**request(q.request_id), "text": q.text, "at": q.created_at}
        for q in db.exec(
            select(BudgetQuestion)
            .where(BudgetQuestion.user_id == user_id)
            .order_by(col(BudgetQuestion.id))
        ).all()
    ]
    doc["validations"] = [
        {**request(v.request_id), "as_admin": v.by_admin, "at": v.created_at}
        for v in db.exec(
            select(BudgetValidation)
            .where(BudgetValidation.user_id == user_id)
            .order_by(col(BudgetValidation.id))
        ).all()
    ]
    doc["give_backs"] = [
        {
            **envelope(g.envelope_id),
            "percent_bp": g.percent_bp,
            "cents": g.cents,
            "at": g.created_at,
        }
        for g in db.exec(
            select(BudgetGiveBack)
            .where(BudgetGiveBack.user_id == user_id)
            .order_by(col(BudgetGiveBack.id))
        ).all()
    ]
    doc["sources"] = [
        {
            **envelope(src.envelope_id),
            "kind": src.kind,
            "label": src.label,
            "cents": src.amount,
            "service_cents": src.service,
            "percent_bp": src.percent_bp,
            "at": src.created_at,
        }
        for src in db.exec(
            select(BudgetSource)
            .where(BudgetSource.user_id == user_id)
            .order_by(col(BudgetSource.id))
        ).all()
    ]
    doc["landing_votes"] = [
        {
            **envelope(v.envelope_id),
            "option": b.option,
            "state": b.state,
            "at": b.created_at,
        }
        for b, v in db.exec(
            select(BudgetLandingBallot, BudgetLandingVote)
            .join(BudgetLandingVote, col(BudgetLandingVote.id) == col(BudgetLandingBallot.vote_id))
            .where(BudgetLandingBallot.user_id == user_id)
            .order_by(col(BudgetLandingBallot.id))
        ).all()
    ]
    doc["shares"] = [
        {
            "room": s.room_id,
            "number": s.envelope,
            "project": s.project_code,
            "start": s.start,
            "end": s.end,
            "minutes": s.minutes,
            "gross_cents": s.gross,
            "given_back_cents": s.given_back,
            "paid_cents": s.amount,
            "closed_at": s.closed_at,
        }
        for s in paid_shares_of(db, user_id)
    ]
    return doc
