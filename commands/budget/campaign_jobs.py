"""The campaigns' timed job: the reminder the day before the deadline, then the report."""

from __future__ import annotations

import datetime as dt

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
    Room,
)

# --------------------------------------------------------------------------- the timed job


def _sent(db: Session, campaign_id: int) -> set[str]:
    return set(
        db.exec(
            select(BudgetCampaignNotice.kind).where(BudgetCampaignNotice.campaign_id == campaign_id)
        ).all()
    )


def _due(db: Session, now: dt.datetime) -> list[tuple[BudgetCampaign, str]]:
    found = []
    for c in db.exec(
        select(BudgetCampaign)
        .where(BudgetCampaign.state == life.OPEN, col(BudgetCampaign.remind_at) <= now)
        .order_by(col(BudgetCampaign.id))
    ).all():
        kind = campaign_reading.due_notice(
            c.state,
            campaign_reading._utc(c.remind_at),
            campaign_reading._utc(c.deadline_at),
            _sent(db, int(c.id or 0)),
            now,
        )
        if kind is not None:
            found.append((c, kind))
    return found


def campaign_duty(
    db: Session, registry: Registry, settings: Settings, now: dt.datetime
) -> list[Queued]:
    """Send each campaign's reminder and report once, when due."""
    if not _due(db, now):
        return []
    found = _due(db, now)
    lock_rooms(db, {c.room_id for c, _ in found})
    sent: list[Queued] = []
    for campaign, _ in found:
        db.refresh(campaign)
        kind = campaign_reading.due_notice(
            campaign.state,
            campaign_reading._utc(campaign.remind_at),
            campaign_reading._utc(campaign.deadline_at),
            _sent(db, int(campaign.id or 0)),
            now,
        )
        room = db.get(Room, campaign.room_id)
        env = db.get(BudgetEnvelope, campaign.envelope_id)
        if kind is None or room is None or env is None:
            continue
        sent.extend(_notice(db, registry, settings, now, campaign, env, room, kind))
    return sent


def _notice(
    db: Session,
    registry: Registry,
    settings: Settings,
    now: dt.datetime,
    campaign: BudgetCampaign,
    env: BudgetEnvelope,
    room: Room,
    kind: str,
) -> list[Queued]:
    posted = db.exec(
        select(BotMessage).where(
            BotMessage.ref_kind == campaign_reading.REF,
            BotMessage.ref_id == str(campaign.id),
            BotMessage.kind == "text",
        )
    ).first()
    root = posted.platform_id if posted is not None else None
    # the reminder goes in the campaign message's thread (the one it is in, or starts); the
    # report replies to the message where it is (the room, or its thread)
    thread = posted.thread_id if posted is not None else None
    if kind == campaign_reading.REMINDER:
        thread = thread or root
    ctx = system_context(
        db, room, registry, settings, now, f"campaign:{campaign.id}:{kind}", anchor=(root, thread)
    )
    code = campaign_reading._project_code(db, env)
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
                campaign_reading._life(db, campaign, env, code),
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
