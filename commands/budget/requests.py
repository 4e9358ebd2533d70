"""``!demande``, ``!question`` and ``!valider``: asking for an amount, questioning and validating a request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Integer, and_, cast, delete, or_
from sqlalchemy import select as sa_select
from sqlalchemy.orm.attributes import flag_modified
from sqlmodel import col, func, select

from commands import budget
from commands.budget import (
    common,
    consent,
    envelope_refs,
    envelopes,
    landing,
    lives,
    queries,
    rate_rules,
    rules,
)
from commands.core import Context, UserError
from commands.grammar import Amount, Period
from commands.i18n import format_hours
from commands.lifecycle import (
    ABSENT,
    Act,
    act,
    instant,
    keep_scope,
    refuse,
    require,
)
from commands.lifecycle import budget as life
from commands.numbers import read_number
from storage.models import (
    Audit,
    BudgetEnvelope,
    BudgetRequest,
    BudgetValidation,
    Contribution,
    Project,
)
from storage.numbers import LARGEST, REQUEST, next_number

# what ``!demande`` asks: the amount, as it was typed, and the message
Asked = tuple[Amount, str, str]


def _request_command(
    ctx: Context, project: Project, period: Period | None, asked: Asked | None
) -> None:
    """``!demande KPA [période] 120€ [message]`` (``asked``: the amount, as typed, and the
    message) or ``!demande KPA [période] retirer`` (``asked`` None)."""
    p = ctx.settings.prefix
    original = _edited_request(ctx)
    if original is not None:
        # an edit re-runs the command on the request its message made, in that envelope
        env = ctx.db.get(BudgetEnvelope, original.envelope_id)
        assert env is not None
        named = envelope_refs.chosen(project)
        same = (
            project.id == env.project_id
            and (period is None or (env.start < period.end and period.start < env.end))
            and (named is None or named.id == env.id)
        )
        refuse(ctx, keep_scope(True, same, "envelope"))
        editable = lives.request_life(ctx, original, env)
        require(ctx, life.request_step(editable, act(Act.EDIT), common.actor(ctx), ctx.now))
    else:
        env = envelopes.pick_envelope(ctx, project, period, open_only=True)
    if env.mode != budget.LIBRE:
        raise UserError("budget.error.request_proportional", project=project.code, prefix=p)
    existing = original or _own_request(ctx, env)
    if asked is None:
        if existing is None:
            raise UserError("budget.error.no_request", project=project.code, prefix=p)
        _withdraw(ctx, existing, env)
        ctx.reply(ctx.t("budget.withdrawn", id=existing.number, who=ctx.name(existing.user_id)))
        landing.reland(ctx, env)
        return
    amount, typed, message = asked
    common._check_amount(ctx, amount, typed)
    cents = amount.cents
    rate_rules.check_growth(ctx, env, existing.user_id if existing else ctx.sender, cents)
    if existing is not None:
        if original is None:  # an edit was checked above, and nothing changed since
            editable = lives.request_life(ctx, existing, env)
            require(ctx, life.request_step(editable, act(Act.EDIT), common.actor(ctx), ctx.now))
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
            life.Request(ABSENT, lives.envelope_life(ctx, env)),
            act(Act.CREATE),
            common.actor(ctx),
            ctx.now,
        ),
    )
    req = BudgetRequest(
        envelope_id=common._id(env),
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
    states = _states_known.get(ctx, {}).pop(common._id(env), None)
    if states is None:
        return None
    validated = {}
    for req, state in states:
        if req is changed:  # its validations were just dropped
            state = rules.RequestState(env.validations_needed <= 0, False, 0, state.questions)
        if state.validated:
            validated[common._id(req)] = req
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
    # the request the message made, else the last one it changed or withdrew: found, with its
    # envelope and what their lives count, in one query
    made = (
        sa_select(col(BudgetRequest.id))
        .where(col(BudgetRequest.event_id) == ctx.source_event_id)
        .scalar_subquery()
    )
    acted = (
        sa_select(cast(col(Audit.object_id), Integer))
        .where(
            col(Audit.event_id) == ctx.source_event_id,
            col(Audit.object_kind) == "budget_request",
            col(Audit.action).in_(("update", "withdraw")),
        )
        .order_by(col(Audit.id).desc())
        .limit(1)
        .scalar_subquery()
    )
    found = _request_with_envelope(ctx, col(BudgetRequest.id) == func.coalesce(made, acted))
    return found[0] if found is not None else None


def _own_request(ctx: Context, env: BudgetEnvelope) -> BudgetRequest | None:
    """The sender's active request in ``env`` (a new ``!demande`` changes it), in one query
    with what the command reads next: the request's answers (``request_life``), the sender's
    minutes in the envelope (``_post_request``), the sender's request in the envelope just
    before (``rates.check_growth``, when ``_envelopes`` said which it is) and, when a landing
    is applied to ``env``, every active request of it with its validations (``landing``)."""
    kept = ctx.read_ahead(("before", env.id))
    before = kept[0] if kept is not None else None
    landed = env.landing is not None and env.state == "open"
    in_envelope, given_back = queries._envelope_counts(env)
    votes, by_admin, questions = queries._vote_counts()
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
    envs = [common._id(env)] + ([common._id(before)] if before is not None else [])
    whose: Any = col(BudgetRequest.user_id) == ctx.sender
    if landed:
        whose = or_(whose, col(BudgetRequest.envelope_id) == env.id)
    rows = ctx.db.execute(
        sa_select(
            col(BudgetEnvelope.id),
            BudgetRequest,
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
    states: list[tuple[BudgetRequest, rules.RequestState]] = []
    # every active request of the sender in ``env`` is among the rows: whether they have another
    mine_here = [r for env_id, r, *_ in rows if env_id == env.id and r and r.user_id == ctx.sender]
    for env_id, req, requests, gifts, n, admins, asked, logged in rows:
        if env_id == env.id:
            _request_minutes_known.setdefault(ctx, {})[(env_id, ctx.sender)] = int(logged)
        if req is None:
            continue
        if env_id != env.id:
            previous = previous or req
            continue
        if req.user_id == ctx.sender and mine is None:
            mine = req
            answered, another = n + asked, len(mine_here) > 1
            ctx.keep_ahead(("request", req.id), (answered, another, requests, gifts))
        if landed:
            needed = env.validations_needed
            states.append(
                (req, rules.RequestState(admins > 0 or n >= needed, admins > 0, int(n), int(asked)))
            )
    if landed:
        _states_known.setdefault(ctx, {})[common._id(env)] = states
    if kept is not None:
        growth = None
        if previous is not None and before is not None:
            growth = (previous.amount, before.start, before.end, before.period_kind)
        ctx.keep_ahead(("growth", env.id, ctx.sender), (growth,))
    return mine


# what ``_own_request`` read along with the sender's request, for the rest of the command
_request_minutes_known: WeakKeyDictionary[Context, dict[tuple[int, str], int]] = WeakKeyDictionary()
_states_known: WeakKeyDictionary[
    Context, dict[int, list[tuple[BudgetRequest, rules.RequestState]]]
] = WeakKeyDictionary()


def _withdraw(ctx: Context, req: BudgetRequest, env: BudgetEnvelope) -> None:
    require(
        ctx,
        life.request_step(
            lives.request_life(ctx, req, env), act(Act.WITHDRAW), common.actor(ctx), ctx.now
        ),
    )
    before = instant(req.updated_at)
    req.state = "withdrawn"
    req.updated_at = ctx.now
    ctx.audit("withdraw", "budget_request", req.id, amount=req.amount, updated_at=before)


def _post_request(ctx: Context, env: BudgetEnvelope, req: BudgetRequest, key: str) -> None:
    minutes = _request_minutes_known.get(ctx, {}).pop((common._id(env), req.user_id), None)
    if minutes is None:
        minutes = queries._request_minutes(ctx.db, env, req.user_id)
    ctx.reply(
        ctx.t(
            key,
            id=req.number,
            who=ctx.name(req.user_id),
            amount=ctx.money(req.amount),
            envelope=common._label(ctx, env),
            hours=format_hours(minutes, ctx.lang),
            rate=common._rate(req.amount, minutes, ctx.lang, env.currency),
            message="\n" + ctx.t("budget.quoted", text=req.message) if req.message else "",
            n=env.validations_needed,
            prefix=ctx.settings.prefix,
        )
        + consent.request_note(ctx, env, req)
        + rate_rules.request_note(ctx, env, req, minutes),
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
    answers, other = lives._request_counts(BudgetRequest)
    requests, gifts = queries._envelope_counts(BudgetEnvelope)
    guided = rate_rules.guides_exist(ctx.room.id, BudgetEnvelope.project_id).label("guided")
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
        rate_rules.none_for(ctx, env.project_id)
    ctx.db.info.setdefault("keep", []).extend((req, env))  # the session only holds them weakly
    ctx.db.info.setdefault("budget_projects", {})[project.id] = project
    ctx.keep_ahead(("request", req.id), (answered, another, in_envelope, given_back))
    ctx.keep_ahead(("envelope", env.id), (in_envelope, given_back))
    return req, env
