"""The budget's records as their lifecycle rules see them (commands.lifecycle.budget), each read in one query."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import col, func, select

from commands.budget import common, queries
from commands.core import Context
from commands.lifecycle import ABSENT, Act, act, require
from commands.lifecycle import budget as life
from storage.models import (
    Audit,
    BudgetEnvelope,
    BudgetQuestion,
    BudgetRequest,
    BudgetValidation,
)


def envelope_life(ctx: Context, env: BudgetEnvelope) -> life.Envelope:
    """The envelope as its rules see it (``commands.lifecycle.budget``), read in one query
    (none when the event read it along with the envelope and has changed nothing since)."""
    known = ctx.read_ahead(("envelope", env.id))
    if known is None:
        in_envelope, given_back = queries._envelope_counts(env)
        known = ctx.db.exec(select(in_envelope, given_back)).one()
    requests, gifts = known
    return _envelope_life(ctx, env, int(requests), int(gifts))


def _envelope_life(ctx: Context, env: BudgetEnvelope, requests: int, gifts: int) -> life.Envelope:
    return life.Envelope(
        env.state, common._label(ctx, env), common._project(ctx.db, env).code, requests, gifts
    )


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
        in_envelope, given_back = queries._envelope_counts(env)
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


def require_answer(ctx: Context, env: BudgetEnvelope, action: Any = None) -> None:
    """A validation, question or give-back may be added to ``env`` (``action``: the default,
    adding one; ``undo(Act.CREATE)``, taking one back): refused once it is closed."""
    given = action is not None
    state = life.Answer(life.GIVEN if given else ABSENT, envelope_life(ctx, env))
    require(ctx, life.answer_step(state, action or act(Act.CREATE), common.actor(ctx), ctx.now))
