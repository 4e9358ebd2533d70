"""``!budget``: its subcommands, creating an envelope and choosing the one a command means."""

from __future__ import annotations

from commands import budget
from commands.budget import (
    common,
    consent,
    envelope_refs,
    queries,
    rules,
    settle,
    sources,
    tables,
)
from commands.budget.terms import Terms, read_terms
from commands.contrib import period_label
from commands.core import Context, UserError
from commands.grammar import Period
from commands.i18n import format_hours
from commands.lifecycle import (
    ABSENT,
    Act,
    act,
    require,
)
from commands.lifecycle import budget as life
from commands.render import lines
from storage.models import (
    BudgetEnvelope,
    Project,
)
from storage.numbers import ENVELOPE, next_number
from storage.queries import contribution_totals


def pick_envelope(
    ctx: Context, project: Project, period: Period | None, *, open_only: bool = False
) -> BudgetEnvelope:
    """The envelope of ``project`` meant by the user: the one overlapping ``period`` if given,
    else the open one, else the latest."""
    p = ctx.settings.prefix
    named = envelope_refs.chosen(project)  # ``#N``
    if named is not None:
        if open_only and named.state != "open":
            raise UserError("budget.error.closed", envelope=common._label(ctx, named), prefix=p)
        return named
    found = queries._envelopes(ctx, project)
    if period is not None:
        found = [e for e in found if e.start < period.end and period.start < e.end]
    if not found:
        raise UserError("budget.error.no_envelope", project=project.code, prefix=p)
    opened = [e for e in found if e.state == "open"]
    if open_only:
        if not opened:
            raise UserError("budget.error.closed", envelope=common._label(ctx, found[0]))
        found = opened
    elif len(found) > 1 and len(opened) == 1 and period is None:
        found = opened
    if len(found) > 1 and period is None:
        if len(opened) == 0:
            return found[0]  # the latest closed one
        if any(e.label for e in opened):
            raise envelope_refs.which_one(ctx, project, opened)
        periods = ", ".join(
            f"#{e.number} {period_label(ctx, common.envelope_period(e))}" for e in opened
        )
        raise UserError("budget.error.ambiguous", project=project.code, periods=periods, prefix=p)
    return found[0]


# --------------------------------------------------------------------------- creation


def _checked_terms(ctx: Context, project: Project, terms: Terms) -> tuple[int, str, Period]:
    """The amount, mode and period of the envelope, refused when missing or at odds."""
    p = ctx.settings.prefix
    if terms.amount is None:
        raise UserError("budget.error.missing_amount", prefix=p)
    label = terms.label
    period = terms.period or envelope_refs.default_period(ctx, label)  # a mission: this year
    if period is None:
        raise UserError("budget.error.missing_period", prefix=p)
    mode = terms.mode or (budget.PROPORTIONAL if terms.has_rules else budget.LIBRE)
    if terms.has_rules and mode == budget.LIBRE:
        raise UserError("budget.error.rules_need_proportional", prefix=p)
    if terms.consent_days is not None and mode != budget.LIBRE:
        raise UserError("budget.consent.error.proportional", project=project.code, prefix=p)
    if period.start > ctx.today:
        raise UserError("budget.error.future", period=period_label(ctx, period))
    for other in queries._envelopes(ctx, project):
        # envelopes with different labels coexist
        if other.label == label and other.start < period.end and period.start < other.end:
            raise UserError(
                "budget.error.overlap",
                project=project.code,
                period=period_label(ctx, common.envelope_period(other)),
                id=other.number,
            )
    return terms.amount, mode, period


def _check_feasible(ctx: Context, terms: Terms, amount: int, minutes: dict[str, int]) -> None:
    """A proportional envelope: someone can receive it, and its cap lets it be shared."""
    refused = rules.feasibility(amount, minutes, terms.cap, terms.commons_bp, terms.min_minutes)
    if refused is None:
        return
    if refused.reason == "nobody":
        raise UserError(
            "budget.error.nobody_eligible", hours=format_hours(terms.min_minutes, ctx.lang)
        )
    raise UserError(
        "budget.error.impossible_cap",
        cap=ctx.money(refused.cap),
        people=refused.people,
        most=ctx.money(refused.most),
        amount=ctx.money(refused.to_share),
    )


def _hours(
    ctx: Context, project: Project, period: Period, mode: str
) -> tuple[dict[str, int], dict[str, int]]:
    """The minutes per person of ``project`` in ``period`` and, for a proportional envelope,
    each one's first contribution (its tie-break), read once for the check and the table."""
    if mode == budget.PROPORTIONAL:
        return queries.hours_and_first(ctx.db, ctx.room.id, project.id, period.start, period.end)
    totals = contribution_totals(
        ctx.db, ctx.room.id, period.start, period.end, project_id=project.id
    )
    return {u: m for u, m, c in totals.by_person if c}, {}


def create_envelope(ctx: Context, project: Project, tokens: list[str]) -> None:
    """``!budget KPA 2000€ novembre [libre|proportionnel] [plafond 600€] …`` (admins)."""
    p = ctx.settings.prefix
    if project.archived:
        raise UserError("projects.error.archived", code=project.code)
    terms = read_terms(ctx, project.code, tokens)
    amount, mode, period = _checked_terms(ctx, project, terms)
    label, owner = terms.label, terms.owner
    minutes, first = _hours(ctx, project, period, mode)
    if not minutes and envelope_refs.needs_hours(label, mode == budget.PROPORTIONAL):
        raise UserError(
            "budget.error.no_contributions",
            project=project.code,
            period=period_label(ctx, period),
            prefix=p,
        )
    env = BudgetEnvelope(
        room_id=ctx.room.id,
        number=next_number(ctx.db, ctx.room.id, ENVELOPE),
        project_id=common._id(project),
        start=period.start,
        end=period.end,
        period_kind=period.kind,
        amount=amount,
        currency=ctx.room.currency,
        mode=mode,
        cap=terms.cap,
        rate=terms.rate,
        commons_bp=terms.commons_bp,
        min_minutes=terms.min_minutes,
        validations_needed=terms.validations,
        consent_days=terms.consent_days,
        label=label,
        owner=owner,
        created_by=ctx.sender,
        event_id=ctx.source_event_id,
        created_at=ctx.now,
    )
    if mode == budget.PROPORTIONAL:
        _check_feasible(ctx, terms, amount, minutes)
    require(
        ctx,
        life.envelope_step(
            life.Envelope(ABSENT, code=project.code), act(Act.CREATE), common.actor(ctx), ctx.now
        ),
    )
    ctx.db.add(env)
    ctx.db.flush()
    sources.record_initial(ctx, env)
    ctx.audit(
        "create",
        "budget_envelope",
        env.id,
        number=env.number,
        project=project.code,
        start=env.start,
        end=env.end,
        amount=amount,
        mode=mode,
        cap=terms.cap,
        rate=terms.rate,
        commons_bp=terms.commons_bp,
        min_minutes=terms.min_minutes,
        validations_needed=terms.validations,
        consent_days=terms.consent_days,
        label=label,
        owner=owner,
    )
    head = ctx.t(
        f"budget.created.{mode}",
        id=env.number,
        project=project.code,
        period=period_label(ctx, period),
        amount=ctx.money(amount),
        rules=common.rules_text(ctx.lang, env),
        n=terms.validations,
        prefix=p,
    ) + envelope_refs.created_note(ctx, env)
    if mode == budget.PROPORTIONAL:
        # a new envelope: the minutes were just read, and nobody gave anything back yet
        view = rules._view(env, minutes, {}, first)
        ctx.reply(lines(head, tables._proportional_body(ctx, env, view)))
    else:
        ctx.reply(head)


def csv_command(ctx: Context, project: Project, tokens: list[str]) -> None:
    period, _ = common._take_period(ctx, tokens)
    env = pick_envelope(ctx, project, period)
    if env.state != "closed":
        raise UserError(
            "budget.error.csv_open", envelope=common._label(ctx, env), prefix=ctx.settings.prefix
        )
    settle._send_csv(ctx, env)


def consent_command(ctx: Context, project: Project, tokens: list[str]) -> None:
    """``!budget KPA consentement 5j`` / ``consentement non`` (admins: the declaration says so)."""
    period, others = common._take_period(ctx, tokens)
    env = pick_envelope(ctx, project, period, open_only=True)
    consent.setting(ctx, env, common._label(ctx, env), others)
