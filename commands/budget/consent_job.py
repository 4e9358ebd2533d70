"""The timed job of lazy consensus (``commands.budget.consent``): it validates every request
whose delay is over and that no open objection holds back, and tells each envelope's room once a
day."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from commands.budget import landing
from commands.budget.consent import (
    BOT,
    LIBRE,
    Candidate,
    _envelope_life,
    candidates,
    delay_text,
    due,
    may_run,
)
from commands.contrib import period_label
from commands.core import Queued, Registry, Settings, system_context
from commands.grammar import Period
from storage.db import lock_rooms
from storage.models import (
    BudgetConsentDay,
    BudgetEnvelope,
    BudgetValidation,
    Project,
    Room,
)


def _last_day(db: Session, env: BudgetEnvelope) -> dt.date | None:
    found = db.exec(
        select(func.max(BudgetConsentDay.day)).where(BudgetConsentDay.envelope_id == env.id)
    ).one()
    return found if isinstance(found, dt.date) else None


def _due_now(db: Session, env: BudgetEnvelope, room: Room, now: dt.datetime) -> list[Candidate]:
    if env.state != "open" or env.consent_days is None or env.mode != LIBRE:
        return []
    if not may_run(now, room.timezone, _last_day(db, env)):
        return []
    project = db.get(Project, env.project_id)
    code = project.code if project is not None else ""
    return due(candidates(db, env), _envelope_life(env, code), env.consent_days, now)


def auto_validate(
    db: Session, registry: Registry, settings: Settings, now: dt.datetime
) -> list[Queued]:
    """Validate every request whose delay is over and that no open objection holds back, and
    tell each envelope's room once that day. Each validation and the day's record are keyed, so
    that a request is validated once and a room told once a day, however often this runs and
    in however many processes."""
    envs = list(
        db.exec(
            select(BudgetEnvelope)
            .where(
                BudgetEnvelope.state == "open",
                col(BudgetEnvelope.consent_days).is_not(None),
                BudgetEnvelope.mode == LIBRE,
            )
            .order_by(col(BudgetEnvelope.id))
        ).all()
    )
    rooms = {room_id: db.get(Room, room_id) for room_id in {e.room_id for e in envs}}
    found = [
        (env, room)
        for env in envs
        if (room := rooms[env.room_id]) is not None and _due_now(db, env, room, now)
    ]
    if not found:
        return []
    # the rooms are this unit of work's from here: what is due is read again under their locks
    lock_rooms(db, {room.id for _, room in found})
    sent: list[Queued] = []
    for env, room in found:
        db.refresh(env)
        validated = _due_now(db, env, room, now)
        if not validated:
            continue
        day = now.astimezone(ZoneInfo(room.timezone)).date()
        ctx = system_context(
            db, room, registry, settings, now, f"consent:{env.id}:{day.isoformat()}"
        )
        for c in validated:
            db.add(
                BudgetValidation(
                    request_id=c.request_id,
                    user_id=BOT,
                    by_admin=True,
                    event_id=f"consent:{c.request_id}:{c.since.isoformat()}",
                    created_at=now,
                )
            )
            ctx.audit(
                "consent_validate",
                "budget_request",
                c.request_id,
                since=c.since,
                days=env.consent_days,
            )
        db.add(
            BudgetConsentDay(
                envelope_id=int(env.id or 0),
                day=day,
                event_id=ctx.event.event_id,
                requests=",".join(str(c.number) for c in validated),
                sent_at=now,
            )
        )
        db.flush()
        project = db.get(Project, env.project_id)
        code = project.code if project is not None else "?"
        period = Period(env.start, env.end, env.period_kind)
        ctx.names(c.author for c in validated)
        listed = ", ".join(
            ctx.t(
                "budget.consent.item",
                id=c.number,
                who=ctx.name(c.author),
                amount=ctx.money(c.amount),
            )
            for c in validated
        )
        ctx.reply(
            ctx.t(
                "budget.consent.validated",
                envelope=f"{code} ({period_label(ctx, period)})",
                delay=delay_text(ctx.lang, env.consent_days or 0),
                count=len(validated),
                requests=listed,
                project=code,
                prefix=settings.prefix,
            )
        )
        # a landing applied to the envelope follows these validations too

        landing.reland(ctx, env)
        ctx.flush_audits()
        sent.extend(ctx.sent)
    return sent
