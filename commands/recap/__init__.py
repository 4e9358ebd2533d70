"""The recap: ``!recap [période]`` on demand, weekly/monthly recaps and reminders on a schedule.

The recap is assembled from sections that each family registers with
``Registry.recap_section(name, order)``; this module writes the contributions section (order 10)
and the chart. Scheduled posts go through ``check_due``, called by the process's scheduler
(``bot/scheduler.py``) at the scheduled times and at start-up: a post is made only if the record
of posts (``RecapSent``, one row per room and period) does not have it yet.

(The commands, their renderers and the undo of a schedule are defined here, in the package
itself: an undo hook runs for the commands of its own module.)
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from commands.core import Context, Registry, UserError
from commands.deferred import Rendered, RenderScope, defer
from commands.grammar import fold, parse_period, tokenize, week_period
from commands.lifecycle import Act, Actor, require, tell_undo, undo
from commands.lifecycle.settings import Setting, setting_step
from commands.recap.build import RecapOut, build_recap, contributions_section, period_title
from commands.recap.chart import chart_data
from commands.recap.plans import (
    _apply,
    _from_params,
    _require_admin,
    _show_schedules,
    _whole_row,
    describe,
    plan_recap,
    recap_params,
    spec_of,
)
from commands.recap.posts import check_due, enabled_schedules, reminder_text
from commands.recap.words import (
    CHART_MONTHS,
    CHART_WEEKS,
    FAMILY,
    PLAN_WORDS,
    RECAP_CHART,
    RECAP_TEXT,
    TABLE_ROWS,
)
from commands.recap_chart import render
from commands.refusals import checked_period
from commands.render import lines
from commands.schedules import REMINDER, parse_reminder_schedule
from storage.models import Audit, RecapSchedule


def register(reg: Registry) -> None:
    @reg.command("recap", family=FAMILY, aliases=("recapitulatif", "summary"))
    def recap_command(ctx: Context, args: str) -> None:
        tokens = tokenize(args)
        if tokens and fold(tokens[0]) in PLAN_WORDS:
            plan_recap(ctx, tokens[1:])
            return
        if not tokens:
            period = week_period(ctx.today)
        else:
            found = parse_period(args, ctx.today)
            if found is None:
                raise UserError("recap.error.period", text=args.strip(), prefix=ctx.settings.prefix)
            period = checked_period(found, args.strip())
        # read and drawn after this transaction (commands.deferred): no room waits on a recap
        params = recap_params(period, ctx.today)
        defer(ctx, RECAP_TEXT, params)
        defer(ctx, RECAP_CHART, params, file=True)

    @reg.command("rappel", family=FAMILY, aliases=("reminder", "rappels", "reminders"))
    def reminder_command(ctx: Context, args: str) -> None:
        tokens = tokenize(args)
        if not tokens:
            ctx.reply(_show_schedules(ctx, (REMINDER,)))
            return
        _require_admin(ctx, "rappel")
        parsed = parse_reminder_schedule(tokens)
        _apply(ctx, parsed, "rappel")

    reg.recap_section("contributions", 10)(contributions_section)
    reg.on_undo(undo_schedule)

    @reg.renderer(RECAP_TEXT)
    def recap_text(scope: RenderScope) -> Rendered:
        period, today = _from_params(scope.params)
        out = build_recap(scope.db, reg, scope.room, period, scope.settings, today=today)
        return Rendered(text=out.rich)

    @reg.renderer(RECAP_CHART)
    def recap_chart(scope: RenderScope) -> Rendered:
        period, today = _from_params(scope.params)
        out = build_recap(scope.db, reg, scope.room, period, scope.settings, today=today)
        if out.chart is None:
            return Rendered()  # an empty recap, or nothing over the chart's span: no chart
        return Rendered(
            text=out.chart_caption,
            file_name=out.chart_name,
            mime="image/png",
            draw=render,
            draw_input=out.chart,
        )


def undo_schedule(ctx: Context, target_event_id: str) -> bool:
    """The message that set (or stopped) a schedule was removed: each schedule it changed is
    exactly as it was before that message (no schedule at all if there was none), unless a later
    message changed it since."""
    changes = ctx.db.exec(
        select(Audit)
        .where(
            Audit.event_id == target_event_id,
            Audit.room_id == ctx.room.id,
            Audit.object_kind == "recap_schedule",
            col(Audit.action).in_(("schedule", "unschedule")),
        )
        .order_by(col(Audit.id))
    ).all()
    if not changes:
        return False
    command = "rappel" if changes[0].object_id == REMINDER else "recap planifier"
    kinds = []
    for change in changes:
        if "row_after" not in change.details:
            raise UserError("lifecycle.changed_since", prefix=ctx.settings.prefix)
        row = ctx.db.get(RecapSchedule, (ctx.room.id, change.object_id))
        now = _whole_row(row)
        back = require(
            ctx,
            setting_step(
                Setting(command, now, change.details["row_before"], change.details["row_after"]),
                undo(Act.SET),
                Actor(ctx.sender, ctx.is_admin),
                ctx.now,
            ),
        ).current
        assert row is not None
        if back is None:
            ctx.db.delete(row)
        else:
            row.enabled = bool(back["enabled"])
            row.weekday, row.month_day = back["weekday"], back["month_day"]
            row.hour, row.minute = back["hour"], back["minute"]
            row.event_id, row.changed_by = back["event_id"], back["changed_by"]
            row.updated_at = dt.datetime.fromisoformat(back["updated_at"])
            ctx.db.add(row)
        ctx.audit("undo", "recap_schedule", change.object_id, restored=back)
        kinds.append(change.object_id)
    ctx.db.flush()
    tell_undo(
        ctx,
        lines(ctx.t("recap.plan.undone", cause=ctx.removal()), _show_schedules(ctx, tuple(kinds))),
    )
    return True


__all__ = [
    "CHART_MONTHS",
    "CHART_WEEKS",
    "FAMILY",
    "PLAN_WORDS",
    "RECAP_CHART",
    "RECAP_TEXT",
    "TABLE_ROWS",
    "RecapOut",
    "build_recap",
    "chart_data",
    "check_due",
    "contributions_section",
    "describe",
    "enabled_schedules",
    "period_title",
    "plan_recap",
    "recap_params",
    "register",
    "reminder_text",
    "spec_of",
    "undo_schedule",
]
