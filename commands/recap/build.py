"""Building a recap: its title, its sections in order, the contributions section."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import Session

from commands import i18n
from commands.core import RecapScope, Registry, Settings
from commands.grammar import Period
from commands.recap.chart import _project_codes, chart_data
from commands.recap.words import TABLE_ROWS, log
from commands.recap_chart import ChartData
from commands.render import Rich, bold, lines, plain, table
from commands.schedules import previous_period
from storage.models import Room
from storage.queries import contribution_totals
from storage.recap_queries import newcomers, people_per_project


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
