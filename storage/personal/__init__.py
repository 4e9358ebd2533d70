"""A person's records, read for the person themselves: the one reader behind ``!mesdonnees`` and
``!moi``.

- ``contributions_of`` (or ``minutes_of``, summed per room and project) and ``paid_shares_of``:
  what they logged and what closed envelopes paid them, across every room (or the rooms of one
  platform, for ``!moi``);
- ``personal_data``: everything the bot holds about them (``!mesdonnees``), as a JSON-ready
  document: their display name, the rooms they are in, what they logged and what was logged for
  them, their allocations and balances, fundings, buckets, requests, questions, validations,
  give-backs, shares, actions waiting for their ✅, the audit rows where they are the actor, and
  the chat events of theirs the bot handled (ids and outcomes; the bot keeps no copy of what
  people type).

Pure reads. Every function takes the person's own id: nothing here lists other people."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import (
    Allocation,
    Audit,
    Bucket,
    BudgetEnvelope,
    BudgetGiveBack,
    BudgetLandingBallot,
    BudgetLandingVote,
    BudgetQuestion,
    BudgetRequest,
    BudgetShare,
    BudgetSource,
    BudgetValidation,
    ChatEvent,
    CobudgetRound,
    Contribution,
    Funding,
    Member,
    PendingAction,
    Person,
    Project,
    Room,
)
from storage.models.cobudget import FUNDING_ACTIVE

SECTIONS = (
    "rooms",
    "contributions",
    "logged_for_others",
    "allocations",
    "balances",
    "fundings",
    "buckets",
    "requests",
    "questions",
    "validations",
    "give_backs",
    "sources",
    "shares",
    "pending_actions",
    "audit",
    "events",
)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


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


def _on_platform(query: Any, room_column: Any, platform: str | None) -> Any:
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
    query = _on_platform(query, Contribution.room_id, platform)
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
    query = _on_platform(query, Contribution.room_id, platform)
    query = query.group_by(col(Contribution.room_id), col(Contribution.project_id))
    return [(room_id, project_id, int(total)) for room_id, project_id, total in db.exec(query)]


def paid_shares_of(db: Session, user_id: str, *, platform: str | None = None) -> list[PaidShare]:
    """Every share of a closed envelope paid to ``user_id`` (shares exist once an envelope is
    closed), in every room or in the rooms of ``platform``, in the order they were recorded."""
    query = (
        select(BudgetShare, BudgetEnvelope, Project)
        .join(BudgetEnvelope, col(BudgetEnvelope.id) == BudgetShare.envelope_id)
        .join(Project, col(Project.id) == BudgetEnvelope.project_id)
        .where(BudgetShare.user_id == user_id)
    )
    query = _on_platform(query, BudgetEnvelope.room_id, platform)
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


def personal_data(db: Session, user_id: str, *, now: dt.datetime) -> dict[str, Any]:
    """The document: ``person``, then one list per section of ``SECTIONS``."""
    person = db.get(Person, user_id)
    rooms = {r.id: r for r in db.exec(select(Room)).all()}
    projects = {p.id: p.code for p in db.exec(select(Project)).all()}
    rounds = {r.id: r for r in db.exec(select(CobudgetRound)).all()}
    envelopes = {e.id: e for e in db.exec(select(BudgetEnvelope)).all()}

    def room(room_id: str) -> dict[str, str]:
        found = rooms.get(room_id)
        return {"id": room_id, "name": found.name if found is not None else ""}

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

    doc: dict[str, Any] = {
        "generated_at": now,
        "user_id": user_id,
        "person": {
            "display_name": person.display_name if person is not None else "",
            "updated_at": person.updated_at if person is not None else None,
        },
    }
    doc["rooms"] = [
        {
            **room(m.room_id),
            "member": m.joined,
            "first_seen": m.first_seen,
            "updated_at": m.updated_at,
        }
        for m in db.exec(
            select(Member).where(Member.user_id == user_id).order_by(col(Member.room_id))
        ).all()
    ]
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
    doc["allocations"] = [
        {
            "room": a.room_id,
            "round": rounds[a.round_id].number if a.round_id in rounds else None,
            "round_title": rounds[a.round_id].title if a.round_id in rounds else "",
            "cents": a.cents,
            "method": a.method,
            "by": a.created_by,
            "at": a.created_at,
        }
        for a in db.exec(
            select(Allocation).where(Allocation.user_id == user_id).order_by(col(Allocation.id))
        ).all()
    ]
    balances = []
    for round_id in sorted(
        {a.round_id for a in db.exec(select(Allocation).where(Allocation.user_id == user_id)).all()}
        | set(db.exec(select(Funding.round_id).where(Funding.funder == user_id)).all())
    ):
        given = db.exec(
            select(func.coalesce(func.sum(Allocation.cents), 0)).where(
                Allocation.round_id == round_id, Allocation.user_id == user_id
            )
        ).one()
        used = db.exec(
            select(func.coalesce(func.sum(Funding.cents), 0)).where(
                Funding.round_id == round_id,
                Funding.funder == user_id,
                Funding.state == FUNDING_ACTIVE,
            )
        ).one()
        rnd = rounds.get(round_id)
        balances.append(
            {
                "room": rnd.room_id if rnd else "",
                "round": rnd.number if rnd else None,
                "round_title": rnd.title if rnd else "",
                "allocated_cents": int(given),
                "in_buckets_cents": int(used),
                "balance_cents": int(given) - int(used),
            }
        )
    doc["balances"] = balances
    buckets = {b.id: b for b in db.exec(select(Bucket)).all()}
    doc["fundings"] = [
        {
            "room": buckets[f.bucket_id].room_id if f.bucket_id in buckets else "",
            "bucket": buckets[f.bucket_id].number if f.bucket_id in buckets else None,
            "bucket_title": buckets[f.bucket_id].title if f.bucket_id in buckets else "",
            "cents": f.cents,
            "source": f.source,
            "reaction": f.reaction_key,
            "state": f.state,
            "at": f.created_at,
            "ended_at": f.ended_at,
        }
        for f in db.exec(
            select(Funding).where(Funding.funder == user_id).order_by(col(Funding.id))
        ).all()
    ]
    doc["buckets"] = [
        {
            "room": b.room_id,
            "number": b.number,
            "title": b.title,
            "description": b.description,
            "min_cents": b.min_cents,
            "max_cents": b.max_cents,
            "state": b.state,
            "at": b.created_at,
        }
        for b in buckets.values()
        if b.author == user_id
    ]
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
    doc["pending_actions"] = [
        {
            "room": p.room_id,
            "kind": p.kind,
            "state": p.state,
            "payload": p.payload,
            "at": p.created_at,
        }
        for p in db.exec(
            select(PendingAction)
            .where(PendingAction.sender == user_id)
            .order_by(col(PendingAction.id))
        ).all()
    ]
    doc["audit"] = [
        {
            "at": a.at,
            "room": a.room_id,
            "action": a.action,
            "object": a.object_kind,
            "object_id": a.object_id,
            "details": a.details,
        }
        for a in db.exec(select(Audit).where(Audit.actor == user_id).order_by(col(Audit.id))).all()
    ]
    doc["events"] = [
        {"at": e.handled_at, "room": e.room_id, "kind": e.kind, "outcome": e.command}
        for e in db.exec(
            select(ChatEvent)
            .where(ChatEvent.sender == user_id)
            .order_by(col(ChatEvent.handled_at), col(ChatEvent.event_id))
        ).all()
    ]
    return dict(_plain(doc))
