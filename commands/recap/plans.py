"""Recap and reminder schedules: ``!recap planifier``, ``!rappel``, how they read and undo."""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel.dates import get_day_names
from sqlmodel import col, select

from commands import i18n
from commands.core import Context, UserError
from commands.grammar import Period
from commands.lifecycle import instant
from commands.render import Rich, plain
from commands.schedules import (
    LAST_DAY,
    MONTHLY,
    REMINDER,
    WEEKLY,
    Parsed,
    Spec,
)
from storage.models import RecapSchedule


def recap_params(period: Period, today: dt.date) -> dict[str, str]:
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "kind": period.kind,
        "today": today.isoformat(),
    }


def _from_params(params: dict[str, str]) -> tuple[Period, dt.date]:
    period = Period(
        dt.date.fromisoformat(params["start"]),
        dt.date.fromisoformat(params["end"]),
        params["kind"],
    )
    return period, dt.date.fromisoformat(params["today"])


def _apply(ctx: Context, parsed: Parsed, word: str) -> None:
    p = ctx.settings.prefix
    if parsed.error is not None:
        usage = "recap.usage.reminder" if word == "rappel" else "recap.usage.plan"
        raise UserError(
            f"recap.error.{parsed.error}", token=parsed.token, usage=ctx.t(usage, prefix=p)
        )
    if parsed.off:
        kinds = (parsed.kind,) if parsed.kind else (WEEKLY, MONTHLY)
        changed = [k for k in kinds if _turn_off(ctx, k)]
        key = "recap.plan.off" if changed else "recap.plan.already_off"
        ctx.reply(ctx.t(key, what=", ".join(ctx.t(f"recap.kind.{k}") for k in kinds)))
        return
    assert parsed.spec is not None
    spec = parsed.spec
    row = ctx.db.get(RecapSchedule, (ctx.room.id, spec.kind))
    before = _row_snapshot(row) if row is not None and row.enabled else None
    whole = _whole_row(row)
    if row is None:
        row = RecapSchedule(room_id=ctx.room.id, kind=spec.kind)
    row.enabled = True
    row.weekday, row.month_day = spec.weekday, spec.month_day
    row.hour, row.minute = spec.hour, spec.minute
    row.event_id, row.changed_by, row.updated_at = ctx.source_event_id, ctx.sender, ctx.now
    ctx.db.add(row)
    ctx.db.flush()
    ctx.audit(
        "schedule",
        "recap_schedule",
        spec.kind,
        before=before,
        after=_row_snapshot(row),
        row_before=whole,
        row_after=_whole_row(row),
    )
    ctx.reply(
        ctx.t(
            f"recap.plan.set_{spec.kind}",
            when=describe(ctx.lang, spec),
            tz=ctx.room.timezone,
            prefix=p,
        )
    )


def _turn_off(ctx: Context, kind: str) -> bool:
    row = ctx.db.get(RecapSchedule, (ctx.room.id, kind))
    if row is None or not row.enabled:
        return False
    before, whole = _row_snapshot(row), _whole_row(row)
    row.enabled = False
    row.event_id, row.changed_by, row.updated_at = ctx.source_event_id, ctx.sender, ctx.now
    ctx.db.add(row)
    ctx.db.flush()
    ctx.audit(
        "unschedule",
        "recap_schedule",
        kind,
        before=before,
        row_before=whole,
        row_after=_whole_row(row),
    )
    return True


def _whole_row(row: RecapSchedule | None) -> dict[str, Any] | None:
    """Every field of a schedule (``None``: there is none), as undoing a change restores it."""
    if row is None:
        return None
    return {
        **_row_snapshot(row),
        "event_id": row.event_id,
        "changed_by": row.changed_by,
        "updated_at": instant(row.updated_at),
    }


def _row_snapshot(row: RecapSchedule) -> dict[str, object]:
    return {
        "weekday": row.weekday,
        "month_day": row.month_day,
        "hour": row.hour,
        "minute": row.minute,
        "enabled": row.enabled,
    }


def spec_of(row: RecapSchedule) -> Spec:
    return Spec(row.kind, row.hour, row.minute, weekday=row.weekday, month_day=row.month_day)


def describe(lang: str, spec: Spec) -> str:
    """``chaque lundi à 9h00`` / ``every Monday at 09:00`` / ``le 1er de chaque mois à 9h00``."""
    time = i18n.t(lang, "recap.time", hour=spec.hour, minute=spec.minute)
    if spec.kind == MONTHLY:
        if spec.month_day in (None, LAST_DAY):
            return i18n.t(lang, "recap.when.monthly_last", time=time)
        day = i18n.t(lang, "recap.first_day") if spec.month_day == 1 else str(spec.month_day)
        return i18n.t(lang, "recap.when.monthly", day=day, time=time)
    day = get_day_names("wide", locale=i18n.locale_of(lang))[spec.weekday or 0]
    return i18n.t(lang, "recap.when.weekly", day=day, time=time)


def _show_schedules(ctx: Context, kinds: tuple[str, ...]) -> Rich:
    rows = ctx.db.exec(
        select(RecapSchedule).where(
            RecapSchedule.room_id == ctx.room.id, col(RecapSchedule.kind).in_(kinds)
        )
    ).all()
    by_kind = {r.kind: r for r in rows if r.enabled}
    out = [ctx.t("recap.plan.title", tz=ctx.room.timezone)]
    for kind in kinds:
        row = by_kind.get(kind)
        when = describe(ctx.lang, spec_of(row)) if row else ctx.t("recap.plan.none")
        out.append(ctx.t("recap.plan.line", what=ctx.t(f"recap.kind.{kind}"), when=when))
    usage = "recap.usage.reminder" if kinds == (REMINDER,) else "recap.usage.plan"
    out.append(ctx.t(usage, prefix=ctx.settings.prefix))
    return plain("\n".join(out))
