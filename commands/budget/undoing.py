"""Undoing what a removed or edited message did to the contributive budget."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import col, select

from commands.budget import common, consent, landing, lives, queries, recap
from commands.core import Context, UserError
from commands.lifecycle import (
    Act,
    require,
    tell_undo,
    undo,
)
from commands.lifecycle import budget as life
from storage.models import (
    Audit,
    BudgetEnvelope,
    BudgetQuestion,
    BudgetRequest,
    BudgetValidation,
    Project,
)


def _answer_with_request(ctx: Context, model: Any, event_id: str) -> tuple[Any, Any, Any] | None:
    """The validation or question (``model``) that ``event_id`` made, its request and its
    envelope, in one query, with the envelope's project and counts (``envelope_life``)."""
    requests, gifts = queries._envelope_counts(BudgetEnvelope)
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
        st = queries.request_state(db, env, req)
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
        return ctx.t("budget.kept_envelope", id=env.number, envelope=common._label(ctx, env))
    return None


def _request_of(ctx: Context, request_id: int) -> tuple[BudgetRequest, BudgetEnvelope]:
    req = ctx.db.get(BudgetRequest, request_id)
    env = ctx.db.get(BudgetEnvelope, req.envelope_id) if req is not None else None
    if req is None or env is None:  # gone since
        raise UserError("lifecycle.changed_since", prefix=ctx.settings.prefix)
    return req, env


def _undo_answer(ctx: Context, env: BudgetEnvelope) -> None:
    """A validation, question or give-back is withdrawn: not in a closed envelope."""
    lives.require_answer(ctx, env, undo(Act.CREATE))


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
            life.Agreement(
                life.GIVEN, lives.envelope_life(ctx, env), unchanged=req.granted == after
            ),
            undo(Act.CREATE),
            common.actor(ctx, env),
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
    st = queries.request_state(db, env, req)
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
            lives.request_life(ctx, req, env, unchanged=unchanged),
            undo(Act.EDIT),
            common.actor(ctx),
            ctx.now,
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
                request_id=common._id(req),
                user_id=str(v["user_id"]),
                by_admin=bool(v["by_admin"]),
                event_id=str(v["event_id"]),
                created_at=dt.datetime.fromisoformat(str(v["created_at"])),
            )
        )
    ctx.db.flush()
    ctx.audit("unupdate", "budget_request", req.id, restored=before, undid=change.event_id)
    _restored(ctx, req, env)
    return True


def _restored(ctx: Context, req: BudgetRequest, env: BudgetEnvelope) -> None:
    """Tell the room a request is as it was, and land the envelope again on its option."""
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


def _undo_withdrawal(ctx: Context, change: Audit) -> bool:
    """``!demande KPA retirer`` was deleted: the request is active again, unless its author
    made another one since."""
    req, env = _request_of(ctx, int(change.object_id))
    require(
        ctx,
        life.request_step(
            lives.request_life(ctx, req, env), undo(Act.WITHDRAW), common.actor(ctx), ctx.now
        ),
    )
    req.state = "active"
    if change.details.get("updated_at"):
        req.updated_at = dt.datetime.fromisoformat(str(change.details["updated_at"]))
    ctx.db.flush()
    ctx.audit("unwithdraw", "budget_request", req.id)
    _restored(ctx, req, env)
    return True


# --------------------------------------------------------------------------- contributions


def on_contribution_change(ctx: Context, touched: list[tuple[int | None, dt.date]]) -> None:
    """A contribution in a closed envelope's project and period was logged, changed or removed:
    say that the frozen split stays as it is."""
    seen: set[int] = set()
    closed = recap._closed_envelopes(ctx)
    for project_id, day in touched:
        if project_id is None:
            continue
        for env in closed:
            if env.project_id == project_id and env.start <= day < env.end and env.id not in seen:
                seen.add(common._id(env))
                ctx.reply(ctx.t("budget.closed_notice", envelope=common._label(ctx, env)))
