"""Undoing what a deleted (or edited) cobudget message did, and saying what it did."""

from __future__ import annotations

from sqlmodel import col, select

from commands.cobudget.card import reactions_text, refresh_card
from commands.cobudget.funding import withdraw
from commands.cobudget.queries import figures, keep, load_bucket
from commands.cobudget.rules import actor, bucket_life, funding_life, reaction_values, round_life
from commands.core import Context, UserError
from commands.lifecycle import Act, require, tell_undo, undo, undone_before
from commands.lifecycle import cobudget as life
from commands.lifecycle.settings import Setting, setting_step
from storage.ledger import balances
from storage.models import Audit, BotMessage
from storage.models.cobudget import (
    BUCKET_CANCELLED,
    BUCKET_FUNDED,
    FUNDING_ACTIVE,
    FUNDING_REFUNDED,
    Allocation,
    Bucket,
    CobudgetRound,
    Funding,
    funding_state,
)


def undo_by_event(ctx: Context, target_event_id: str) -> bool:
    """The message or reaction ``target_event_id`` was removed (or the message edited into plain
    text): undo exactly what it did here, or say why it cannot be undone."""
    funding = ctx.db.exec(select(Funding).where(Funding.event_id == target_event_id)).first()
    if funding is not None:
        return _undo_funding(ctx, funding)
    proposed = load_bucket(ctx, col(Bucket.event_id) == target_event_id)
    if proposed is not None:
        _undo_bucket(ctx, proposed)
        return True
    # the allocations with their round, in one query
    found = ctx.db.exec(
        select(Allocation, CobudgetRound)
        .join(CobudgetRound, col(CobudgetRound.id) == col(Allocation.round_id))
        .where(Allocation.event_id == target_event_id)
        .order_by(col(Allocation.id))
    ).all()
    if found:
        keep(ctx, found[0][1])
        _undo_allocations(ctx, [allocation for allocation, _ in found])
        return True
    opened = ctx.db.exec(
        select(CobudgetRound).where(CobudgetRound.event_id == target_event_id)
    ).first()
    if opened is not None:
        _undo_round(ctx, opened)
        return True
    closed = ctx.db.exec(
        select(CobudgetRound).where(CobudgetRound.closed_event_id == target_event_id)
    ).first()
    if closed is not None:
        require(ctx, life.round_step(round_life(ctx, closed), undo(Act.CLOSE), actor(ctx), ctx.now))
    done = ctx.db.exec(
        select(Audit)
        .where(
            Audit.event_id == target_event_id,
            Audit.room_id == ctx.room.id,
            col(Audit.action).in_((BUCKET_CANCELLED, "complete", "reactions")),
        )
        .order_by(col(Audit.id))
    ).first()
    if done is None:
        return False
    if done.action == "reactions":
        if undone_before(ctx, done):
            return False
        _undo_reactions(ctx, done)
        return True
    bucket = ctx.db.get(Bucket, int(done.object_id)) if done.object_id.isdigit() else None
    if bucket is None:
        return False
    if done.action == "complete":
        _undo_complete(ctx, bucket)
    else:
        _undo_cancel(ctx, bucket, target_event_id)
    return True


def _undo_funding(ctx: Context, funding: Funding) -> bool:
    """A funding's reaction was removed or its command deleted: it is withdrawn, or the funder
    is told why it stays."""
    try:
        bucket = withdraw(ctx, funding)
    except UserError as err:
        ctx.reply(
            ctx.t(
                "buckets.withdraw_refused", who=ctx.name(funding.funder), reason=ctx.refusal(err)
            ),
            mentions=[funding.funder],
        )
        return True
    if funding.source == "command":
        tell_undo(
            ctx,
            ctx.t(
                "buckets.withdrawn",
                who=ctx.name(funding.funder),
                cents=ctx.money(funding.cents),
                id=bucket.number,
                title=bucket.title,
            ),
        )
    return True


def _undo_bucket(ctx: Context, bucket: Bucket) -> None:
    """A ``!bucket`` proposal was deleted: the bucket goes, as long as nobody funded it (else
    the answer says how to cancel it)."""
    require(ctx, life.bucket_step(bucket_life(ctx, bucket), undo(Act.CREATE), actor(ctx), ctx.now))
    card = ctx.db.get(BotMessage, bucket.card_message_id) if bucket.card_message_id else None
    ctx.audit(
        "delete",
        "bucket",
        bucket.id,
        number=bucket.number,
        title=bucket.title,
        min=bucket.min_cents,
        max=bucket.max_cents,
    )
    ctx.db.delete(bucket)
    ctx.db.flush()
    removed = ctx.t("lifecycle.bucket.removed", id=bucket.number, title=bucket.title)
    if card is not None:
        if card.sent_at is None:
            card.body, card.html = removed, None
        ctx.edit(card, removed)
    tell_undo(ctx, removed)


def _undo_cancel(ctx: Context, bucket: Bucket, cancel_event_id: str) -> None:
    """``!bucket N annuler`` was deleted: the bucket and every funding it gave back are as they
    were, as long as the round is open and each funder still has what was given back."""
    state = require(
        ctx, life.bucket_step(bucket_life(ctx, bucket), undo(Act.CANCEL), actor(ctx), ctx.now)
    )
    refunded = ctx.db.exec(
        select(Funding)
        .where(
            Funding.bucket_id == bucket.id,
            Funding.ended_event_id == cancel_event_id,
            Funding.state == FUNDING_REFUNDED,
        )
        .order_by(col(Funding.id))
    ).all()
    for funding in refunded:
        step = require(
            ctx,
            life.funding_step(
                funding_life(
                    ctx, state, funding.round_id, funding.funder, funding.cents, funding.state
                ),
                undo(Act.REFUND),
                actor(ctx),
                ctx.now,
            ),
        )
        state = step.bucket
        funding.state, funding.ended_at, funding.ended_event_id = FUNDING_ACTIVE, None, None
        ctx.audit(
            "unrefund",
            "bucket",
            bucket.id,
            funding_id=funding.id,
            funder=funding.funder,
            cents=funding.cents,
        )
    bucket.state, bucket.closed_at = state.status, None
    ctx.db.flush()
    ctx.audit("uncancel", "bucket", bucket.id, state=bucket.state, held=state.held)
    refresh_card(ctx, bucket)
    tell_undo(
        ctx,
        ctx.t(
            "lifecycle.bucket.uncancelled",
            id=bucket.number,
            title=bucket.title,
            held=ctx.money(state.held),
            people=len({f.funder for f in refunded}),
            state=ctx.t(f"buckets.state.{bucket.state}"),
        ),
    )


def _undo_complete(ctx: Context, bucket: Bucket) -> None:
    require(
        ctx, life.bucket_step(bucket_life(ctx, bucket), undo(Act.COMPLETE), actor(ctx), ctx.now)
    )
    bucket.state, bucket.closed_at = BUCKET_FUNDED, None
    ctx.audit("uncomplete", "bucket", bucket.id)
    refresh_card(ctx, bucket)
    tell_undo(ctx, ctx.t("lifecycle.bucket.uncompleted", id=bucket.number, title=bucket.title))


def _undo_round(ctx: Context, rnd: CobudgetRound) -> None:
    """``!tour ouvrir`` was deleted: the round goes, as long as nothing was allocated or
    proposed in it (else the answer says how to close it)."""
    require(ctx, life.round_step(round_life(ctx, rnd), undo(Act.CREATE), actor(ctx), ctx.now))
    ctx.audit("delete", "round", rnd.id, number=rnd.number, title=rnd.title, pot=rnd.pot_cents)
    ctx.db.delete(rnd)
    ctx.db.flush()
    tell_undo(ctx, ctx.t("lifecycle.round.removed", id=rnd.number, title=rnd.title))


def _undo_reactions(ctx: Context, change: Audit) -> None:
    """``!tour réactions`` was deleted: the values before it come back, unless they changed
    since."""
    rnd = ctx.db.get(CobudgetRound, int(change.object_id)) if change.object_id.isdigit() else None
    if rnd is None:
        raise UserError("lifecycle.changed_since", prefix=ctx.settings.prefix)
    require(ctx, life.round_step(round_life(ctx, rnd), undo(Act.SET), actor(ctx), ctx.now))
    values = require(
        ctx,
        setting_step(
            Setting(
                "tour réactions",
                reaction_values(rnd),
                change.details.get("before"),
                change.details.get("after"),
            ),
            undo(Act.SET),
            actor(ctx),
            ctx.now,
        ),
    )
    before = reaction_values(rnd)
    rnd.reaction_values = dict(values.current)
    ctx.audit(
        "reactions",
        "round",
        rnd.id,
        before=before,
        after=rnd.reaction_values,
        undo=True,
        undoes=change.event_id,
    )
    tell_undo(ctx, ctx.t("lifecycle.round.reactions_back", reactions=reactions_text(ctx, rnd)))


def kept_by_event(ctx: Context, event_id: str) -> str | None:
    """What the command message ``event_id`` did here, in one sentence (a refused edit of it
    leaves it as it was)."""
    db = ctx.db
    funding = db.exec(select(Funding).where(Funding.event_id == event_id)).first()
    if funding is not None and funding.state == FUNDING_ACTIVE:
        bucket = db.get(Bucket, funding.bucket_id)
        if bucket is not None and funding_state(funding, bucket.state) == FUNDING_ACTIVE:
            return ctx.t(
                "buckets.kept_funding",
                cents=ctx.money(funding.cents),
                id=bucket.number,
                title=bucket.title,
            )
    bucket = db.exec(select(Bucket).where(Bucket.event_id == event_id)).first()
    if bucket is not None:
        return ctx.t("buckets.kept_bucket", id=bucket.number, title=bucket.title)
    given = db.exec(select(Allocation).where(Allocation.event_id == event_id)).all()
    if given:
        return ctx.t(
            "buckets.kept_allocation",
            total=ctx.money(sum(a.cents for a in given)),
            people=len(given),
        )
    rnd = db.exec(select(CobudgetRound).where(CobudgetRound.event_id == event_id)).first()
    if rnd is not None:
        return ctx.t("buckets.kept_round", id=rnd.number, title=rnd.title)
    return None


def _undo_allocations(ctx: Context, allocations: list[Allocation]) -> None:
    rnd = ctx.db.get(CobudgetRound, allocations[0].round_id)
    assert rnd is not None and rnd.id is not None
    people = {a.user_id for a in allocations}
    if len(people) == 1:  # the round's figures and the one person's balance in one query
        f = figures(ctx, rnd.id, funder=allocations[0].user_id)
        left = {allocations[0].user_id: f.given - f.used}
    else:  # everyone's balance in one query, whatever the number of people
        f = figures(ctx, rnd.id)
        left = {user: given - used for user, given, used in balances(ctx.db, rnd.id)}
    shares = tuple((a.user_id, a.cents, left.get(a.user_id, 0)) for a in allocations)
    require(
        ctx,
        life.allocation_step(
            life.Allocation(life.ALLOCATED, round_life(ctx, rnd, f), shares),
            undo(Act.CREATE),
            actor(ctx),
            ctx.now,
        ),
    )
    total = 0
    for a in allocations:
        ctx.audit("unallocate", "round", rnd.id, user=a.user_id, cents=a.cents, allocation_id=a.id)
        total += a.cents
        ctx.db.delete(a)
    ctx.db.flush()
    tell_undo(
        ctx,
        ctx.t(
            "buckets.unallocated",
            cause=ctx.removal(),
            total=ctx.money(total),
            people=len(allocations),
        ),
    )
