"""Questioning and validating a request (``!question``, ``!valider``, ❓ and ✅)."""

from __future__ import annotations

from sqlmodel import select

from commands.budget import common, consent, landing, lives, rules
from commands.core import Context
from storage.models import (
    BudgetEnvelope,
    BudgetQuestion,
    BudgetRequest,
    BudgetValidation,
)


def _question(ctx: Context, req: BudgetRequest, env: BudgetEnvelope, text: str) -> None:
    lives.require_answer(ctx, env)
    q = BudgetQuestion(
        request_id=common._id(req),
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
            project=common._project(ctx.db, env).code,
            prefix=ctx.settings.prefix,
        )
        + consent.question_note(ctx, env, req),
        mentions=told,
    )


def _validation(ctx: Context, req: BudgetRequest) -> BudgetValidation | None:
    return ctx.db.exec(
        select(BudgetValidation).where(
            BudgetValidation.request_id == req.id, BudgetValidation.user_id == ctx.sender
        )
    ).first()


def _validate(
    ctx: Context, req: BudgetRequest, env: BudgetEnvelope, before: rules.RequestState
) -> None:
    """The sender validates ``req`` (``before``: where it stood)."""
    lives.require_answer(ctx, env)
    ctx.db.add(
        BudgetValidation(
            request_id=common._id(req),
            user_id=ctx.sender,
            by_admin=ctx.is_admin,
            event_id=ctx.source_event_id,
            created_at=ctx.now,
        )
    )
    ctx.db.flush()
    ctx.audit("validate", "budget_request", req.id, by_admin=ctx.is_admin)
    st = rules._one_more(env, before, ctx.is_admin)
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
