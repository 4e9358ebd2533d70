"""``!allouer``: balances given to members out of the round's pot."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert
from sqlmodel import select

from commands.args import PeriodArg
from commands.cobudget.queries import _need_open_round, figures
from commands.cobudget.rules import actor, round_life
from commands.cobudget.words import ALLOCATED, FAMILY, Member, RoomAmount
from commands.core import Context, RoomTexts, UserError, room_members
from commands.csvfile import LONG_TABLE, FullTable, long_table, money_cell
from commands.declare import Arg, Declared
from commands.deferred import Rendered, RenderScope, defer
from commands.distribution import split_equal, split_proportional
from commands.grammar import Amount, Period
from commands.lifecycle import ABSENT, Act, act, require
from commands.lifecycle import cobudget as life
from commands.render import Rich, lines
from storage.ledger import balances
from storage.models.cobudget import Allocation, CobudgetRound
from storage.queries import contribution_totals

# --------------------------------------------------------------------------- !allouer


def _allocation_round(ctx: Context) -> tuple[CobudgetRound, int]:
    """The open round, if an allocation may be made in it, and what is left of its pot (read
    once per event: the check before the words are read keeps it for the handler)."""
    key = f"allocation-round:{ctx.source_event_id}"
    kept: tuple[CobudgetRound, int] | None = ctx.db.info.pop(key, None)
    if kept is not None:
        return kept
    rnd = _need_open_round(ctx)
    assert rnd.id is not None
    counts = figures(ctx, rnd.id)
    require(
        ctx,
        life.allocation_step(
            life.Allocation(ABSENT, round_life(ctx, rnd, counts)),
            act(Act.CREATE),
            actor(ctx),
            ctx.now,
        ),
    )
    return rnd, rnd.pot_cents - counts.allocated


def _can_allocate(ctx: Context, words: list[str]) -> None:
    ctx.db.info[f"allocation-round:{ctx.source_event_id}"] = _allocation_round(ctx)


ALLOCATE_COMMAND = Declared(
    "allouer", family=FAMILY, refusal="buckets.usage.allocate", before=_can_allocate
)


@ALLOCATE_COMMAND.sub(
    "hours", Arg("period", PeriodArg(), refusal="buckets.usage.allocate_hours"), admin=True
)
def allocate_by_hours(ctx: Context, period: Period) -> None:
    rnd, left = _allocation_round(ctx)
    shares, details = _by_hours(ctx, rnd, period, left)
    _allocate(ctx, rnd, left, shares, "hours", details)


@ALLOCATE_COMMAND.sub("everyone", Arg("each", RoomAmount(), optional=True), admin=True)
def allocate_to_everyone(ctx: Context, each: Amount | None) -> None:
    rnd, left = _allocation_round(ctx)
    shares, method = _to_everyone(ctx, rnd, each, left)
    _allocate(ctx, rnd, left, shares, method, {})


@ALLOCATE_COMMAND.sub(
    "people",
    Arg("people", Member(), repeated=True),
    Arg("each", RoomAmount()),
    path=(),
    admin=True,
)
def allocate_to_people(ctx: Context, people: list[str], each: Amount) -> None:
    rnd, left = _allocation_round(ctx)
    shares = {person: each.cents for person in people}
    _allocate(ctx, rnd, left, shares, "person", {})


def _allocate(
    ctx: Context,
    rnd: CobudgetRound,
    left: int,
    shares: dict[str, int],
    method: str,
    details: dict[str, Any],
) -> None:
    """Give ``shares`` (cents by person) out of what is ``left`` of the round's pot, and say
    so."""
    p = ctx.settings.prefix
    shares = {user: cents for user, cents in shares.items() if cents > 0}
    total = sum(shares.values())
    if total <= 0:
        raise UserError("buckets.error.zero_amount", prefix=p)
    if total > left:
        raise UserError(
            "buckets.error.over_pot",
            total=ctx.money(total),
            left=ctx.money(left),
            pot=ctx.money(rnd.pot_cents),
        )
    plain_details = _plain(details)
    minutes = plain_details.pop("minutes", None)
    ctx.db.flush()
    # one statement; each share names its own minutes (by contributions), not everyone's again
    ctx.db.connection().execute(
        insert(Allocation.__table__),  # type: ignore[attr-defined]
        [
            {
                "round_id": rnd.id,
                "room_id": ctx.room.id,
                "user_id": user,
                "cents": cents,
                "method": method,
                "details": (
                    plain_details
                    if minutes is None
                    else {**plain_details, "minutes": {user: minutes[user]}}
                ),
                "created_by": ctx.sender,
                "event_id": ctx.source_event_id,
                "created_at": ctx.now,
            }
            for user, cents in sorted(shares.items())
        ],
    )
    for user, cents in sorted(shares.items()):
        ctx.audit("allocate", "round", rnd.id, user=user, cents=cents, method=method)
    outcome: dict[str, Any] = {"round_id": rnd.id, "total": total, "left": left - total}
    if method in ("hours", "equal", "each"):
        # everyone of the room, or everyone who contributed: the table (and its file) is worded
        # after the transaction (``commands.deferred``), so that no other room waits on it; it
        # reads who got what back from the allocations (the job names nobody: forgetting
        # someone finds nothing of them there)
        outcome["event"] = ctx.source_event_id
        defer(ctx, ALLOCATED, outcome, then=("file",) if len(shares) > LONG_TABLE else ())
        return
    outcome["shares"] = sorted(shares.items())
    outcome["left_out"] = details.get("left_out", [])
    text, full = _allocated(ctx, rnd, outcome)
    if full is None:
        ctx.reply(text)
    else:  # the answer and the whole table as a file, in one statement
        full.post_after(ctx, text)


def _by_hours(
    ctx: Context, rnd: CobudgetRound, period: Period, left: int
) -> tuple[dict[str, int], dict[str, Any]]:
    """``!allouer contributions <période>``: what is left of the pot, shared in proportion to
    the minutes each member contributed in the period."""
    p = ctx.settings.prefix
    totals = contribution_totals(ctx.db, ctx.room.id, period.start, period.end)
    current = set(room_members(ctx.db, ctx.room.id))
    weights = {
        user: minutes for user, minutes, _ in totals.by_person if minutes > 0 and user in current
    }
    # allocations only go to members: who left (or was never one) is left out, and said
    left_out = sorted(u for u, m, _ in totals.by_person if m > 0 and u not in current)
    if not weights:
        raise UserError("buckets.error.no_contributions", prefix=p)
    if left <= 0:
        raise UserError("buckets.error.pot_empty", pot=ctx.money(rnd.pot_cents))
    details: dict[str, Any] = {"start": period.start, "end": period.end, "minutes": weights}
    if left_out:
        details["left_out"] = left_out
    return split_proportional(left, weights), details


def _to_everyone(
    ctx: Context, rnd: CobudgetRound, each: Amount | None, left: int
) -> tuple[dict[str, int], str]:
    """``!allouer tous [montant]``: the same amount to each member, or what is left of the pot
    shared equally."""
    members = room_members(ctx.db, ctx.room.id)
    if not members:
        raise UserError("buckets.error.no_members")
    if each is None:
        if left <= 0:
            raise UserError("buckets.error.pot_empty", pot=ctx.money(rnd.pot_cents))
        return split_equal(left, members), "equal"
    return {m: each.cents for m in members}, "each"


def _allocated(
    s: RoomTexts, rnd: CobudgetRound, said: dict[str, Any]
) -> tuple[Rich, FullTable | None]:
    """The answer to ``!allouer`` (``said``: what it gave), and the file of its whole table
    when it is long."""
    shares = {user: int(cents) for user, cents in said["shares"]}
    ordered = sorted(shares.items(), key=lambda item: (-item[1], item[0]))
    names = s.names(shares)
    assert rnd.id is not None
    # everyone's balance in two queries, whatever the number of people
    left_of = {user: given - used for user, given, used in balances(s.db, rnd.id)}
    rows = [[names[u], s.money(cents), s.money(left_of.get(u, 0))] for u, cents in ordered]
    head = s.t(
        "buckets.allocated",
        total=s.money(int(said["total"])),
        people=len(shares),
        title=rnd.title,
        left=s.money(int(said["left"])),
    )
    shown, full = long_table(
        s,
        [s.t("buckets.col.person"), s.t("buckets.col.given"), s.t("buckets.col.balance")],
        rows,
        align="lrr",
        name=f"allocations-{rnd.number}.csv",
        csv_header=[s.t(f"buckets.csv.{c}") for c in ("person", "user", "given", "balance")],
        csv_rows=[
            [names[u], u, money_cell(cents), money_cell(left_of.get(u, 0))] for u, cents in ordered
        ],
    )
    left_out = said["left_out"]
    answer = lines(
        head,
        shown,
        *(
            [
                s.t(
                    "buckets.allocated_left_out",
                    people=", ".join(sorted(s.names(left_out).values())),
                )
            ]
            if left_out
            else []
        ),
    )
    return answer, full


def render_allocated(scope: RenderScope) -> Rendered:
    """The answer to ``!allouer tous`` / ``!allouer contributions``: who got what, and their
    balances; a long table also as a CSV file."""
    s = scope
    rnd = s.db.get(CobudgetRound, int(s.params["round_id"]))
    assert rnd is not None
    given = s.db.exec(
        select(Allocation.user_id, Allocation.cents, Allocation.details).where(
            Allocation.round_id == rnd.id, Allocation.event_id == s.params["event"]
        )
    ).all()
    if not given:  # undone meanwhile: its undoing says so
        return Rendered()
    outcome = {
        **s.params,
        "shares": sorted((user, cents) for user, cents, _ in given),
        "left_out": list((given[0][2] or {}).get("left_out", [])),
    }
    text, full = _allocated(s, rnd, outcome)
    if full is None:
        return Rendered(text=text)
    file = Rendered(text=full.caption, file_name=full.name, mime="text/csv", data=full.data)
    return Rendered(text=text, more=[file])


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
