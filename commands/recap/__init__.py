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
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from commands.args import Words
from commands.core import Context, Registry, UserError
from commands.declare import Arg, Declared
from commands.deferred import Rendered, RenderScope, defer
from commands.grammar import Period, parse_period, week_period
from commands.lifecycle import Act, Actor, require, tell_undo, undo
from commands.lifecycle.settings import Setting, setting_step
from commands.recap.build import RecapOut, build_recap, contributions_section, period_title
from commands.recap.chart import chart_data
from commands.recap.plans import (
    _apply,
    _from_params,
    _show_schedules,
    _whole_row,
    describe,
    recap_params,
    spec_of,
)
from commands.recap.posts import check_due, enabled_schedules, reminder_text
from commands.recap.words import (
    CHART_MONTHS,
    CHART_WEEKS,
    FAMILY,
    RECAP_CHART,
    RECAP_TEXT,
    TABLE_ROWS,
)
from commands.recap_chart import render
from commands.refusals import checked_period
from commands.render import lines
from commands.schedules import (
    MONTHLY,
    REMINDER,
    WEEKLY,
    parse_recap_schedule,
    parse_reminder_schedule,
)
from storage.models import Audit, RecapSchedule


@dataclass(frozen=True)
class WholePeriod:
    """Every word left, read as one period (``semaine dernière``, ``novembre``)."""

    placeholder: str = "period"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Any:
        rest = tokens[start:]
        found = parse_period(" ".join(rest), ctx.today) if rest else None
        if found is None:
            return None
        return checked_period(found, " ".join(rest)), len(rest)


RECAP = Declared("recap", family=FAMILY)
REMINDER_COMMAND = Declared("rappel", family=FAMILY)


@RECAP.sub(
    "show", Arg("period", WholePeriod(), optional=True, refusal="recap.error.period"), path=()
)
def recap_command(ctx: Context, period: Period | None) -> None:
    # read and drawn after this transaction (commands.deferred): no room waits on a recap
    params = recap_params(period or week_period(ctx.today), ctx.today)
    defer(ctx, RECAP_TEXT, params)
    defer(ctx, RECAP_CHART, params, file=True)


@RECAP.sub("plan_show", path=("plan",))
def plan_show(ctx: Context) -> None:
    ctx.reply(_show_schedules(ctx, (WEEKLY, MONTHLY)))


@RECAP.sub("plan", Arg("words", Words(), shown="schedule"), path=("plan",), admin=True)
def plan_set(ctx: Context, words: list[str]) -> None:
    _apply(ctx, parse_recap_schedule(words), "recap planifier")


@REMINDER_COMMAND.sub("show", path=())
def reminder_show(ctx: Context) -> None:
    ctx.reply(_show_schedules(ctx, (REMINDER,)))


@REMINDER_COMMAND.sub("set", Arg("words", Words(), shown="schedule"), path=(), admin=True)
def reminder_set(ctx: Context, words: list[str]) -> None:
    _apply(ctx, parse_reminder_schedule(words), "rappel")


def register(reg: Registry) -> None:
    RECAP.register(reg)
    REMINDER_COMMAND.register(reg)
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
    "recap_params",
    "register",
    "reminder_text",
    "spec_of",
    "undo_schedule",
]
