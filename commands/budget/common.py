"""The contributive budget's words, small helpers and labels, shared by its modules."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_decimal
from sqlmodel import Session

from commands.budget import consent, envelope_refs
from commands.contrib import period_label
from commands.core import Context, RoomTexts, UserError
from commands.grammar import (
    Amount,
    Period,
    fold,
    match_amount,
    match_period,
)
from commands.i18n import format_hours, format_money, locale_of, t
from commands.lifecycle import (
    Actor,
)
from commands.refusals import check_amount, checked_period
from commands.split import Rules
from storage.models import (
    BudgetEnvelope,
    BudgetRequest,
    Project,
)

# --------------------------------------------------------------------------- helpers


def _id(row: BudgetEnvelope | BudgetRequest | Project) -> int:
    assert row.id is not None
    return row.id


def envelope_period(env: BudgetEnvelope) -> Period:
    return Period(env.start, env.end, env.period_kind)


def rules_of(env: BudgetEnvelope) -> Rules:
    return Rules(cap=env.cap, rate=env.rate, commons_bp=env.commons_bp, min_minutes=env.min_minutes)


def percent(bp: int, lang: str) -> str:
    return format_decimal(Decimal(bp) / 100, format="#,##0.##", locale=locale_of(lang))


def _money(cents: int, lang: str, currency: str) -> str:
    return format_money(cents, currency, lang)


def per_hour_cents(cents: int, minutes: int) -> int:
    """What an amount makes per hour, in cents, to the nearest cent (50 € for 3 h: 1667)."""
    return int((Decimal(cents * 60) / minutes).quantize(Decimal(1), ROUND_HALF_UP))


def _rate(cents: int, minutes: int, lang: str, currency: str) -> str:
    """What an amount makes per hour, to the nearest cent (50 € for 3 h: 16,67 €/h)."""
    if minutes <= 0:
        return "—"
    return t(lang, "budget.per_hour", amount=_money(per_hour_cents(cents, minutes), lang, currency))


def _project(db: Session, env: BudgetEnvelope) -> Project:
    project = db.get(Project, env.project_id)
    assert project is not None
    # the session holds what it reads weakly: kept for the transaction, the project is read once
    db.info.setdefault("budget_projects", {})[project.id] = project
    return project


def _label(ctx: RoomTexts, env: BudgetEnvelope) -> str:
    named = f" · {env.label}" if env.label else ""
    return f"{_project(ctx.db, env).code}{named} ({period_label(ctx, envelope_period(env))})"


def rules_text(lang: str, env: BudgetEnvelope) -> str:
    """The rules of an envelope in words: ``proportionnel · plafond 400,00 € · taux …``."""
    cur = env.currency
    parts = [t(lang, f"budget.mode.{env.mode}")]
    if env.cap is not None:
        parts.append(t(lang, "budget.rule.cap", amount=_money(env.cap, lang, cur)))
    if env.rate is not None:
        parts.append(t(lang, "budget.rule.rate", amount=_money(env.rate, lang, cur)))
    if env.commons_bp:
        parts.append(t(lang, "budget.rule.commons", pct=percent(env.commons_bp, lang)))
    if env.min_minutes:
        parts.append(t(lang, "budget.rule.min", hours=format_hours(env.min_minutes, lang)))
    if (consensus := consent.rule_text(lang, env)) is not None:
        parts.append(consensus)
    return " · ".join(parts)


def _take_period(ctx: Context, tokens: list[str]) -> tuple[Period | None, list[str]]:
    """The first period said anywhere in ``tokens``, and the other tokens."""
    for i in range(len(tokens)):
        found = match_period(tokens, i, ctx.today)
        if found is not None:
            period = checked_period(found, " ".join(tokens[i : i + found.used]))
            return period, tokens[:i] + tokens[i + found.used :]
    return None, tokens


def _amount(ctx: Context, tokens: list[str], start: int, usage: str) -> tuple[int, int]:
    """A positive amount in the room's currency at ``tokens[start]``: (cents, tokens used)."""
    found = match_amount(tokens, start)
    if found is None:
        raise UserError(usage, prefix=ctx.settings.prefix)
    amount, used = found
    _check_amount(ctx, amount, " ".join(tokens[start : start + used]))
    return amount.cents, used


def _check_amount(ctx: Context, amount: Amount, token: str) -> None:
    check_amount(ctx, amount, token)
    if amount.negative or amount.cents <= 0:
        raise UserError("budget.error.amount", token=token)
    if amount.currency is not None and amount.currency != ctx.room.currency:
        raise UserError("budget.error.currency", token=token, currency=ctx.room.currency)


def actor(ctx: Context, env: BudgetEnvelope | None = None) -> Actor:
    """Who acts; on ``env``, its owner acts like an admin."""
    return Actor(ctx.sender, envelope_refs.settles(ctx, env))


_PER_HOUR = ("/h", "/heure", "/hour", "/hr", "h", "par-heure", "per-hour")


def _strip_per_hour(token: str) -> str:
    low = fold(token)
    for suffix in ("/heure", "/hour", "/hr", "/h"):
        if low.endswith(suffix):
            return token[: len(token) - len(suffix)]
    return "" if low in _PER_HOUR else token


def require_owner_or_admin(ctx: Context, word: str, env: BudgetEnvelope | None) -> None:
    """An admin, or ``env``'s owner (who settles it like an admin): the one right of the
    family that depends on the envelope, so no declaration can say it (the others are in the
    declarations). ``env`` ``None``: no envelope is named yet, admins only. ``word`` names the
    action when the event is no command (a deletion)."""
    if not envelope_refs.settles(ctx, env):
        command = ctx.typed_command(2) or f"{ctx.settings.prefix}budget … {word}"
        raise UserError("core.admin_only", command=command)


CLOSED = "budget_closed"  # the render job of ``!budget X clore``: its answers and CSV file
BUDGET_CSV = "budget:csv"
