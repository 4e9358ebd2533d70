"""An envelope shown: its split (proportional) or its requests (libre), and what is left of it."""

from __future__ import annotations

import functools
from collections.abc import Callable
from decimal import Decimal

from babel.numbers import format_decimal
from sqlmodel import Session, col, select

from commands import budget
from commands.budget import campaign_reading, common, envelope_refs, queries, rate_rules, rules
from commands.core import Context
from commands.deferred import RenderScope
from commands.i18n import format_hours, format_share, locale_of
from commands.render import Rich, bold, lines, table
from commands.split import percent_shares, scale
from storage.ledger import RequestVotes
from storage.models import (
    BudgetEnvelope,
    BudgetShare,
)


def proportional_view(db: Session, env: BudgetEnvelope) -> rules.View:
    if env.state == "closed":
        return _frozen_view(db, env)
    minutes, first = queries._minutes_and_first(db, env)
    return rules._view(env, minutes, queries._latest_givebacks(db, env), first)


def _frozen_view(db: Session, env: BudgetEnvelope) -> rules.View:
    shares = db.exec(
        select(BudgetShare)
        .where(BudgetShare.envelope_id == env.id)
        .order_by(col(BudgetShare.amount).desc(), col(BudgetShare.user_id))
    ).all()
    rows = [
        rules.Row(s.user_id, s.minutes, s.gross, s.given_back, s.amount, s.limited, s.note)
        for s in shares
    ]
    return rules.View(
        rows,
        env.commons_amount or 0,
        env.remainder or 0,
        0,
        [],
        sum(r.minutes for r in rows),
    )


def _proportional_body(
    ctx: Context | RenderScope, env: BudgetEnvelope, view: rules.View | None = None
) -> Rich:
    view = view or proportional_view(ctx.db, env)
    cur = env.currency
    rows = []
    ctx.names(r.user_id for r in view.rows)
    shares = percent_shares({i: r.minutes for i, r in enumerate(view.rows)})
    for i, r in enumerate(view.rows):
        share = format_share(shares[i], ctx.lang)
        amount = ctx.money(r.amount)
        if r.limited:
            amount += " *"
        rows.append(
            [
                ctx.name(r.user_id),
                format_hours(r.minutes, ctx.lang),
                ctx.t("budget.pct", pct=share),
                amount,
                common._rate(r.amount, r.minutes, ctx.lang, cur),
            ]
        )
    headers = [ctx.t(f"budget.col.{c}") for c in ("person", "hours", "share", "amount", "rate")]
    parts: list[Rich | str] = [table(headers, rows, align="lrrrr")]
    limited = [r for r in view.rows if r.limited]
    if limited:
        names = ", ".join(ctx.name(r.user_id) for r in limited)
        if view.remainder and len(limited) == len(view.rows):
            parts.append(ctx.t("budget.limited_all", names=names, left=ctx.money(view.remainder)))
        else:
            parts.append(
                ctx.t(
                    "budget.limited_some",
                    names=names,
                    amount=ctx.money(view.redistributed),
                )
            )
    if view.excluded:
        parts.append(
            ctx.t(
                "budget.excluded",
                names=", ".join(ctx.name(u) for u in view.excluded),
                hours=format_hours(env.min_minutes, ctx.lang),
            )
        )
    gifts = [r for r in view.rows if r.given_back]
    if gifts:
        parts.append(
            ctx.t(
                "budget.given_back",
                gifts=", ".join(f"{ctx.name(r.user_id)} {ctx.money(r.given_back)}" for r in gifts),
            )
        )
    paid = sum(r.amount for r in view.rows)
    parts.append(
        ctx.t(
            "budget.totals",
            paid=ctx.money(paid),
            commons=ctx.money(view.commons),
            left=ctx.money(view.remainder),
            amount=ctx.money(env.amount),
        )
    )
    return lines(*parts)


# --------------------------------------------------------------------------- showing


def show_envelope(
    ctx: Context | RenderScope,
    env: BudgetEnvelope,
    *,
    view: rules.View | None = None,
) -> Rich:
    """The envelope and its split; ``view`` (its split) when the caller has it already."""
    state = ctx.t(f"budget.state.{env.state}")
    head = ctx.t(
        "budget.show_title",
        id=env.number,
        envelope=common._label(ctx, env),
        amount=ctx.money(env.amount),
        rules=common.rules_text(ctx.lang, env),
        state=state,
    )
    # the minutes per person in the envelope, read once for its campaign and its requests
    hours = functools.cache(lambda: queries.minutes_by_person(ctx.db, env))
    said = campaign_reading.envelope_line(ctx, env, hours if env.mode == budget.LIBRE else None)
    readings = [said] if said is not None else []
    if env.owner:
        head += " · " + ctx.t("budget_sources.owner_note", who=ctx.name(env.owner))
    funded = envelope_refs.body(ctx, env)
    parts = [bold(head)] + ([funded] if funded is not None else [])
    if env.mode == budget.PROPORTIONAL:
        note = ctx.t("budget.frozen" if env.state == "closed" else "budget.provisional")
        return lines(*parts, note, _proportional_body(ctx, env, view), *readings)
    return lines(*parts, _libre_body(ctx, env, view, hours), *readings)


def libre_view(
    db: Session, env: BudgetEnvelope, hours: Callable[[], dict[str, int]] | None = None
) -> list[rules.RequestRow]:
    """Every active request of an envelope with its hours, validations and questions (a few
    queries, whatever the number of requests; ``hours``: its minutes per person, when the
    caller reads them anyway)."""
    requests = queries._requests(db, env)
    if not requests:
        return []
    minutes = hours() if hours is not None else queries.minutes_by_person(db, env)
    votes = queries.request_votes(db, common._id(env))
    empty = RequestVotes([], [])
    rows = []
    for req in requests:
        v = votes.get(common._id(req), empty)
        validated = v.by_admin or len(v.validations) >= env.validations_needed
        rows.append(rules.RequestRow(req, minutes.get(req.user_id, 0), v, validated))
    return rows


def _libre_body(
    ctx: Context | RenderScope,
    env: BudgetEnvelope,
    frozen: rules.View | None = None,
    hours: Callable[[], dict[str, int]] | None = None,
) -> Rich:
    p = ctx.settings.prefix
    if env.state == "closed":
        view = frozen or _frozen_view(ctx.db, env)
        ctx.names(r.user_id for r in view.rows)
        rows = [
            [
                ctx.name(r.user_id),
                format_hours(r.minutes, ctx.lang),
                ctx.money(r.amount),
                common._rate(r.amount, r.minutes, ctx.lang, env.currency),
                r.note,
            ]
            for r in view.rows
        ]
        headers = [ctx.t(f"budget.col.{c}") for c in ("person", "hours", "amount", "rate", "note")]
        paid = sum(r.amount for r in view.rows)
        return lines(
            ctx.t("budget.frozen"),
            table(headers, rows, align="lrrrl"),
            ctx.t(
                "budget.libre_totals_closed",
                paid=ctx.money(paid),
                left=ctx.money(view.remainder),
                amount=ctx.money(env.amount),
            ),
        )
    view_rows = libre_view(ctx.db, env, hours)
    if not view_rows:
        return lines(
            ctx.t("budget.no_requests", project=common._project(ctx.db, env).code, prefix=p)
        )
    requests = [r.request for r in view_rows]
    ctx.names(r.user_id for r in requests)
    guide = rate_rules.table_guide(ctx, env)
    rows = []
    validated: dict[int, int] = {}
    for row in view_rows:
        req, minutes = row.request, row.minutes
        if row.validated:
            state = ctx.t("budget.req_state.validated")
            validated[common._id(req)] = row.planned
        else:
            state = ctx.t(
                "budget.req_state.pending",
                votes=len(row.votes.validations),
                needed=env.validations_needed,
            )
        if row.votes.questions:
            state += " " + ctx.t("budget.req_state.questions", n=len(row.votes.questions))
        rows.append(
            [
                f"#{req.number}",
                ctx.name(req.user_id),
                format_hours(minutes, ctx.lang),
                ctx.money(req.amount),
                common._rate(req.amount, minutes, ctx.lang, env.currency)
                + rate_rules.flag(
                    ctx, rate_rules.position(req.amount, minutes, guide, ctx.room.day_minutes)
                )
                if guide is not None
                else common._rate(req.amount, minutes, ctx.lang, env.currency),
                ctx.money(req.granted) if req.granted is not None else "",
                state,
            ]
        )
    headers = ["#"] + [
        ctx.t(f"budget.col.{c}") for c in ("person", "hours", "asked", "rate", "granted", "state")
    ]
    parts: list[Rich | str] = [table(headers, rows, align="llrrrrl")]
    if (guided := rate_rules.table_line(ctx, env, guide)) is not None:
        parts.append(guided)
    total = sum(validated.values())
    parts.append(
        ctx.t(
            "budget.libre_totals",
            validated=ctx.money(total),
            amount=ctx.money(env.amount),
            asked=ctx.money(sum(r.amount for r in requests)),
        )
    )
    if total > env.amount:
        asked = {rid: amt for rid, amt in validated.items()}
        scaled = scale(asked, env.amount)
        by_id = {r.id: r for r in requests}
        proposal = [
            [
                f"#{by_id[rid].number}",
                ctx.name(by_id[rid].user_id),
                ctx.money(asked[rid]),
                ctx.money(cents),
            ]
            for rid, cents in scaled.items()
        ]
        parts.append(
            ctx.t(
                "budget.over",
                over=ctx.money(total - env.amount),
                factor=format_decimal(
                    Decimal(env.amount) / Decimal(total), format="0.###", locale=locale_of(ctx.lang)
                ),
            )
        )
        parts.append(
            table(
                ["#", *(ctx.t(f"budget.col.{c}") for c in ("person", "asked", "prorata"))],
                proposal,
                align="llrr",
            )
        )
        parts.append(ctx.t("budget.over_hint", project=common._project(ctx.db, env).code, prefix=p))
    return lines(*parts)


def envelope_left(db: Session, env: BudgetEnvelope) -> int:
    """What nobody receives (yet): for a closed envelope, its remainder."""
    if env.state == "closed":
        return env.remainder or 0
    if env.mode == budget.PROPORTIONAL:
        return proportional_view(db, env).remainder
    return env.amount - sum(r.planned for r in libre_view(db, env) if r.validated)


def envelopes_left(db: Session, envs: list[BudgetEnvelope]) -> dict[int, int]:
    """``envelope_left`` of many envelopes, in a few queries whatever their number."""
    out: dict[int, int] = {}
    libre = [e for e in envs if e.state != "closed" and e.mode != budget.PROPORTIONAL]
    shared = [e for e in envs if e.state != "closed" and e.mode == budget.PROPORTIONAL]
    planned: dict[int, int] = {common._id(e): 0 for e in libre}
    for req, st in queries.requests_with_states(db, libre):
        if st.validated:
            planned[req.envelope_id] += req.granted if req.granted is not None else req.amount
    minutes = queries.envelope_minutes(db, shared)
    first = queries.envelopes_first_logged(db, shared)
    gifts = queries._givebacks(db, shared)
    for env in envs:
        if env.state == "closed":
            out[common._id(env)] = env.remainder or 0
        elif env.mode == budget.PROPORTIONAL:
            out[common._id(env)] = rules._view(
                env,
                minutes[common._id(env)],
                gifts.get(common._id(env), {}),
                first[common._id(env)],
            ).remainder
        else:
            out[common._id(env)] = env.amount - planned[common._id(env)]
    return out
