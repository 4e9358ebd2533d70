"""The recap's chart: the figures it draws, week by week or month by month."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable

from sqlmodel import Session, col, select

from commands import i18n
from commands.grammar import Period, month_period, week_period
from commands.recap.words import CHART_MONTHS, CHART_WEEKS
from commands.recap_chart import ChartData
from storage.models import Project, Room
from storage.queries import Totals, contribution_totals, display_names
from storage.recap_queries import minutes_by_project_day, minutes_by_project_month


def _project_codes(db: Session, ids: list[int | None]) -> dict[int | None, str]:
    wanted = [i for i in set(ids) if i is not None]
    if not wanted:
        return {}
    return {p.id: p.code for p in db.exec(select(Project).where(col(Project.id).in_(wanted))).all()}


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
