"""``!tour``: opening a round, its reaction values, showing it, and closing the rounds whose
deadline has passed.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy import func
from sqlmodel import Session, col, select

from commands.args import Choice
from commands.cobudget.card import reactions_text
from commands.cobudget.closing import _close_round
from commands.cobudget.queries import _need_open_round, latest_round, open_round
from commands.cobudget.rules import actor, reaction_values, round_life
from commands.cobudget.words import (
    DEFAULT_REACTIONS,
    FAMILY,
    STATE_ORDER,
    Deadline,
    ReactionValue,
    RoomAmount,
    Title,
)
from commands.core import Context, Queued, Registry, Settings, UserError, system_context
from commands.declare import Arg, Declared
from commands.grammar import Amount
from commands.lifecycle import ABSENT, Act, act, require
from commands.lifecycle import cobudget as life
from storage.db import lock_rooms
from storage.ledger import round_money
from storage.models import Room
from storage.models.cobudget import ROUND_OPEN, Bucket, CobudgetRound
from storage.numbers import ROUND, next_number

ROUND_COMMAND = Declared("tour", family=FAMILY)


@ROUND_COMMAND.sub("show", Arg("word", Choice("sub.tour.show"), optional=True), path=())
def show_round(ctx: Context, word: str | None) -> None:
    _show_round(ctx)


@ROUND_COMMAND.sub(
    "open",
    Arg("title", Title()),
    Arg("pot", RoomAmount()),
    Arg("deadline", Deadline(), optional=True, anywhere=True),
    admin=True,
)
def open_round_command(ctx: Context, title: str, pot: Amount, deadline: dt.date | None) -> None:
    p = ctx.settings.prefix
    if pot.cents <= 0:
        raise UserError("buckets.error.zero_amount", prefix=p)
    if deadline is not None and deadline < ctx.today:
        raise UserError("buckets.error.deadline_past", date=ctx.date(deadline))
    current = open_round(ctx.db, ctx.room.id)
    if current is not None:
        raise UserError("buckets.error.round_already_open", title=current.title, prefix=p)
    require(
        ctx,
        life.round_step(
            life.Round(ABSENT, title, deadline, ctx.room.timezone),
            act(Act.CREATE),
            actor(ctx),
            ctx.now,
        ),
    )
    rnd = CobudgetRound(
        room_id=ctx.room.id,
        number=next_number(ctx.db, ctx.room.id, ROUND),
        title=title[:255],
        pot_cents=pot.cents,
        deadline=deadline,
        reaction_values=dict(DEFAULT_REACTIONS),
        created_by=ctx.sender,
        event_id=ctx.source_event_id,
        created_at=ctx.now,
    )
    ctx.db.add(rnd)
    ctx.db.flush()
    ctx.audit(
        "open",
        "round",
        rnd.id,
        number=rnd.number,
        title=rnd.title,
        pot=rnd.pot_cents,
        deadline=deadline,
        reactions=rnd.reaction_values,
    )
    until = ctx.t("buckets.round.until", date=ctx.date(deadline)) if deadline else ""
    ctx.reply(
        ctx.t(
            "buckets.round.opened",
            id=rnd.number,
            title=rnd.title,
            pot=ctx.money(rnd.pot_cents),
            until=until,
            reactions=reactions_text(ctx, rnd),
            prefix=p,
        )
    )


def close_due_rounds(
    db: Session, registry: Registry, settings: Settings, now: dt.datetime
) -> list[Queued]:
    """Close every open round whose deadline has passed (its last day is over in the room's
    time zone), as ``!tour fermer`` would, and tell the room. Closing changes the round's
    state, so a round is closed once however often this runs."""
    sent: list[Queued] = []
    rounds = db.exec(
        select(CobudgetRound).where(
            CobudgetRound.state == ROUND_OPEN, col(CobudgetRound.deadline).is_not(None)
        )
    ).all()
    due: list[tuple[CobudgetRound, Room]] = []
    for rnd in rounds:
        room = db.get(Room, rnd.room_id)
        if room is None or rnd.deadline is None:
            continue
        if now.astimezone(ZoneInfo(room.timezone)).date() > rnd.deadline:
            due.append((rnd, room))
    if due:
        # the rooms are this unit of work's from here: their rounds are read again
        lock_rooms(db, {room.id for _, room in due})
    for rnd, room in due:
        db.refresh(rnd)
        if rnd.state != ROUND_OPEN or rnd.deadline is None:
            continue
        ctx = system_context(db, room, registry, settings, now, f"deadline:round:{rnd.id}")
        ctx.reply(
            ctx.t("buckets.round.deadline_reached", title=rnd.title, date=ctx.date(rnd.deadline))
        )
        _close_round(ctx, Act.DEADLINE)
        ctx.flush_audits()
        sent.extend(ctx.sent)
    return sent


@ROUND_COMMAND.sub("close", admin=True)
def close_round(ctx: Context) -> None:
    _close_round(ctx)


@ROUND_COMMAND.sub("reactions", Arg("values", ReactionValue(), repeated=True), admin=True)
def set_reactions(ctx: Context, values: list[tuple[str, int]]) -> None:
    rnd = _need_open_round(ctx)
    require(ctx, life.round_step(round_life(ctx, rnd), act(Act.SET), actor(ctx), ctx.now))
    before = reaction_values(rnd)
    rnd.reaction_values = dict(values)
    ctx.audit("reactions", "round", rnd.id, before=before, after=rnd.reaction_values)
    ctx.reply(ctx.t("buckets.round.reactions_set", reactions=reactions_text(ctx, rnd)))


def _show_round(ctx: Context) -> None:
    rnd = open_round(ctx.db, ctx.room.id) or latest_round(ctx.db, ctx.room.id)
    if rnd is None:
        raise UserError("buckets.error.no_round", prefix=ctx.settings.prefix)
    assert rnd.id is not None
    given, in_buckets = round_money(ctx.db, rnd.id)
    # the buckets counted by state in the database, not read one by one
    counts: dict[str, int] = {
        bucket_state: int(n)
        for bucket_state, n in ctx.db.exec(
            select(Bucket.state, func.count(col(Bucket.id)))
            .where(Bucket.round_id == rnd.id)
            .group_by(col(Bucket.state))
        ).all()
    }
    state = ctx.t(f"buckets.round.state_{rnd.state}")
    until = ctx.t("buckets.round.until", date=ctx.date(rnd.deadline)) if rnd.deadline else ""
    states = ", ".join(
        ctx.t(f"buckets.counted.{name}", n=n)
        for name, n in sorted(counts.items(), key=lambda item: STATE_ORDER.index(item[0]))
    ) or ctx.t("buckets.round.no_buckets")
    text = ctx.t(
        "buckets.round.show",
        id=rnd.number,
        title=rnd.title,
        state=state,
        until=until,
        pot=ctx.money(rnd.pot_cents),
        allocated=ctx.money(given),
        unallocated=ctx.money(rnd.pot_cents - given),
        in_buckets=ctx.money(in_buckets),
        balances=ctx.money(given - in_buckets),
        buckets=states,
        reactions=reactions_text(ctx, rnd),
    )
    ctx.reply(text)
