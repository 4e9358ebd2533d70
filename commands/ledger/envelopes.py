"""The contributive budgets' pages: every envelope, one envelope's split or libre requests, its
CSV."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from babel.numbers import format_decimal
from sqlmodel import col, select

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
from commands.contrib import period_label
from commands.csvfile import csv_bytes
from commands.ledger.reader import Link, Reader, Table
from commands.split import percent_shares, scale
from storage.models import BudgetEnvelope, Project
from storage.numbers import by_number
from storage.queries import contribution_totals, room_projects


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
