"""``!allouer``: balances given to members out of the round's pot."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert
from sqlmodel import select

from commands.cobudget.queries import _need_open_round, figures
from commands.cobudget.rules import actor, round_life
from commands.cobudget.words import _EVERYONE_WORDS, _HOURS_WORDS, ALLOCATED, _amount
from commands.core import Context, RoomTexts, UserError, room_members
from commands.csvfile import LONG_TABLE, FullTable, long_table, money_cell
from commands.deferred import Rendered, RenderScope, defer
from commands.distribution import split_equal, split_proportional
from commands.grammar import Amount, fold, is_mention, parse_period, tokenize
from commands.lifecycle import ABSENT, Act, act, require
from commands.lifecycle import cobudget as life
from commands.people import is_group_mention, resolve_person
from commands.refusals import checked_period
from commands.render import Rich, lines
from storage.ledger import balances
from storage.models.cobudget import Allocation, CobudgetRound
from storage.queries import contribution_totals

# --------------------------------------------------------------------------- !allouer


def allocate_command(ctx: Context, args: str) -> None:
    p = ctx.settings.prefix
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
    tokens = tokenize(args)
    if not tokens:
        raise UserError("buckets.usage.allocate", prefix=p)
    left = rnd.pot_cents - counts.allocated
    first = fold(tokens[0])
    details: dict[str, Any] = {}
    if first in _HOURS_WORDS:
        shares, method, details = _by_hours(ctx, rnd, tokens, left)
    elif first in _EVERYONE_WORDS:
        shares, method = _to_everyone(ctx, rnd, tokens, left)
    else:
        shares, method = _to_people(ctx, tokens)
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
    ctx: Context, rnd: CobudgetRound, tokens: list[str], left: int
) -> tuple[dict[str, int], str, dict[str, Any]]:
    """``!allouer contributions <période>``: what is left of the pot, shared in proportion to
    the minutes each member contributed in the period."""
    p = ctx.settings.prefix
    said = " ".join(tokens[1:])
    asked = parse_period(said, ctx.today) if len(tokens) > 1 else None
    if asked is None:
        raise UserError("buckets.usage.allocate_hours", prefix=p)
    period = checked_period(asked, said)
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
    return split_proportional(left, weights), "hours", details


def _to_everyone(
    ctx: Context, rnd: CobudgetRound, tokens: list[str], left: int
) -> tuple[dict[str, int], str]:
    """``!allouer tous [montant]``: the same amount to each member, or what is left of the pot
    shared equally."""
    p = ctx.settings.prefix
    members = room_members(ctx.db, ctx.room.id)
    if not members:
        raise UserError("buckets.error.no_members")
    amount = _amount(ctx, tokens, 1) if len(tokens) > 1 else None
    if len(tokens) > 1 and (amount is None or 1 + amount[1] != len(tokens)):
        raise UserError("buckets.usage.allocate", prefix=p)
    if amount is None:
        if left <= 0:
            raise UserError("buckets.error.pot_empty", pot=ctx.money(rnd.pot_cents))
        return split_equal(left, members), "equal"
    return {m: amount[0].cents for m in members}, "each"


def _to_people(ctx: Context, tokens: list[str]) -> tuple[dict[str, int], str]:
    """``!allouer @a @b montant``: the amount to each person named."""
    p = ctx.settings.prefix
    people: list[str] = []
    each: Amount | None = None
    i = 0
    while i < len(tokens):
        if is_mention(tokens[i]):
            if is_group_mention(tokens[i]):
                raise UserError("buckets.error.group_mention", token=tokens[i], prefix=p)
            person = resolve_person(ctx, tokens[i])
            if person not in people:
                people.append(person)
            i += 1
            continue
        found = _amount(ctx, tokens, i) if each is None else None
        if found is None:
            raise UserError("buckets.usage.allocate", prefix=p)
        each = found[0]
        i += found[1]
    if not people or each is None:
        raise UserError("buckets.usage.allocate", prefix=p)
    return {person: each.cents for person in people}, "person"


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
