"""Closing a round (``!tour fermer``, or its deadline passed): the buckets below their goal
refunded in a few statements whatever their number, and the answer worded after the
transaction.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import Select, case, func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from commands.cobudget.card import render_card
from commands.cobudget.queries import _need_open_round, figures, round_buckets
from commands.cobudget.rules import actor, round_life
from commands.cobudget.words import CLOSE_ANSWER
from commands.core import Context
from commands.deferred import Rendered, RenderScope, defer_edits_of
from commands.lifecycle import Act, act, require
from commands.lifecycle import cobudget as life
from commands.render import Rich, lines
from storage.ledger import bucket_totals
from storage.models import BotMessage
from storage.models.cobudget import (
    BUCKET_COMPLETED,
    BUCKET_FUNDED,
    BUCKET_OPEN,
    BUCKET_REFUNDED,
    FUNDING_ACTIVE,
    ROUND_CLOSED,
    Bucket,
    CobudgetRound,
    Funding,
)


class _Held(NamedTuple):
    """A bucket of a round being closed, as one row tells it."""

    id: int
    number: int
    title: str
    author: str
    state: str
    min_cents: int
    max_cents: int
    held: int  # its active fundings
    fundings: int  # of any state
    active: int  # its active fundings, counted
    card: bool  # its card is in the outbox


def per_bucket_holdings(round_id: int) -> Select[Any, Any, Any, Any]:
    """Per bucket of the round with any funding: what its active fundings hold, how many
    fundings it ever had, and how many are active. Read from one index alone
    (``ix_cobudget_funding_round_bucket``, migration 0022), in bucket order."""
    active = col(Funding.state) == FUNDING_ACTIVE
    return (
        sa_select(
            col(Funding.bucket_id).label("bucket_id"),
            func.sum(case((active, Funding.cents), else_=0)).label("held"),
            func.count().label("fundings"),
            func.sum(case((active, 1), else_=0)).label("active"),
        )
        .where(col(Funding.round_id) == round_id)
        .group_by(col(Funding.bucket_id))
    )


def _held_in_round(db: Session, round_id: int) -> list[_Held]:
    """Every bucket of the round with what it holds, its fundings and whether its card is in
    the outbox, in one query (columns, not objects: a thousand buckets are read). The round is
    open: none of its buckets was refunded by a close, so that its active fundings hold."""
    per_bucket = per_bucket_holdings(round_id).subquery()
    outbox = BotMessage.__table__  # type: ignore[attr-defined]
    t = Bucket.__table__  # type: ignore[attr-defined]
    found = db.connection().execute(
        sa_select(
            t.c.id,
            t.c.number,
            t.c.title,
            t.c.author,
            t.c.state,
            t.c.min_cents,
            t.c.max_cents,
            func.coalesce(per_bucket.c.held, 0),
            func.coalesce(per_bucket.c.fundings, 0),
            func.coalesce(per_bucket.c.active, 0),
            outbox.c.id.is_not(None),
        )
        .select_from(
            t.outerjoin(per_bucket, per_bucket.c.bucket_id == t.c.id).outerjoin(
                outbox, outbox.c.id == t.c.card_message_id
            )
        )
        .where(t.c.round_id == round_id)
        .order_by(t.c.id)
    )
    return [_Held._make(row) for row in found.all()]


def _refund_open_buckets(ctx: Context, round_id: int) -> None:
    """Every open bucket of the round is refunded, in one statement whatever their number: its
    active fundings are given back by the bucket's state (``storage.models.cobudget.holding``),
    none of them written, the round recording the event that closed it."""
    buckets = Bucket.__table__  # type: ignore[attr-defined]
    ctx.db.connection().execute(
        buckets.update()
        .where(buckets.c.round_id == round_id, buckets.c.state == BUCKET_OPEN)
        .values(state=BUCKET_REFUNDED, closed_at=ctx.now)
    )
    for held in list(ctx.db.identity_map.values()):
        if isinstance(held, Bucket):
            ctx.db.expire(held)  # read again if used: the statement changed them


def _close_round(ctx: Context, how: Act = Act.CLOSE) -> None:
    """Close the open round (``!tour fermer``, or its deadline passed): buckets below their goal
    are refunded (their fundings given back by that); funded ones keep what they hold. Nothing
    in it changes afterwards. Nine statements whatever the number of buckets and fundings, none
    of which writes a funding; the refunds told by one audit row
    for the round (``refunds``: the total, the fundings given back, and per bucket its number
    and what it gave back)."""
    rnd = _need_open_round(ctx)
    assert rnd.id is not None
    f = figures(ctx, rnd.id)
    state = round_life(ctx, rnd, f)
    require(ctx, life.round_step(state, act(how), actor(ctx), ctx.now))
    buckets = _held_in_round(ctx.db, rnd.id)
    still_open = [b for b in buckets if b.state == BUCKET_OPEN]
    refund, who = act(Act.REFUND), actor(ctx)
    # the refund's rule reads a bucket's state alone: asked once for each state among them
    for b in {b.state: b for b in still_open}.values():
        before = life.Bucket(
            b.state,
            state,
            b.number,
            b.title,
            b.author,
            b.min_cents,
            b.max_cents,
            b.held,
            b.fundings,
        )
        require(ctx, life.bucket_step(before, refund, who, ctx.now))
    _refund_open_buckets(ctx, rnd.id)
    rnd.state = ROUND_CLOSED
    rnd.closed_at = ctx.now
    rnd.closed_event_id = ctx.source_event_id
    ctx.db.flush()
    refunded = [(b.id, b.held) for b in still_open]
    funded = [(b.id, b.held) for b in buckets if b.state in (BUCKET_FUNDED, BUCKET_COMPLETED)]
    if still_open:
        ctx.audit(
            "refunds",
            "round",
            rnd.id,
            refunded=sum(b.held for b in still_open),
            fundings=sum(b.active for b in still_open),
            buckets=[[b.number, b.held] for b in still_open],
        )
    # what the buckets still hold: the funded and completed ones' (the rest gave it back)
    given = f.allocated
    in_buckets = sum(cents for _, cents in funded)
    ctx.audit(
        "close",
        "round",
        rnd.id,
        funded=dict(funded),
        refunded=dict(refunded),
        allocated=given,
        in_buckets=in_buckets,
    )
    # the cards say so (refunded; no more funding), then the room is answered: a thousand
    # cards are worded after the transaction (``commands.deferred``), so that no other room
    # waits on them; their placeholders are written by one statement
    edited = [b.id for b in still_open if b.card] + [
        b.id for b in buckets if b.state == BUCKET_FUNDED and b.card
    ]
    t = Bucket.__table__  # type: ignore[attr-defined]
    outbox = BotMessage.__table__  # type: ignore[attr-defined]
    cards = (
        sa_select(
            outbox.c.room_id,
            outbox.c.id,
            func.row_number().over(
                order_by=(case((t.c.state == BUCKET_REFUNDED, 0), else_=1), t.c.id)
            ),
        )
        .select_from(t.join(outbox, outbox.c.id == t.c.card_message_id))
        .where(t.c.round_id == rnd.id, t.c.state.in_((BUCKET_REFUNDED, BUCKET_FUNDED)))
    )
    defer_edits_of(
        ctx,
        CLOSE_ANSWER,
        {
            "round_id": rnd.id,
            "cards": edited,
            "funded": [list(pair) for pair in funded],
            "refunded": [list(pair) for pair in refunded],
            "allocated": given,
            "in_buckets": in_buckets,
        },
        cards,
    )


def render_round_closed(scope: RenderScope) -> Rendered:
    """What ``!tour fermer`` says: the cards of the buckets it refunded or left funded, each in
    its new state, then the round's outcome."""
    s = scope
    p = s.params
    rnd = s.db.get(CobudgetRound, int(p["round_id"]))
    assert rnd is not None and rnd.id is not None
    buckets = {b.id: b for b in round_buckets(s.db, rnd.id)}
    totals = bucket_totals(s.db, rnd.id)
    edited = [buckets[i] for i in p["cards"] if i in buckets]
    s.names(b.author for b in edited)
    edits = [
        (b.card_message_id, render_card(s, b, rnd, s.settings.prefix, totals.get(b.id, (0, 0))))
        for b in edited
        if b.card_message_id is not None and b.id is not None
    ]
    parts: list[Rich | str] = [s.t("buckets.round.closed", id=rnd.number, title=rnd.title)]
    for key, listed in (("closed_funded", p["funded"]), ("closed_refunded", p["refunded"])):
        for bucket_id, cents in listed:
            bucket = buckets.get(bucket_id)
            if bucket is not None:
                parts.append(
                    s.t(
                        f"buckets.round.{key}",
                        id=bucket.number,
                        title=bucket.title,
                        held=s.money(cents),
                    )
                )
    given, in_buckets = int(p["allocated"]), int(p["in_buckets"])
    parts.append(
        s.t(
            "buckets.round.closed_totals",
            pot=s.money(rnd.pot_cents),
            in_buckets=s.money(in_buckets),
            balances=s.money(given - in_buckets),
            unallocated=s.money(rnd.pot_cents - given),
        )
    )
    return Rendered(text=lines(*parts), edits=edits)
