"""What tests compare before and after moving data (forgetting a person, a backup restored, an
upgrade): every figure the ledger shows, per room and per person, and every text the database
holds."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from commands.budget import PROPORTIONAL, envelope_left, proportional_view
from commands.cobudget import allocated, allocated_and_spent, bucket_total, spent
from storage.models import (
    Allocation,
    Bucket,
    BudgetEnvelope,
    BudgetShare,
    CobudgetRound,
    Contribution,
    Funding,
    Project,
    RoomCounter,
)
from storage.queries import contribution_totals

EVER = (dt.date(1970, 1, 1), dt.date(3000, 1, 1))


def figures(engine: Engine, rename: Callable[[str], str] = lambda u: u) -> dict[str, Any]:
    """Every total, split, balance and number of the database, people named through ``rename``
    (so that figures before forgetting someone compare with figures after)."""
    out: dict[str, Any] = {}
    with Session(engine) as db:
        rooms = sorted({r for r in db.exec(select(Contribution.room_id)).all()})
        rooms += sorted(
            {r for r in db.exec(select(CobudgetRound.room_id)).all()}
            | {r for r in db.exec(select(BudgetEnvelope.room_id)).all()}
        )
        for room_id in sorted(set(rooms)):
            totals = contribution_totals(db, room_id, *EVER)
            out[f"{room_id} minutes"] = (totals.minutes, totals.count)
            out[f"{room_id} by person"] = sorted((rename(u), m, c) for u, m, c in totals.by_person)
            out[f"{room_id} by project"] = sorted((p or 0, m, c) for p, m, c in totals.by_project)
            for year in range(2025, 2028):
                for month in range(1, 13):
                    start = dt.date(year, month, 1)
                    end = (start + dt.timedelta(days=32)).replace(day=1)
                    t = contribution_totals(db, room_id, start, end)
                    if t.count:
                        out[f"{room_id} {start:%Y-%m}"] = sorted(
                            (rename(u), m) for u, m, _ in t.by_person
                        )
        for rnd in db.exec(select(CobudgetRound).order_by(col(CobudgetRound.id))).all():
            assert rnd.id is not None
            key = f"round {rnd.room_id} #{rnd.number}"
            out[key] = (rnd.state, rnd.pot_cents, allocated(db, rnd.id), spent(db, rnd.id))
            people = set(
                db.exec(select(Allocation.user_id).where(Allocation.round_id == rnd.id)).all()
            ) | set(db.exec(select(Funding.funder).where(Funding.round_id == rnd.id)).all())
            out[f"{key} balances"] = sorted(
                (rename(u), *allocated_and_spent(db, rnd.id, u)) for u in people
            )
        for bucket in db.exec(select(Bucket).order_by(col(Bucket.id))).all():
            assert bucket.id is not None
            out[f"bucket {bucket.room_id} #{bucket.number}"] = (
                bucket.state,
                bucket_total(db, bucket.id),
                bucket.min_cents,
                bucket.max_cents,
            )
        for env in db.exec(select(BudgetEnvelope).order_by(col(BudgetEnvelope.id))).all():
            key = f"envelope {env.room_id} #{env.number}"
            out[key] = (env.state, env.amount, envelope_left(db, env))
            if env.mode == PROPORTIONAL:
                view = proportional_view(db, env)
                out[f"{key} split"] = (
                    sorted(
                        (rename(r.user_id), r.minutes, r.gross, r.given_back, r.amount)
                        for r in view.rows
                    ),
                    view.commons,
                    view.remainder,
                )
            shares = db.exec(select(BudgetShare).where(BudgetShare.envelope_id == env.id)).all()
            out[f"{key} shares"] = sorted(
                (rename(s.user_id), s.minutes, s.gross, s.given_back, s.amount) for s in shares
            )
        out["numbers"] = sorted(
            (c.room_id, c.kind, c.last) for c in db.exec(select(RoomCounter)).all()
        )
        out["contribution numbers"] = sorted(
            (c.room_id, c.number, rename(c.user_id), c.minutes, c.day.isoformat())
            for c in db.exec(select(Contribution)).all()
        )
        out["projects"] = sorted((p.room_id, p.code) for p in db.exec(select(Project)).all())
    return out


def all_text(engine: Engine) -> str:
    """Every value of every row of every table, as text (to look for what must be gone)."""
    meta = sa.MetaData()
    meta.reflect(engine)
    parts: list[str] = []
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            for row in conn.execute(sa.select(table)).all():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        parts.append(bytes(value).decode("utf-8", "replace"))
                    elif isinstance(value, dict | list):
                        parts.append(json.dumps(value, ensure_ascii=False))
                    elif value is not None:
                        parts.append(str(value))
    return "\n".join(parts)
