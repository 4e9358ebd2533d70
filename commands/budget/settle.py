"""Settling an envelope: giving back, prorata, agreeing an amount, closing it and its CSV export."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import (
    insert,
)
from sqlmodel import col, select

from commands import budget
from commands.budget import (
    answers,
    common,
    envelope_refs,
    envelopes,
    landing,
    lives,
    queries,
    requests,
    rules,
    tables,
)
from commands.contrib import period_label
from commands.core import Context, RoomTexts, UserError
from commands.csvfile import csv_bytes, hours_cell, money_cell
from commands.deferred import Rendered, RenderScope, defer
from commands.grammar import (
    Period,
    fold,
    match_amount,
    parse_percent,
)
from commands.landing import PRORATA, Option
from commands.lifecycle import (
    ABSENT,
    Act,
    act,
    instant,
    require,
)
from commands.lifecycle import budget as life
from commands.render import lines
from commands.split import give_back
from storage.models import (
    BudgetEnvelope,
    BudgetGiveBack,
    BudgetRequest,
    BudgetShare,
    BudgetValidation,
    Project,
)

# --------------------------------------------------------------------------- give back


def give_back_command(ctx: Context, project: Project, tokens: list[str]) -> None:
    p = ctx.settings.prefix
    # the first token says how much ("tout" and "all" are also period words: read it first)
    how = 2 if len(tokens) > 1 and tokens[1] in ("%", "€", "EUR", "eur") else 1
    period, _ = common._take_period(ctx, tokens[how:])
    env = envelopes.pick_envelope(ctx, project, period, open_only=True)
    if env.mode != budget.PROPORTIONAL:
        raise UserError("budget.error.give_libre", project=project.code, prefix=p)
    tokens = ["".join(tokens[:how])] if tokens else []
    percent_bp: int | None = None
    cents: int | None = None
    words = [fold(w) for w in tokens]
    if words and words[0] in budget.ALL_WORDS:
        percent_bp = 10000
    elif words and words[0] in ("rien", "nothing", "0", "0%"):
        percent_bp = 0
    elif tokens and tokens[0].endswith("%"):
        percent_bp = parse_percent(tokens[0])
        if percent_bp is None or not 0 <= percent_bp <= 10000:
            raise UserError("budget.error.give_usage", project=project.code, prefix=p)
    elif tokens and (found := match_amount(tokens, 0)) is not None:
        common._check_amount(ctx, found[0], " ".join(tokens[: found[1]]))
        cents = found[0].cents
    else:
        raise UserError("budget.error.give_usage", project=project.code, prefix=p)
    _record_give_back(ctx, env, percent_bp, cents)


def decline_command(ctx: Context, project: Project, tokens: list[str]) -> None:
    period, _ = common._take_period(ctx, tokens)
    env = envelopes.pick_envelope(ctx, project, period, open_only=True)
    if env.mode != budget.PROPORTIONAL:
        raise UserError("budget.error.give_libre", project=project.code, prefix=ctx.settings.prefix)
    _record_give_back(ctx, env, 10000, None)


def _record_give_back(
    ctx: Context, env: BudgetEnvelope, percent_bp: int | None, cents: int | None
) -> None:
    share = next(
        (r for r in tables.proportional_view(ctx.db, env).rows if r.user_id == ctx.sender), None
    )
    if share is None:
        raise UserError("budget.error.no_share", envelope=common._label(ctx, env))
    lives.require_answer(ctx, env)
    gift = BudgetGiveBack(
        envelope_id=common._id(env),
        user_id=ctx.sender,
        percent_bp=percent_bp,
        cents=cents,
        event_id=ctx.source_event_id,
        created_at=ctx.now,
    )
    ctx.db.add(gift)
    ctx.db.flush()
    ctx.audit(
        "give_back", "budget_envelope", env.id, user=ctx.sender, percent_bp=percent_bp, cents=cents
    )
    # the sender's gross share does not depend on give-backs: only what they give changes
    given = give_back(share.gross, percent_bp, cents)
    ctx.reply(
        ctx.t(
            "budget.gave_back",
            who=ctx.name(ctx.sender),
            given=ctx.money(given),
            gross=ctx.money(share.gross),
            net=ctx.money(share.gross - given),
            envelope=common._label(ctx, env),
        )
    )


# --------------------------------------------------------------------------- settling


def prorata_command(ctx: Context, project: Project, tokens: list[str]) -> None:
    period, _ = common._take_period(ctx, tokens)
    env = envelopes.pick_envelope(ctx, project, period, open_only=True)
    common.require_owner_or_admin(ctx, "prorata", env)
    if env.mode != budget.LIBRE:
        raise UserError("budget.error.libre_only", project=project.code)
    landing.apply(ctx, env, Option(PRORATA))


def agree_command(
    ctx: Context, project: Project, tokens: list[str], period: Period | None = None
) -> None:
    """``!budget KPA [période] accord <n°> <montant>``: the amount agreed for a request of the
    envelope open for the project (the period's, when one is said)."""
    p = ctx.settings.prefix
    if len(tokens) < 2:
        common.require_owner_or_admin(ctx, "accord", None)
        raise UserError("budget.error.agree_usage", project=project.code, prefix=p)
    req, env = requests._load_request(ctx, tokens[0])
    common.require_owner_or_admin(ctx, "accord", env)
    named = envelope_refs.chosen(project)
    if named is None and period is not None:
        named = envelopes.pick_envelope(ctx, project, period, open_only=True)
    if (
        env.project_id != project.id
        or env.state != "open"
        or (named is not None and named.id != env.id)
    ):
        raise UserError("budget.error.no_such_request", id=req.number, prefix=p)
    cents, _ = common._amount(ctx, tokens, 1, "budget.error.agree_usage_short")
    require(
        ctx,
        life.agreement_step(
            life.Agreement(ABSENT, lives.envelope_life(ctx, env)),
            act(Act.CREATE),
            common.actor(ctx, env),
            ctx.now,
        ),
    )
    before, updated = req.granted, req.updated_at
    req.granted = cents
    req.updated_at = ctx.now
    was = landing.forget(env)  # an amount agreed by hand: the landing is no longer followed
    if answers._validation(ctx, req) is None and req.user_id != ctx.sender:
        ctx.db.add(
            BudgetValidation(
                request_id=common._id(req),
                user_id=ctx.sender,
                by_admin=True,
                event_id=ctx.source_event_id,
                created_at=ctx.now,
            )
        )
    ctx.audit(
        "agree",
        "budget_request",
        req.id,
        before=before,
        after=cents,
        updated_at=instant(updated),
        was=was,
    )
    ctx.reply(
        ctx.t(
            "budget.agreed",
            id=req.number,
            author=ctx.name(req.user_id),
            amount=ctx.money(cents),
            asked=ctx.money(req.amount),
        )
    )


# --------------------------------------------------------------------------- closing


def close_command(ctx: Context, project: Project, tokens: list[str]) -> None:
    p = ctx.settings.prefix
    period, _ = common._take_period(ctx, tokens)
    env = envelopes.pick_envelope(ctx, project, period, open_only=True)
    common.require_owner_or_admin(ctx, "clore", env)
    require(
        ctx,
        life.envelope_step(
            lives.envelope_life(ctx, env), act(Act.CLOSE), common.actor(ctx, env), ctx.now
        ),
    )
    rows: list[rules.Row] = []
    unpaid: list[int] = []  # the requests not validated, so not paid
    commons = 0
    if env.mode == budget.PROPORTIONAL:
        view = tables.proportional_view(ctx.db, env)
        if not view.rows:
            raise UserError(
                "budget.error.no_contributions",
                project=project.code,
                period=period_label(ctx, common.envelope_period(env)),
                prefix=p,
            )
        rows, commons, remainder = view.rows, view.commons, view.remainder
        for r in rows:
            notes = []
            if r.limited:
                notes.append(ctx.t("budget.note.limited"))
            if r.given_back:
                notes.append(ctx.t("budget.note.given_back", amount=ctx.money(r.given_back)))
            r.note = ", ".join(notes)
    else:
        found = queries.requests_with_states(ctx.db, [env])
        settled = rules.settle_libre(
            env.amount,
            [
                rules.Asked(common._id(req), req.user_id, req.amount, req.granted, st.validated)
                for req, st in found
            ],
        )
        if settled.over:
            raise UserError(
                "budget.error.close_over",
                total=ctx.money(settled.total),
                amount=ctx.money(env.amount),
                project=project.code,
                prefix=p,
            )
        if not settled.paid:
            raise UserError("budget.error.close_nothing", project=project.code, prefix=p)
        unpaid, remainder = settled.unpaid, settled.remainder
        numbers = {common._id(req): req for req, _ in found}
        hours = queries.minutes_of(ctx.db, env, {asked.user_id for asked, _ in settled.paid})
        for asked, paid in settled.paid:
            req = numbers[asked.key]
            note = ctx.t("budget.note.request", id=req.number, asked=ctx.money(req.amount))
            minutes = hours.get(req.user_id, 0)
            rows.append(rules.Row(req.user_id, minutes, paid, 0, paid, False, note))
    ctx.db.connection().execute(
        insert(BudgetShare.__table__),  # type: ignore[attr-defined]
        [
            {
                "envelope_id": common._id(env),
                "user_id": r.user_id,
                "minutes": r.minutes,
                "gross": r.gross,
                "given_back": r.given_back,
                "amount": r.amount,
                "limited": r.limited,
                "note": r.note[:255],
            }
            for r in rows
        ],
    )
    env.state = "closed"
    ctx.db.info.pop(f"closed_envelopes:{ctx.room.id}", None)
    env.commons_amount = commons
    env.remainder = remainder
    env.closed_at = ctx.now
    env.closed_by = ctx.sender
    env.close_event_id = ctx.source_event_id
    ctx.db.flush()
    assert sum(r.amount for r in rows) + commons + remainder == env.amount
    ctx.audit(
        "close",
        "budget_envelope",
        env.id,
        shares={r.user_id: r.amount for r in rows},
        commons=commons,
        remainder=remainder,
    )
    # what was not paid, that it is closed, its frozen split and its CSV file: worded after the
    # transaction (``commands.deferred``), so that no other room waits on them
    then = ("text", "file") if unpaid else ("file",)
    defer(ctx, common.CLOSED, {"envelope": common._id(env), "unpaid": unpaid}, then=then)


def render_closed(scope: RenderScope) -> Rendered:
    """The answer to ``!budget X clore``: the requests left unpaid (if any), the envelope as it
    was closed, and its CSV file."""
    s = scope
    env = s.db.get(BudgetEnvelope, int(s.params["envelope"]))
    if env is None:
        raise LookupError("the envelope is gone")
    said: list[Rendered] = []
    if s.params["unpaid"]:
        unpaid = s.db.exec(
            select(BudgetRequest)
            .where(col(BudgetRequest.id).in_(s.params["unpaid"]))
            .order_by(col(BudgetRequest.id))
        ).all()
        names = s.names(req.user_id for req in unpaid)
        listed = ", ".join(f"#{req.number} {names[req.user_id]}" for req in unpaid)
        said.append(Rendered(text=s.t("budget.unpaid", requests=listed)))
    said.append(
        Rendered(
            text=lines(
                s.t("budget.closed_now", envelope=common._label(s, env)),
                tables.show_envelope(s, env),
            )
        )
    )
    said.append(budget_csv(s))
    return replace(said[0], more=said[1:])


def csv_rows(ctx: RoomTexts, env: BudgetEnvelope) -> tuple[list[str], list[list[object]]]:
    header = [
        ctx.t(f"budget.csv.{c}") for c in ("person", "user", "hours", "amount", "currency", "rules")
    ]
    rules = common.rules_text(ctx.lang, env)
    rows: list[list[object]] = []
    frozen = tables._frozen_view(ctx.db, env).rows
    ctx.names(r.user_id for r in frozen)
    for r in frozen:
        applied = rules + (f" · {r.note}" if r.note else "")
        rows.append(
            [
                ctx.name(r.user_id),
                r.user_id,
                hours_cell(r.minutes),
                money_cell(r.amount),
                env.currency,
                applied,
            ]
        )
    return header, rows


def _send_csv(ctx: Context, env: BudgetEnvelope) -> None:
    """The frozen split as a CSV file, written after this transaction (commands.deferred)."""
    defer(ctx, common.BUDGET_CSV, {"envelope": common._id(env)}, file=True)


def budget_csv(scope: RenderScope) -> Rendered:
    env = scope.db.get(BudgetEnvelope, int(scope.params["envelope"]))
    if env is None:
        raise LookupError("the envelope is gone")
    header, rows = csv_rows(scope, env)
    code = common._project(scope.db, env).code
    return Rendered(
        text=scope.t("budget.csv_caption", envelope=common._label(scope, env), count=len(rows)),
        file_name=f"budget-{code}-{env.start.isoformat()}.csv",
        mime="text/csv",
        data=csv_bytes(header, rows, scope.lang),
    )
