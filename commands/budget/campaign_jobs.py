"""The campaigns' timed job: the reminder the day before the deadline, then the report."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from commands.budget import campaign_reading
from commands.contrib import period_label
from commands.core import (
    Context,
    Queued,
    Registry,
    Settings,
    system_context,
)
from commands.lifecycle import Act, Actor, act, require
from commands.lifecycle import campaign as life
from storage.db import lock_rooms
from storage.models import (
    BotMessage,
    BudgetCampaign,
    BudgetCampaignNotice,
    BudgetEnvelope,
    Project,
    Room,
)

# --------------------------------------------------------------------------- the timed job


def _due(db: Session, now: dt.datetime, *, again: bool = False) -> list[tuple[BudgetCampaign, str]]:
    """The open campaigns with a notice due at ``now``, and which, in one query: the campaigns
    past their reminder time with the kinds of notice sent already. ``again``: read once more
    under the rooms' locks, the campaigns' rows refreshed."""
    query = (
        select(BudgetCampaign, BudgetCampaignNotice.kind)
        .outerjoin(
            BudgetCampaignNotice,
            col(BudgetCampaignNotice.campaign_id) == col(BudgetCampaign.id),
        )
        .where(BudgetCampaign.state == life.OPEN, col(BudgetCampaign.remind_at) <= now)
        .order_by(col(BudgetCampaign.id))
    )
    if again:
        query = query.execution_options(populate_existing=True)
    campaigns: dict[int, BudgetCampaign] = {}
    sent: dict[int, set[str]] = {}
    for c, notice in db.exec(query).all():
        key = int(c.id or 0)
        campaigns[key] = c
        sent.setdefault(key, set()).update([notice] if notice is not None else [])
    found = []
    for key, c in campaigns.items():
        kind = campaign_reading.due_notice(
            c.state,
            campaign_reading._utc(c.remind_at),
            campaign_reading._utc(c.deadline_at),
            sent[key],
            now,
        )
        if kind is not None:
            found.append((c, kind))
    return found


def campaign_duty(
    db: Session, registry: Registry, settings: Settings, now: dt.datetime
) -> list[Queued]:
    """Send each campaign's reminder and report once, when due."""
    found = _due(db, now)
    if not found:
        return []
    lock_rooms(db, {c.room_id for c, _ in found})
    locked = {c.id for c, _ in found}
    sent: list[Queued] = []
    for campaign, kind in _due(db, now, again=True):  # what holds once the rooms are locked
        if campaign.id not in locked:
            continue
        where = _where(db, campaign)
        if where is None:
            continue
        sent.extend(_notice(db, registry, settings, now, campaign, kind, where))
    return sent


@dataclass(frozen=True)
class _Where:
    """What a campaign's notice needs around it, read in one query."""

    env: BudgetEnvelope
    room: Room
    code: str
    posted: BotMessage | None  # the campaign's message
    others_open: int  # the envelope's other open campaigns


def _where(db: Session, campaign: BudgetCampaign) -> _Where | None:
    row = db.execute(
        sa_select(BudgetEnvelope, Room, col(Project.code), BotMessage)
        .add_columns(campaign_reading._open_count_of(BudgetEnvelope, campaign.id))
        .join(Room, col(Room.id) == col(BudgetEnvelope.room_id))
        .outerjoin(Project, col(Project.id) == col(BudgetEnvelope.project_id))
        .outerjoin(
            BotMessage,
            and_(
                col(BotMessage.ref_kind) == campaign_reading.REF,
                col(BotMessage.ref_id) == str(campaign.id),
                col(BotMessage.kind) == "text",
            ),
        )
        .where(col(BudgetEnvelope.id) == campaign.envelope_id)
        .order_by(col(BotMessage.id))
        .limit(1)
    ).first()
    if row is None:
        return None
    env, room, code, posted, others = row
    return _Where(env, room, code or "?", posted, int(others))


def _notice(
    db: Session,
    registry: Registry,
    settings: Settings,
    now: dt.datetime,
    campaign: BudgetCampaign,
    kind: str,
    where: _Where,
) -> list[Queued]:
    env, room, code, posted = where.env, where.room, where.code, where.posted
    root = posted.platform_id if posted is not None else None
    # the reminder goes in the campaign message's thread (the one it is in, or starts); the
    # report replies to the message where it is (the room, or its thread)
    thread = posted.thread_id if posted is not None else None
    if kind == campaign_reading.REMINDER:
        thread = thread or root
    ctx = system_context(
        db, room, registry, settings, now, f"campaign:{campaign.id}:{kind}", anchor=(root, thread)
    )
    found = campaign_reading.read_standing(db, campaign, env)
    # (an envelope closed meanwhile takes no more hours nor requests: no reminder then)
    named = found.missing if kind == campaign_reading.REMINDER and env.state == "open" else []
    db.add(
        BudgetCampaignNotice(
            campaign_id=int(campaign.id or 0),
            kind=kind,
            event_id=ctx.event.event_id,
            named=len(named),
            sent_at=now,
        )
    )
    if kind == campaign_reading.DEADLINE:
        require(
            ctx,
            life.campaign_step(
                campaign_reading._life(db, campaign, env, code, where.others_open),
                act(Act.DEADLINE),
                Actor(campaign_reading.BOT, True),
                now,
            ),
        )
        campaign.state, campaign.ended_at = life.ENDED, now
    db.flush()
    ctx.audit(f"campaign_{kind}", "budget_campaign", campaign.id, named=len(named))
    p = settings.prefix
    if kind == campaign_reading.REMINDER:
        if named:
            ctx.reply(
                ctx.t(
                    "budget.campaign.reminder",
                    people=", ".join(named),
                    deadline=ctx.long_date(campaign.deadline),
                    project=code,
                    prefix=p,
                ),
                mentions=named,
            )
    else:
        ctx.reply(
            ctx.t(
                "budget.campaign.report",
                envelope=_envelope_label(ctx, env, code),
                confirmed=campaign_reading._names(ctx, found.done),
                missing=campaign_reading._names(ctx, found.missing),
                done=len(found.done),
                asked=len(found.asked),
                project=code,
                prefix=p,
            )
        )
    ctx.flush_audits()
    return list(ctx.sent)


def _envelope_label(ctx: Context, env: BudgetEnvelope, code: str) -> str:
    """``KPA (novembre 2026)``, or ``KPA · Fête de quartier (2026)`` for a mission envelope."""
    named = f" · {env.label}" if env.label else ""
    return f"{code}{named} ({period_label(ctx, campaign_reading._period(env))})"
