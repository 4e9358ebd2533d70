"""The contributive budget's section of the weekly recap."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from commands import budget
from commands.budget import common, queries, tables
from commands.core import Context, RecapScope
from commands.i18n import format_money, t
from commands.render import Rich, bold, lines
from storage.models import (
    BudgetEnvelope,
    Room,
)


def _closed_envelopes(ctx: Context) -> list[BudgetEnvelope]:
    """The room's closed envelopes, read once per transaction (closing one clears this)."""
    key = f"closed_envelopes:{ctx.room.id}"
    if key not in ctx.db.info:
        ctx.db.info[key] = list(
            ctx.db.exec(
                select(BudgetEnvelope).where(
                    BudgetEnvelope.room_id == ctx.room.id, BudgetEnvelope.state == "closed"
                )
            ).all()
        )
    closed: list[BudgetEnvelope] = ctx.db.info[key]
    return closed


# --------------------------------------------------------------------------- recap


def recap_section(scope: RecapScope) -> Rich | None:
    envs = scope.db.exec(
        select(BudgetEnvelope)
        .where(BudgetEnvelope.room_id == scope.room.id, BudgetEnvelope.state == "open")
        .order_by(col(BudgetEnvelope.start), col(BudgetEnvelope.id))
    ).all()
    if not envs:
        return None
    lang, cur = scope.lang, scope.room.currency
    out: list[Rich | str] = [bold(scope.t("budget.recap.title", count=len(envs)))]
    for env in envs:
        project = common._project(scope.db, env)
        code = project.code + (f" · {env.label}" if env.label else "")
        period = _recap_period(scope.room, env)
        if env.mode == budget.PROPORTIONAL:
            view = tables.proportional_view(scope.db, env)
            people = " · ".join(
                f"{scope.name(r.user_id)} {format_money(r.amount, cur, lang)}" for r in view.rows
            )
            out.append(
                scope.t(
                    "budget.recap.proportional",
                    project=code,
                    period=period,
                    amount=scope.money(env.amount),
                    people=people or "—",
                )
            )
        else:
            found = queries.requests_with_states(scope.db, [env])
            requests = [r for r, _ in found]
            validated = [r for r, st in found if st.validated]
            out.append(
                scope.t(
                    "budget.recap.libre",
                    project=code,
                    period=period,
                    amount=scope.money(env.amount),
                    count=len(requests),
                    validated=len(validated),
                    asked=scope.money(sum(r.amount for r in requests)),
                )
            )
    return lines(*out)


def _recap_period(room: Room, env: BudgetEnvelope) -> str:
    from commands.i18n import format_date, format_day

    if env.period_kind == "month":
        return format_date(env.start, room.language, "MMMM y")
    last = env.end - dt.timedelta(days=1)
    return t(
        room.language,
        "core.period.range",
        start=format_day(env.start, room.language),
        end=format_day(last, room.language),
    )
