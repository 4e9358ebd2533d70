"""Rate guidance on contributive budgets: an indicative range of pay, for a room or a project.

- ``!taux KPA 15-25€/h`` or ``!taux KPA 120-200€/j`` (admins) sets the range of project KPA;
  ``!taux 15-25€/h`` the room's; ``hausse 20%`` also caps how much a person's request may grow
  from one envelope of a project to the next (``!taux KPA 15-25€/h hausse 20%``);
- ``!taux KPA`` shows it (anyone); ``!taux`` shows the room's and every project's;
- ``!taux KPA aucun`` removes it (admins).

Rules chosen here:

- A project's range wins over the room's; a day is the room's working day (``!reglages journee``,
  7 h unless the room says otherwise), read when a rate is shown, so that a range per day
  follows a change of that setting.
- A request's implied hourly rate is its amount over the hours its author logged in the
  envelope's project and period. Outside the range it is flagged (🔺 above, 🔻 below), never
  refused. Without hours logged there is no rate, so no flag.
- The growth cap compares a request with its author's active request in the envelope of the same
  project just before (the latest that starts earlier): at most that amount plus the percentage,
  to the cent below. Someone without a request there has no cap. A request above is refused with
  the maximum and the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import String, cast, literal, or_
from sqlmodel import Session, col, select

from commands.budget import common
from commands.core import Context, RoomTexts, UserError
from commands.deferred import RenderScope
from commands.grammar import fold, parse_percent
from commands.i18n import format_money
from storage.models import BudgetEnvelope, BudgetRateGuide, BudgetRequest, Project

FAMILY = "budget"
HOUR, DAY = "h", "j"
ROOM_SCOPE = "room"
GROWTH_WORDS = ("hausse", "croissance", "augmentation", "growth", "increase", "raise")
MAX_CENTS = 100_000_00  # 100 000 per hour or per day at most
ABOVE, BELOW, WITHIN = "above", "below", "within"

_UNITS = {
    **dict.fromkeys(("h", "heure", "heures", "hour", "hr"), HOUR),
    **dict.fromkeys(("j", "jour", "jours", "jr", "d", "day"), DAY),
}
_NUMBER = r"([0-9]{1,6}(?:[.,][0-9]{1,2})?)"
_CURRENCY = r"\s*(?:€|eur|euros?)?\s*"
_RANGE = re.compile(
    rf"^{_NUMBER}{_CURRENCY}(?:-|–|a|à|to){_CURRENCY}{_NUMBER}{_CURRENCY}(?:/|par|per)\s*([a-z]+)$"
)


# --------------------------------------------------------------------------- pure rules


@dataclass(frozen=True)
class Guide:
    """A range of pay: ``low``-``high`` cents per ``unit`` (h, j), and the growth cap."""

    low: int
    high: int
    unit: str = HOUR
    growth_bp: int | None = None


def _cents(text: str) -> int | None:
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None
    return int(value * 100)


def read_range(text: str) -> tuple[int, int, str] | None:
    """``15-25€/h`` ``15 - 25 €/h`` ``120-200€/j`` ``12,50-20€/heure`` ``15 à 25 € / h``:
    (low, high, unit) in cents per unit; ``None`` for anything else, a low above the high, a
    zero or more than ``MAX_CENTS``."""
    found = _RANGE.match(fold(text).replace(" ", " ").strip())
    if found is None:
        return None
    low, high = _cents(found.group(1)), _cents(found.group(2))
    unit = _UNITS.get(found.group(3))
    if low is None or high is None or unit is None:
        return None
    if not 0 < low <= high <= MAX_CENTS:
        return None
    return low, high, unit


def read_guide(tokens: list[str]) -> Guide | None:
    """A range, then optionally ``hausse 20%``: ``["15-25€/h", "hausse", "20%"]``."""
    words = [fold(tok) for tok in tokens]
    growth: int | None = None
    if any(w in GROWTH_WORDS for w in words):
        at = next(i for i, w in enumerate(words) if w in GROWTH_WORDS)
        rest = " ".join(tokens[at + 1 :]).replace("+", "").strip()
        growth = parse_percent(rest)
        if growth is None or not 0 < growth <= 100_000:
            return None
        tokens = tokens[:at]
    found = read_range(" ".join(tokens))
    if found is None:
        return None
    return Guide(found[0], found[1], found[2], growth)


def hourly_bounds(guide: Guide, day_minutes: int) -> tuple[Fraction, Fraction]:
    """The range in cents per hour (a day is ``day_minutes`` long)."""
    if guide.unit == DAY:
        per_hour = Fraction(60, day_minutes)
        return guide.low * per_hour, guide.high * per_hour
    return Fraction(guide.low), Fraction(guide.high)


def position(cents: int, minutes: int, guide: Guide, day_minutes: int) -> str | None:
    """Where a request of ``cents`` for ``minutes`` of work stands against the range: ``below``,
    ``within`` or ``above``; ``None`` without hours (no rate to compare)."""
    if minutes <= 0:
        return None
    rate = Fraction(cents * 60, minutes)
    low, high = hourly_bounds(guide, day_minutes)
    if rate < low:
        return BELOW
    if rate > high:
        return ABOVE
    return WITHIN


def growth_max(previous: int, growth_bp: int) -> int:
    """The most a request may be when the one before was ``previous`` (to the cent below)."""
    return previous + previous * growth_bp // 10_000


def growth_refusal(previous: int | None, cents: int, growth_bp: int | None) -> int | None:
    """The maximum when ``cents`` grows more than allowed from ``previous``; else ``None``."""
    if previous is None or growth_bp is None:
        return None
    most = growth_max(previous, growth_bp)
    return most if cents > most else None


# --------------------------------------------------------------------------- reading the rows


def scope_of(project: Project | None) -> str:
    return ROOM_SCOPE if project is None else f"project:{project.id}"


def _guide(row: BudgetRateGuide) -> Guide:
    return Guide(row.low, row.high, row.unit, row.growth_bp)


def guides_exist(room_id: Any, project_id: Any) -> Any:
    """Whether a range applies to a project of a room (an expression: ``project_id`` may be a
    column of the query it is in)."""
    scope = literal("project:") + cast(project_id, String)
    return (
        select(BudgetRateGuide.id)
        .where(
            BudgetRateGuide.room_id == room_id,
            or_(col(BudgetRateGuide.scope) == ROOM_SCOPE, col(BudgetRateGuide.scope) == scope),
        )
        .exists()
    )


def known(ctx: Context, project_id: int, row: BudgetRateGuide | None) -> None:
    """The event read along with something else the range that applies to ``project_id``."""
    _read.setdefault(ctx, {})[project_id] = None if row is None else _guide(row)


def none_for(ctx: Context, project_id: int) -> None:
    """The event read along with something else that no range applies to ``project_id``."""
    _read.setdefault(ctx, {})[project_id] = None


def guide_of(ctx: Context | RenderScope, env: BudgetEnvelope) -> Guide | None:
    """The range that applies to an envelope's requests, read once per event."""
    known = _read.setdefault(ctx, {})
    if env.project_id not in known:
        known[env.project_id] = guide_for(ctx.db, env.room_id, env.project_id)[0]
    return known[env.project_id]


_read: WeakKeyDictionary[Context | RenderScope, dict[int, Guide | None]] = WeakKeyDictionary()


def guide_for(db: Session, room_id: str, project_id: int) -> tuple[Guide | None, bool]:
    """The range that applies to a project of a room, and whether it is the room's (one
    query): the project's wins over the room's."""
    rows = db.exec(
        select(BudgetRateGuide).where(
            BudgetRateGuide.room_id == room_id,
            col(BudgetRateGuide.scope).in_((ROOM_SCOPE, f"project:{project_id}")),
        )
    ).all()
    by_scope = {r.scope: r for r in rows}
    mine = by_scope.get(f"project:{project_id}")
    if mine is not None:
        return _guide(mine), False
    room = by_scope.get(ROOM_SCOPE)
    return (_guide(room), True) if room is not None else (None, False)


def _row_value(row: BudgetRateGuide | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {"low": row.low, "high": row.high, "unit": row.unit, "growth_bp": row.growth_bp}


def _find_row(db: Session, room_id: str, scope: str) -> BudgetRateGuide | None:
    return db.exec(
        select(BudgetRateGuide).where(
            BudgetRateGuide.room_id == room_id, BudgetRateGuide.scope == scope
        )
    ).first()


# --------------------------------------------------------------------------- texts


def range_text(lang: str, guide: Guide, currency: str, *, growth: bool = True) -> str:
    """``15,00–25,00 €/h`` (and the growth cap, if any and ``growth``: not beside a rate)."""
    from commands.i18n import t

    text = t(
        lang,
        f"budget.rates.range.{guide.unit}",
        low=format_money(guide.low, currency, lang),
        high=format_money(guide.high, currency, lang),
    )
    if growth and guide.growth_bp is not None:
        text += " " + t(lang, "budget.rates.growth", pct=_pct(guide.growth_bp, lang))
    return text


def _pct(bp: int, lang: str) -> str:

    return common.percent(bp, lang)


def flag(texts: RoomTexts, where: str | None) -> str:
    """The mark next to a rate outside the range (``🔺``, ``🔻``), or nothing."""
    if where in (ABOVE, BELOW):
        return " " + texts.t(f"budget.rates.flag.{where}")
    return ""


def request_note(ctx: Context, env: BudgetEnvelope, req: BudgetRequest, minutes: int) -> str:
    """A line under a request's message: its hourly rate against the range, if there is one."""
    guide = guide_of(ctx, env)
    if guide is None:
        return ""
    where = position(req.amount, minutes, guide, ctx.room.day_minutes)
    shown = range_text(ctx.lang, guide, env.currency, growth=False)
    if where is None:
        return "\n" + ctx.t("budget.rates.note.no_hours", range=shown)
    return "\n" + ctx.t(f"budget.rates.note.{where}", range=shown)


def table_guide(ctx: Context | RenderScope, env: BudgetEnvelope) -> Guide | None:
    return guide_of(ctx, env)


def table_line(ctx: Context | RenderScope, env: BudgetEnvelope, guide: Guide | None) -> str | None:
    """The line under an envelope's table: the range its rates are compared with."""
    if guide is None:
        return None
    return ctx.t(
        "budget.rates.table", range=range_text(ctx.lang, guide, env.currency, growth=False)
    )


def check_growth(ctx: Context, env: BudgetEnvelope, user_id: str, cents: int) -> None:
    """Refuse a request of ``cents`` that grows more than the range allows from its author's
    request in the project's envelope just before."""
    guide = guide_of(ctx, env)
    if guide is None or guide.growth_bp is None:
        return
    # the author's request in the project's envelope just before (one statement), unless the
    # event read it along with the author's request in this one
    kept = ctx.read_ahead(("growth", env.id, user_id))
    found = kept[0] if kept is not None else _previous_request(ctx, env, user_id)
    if found is None:
        return
    previous, start, end, kind = found
    most = growth_refusal(previous, cents, guide.growth_bp)
    if most is None:
        return
    from commands.contrib import period_label
    from commands.grammar import Period

    project = ctx.db.get(Project, env.project_id)
    code = project.code if project is not None else ""
    raise UserError(
        "budget.rates.error.growth",
        asked=ctx.money(cents),
        most=ctx.money(most),
        previous=ctx.money(previous),
        period=period_label(ctx, Period(start, end, kind)),
        pct=_pct(guide.growth_bp, ctx.lang),
        project=code,
    )


def _previous_request(ctx: Context, env: BudgetEnvelope, user_id: str) -> Any:
    just_before = (
        select(BudgetEnvelope.id)
        .where(
            BudgetEnvelope.room_id == env.room_id,
            BudgetEnvelope.project_id == env.project_id,
            col(BudgetEnvelope.start) < env.start,
        )
        .order_by(col(BudgetEnvelope.start).desc())
        .limit(1)
        .scalar_subquery()
    )
    return ctx.db.exec(
        select(
            col(BudgetRequest.amount),
            col(BudgetEnvelope.start),
            col(BudgetEnvelope.end),
            col(BudgetEnvelope.period_kind),
        )
        .join(BudgetEnvelope, col(BudgetEnvelope.id) == BudgetRequest.envelope_id)
        .where(
            BudgetRequest.envelope_id == just_before,
            BudgetRequest.user_id == user_id,
            BudgetRequest.state == "active",
        )
    ).first()
