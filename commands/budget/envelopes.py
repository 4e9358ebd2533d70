"""``!budget``: its subcommands, creating an envelope and choosing the one a command means."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
from commands.contrib import period_label
from commands.core import Context, UserError
from commands.grammar import (
    Period,
    fold,
    match_amount,
    parse_duration,
    parse_int,
    parse_percent,
)
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


@dataclass
class Terms:
    """What ``!budget KPA 2000€ novembre …`` says of the envelope to create."""

    amount: int | None = None
    mode: str | None = None
    cap: int | None = None
    rate: int | None = None
    commons_bp: int = 0
    min_minutes: int = 0
    validations: int = 2
    consent_days: int | None = None
    has_rules: bool = False  # a cap, a rate, a commons part or a minimum: proportional


def read_terms(ctx: Context, project: Project, tokens: list[str]) -> Terms:
    terms = Terms()
    i = 0
    while i < len(tokens):
        i = _read_term(ctx, project, tokens, i, terms)
    return terms


def _read_term(ctx: Context, project: Project, tokens: list[str], i: int, terms: Terms) -> int:
    """Read the term at ``tokens[i]`` into ``terms``; the index of the next one."""
    p = ctx.settings.prefix
    word = fold(tokens[i])
    if word in budget.MODE_WORDS:
        terms.mode = budget.MODE_WORDS[word]
        return i + 1
    if word in budget.CAP_WORDS:
        terms.cap, used = common._amount(ctx, tokens, i + 1, "budget.error.cap")
        terms.has_rules = True
        return i + 1 + used
    if word in budget.RATE_WORDS:
        return _read_rate(ctx, tokens, i, terms)
    if word in budget.COMMONS_WORDS:
        return _read_commons(ctx, tokens, i, terms)
    if word in budget.MIN_WORDS:
        return _read_min(ctx, tokens, i, terms)
    if word in budget.VALIDATIONS_WORDS:
        value = parse_int(tokens[i + 1], minimum=1, maximum=100) if i + 1 < len(tokens) else None
        if value is None:
            raise UserError("budget.error.validations", prefix=p)
        terms.validations = value
        return i + 2
    if word in consent.words():
        days, used = consent.read_delay(tokens, i + 1)
        if days is None:
            raise UserError("budget.consent.error.delay", project=project.code, prefix=p)
        terms.consent_days = days or None
        return i + 1 + used
    return _read_amount(ctx, tokens, i, terms)


def _read_rate(ctx: Context, tokens: list[str], i: int, terms: Terms) -> int:
    rate_tokens = [common._strip_per_hour(tok) for tok in tokens[i + 1 : i + 3]]
    rate_tokens = [tok for tok in rate_tokens if tok]
    terms.rate, used = common._amount(ctx, rate_tokens, 0, "budget.error.rate")
    consumed = len(tokens[i + 1 : i + 1 + used])
    if consumed < len(tokens) - i - 1 and fold(tokens[i + 1 + consumed]) in common._PER_HOUR:
        consumed += 1
    terms.has_rules = True
    return i + 1 + consumed


def _read_commons(ctx: Context, tokens: list[str], i: int, terms: Terms) -> int:
    bp = parse_percent(" ".join(tokens[i + 1 : i + 2]))
    if bp is None or not 0 <= bp < 10000:
        raise UserError("budget.error.commons", prefix=ctx.settings.prefix)
    terms.commons_bp, terms.has_rules = bp, True
    i += 2
    if i < len(tokens) and tokens[i] == "%":
        i += 1
    return i


def _read_min(ctx: Context, tokens: list[str], i: int, terms: Terms) -> int:
    dur = parse_duration(tokens[i + 1], ctx.room.day_minutes) if i + 1 < len(tokens) else None
    if dur is None or dur.negative:
        raise UserError("budget.error.min", prefix=ctx.settings.prefix)
    terms.min_minutes, terms.has_rules = dur.minutes, True
    return i + 2


def _read_amount(ctx: Context, tokens: list[str], i: int, terms: Terms) -> int:
    if terms.amount is None and (found := match_amount(tokens, i)) is not None:
        common._check_amount(ctx, found[0], " ".join(tokens[i : i + found[1]]))
        terms.amount = found[0].cents
        return i + found[1]
    if terms.amount is None and re.fullmatch(r"[-−]?[0-9][0-9,]*", tokens[i]):
        raise UserError("budget.error.amount", token=tokens[i])
    raise UserError("budget.error.bad_token", token=tokens[i], prefix=ctx.settings.prefix)


def _checked_terms(
    ctx: Context, project: Project, terms: Terms, period: Period | None, label: str | None
) -> tuple[int, str, Period]:
    """The amount, mode and period of the envelope, refused when missing or at odds."""
    p = ctx.settings.prefix
    if terms.amount is None:
        raise UserError("budget.error.missing_amount", prefix=p)
    period = period or envelope_refs.default_period(ctx, label)  # a mission: this year
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


def create_envelope(
    ctx: Context, project: Project, period: Period | None, tokens: list[str]
) -> None:
    p = ctx.settings.prefix
    if project.archived:
        raise UserError("projects.error.archived", code=project.code)
    label, owner, tokens = envelope_refs.take_label_and_owner(ctx, tokens)
    terms = read_terms(ctx, project, tokens)
    amount, mode, period = _checked_terms(ctx, project, terms, period, label)
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
    """``!budget KPA consentement 5j`` / ``consentement non`` (admins)."""
    common._require_admin(ctx, "consentement")
    period, others = common._take_period(ctx, tokens)
    env = pick_envelope(ctx, project, period, open_only=True)
    consent.setting(ctx, env, common._label(ctx, env), others)
