"""``!moi [csv] [période]`` (``!me``): a person's own statement across every room the bot shares
with them on the platform they write from, asked in a direct message with the bot.

- ``!moi`` lists the hours they logged per room and project over the period (the current year
  by default; the same period words as ``!contribs``), and what each envelope paid them (its
  share net of what they gave back to the commons), per room, envelope and project;
- ``!moi csv 2026`` sends the same envelopes as a CSV file a CAE or an accountant can use: one
  row per envelope paid, with its room, per-room number, project, period and closing date, the
  hours it counted, the amount and the currency.

An envelope counts in the period it was closed (paid), on the day of its room's time zone.
Nothing names another person: the statement is always the sender's own, and only in a direct
message (asked in a room, it says where to ask). The records are read by ``storage.personal``,
the reader ``!mesdonnees`` uses too. Both answers are rendered after the transaction
(``commands.deferred``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from commands import i18n
from commands.args import Choice, PeriodArg
from commands.contrib import period_label
from commands.core import Context, Registry, RoomTexts, UserError
from commands.csvfile import csv_bytes, hours_cell, money_cell
from commands.declare import Arg, Declared
from commands.deferred import Rendered, RenderScope, defer
from commands.grammar import Period, fold, is_mention
from commands.render import Rich, bold, lines, table
from storage.models import Person, Project, Room
from storage.personal import PaidShare, minutes_of, paid_shares_of

FAMILY = "statement"
STATEMENT_TEXT = "statement:text"
STATEMENT_CSV = "statement:csv"
# envelope rows shown in the chat; the CSV has them all
SHOWN_ENVELOPES = 25


def register(reg: Registry) -> None:
    ME.register(reg)
    reg.renderer(STATEMENT_TEXT)(statement_text)
    reg.renderer(STATEMENT_CSV)(statement_csv)


def year_period(today: dt.date) -> Period:
    return Period(dt.date(today.year, 1, 1), dt.date(today.year + 1, 1, 1), "year")


def _only_mine(ctx: Context, tokens: list[str]) -> None:
    """A statement is asked in a direct message, and is always the sender's own."""
    p = ctx.settings.prefix
    if not ctx.event.is_direct:
        raise UserError("statement.not_direct", prefix=p)
    if any(is_mention(tok) or fold(tok) in ("tous", "all", "everyone") for tok in tokens):
        raise UserError("statement.only_yours", prefix=p)


ME = Declared("moi", family=FAMILY, refusal="statement.usage", before=_only_mine)


@ME.sub(
    "mine",
    Arg("csv", Choice("csv"), optional=True, anywhere=True),
    Arg("period", PeriodArg(), optional=True),
    path=(),
    typed=True,
)
def me(ctx: Context, csv: str | None, period: Period | None, typed: dict[str, str]) -> None:
    as_csv = csv is not None
    shown = typed["period"] if period is not None else ""
    period = period or year_period(ctx.today)
    params = {
        "user": ctx.sender,
        "platform": ctx.event.platform,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "kind": period.kind,
        "typed": shown,
    }
    defer(ctx, STATEMENT_CSV if as_csv else STATEMENT_TEXT, params, file=as_csv)


# --------------------------------------------------------------------------- the statement


@dataclass
class Statement:
    """One person's statement over a period, on one platform."""

    user_id: str
    period: Period
    rooms: dict[str, Room]
    # (room id, project code or "") -> minutes logged in the period
    hours: dict[tuple[str, str], int] = field(default_factory=dict)
    project_names: dict[tuple[str, str], str] = field(default_factory=dict)
    # envelopes closed in the period, by closing day, room and number
    paid: list[tuple[dt.date, PaidShare]] = field(default_factory=list)

    @property
    def room_ids(self) -> set[str]:
        return {room for room, _ in self.hours} | {s.room_id for _, s in self.paid}

    def room_name(self, room_id: str) -> str:
        room = self.rooms.get(room_id)
        return (room.name if room is not None else "") or room_id

    def totals(self) -> dict[str, int]:
        """Cents received per currency."""
        found: dict[str, int] = defaultdict(int)
        for _, share in self.paid:
            found[share.currency] += share.amount
        return dict(found)


def read_statement(
    db: Session, user_id: str, platform: str, period: Period, *, hours: bool = True
) -> Statement:
    """What ``!moi`` shows: the hours ``user_id`` logged in ``period`` per room and project
    (unless ``hours`` is False), and the envelopes closed in ``period`` that paid them, in the
    rooms of ``platform``."""
    logged = (
        minutes_of(db, user_id, platform=platform, start=period.start, end=period.end)
        if hours
        else []
    )
    # a day's margin either side: the closing day is read in each room's time zone below
    shares = [
        s
        for s in paid_shares_of(db, user_id, platform=platform)
        if s.closed_at is not None
        and period.start - dt.timedelta(days=1)
        <= s.closed_at.date()
        <= period.end + dt.timedelta(days=1)
    ]
    room_ids = {room_id for room_id, _, _ in logged} | {s.room_id for s in shares}
    rooms = {r.id: r for r in db.exec(select(Room).where(col(Room.id).in_(sorted(room_ids)))).all()}
    found = Statement(user_id, period, rooms)
    project_ids = {pid for _, pid, _ in logged if pid is not None}
    projects = {
        p.id: p
        for p in db.exec(select(Project).where(col(Project.id).in_(sorted(project_ids)))).all()
    }
    for room_id, project_id, minutes in logged:
        project = projects.get(project_id) if project_id is not None else None
        key = (room_id, project.code if project is not None else "")
        found.hours[key] = found.hours.get(key, 0) + minutes
        if project is not None:
            found.project_names[key] = project.name
    for share in shares:
        assert share.closed_at is not None
        room = rooms.get(share.room_id)
        zone = ZoneInfo(room.timezone if room is not None else "UTC")
        closed_at = share.closed_at
        if closed_at.tzinfo is None:  # stored as UTC
            closed_at = closed_at.replace(tzinfo=dt.UTC)
        day = closed_at.astimezone(zone).date()
        if period.contains(day):
            found.paid.append((day, share))
            found.project_names.setdefault((share.room_id, share.project_code), share.project_name)
    found.paid.sort(key=lambda item: (item[0], found.room_name(item[1].room_id), item[1].envelope))
    return found


def _period_of(params: dict[str, Any]) -> Period:
    return Period(
        dt.date.fromisoformat(params["start"]),
        dt.date.fromisoformat(params["end"]),
        params["kind"],
    )


def _scope_statement(scope: RenderScope, *, hours: bool = True) -> Statement:
    params = scope.params
    return read_statement(
        scope.db, params["user"], params["platform"], _period_of(params), hours=hours
    )


def _money(s: RoomTexts, cents: int, currency: str) -> str:
    return i18n.format_money(cents, currency, s.lang)


def _total(s: RoomTexts, found: Statement) -> str:
    totals = found.totals()
    if not totals:
        return _money(s, 0, s.room.currency)
    return " + ".join(_money(s, cents, cur) for cur, cents in sorted(totals.items()))


def _envelope_period(s: RoomTexts, share: PaidShare) -> str:
    return period_label(s, Period(share.start, share.end, share.period_kind))


def _project(s: RoomTexts, found: Statement, room_id: str, code: str) -> str:
    if not code:
        return s.t("statement.no_project")
    name = found.project_names.get((room_id, code), "")
    return f"{code} ({name})" if name and name != code else code


def statement_text(scope: RenderScope) -> Rendered:
    """What ``!moi`` answers: the hours per room and project, the envelopes paid, the totals."""
    found = _scope_statement(scope)
    label = period_label(scope, found.period)
    p = scope.settings.prefix
    typed = scope.params.get("typed", "")
    again = f"{p}{scope.t('statement.word')} csv {typed}".strip()
    if not found.room_ids:
        return Rendered(text=scope.t("statement.empty", period=label, prefix=p))
    minutes = sum(found.hours.values())
    parts: list[Rich | str] = [
        bold(
            scope.t(
                "statement.title",
                name=_display_name(scope.db, found.user_id),
                user=found.user_id,
                period=label,
            )
        ),
        scope.t(
            "statement.summary",
            rooms=len(found.room_ids),
            duration=scope.duration(minutes),
            total=_total(scope, found),
        ),
    ]
    if found.hours:
        rows = [
            [found.room_name(room_id), _project(scope, found, room_id, code), scope.duration(m)]
            for (room_id, code), m in sorted(
                found.hours.items(),
                key=lambda kv: (found.room_name(kv[0][0]), not kv[0][1], kv[0][1]),
            )
        ]
        parts.append(bold(scope.t("statement.hours_title")))
        parts.append(
            table(
                [scope.t(f"statement.head.{c}") for c in ("room", "project", "hours")],
                rows,
                align="llr",
            )
        )
    if found.paid:
        rows = []
        for day, share in found.paid[:SHOWN_ENVELOPES]:
            amount = _money(scope, share.amount, share.currency)
            if share.given_back:
                amount = scope.t(
                    "statement.given_back",
                    amount=amount,
                    given=_money(scope, share.given_back, share.currency),
                )
            rows.append(
                [
                    found.room_name(share.room_id),
                    f"#{share.envelope}",
                    _project(scope, found, share.room_id, share.project_code),
                    _envelope_period(scope, share),
                    scope.date(day),
                    scope.duration(share.minutes),
                    amount,
                ]
            )
        parts.append(bold(scope.t("statement.paid_title")))
        parts.append(
            table(
                [
                    scope.t(f"statement.head.{c}")
                    for c in ("room", "envelope", "project", "period", "closed", "hours", "paid")
                ],
                rows,
                align="lrlllrr",
            )
        )
        if len(found.paid) > SHOWN_ENVELOPES:
            parts.append(
                scope.t("statement.more", more=len(found.paid) - SHOWN_ENVELOPES, command=again)
            )
    else:
        parts.append(scope.t("statement.nothing_paid"))
    parts.append(scope.t("statement.csv_hint", command=again))
    return Rendered(text=lines(*parts))


def _display_name(db: Session, user_id: str) -> str:
    person = db.get(Person, user_id)
    return (person.display_name if person is not None else "") or user_id


def statement_csv(scope: RenderScope) -> Rendered:
    """What ``!moi csv`` sends: one row per envelope paid in the period, or a line saying
    there is none."""
    found = _scope_statement(scope, hours=False)
    label = period_label(scope, found.period)
    if not found.paid:
        return Rendered(
            text=scope.t(
                "statement.csv_empty",
                period=label,
                command=(
                    f"{scope.settings.prefix}{scope.t('statement.word')} "
                    f"{scope.params.get('typed', '')}"
                ).strip(),
            )
        )
    data = statement_csv_bytes(scope, found)
    period = found.period
    stem = scope.t("statement.file")
    when = (
        str(period.start.year)
        if period.kind == "year"
        else f"{period.start.isoformat()}_{period.last_day.isoformat()}"
    )
    return Rendered(
        text=scope.t(
            "statement.csv_caption",
            count=len(found.paid),
            period=label,
            rooms=len({s.room_id for _, s in found.paid}),
            total=_total(scope, found),
        ),
        file_name=f"{stem}-{when}.csv",
        mime="text/csv",
        data=data,
    )


CSV_COLUMNS = (
    "person",
    "user",
    "room",
    "room_id",
    "envelope",
    "project",
    "project_name",
    "start",
    "end",
    "closed",
    "hours",
    "gross",
    "given_back",
    "amount",
    "currency",
)


def statement_csv_bytes(s: RoomTexts, found: Statement) -> bytes:
    """The statement's envelopes as CSV (``commands.csvfile`` rules: numbers as numbers, text
    neutralised, French or English conventions)."""
    name = _display_name(s.db, found.user_id)
    header = [s.t(f"statement.col.{c}") for c in CSV_COLUMNS]
    rows: list[list[object]] = [
        [
            name,
            found.user_id,
            found.room_name(share.room_id),
            share.room_id,
            share.envelope,
            share.project_code,
            found.project_names.get((share.room_id, share.project_code), share.project_name),
            share.start.isoformat(),
            (share.end - dt.timedelta(days=1)).isoformat(),
            day.isoformat(),
            hours_cell(share.minutes),
            money_cell(share.gross),
            money_cell(share.given_back),
            money_cell(share.amount),
            share.currency,
        ]
        for day, share in found.paid
    ]
    return csv_bytes(header, rows, s.lang)
