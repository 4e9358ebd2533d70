"""Contributive budget: an envelope of money for a project and a period, shared among the people
who contributed to it, in the room, transparently.

- ``!budget KPA 2000€ novembre [libre|proportionnel] [plafond 600€] [taux 20€/h] [commun 10%]
  [min 5h] [validations 2] [consentement 5j]`` (admins) creates an envelope;
- ``!budget KPA`` shows the requests (mode libre) or the provisional split (mode proportionnel);
- ``!demande KPA 120€ [message]`` asks for an amount (mode libre); ``!question 3 [why]`` or a ❓
  reaction questions a request; ``!valider 3`` or ✅ reactions validate it;
- ``!budget KPA prorata`` / ``!budget KPA accord 3 80€`` (admins) settle requests that exceed the
  envelope; ``!budget KPA je-donne 50%`` gives part of one's share back to the commons;
- ``!budget KPA clore`` (admins) freezes the split, posts it and exports it as CSV;
  ``!budget KPA csv`` exports a closed envelope again; ``!budgets`` lists envelopes.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from weakref import WeakKeyDictionary

from babel.numbers import format_decimal
from sqlalchemy import (
    Boolean,
    String,
    and_,
    cast,
    delete,
    insert,
    literal_column,
    null,
    or_,
    union_all,
)
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import Session, col, func, select

from commands import budget_campaign as campaign
from commands import budget_consent as consent
from commands import budget_landing as landing
from commands import budget_rates as rates
from commands import budget_sources as sources
from commands import budget_vote as vote
from commands.contrib import period_label
from commands.core import Context, RecapScope, Registry, RoomTexts, UserError
from commands.csvfile import csv_bytes, hours_cell, money_cell
from commands.deferred import Rendered, RenderScope, defer
from commands.events import ReactionAdded
from commands.grammar import (
    Amount,
    Period,
    fold,
    match_amount,
    match_period,
    parse_duration,
    parse_int,
    parse_percent,
    tokenize,
)
from commands.i18n import format_hours, format_money, format_share, locale_of, t
from commands.landing import PRORATA, Option
from commands.lifecycle import (
    ABSENT,
    Act,
    Actor,
    act,
    instant,
    keep_scope,
    refuse,
    require,
    tell_undo,
    undo,
)
from commands.lifecycle import budget as life
from commands.numbers import read_number
from commands.refusals import check_amount, checked_period
from commands.render import Rich, bold, lines, table
from commands.split import Rules, give_back, percent_shares, scale, split
from storage.ledger import RequestVotes
from storage.models import (
    Audit,
    BotMessage,
    BudgetCampaign,
    BudgetEnvelope,
    BudgetGiveBack,
    BudgetQuestion,
    BudgetRateGuide,
    BudgetRequest,
    BudgetShare,
    BudgetValidation,
    ChatEvent,
    Contribution,
    Project,
    Room,
)
from storage.numbers import ENVELOPE, LARGEST, REQUEST, next_number
from storage.queries import contribution_totals, room_projects

FAMILY = "budget"
LIBRE, PROPORTIONAL = "libre", "proportionnel"
MODE_WORDS = {
    "libre": LIBRE,
    "retribution-libre": LIBRE,
    "free": LIBRE,
    "proportionnel": PROPORTIONAL,
    "proportionnelle": PROPORTIONAL,
    "proportional": PROPORTIONAL,
    "prop": PROPORTIONAL,
    "heures": PROPORTIONAL,
    "hours": PROPORTIONAL,
}
CAP_WORDS = ("plafond", "cap", "max")
RATE_WORDS = ("taux", "rate", "taux-horaire")
COMMONS_WORDS = ("commun", "communs", "commons", "common")
MIN_WORDS = ("min", "minimum")
VALIDATIONS_WORDS = ("validations", "valideurs", "validators")
GIVE_WORDS = ("je-donne", "jedonne", "donne", "je-rends", "rends", "give", "give-back", "giveback")
DECLINE_WORDS = ("je-refuse", "refuse", "decline", "je-decline")
CLOSE_WORDS = ("clore", "cloturer", "fermer", "close")
CSV_WORDS = ("csv", "export", "exporter")
PRORATA_WORDS = ("prorata", "pro-rata", "scale")
AGREE_WORDS = ("accord", "accorder", "agree", "agreed")
WITHDRAW_WORDS = ("retirer", "retire", "withdraw", "annuler", "cancel")
ALL_WORDS = ("tout", "tous", "all", "100%")
QUESTION_KEYS = ("❓", "❔")
VALIDATE_KEYS = ("✅", "✔", "☑")


def register(reg: Registry) -> None:
    reg.command("budget", family=FAMILY, aliases=("enveloppe", "envelope"))(budget_command)
    reg.command("budgets", family=FAMILY, aliases=("enveloppes", "envelopes"))(list_envelopes)
    reg.command("demande", family=FAMILY, aliases=("request", "demander"), editable=True)(
        request_command
    )
    reg.command("question", family=FAMILY, aliases=("questionner",))(question_command)
    reg.command("valider", family=FAMILY, aliases=("validate", "approve"))(validate_command)
    reg.on_reaction("request")(on_request_reaction)
    reg.on_undo(undo_by_event)
    reg.on_tick(consent.auto_validate)
    vote.register(reg)
    reg.on_undo(vote.undo_by_event)
    reg.on_kept(kept_by_event)
    reg.recap_section("budget", 30)(recap_section)
    reg.on_contribution_change(on_contribution_change)
    reg.renderer(BUDGET_CSV)(budget_csv)
    rates.register(reg)
    campaign.register(reg)
    sources.register(reg)
    reg.renderer(CLOSED)(render_closed)
    reg.renderer(landing.APPLIED)(landing.render_applied)


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


def minutes_by_person(db: Session, env: BudgetEnvelope) -> dict[str, int]:
    totals = contribution_totals(db, env.room_id, env.start, env.end, project_id=env.project_id)
    return {u: m for u, m, _ in totals.by_person}


def first_logged(db: Session, env: BudgetEnvelope) -> dict[str, int]:
    """Each contributor's first contribution in the envelope (its internal id): between two
    people with the same hours, the cent that cannot be split goes to who logged first (a rule
    that no id decides, so that forgetting someone changes no share)."""
    return _minutes_and_first(db, env)[1]


def _envelopes(ctx: Context, project: Project) -> list[BudgetEnvelope]:
    """The project's envelopes, latest first, each with its counts (``envelope_life``), the
    one just before it (``rates.check_growth``) and its latest campaign, and the range of pay
    that applies to the project: one query."""
    requests, gifts = _envelope_counts(BudgetEnvelope)
    scopes = (rates.ROOM_SCOPE, rates.scope_of(project))
    rows = ctx.db.execute(
        sa_select(BudgetEnvelope, requests, gifts, BudgetRateGuide, BudgetCampaign)
        .outerjoin(
            BudgetRateGuide,
            and_(
                col(BudgetRateGuide.room_id) == col(BudgetEnvelope.room_id),
                col(BudgetRateGuide.scope).in_(scopes),
            ),
        )
        .outerjoin(BudgetCampaign, col(BudgetCampaign.id) == campaign.latest_id(BudgetEnvelope))
        .where(
            col(BudgetEnvelope.room_id) == ctx.room.id, col(BudgetEnvelope.project_id) == project.id
        )
        .order_by(col(BudgetEnvelope.start).desc())
    ).all()
    found: dict[int, BudgetEnvelope] = {}
    guides: dict[str, BudgetRateGuide] = {}
    for env, in_envelope, given_back, guide, latest in rows:
        if guide is not None:
            guides[guide.scope] = guide
        if _id(env) in found:
            continue
        found[_id(env)] = env
        ctx.keep_ahead(("envelope", env.id), (int(in_envelope), int(given_back)))
        ctx.keep_ahead(("campaign", env.id), (latest,))
    envs = list(found.values())
    for k, env in enumerate(envs):
        before = next((e for e in envs[k + 1 :] if e.start < env.start), None)
        ctx.keep_ahead(("before", env.id), (before,))
    if envs:
        rates.known(ctx, _id(project), guides.get(scopes[1]) or guides.get(scopes[0]))
    return envs


def pick_envelope(
    ctx: Context, project: Project, period: Period | None, *, open_only: bool = False
) -> BudgetEnvelope:
    """The envelope of ``project`` meant by the user: the one overlapping ``period`` if given,
    else the open one, else the latest."""
    p = ctx.settings.prefix
    named = sources.chosen(project)  # ``#N``
    if named is not None:
        if open_only and named.state != "open":
            raise UserError("budget.error.closed", envelope=_label(ctx, named), prefix=p)
        return named
    found = _envelopes(ctx, project)
    if period is not None:
        found = [e for e in found if e.start < period.end and period.start < e.end]
    if not found:
        raise UserError("budget.error.no_envelope", project=project.code, prefix=p)
    opened = [e for e in found if e.state == "open"]
    if open_only:
        if not opened:
            raise UserError("budget.error.closed", envelope=_label(ctx, found[0]))
        found = opened
    elif len(found) > 1 and len(opened) == 1 and period is None:
        found = opened
    if len(found) > 1 and period is None:
        if len(opened) == 0:
            return found[0]  # the latest closed one
        if any(e.label for e in opened):
            raise sources.which_one(ctx, project, opened)
        periods = ", ".join(f"#{e.number} {period_label(ctx, envelope_period(e))}" for e in opened)
        raise UserError("budget.error.ambiguous", project=project.code, periods=periods, prefix=p)
    return found[0]


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
    return Actor(ctx.sender, sources.settles(ctx, env))


def _envelope_counts(env: Any) -> tuple[Any, Any]:
    """Its requests and its give-backs, counted (scalar subqueries; ``env`` an envelope, or the
    envelope table for counts correlated to the query they are in)."""
    counted = aliased(BudgetRequest)
    requests = select(func.count(col(counted.id))).where(counted.envelope_id == env.id)
    gifts = select(func.count(col(BudgetGiveBack.id))).where(BudgetGiveBack.envelope_id == env.id)
    return requests.scalar_subquery(), gifts.scalar_subquery()


def envelope_life(ctx: Context, env: BudgetEnvelope) -> life.Envelope:
    """The envelope as its rules see it (``commands.lifecycle.budget``), read in one query
    (none when the event read it along with the envelope and has changed nothing since)."""
    known = ctx.read_ahead(("envelope", env.id))
    if known is None:
        in_envelope, given_back = _envelope_counts(env)
        known = ctx.db.exec(select(in_envelope, given_back)).one()
    requests, gifts = known
    return _envelope_life(ctx, env, int(requests), int(gifts))


def _envelope_life(ctx: Context, env: BudgetEnvelope, requests: int, gifts: int) -> life.Envelope:
    return life.Envelope(env.state, _label(ctx, env), _project(ctx.db, env).code, requests, gifts)


def _changed_by_others(ctx: Context, req: BudgetRequest) -> bool:
    """Whether another message's ``!demande`` changed ``req`` (and was not undone since)."""
    changes = ctx.db.exec(
        select(Audit).where(
            Audit.object_kind == "budget_request",
            Audit.object_id == str(req.id),
            col(Audit.action).in_(("update", "unupdate")),
        )
    ).all()
    undone = {str(a.details.get("undid")) for a in changes if a.action == "unupdate"}
    return any(
        a.action == "update" and a.event_id != req.event_id and a.event_id not in undone
        for a in changes
    )


def _request_counts(req: Any) -> tuple[Any, Any]:
    """Its answers (validations and questions), counted, and whether its author has another
    active request in its envelope (``req`` a request, or the request table for columns
    correlated to the query they are in)."""
    validations = select(func.count(col(BudgetValidation.id))).where(
        BudgetValidation.request_id == req.id
    )
    questions = select(func.count(col(BudgetQuestion.id))).where(
        BudgetQuestion.request_id == req.id
    )
    others = aliased(BudgetRequest)
    other = (
        select(others.id)
        .where(
            others.envelope_id == req.envelope_id,
            others.user_id == req.user_id,
            others.state == "active",
            others.id != req.id,
        )
        .exists()
    )
    answers = validations.scalar_subquery() + questions.scalar_subquery()
    return answers, other.label("another")


def request_life(
    ctx: Context, req: BudgetRequest, env: BudgetEnvelope, *, unchanged: bool = True
) -> life.Request:
    """The request as its rules see it (``commands.lifecycle.budget``), read in one query: its
    answers, whether its author has another active request in the envelope, and the envelope's
    own counts (none when the event read them along with the request, and has changed nothing
    since)."""
    known = ctx.read_ahead(("request", req.id))
    if known is None:
        answers, other = _request_counts(req)
        in_envelope, given_back = _envelope_counts(env)
        known = ctx.db.exec(select(answers, other, in_envelope, given_back)).one()
    answered, another, requests, gifts = known
    return life.Request(
        req.state,
        _envelope_life(ctx, env, int(requests), int(gifts)),
        req.number,
        req.user_id,
        int(answered),
        req.granted is not None,
        bool(another),
        unchanged,
    )


def request_votes(db: Session, envelope_id: int) -> dict[int, RequestVotes]:
    """Request id -> its validations and questions, for every request of an envelope (one
    statement: the two kinds of answer side by side, each in the order it was given)."""
    validations: dict[int, list[tuple[str, bool]]] = {}
    questions: dict[int, list[tuple[str, str]]] = {}
    given: Any = (
        sa_select(
            literal_column("0").label("kind"),
            col(BudgetValidation.id).label("id"),
            col(BudgetValidation.request_id).label("request_id"),
            col(BudgetValidation.user_id).label("user_id"),
            col(BudgetValidation.by_admin).label("by_admin"),
            cast(null(), String).label("text"),
        )
        .join(BudgetRequest, col(BudgetRequest.id) == col(BudgetValidation.request_id))
        .where(col(BudgetRequest.envelope_id) == envelope_id)
    )
    asked: Any = (
        sa_select(
            literal_column("1").label("kind"),
            col(BudgetQuestion.id).label("id"),
            col(BudgetQuestion.request_id).label("request_id"),
            col(BudgetQuestion.user_id).label("user_id"),
            cast(null(), Boolean).label("by_admin"),
            col(BudgetQuestion.text).label("text"),
        )
        .join(BudgetRequest, col(BudgetRequest.id) == col(BudgetQuestion.request_id))
        .where(col(BudgetRequest.envelope_id) == envelope_id)
    )
    both = union_all(given, asked).subquery()
    for kind, _, request_id, user, admin, text in db.execute(
        sa_select(both).order_by(both.c.kind, both.c.id)
    ).all():
        if kind == 0:
            validations.setdefault(int(request_id), []).append((user, bool(admin)))
        else:
            questions.setdefault(int(request_id), []).append((user, text))
    return {
        rid: RequestVotes(validations.get(rid, []), questions.get(rid, []))
        for rid in set(validations) | set(questions)
    }


# --------------------------------------------------------------------------- !budget


def budget_command(ctx: Context, args: str) -> None:
    tokens = tokenize(args)
    if not tokens:
        list_envelopes(ctx, "")
        return
    project, named = sources.project_of(ctx, tokens[0])  # a code, or ``#N``
    with sources.choosing(named):
        _budget_command(ctx, project, tokens[1:], named)


def _budget_command(
    ctx: Context, project: Project, rest: list[str], named: BudgetEnvelope | None
) -> None:
    words = [fold(w) for w in rest]
    if words and words[0] in sources.SOURCE_WORDS:
        sources.source_command(ctx, project, rest[1:])
        return
    if words and words[0] in sources.OWNER_WORDS:
        sources.owner_command(ctx, project, rest[1:])
        return
    if words and words[0] in consent.WORDS:
        consent_command(ctx, project, rest[1:])
        return
    action = next((w for w in words if w in _ACTIONS), None)
    if action is not None:
        others = [tok for tok, w in zip(rest, words, strict=True) if w != action]
        _ACTIONS[action](ctx, project, others)
        return
    period, others = _take_period(ctx, rest)
    if not others:
        env = pick_envelope(ctx, project, period)
        ctx.reply(show_envelope(ctx, env))
        return
    if not ctx.is_admin:
        raise UserError("core.admin_only", command=ctx.typed_command())
    if named is not None:
        raise UserError(
            "budget_sources.error.ref_create", id=named.number, prefix=ctx.settings.prefix
        )
    create_envelope(ctx, project, period, others)


# --------------------------------------------------------------------------- creation


def create_envelope(
    ctx: Context, project: Project, period: Period | None, tokens: list[str]
) -> None:
    p = ctx.settings.prefix
    if project.archived:
        raise UserError("projects.error.archived", code=project.code)
    amount: int | None = None
    mode: str | None = None
    cap = rate = None
    commons_bp = min_minutes = 0
    validations = 2
    consent_days: int | None = None
    label, owner, tokens = sources.take_label_and_owner(ctx, tokens)
    has_rules = False
    i = 0
    while i < len(tokens):
        word = fold(tokens[i])
        if word in MODE_WORDS:
            mode = MODE_WORDS[word]
            i += 1
        elif word in CAP_WORDS:
            cap, used = _amount(ctx, tokens, i + 1, "budget.error.cap")
            has_rules, i = True, i + 1 + used
        elif word in RATE_WORDS:
            rate_tokens = [_strip_per_hour(tok) for tok in tokens[i + 1 : i + 3]]
            rate_tokens = [tok for tok in rate_tokens if tok]
            rate, used = _amount(ctx, rate_tokens, 0, "budget.error.rate")
            consumed = len(tokens[i + 1 : i + 1 + used])
            if consumed < len(tokens) - i - 1 and fold(tokens[i + 1 + consumed]) in _PER_HOUR:
                consumed += 1
            has_rules, i = True, i + 1 + consumed
        elif word in COMMONS_WORDS:
            bp = parse_percent(" ".join(tokens[i + 1 : i + 2]))
            if bp is None or not 0 <= bp < 10000:
                raise UserError("budget.error.commons", prefix=p)
            commons_bp, has_rules = bp, True
            i += 2
            if i < len(tokens) and tokens[i] == "%":
                i += 1
        elif word in MIN_WORDS:
            dur = (
                parse_duration(tokens[i + 1], ctx.room.day_minutes) if i + 1 < len(tokens) else None
            )
            if dur is None or dur.negative:
                raise UserError("budget.error.min", prefix=p)
            min_minutes, has_rules = dur.minutes, True
            i += 2
        elif word in VALIDATIONS_WORDS:
            value = (
                parse_int(tokens[i + 1], minimum=1, maximum=100) if i + 1 < len(tokens) else None
            )
            if value is None:
                raise UserError("budget.error.validations", prefix=p)
            validations = value
            i += 2
        elif word in consent.WORDS:
            days, used = consent.read_delay(tokens, i + 1)
            if days is None:
                raise UserError("budget.consent.error.delay", project=project.code, prefix=p)
            consent_days, i = days or None, i + 1 + used
        elif amount is None and (found := match_amount(tokens, i)) is not None:
            _check_amount(ctx, found[0], " ".join(tokens[i : i + found[1]]))
            amount = found[0].cents
            i += found[1]
        elif amount is None and re.fullmatch(r"[-−]?[0-9][0-9,]*", tokens[i]):
            raise UserError("budget.error.amount", token=tokens[i])
        else:
            raise UserError("budget.error.bad_token", token=tokens[i], prefix=p)
    if amount is None:
        raise UserError("budget.error.missing_amount", prefix=p)
    period = period or sources.default_period(ctx, label)  # a mission: this year
    if period is None:
        raise UserError("budget.error.missing_period", prefix=p)
    mode = mode or (PROPORTIONAL if has_rules else LIBRE)
    if has_rules and mode == LIBRE:
        raise UserError("budget.error.rules_need_proportional", prefix=p)
    if consent_days is not None and mode != LIBRE:
        raise UserError("budget.consent.error.proportional", project=project.code, prefix=p)
    if period.start > ctx.today:
        raise UserError("budget.error.future", period=period_label(ctx, period))
    for other in _envelopes(ctx, project):
        # envelopes with different labels coexist
        if other.label == label and other.start < period.end and period.start < other.end:
            raise UserError(
                "budget.error.overlap",
                project=project.code,
                period=period_label(ctx, envelope_period(other)),
                id=other.number,
            )
    totals = contribution_totals(
        ctx.db, ctx.room.id, period.start, period.end, project_id=project.id
    )
    if totals.count == 0 and sources.needs_hours(label, mode == PROPORTIONAL):
        raise UserError(
            "budget.error.no_contributions",
            project=project.code,
            period=period_label(ctx, period),
            prefix=p,
        )
    env = BudgetEnvelope(
        room_id=ctx.room.id,
        number=next_number(ctx.db, ctx.room.id, ENVELOPE),
        project_id=_id(project),
        start=period.start,
        end=period.end,
        period_kind=period.kind,
        amount=amount,
        currency=ctx.room.currency,
        mode=mode,
        cap=cap,
        rate=rate,
        commons_bp=commons_bp,
        min_minutes=min_minutes,
        validations_needed=validations,
        consent_days=consent_days,
        label=label,
        owner=owner,
        created_by=ctx.sender,
        event_id=ctx.source_event_id,
        created_at=ctx.now,
    )
    if mode == PROPORTIONAL:
        minutes = {u: m for u, m, _ in totals.by_person}
        eligible = [u for u, m in minutes.items() if m >= max(min_minutes, 1)]
        if not eligible:
            raise UserError(
                "budget.error.nobody_eligible", hours=format_hours(min_minutes, ctx.lang)
            )
        to_share = amount - amount * commons_bp // 10000
        if cap is not None and cap * len(eligible) < to_share:
            raise UserError(
                "budget.error.impossible_cap",
                cap=ctx.money(cap),
                people=len(eligible),
                most=ctx.money(cap * len(eligible)),
                amount=ctx.money(to_share),
            )
    require(
        ctx,
        life.envelope_step(
            life.Envelope(ABSENT, code=project.code), act(Act.CREATE), actor(ctx), ctx.now
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
        cap=cap,
        rate=rate,
        commons_bp=commons_bp,
        min_minutes=min_minutes,
        validations_needed=validations,
        consent_days=consent_days,
        label=label,
        owner=owner,
    )
    head = ctx.t(
        f"budget.created.{mode}",
        id=env.number,
        project=project.code,
        period=period_label(ctx, period),
        amount=ctx.money(amount),
        rules=rules_text(ctx.lang, env),
        n=validations,
        prefix=p,
    ) + sources.created_note(ctx, env)
    if mode == PROPORTIONAL:
        # a new envelope: the minutes were just read, and nobody gave anything back yet
        minutes = {u: m for u, m, _ in totals.by_person}
        view = _view(env, minutes, {}, first_logged(ctx.db, env))
        ctx.reply(lines(head, _proportional_body(ctx, env, view)))
    else:
        ctx.reply(head)


_PER_HOUR = ("/h", "/heure", "/hour", "/hr", "h", "par-heure", "per-hour")


def _strip_per_hour(token: str) -> str:
    low = fold(token)
    for suffix in ("/heure", "/hour", "/hr", "/h"):
        if low.endswith(suffix):
            return token[: len(token) - len(suffix)]
    return "" if low in _PER_HOUR else token


# --------------------------------------------------------------------------- the split


@dataclass
class Row:
    user_id: str
    minutes: int
    gross: int
    given_back: int
    amount: int
    limited: bool
    note: str = ""


@dataclass
class View:
    """What an envelope looks like now: frozen rows if closed, else computed."""

    rows: list[Row]
    commons: int
    remainder: int
    redistributed: int
    excluded: list[str]
    total_minutes: int


def proportional_view(db: Session, env: BudgetEnvelope) -> View:
    if env.state == "closed":
        return _frozen_view(db, env)
    minutes, first = _minutes_and_first(db, env)
    return _view(env, minutes, _latest_givebacks(db, env), first)


def _minutes_and_first(db: Session, env: BudgetEnvelope) -> tuple[dict[str, int], dict[str, int]]:
    """``minutes_by_person`` and ``first_logged`` of an envelope, in one query."""
    rows = db.exec(
        select(Contribution.user_id, func.sum(Contribution.minutes), func.min(Contribution.id))
        .where(
            Contribution.room_id == env.room_id,
            Contribution.project_id == env.project_id,
            Contribution.day >= env.start,
            Contribution.day < env.end,
        )
        .group_by(col(Contribution.user_id))
    ).all()
    minutes = {user: int(total or 0) for user, total, _ in rows}
    return minutes, {user: int(first or 0) for user, _, first in rows}


def _view(
    env: BudgetEnvelope,
    minutes: dict[str, int],
    gifts: dict[str, BudgetGiveBack],
    first: dict[str, int],
) -> View:
    """The split of an open proportional envelope, from its minutes per person, the latest
    give-back of each and each one's first contribution in it (``first_logged``)."""
    result = split(minutes, env.amount, rules_of(env), first)
    rows: list[Row] = []
    commons = result.commons
    for user, gross in result.amounts.items():
        gift = gifts.get(user)
        given = give_back(gross, gift.percent_bp, gift.cents) if gift else 0
        commons += given
        rows.append(Row(user, minutes[user], gross, given, gross - given, user in result.limited))
    return View(
        rows,
        commons,
        result.remainder,
        result.redistributed,
        result.excluded,
        sum(r.minutes for r in rows),
    )


def _frozen_view(db: Session, env: BudgetEnvelope) -> View:
    shares = db.exec(
        select(BudgetShare)
        .where(BudgetShare.envelope_id == env.id)
        .order_by(col(BudgetShare.amount).desc(), col(BudgetShare.user_id))
    ).all()
    rows = [
        Row(s.user_id, s.minutes, s.gross, s.given_back, s.amount, s.limited, s.note)
        for s in shares
    ]
    return View(
        rows,
        env.commons_amount or 0,
        env.remainder or 0,
        0,
        [],
        sum(r.minutes for r in rows),
    )


def _givebacks(db: Session, envs: list[BudgetEnvelope]) -> dict[int, dict[str, BudgetGiveBack]]:
    """The latest give-back of each person in each of ``envs``, in one query."""
    if not envs:
        return {}
    out: dict[int, dict[str, BudgetGiveBack]] = {}
    for g in db.exec(
        select(BudgetGiveBack)
        .where(col(BudgetGiveBack.envelope_id).in_([e.id for e in envs]))
        .order_by(col(BudgetGiveBack.id))
    ).all():
        out.setdefault(g.envelope_id, {})[g.user_id] = g
    return out


def _latest_givebacks(db: Session, env: BudgetEnvelope) -> dict[str, BudgetGiveBack]:
    gifts = db.exec(
        select(BudgetGiveBack)
        .where(BudgetGiveBack.envelope_id == env.id)
        .order_by(col(BudgetGiveBack.id))
    ).all()
    return {g.user_id: g for g in gifts}


def _proportional_body(
    ctx: Context | RenderScope, env: BudgetEnvelope, view: View | None = None
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
                _rate(r.amount, r.minutes, ctx.lang, cur),
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
    view: View | None = None,
) -> Rich:
    """The envelope and its split; ``view`` (its split) when the caller has it already."""
    state = ctx.t(f"budget.state.{env.state}")
    head = ctx.t(
        "budget.show_title",
        id=env.number,
        envelope=_label(ctx, env),
        amount=ctx.money(env.amount),
        rules=rules_text(ctx.lang, env),
        state=state,
    )
    # the minutes per person in the envelope, read once for its campaign and its requests
    hours = functools.cache(lambda: minutes_by_person(ctx.db, env))
    said = campaign.envelope_line(ctx, env, hours if env.mode == LIBRE else None)
    readings = [said] if said is not None else []
    if env.owner:
        head += " · " + ctx.t("budget_sources.owner_note", who=ctx.name(env.owner))
    funded = sources.body(ctx, env)
    parts = [bold(head)] + ([funded] if funded is not None else [])
    if env.mode == PROPORTIONAL:
        note = ctx.t("budget.frozen" if env.state == "closed" else "budget.provisional")
        return lines(*parts, note, _proportional_body(ctx, env, view), *readings)
    return lines(*parts, _libre_body(ctx, env, view, hours), *readings)


def _requests(db: Session, env: BudgetEnvelope) -> list[BudgetRequest]:
    return [req for req, _ in requests_with_states(db, [env])]


def requests_with_states(
    db: Session, envs: list[BudgetEnvelope]
) -> list[tuple[BudgetRequest, RequestState]]:
    """The active requests of ``envs`` (in order), each with its validations and questions, in
    one query whatever their number."""
    if not envs:
        return []
    needed = {e.id: e.validations_needed for e in envs}
    votes, by_admin, questions = _vote_counts()
    rows = db.exec(
        select(BudgetRequest, votes, by_admin, questions)
        .where(col(BudgetRequest.envelope_id).in_(list(needed)), BudgetRequest.state == "active")
        .order_by(col(BudgetRequest.id))
    ).all()
    out = []
    for req, n, admins, asked in rows:
        state = RequestState(
            admins > 0 or n >= needed[req.envelope_id], admins > 0, int(n), int(asked)
        )
        out.append((req, state))
    return out


@dataclass
class RequestState:
    validated: bool
    by_admin: bool
    votes: int
    questions: int
    mine: bool = False  # ``request_state(..., user=)`` validated it


def request_state(
    db: Session, env: BudgetEnvelope, req: BudgetRequest, user: str | None = None
) -> RequestState:
    """Where a request stands, in one query; ``mine``: whether ``user`` validated it."""
    of_req = col(BudgetValidation.request_id) == req.id
    votes = select(func.count()).where(of_req)
    admins = select(func.count()).where(of_req, col(BudgetValidation.by_admin).is_(True))
    mine = select(func.count()).where(of_req, col(BudgetValidation.user_id) == (user or ""))
    asked = select(func.count()).where(col(BudgetQuestion.request_id) == req.id)
    n, a, m, q = db.exec(select(*(x.scalar_subquery() for x in (votes, admins, mine, asked)))).one()
    return RequestState(a > 0 or n >= env.validations_needed, a > 0, int(n), int(q), m > 0)


def _one_more(env: BudgetEnvelope, before: RequestState, by_admin: bool) -> RequestState:
    """The state of a request once one more person validated it."""
    admin = before.by_admin or by_admin
    votes = before.votes + 1
    return RequestState(
        admin or votes >= env.validations_needed, admin, votes, before.questions, True
    )


def _request_minutes(db: Session, env: BudgetEnvelope, user_id: str) -> int:
    totals = contribution_totals(
        db, env.room_id, env.start, env.end, user_id=user_id, project_id=env.project_id
    )
    return totals.minutes


def envelope_minutes(db: Session, envs: list[BudgetEnvelope]) -> dict[int, dict[str, int]]:
    """Minutes per person in each envelope's project and period, in one query whatever the
    number of envelopes (the project index reads each period's days in order)."""
    return _per_envelope(db, envs, func.sum(Contribution.minutes))


def envelopes_first_logged(db: Session, envs: list[BudgetEnvelope]) -> dict[int, dict[str, int]]:
    """``first_logged`` of each envelope, in one query whatever the number of envelopes."""
    return _per_envelope(db, envs, func.min(Contribution.id))


def _per_envelope(db: Session, envs: list[BudgetEnvelope], value: Any) -> dict[int, dict[str, int]]:
    """``value`` (an aggregate of contributions) per person in each envelope's project and
    period."""
    if not envs:
        return {}
    env_table = BudgetEnvelope.__table__  # type: ignore[attr-defined]
    c = Contribution.__table__  # type: ignore[attr-defined]
    rows = db.exec(
        select(env_table.c.id, c.c.user_id, value)
        .select_from(
            env_table.join(
                c,
                and_(
                    c.c.room_id == env_table.c.room_id,
                    c.c.project_id == env_table.c.project_id,
                    c.c.day >= env_table.c.start,
                    c.c.day < env_table.c.end,
                ),
            )
        )
        .where(env_table.c.id.in_([e.id for e in envs]))
        .group_by(env_table.c.id, c.c.user_id)
    ).all()
    out: dict[int, dict[str, int]] = {_id(e): {} for e in envs}
    for env_id, user, found in rows:
        out[env_id][user] = int(found or 0)
    return out


@dataclass
class RequestRow:
    """A request of an envelope in mode libre, with what decides it."""

    request: BudgetRequest
    minutes: int  # the person's hours in the envelope's project and period
    votes: RequestVotes
    validated: bool

    @property
    def planned(self) -> int:
        """What it would receive once validated: the agreed amount, else what was asked."""
        req = self.request
        return req.granted if req.granted is not None else req.amount


def libre_view(
    db: Session, env: BudgetEnvelope, hours: Callable[[], dict[str, int]] | None = None
) -> list[RequestRow]:
    """Every active request of an envelope with its hours, validations and questions (a few
    queries, whatever the number of requests; ``hours``: its minutes per person, when the
    caller reads them anyway)."""
    requests = _requests(db, env)
    if not requests:
        return []
    minutes = hours() if hours is not None else minutes_by_person(db, env)
    votes = request_votes(db, _id(env))
    empty = RequestVotes([], [])
    rows = []
    for req in requests:
        v = votes.get(_id(req), empty)
        validated = v.by_admin or len(v.validations) >= env.validations_needed
        rows.append(RequestRow(req, minutes.get(req.user_id, 0), v, validated))
    return rows


def _libre_body(
    ctx: Context | RenderScope,
    env: BudgetEnvelope,
    frozen: View | None = None,
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
                _rate(r.amount, r.minutes, ctx.lang, env.currency),
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
        return lines(ctx.t("budget.no_requests", project=_project(ctx.db, env).code, prefix=p))
    requests = [r.request for r in view_rows]
    ctx.names(r.user_id for r in requests)
    guide = rates.table_guide(ctx, env)
    rows = []
    validated: dict[int, int] = {}
    for row in view_rows:
        req, minutes = row.request, row.minutes
        if row.validated:
            state = ctx.t("budget.req_state.validated")
            validated[_id(req)] = row.planned
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
                _rate(req.amount, minutes, ctx.lang, env.currency)
                + rates.flag(ctx, rates.position(req.amount, minutes, guide, ctx.room.day_minutes))
                if guide is not None
                else _rate(req.amount, minutes, ctx.lang, env.currency),
                ctx.money(req.granted) if req.granted is not None else "",
                state,
            ]
        )
    headers = ["#"] + [
        ctx.t(f"budget.col.{c}") for c in ("person", "hours", "asked", "rate", "granted", "state")
    ]
    parts: list[Rich | str] = [table(headers, rows, align="llrrrrl")]
    if (guided := rates.table_line(ctx, env, guide)) is not None:
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
        parts.append(ctx.t("budget.over_hint", project=_project(ctx.db, env).code, prefix=p))
    return lines(*parts)


def envelope_left(db: Session, env: BudgetEnvelope) -> int:
    """What nobody receives (yet): for a closed envelope, its remainder."""
    if env.state == "closed":
        return env.remainder or 0
    if env.mode == PROPORTIONAL:
        return proportional_view(db, env).remainder
    return env.amount - sum(r.planned for r in libre_view(db, env) if r.validated)


def envelopes_left(db: Session, envs: list[BudgetEnvelope]) -> dict[int, int]:
    """``envelope_left`` of many envelopes, in a few queries whatever their number."""
    out: dict[int, int] = {}
    libre = [e for e in envs if e.state != "closed" and e.mode != PROPORTIONAL]
    shared = [e for e in envs if e.state != "closed" and e.mode == PROPORTIONAL]
    planned: dict[int, int] = {_id(e): 0 for e in libre}
    for req, st in requests_with_states(db, libre):
        if st.validated:
            planned[req.envelope_id] += req.granted if req.granted is not None else req.amount
    minutes = envelope_minutes(db, shared)
    first = envelopes_first_logged(db, shared)
    gifts = _givebacks(db, shared)
    for env in envs:
        if env.state == "closed":
            out[_id(env)] = env.remainder or 0
        elif env.mode == PROPORTIONAL:
            out[_id(env)] = _view(
                env, minutes[_id(env)], gifts.get(_id(env), {}), first[_id(env)]
            ).remainder
        else:
            out[_id(env)] = env.amount - planned[_id(env)]
    return out


def list_envelopes(ctx: Context, args: str) -> None:
    envs = ctx.db.exec(
        select(BudgetEnvelope)
        .where(BudgetEnvelope.room_id == ctx.room.id)
        .order_by(col(BudgetEnvelope.start).desc())
    ).all()
    if not envs:
        ctx.reply(ctx.t("budget.none", prefix=ctx.settings.prefix))
        return
    codes = {p.id: p.code for p in room_projects(ctx.db, ctx.room.id)}
    left = envelopes_left(ctx.db, list(envs))
    rows = [
        [
            f"#{e.number}",
            codes.get(e.project_id, "?") + (f" · {e.label}" if e.label else ""),
            period_label(ctx, envelope_period(e)),
            ctx.t(f"budget.mode.{e.mode}"),
            ctx.money(e.amount),
            ctx.t(f"budget.state.{e.state}"),
            ctx.money(left[_id(e)]),
        ]
        for e in envs
    ]
    headers = ["#"] + [
        ctx.t(f"budget.col.{c}") for c in ("project", "period", "mode", "amount", "state", "left")
    ]
    ctx.reply(
        lines(ctx.t("budget.list_title", count=len(envs)), table(headers, rows, align="llllrlr"))
    )


# --------------------------------------------------------------------------- give back


def give_back_command(ctx: Context, project: Project, tokens: list[str]) -> None:
    p = ctx.settings.prefix
    # the first token says how much ("tout" and "all" are also period words: read it first)
    how = 2 if len(tokens) > 1 and tokens[1] in ("%", "€", "EUR", "eur") else 1
    period, _ = _take_period(ctx, tokens[how:])
    env = pick_envelope(ctx, project, period, open_only=True)
    if env.mode != PROPORTIONAL:
        raise UserError("budget.error.give_libre", project=project.code, prefix=p)
    tokens = ["".join(tokens[:how])] if tokens else []
    percent_bp: int | None = None
    cents: int | None = None
    words = [fold(w) for w in tokens]
    if words and words[0] in ALL_WORDS:
        percent_bp = 10000
    elif words and words[0] in ("rien", "nothing", "0", "0%"):
        percent_bp = 0
    elif tokens and tokens[0].endswith("%"):
        percent_bp = parse_percent(tokens[0])
        if percent_bp is None or not 0 <= percent_bp <= 10000:
            raise UserError("budget.error.give_usage", project=project.code, prefix=p)
    elif tokens and (found := match_amount(tokens, 0)) is not None:
        _check_amount(ctx, found[0], " ".join(tokens[: found[1]]))
        cents = found[0].cents
    else:
        raise UserError("budget.error.give_usage", project=project.code, prefix=p)
    _record_give_back(ctx, env, percent_bp, cents)


def decline_command(ctx: Context, project: Project, tokens: list[str]) -> None:
    period, _ = _take_period(ctx, tokens)
    env = pick_envelope(ctx, project, period, open_only=True)
    if env.mode != PROPORTIONAL:
        raise UserError("budget.error.give_libre", project=project.code, prefix=ctx.settings.prefix)
    _record_give_back(ctx, env, 10000, None)


def _record_give_back(
    ctx: Context, env: BudgetEnvelope, percent_bp: int | None, cents: int | None
) -> None:
    share = next((r for r in proportional_view(ctx.db, env).rows if r.user_id == ctx.sender), None)
    if share is None:
        raise UserError("budget.error.no_share", envelope=_label(ctx, env))
    require(
        ctx,
        life.answer_step(
            life.Answer(ABSENT, envelope_life(ctx, env)), act(Act.CREATE), actor(ctx), ctx.now
        ),
    )
    gift = BudgetGiveBack(
        envelope_id=_id(env),
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
            envelope=_label(ctx, env),
        )
    )


# --------------------------------------------------------------------------- requests


def request_command(ctx: Context, args: str) -> None:
    p = ctx.settings.prefix
    tokens = tokenize(args)
    if not tokens:
        raise UserError("budget.error.request_usage", prefix=p)
    if landing.is_revision(tokens):
        landing.revise_command(ctx, tokens)
        return
    project, named = sources.project_of(ctx, tokens[0])  # a code, or ``#N``
    with sources.choosing(named):
        _request_command(ctx, project, tokens)


def _request_command(ctx: Context, project: Project, tokens: list[str]) -> None:
    p = ctx.settings.prefix
    i = 1
    period = None
    if i < len(tokens) and match_amount(tokens, i) is None:
        found = match_period(tokens, i, ctx.today)
        if found is not None:
            period = checked_period(found, " ".join(tokens[i : i + found.used]))
            i += found.used
    original = _edited_request(ctx)
    if original is not None:
        # an edit re-runs the command on the request its message made, in that envelope
        env = ctx.db.get(BudgetEnvelope, original.envelope_id)
        assert env is not None
        named = sources.chosen(project)
        same = (
            project.id == env.project_id
            and (period is None or (env.start < period.end and period.start < env.end))
            and (named is None or named.id == env.id)
        )
        refuse(ctx, keep_scope(True, same, "envelope"))
        editable = request_life(ctx, original, env)
        require(ctx, life.request_step(editable, act(Act.EDIT), actor(ctx), ctx.now))
    else:
        env = pick_envelope(ctx, project, period, open_only=True)
    if env.mode != LIBRE:
        raise UserError("budget.error.request_proportional", project=project.code, prefix=p)
    existing = original or _own_request(ctx, env)
    if i < len(tokens) and fold(tokens[i]) in WITHDRAW_WORDS:
        if existing is None:
            raise UserError("budget.error.no_request", project=project.code, prefix=p)
        _withdraw(ctx, existing, env)
        ctx.reply(ctx.t("budget.withdrawn", id=existing.number, who=ctx.name(existing.user_id)))
        landing.reland(ctx, env)
        return
    found_amount = match_amount(tokens, i)
    if found_amount is None:
        raise UserError("budget.error.request_usage", prefix=p)
    _check_amount(ctx, found_amount[0], " ".join(tokens[i : i + found_amount[1]]))
    cents = found_amount[0].cents
    message = " ".join(tokens[i + found_amount[1] :]).strip()
    rates.check_growth(ctx, env, existing.user_id if existing else ctx.sender, cents)
    if existing is not None:
        if original is None:  # an edit was checked above, and nothing changed since
            editable = request_life(ctx, existing, env)
            require(ctx, life.request_step(editable, act(Act.EDIT), actor(ctx), ctx.now))
        before = {
            "amount": existing.amount,
            "message": existing.message,
            "granted": existing.granted,
            "updated_at": instant(existing.updated_at),
            **consent.restart(ctx, existing, cents),
        }
        # the validations start again: deleted and returned in one statement
        with ctx.db.no_autoflush:
            dropped = sorted(
                ctx.db.execute(
                    delete(BudgetValidation)
                    .where(col(BudgetValidation.request_id) == existing.id)
                    .returning(
                        col(BudgetValidation.id),
                        col(BudgetValidation.user_id),
                        col(BudgetValidation.by_admin),
                        col(BudgetValidation.event_id),
                        col(BudgetValidation.created_at),
                    ),
                    execution_options={"synchronize_session": "fetch"},
                ).all()
            )
        existing.amount, existing.message, existing.granted = cents, message, None
        existing.updated_at = ctx.now
        kept = [_validation_row(v) for v in dropped]
        ctx.audit(
            "update",
            "budget_request",
            existing.id,
            before=before,
            after={"amount": cents, "message": message},
            validations_dropped=len(dropped),
            dropped=kept,
        )
        tell = _reland_known(ctx, env, existing)
        _post_request(ctx, env, existing, "budget.request_updated")
        if tell is not None:
            tell()
        else:
            landing.reland(ctx, env)
        return
    require(
        ctx,
        life.request_step(
            life.Request(ABSENT, envelope_life(ctx, env)), act(Act.CREATE), actor(ctx), ctx.now
        ),
    )
    req = BudgetRequest(
        envelope_id=_id(env),
        room_id=ctx.room.id,
        number=next_number(ctx.db, ctx.room.id, REQUEST),
        user_id=ctx.sender,
        amount=cents,
        message=message,
        event_id=ctx.source_event_id,
        created_at=ctx.now,
        updated_at=ctx.now,
    )
    ctx.db.add(req)
    ctx.db.flush()
    ctx.audit(
        "create",
        "budget_request",
        req.id,
        number=req.number,
        envelope=env.id,
        amount=cents,
        message=message,
    )
    _post_request(ctx, env, req, "budget.request_saved")


def _reland_known(
    ctx: Context, env: BudgetEnvelope, changed: BudgetRequest
) -> Callable[[], None] | None:
    """When ``_own_request`` read the envelope's requests along with the sender's (a landing
    is applied to it), land them again with ``changed`` no longer validated, without reading
    them again: its new amounts are written with ``changed`` in one statement, and the
    returned function says so (``landing.reland``; None: they were not read)."""
    states = _states_known.get(ctx, {}).pop(_id(env), None)
    if states is None:
        return None
    validated = {}
    for req, state in states:
        if req is changed:  # its validations were just dropped
            state = RequestState(env.validations_needed <= 0, False, 0, state.questions)
        if state.validated:
            validated[_id(req)] = req
    tell = landing.regrant(ctx, env, validated)
    # one statement for every changed request: each sets the same columns
    for req in [changed, *validated.values()]:
        if req is changed or req in ctx.db.dirty:
            for name in ("amount", "message", "granted", "consent_from", "updated_at"):
                flag_modified(req, name)
    return tell or (lambda: None)


def _validation_row(v: Any) -> dict[str, object]:
    return {
        "id": v.id,
        "user_id": v.user_id,
        "by_admin": v.by_admin,
        "event_id": v.event_id,
        "created_at": instant(v.created_at),
    }


def _edited_request(ctx: Context) -> BudgetRequest | None:
    """For an edit: the request its message made, changed or withdrew (whatever its state now),
    if it acted on one: the edit stays on that request."""
    if ctx.edit_of is None:
        return None
    made = _request_with_envelope(ctx, BudgetRequest.event_id == ctx.source_event_id)
    if made is not None:
        return made[0]
    acted = ctx.db.exec(
        select(Audit)
        .where(
            Audit.event_id == ctx.source_event_id,
            Audit.object_kind == "budget_request",
            col(Audit.action).in_(("update", "withdraw")),
        )
        .order_by(col(Audit.id).desc())
    ).first()
    return ctx.db.get(BudgetRequest, int(acted.object_id)) if acted is not None else None


def _own_request(ctx: Context, env: BudgetEnvelope) -> BudgetRequest | None:
    """The sender's active request in ``env`` (a new ``!demande`` changes it), in one query
    with what the command reads next: the request's answers (``request_life``), the sender's
    minutes in the envelope (``_post_request``), the sender's request in the envelope just
    before (``rates.check_growth``, when ``_envelopes`` said which it is) and, when a landing
    is applied to ``env``, every active request of it with its validations (``landing``)."""
    kept = ctx.read_ahead(("before", env.id))
    before = kept[0] if kept is not None else None
    landed = env.landing is not None and env.state == "open"
    answers, other = _request_counts(BudgetRequest)
    in_envelope, given_back = _envelope_counts(env)
    votes, by_admin, questions = _vote_counts()
    minutes = (
        select(func.coalesce(func.sum(Contribution.minutes), 0))
        .where(
            Contribution.room_id == env.room_id,
            Contribution.project_id == env.project_id,
            Contribution.user_id == ctx.sender,
            Contribution.day >= env.start,
            Contribution.day < env.end,
        )
        .scalar_subquery()
    )
    envs = [_id(env)] + ([_id(before)] if before is not None else [])
    whose: Any = col(BudgetRequest.user_id) == ctx.sender
    if landed:
        whose = or_(whose, col(BudgetRequest.envelope_id) == env.id)
    rows = ctx.db.execute(
        sa_select(
            col(BudgetEnvelope.id),
            BudgetRequest,
            answers,
            other,
            in_envelope,
            given_back,
            votes,
            by_admin,
            questions,
            minutes,
        )
        .select_from(BudgetEnvelope)
        .outerjoin(
            BudgetRequest,
            and_(
                col(BudgetRequest.envelope_id) == col(BudgetEnvelope.id),
                col(BudgetRequest.state) == "active",
                whose,
            ),
        )
        .where(col(BudgetEnvelope.id).in_(envs))
        .order_by(col(BudgetRequest.id))
    ).all()
    mine = previous = None
    states: list[tuple[BudgetRequest, RequestState]] = []
    for env_id, req, answered, another, requests, gifts, n, admins, asked, logged in rows:
        if env_id == env.id:
            _request_minutes_known.setdefault(ctx, {})[(env_id, ctx.sender)] = int(logged)
        if req is None:
            continue
        if env_id != env.id:
            previous = previous or req
            continue
        if req.user_id == ctx.sender and mine is None:
            mine = req
            ctx.keep_ahead(("request", req.id), (answered, another, requests, gifts))
        if landed:
            needed = env.validations_needed
            states.append(
                (req, RequestState(admins > 0 or n >= needed, admins > 0, int(n), int(asked)))
            )
    if landed:
        _states_known.setdefault(ctx, {})[_id(env)] = states
    if kept is not None:
        growth = None
        if previous is not None and before is not None:
            growth = (previous.amount, before.start, before.end, before.period_kind)
        ctx.keep_ahead(("growth", env.id, ctx.sender), (growth,))
    return mine


# what ``_own_request`` read along with the sender's request, for the rest of the command
_request_minutes_known: WeakKeyDictionary[Context, dict[tuple[int, str], int]] = WeakKeyDictionary()
_states_known: WeakKeyDictionary[Context, dict[int, list[tuple[BudgetRequest, RequestState]]]] = (
    WeakKeyDictionary()
)


def _vote_counts() -> tuple[Any, Any, Any]:
    """A request's validations, those by an admin and its questions, counted (scalar
    subqueries correlated to the request table of the query they are in)."""
    votes = (
        select(func.count())
        .where(col(BudgetValidation.request_id) == col(BudgetRequest.id))
        .correlate(BudgetRequest)
        .scalar_subquery()
    )
    by_admin = (
        select(func.count())
        .where(
            col(BudgetValidation.request_id) == col(BudgetRequest.id),
            col(BudgetValidation.by_admin).is_(True),
        )
        .correlate(BudgetRequest)
        .scalar_subquery()
    )
    questions = (
        select(func.count())
        .where(col(BudgetQuestion.request_id) == col(BudgetRequest.id))
        .correlate(BudgetRequest)
        .scalar_subquery()
    )
    return votes, by_admin, questions


def _withdraw(ctx: Context, req: BudgetRequest, env: BudgetEnvelope) -> None:
    require(
        ctx, life.request_step(request_life(ctx, req, env), act(Act.WITHDRAW), actor(ctx), ctx.now)
    )
    before = instant(req.updated_at)
    req.state = "withdrawn"
    req.updated_at = ctx.now
    ctx.audit("withdraw", "budget_request", req.id, amount=req.amount, updated_at=before)


def _post_request(ctx: Context, env: BudgetEnvelope, req: BudgetRequest, key: str) -> None:
    minutes = _request_minutes_known.get(ctx, {}).pop((_id(env), req.user_id), None)
    if minutes is None:
        minutes = _request_minutes(ctx.db, env, req.user_id)
    ctx.reply(
        ctx.t(
            key,
            id=req.number,
            who=ctx.name(req.user_id),
            amount=ctx.money(req.amount),
            envelope=_label(ctx, env),
            hours=format_hours(minutes, ctx.lang),
            rate=_rate(req.amount, minutes, ctx.lang, env.currency),
            message="\n" + ctx.t("budget.quoted", text=req.message) if req.message else "",
            n=env.validations_needed,
            prefix=ctx.settings.prefix,
        )
        + consent.request_note(ctx, env, req)
        + rates.request_note(ctx, env, req, minutes),
        ref=("request", req.id),
    )


def _load_request(ctx: Context, token: str) -> tuple[BudgetRequest, BudgetEnvelope]:
    p = ctx.settings.prefix
    arg = token.strip().lstrip("#")
    number = read_number(arg)
    if number is None:
        raise UserError("budget.error.bad_request_id", token=token, prefix=p)
    found = (
        _request_with_envelope(
            ctx, BudgetRequest.room_id == ctx.room.id, BudgetRequest.number == number
        )
        if 0 < number < LARGEST
        else None
    )
    if found is None or found[0].state != "active":
        raise UserError("budget.error.no_such_request", id=arg, prefix=p)
    return found


def _request_with_envelope(
    ctx: Context, *where: Any
) -> tuple[BudgetRequest, BudgetEnvelope] | None:
    """The request that ``where`` finds and its envelope, in one query, with the envelope's
    project and what their lives count (``request_life``, ``envelope_life``)."""
    answers, other = _request_counts(BudgetRequest)
    requests, gifts = _envelope_counts(BudgetEnvelope)
    guided = rates.guides_exist(ctx.room.id, BudgetEnvelope.project_id).label("guided")
    row = ctx.db.execute(
        sa_select(BudgetRequest, BudgetEnvelope, Project, answers, other, requests, gifts, guided)
        .join(BudgetEnvelope, col(BudgetEnvelope.id) == col(BudgetRequest.envelope_id))
        .join(Project, col(Project.id) == col(BudgetEnvelope.project_id))
        .where(*where)
    ).first()
    if row is None:
        return None
    req, env, project, answered, another, in_envelope, given_back, has_guide = row
    if not has_guide:
        rates.none_for(ctx, env.project_id)
    ctx.db.info.setdefault("keep", []).extend((req, env))  # the session only holds them weakly
    ctx.db.info.setdefault("budget_projects", {})[project.id] = project
    ctx.keep_ahead(("request", req.id), (answered, another, in_envelope, given_back))
    ctx.keep_ahead(("envelope", env.id), (in_envelope, given_back))
    return req, env


def question_command(ctx: Context, args: str) -> None:
    words = args.strip().split(maxsplit=1)
    if not words:
        raise UserError("budget.error.question_usage", prefix=ctx.settings.prefix)
    req, env = _load_request(ctx, words[0])
    said = fold(words[1].strip()) if len(words) > 1 else ""
    if said in consent.LIFT_WORDS:
        consent.lift(ctx, req, env)
        return
    if said in consent.SETTLE_WORDS:
        consent.settle(ctx, req, env)
        return
    _question(ctx, req, env, words[1] if len(words) > 1 else "")


def _question(ctx: Context, req: BudgetRequest, env: BudgetEnvelope, text: str) -> None:
    require(
        ctx,
        life.answer_step(
            life.Answer(ABSENT, envelope_life(ctx, env)), act(Act.CREATE), actor(ctx), ctx.now
        ),
    )
    q = BudgetQuestion(
        request_id=_id(req),
        user_id=ctx.sender,
        text=text,
        event_id=ctx.source_event_id,
        created_at=ctx.now,
    )
    ctx.db.add(q)
    ctx.db.flush()
    ctx.audit("question", "budget_request", req.id, text=text)
    # the request's author and the envelope's creator are told (each named by their id: an
    # adapter shows a mention), unless they asked the question themselves
    told = [u for u in dict.fromkeys((req.user_id, env.created_by)) if u != ctx.sender]
    ctx.reply(
        ctx.t(
            "budget.questioned" if told else "budget.questioned_quiet",
            who=ctx.name(ctx.sender),
            id=req.number,
            author=ctx.name(req.user_id),
            amount=ctx.money(req.amount),
            why=ctx.t("budget.why", text=text) if text else ctx.t("budget.no_why"),
            told=", ".join(told),
            project=_project(ctx.db, env).code,
            prefix=ctx.settings.prefix,
        )
        + consent.question_note(ctx, env, req),
        mentions=told,
    )


def validate_command(ctx: Context, args: str) -> None:
    words = args.strip().split()
    if not words:
        raise UserError("budget.error.validate_usage", prefix=ctx.settings.prefix)
    req, env = _load_request(ctx, words[0])
    if req.user_id == ctx.sender:
        raise UserError("budget.error.own_request")
    before = request_state(ctx.db, env, req, ctx.sender)
    if before.mine:
        raise UserError("budget.error.already_validated", id=req.number)
    _validate(ctx, req, env, before)


def _validation(ctx: Context, req: BudgetRequest) -> BudgetValidation | None:
    return ctx.db.exec(
        select(BudgetValidation).where(
            BudgetValidation.request_id == req.id, BudgetValidation.user_id == ctx.sender
        )
    ).first()


def _validate(ctx: Context, req: BudgetRequest, env: BudgetEnvelope, before: RequestState) -> None:
    """The sender validates ``req`` (``before``: where it stood)."""
    require(
        ctx,
        life.answer_step(
            life.Answer(ABSENT, envelope_life(ctx, env)), act(Act.CREATE), actor(ctx), ctx.now
        ),
    )
    ctx.db.add(
        BudgetValidation(
            request_id=_id(req),
            user_id=ctx.sender,
            by_admin=ctx.is_admin,
            event_id=ctx.source_event_id,
            created_at=ctx.now,
        )
    )
    ctx.db.flush()
    ctx.audit("validate", "budget_request", req.id, by_admin=ctx.is_admin)
    st = _one_more(env, before, ctx.is_admin)
    key = "budget.validated" if st.validated else "budget.vote"
    ctx.reply(
        ctx.t(
            key,
            id=req.number,
            who=ctx.name(ctx.sender),
            author=ctx.name(req.user_id),
            amount=ctx.money(req.amount),
            votes=st.votes,
            needed=env.validations_needed,
        )
    )
    landing.reland(ctx, env)


def on_request_reaction(ctx: Context, target: BotMessage, key: str) -> bool:
    if target.ref_id is None or not target.ref_id.isdigit():
        return False
    clean = key.replace("\ufe0f", "")
    if len(target.ref_id) > 18:
        return False
    found = _request_with_envelope(ctx, BudgetRequest.id == int(target.ref_id))
    if found is None or found[0].state != "active":
        return False
    req, env = found
    if clean in QUESTION_KEYS:
        _question(ctx, req, env, "")
        return True
    if clean in VALIDATE_KEYS:
        if req.user_id == ctx.sender:
            return False
        before = request_state(ctx.db, env, req, ctx.sender)
        if before.mine:
            return False
        _validate(ctx, req, env, before)
        return True
    return False


# --------------------------------------------------------------------------- settling


def prorata_command(ctx: Context, project: Project, tokens: list[str]) -> None:
    period, _ = _take_period(ctx, tokens)
    env = pick_envelope(ctx, project, period, open_only=True)
    _require_admin(ctx, "prorata", env)
    if env.mode != LIBRE:
        raise UserError("budget.error.libre_only", project=project.code)
    landing.apply(ctx, env, Option(PRORATA))


def agree_command(ctx: Context, project: Project, tokens: list[str]) -> None:
    p = ctx.settings.prefix
    if len(tokens) < 2:
        _require_admin(ctx, "accord")
        raise UserError("budget.error.agree_usage", project=project.code, prefix=p)
    req, env = _load_request(ctx, tokens[0])
    _require_admin(ctx, "accord", env)
    named = sources.chosen(project)
    if (
        env.project_id != project.id
        or env.state != "open"
        or (named is not None and named.id != env.id)
    ):
        raise UserError("budget.error.no_such_request", id=req.number, prefix=p)
    cents, _ = _amount(ctx, tokens, 1, "budget.error.agree_usage_short")
    require(
        ctx,
        life.agreement_step(
            life.Agreement(ABSENT, envelope_life(ctx, env)),
            act(Act.CREATE),
            actor(ctx, env),
            ctx.now,
        ),
    )
    before, updated = req.granted, req.updated_at
    req.granted = cents
    req.updated_at = ctx.now
    was = landing.forget(env)  # an amount agreed by hand: the landing is no longer followed
    if _validation(ctx, req) is None and req.user_id != ctx.sender:
        ctx.db.add(
            BudgetValidation(
                request_id=_id(req),
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


def _require_admin(ctx: Context, word: str, env: BudgetEnvelope | None = None) -> None:
    """Admins only (and ``env``'s owner); ``word`` names the action when the event is no
    command (a deletion)."""
    if not sources.settles(ctx, env):
        command = ctx.typed_command(2) or f"{ctx.settings.prefix}budget … {word}"
        raise UserError("core.admin_only", command=command)


# --------------------------------------------------------------------------- closing


def close_command(ctx: Context, project: Project, tokens: list[str]) -> None:
    p = ctx.settings.prefix
    period, _ = _take_period(ctx, tokens)
    env = pick_envelope(ctx, project, period, open_only=True)
    _require_admin(ctx, "clore", env)
    require(
        ctx, life.envelope_step(envelope_life(ctx, env), act(Act.CLOSE), actor(ctx, env), ctx.now)
    )
    rows: list[Row] = []
    unpaid: list[int] = []  # the requests not validated, so not paid
    commons = 0
    if env.mode == PROPORTIONAL:
        view = proportional_view(ctx.db, env)
        if not view.rows:
            raise UserError(
                "budget.error.no_contributions",
                project=project.code,
                period=period_label(ctx, envelope_period(env)),
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
        found = requests_with_states(ctx.db, [env])
        hours = minutes_by_person(ctx.db, env)
        for req, st in found:
            minutes = hours.get(req.user_id, 0)
            if not st.validated:
                unpaid.append(_id(req))
                continue
            paid = req.granted if req.granted is not None else req.amount
            note = ctx.t("budget.note.request", id=req.number, asked=ctx.money(req.amount))
            rows.append(Row(req.user_id, minutes, paid, 0, paid, False, note))
        total = sum(r.amount for r in rows)
        if total > env.amount:
            raise UserError(
                "budget.error.close_over",
                total=ctx.money(total),
                amount=ctx.money(env.amount),
                project=project.code,
                prefix=p,
            )
        if not rows:
            raise UserError("budget.error.close_nothing", project=project.code, prefix=p)
        remainder = env.amount - total
    ctx.db.connection().execute(
        insert(BudgetShare.__table__),  # type: ignore[attr-defined]
        [
            {
                "envelope_id": _id(env),
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
    defer(ctx, CLOSED, {"envelope": _id(env), "unpaid": unpaid}, then=then)


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
            text=lines(s.t("budget.closed_now", envelope=_label(s, env)), show_envelope(s, env))
        )
    )
    said.append(budget_csv(s))
    return replace(said[0], more=said[1:])


def csv_command(ctx: Context, project: Project, tokens: list[str]) -> None:
    period, _ = _take_period(ctx, tokens)
    env = pick_envelope(ctx, project, period)
    if env.state != "closed":
        raise UserError(
            "budget.error.csv_open", envelope=_label(ctx, env), prefix=ctx.settings.prefix
        )
    _send_csv(ctx, env)


def csv_rows(ctx: RoomTexts, env: BudgetEnvelope) -> tuple[list[str], list[list[object]]]:
    header = [
        ctx.t(f"budget.csv.{c}") for c in ("person", "user", "hours", "amount", "currency", "rules")
    ]
    rules = rules_text(ctx.lang, env)
    rows: list[list[object]] = []
    frozen = _frozen_view(ctx.db, env).rows
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


CLOSED = "budget_closed"  # the render job of ``!budget X clore``: its answers and CSV file
BUDGET_CSV = "budget:csv"


def _send_csv(ctx: Context, env: BudgetEnvelope) -> None:
    """The frozen split as a CSV file, written after this transaction (commands.deferred)."""
    defer(ctx, BUDGET_CSV, {"envelope": _id(env)}, file=True)


def budget_csv(scope: RenderScope) -> Rendered:
    env = scope.db.get(BudgetEnvelope, int(scope.params["envelope"]))
    if env is None:
        raise LookupError("the envelope is gone")
    header, rows = csv_rows(scope, env)
    code = _project(scope.db, env).code
    return Rendered(
        text=scope.t("budget.csv_caption", envelope=_label(scope, env), count=len(rows)),
        file_name=f"budget-{code}-{env.start.isoformat()}.csv",
        mime="text/csv",
        data=csv_bytes(header, rows, scope.lang),
    )


def consent_command(ctx: Context, project: Project, tokens: list[str]) -> None:
    """``!budget KPA consentement 5j`` / ``consentement non`` (admins)."""
    _require_admin(ctx, "consentement")
    period, others = _take_period(ctx, tokens)
    env = pick_envelope(ctx, project, period, open_only=True)
    consent.setting(ctx, env, _label(ctx, env), others)


_ACTIONS = {
    **dict.fromkeys(GIVE_WORDS, give_back_command),
    **dict.fromkeys(DECLINE_WORDS, decline_command),
    **dict.fromkeys(CLOSE_WORDS, close_command),
    **dict.fromkeys(CSV_WORDS, csv_command),
    **dict.fromkeys(PRORATA_WORDS, prorata_command),
    **dict.fromkeys(AGREE_WORDS, agree_command),
    **dict.fromkeys(landing.LANDING_WORDS, landing.landing_command),
}


# --------------------------------------------------------------------------- undo


def undo_by_event(ctx: Context, target_event_id: str) -> bool:
    """A message or reaction that changed a budget was removed (or the message edited into plain
    text): undo exactly that change, or say why it cannot be undone. What an admin's command did
    (an envelope, an agreed amount) is undone by an admin only."""
    db = ctx.db
    removed = db.get(ChatEvent, target_event_id)
    if removed is not None and removed.kind == ReactionAdded.__name__:
        # a reaction only ever validates or questions a request
        return _undo_reaction(ctx, target_event_id)
    if consent.undo_by_event(ctx, target_event_id) or sources.undo_by_event(ctx, target_event_id):
        return True
    if vote.undo_by_event(ctx, target_event_id):
        return True
    changes = db.exec(
        select(Audit)
        .where(
            Audit.event_id == target_event_id,
            Audit.room_id == ctx.room.id,
            col(Audit.object_kind).in_(("budget_request", "budget_envelope")),
            col(Audit.action).in_(("agree", "prorata", "land", "update", "withdraw", "revise")),
        )
        .order_by(col(Audit.id))
    ).all()
    made = db.exec(select(BudgetRequest).where(BudgetRequest.event_id == target_event_id)).first()
    for change in changes:
        if change.action == "agree":
            return _undo_agreement(ctx, change)
        if change.action in ("prorata", "land"):
            return landing.undo_apply(ctx, change)
        if change.action == "revise":
            return landing.undo_revision(ctx, [c for c in changes if c.action == "revise"])
        if made is None and change.action == "update":
            return _undo_update(ctx, [c for c in changes if c.action == "update"])
        if made is None and change.action == "withdraw":
            return _undo_withdrawal(ctx, change)
    if _undo_reaction(ctx, target_event_id):
        return True
    if made is not None:
        _, env = _request_of(ctx, _id(made))
        state = request_life(ctx, made, env, unchanged=not _changed_by_others(ctx, made))
        require(ctx, life.request_step(state, undo(Act.CREATE), actor(ctx), ctx.now))
        ctx.audit("delete", "budget_request", made.id, number=made.number, amount=made.amount)
        db.delete(made)
        db.flush()
        tell_undo(
            ctx, ctx.t("lifecycle.request.removed", id=made.number, who=ctx.name(made.user_id))
        )
        return True
    gift = db.exec(select(BudgetGiveBack).where(BudgetGiveBack.event_id == target_event_id)).first()
    if gift is not None:
        given_in = db.get(BudgetEnvelope, gift.envelope_id)
        assert given_in is not None
        _undo_answer(ctx, given_in)
        db.delete(gift)
        db.flush()
        ctx.audit("undo_give_back", "budget_envelope", gift.envelope_id, user=gift.user_id)
        tell_undo(
            ctx, ctx.t("budget.give_back_undone", cause=ctx.removal(), who=ctx.name(gift.user_id))
        )
        return True
    created = db.exec(
        select(BudgetEnvelope).where(BudgetEnvelope.event_id == target_event_id)
    ).first()
    if created is not None:
        held = replace(envelope_life(ctx, created), sources=sources.topups(ctx, created))
        require(ctx, life.envelope_step(held, undo(Act.CREATE), actor(ctx), ctx.now))
        label = _label(ctx, created)
        sources.forget_envelope(ctx, created)
        ctx.audit(
            "delete", "budget_envelope", created.id, amount=created.amount, start=created.start
        )
        db.delete(created)
        db.flush()
        tell_undo(ctx, ctx.t("budget.deleted", cause=ctx.removal(), envelope=label))
        return True
    closed = db.exec(
        select(BudgetEnvelope).where(BudgetEnvelope.close_event_id == target_event_id)
    ).first()
    if closed is not None:
        require(
            ctx,
            life.envelope_step(envelope_life(ctx, closed), undo(Act.CLOSE), actor(ctx), ctx.now),
        )
    return False


def _answer_with_request(ctx: Context, model: Any, event_id: str) -> tuple[Any, Any, Any] | None:
    """The validation or question (``model``) that ``event_id`` made, its request and its
    envelope, in one query, with the envelope's project and counts (``envelope_life``)."""
    requests, gifts = _envelope_counts(BudgetEnvelope)
    row = ctx.db.execute(
        sa_select(model, BudgetRequest, BudgetEnvelope, Project, requests, gifts)
        .join(BudgetRequest, col(BudgetRequest.id) == model.request_id)
        .join(BudgetEnvelope, col(BudgetEnvelope.id) == col(BudgetRequest.envelope_id))
        .join(Project, col(Project.id) == col(BudgetEnvelope.project_id))
        .where(model.event_id == event_id)
    ).first()
    if row is None:
        return None
    answer, req, env, project, in_envelope, given_back = row
    ctx.db.info.setdefault("keep", []).extend((answer, req, env))
    ctx.db.info.setdefault("budget_projects", {})[project.id] = project
    ctx.keep_ahead(("envelope", env.id), (in_envelope, given_back))
    return answer, req, env


def _undo_reaction(ctx: Context, target_event_id: str) -> bool:
    """Undo the validation or question that ``target_event_id`` made (a reaction, or a
    command)."""
    db = ctx.db
    found = _answer_with_request(ctx, BudgetValidation, target_event_id)
    if found is not None:
        validation, req, env = found
        _undo_answer(ctx, env)
        db.delete(validation)
        db.flush()
        ctx.audit("unvalidate", "budget_request", req.id, user=validation.user_id)
        st = request_state(db, env, req)
        tell_undo(
            ctx,
            ctx.t(
                "budget.unvalidated",
                id=req.number,
                who=ctx.name(validation.user_id),
                votes=st.votes,
                needed=env.validations_needed,
                state=ctx.t(
                    "budget.req_state.validated"
                    if st.validated
                    else "budget.req_state.not_validated"
                ),
            ),
        )
        landing.reland(ctx, env)
        return True
    found = _answer_with_request(ctx, BudgetQuestion, target_event_id)
    if found is not None:
        question, req, env = found
        _undo_answer(ctx, env)
        db.delete(question)
        db.flush()
        ctx.audit("unquestion", "budget_request", req.id, user=question.user_id)
        tell_undo(ctx, ctx.t("budget.unquestioned", id=req.number, who=ctx.name(question.user_id)))
        return True
    return False


def kept_by_event(ctx: Context, event_id: str) -> str | None:
    """What the message ``event_id`` created here, in one sentence (a refused edit of it
    leaves it as it was)."""
    req = ctx.db.exec(select(BudgetRequest).where(BudgetRequest.event_id == event_id)).first()
    if req is not None and req.state == "active":
        return ctx.t("budget.kept_request", id=req.number, amount=ctx.money(req.amount))
    env = ctx.db.exec(select(BudgetEnvelope).where(BudgetEnvelope.event_id == event_id)).first()
    if env is not None:
        return ctx.t("budget.kept_envelope", id=env.number, envelope=_label(ctx, env))
    return None


def _request_of(ctx: Context, request_id: int) -> tuple[BudgetRequest, BudgetEnvelope]:
    req = ctx.db.get(BudgetRequest, request_id)
    env = ctx.db.get(BudgetEnvelope, req.envelope_id) if req is not None else None
    if req is None or env is None:  # gone since
        raise UserError("lifecycle.changed_since", prefix=ctx.settings.prefix)
    return req, env


def _undo_answer(ctx: Context, env: BudgetEnvelope) -> None:
    """A validation, question or give-back is withdrawn: not in a closed envelope."""
    require(
        ctx,
        life.answer_step(
            life.Answer(life.GIVEN, envelope_life(ctx, env)), undo(Act.CREATE), actor(ctx), ctx.now
        ),
    )


def _later_change(ctx: Context, change: Audit, req: BudgetRequest) -> bool:
    """Whether another event did something to ``req`` after ``change`` (a validation, a
    question, an agreement, another update...)."""
    later = ctx.db.exec(
        select(Audit.id).where(
            Audit.object_kind == "budget_request",
            Audit.object_id == str(req.id),
            col(Audit.id) > change.id,
            Audit.event_id != change.event_id,
        )
    ).first()
    return later is not None


def _undo_agreement(ctx: Context, agreed: Audit) -> bool:
    """``!budget KPA accord 3 80€`` was deleted: the amount agreed before it comes back, and so
    does the admin's validation it gave (unless a later decision changed the amount since)."""
    db = ctx.db
    req, env = _request_of(ctx, int(agreed.object_id))
    after = agreed.details.get("after")
    require(
        ctx,
        life.agreement_step(
            life.Agreement(life.GIVEN, envelope_life(ctx, env), unchanged=req.granted == after),
            undo(Act.CREATE),
            actor(ctx, env),
            ctx.now,
        ),
    )
    given = db.exec(
        select(BudgetValidation).where(BudgetValidation.event_id == agreed.event_id)
    ).first()
    req.granted = agreed.details.get("before")
    if agreed.details.get("updated_at"):
        req.updated_at = dt.datetime.fromisoformat(str(agreed.details["updated_at"]))
    if given is not None:
        db.delete(given)
    db.flush()
    ctx.audit("unagree", "budget_request", req.id, restored=req.granted)
    landing_was = agreed.details.get("was") or {}
    st = request_state(db, env, req)
    tell_undo(
        ctx,
        ctx.t(
            "budget.unagreed",
            id=req.number,
            author=ctx.name(req.user_id),
            amount=ctx.money(req.granted if req.granted is not None else req.amount),
            votes=st.votes,
            needed=env.validations_needed,
            state=ctx.t(
                "budget.req_state.validated" if st.validated else "budget.req_state.not_validated"
            ),
        ),
    )
    landing.restore(ctx, env, landing_was)
    return True


def _undo_update(ctx: Context, changes: list[Audit]) -> bool:
    """A second ``!demande`` changed a request (and its edits, again); that message was deleted:
    the request is as it was before it (amount, message, agreed amount, the validations it
    dropped), unless something else changed it since."""
    change, last = changes[0], changes[-1]
    req, env = _request_of(ctx, int(change.object_id))
    after = last.details.get("after") or {}
    unchanged = (
        req.amount == after.get("amount")
        and req.message == after.get("message")
        and req.granted is None
        and not _later_change(ctx, change, req)
    )
    require(
        ctx,
        life.request_step(
            request_life(ctx, req, env, unchanged=unchanged), undo(Act.EDIT), actor(ctx), ctx.now
        ),
    )
    before = change.details.get("before") or {}
    req.amount, req.message = int(before["amount"]), str(before["message"])
    granted = before.get("granted")
    req.granted = None if granted is None else int(granted)
    req.updated_at = dt.datetime.fromisoformat(str(before["updated_at"]))
    consent.restore(req, before)
    for v in [v for c in changes for v in c.details.get("dropped") or []]:
        ctx.db.add(
            BudgetValidation(
                id=int(v["id"]),
                request_id=_id(req),
                user_id=str(v["user_id"]),
                by_admin=bool(v["by_admin"]),
                event_id=str(v["event_id"]),
                created_at=dt.datetime.fromisoformat(str(v["created_at"])),
            )
        )
    ctx.db.flush()
    ctx.audit("unupdate", "budget_request", req.id, restored=before, undid=change.event_id)
    tell_undo(
        ctx,
        ctx.t(
            "lifecycle.request.restored",
            id=req.number,
            who=ctx.name(req.user_id),
            amount=ctx.money(req.amount),
        ),
    )
    landing.reland(ctx, env)
    return True


def _undo_withdrawal(ctx: Context, change: Audit) -> bool:
    """``!demande KPA retirer`` was deleted: the request is active again, unless its author
    made another one since."""
    req, env = _request_of(ctx, int(change.object_id))
    require(
        ctx, life.request_step(request_life(ctx, req, env), undo(Act.WITHDRAW), actor(ctx), ctx.now)
    )
    req.state = "active"
    if change.details.get("updated_at"):
        req.updated_at = dt.datetime.fromisoformat(str(change.details["updated_at"]))
    ctx.db.flush()
    ctx.audit("unwithdraw", "budget_request", req.id)
    tell_undo(
        ctx,
        ctx.t(
            "lifecycle.request.restored",
            id=req.number,
            who=ctx.name(req.user_id),
            amount=ctx.money(req.amount),
        ),
    )
    landing.reland(ctx, env)
    return True


# --------------------------------------------------------------------------- contributions


def on_contribution_change(ctx: Context, touched: list[tuple[int | None, dt.date]]) -> None:
    """A contribution in a closed envelope's project and period was logged, changed or removed:
    say that the frozen split stays as it is."""
    seen: set[int] = set()
    closed = _closed_envelopes(ctx)
    for project_id, day in touched:
        if project_id is None:
            continue
        for env in closed:
            if env.project_id == project_id and env.start <= day < env.end and env.id not in seen:
                seen.add(_id(env))
                ctx.reply(ctx.t("budget.closed_notice", envelope=_label(ctx, env)))


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
        project = _project(scope.db, env)
        code = project.code + (f" · {env.label}" if env.label else "")
        period = _recap_period(scope.room, env)
        if env.mode == PROPORTIONAL:
            view = proportional_view(scope.db, env)
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
            found = requests_with_states(scope.db, [env])
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
