"""The budget family's commands, declared (``!budget``, ``!budgets``, ``!demande``,
``!question``, ``!valider``), the reactions to a request's card, and the undo hook that runs for
the events they handled (the dispatcher runs a module's undo hooks for the events of that
module's handlers: they stay together here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlmodel import col, select

from commands.args import (
    Choice,
    EnvelopeRef,
    Money,
    Number,
    PeriodArg,
    Taken,
    Text,
    Token,
    Words,
)
from commands.budget import (
    answers,
    common,
    envelope_refs,
    envelopes,
    landing_view,
    objections,
    queries,
    requests,
    revision,
    settle,
    sources,
    tables,
    undo_events,
    vote_rules,
)
from commands.budget.terms import TERMS
from commands.contrib import period_label
from commands.core import Context, UserError
from commands.declare import Arg, Declared
from commands.grammar import Amount, Period, fold, match_amount
from commands.render import lines, table
from storage.models import (
    BotMessage,
    BudgetEnvelope,
    BudgetRequest,
    Project,
)
from storage.queries import room_projects

FAMILY = "budget"
QUESTION_KEYS = ("❓", "❔")
VALIDATE_KEYS = ("✅", "✔", "☑")


# --------------------------------------------------------------------------- !budget


BUDGET = Declared("budget", family=FAMILY)
REQUEST = Declared(
    "demande",
    family=FAMILY,
    editable=True,
    refusal="budget.error.request_usage",
)
BUDGETS = Declared("budgets", family=FAMILY)
QUESTION = Declared("question", family=FAMILY, refusal="budget.error.question_usage")
VALIDATE = Declared("valider", family=FAMILY, refusal="budget.error.validate_usage")
_REQUEST = Arg("token", Token(), shown="request")
_ENVELOPE = Arg("ref", EnvelopeRef())
Ref = tuple[Project, BudgetEnvelope | None]


@BUDGET.sub("list", path=())
@BUDGETS.sub("list", path=())
def list_envelopes(ctx: Context) -> None:
    envs = ctx.db.exec(
        select(BudgetEnvelope)
        .where(BudgetEnvelope.room_id == ctx.room.id)
        .order_by(col(BudgetEnvelope.start).desc())
    ).all()
    if not envs:
        ctx.reply(ctx.t("budget.none", prefix=ctx.settings.prefix))
        return
    codes = {p.id: p.code for p in room_projects(ctx.db, ctx.room.id)}
    left = tables.envelopes_left(ctx.db, list(envs))
    rows = [
        [
            f"#{e.number}",
            codes.get(e.project_id, "?") + (f" · {e.label}" if e.label else ""),
            period_label(ctx, common.envelope_period(e)),
            ctx.t(f"budget.mode.{e.mode}"),
            ctx.money(e.amount),
            ctx.t(f"budget.state.{e.state}"),
            ctx.money(left[common._id(e)]),
        ]
        for e in envs
    ]
    headers = ["#"] + [
        ctx.t(f"budget.col.{c}") for c in ("project", "period", "mode", "amount", "state", "left")
    ]
    ctx.reply(
        lines(ctx.t("budget.list_title", count=len(envs)), table(headers, rows, align="llllrlr"))
    )


@BUDGET.sub("show", _ENVELOPE, Arg("period", PeriodArg(), optional=True), path=())
def show_envelope(ctx: Context, ref: Ref, period: Period | None) -> None:
    with envelope_refs.choosing(ref[1]):
        ctx.reply(tables.show_envelope(ctx, envelopes.pick_envelope(ctx, ref[0], period)))


# what each subcommand's own reader reads after its word, as usage shows it
_SHOWN = {
    "source": "source_terms",
    "owner": "person",
    "consent": "days",
    "give": "give_share",
    "agree": "agree_terms",
    "landing": "landing_terms",
}


def _then(word: str) -> tuple[Arg, Arg]:
    """A subcommand's ``word`` after the envelope, then the words its own reader reads (and
    refuses with its own answers)."""
    rest = Arg("rest", Words(), optional=True, shown=_SHOWN.get(word, "more"))
    return Arg("word", Choice(f"sub.budget.{word}")), rest


@BUDGET.sub("source", _ENVELOPE, *_then("source"), path=())
def add_source(ctx: Context, ref: Ref, word: str, rest: list[str] | None) -> None:
    with envelope_refs.choosing(ref[1]):
        sources.source_command(ctx, ref[0], rest or [])


@BUDGET.sub("owner", _ENVELOPE, *_then("owner"), path=())
def set_owner(ctx: Context, ref: Ref, word: str, rest: list[str] | None) -> None:
    with envelope_refs.choosing(ref[1]):
        envelope_refs.owner_command(ctx, ref[0], rest or [])


@BUDGET.sub("consent", _ENVELOPE, *_then("consent"), path=(), admin=True)
def set_consent(ctx: Context, ref: Ref, word: str, rest: list[str] | None) -> None:
    with envelope_refs.choosing(ref[1]):
        envelopes.consent_command(ctx, ref[0], rest or [])


# the subcommands said after the envelope and, perhaps, its period (``!budget KPA octobre
# clore``): their readers get the other words, the period's included
_ACTIONS: dict[str, Callable[[Context, Project, list[str]], None]] = {
    "give": settle.give_back_command,
    "decline": settle.decline_command,
    "prorata": settle.prorata_command,
    "agree": settle.agree_command,
    "landing": landing_view.landing_command,
    "close": settle.close_command,
    "csv": envelopes.csv_command,
}


def _act(
    ctx: Context,
    ref: Ref,
    period: Period | None,
    word: str,
    rest: list[str] | None,
    typed: dict[str, str],
) -> None:
    name = word.rsplit(".", 1)[-1]
    with envelope_refs.choosing(ref[1]):
        if name == "agree":  # its words start with a request's number: the period stays apart
            settle.agree_command(ctx, ref[0], rest or [], period)
            return
        # the reader takes the period again from the words, where it may also follow its word
        _ACTIONS[name](ctx, ref[0], typed["period"].split() + (rest or []))


@dataclass(frozen=True)
class _VoteTerms:
    """The words after ``atterrissage`` when one of them asks for a vote (``vote 3j``,
    ``base 30% vote jusqu'au 15/12``, ``vote annuler``): all of them, as typed."""

    placeholder: str = "vote_terms"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if not any(fold(word) in vote_rules.VOTE_WORDS for word in tokens[start:]):
            return None
        return list(tokens[start:]), len(tokens) - start


# a vote on the landing is for admins; showing or applying one, for admins or the envelope's owner
BUDGET.sub(
    "landing_vote",
    _ENVELOPE,
    Arg("period", PeriodArg(), optional=True),
    Arg("word", Choice("sub.budget.landing")),
    Arg("rest", _VoteTerms()),
    path=(),
    typed=True,
    admin=True,
)(_act)

for _name in _ACTIONS:
    BUDGET.sub(
        _name,
        _ENVELOPE,
        Arg("period", PeriodArg(), optional=True),
        *_then(_name),
        path=(),
        typed=True,
    )(_act)


@BUDGET.sub("create", _ENVELOPE, Arg("terms", TERMS, shown="budget_terms"), path=())
def create_envelope(ctx: Context, ref: Ref, terms: list[str]) -> None:
    """``!budget KPA 2000€ novembre [libre|proportionnel] [plafond 600€] …`` (admins): the
    terms are read once the admin right is checked (``commands.budget.terms``)."""
    period, others = common._take_period(ctx, terms)
    if not others:
        show_envelope(ctx, ref, period)
        return
    if not ctx.is_admin:
        raise UserError("core.admin_only", command=ctx.typed_command())
    if ref[1] is not None:
        raise UserError(
            "budget_sources.error.ref_create", id=ref[1].number, prefix=ctx.settings.prefix
        )
    envelopes.create_envelope(ctx, ref[0], terms)


# --------------------------------------------------------------------------- requests


@dataclass(frozen=True)
class _RequestPeriod:
    """The period of ``!demande KPA novembre 120€``: words that read as an amount are none."""

    placeholder: str = "period"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if start >= len(tokens) or match_amount(tokens, start) is not None:
            return None
        return PeriodArg().take(ctx, tokens, start)


_PERIOD = Arg("period", _RequestPeriod(), optional=True)


@REQUEST.sub(
    "revise",
    Arg("id", Number(minimum=1), shown="request"),
    Arg("word", Choice("sub.demande.revised")),
    Arg("words", Words(), shown="amount", refusal="budget.landing.error.revise_usage"),
    path=(),
)
def revise_request(ctx: Context, id: int, word: str, words: list[str]) -> None:
    """``!demande 3 révisée 60€``: the amount is required (its own refusal names the
    request); ``revision.revise_command`` reads it, one amount and nothing else."""
    revision.revise_command(ctx, [str(id), word, *words])


@REQUEST.sub("withdraw", _ENVELOPE, _PERIOD, Arg("word", Choice("sub.demande.withdraw")), path=())
def withdraw_request(ctx: Context, ref: Ref, period: Period | None, word: str) -> None:
    with envelope_refs.choosing(ref[1]):
        requests._request_command(ctx, ref[0], period, None)


@REQUEST.sub(
    "ask",
    _ENVELOPE,
    _PERIOD,
    Arg("amount", Money()),
    Arg("message", Text(), optional=True),
    path=(),
    typed=True,
)
def request_command(
    ctx: Context,
    ref: Ref,
    period: Period | None,
    amount: Amount,
    message: str | None,
    typed: dict[str, str],
) -> None:
    asked = (amount, typed["amount"], (message or "").strip())
    with envelope_refs.choosing(ref[1]):
        requests._request_command(ctx, ref[0], period, asked)


@QUESTION.sub("lift", _REQUEST, Arg("word", Choice("sub.question.lift")), path=())
def lift_objection(ctx: Context, token: str, word: str) -> None:
    req, env = requests._load_request(ctx, token)
    objections.lift(ctx, req, env)


@QUESTION.sub("settle", _REQUEST, Arg("word", Choice("sub.question.settle")), path=())
def settle_objection(ctx: Context, token: str, word: str) -> None:
    req, env = requests._load_request(ctx, token)
    objections.settle(ctx, req, env)


@QUESTION.sub("ask", _REQUEST, Arg("why", Text(), optional=True), path=())
def question_command(ctx: Context, token: str, why: str | None) -> None:
    req, env = requests._load_request(ctx, token)
    answers._question(ctx, req, env, why or "")


@VALIDATE.sub("validate", _REQUEST, path=())
def validate_command(ctx: Context, token: str) -> None:
    req, env = requests._load_request(ctx, token)
    if req.user_id == ctx.sender:
        raise UserError("budget.error.own_request")
    before = queries.request_state(ctx.db, env, req, ctx.sender)
    if before.mine:
        raise UserError("budget.error.already_validated", id=req.number)
    answers._validate(ctx, req, env, before)


def on_request_reaction(ctx: Context, target: BotMessage, key: str) -> bool:
    if target.ref_id is None or not target.ref_id.isdigit():
        return False
    clean = key.replace("\ufe0f", "")
    if len(target.ref_id) > 18:
        return False
    found = requests._request_with_envelope(ctx, BudgetRequest.id == int(target.ref_id))
    if found is None or found[0].state != "active":
        return False
    req, env = found
    if clean in QUESTION_KEYS:
        answers._question(ctx, req, env, "")
        return True
    if clean in VALIDATE_KEYS:
        if req.user_id == ctx.sender:
            return False
        before = queries.request_state(ctx.db, env, req, ctx.sender)
        if before.mine:
            return False
        answers._validate(ctx, req, env, before)
        return True
    return False


# --------------------------------------------------------------------------- undo


def undo_by_event(ctx: Context, target_event_id: str) -> bool:
    """A message or reaction that changed a budget was removed (or the message edited into plain
    text): undo exactly that change, or say why it cannot be undone
    (``commands.budget.undo_events``). Registered from here, beside the handlers whose events it
    undoes: the dispatcher runs it only for their events."""
    return undo_events.undo_event(ctx, target_event_id)
