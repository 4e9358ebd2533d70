"""Objections under lazy consensus: lifting and settling them, and their undo."""

from __future__ import annotations

from sqlmodel import col, select

from commands.budget import consent
from commands.core import Context, UserError
from commands.lifecycle import Act, Actor, act, require, tell_undo, undo, undone_before
from commands.lifecycle import budget as life
from commands.lifecycle.settings import Setting, setting_step
from storage.models import (
    Audit,
    BudgetEnvelope,
    BudgetQuestion,
    BudgetRequest,
    Project,
)

# --------------------------------------------------------------------------- objections


def _objection(ctx: Context, q: BudgetQuestion, env: BudgetEnvelope, number: int) -> life.Objection:
    project = ctx.db.get(Project, env.project_id)
    code = project.code if project is not None else ""
    status = {None: life.RAISED, "lifted": life.LIFTED, "settled": life.SETTLED}[q.closed_kind]
    return life.Objection(status, consent._envelope_life(env, code), number, q.user_id)


def _open_questions(ctx: Context, req: BudgetRequest, user: str | None) -> list[BudgetQuestion]:
    who = (
        col(BudgetQuestion.user_id) == user
        if user is not None
        else col(BudgetQuestion.user_id) != req.user_id
    )
    return list(
        ctx.db.exec(
            select(BudgetQuestion)
            .where(
                BudgetQuestion.request_id == req.id, col(BudgetQuestion.closed_kind).is_(None), who
            )
            .order_by(col(BudgetQuestion.id))
        ).all()
    )


def lift(ctx: Context, req: BudgetRequest, env: BudgetEnvelope) -> None:
    """``!question N levée``: the sender lifts their open objections on ``req``."""
    p = ctx.settings.prefix
    mine = _open_questions(ctx, req, ctx.sender)
    if not mine:
        raise UserError("budget.consent.error.none_to_lift", id=req.number, prefix=p)
    for q in mine:
        require(
            ctx,
            life.objection_step(
                _objection(ctx, q, env, req.number), act(Act.WITHDRAW), _actor(ctx), ctx.now
            ),
        )
        _close(ctx, q, "lifted")
    left = len(_open_questions(ctx, req, None))
    ctx.reply(
        ctx.t(
            "budget.consent.lifted",
            who=ctx.name(ctx.sender),
            id=req.number,
            author=ctx.name(req.user_id),
            left=left,
        )
    )


def settle(ctx: Context, req: BudgetRequest, env: BudgetEnvelope) -> None:
    """``!question N close`` (admins): every open objection on ``req`` is settled."""
    p = ctx.settings.prefix
    found = _open_questions(ctx, req, None)
    if not ctx.is_admin:
        raise UserError("core.admin_only", command=f"{p}question {req.number} close")
    if not found:
        raise UserError("budget.consent.error.none_to_settle", id=req.number, prefix=p)
    for q in found:
        require(
            ctx,
            life.objection_step(
                _objection(ctx, q, env, req.number), act(Act.CLOSE), _actor(ctx), ctx.now
            ),
        )
        _close(ctx, q, "settled")
    ctx.reply(
        ctx.t(
            "budget.consent.settled",
            who=ctx.name(ctx.sender),
            id=req.number,
            author=ctx.name(req.user_id),
            n=len(found),
        )
    )


def _actor(ctx: Context) -> Actor:
    return Actor(ctx.sender, ctx.is_admin)


def _close(ctx: Context, q: BudgetQuestion, kind: str) -> None:
    q.closed_kind, q.closed_by, q.closed_at = kind, ctx.sender, ctx.now
    q.close_event_id = ctx.source_event_id
    ctx.db.flush()
    ctx.audit(
        "lift" if kind == "lifted" else "settle", "budget_request", q.request_id, question=q.id
    )


def undo_by_event(ctx: Context, target_event_id: str) -> bool:
    """The message that lifted or settled objections, or changed an envelope's delay, was
    deleted (or edited into text): the objections are open again, the delay is as before."""
    closed = list(
        ctx.db.exec(
            select(BudgetQuestion)
            .where(BudgetQuestion.close_event_id == target_event_id)
            .order_by(col(BudgetQuestion.id))
        ).all()
    )
    if closed:
        req = ctx.db.get(BudgetRequest, closed[0].request_id)
        env = ctx.db.get(BudgetEnvelope, req.envelope_id) if req is not None else None
        if req is None or env is None:
            return False
        how = Act.WITHDRAW if closed[0].closed_kind == "lifted" else Act.CLOSE
        for q in closed:
            require(
                ctx,
                life.objection_step(
                    _objection(ctx, q, env, req.number), undo(how), _actor(ctx), ctx.now
                ),
            )
            q.closed_kind = q.closed_by = q.closed_at = q.close_event_id = None
        ctx.db.flush()
        ctx.audit("reopen", "budget_request", req.id, questions=[q.id for q in closed])
        tell_undo(ctx, ctx.t("budget.consent.reopened", id=req.number, n=len(closed)))
        return True
    change = ctx.db.exec(
        select(Audit).where(
            Audit.event_id == target_event_id,
            Audit.room_id == ctx.room.id,
            Audit.object_kind == "budget_envelope",
            Audit.action == "consent",
        )
    ).first()
    if change is None or undone_before(ctx, change):
        return False
    env = ctx.db.get(BudgetEnvelope, int(change.object_id))
    if env is None:
        return False
    project = ctx.db.get(Project, env.project_id)
    code = project.code if project is not None else ""
    refused = life.frozen(consent._envelope_life(env, code))
    if refused is not None:
        require(ctx, refused)
    before, after = change.details.get("before"), change.details.get("after")
    require(
        ctx,
        setting_step(
            Setting(f"budget {code} consentement", env.consent_days, before, after),
            undo(Act.SET),
            _actor(ctx),
            ctx.now,
        ),
    )
    env.consent_days = None if before is None else int(before)
    ctx.db.flush()
    ctx.audit("unconsent", "budget_envelope", env.id, restored=before, undoes=target_event_id)
    if env.consent_days is None:
        tell_undo(ctx, ctx.t("budget.consent.off", envelope=code))
    else:
        tell_undo(
            ctx,
            ctx.t(
                "budget.consent.on",
                envelope=code,
                delay=consent.delay_text(ctx.lang, env.consent_days),
                prefix=ctx.settings.prefix,
            ),
        )
    return True
