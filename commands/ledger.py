"""What a room's page shows (``bot.web`` renders it): read-only views of the ledger in the
room's language and time zone. Every figure comes from the functions the chat answers use
(``storage.ledger``, ``storage.queries``, the families' views), and every view reads a few
queries whatever the number of rows.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from babel.numbers import format_decimal
from sqlmodel import Session, col, select

from commands import i18n
from commands.budget import (
    PROPORTIONAL,
    csv_rows,
    envelope_left,
    envelope_period,
    libre_view,
    per_hour_cents,
    proportional_view,
    rules_text,
)
from commands.cobudget import latest_round, open_round
from commands.contrib import period_label
from commands.core import RoomTexts, Settings
from commands.csvfile import csv_bytes
from commands.export import contribution_entries, entries_csv, entry_labels
from commands.grammar import Period, month_period, week_period
from commands.recap import chart_data, period_title
from commands.recap_chart import render
from commands.split import percent_shares, scale
from storage.ledger import (
    JournalFilter,
    balances,
    bucket_funders,
    bucket_page,
    bucket_totals,
    journal,
    journal_kinds,
    latest_change,
    round_money,
    utc,
)
from storage.models import (
    Audit,
    Bucket,
    BudgetEnvelope,
    BudgetRequest,
    CobudgetRound,
    Contribution,
    Member,
    Project,
    Room,
)
from storage.numbers import by_number
from storage.queries import Totals, contribution_totals, room_projects
from storage.recap_queries import newcomers

PERIODS = ("semaine", "semaine-derniere", "mois", "mois-dernier", "annee")
PERIOD_LABELS = {
    "semaine": "period_week",
    "semaine-derniere": "period_last_week",
    "mois": "period_month",
    "mois-dernier": "period_last_month",
    "annee": "period_year",
}
JOURNAL_PAGE = 50
BUCKETS_PAGE = 100
MONEY_KEYS = {
    "cents",
    "pot",
    "amount",
    "min",
    "max",
    "held",
    "allocated",
    "in_buckets",
    "refunded",
    "granted",
    "restored",
}
PEOPLE_KEYS = {"user", "funder", "author"}


_format_money = lru_cache(maxsize=16_384)(i18n.format_money)
T = TypeVar("T")


class Kept:
    """Figures derived from rooms' ledgers (totals, lists of ids, rows; names change without
    the ledger: what shows them is kept under the names it shows), each kept under the version
    of its room's ledger it was read at
    (``storage.ledger.latest_change``, which every change moves): once the ledger changes, the
    next page reads a new version and computes them again. At most ``size`` of them, and
    ``large`` of the large ones (a file's rows)."""

    def __init__(self, size: int = 256, large: int = 16) -> None:
        self._bounds = (size, large)
        self._kept: tuple[OrderedDict[Hashable, Any], ...] = (OrderedDict(), OrderedDict())
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T], *, large: bool = False) -> T:
        kept, bound = self._kept[large], self._bounds[large]
        with self._lock:
            if key in kept:
                kept.move_to_end(key)
                found: T = kept[key]
                return found
        value = make()
        with self._lock:
            kept[key] = value
            while len(kept) > bound:
                kept.popitem(last=False)
        return value


@dataclass
class Reader(RoomTexts):
    """The room, read at ``now`` (``today`` in the room's time zone); ``kept`` keeps what it
    derives from the ledger until the ledger changes."""

    db: Session
    room: Room
    settings: Settings
    now: dt.datetime
    kept: Kept | None = None
    _version: int | None = field(default=None, init=False, repr=False)

    @property
    def version(self) -> int:
        """The version of the room's ledger, read once (before anything derived from it)."""
        if self._version is None:
            self._version = latest_change(self.db, self.room.id)
        return self._version

    def derived(
        self, name: str, args: tuple[Hashable, ...], make: Callable[[], T], *, large: bool = False
    ) -> T:
        """``make()``, or what it gave for the same ``name`` and ``args`` at this version of
        the room's ledger."""
        if self.kept is None:
            return make()
        return self.kept.get((self.room.id, self.version, name, args), make, large=large)

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(ZoneInfo(self.room.timezone)).date()

    def money(self, cents: int) -> str:
        # a page shows the same amounts again and again: formatting is its dearest part
        return _format_money(cents, self.room.currency, self.lang)

    def w(self, key: str, /, **params: Any) -> str:
        """A text of the page itself (``page.web.*``)."""
        return self.t(f"page.web.{key}", **params)

    def when(self, instant: dt.datetime) -> str:
        return format_datetime(
            utc(instant),
            "EEE d MMM y, HH:mm",
            tzinfo=ZoneInfo(self.room.timezone),
            locale=i18n.locale_of(self.lang),
        )


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    align: str = ""  # one letter per column: l or r

    def right(self, index: int) -> bool:
        return index < len(self.align) and self.align[index] == "r"


@dataclass
class Link:
    label: str
    path: str  # relative to the page's root (``tour/3``)
    current: bool = False


# --------------------------------------------------------------------------- overview


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


# --------------------------------------------------------------------------- round


@dataclass
class BucketView:
    number: int
    title: str
    description: str
    author: str
    state: str
    state_key: str
    goal: str
    held_text: str
    held: int
    min_cents: int
    max_cents: int
    towards_max: str
    funders: list[tuple[str, str]]


@dataclass
class RoundView:
    count: int  # buckets in the round
    shown: str  # which of them this page shows, when they do not fit on one
    newer: str  # query string of the previous page of buckets, or ""
    older: str
    number: int
    title: str
    state: str
    until: str
    figures: list[tuple[str, str]]
    buckets: list[BucketView]
    balances: Table | None
    others: list[Link] = field(default_factory=list)


def round_view(r: Reader, number: int | None, page: int = 1) -> RoundView | None:
    """A round (the open one, else the latest, when ``number`` is None) with a page of its
    buckets, each with its funders, and the members' balances: a few queries whatever the
    number of buckets."""
    if number is None:
        rnd = open_round(r.db, r.room.id) or latest_round(r.db, r.room.id)
    else:
        rnd = by_number(r.db, CobudgetRound, r.room.id, number)
    if rnd is None or rnd.id is None:
        return None
    given, held_total = round_money(r.db, rnd.id)
    page = max(1, page)
    buckets, count = bucket_page(r.db, rnd.id, (page - 1) * BUCKETS_PAGE, BUCKETS_PAGE)
    pages = max(1, -(-count // BUCKETS_PAGE))
    ids = [b.id for b in buckets if b.id is not None]
    totals = bucket_totals(r.db, rnd.id, ids)
    funders = bucket_funders(r.db, rnd.id, ids)
    people = balances(r.db, rnd.id)
    r.names(
        {b.author for b in buckets}
        | {u for fs in funders.values() for u, _ in fs}
        | {u for u, _, _ in people}
    )
    views = []
    for b in buckets:
        assert b.id is not None
        held, _ = totals.get(b.id, (0, 0))
        percent = held * 100 // b.min_cents if b.min_cents else 100
        goal = (
            r.w("goals", min=r.money(b.min_cents), max=r.money(b.max_cents))
            if b.max_cents > b.min_cents
            else r.w("goal", min=r.money(b.min_cents))
        )
        views.append(
            BucketView(
                number=b.number,
                title=b.title,
                description=b.description,
                author=r.name(b.author),
                state=r.t(f"buckets.state.{b.state}"),
                state_key=b.state,
                goal=goal,
                held_text=r.w(
                    "held", held=r.money(held), min=r.money(b.min_cents), percent=percent
                ),
                held=held,
                min_cents=b.min_cents,
                max_cents=b.max_cents,
                towards_max=r.w("towards_max", held=r.money(held), max=r.money(b.max_cents))
                if b.max_cents > b.min_cents
                else "",
                funders=[(r.name(u), r.money(c)) for u, c in funders.get(b.id, [])],
            )
        )
    table = None
    if people:
        table = Table(
            [r.w("col_person"), r.w("col_given"), r.w("col_spent"), r.w("col_balance")],
            [[r.name(u), r.money(c), r.money(s), r.money(c - s)] for u, c, s in people],
            "lrrr",
        )
    others = r.db.exec(
        select(CobudgetRound)
        .where(CobudgetRound.room_id == r.room.id, CobudgetRound.id != rnd.id)
        .order_by(col(CobudgetRound.id).desc())
    ).all()
    first = (page - 1) * BUCKETS_PAGE + 1
    return RoundView(
        count=count,
        shown=r.w("shown", first=first, last=first + len(buckets) - 1, count=count)
        if pages > 1 and buckets
        else "",
        newer=f"?page={page - 1}" if page > 1 else "",
        older=f"?page={page + 1}" if page < pages else "",
        number=rnd.number,
        title=rnd.title,
        state=r.t(f"buckets.round.state_{rnd.state}"),
        until=r.w("until", date=r.date(rnd.deadline)) if rnd.deadline else "",
        figures=_round_figures(r, rnd, given, held_total),
        buckets=views,
        balances=table,
        others=[
            Link(r.w("round_title", id=o.number, title=o.title), f"tour/{o.number}") for o in others
        ],
    )


# --------------------------------------------------------------------------- envelopes


def _room_envelopes(r: Reader) -> list[BudgetEnvelope]:
    return list(
        r.db.exec(
            select(BudgetEnvelope)
            .where(BudgetEnvelope.room_id == r.room.id)
            .order_by(col(BudgetEnvelope.start).desc(), col(BudgetEnvelope.id))
        ).all()
    )


def _envelope_label(r: Reader, env: BudgetEnvelope, projects: dict[int | None, Project]) -> str:
    project = projects.get(env.project_id)
    return r.w(
        "envelope_title",
        id=env.number,
        project=(project.code if project else "?") + (f" · {env.label}" if env.label else ""),
        period=period_label(r, envelope_period(env)),
    )


def envelopes_table(r: Reader) -> list[tuple[Link, list[str]]]:
    """Every envelope of the room as ``!budgets`` lists it: a link and its cells."""
    projects = {p.id: p for p in room_projects(r.db, r.room.id)}
    out = []
    for env in _room_envelopes(r):
        project = projects.get(env.project_id)
        out.append(
            (
                Link(f"#{env.number}", f"enveloppe/{env.number}"),
                [
                    project.code if project else "?",
                    period_label(r, envelope_period(env)),
                    r.t(f"budget.mode.{env.mode}"),
                    r.money(env.amount),
                    r.t(f"budget.state.{env.state}"),
                    r.money(envelope_left(r.db, env)),
                ],
            )
        )
    return out


@dataclass
class RequestView:
    number: int
    who: str
    hours: str
    asked: str
    rate: str
    granted: str
    state: str
    validated: bool
    questions: list[str]
    validations: list[str]
    message: str


@dataclass
class EnvelopeView:
    number: int
    title: str
    amount: str
    rules: str
    state: str
    closed: bool
    libre: bool
    requests: list[RequestView]
    totals: str
    landing: str
    landing_table: Table | None
    landing_hint: str
    split: Table | None
    split_note: str
    notes: list[str]
    sources_text: str
    sources: Table | None
    sources_query: str


def _hours(r: Reader, minutes: int) -> str:
    return i18n.format_hours(minutes, r.lang)


def _rate(r: Reader, cents: int, minutes: int) -> str:
    if minutes <= 0:
        return "—"
    return r.t("budget.per_hour", amount=r.money(per_hour_cents(cents, minutes)))


def envelope_view(r: Reader, number: int) -> EnvelopeView | None:
    env = by_number(r.db, BudgetEnvelope, r.room.id, number)
    if env is None or env.id is None:
        return None
    projects = {p.id: p for p in room_projects(r.db, r.room.id)}
    project = projects.get(env.project_id)
    code = project.code if project else "?"
    p = r.settings.prefix
    view = EnvelopeView(
        number=env.number,
        title=_envelope_label(r, env, projects),
        amount=r.money(env.amount),
        rules=rules_text(r.lang, env),
        state=r.t(f"budget.state.{env.state}"),
        closed=env.state == "closed",
        libre=env.mode != PROPORTIONAL,
        requests=[],
        totals="",
        landing="",
        landing_table=None,
        landing_hint="",
        split=None,
        split_note="",
        notes=[],
        sources_text="",
        sources=None,
        sources_query="",
    )
    if env.mode != PROPORTIONAL and env.state != "closed":
        _libre(r, env, view, code, p)
    else:
        _split(r, env, view)
    # sources: the contributions the hours come from
    totals = contribution_totals(r.db, r.room.id, env.start, env.end, project_id=env.project_id)
    names = r.names(u for u, _, _ in totals.by_person)
    period = envelope_period(env)
    view.sources_text = r.w(
        "sources_text", project=code, start=r.date(period.start), end=r.date(period.last_day)
    )
    if totals.by_person:
        view.sources = Table(
            [r.w("col_person"), r.w("col_hours"), r.w("col_count")],
            [[names[u], _hours(r, m), str(c)] for u, m, c in totals.by_person],
            "lrr",
        )
    view.sources_query = (
        f"du={env.start.isoformat()}&au={env.end.isoformat()}&projet={env.project_id}"
    )
    return view


def _libre(r: Reader, env: BudgetEnvelope, view: EnvelopeView, code: str, p: str) -> None:
    rows = libre_view(r.db, env)
    r.names(
        {row.request.user_id for row in rows}
        | {u for row in rows for u, _ in row.votes.validations}
        | {u for row in rows for u, _ in row.votes.questions}
    )
    validated: dict[int, int] = {}
    for row in rows:
        req = row.request
        assert req.id is not None
        if row.validated:
            validated[req.id] = row.planned
        view.requests.append(
            RequestView(
                number=req.number,
                who=r.name(req.user_id),
                hours=_hours(r, row.minutes),
                asked=r.money(req.amount),
                rate=_rate(r, req.amount, row.minutes),
                granted=r.money(req.granted) if req.granted is not None else "",
                state=r.w("validated")
                if row.validated
                else r.w(
                    "pending", votes=len(row.votes.validations), needed=env.validations_needed
                ),
                validated=row.validated,
                questions=[r.w("asked_by", who=r.name(u), text=t) for u, t in row.votes.questions],
                validations=[
                    r.w("by_admin" if admin else "validated_by", who=r.name(u))
                    for u, admin in row.votes.validations
                ],
                message=req.message,
            )
        )
    total = sum(validated.values())
    view.totals = r.t(
        "budget.libre_totals",
        validated=r.money(total),
        amount=r.money(env.amount),
        asked=r.money(sum(row.request.amount for row in rows)),
    )
    if total > env.amount:
        scaled = scale({str(k): v for k, v in validated.items()}, env.amount)
        by_id = {str(row.request.id): row.request for row in rows}
        view.landing = r.w(
            "landing_text",
            validated=r.money(total),
            amount=r.money(env.amount),
            over=r.money(total - env.amount),
            factor=format_decimal(
                Decimal(env.amount) / Decimal(total),
                format="0.###",
                locale=i18n.locale_of(r.lang),
            ),
        )
        view.landing_table = Table(
            ["#", r.w("col_person"), r.w("col_asked"), r.w("col_prorata")],
            [
                [
                    f"#{by_id[rid].number}",
                    r.name(by_id[rid].user_id),
                    r.money(validated[int(rid)]),
                    r.money(cents),
                ]
                for rid, cents in scaled.items()
            ],
            "llrr",
        )
        example = next(iter(scaled), "")
        number = by_id[example].number if example else 1
        view.landing_hint = r.w(
            "landing_hint",
            prorata=f"{p}budget {code} {r.w('word_prorata')}",
            agree=f"{p}budget {code} {r.w('word_agree')} {number} {r.money(env.amount // 2)}",
        )


def _split(r: Reader, env: BudgetEnvelope, view: EnvelopeView) -> None:
    """The split of a proportional envelope (provisional), or the frozen one of a closed
    envelope: the rows ``!budget`` shows."""
    split = proportional_view(r.db, env)
    r.names(row.user_id for row in split.rows)
    shares = percent_shares({i: row.minutes for i, row in enumerate(split.rows)})
    rows = []
    for i, row in enumerate(split.rows):
        share = i18n.format_share(shares[i], r.lang)
        amount = r.money(row.amount) + (" *" if row.limited else "")
        rows.append(
            [
                r.name(row.user_id),
                _hours(r, row.minutes),
                r.t("budget.pct", pct=share),
                amount,
                _rate(r, row.amount, row.minutes),
                row.note,
            ]
        )
    view.split = Table(
        [
            r.w("col_person"),
            r.w("col_hours"),
            r.w("col_share"),
            r.w("col_amount"),
            r.w("col_rate"),
            r.w("col_note"),
        ],
        rows,
        "lrrrrl",
    )
    view.split_note = r.w("frozen" if env.state == "closed" else "provisional")
    if any(row.limited for row in split.rows):
        view.notes.append(r.w("limited"))
    if split.excluded:
        view.notes.append(
            r.w(
                "excluded",
                hours=_hours(r, env.min_minutes),
                names=", ".join(r.name(u) for u in split.excluded),
            )
        )
    gifts = [row for row in split.rows if row.given_back]
    if gifts:
        view.notes.append(
            r.w(
                "given_back",
                gifts=", ".join(f"{r.name(g.user_id)} {r.money(g.given_back)}" for g in gifts),
            )
        )
    paid = sum(row.amount for row in split.rows)
    if env.mode == PROPORTIONAL:
        view.totals = r.t(
            "budget.totals",
            paid=r.money(paid),
            commons=r.money(split.commons),
            left=r.money(split.remainder),
            amount=r.money(env.amount),
        )
    else:
        view.totals = r.t(
            "budget.libre_totals_closed",
            paid=r.money(paid),
            left=r.money(split.remainder),
            amount=r.money(env.amount),
        )


def envelope_csv(r: Reader, number: int) -> tuple[str, bytes] | None:
    """A closed envelope's split as ``!budget KPA csv`` sends it (file name, bytes)."""
    env = by_number(r.db, BudgetEnvelope, r.room.id, number)
    if env is None or env.state != "closed":
        return None
    header, rows = csv_rows(r, env)
    project = r.db.get(Project, env.project_id)
    code = project.code if project else "envelope"
    return f"budget-{code}-{env.start.isoformat()}.csv", csv_bytes(header, rows, r.lang)


# --------------------------------------------------------------------------- downloads


@dataclass
class Downloads:
    contributions: list[Link]
    envelopes: list[Link]
    example: str


def downloads(r: Reader) -> Downloads:
    projects = {p.id: p for p in room_projects(r.db, r.room.id)}
    closed = [e for e in _room_envelopes(r) if e.state == "closed"]
    return Downloads(
        contributions=[
            Link(
                r.w("contributions_csv", period=period_label(r, period_of(k, r.today))),
                f"contributions.csv?periode={k}",
            )
            for k in PERIODS
        ],
        envelopes=[
            Link(
                r.w(
                    "envelope_csv",
                    id=e.number,
                    project=projects[e.project_id].code if e.project_id in projects else "?",
                    period=period_label(r, envelope_period(e)),
                ),
                f"enveloppe-{e.number}.csv",
            )
            for e in closed
        ],
        example=f"{r.settings.prefix}export csv",
    )


def contributions_file(
    r: Reader,
    key: str | None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    project_id: int | None = None,
) -> tuple[str, bytes]:
    """The contributions of a period (a key, or ``start <= day < end``) as ``!export csv``."""
    if start is not None and end is not None and start < end:
        period = Period(start, end)
    else:
        period = period_of(key or PERIODS[0], r.today)
    span = (period.start, period.end, project_id)
    entries = r.derived(
        "contributions",
        span,
        lambda: contribution_entries(r.db, r.room.id, period, project_id=project_id),
        large=True,
    )
    if entries:
        # the file again when neither the ledger nor a name or a project code changed
        names, codes = entry_labels(r, entries)
        labels = (r.lang, tuple(sorted(names.items())), tuple(sorted(codes.items(), key=str)))
        data = r.derived(
            "contributions.csv",
            (span, labels),
            lambda: entries_csv(r, entries, names, codes),
            large=True,
        )
    else:
        data = csv_bytes(*_empty_csv(r), r.lang)
    return f"contributions-{period.start.isoformat()}.csv", data


def _empty_csv(r: Reader) -> tuple[list[str], list[list[object]]]:
    cols = ("number", "date", "person", "user", "minutes", "hours", "project", "description")
    return [r.t(f"export.col.{c}") for c in (*cols, "event")], []


# --------------------------------------------------------------------------- journal


@dataclass
class Entry:
    when: str
    who: str
    what: str
    details: str


@dataclass
class Option:
    value: str
    label: str
    selected: bool


@dataclass
class JournalView:
    entries: list[Entry]
    people: list[Option]
    projects: list[Option]
    kinds: list[Option]
    newer: str  # query string of the newer page, or ""
    older: str
    first: str


def journal_view(
    r: Reader,
    *,
    person: str = "",
    project: str = "",
    kind: str = "",
    before: int | None = None,
    after: int | None = None,
) -> JournalView:
    projects = room_projects(r.db, r.room.id)
    by_code = {p.code: p for p in projects}
    members = list(r.db.exec(select(Member.user_id).where(Member.room_id == r.room.id)).all())
    kinds = r.derived("kinds", (), lambda: journal_kinds(r.db, r.room.id))
    where = JournalFilter(
        person=person if person in members else None,
        project_id=by_code[project].id if project in by_code else None,
        kind=kind if kind in kinds else None,
    )
    rows, more = journal(
        r.db, r.room.id, where, before_id=before, after_id=after, limit=JOURNAL_PAGE
    )
    labels = _labels(r, rows, projects)
    names = r.names([*members, *labels.people])
    entries = [
        Entry(
            when=r.when(a.at),
            who=r.w("bot") if a.actor == "bot" else names.get(a.actor) or r.name(a.actor),
            what=_what(r, a, labels),
            details=_details(r, a, labels, names),
        )
        for a in rows
    ]
    filters = {
        "personne": where.person or "",
        "projet": project if where.project_id is not None else "",
        "type": where.kind or "",
    }
    base = "&".join(f"{k}={_q(v)}" for k, v in filters.items() if v)

    def page(**extra: int) -> str:
        parts = [base] if base else []
        parts += [f"{k}={v}" for k, v in extra.items()]
        return "?" + "&".join(parts)

    if after is None:
        has_older, has_newer = more, before is not None
    else:
        has_older, has_newer = True, more
    first_id = rows[0].id if rows else None
    last_id = rows[-1].id if rows else None
    return JournalView(
        entries=entries,
        people=[
            Option(u, names[u], u == where.person)
            for u in sorted(members, key=lambda u: names[u].casefold())
        ],
        projects=[Option(p.code, p.code, p.id == where.project_id) for p in projects],
        kinds=[Option(k, _kind(r, k), k == where.kind) for k in kinds],
        newer=page(apres=first_id) if first_id is not None and has_newer else "",
        older=page(avant=last_id) if last_id is not None and has_older else "",
        first=page() if (before is not None or after is not None) else "",
    )


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def _kind(r: Reader, kind: str) -> str:
    key = f"page.web.kind.{kind}"
    return r.t(key) if i18n.has(r.lang, key) else kind


@dataclass
class _Labels:
    numbers: dict[tuple[str, str], int]  # (object kind, internal id) -> the number people read
    projects: dict[int, str]
    people: set[str]


_NUMBERED = {
    "bucket": Bucket,
    "round": CobudgetRound,
    "budget_envelope": BudgetEnvelope,
    "budget_request": BudgetRequest,
    "contribution": Contribution,
}


def _labels(r: Reader, rows: list[Audit], projects: list[Project]) -> _Labels:
    """The numbers and names the rows speak of, read once for the whole page (a query per kind
    of record, not per row)."""
    wanted: dict[str, set[int]] = {}
    people: set[str] = set()
    for a in rows:
        if a.object_kind in _NUMBERED and a.object_id.isdigit():
            wanted.setdefault(a.object_kind, set()).add(int(a.object_id))
        for key in PEOPLE_KEYS:
            value = a.details.get(key) if isinstance(a.details, dict) else None
            if isinstance(value, str):
                people.add(value)
        people.add(a.actor)
    numbers: dict[tuple[str, str], int] = {}
    for kind, ids in wanted.items():
        model: Any = _NUMBERED[kind]
        for rid, number in r.db.exec(
            select(model.id, model.number).where(col(model.id).in_(sorted(ids)))
        ).all():
            numbers[(kind, str(rid))] = int(number)
    return _Labels(numbers, {p.id: p.code for p in projects if p.id is not None}, people)


def _what(r: Reader, a: Audit, labels: _Labels) -> str:
    kind = _kind(r, a.object_kind)
    number = labels.numbers.get((a.object_kind, a.object_id))
    if number is None and isinstance(a.details, dict) and isinstance(a.details.get("number"), int):
        number = a.details["number"]
    if a.object_kind == "project" and a.object_id.isdigit():
        code = labels.projects.get(int(a.object_id))
        ref = f" {code}" if code else ""
    else:
        ref = f" #{number}" if number is not None else ""
    action_key = f"page.web.action.{a.action}"
    action = r.t(action_key) if i18n.has(r.lang, action_key) else a.action
    return f"{kind}{ref} — {action}"


def _details(r: Reader, a: Audit, labels: _Labels, names: dict[str, str]) -> str:
    details = a.details if isinstance(a.details, dict) else {}
    before, after = details.get("before"), details.get("after")
    parts: list[str] = []
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                old = _value(r, key, before.get(key), labels, names)
                new = _value(r, key, after.get(key), labels, names)
                parts.append(r.w("pair", key=_field(r, key), value=f"{old} → {new}"))
        rest = {k: v for k, v in details.items() if k not in ("before", "after")}
    elif "before" in details and "after" in details:
        old = _value(r, a.action, before, labels, names)
        new = _value(r, a.action, after, labels, names)
        parts.append(f"{old} → {new}")
        rest = {k: v for k, v in details.items() if k not in ("before", "after")}
    else:
        rest = details
    for key, value in rest.items():
        if value in (None, "", [], {}) or (key.endswith("_id") and key != "project_id"):
            continue
        parts.append(r.w("pair", key=_field(r, key), value=_value(r, key, value, labels, names)))
    text = " · ".join(parts)
    return text if len(text) <= 400 else text[:399] + "…"


def _field(r: Reader, key: str) -> str:
    name = f"page.web.field.{key}"
    return r.t(name) if i18n.has(r.lang, name) else key


def _value(r: Reader, key: str, value: Any, labels: _Labels, names: dict[str, str]) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if key in MONEY_KEYS and isinstance(value, int):
        return r.money(value)
    if key == "minutes" and isinstance(value, int):
        return r.duration(value)
    if key == "project_id" and isinstance(value, int):
        return labels.projects.get(value, str(value))
    if key in PEOPLE_KEYS and isinstance(value, str):
        return names.get(value) or value
    if isinstance(value, str):
        try:
            return r.date(dt.date.fromisoformat(value)) if len(value) == 10 else value
        except ValueError:
            return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
