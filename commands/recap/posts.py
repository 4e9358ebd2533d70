"""Scheduled posts: recaps and reminders that are due, posted through a system context."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from commands import i18n
from commands.core import Queued, Registry, Settings, system_context
from commands.deferred import defer
from commands.grammar import week_period
from commands.recap.plans import recap_params, spec_of
from commands.recap.words import RECAP_CHART, RECAP_TEXT
from commands.render import Rich, esc
from commands.schedules import REMINDER, Spec, covered_period, latest_due
from storage.models import RecapSchedule, RecapSent, Room
from storage.queries import contribution_totals


def check_due(
    db: Session,
    registry: Registry,
    settings: Settings,
    room_id: str,
    kind: str,
    now: dt.datetime,
    grace: dt.timedelta,
) -> list[Queued]:
    """Post the room's ``kind`` recap (or reminder) if one is due at ``now`` (within ``grace``
    after its time) and was not posted yet, through the bot's own context (the outbox and the
    audit as a command's). One transaction: the record of the post, its audit row and the
    messages are written together."""
    row = db.get(RecapSchedule, (room_id, kind))
    room = db.get(Room, room_id)
    if row is None or room is None or not row.enabled:
        return []
    tz = ZoneInfo(room.timezone)
    due = latest_due(spec_of(row), tz, now, grace, since=row.updated_at)
    if due is None:
        return []
    local_day = due.astimezone(tz).date()
    period_kind, period = covered_period(kind, local_day)
    done = db.exec(
        select(RecapSent).where(
            RecapSent.room_id == room_id,
            RecapSent.period_kind == period_kind,
            RecapSent.period_start == period.start,
        )
    ).first()
    if done is not None:
        return []
    cause = f"schedule:{room_id}:{period_kind}:{period.start.isoformat()}"
    ctx = system_context(db, room, registry, settings, now, cause)
    if kind == REMINDER:
        first = ctx.reply(reminder_text(db, room, local_day, settings))
    else:
        # the recap and its chart are read and drawn after this transaction (commands.deferred)
        params = recap_params(period, local_day)
        first = defer(ctx, RECAP_TEXT, params)
        defer(ctx, RECAP_CHART, params, file=True)
    record = RecapSent(
        room_id=room_id,
        period_kind=period_kind,
        period_start=period.start,
        due_at=due,
        sent_at=now,
        bot_message_id=first.id,
    )
    db.add(record)
    db.flush()
    ctx.audit(
        "post",
        "recap" if kind != REMINDER else "reminder",
        record.id,
        period_kind=period_kind,
        period_start=period.start.isoformat(),
    )
    ctx.flush_audits()
    return ctx.sent


def reminder_text(db: Session, room: Room, day: dt.date, settings: Settings) -> Rich:
    lang = room.language
    week = week_period(day)
    totals = contribution_totals(db, room.id, week.start, week.end)
    p = settings.prefix
    first = i18n.t(lang, "recap.reminder.text", prefix=p)
    if totals.count:
        second = i18n.t(
            lang,
            "recap.reminder.so_far",
            total=i18n.format_minutes(totals.minutes, lang),
            people=len(totals.by_person),
        )
    else:
        second = i18n.t(lang, "recap.reminder.nothing_yet")
    return Rich(f"{first}\n{second}", f"<b>{esc(first)}</b><br/>\n{esc(second)}")


def enabled_schedules(db: Session) -> list[tuple[str, str, Spec, str]]:
    """Every active schedule as (room id, kind, spec, room time zone), for the scheduler."""
    rows = db.exec(
        select(RecapSchedule, Room.timezone)
        .join(Room, col(Room.id) == col(RecapSchedule.room_id))
        .where(col(RecapSchedule.enabled).is_(True))
        .order_by(col(RecapSchedule.room_id), col(RecapSchedule.kind))
    ).all()
    return [(r.room_id, r.kind, spec_of(r), tz) for r, tz in rows]
