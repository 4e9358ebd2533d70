"""The recap: ``!recap [période]`` on demand, weekly/monthly recaps and reminders on a schedule.

The recap is assembled from sections that each family registers with
``Registry.recap_section(name, order)``; this module writes the contributions section (order 10)
and the chart. Scheduled posts go through ``check_due``, called by the process's scheduler
(``bot/scheduler.py``) at the scheduled times and at start-up: a post is made only if the record
of posts (``RecapSent``, one row per room and period) does not have it yet.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import get_day_names
from sqlmodel import Session, col, select

from commands import i18n
from commands.core import Context, Queued, RecapScope, Registry, Settings, UserError, system_context
from commands.deferred import Rendered, RenderScope, defer
from commands.grammar import Period, fold, month_period, parse_period, tokenize, week_period
from commands.lifecycle import Act, Actor, instant, require, tell_undo, undo
from commands.lifecycle.settings import Setting, setting_step
from commands.recap_chart import ChartData, render
from commands.refusals import checked_period
from commands.render import Rich, bold, esc, lines, plain, table
from commands.schedules import (
    LAST_DAY,
    MONTHLY,
    REMINDER,
    WEEKLY,
    Parsed,
    Spec,
    covered_period,
    latest_due,
    parse_recap_schedule,
    parse_reminder_schedule,
    previous_period,
)
from storage.models import Audit, Project, RecapSchedule, RecapSent, Room
from storage.queries import Totals, contribution_totals, display_names
from storage.recap_queries import (
    minutes_by_project_day,
    minutes_by_project_month,
    newcomers,
    people_per_project,
)

log = logging.getLogger(__name__)

FAMILY = "recap"
PLAN_WORDS = ("planifier", "planification", "plan", "programmer", "schedule", "horaire")
CHART_WEEKS = 8
CHART_MONTHS = 6
TABLE_ROWS = 8


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


RECAP_TEXT = "recap:text"
RECAP_CHART = "recap:chart"


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


# --------------------------------------------------------------------------- planning


def _require_admin(ctx: Context, word: str) -> None:
    """Admins only; ``word`` (``rappel``, ``recap planifier``) says how many words of the
    command name it, and names it when the event is no command (a deletion)."""
    if not ctx.is_admin:
        command = ctx.typed_command(word.count(" ")) or ctx.t(
            "recap.plan_command", prefix=ctx.settings.prefix
        )
        raise UserError("core.admin_only", command=command)


def plan_recap(ctx: Context, tokens: list[str]) -> None:
    if not tokens:
        ctx.reply(_show_schedules(ctx, (WEEKLY, MONTHLY)))
        return
    _require_admin(ctx, "recap planifier")
    _apply(ctx, parse_recap_schedule(tokens), "recap planifier")


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


# --------------------------------------------------------------------------- building a recap


@dataclass(frozen=True)
class RecapOut:
    rich: Rich
    empty: bool
    chart: ChartData | None = None  # what the chart shows (``recap_chart.render`` draws it)
    chart_name: str = "recap.png"
    chart_caption: str = ""


def period_title(lang: str, period: Period) -> str:
    if period.kind == "week":
        return i18n.t(
            lang,
            "recap.period.week",
            start=i18n.format_date(period.start, lang, "d MMM"),
            end=i18n.format_date(period.last_day, lang, "d MMM y"),
        )
    if period.kind == "month":
        return i18n.format_date(period.start, lang, "MMMM y")
    if period.kind == "year":
        return str(period.start.year)
    if period.kind == "all":
        return i18n.t(lang, "core.period.all")
    if period.kind == "day":
        return i18n.format_day(period.start, lang)
    return i18n.t(
        lang,
        "core.period.range",
        start=i18n.format_day(period.start, lang),
        end=i18n.format_day(period.last_day, lang),
    )


def build_recap(
    db: Session,
    registry: Registry,
    room: Room,
    period: Period,
    settings: Settings,
    *,
    today: dt.date,
    chart: bool = True,
) -> RecapOut:
    """The recap of ``period``: a title, then every registered section in order; one line when no
    section has anything to say. With ``chart``, what the chart of the weeks (or months) up to the
    period's end shows (``recap_chart.render`` draws it)."""
    lang = room.language
    before = previous_period(period)
    scope = RecapScope(
        db=db,
        room=room,
        start=period.start,
        end=period.end,
        previous_start=before.start,
        previous_end=before.end,
        settings=settings,
    )
    parts: list[Rich] = []
    for _order, name, section in registry.recap_sections:
        try:
            part = section(scope)
        except Exception:
            log.exception("recap section %s failed in room %s", name, room.id)
            continue
        if part is not None:
            parts.append(part)
    label = period_title(lang, period)
    if period.end > today + dt.timedelta(days=1) and period.kind != "all":
        label = i18n.t(lang, "recap.in_progress", period=label)
    if not parts:
        return RecapOut(plain(i18n.t(lang, "recap.empty", period=label)), empty=True)
    title = i18n.t(lang, "recap.title", period=label)
    body: list[Rich | str] = [bold(title)]
    for part in parts:
        body.extend([plain(""), part])
    data = chart_data(db, room, period, today) if chart else None
    caption = data.title if data is not None else ""
    name = f"recap-{period.start.isoformat()}.png"
    return RecapOut(lines(*body), empty=False, chart=data, chart_name=name, chart_caption=caption)


# --------------------------------------------------------------------------- contributions


def _delta(scope: RecapScope, now: int, before: int) -> str:
    if before == 0:
        return scope.t("recap.contrib.new") if now else "—"
    if now == before:
        return "="
    sign = "+" if now > before else "−"
    return sign + i18n.format_minutes(abs(now - before), scope.lang)


def _percent(scope: RecapScope, now: int, before: int) -> str:
    value = int((Decimal(now - before) * 100 / before).quantize(Decimal(1), ROUND_HALF_UP))
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return scope.t("recap.percent", sign=sign, value=abs(value))


def contributions_section(scope: RecapScope) -> Rich | None:
    """Total hours and contributors, comparison with the period before, newcomers, then the
    hours per project and per person."""
    db, room = scope.db, scope.room
    cur = contribution_totals(db, room.id, scope.start, scope.end)
    prev = contribution_totals(db, room.id, scope.previous_start, scope.previous_end)
    if cur.count == 0 and prev.count == 0:
        return None
    if cur.count == 0:
        return plain(
            scope.t(
                "recap.contrib.none",
                before=scope.duration(prev.minutes),
                people=len(prev.by_person),
            )
        )
    head = scope.t(
        "recap.contrib.headline",
        total=scope.duration(cur.minutes),
        people=len(cur.by_person),
        count=cur.count,
    )
    if prev.count:
        compare = scope.t(
            "recap.contrib.compare",
            before=scope.duration(prev.minutes),
            people=len(prev.by_person),
            percent=_percent(scope, cur.minutes, prev.minutes),
        )
    else:
        compare = scope.t("recap.contrib.compare_none")
    out: list[Rich | str] = [bold(head), compare]
    new = newcomers(db, room.id, scope.start, scope.end)
    names = scope.names(u for u, _, _ in cur.by_person)
    if new:
        out.append(scope.t("recap.contrib.newcomers", names=", ".join(names[u] for u in new)))

    # per project
    codes = _project_codes(db, [pid for pid, _, _ in cur.by_project])
    people = people_per_project(db, room.id, scope.start, scope.end)
    before = {pid: m for pid, m, _ in prev.by_project}
    rows: list[list[object]] = []
    for pid, minutes, _count in cur.by_project[:TABLE_ROWS]:
        label = codes.get(pid) or scope.t("recap.contrib.no_project")
        rows.append(
            [
                label,
                scope.duration(minutes),
                people.get(pid, 0),
                _delta(scope, minutes, before.get(pid, 0)),
            ]
        )
    rest = cur.by_project[TABLE_ROWS:]
    if rest:
        rows.append(
            [
                scope.t("recap.contrib.others", n=len(rest)),
                scope.duration(sum(m for _, m, _ in rest)),
                "",
                "",
            ]
        )
    out.append(plain(""))  # Markdown needs a blank line before a table
    out.append(
        table(
            [
                scope.t("recap.col.project"),
                scope.t("recap.col.time"),
                scope.t("recap.col.people"),
                scope.t("recap.col.change"),
            ],
            rows,
            align="lrrr",
        )
    )

    # per person
    rows = [
        [names[u] + (" 🆕" if u in new else ""), scope.duration(m), c]
        for u, m, c in cur.by_person[:TABLE_ROWS]
    ]
    others = cur.by_person[TABLE_ROWS:]
    if others:
        rows.append(
            [
                scope.t("recap.contrib.others", n=len(others)),
                scope.duration(sum(m for _, m, _ in others)),
                sum(c for _, _, c in others),
            ]
        )
    out.append(plain(""))
    out.append(
        table(
            [scope.t("recap.col.person"), scope.t("recap.col.time"), scope.t("recap.col.count")],
            rows,
            align="lrr",
        )
    )
    return lines(*out)


def _project_codes(db: Session, ids: list[int | None]) -> dict[int | None, str]:
    wanted = [i for i in set(ids) if i is not None]
    if not wanted:
        return {}
    return {p.id: p.code for p in db.exec(select(Project).where(col(Project.id).in_(wanted))).all()}


# --------------------------------------------------------------------------- chart


def _chart_buckets(period: Period, today: dt.date) -> tuple[str, list[Period]]:
    """The time buckets the chart shows: months for a month or a year, weeks otherwise."""
    if period.kind == "year":
        return "month", [month_period(period.start.year, m) for m in range(1, 13)]
    if period.kind in ("month", "all"):
        last = period.start if period.kind == "month" else today
        months = []
        year, month = last.year, last.month
        for _ in range(CHART_MONTHS if period.kind == "month" else 12):
            months.append(month_period(year, month))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return "month", months[::-1]
    last_week = week_period(min(period.last_day, today))
    weeks = [
        Period(last_week.start - dt.timedelta(weeks=i), last_week.end - dt.timedelta(weeks=i))
        for i in range(CHART_WEEKS)
    ]
    return "week", weeks[::-1]


def chart_data(
    db: Session,
    room: Room,
    period: Period,
    today: dt.date,
    totals: Callable[[dt.date, dt.date], Totals] | None = None,
) -> ChartData | None:
    """What the chart shows; ``None`` when nothing was given over its span. ``totals``: how
    to get ``contribution_totals`` of the room (already known ones, say)."""
    lang = room.language
    unit, buckets = _chart_buckets(period, today)
    start, end = buckets[0].start, buckets[-1].end
    # months are whole: their minutes come from the monthly totals
    by_span = minutes_by_project_month if unit == "month" else minutes_by_project_day
    per_day = by_span(db, room.id, start, end)
    if not per_day:
        return None
    series: dict[int | None, list[int]] = {}
    for pid, day, minutes in per_day:
        index = _bucket_index(buckets, day)
        if index is not None:
            series.setdefault(pid, [0] * len(buckets))[index] += minutes
    codes = _project_codes(db, list(series))
    spent = totals(start, end) if totals else contribution_totals(db, room.id, start, end)
    people = [(u, m) for u, m, _ in spent.by_person]
    names = display_names(db, [u for u, _ in people], room.id)
    fmt = "d/M" if unit == "week" else "MMM"
    labels = [i18n.format_date(b.start, lang, fmt) for b in buckets]
    span = i18n.t(lang, f"recap.chart.span_{unit}", n=len(buckets))
    return ChartData(
        title=i18n.t(lang, "recap.chart.title", span=span),
        buckets=labels,
        series=[
            (codes.get(pid) or i18n.t(lang, "recap.contrib.no_project"), minutes)
            for pid, minutes in series.items()
        ],
        people=[(names[u], m) for u, m in people],
        projects_title=i18n.t(lang, f"recap.chart.projects_{unit}"),
        people_title=i18n.t(lang, "recap.chart.people", span=span),
        hours_label=i18n.t(lang, "recap.chart.hours"),
        others_label=i18n.t(lang, "recap.chart.others"),
        others_people=functools.partial(_others_people, lang),
        lang=lang,
    )


def _others_people(lang: str, n: int, hours: str) -> str:
    return i18n.t(lang, "recap.chart.others_people", n=n, hours=hours)


def _bucket_index(buckets: list[Period], day: dt.date) -> int | None:
    # buckets are contiguous and sorted: a bisection would do, but there are at most 12
    for i, bucket in enumerate(buckets):
        if bucket.contains(day):
            return i
    return None


# --------------------------------------------------------------------------- scheduled posts


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
