"""A person's cobudget records, for ``!mesdonnees``: the allocations they received, their
balance in each round, their fundings and the buckets they wrote."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from storage.models import Allocation, Bucket, CobudgetRound, Funding
from storage.models.cobudget import funding_state, holding


def cobudget_sections(db: Session, user_id: str) -> dict[str, Any]:
    """``allocations``, ``balances``, ``fundings`` and ``buckets``."""
    rounds = {r.id: r for r in db.exec(select(CobudgetRound)).all()}
    doc: dict[str, Any] = {}
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
                holding(round_id=round_id),
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
            "state": funding_state(
                f, buckets[f.bucket_id].state if f.bucket_id in buckets else None
            ),
            "at": f.created_at,
            "ended_at": _ended_at(f, buckets.get(f.bucket_id)),
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
    return doc


def _ended_at(funding: Funding, bucket: Bucket | None) -> Any:
    """When a funding ended: its own time, or that of the bucket its round's close refunded."""
    if (
        funding.ended_at is None
        and bucket is not None
        and funding_state(funding, bucket.state) != funding.state
    ):
        return bucket.closed_at
    return funding.ended_at
