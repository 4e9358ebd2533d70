"""``!bucket`` (propose, show, complete, cancel) and ``!buckets``."""

from __future__ import annotations

from commands.cobudget.card import refresh_card, render_card
from commands.cobudget.funding import refund_buckets
from commands.cobudget.queries import (
    _bucket_id,
    _need_open_round,
    active_fundings,
    figures,
    find_bucket,
    latest_round,
    open_round,
    round_buckets,
)
from commands.cobudget.rules import actor, bucket_life, round_life
from commands.cobudget.words import (
    _CANCEL_WORDS,
    _COMPLETE_WORDS,
    _MAX_WORDS,
    _MIN_WORDS,
    BUCKET_LIST,
    _amount,
)
from commands.core import Context, UserError
from commands.deferred import Rendered, RenderScope, defer
from commands.grammar import Amount, fold, tokenize
from commands.lifecycle import ABSENT, Act, act, require
from commands.lifecycle import cobudget as life
from commands.render import lines, table
from storage.ledger import bucket_totals
from storage.models.cobudget import BUCKET_CANCELLED, BUCKET_COMPLETED, Bucket, CobudgetRound
from storage.numbers import BUCKET, next_number


def bucket_command(ctx: Context, args: str) -> None:
    tokens = tokenize(args)
    if not tokens:
        raise UserError("buckets.usage.bucket", prefix=ctx.settings.prefix)
    if _bucket_id(tokens[0]) is not None and (
        len(tokens) == 1 or fold(tokens[1]) in (_COMPLETE_WORDS + _CANCEL_WORDS)
    ):
        bucket = find_bucket(ctx, tokens[0])
        if len(tokens) == 1:
            _show_bucket(ctx, bucket)
        elif fold(tokens[1]) in _COMPLETE_WORDS:
            _complete(ctx, bucket)
        else:
            _cancel(ctx, bucket)
        return
    _propose(ctx, tokens)


def _propose(ctx: Context, tokens: list[str]) -> None:
    p = ctx.settings.prefix
    title_words: list[str] = []
    i = 0
    goal: Amount | None = None
    while i < len(tokens):
        if title_words:
            found = _amount(ctx, tokens, i)
            if found is not None:
                goal = found[0]
                i += found[1]
                break
        title_words.append(tokens[i])
        i += 1
    if title_words and fold(title_words[-1]) in _MIN_WORDS:
        title_words.pop()
    title = " ".join(title_words).strip()
    if not title or goal is None:
        raise UserError("buckets.usage.bucket", prefix=p)
    maximum: Amount | None = None
    if i < len(tokens) and fold(tokens[i]) in _MAX_WORDS:
        found = _amount(ctx, tokens, i + 1)
        if found is None:
            raise UserError("buckets.usage.bucket", prefix=p)
        maximum = found[0]
        i += 1 + found[1]
    description = " ".join(tokens[i:]).strip()
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
        description=description[:2000],
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


def list_buckets(ctx: Context, args: str) -> None:
    rnd = open_round(ctx.db, ctx.room.id) or latest_round(ctx.db, ctx.room.id)
    if rnd is None:
        raise UserError("buckets.error.no_round", prefix=ctx.settings.prefix)
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
