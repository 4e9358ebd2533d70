"""The page's overview: a period's figures, its chart, the open round."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from commands.cobudget import latest_round, open_round
from commands.grammar import Period, month_period, week_period
from commands.ledger.envelopes import _envelope_label, _room_envelopes
from commands.ledger.reader import PERIOD_LABELS, PERIODS, Link, Reader, Table
from commands.recap import chart_data, period_title
from commands.recap_chart import render
from storage.ledger import round_money
from storage.models import CobudgetRound, Project
from storage.queries import Totals, contribution_totals, room_projects
from storage.recap_queries import newcomers


def period_of(key: str, today: dt.date) -> Period:
    if key == "semaine-derniere":
        return week_period(today - dt.timedelta(days=7))
    if key == "mois":
        return month_period(today.year, today.month)
    if key == "mois-dernier":
        first = today.replace(day=1) - dt.timedelta(days=1)
        return month_period(first.year, first.month)
    if key == "annee":
        return Period(dt.date(today.year, 1, 1), dt.date(today.year + 1, 1, 1), "year")
    return week_period(today)


@dataclass
class RoundSummary:
    number: int
    title: str
    state: str
    figures: list[tuple[str, str]]


@dataclass
class Overview:
    period_key: str
    periods: list[Link]
    period_label: str
    headline: str
    newcomers: list[str]
    by_project: Table | None
    by_person: Table | None
    chart_alt: str
    has_chart: bool
    round: RoundSummary | None
    envelopes: list[Link]


def overview(r: Reader, key: str, chart: tuple[bool, str] | None = None) -> Overview:
    """The period's hours by project and by person, newcomers, the chart's text alternative
    (``chart``: already known), the current round and the envelopes."""
    key = key if key in PERIODS else PERIODS[0]
    period = period_of(key, r.today)
    room = r.room.id
    span = (period.start, period.end)
    totals = _totals(r)(*span)
    names = r.names(u for u, _, _ in totals.by_person)
    new = r.derived("newcomers", span, lambda: newcomers(r.db, room, *span)) if totals.count else []
    codes = {p.id: p for p in room_projects(r.db, room)}
    people = totals.people_by_project
    by_project = by_person = None
    if totals.count:
        by_project = Table(
            [r.w("col_project"), r.w("col_time"), r.w("col_people"), r.w("col_count")],
            [
                [
                    _project_label(r, codes.get(pid) if pid is not None else None),
                    r.duration(minutes),
                    str(people.get(pid, 0)),
                    str(count),
                ]
                for pid, minutes, count in totals.by_project
            ],
            "lrrr",
        )
        by_person = Table(
            [r.w("col_person"), r.w("col_time"), r.w("col_count")],
            [[names[u], r.duration(m), str(c)] for u, m, c in totals.by_person],
            "lrr",
        )
        headline = r.w(
            "headline",
            total=r.duration(totals.minutes),
            people=len(totals.by_person),
            count=totals.count,
        )
    else:
        headline = r.w("nothing")
    if chart is None:
        chart = chart_title(r, key)
    return Overview(
        period_key=key,
        periods=[Link(r.w(PERIOD_LABELS[k]), f"?periode={k}", k == key) for k in PERIODS],
        period_label=period_title(r.lang, period),
        headline=headline,
        newcomers=[names.get(u) or r.name(u) for u in new],
        by_project=by_project,
        by_person=by_person,
        chart_alt=chart[1],
        has_chart=chart[0],
        round=_round_summary(r),
        envelopes=[
            Link(_envelope_label(r, env, codes), f"enveloppe/{env.number}")
            for env in _room_envelopes(r)
        ],
    )


def _project_label(r: Reader, project: Project | None) -> str:
    if project is None:
        return r.w("no_project")
    return f"{project.code} — {project.name}" if project.name else project.code


def chart_title(r: Reader, key: str) -> tuple[bool, str]:
    """Whether the period has a chart, and its text alternative."""
    period = period_of(key, r.today)
    data = chart_data(r.db, r.room, period, r.today, _totals(r))
    if data is None:
        return False, ""
    unit = r.w("unit_month" if period.kind in ("month", "year", "all") else "unit_week")
    return True, r.w("chart_alt", title=data.title, unit=unit)


def chart_png(r: Reader, key: str) -> bytes | None:
    """The recap's chart for the period (PNG), as ``!recap`` sends it."""
    period = period_of(key if key in PERIODS else PERIODS[0], r.today)
    data = chart_data(r.db, r.room, period, r.today, _totals(r))
    return render(data) if data is not None else None


def _totals(r: Reader) -> Callable[[dt.date, dt.date], Totals]:
    """The room's contribution totals of a span, kept until the ledger changes."""

    def totals(start: dt.date, end: dt.date) -> Totals:
        return r.derived(
            "totals", (start, end), lambda: contribution_totals(r.db, r.room.id, start, end)
        )

    return totals


def _round_summary(r: Reader) -> RoundSummary | None:
    rnd = open_round(r.db, r.room.id) or latest_round(r.db, r.room.id)
    if rnd is None or rnd.id is None:
        return None
    given, held = round_money(r.db, rnd.id)
    return RoundSummary(
        rnd.number,
        rnd.title,
        r.t(f"buckets.round.state_{rnd.state}"),
        _round_figures(r, rnd, given, held),
    )


def _round_figures(r: Reader, rnd: CobudgetRound, given: int, held: int) -> list[tuple[str, str]]:
    """The figures ``!tour`` gives: pot, given to members, not given yet, in buckets, left."""
    return [
        (r.w("pot"), r.money(rnd.pot_cents)),
        (r.w("allocated"), r.money(given)),
        (r.w("unallocated"), r.money(rnd.pot_cents - given)),
        (r.w("in_buckets"), r.money(held)),
        (r.w("balances"), r.money(given - held)),
    ]
