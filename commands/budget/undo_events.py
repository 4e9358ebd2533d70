"""Undoing what a removed budget message or reaction did (the hook ``handlers.undo_by_event``
calls, for the events of the family's commands and reactions)."""

from __future__ import annotations

from dataclasses import replace

from sqlmodel import col, select

from commands.budget import (
    common,
    landing,
    lives,
    objections,
    revision,
    sources,
    undoing,
    vote,
)
from commands.core import Context
from commands.events import ReactionAdded
from commands.lifecycle import Act, require, tell_undo, undo
from commands.lifecycle import budget as life
from storage.models import (
    Audit,
    BudgetEnvelope,
    BudgetGiveBack,
    BudgetRequest,
    ChatEvent,
)


def undo_event(ctx: Context, target_event_id: str) -> bool:
    """A message or reaction that changed a budget was removed (or the message edited into plain
    text): undo exactly that change, or say why it cannot be undone. What an admin's command did
    (an envelope, an agreed amount) is undone by an admin only."""
    db = ctx.db
    removed = db.get(ChatEvent, target_event_id)
    if removed is not None and removed.kind == ReactionAdded.__name__:
        # a reaction only ever validates or questions a request
        return undoing._undo_reaction(ctx, target_event_id)
    if objections.undo_by_event(ctx, target_event_id) or sources.undo_by_event(
        ctx, target_event_id
    ):
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
            return undoing._undo_agreement(ctx, change)
        if change.action in ("prorata", "land"):
            return landing.undo_apply(ctx, change)
        if change.action == "revise":
            return revision.undo_revision(ctx, [c for c in changes if c.action == "revise"])
        if made is None and change.action == "update":
            return undoing._undo_update(ctx, [c for c in changes if c.action == "update"])
        if made is None and change.action == "withdraw":
            return undoing._undo_withdrawal(ctx, change)
    if undoing._undo_reaction(ctx, target_event_id):
        return True
    if made is not None:
        _, env = undoing._request_of(ctx, common._id(made))
        state = lives.request_life(
            ctx, made, env, unchanged=not lives._changed_by_others(ctx, made)
        )
        require(ctx, life.request_step(state, undo(Act.CREATE), common.actor(ctx), ctx.now))
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
        undoing._undo_answer(ctx, given_in)
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
        held = replace(lives.envelope_life(ctx, created), sources=sources.topups(ctx, created))
        require(ctx, life.envelope_step(held, undo(Act.CREATE), common.actor(ctx), ctx.now))
        label = common._label(ctx, created)
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
            life.envelope_step(
                lives.envelope_life(ctx, closed), undo(Act.CLOSE), common.actor(ctx), ctx.now
            ),
        )
    return False
