"""Funding a bucket (a reaction on its card, or ``!financer``), withdrawing a funding, and
giving fundings back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import col

from commands.args import BucketRef
from commands.cobudget.card import refresh_card
from commands.cobudget.queries import figures, find_bucket, load_bucket
from commands.cobudget.rules import actor, bucket_life, reaction_value
from commands.cobudget.words import FAMILY, RoomAmount
from commands.core import Context, UserError
from commands.declare import Arg, Declared
from commands.grammar import Amount
from commands.lifecycle import ABSENT, Act, act, require, undo
from commands.lifecycle import cobudget as life
from storage.models import BotMessage
from storage.models.cobudget import (
    BUCKET_FUNDED,
    BUCKET_OPEN,
    FUNDING_ACTIVE,
    FUNDING_REFUNDED,
    Bucket,
    CobudgetRound,
    Funding,
    funding_state,
)
from storage.numbers import LARGEST


def _apply_bucket(ctx: Context, bucket: Bucket, after: life.Bucket) -> None:
    """The bucket's state as a step left it: funded from its minimum on, open below it."""
    if after.status == bucket.state:
        return
    if after.status == BUCKET_FUNDED and bucket.state == BUCKET_OPEN:
        bucket.state, bucket.funded_at = BUCKET_FUNDED, ctx.now
        ctx.audit("funded", "bucket", bucket.id, held=after.held)
        ctx.reply(
            ctx.t(
                "buckets.funded_now",
                id=bucket.number,
                title=bucket.title,
                held=ctx.money(after.held),
                min=ctx.money(bucket.min_cents),
            )
        )
    elif after.status == BUCKET_OPEN and bucket.state == BUCKET_FUNDED:
        bucket.state, bucket.funded_at = BUCKET_OPEN, None
        ctx.audit("unfunded", "bucket", bucket.id, held=after.held)
        ctx.reply(
            ctx.t(
                "buckets.unfunded",
                id=bucket.number,
                title=bucket.title,
                held=ctx.money(after.held),
                min=ctx.money(bucket.min_cents),
            )
        )
    else:  # pragma: no cover - a funding moves a bucket between open and funded only
        raise AssertionError((bucket.state, after.status))


def fund(
    ctx: Context,
    bucket: Bucket,
    cents: int,
    *,
    source: str,
    reaction_key: str | None = None,
    then: Callable[[int], str] | None = None,
) -> tuple[Funding, int]:
    """Put ``cents`` of the sender's balance into ``bucket`` (or raise ``UserError``): one funding
    row tied to this event, the bucket's state moved on, the card edited, an audit row. Returns
    the funding and the sender's balance left; ``then(balance left)``: said after the card's
    edit."""
    rnd = ctx.db.get(CobudgetRound, bucket.round_id)
    assert rnd is not None and rnd.id is not None and bucket.id is not None
    f = figures(ctx, rnd.id, bucket.id, ctx.sender)
    held, people, already = f.held, f.people, f.mine > 0
    before = life.Bucket(
        bucket.state,
        life.Round(rnd.state, rnd.title, rnd.deadline, ctx.room.timezone),
        bucket.number,
        bucket.title,
        bucket.author,
        bucket.min_cents,
        bucket.max_cents,
        held,
    )
    state = life.Funding(ABSENT, before, cents, ctx.sender, f.given, f.given - f.used)
    after = require(ctx, life.funding_step(state, act(Act.CREATE), actor(ctx), ctx.now))
    funding = Funding(
        round_id=rnd.id,
        bucket_id=bucket.id,
        funder=ctx.sender,
        cents=cents,
        source=source,
        reaction_key=reaction_key,
        event_id=ctx.source_event_id,
        created_at=ctx.now,
    )
    ctx.db.add(funding)
    ctx.db.flush()
    ctx.audit(
        "fund",
        "bucket",
        bucket.id,
        funding_id=funding.id,
        funder=ctx.sender,
        cents=cents,
        source=source,
        reaction_key=reaction_key,
    )
    _apply_bucket(ctx, bucket, after.bucket)
    left = state.balance - cents
    refresh_card(
        ctx,
        bucket,
        totals=(held + cents, people + (0 if already else 1)),
        then=then(left) if then is not None else None,
    )
    return funding, left


def withdraw(ctx: Context, funding: Funding) -> Bucket:
    """Undo a funding (its reaction was removed, its command deleted or edited into text): the
    row goes, the bucket is as it would be without it. Refused (``UserError``) once the round is
    closed or past its deadline, or the bucket done or the funding given back already."""
    bucket = load_bucket(ctx, col(Bucket.id) == funding.bucket_id)
    assert bucket is not None and bucket.id is not None
    f = figures(ctx, funding.round_id, bucket.id, funding.funder)
    before = bucket_life(ctx, bucket, found=f)
    after = require(
        ctx,
        life.funding_step(
            life.Funding(
                funding_state(funding, bucket.state),
                before,
                funding.cents,
                funding.funder,
                f.given,
                f.given - f.used,
            ),
            undo(Act.CREATE),
            actor(ctx),
            ctx.now,
        ),
    )
    # what the card shows once it is gone (only an active funding may be withdrawn)
    active = funding_state(funding, bucket.state) == FUNDING_ACTIVE
    totals = (
        f.held - (funding.cents if active else 0),
        f.people - (1 if active and f.mine == 1 else 0),
    )
    ctx.audit(
        "withdraw",
        "bucket",
        bucket.id,
        funding_id=funding.id,
        funder=funding.funder,
        cents=funding.cents,
    )
    ctx.db.delete(funding)
    ctx.db.flush()
    _apply_bucket(ctx, bucket, after.bucket)
    refresh_card(ctx, bucket, totals=totals)
    return bucket


def refund_buckets(ctx: Context, buckets: list[Bucket], state: str) -> dict[int, tuple[int, int]]:
    """Give every active funding of ``buckets`` back; each ends in ``state``. The fundings
    record the message that gave them back, so that deleting it brings them back. A few
    statements whatever their number (the fundings given back in one statement, that returns
    them); their cards are left to the caller. Returns (cents refunded, funders refunded) per
    bucket."""
    now = ctx.now
    ids = [b.id for b in buckets if b.id is not None]
    table = Funding.__table__  # type: ignore[attr-defined]
    ctx.db.flush()  # written on the connection: what the event changed so far comes first
    fundings: list[Any] = []
    for i in range(0, len(ids), 5000):
        fundings += (
            ctx.db.connection()
            .execute(
                table.update()
                .where(table.c.bucket_id.in_(ids[i : i + 5000]), table.c.state == FUNDING_ACTIVE)
                .values(state=FUNDING_REFUNDED, ended_at=now, ended_event_id=ctx.source_event_id)
                .returning(table.c.id, table.c.bucket_id, table.c.funder, table.c.cents)
            )
            .all()
        )
    fundings.sort(key=lambda row: row.id)
    for held in list(ctx.db.identity_map.values()):
        if isinstance(held, Funding):
            ctx.db.expire(held)  # read again if used: the statement changed them
    by_bucket: dict[int, list[Any]] = {}
    for funding in fundings:
        by_bucket.setdefault(funding.bucket_id, []).append(funding)
    out: dict[int, tuple[int, int]] = {}
    # the buckets' new state in one statement; the objects are told without writing them again
    buckets_table = Bucket.__table__  # type: ignore[attr-defined]
    for i in range(0, len(ids), 5000):
        ctx.db.connection().execute(
            buckets_table.update()
            .where(buckets_table.c.id.in_(ids[i : i + 5000]))
            .values(state=state, closed_at=now)
        )
    for bucket in buckets:
        assert bucket.id is not None
        given_back = by_bucket.get(bucket.id, [])
        total = sum(funding.cents for funding in given_back)
        people = {funding.funder for funding in given_back}
        before = bucket.state
        set_committed_value(bucket, "state", state)
        set_committed_value(bucket, "closed_at", now)
        # one row per bucket, that names every funding it gave back (funding, funder, cents)
        ctx.audit(
            state,
            "bucket",
            bucket.id,
            before=before,
            refunded=total,
            funders=len(people),
            fundings=[[f.id, f.funder, f.cents] for f in given_back],
        )
        out[bucket.id] = (total, len(people))
    return out


# --------------------------------------------------------------------------- !financer, reactions


FUND_COMMAND = Declared("financer", family=FAMILY)


@FUND_COMMAND.sub("fund", Arg("number", BucketRef()), Arg("amount", RoomAmount()), path=())
def fund_command(ctx: Context, number: int, amount: Amount) -> None:
    bucket = find_bucket(ctx, str(number))
    cents = amount.cents
    fund(
        ctx,
        bucket,
        cents,
        source="command",
        then=lambda left: ctx.t(
            "buckets.funded_by_command",
            cents=ctx.money(cents),
            id=bucket.number,
            title=bucket.title,
            balance=ctx.money(left),
        ),
    )


def on_card_reaction(ctx: Context, target: BotMessage, key: str) -> bool:
    """A reaction on a bucket card: fund the bucket with what the key is worth in the round.
    Other keys are ignored; a refused funding gets a short answer naming the person."""
    if target.ref_id is None or not target.ref_id.isdigit():
        return False
    bucket_id = int(target.ref_id)
    bucket = load_bucket(ctx, col(Bucket.id) == bucket_id) if bucket_id < LARGEST else None
    if bucket is None:
        return False
    rnd = ctx.db.get(CobudgetRound, bucket.round_id)
    if rnd is None:
        return False
    cents = reaction_value(rnd, key)
    if cents is None:
        return False
    try:
        fund(ctx, bucket, cents, source="reaction", reaction_key=key)
    except UserError as err:
        who = ctx.name(ctx.sender)
        ctx.reply(
            ctx.t(
                "buckets.reaction_refused",
                who=who,
                emoji=key,
                reason=ctx.refusal(err),
            )
        )
    return True
