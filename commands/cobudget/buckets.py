"""``!bucket`` (propose, show, complete, cancel) and ``!buckets``."""

from __future__ import annotations

from commands.args import BucketRef, Choice, Text
from commands.cobudget.card import refresh_card, render_card
from commands.cobudget.funding import refund_buckets
from commands.cobudget.queries import (
    _need_open_round,
    active_fundings,
    current_round,
    figures,
    find_bucket,
    has_round,
    round_buckets,
)
from commands.cobudget.rules import actor, bucket_life, round_life
from commands.cobudget.words import (
    _MIN_WORDS,
    BUCKET_LIST,
    FAMILY,
    Maximum,
    RoomAmount,
    Title,
)
from commands.core import Context, UserError
from commands.declare import Arg, Declared
from commands.deferred import Rendered, RenderScope, defer
from commands.grammar import Amount
from commands.lifecycle import ABSENT, Act, act, require
from commands.lifecycle import cobudget as life
from commands.render import lines, table
from storage.ledger import bucket_totals
from storage.models.cobudget import BUCKET_CANCELLED, BUCKET_COMPLETED, Bucket, CobudgetRound
from storage.numbers import BUCKET, next_number

BUCKET_COMMAND = Declared("bucket", family=FAMILY)


@BUCKET_COMMAND.sub(
    "propose",
    Arg("title", Title(dropped=_MIN_WORDS)),
    Arg("goal", RoomAmount()),
    Arg("maximum", Maximum(), optional=True),
    Arg("description", Text(), optional=True, shown="description"),
    path=(),
)
def propose(
    ctx: Context, title: str, goal: Amount, maximum: Amount | None, description: str | None
) -> None:
    p = ctx.settings.prefix
    if goal.cents <= 0:
        raise UserError("buckets.error.zero_amount", prefix=p)
    if maximum is not None and maximum.cents < goal.cents:
        raise UserError(
            "buckets.error.max_below_min", min=ctx.money(goal.cents), max=ctx.money(maximum.cents)
        )
    rnd = _need_open_round(ctx)
    require(
        ctx,
        life.bucket_step(
            life.Bucket(ABSENT, round_life(ctx, rnd)), act(Act.CREATE), actor(ctx), ctx.now
        ),
    )
    bucket = Bucket(
        round_id=rnd.id,  # type: ignore[arg-type]
        room_id=ctx.room.id,
        number=next_number(ctx.db, ctx.room.id, BUCKET),
        title=title[:255],
        description=(description or "").strip()[:2000],
        author=ctx.sender,
        min_cents=goal.cents,
        max_cents=maximum.cents if maximum else goal.cents,
        event_id=ctx.source_event_id,
        created_at=ctx.now,
    )
    ctx.db.add(bucket)
    ctx.db.flush()
    # a new bucket holds nothing yet
    card = ctx.reply(render_card(ctx, bucket, rnd, p, totals=(0, 0)), ref=("bucket", bucket.id))
    bucket.card_message_id = card.id
    ctx.audit(
        "create",
        "bucket",
        bucket.id,
        number=bucket.number,
        title=bucket.title,
        min=bucket.min_cents,
        max=bucket.max_cents,
        description=bucket.description,
        round_id=rnd.id,
    )


_NUMBER = Arg("number", BucketRef())


@BUCKET_COMMAND.sub("show", _NUMBER, path=())
def show_bucket(ctx: Context, number: int) -> None:
    _show_bucket(ctx, find_bucket(ctx, str(number)))


@BUCKET_COMMAND.sub("complete", _NUMBER, Arg("word", Choice("sub.bucket.complete")), path=())
def complete_bucket(ctx: Context, number: int, word: str) -> None:
    _complete(ctx, find_bucket(ctx, str(number)))


@BUCKET_COMMAND.sub("cancel", _NUMBER, Arg("word", Choice("sub.bucket.cancel")), path=())
def cancel_bucket(ctx: Context, number: int, word: str) -> None:
    _cancel(ctx, find_bucket(ctx, str(number)))


def _complete(ctx: Context, bucket: Bucket) -> None:
    assert bucket.id is not None
    f = figures(ctx, bucket.round_id, bucket.id)
    require(
        ctx,
        life.bucket_step(bucket_life(ctx, bucket, found=f), act(Act.COMPLETE), actor(ctx), ctx.now),
    )
    bucket.state = BUCKET_COMPLETED
    bucket.closed_at = ctx.now
    ctx.audit("complete", "bucket", bucket.id)
    refresh_card(
        ctx,
        bucket,
        totals=(f.held, f.people),
        then=ctx.t(
            "buckets.completed", id=bucket.number, title=bucket.title, who=ctx.name(ctx.sender)
        ),
    )


def _cancel(ctx: Context, bucket: Bucket, *, removed: bool = False) -> None:
    """Cancel ``bucket`` and refund its funders; ``removed``: because the message that
    proposed it was deleted (or edited into plain text)."""
    require(ctx, life.bucket_step(bucket_life(ctx, bucket), act(Act.CANCEL), actor(ctx), ctx.now))
    assert bucket.id is not None
    cents, people = refund_buckets(ctx, [bucket], BUCKET_CANCELLED)[bucket.id]
    key = "buckets.cancelled" + ("_removed" if removed else "") + ("" if people else "_unfunded")
    said = ctx.t(
        key,
        id=bucket.number,
        title=bucket.title,
        who=ctx.name(ctx.sender),
        held=ctx.money(cents),
        people=people,
        cause=ctx.removal(),
    )
    refresh_card(ctx, bucket, totals=(0, 0), then=said)


def _show_bucket(ctx: Context, bucket: Bucket) -> None:
    assert bucket.id is not None
    rnd = ctx.db.get(CobudgetRound, bucket.round_id)
    assert rnd is not None
    card = render_card(ctx, bucket, rnd, ctx.settings.prefix)
    per_person: dict[str, int] = {}
    for funding in active_fundings(ctx.db, bucket.id):
        per_person[funding.funder] = per_person.get(funding.funder, 0) + funding.cents
    if not per_person:
        ctx.reply(lines(card, ctx.t("buckets.no_funders")))
        return
    rows = [
        [ctx.name(user), ctx.money(cents)]
        for user, cents in sorted(per_person.items(), key=lambda item: (-item[1], item[0]))
    ]
    ctx.reply(
        lines(
            card,
            ctx.t("buckets.funders", people=len(rows)),
            table([ctx.t("buckets.col.person"), ctx.t("buckets.col.amount")], rows, align="lr"),
        )
    )


BUCKETS_COMMAND = Declared("buckets", family=FAMILY, before=has_round)


@BUCKETS_COMMAND.sub("list", path=())
def list_buckets(ctx: Context) -> None:
    rnd = current_round(ctx)
    # a round may hold a thousand buckets: the list is worded after the transaction
    # (``commands.deferred``), so that no other room waits on it
    defer(ctx, BUCKET_LIST, {"round_id": rnd.id})


def render_bucket_list(scope: RenderScope) -> Rendered:
    """The answer to ``!buckets``: every bucket of the round, with what it holds."""
    s = scope
    rnd = s.db.get(CobudgetRound, int(s.params["round_id"]))
    if rnd is None or rnd.room_id != s.room.id:  # undone meanwhile
        return Rendered(text=s.t("buckets.error.no_round", prefix=s.settings.prefix))
    assert rnd.id is not None
    buckets = round_buckets(s.db, rnd.id)
    if not buckets:
        return Rendered(text=s.t("buckets.list.empty", title=rnd.title, prefix=s.settings.prefix))
    rows = []
    totals = bucket_totals(s.db, rnd.id)
    for bucket in buckets:
        assert bucket.id is not None
        held, people = totals.get(bucket.id, (0, 0))
        goal = s.money(bucket.min_cents)
        if bucket.max_cents > bucket.min_cents:
            goal += f" – {s.money(bucket.max_cents)}"
        rows.append(
            [
                f"#{bucket.number}",
                bucket.title,
                s.t(f"buckets.state.{bucket.state}"),
                s.money(held),
                goal,
                people,
            ]
        )
    head = s.t("buckets.list.title", title=rnd.title, count=len(buckets))
    return Rendered(
        text=lines(
            head,
            table(
                [
                    "#",
                    s.t("buckets.col.bucket"),
                    s.t("buckets.col.state"),
                    s.t("buckets.col.held"),
                    s.t("buckets.col.goal"),
                    s.t("buckets.col.funders"),
                ],
                rows,
                align="lllrrr",
            ),
        )
    )
