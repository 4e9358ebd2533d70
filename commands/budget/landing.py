"""Landing a shortfall in an envelope of *rétribution libre* (``commands.landing`` holds the
rules):

- ``!budget KPA atterrissage [base 40%] [plancher 150€]`` shows the four options side by side,
  with each request's revised amount;
- ``!budget KPA atterrissage appliquer 2`` (or ``prorata``, ``base``, ``mediane``,
  ``plancher``; admins) applies one; ``!budget KPA prorata`` applies the first;
- once applied, every later change of a request (a new amount, a validation, a withdrawal, a new
  validated request, or the undoing of one) lands the validated requests again on the same
  option (``reland``), audited, until the landing is undone or an amount is agreed by hand;
- ``!demande 3 révisée 60€``: the author of request #3 says what now seems fair to them (shown
  beside the request, nothing else changes).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from commands.budget import common, lives, queries, tables, vote_open
from commands.core import Context, RoomTexts, UserError
from commands.deferred import Rendered, RenderScope, defer
from commands.grammar import fold, match_amount, parse_percent
from commands.landing import (
    BASE,
    DEFAULT_BASE_BP,
    DEFAULT_FLOOR,
    FLOOR,
    MEDIAN,
    PRORATA,
    Option,
)
from commands.lifecycle import (
    ABSENT,
    Act,
    act,
    instant,
    require,
    tell_undo,
    undo,
)
from commands.lifecycle import budget as life
from commands.render import lines
from storage.models import Audit, BudgetEnvelope, BudgetRequest, Project

APPLY_WORDS = ("appliquer", "applique", "apply")
BASE_WORDS = ("base", "socle")
FLOOR_WORDS = ("plancher", "floor")
OPTION_WORDS = {
    "1": PRORATA,
    "prorata": PRORATA,
    "pro-rata": PRORATA,
    "2": BASE,
    **dict.fromkeys(BASE_WORDS, BASE),
    "3": MEDIAN,
    "mediane": MEDIAN,
    "median": MEDIAN,
    "4": FLOOR,
    **dict.fromkeys(FLOOR_WORDS, FLOOR),
}


# --------------------------------------------------------------------------- what is landed


def _validated(ctx: Context, env: BudgetEnvelope) -> dict[int, BudgetRequest]:
    """The validated active requests of ``env``, by id, in the order they were made."""
    return {
        common._id(req): req
        for req, st in queries.requests_with_states(ctx.db, [env])
        if st.validated
    }


def _land(
    option: Option, env: BudgetEnvelope, validated: dict[int, BudgetRequest]
) -> dict[int, int]:
    """What ``option`` gives each validated request (ties: the larger request, then the
    earlier one)."""
    return option.shares({rid: r.amount for rid, r in validated.items()}, env.amount)


def option_label(ctx: RoomTexts, option: Option) -> str:
    """``base égale 30 % + prorata`` and the like."""
    param = ""
    if option.name == BASE:
        param = common.percent(option.param or DEFAULT_BASE_BP, ctx.lang)
    elif option.name == FLOOR:
        param = ctx.money(option.param if option.param is not None else DEFAULT_FLOOR)
    return ctx.t(f"budget.landing.option.{option.name}", param=param)


def _who_gets(ctx: Context, validated: dict[int, BudgetRequest], shares: dict[int, int]) -> str:
    ctx.names(r.user_id for r in validated.values())
    return ", ".join(
        f"{ctx.name(validated[rid].user_id)} {ctx.money(c)}" for rid, c in shares.items()
    )


def reland(ctx: Context, env: BudgetEnvelope) -> None:
    """A request of ``env`` changed: if a landing is applied to it, land its validated requests
    again on the same option (audited, and said in the room when an amount changes)."""
    if env.landing is None or env.state != "open":
        return
    tell = regrant(ctx, env, _validated(ctx, env))
    if tell is not None:
        ctx.db.flush()
        tell()


def regrant(
    ctx: Context, env: BudgetEnvelope, validated: dict[int, BudgetRequest]
) -> Callable[[], None] | None:
    """``reland`` on ``validated`` (the envelope's validated requests, by id, in order): sets
    their new amounts and returns what audits and says it (None: no amount changes)."""
    if env.landing is None or env.state != "open":
        return None
    option = Option.parse(env.landing)
    shares = _land(option, env, validated)
    changed = {rid: c for rid, c in shares.items() if validated[rid].granted != c}
    if not changed:
        return None
    before = {str(rid): validated[rid].granted for rid in changed}
    for rid, cents in changed.items():
        validated[rid].granted = cents

    def tell() -> None:
        ctx.audit(
            "reland",
            "budget_envelope",
            env.id,
            option=env.landing,
            granted={str(k): v for k, v in changed.items()},
            before=before,
        )
        ctx.reply(
            ctx.t(
                "budget.landing.recomputed",
                option=option_label(ctx, option),
                envelope=common._label(ctx, env),
                shares=_who_gets(ctx, validated, shares),
                total=ctx.money(sum(shares.values())),
                amount=ctx.money(env.amount),
            )
        )

    return tell


APPLIED = "landing_applied"  # the render job of an applied landing (``!budget KPA prorata``)


def forget(env: BudgetEnvelope) -> dict[str, Any]:
    """An amount is agreed by hand (``accord``): the landing is no longer followed. What to
    record so that undoing the agreement applies it again."""
    was = {"landing": env.landing, "landing_event": env.landing_event}
    env.landing = env.landing_event = None
    return was


def restore(ctx: Context, env: BudgetEnvelope, was: dict[str, Any]) -> None:
    """Undoing an agreement: the landing it stopped (``forget``) is followed again."""
    if was.get("landing") and env.landing is None:
        env.landing, env.landing_event = str(was["landing"]), was.get("landing_event")
        reland(ctx, env)


# --------------------------------------------------------------------------- applying


def apply(
    ctx: Context,
    env: BudgetEnvelope,
    option: Option,
    *,
    head: str | None = None,
    follows: str | None = None,
    validated: dict[int, BudgetRequest] | None = None,
    life_now: life.Envelope | None = None,
) -> None:
    """An admin applies ``option`` to ``env``'s validated requests, which ask for more than it
    holds (``!budget KPA prorata`` applies the first); or the room's vote does, at its deadline
    (``commands.budget.vote_open``: ``head`` says so). ``validated`` and ``life_now``: the
    requests (``_validated``) and the envelope's life, when the caller read them already in
    this transaction."""

    project = common._project(ctx.db, env)
    if ctx.chat_event:  # not while a vote runs; after a tie, one of the tied options
        vote_open.guard_apply(ctx, env, option)
    if validated is None:
        validated = _validated(ctx, env)
    asked = sum(r.amount for r in validated.values())
    if asked <= env.amount:
        raise UserError(
            "budget.error.no_need_prorata",
            total=ctx.money(asked),
            amount=ctx.money(env.amount),
            project=project.code,
            prefix=ctx.settings.prefix,
        )
    word = "prorata" if option.name == PRORATA else "atterrissage"
    require(
        ctx,
        life.agreement_step(
            life.Agreement(ABSENT, life_now or lives.envelope_life(ctx, env), word),
            act(Act.CREATE),
            common.actor(ctx, env),
            ctx.now,
        ),
    )
    shares = _land(option, env, validated)
    before = {
        str(rid): {
            "granted": validated[rid].granted,
            "updated_at": instant(validated[rid].updated_at),
        }
        for rid in shares
    }
    for rid, cents in shares.items():
        validated[rid].granted = cents
        validated[rid].updated_at = ctx.now
    was = {"landing": env.landing, "landing_event": env.landing_event}
    env.landing, env.landing_event = option.key(), ctx.source_event_id
    ctx.db.flush()
    ctx.audit(
        "prorata" if option.name == PRORATA else "land",
        "budget_envelope",
        env.id,
        option=option.key(),
        granted={str(k): v for k, v in shares.items()},
        before=before,
        was=was,
    )
    # the envelope as it now stands is worded after the transaction (``commands.deferred``)
    said = {"head": head, "follows": follows}
    defer(
        ctx,
        APPLIED,
        {"envelope": env.id, "option": option.key(), **{k: v for k, v in said.items() if v}},
    )


def render_applied(scope: RenderScope) -> Rendered:
    """The answer to an applied landing: the option, and the envelope as it now stands."""
    ctx = scope
    env = ctx.db.get(BudgetEnvelope, int(ctx.params["envelope"]))
    if env is None:  # gone since: nothing to say
        return Rendered()
    option = Option.parse(str(ctx.params["option"]))
    head: str | None = ctx.params.get("head")
    head = (
        head
        if head is not None
        else ctx.t("budget.prorata_applied", envelope=common._label(ctx, env))
        if option.name == PRORATA
        else ctx.t(
            "budget.landing.applied",
            number=option.number,
            option=option_label(ctx, option),
            envelope=common._label(ctx, env),
        )
    )
    follows = ctx.params.get("follows") or ctx.t("budget.landing.follows")
    return Rendered(text=lines(head, follows, tables.show_envelope(ctx, env)))


def undo_apply(ctx: Context, change: Audit) -> bool:
    """The message that applied a landing was deleted: every amount it set is as before it, and
    the landing before it is followed again, unless a request changed since (its amounts are no
    longer the ones it set)."""
    env = ctx.db.get(BudgetEnvelope, int(change.object_id))
    assert env is not None
    granted: dict[str, int] = change.details.get("granted") or {}
    before: dict[str, dict[str, object]] = change.details.get("before") or {}
    requests = {rid: ctx.db.get(BudgetRequest, int(rid)) for rid in granted}
    legacy = "option" not in change.details  # applied before landings were followed
    current = env.landing_event == change.event_id or (legacy and env.landing_event is None)
    same = {str(rid) for rid in _validated(ctx, env)} == set(granted) or legacy
    unchanged = (
        current
        and same
        and all(
            r is not None and r.granted == granted[rid] and rid in before
            for rid, r in requests.items()
        )
    )
    word = "prorata" if change.action == "prorata" else "atterrissage"
    require(
        ctx,
        life.agreement_step(
            life.Agreement(life.GIVEN, lives.envelope_life(ctx, env), word, unchanged),
            undo(Act.CREATE),
            common.actor(ctx, env),
            ctx.now,
        ),
    )
    for rid, req in requests.items():
        assert req is not None
        old = before[rid]
        req.granted = None if old["granted"] is None else int(str(old["granted"]))
        req.updated_at = dt.datetime.fromisoformat(str(old["updated_at"]))
    was = change.details.get("was") or {}
    env.landing, env.landing_event = was.get("landing"), was.get("landing_event")
    ctx.db.flush()
    ctx.audit(
        "unprorata" if change.action == "prorata" else "unland",
        "budget_envelope",
        env.id,
        restored=before,
        landing=env.landing,
    )
    if change.action == "prorata":
        tell_undo(ctx, ctx.t("lifecycle.envelope.prorata_undone", envelope=common._label(ctx, env)))
    else:
        tell_undo(ctx, ctx.t("budget.landing.undone", envelope=common._label(ctx, env)))
    return True


# --------------------------------------------------------------------------- the command


def _take_params(
    ctx: Context, project: Project, tokens: list[str]
) -> tuple[int, int, list[str], list[str]]:
    """``base 40%`` and ``plancher 150€`` among ``tokens``: (base, floor, the other tokens, the
    options whose parameter was given)."""
    p = ctx.settings.prefix
    base_bp, floor = DEFAULT_BASE_BP, DEFAULT_FLOOR
    rest: list[str] = []
    named: list[str] = []
    i = 0
    while i < len(tokens):
        word = fold(tokens[i])
        following = i + 1 < len(tokens) and fold(tokens[i + 1]) not in APPLY_WORDS
        if word in BASE_WORDS and following:
            used = 2 if i + 2 < len(tokens) and tokens[i + 2] == "%" else 1
            bp = parse_percent("".join(tokens[i + 1 : i + 1 + used]))
            if bp is None or not 0 <= bp <= 10000:
                raise UserError("budget.landing.error.base", project=project.code, prefix=p)
            base_bp, i = bp, i + 1 + used
            named.append(BASE)
        elif word in FLOOR_WORDS and following:
            found = match_amount(tokens, i + 1)
            if found is None:
                raise UserError("budget.landing.error.floor", project=project.code, prefix=p)
            common._check_amount(ctx, found[0], " ".join(tokens[i + 1 : i + 1 + found[1]]))
            floor, i = found[0].cents, i + 1 + found[1]
            named.append(FLOOR)
        else:
            rest.append(tokens[i])
            i += 1
    return base_bp, floor, rest, named
