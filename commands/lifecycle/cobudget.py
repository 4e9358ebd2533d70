"""The life of a cobudget round and of what it holds: allocations, buckets, fundings.

A round is open until an admin closes it or its deadline passes; past the deadline it is as good
as closed for everything but the close itself (the timed job may run a little later). Nothing in
a closed or ended round changes, through any path.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from commands.lifecycle.base import (
    ABSENT,
    Act,
    Action,
    Actor,
    Refusal,
    admin_only,
    local_day,
)
from storage.models.cobudget import (
    BUCKET_CANCELLED,
    BUCKET_COMPLETED,
    BUCKET_FUNDED,
    BUCKET_OPEN,
    BUCKET_REFUNDED,
    FUNDING_ACTIVE,
    FUNDING_REFUNDED,
    ROUND_CLOSED,
    ROUND_OPEN,
)

ALLOCATED = "given"


# --------------------------------------------------------------------------- round


@dataclass(frozen=True)
class Round:
    status: str  # ABSENT | open | closed
    title: str = ""
    deadline: dt.date | None = None  # its last day, in the room's time zone
    timezone: str = "Europe/Paris"
    allocations: int = 0  # rows of its allocation ledger
    buckets: int = 0


def ended(rnd: Round, now: dt.datetime) -> bool:
    """Whether the round's last day is over in the room's time zone."""
    return rnd.deadline is not None and local_day(now, rnd.timezone) > rnd.deadline


def frozen(rnd: Round, now: dt.datetime) -> Refusal | None:
    """Why nothing in the round may change any more (closed, or past its deadline)."""
    if rnd.status == ROUND_CLOSED:
        return Refusal("lifecycle.round.closed", {"title": rnd.title})
    if ended(rnd, now):
        assert rnd.deadline is not None
        return Refusal("lifecycle.round.ended", {"title": rnd.title}, dates={"date": rnd.deadline})
    return None


def round_step(rnd: Round, action: Action, actor: Actor, now: dt.datetime) -> Round | Refusal:
    kind = action.kind
    if kind is Act.DEADLINE:
        if rnd.status != ROUND_OPEN or not ended(rnd, now):
            return Refusal("lifecycle.round.not_due", {"title": rnd.title})
        return replace(rnd, status=ROUND_CLOSED)
    if kind is Act.UNDO and action.undoes in (Act.CLOSE, Act.DEADLINE):
        return Refusal("lifecycle.round.close_kept", {"title": rnd.title})
    refused = admin_only(actor, "tour")
    if refused is not None:
        return refused
    if kind is Act.CREATE:
        return replace(rnd, status=ROUND_OPEN)
    if kind is Act.CLOSE:
        if rnd.status != ROUND_OPEN:
            return Refusal("lifecycle.round.closed", {"title": rnd.title})
        return replace(rnd, status=ROUND_CLOSED)
    refused = frozen(rnd, now)
    if refused is not None:
        return refused
    if kind is Act.SET or (kind is Act.UNDO and action.undoes is Act.SET):
        return rnd
    if kind is Act.UNDO and action.undoes is Act.CREATE:
        if rnd.allocations or rnd.buckets:
            return Refusal(
                "lifecycle.round.in_use",
                {"title": rnd.title, "allocations": rnd.allocations, "buckets": rnd.buckets},
            )
        return replace(rnd, status=ABSENT)
    return Refusal("lifecycle.not_allowed", {"action": str(action)})


# --------------------------------------------------------------------------- allocation


@dataclass(frozen=True)
class Allocation:
    """What one ``!allouer`` gave: ``shares`` is (person, cents given, their balance now)."""

    status: str  # ABSENT | given
    round: Round
    shares: tuple[tuple[str, int, int], ...] = ()


def allocation_step(
    a: Allocation, action: Action, actor: Actor, now: dt.datetime
) -> Allocation | Refusal:
    refused = admin_only(actor, "allouer") or frozen(a.round, now)
    if refused is not None:
        return refused
    if action.kind is Act.CREATE:
        return replace(a, status=ALLOCATED)
    if action == Action(Act.UNDO, Act.CREATE):
        for who, cents, balance in a.shares:
            if balance < cents:
                return Refusal(
                    "buckets.error.allocation_spent", people={"who": who}, money={"cents": cents}
                )
        return replace(a, status=ABSENT)
    return Refusal("lifecycle.not_allowed", {"action": str(action)})


# --------------------------------------------------------------------------- bucket


@dataclass(frozen=True)
class Bucket:
    status: str  # ABSENT | open | funded | completed | cancelled | refunded
    round: Round
    number: int = 0
    title: str = ""
    author: str = ""
    min_cents: int = 0
    max_cents: int = 0
    held: int = 0  # its active fundings
    fundings: int = 0  # fundings it has (active or given back)


def with_held(b: Bucket, held: int) -> Bucket:
    """The bucket holding ``held``: funded from its minimum goal on, open again below it."""
    status = b.status
    if status == BUCKET_OPEN and held >= b.min_cents:
        status = BUCKET_FUNDED
    elif status == BUCKET_FUNDED and held < b.min_cents:
        status = BUCKET_OPEN
    return replace(b, held=held, status=status)


def _may_manage(b: Bucket, actor: Actor) -> Refusal | None:
    if actor.admin or actor.user == b.author:
        return None
    return Refusal("buckets.error.not_author", {"id": b.number})


def bucket_step(b: Bucket, action: Action, actor: Actor, now: dt.datetime) -> Bucket | Refusal:
    kind, ids = action.kind, {"id": b.number, "title": b.title}
    if kind is Act.REFUND:  # part of the round's close
        if b.status != BUCKET_OPEN:
            return Refusal("lifecycle.not_allowed", {"action": str(action)})
        return replace(b, status=BUCKET_REFUNDED, held=0)
    refused = frozen(b.round, now)
    if kind is Act.CREATE:
        return refused or replace(b, status=BUCKET_OPEN)
    refused = _may_manage(b, actor) or refused
    if refused is not None:
        return refused
    state = {"state": f"buckets.state.{b.status}"}
    if kind is Act.CANCEL:
        if b.status not in (BUCKET_OPEN, BUCKET_FUNDED):
            return Refusal("buckets.error.cannot_cancel", ids, texts=state)
        return replace(b, status=BUCKET_CANCELLED, held=0)
    if kind is Act.COMPLETE:
        if b.status != BUCKET_FUNDED:
            return Refusal("buckets.error.cannot_complete", ids, texts=state)
        return replace(b, status=BUCKET_COMPLETED)
    if kind is Act.UNDO and action.undoes is Act.CREATE:
        if b.status != BUCKET_OPEN or b.fundings:
            return Refusal("lifecycle.bucket.in_use", {**ids, "fundings": b.fundings}, texts=state)
        return replace(b, status=ABSENT)
    if kind is Act.UNDO and action.undoes is Act.CANCEL:
        if b.status != BUCKET_CANCELLED:
            return Refusal("lifecycle.changed_since")
        # open again, empty: each funding it gave back comes back through ``funding_step``
        return replace(b, status=BUCKET_OPEN, held=0)
    if kind is Act.UNDO and action.undoes is Act.COMPLETE:
        if b.status != BUCKET_COMPLETED:
            return Refusal("lifecycle.changed_since")
        return replace(b, status=BUCKET_FUNDED)
    return Refusal("lifecycle.not_allowed", {"action": str(action)})


# --------------------------------------------------------------------------- funding


@dataclass(frozen=True)
class Funding:
    """Money put into a bucket by one reaction or one ``!financer``; ``allocated`` and
    ``balance`` are the funder's in the round, now."""

    status: str  # ABSENT | active | refunded
    bucket: Bucket
    cents: int
    funder: str = ""
    allocated: int = 0
    balance: int = 0


def check_funding(
    *,
    round_state: str,
    past_deadline: bool,
    bucket_state: str,
    held: int,
    max_cents: int,
    allocated_cents: int,
    balance_cents: int,
    amount: int,
) -> Refusal | None:
    """The rules for putting ``amount`` into a bucket: ``None`` when it may go in."""
    if amount <= 0:
        return Refusal("buckets.error.zero_amount")
    if round_state != ROUND_OPEN:
        return Refusal("buckets.error.round_closed")
    if past_deadline:
        return Refusal("buckets.error.round_ended")
    if bucket_state in (BUCKET_CANCELLED, BUCKET_REFUNDED):
        return Refusal("buckets.error.bucket_cancelled")
    if bucket_state == BUCKET_COMPLETED:
        return Refusal("buckets.error.bucket_completed")
    if held >= max_cents:
        return Refusal("buckets.error.bucket_full", money={"max": max_cents})
    if held + amount > max_cents:
        return Refusal(
            "buckets.error.beyond_max", money={"room": max_cents - held, "max": max_cents}
        )
    if allocated_cents <= 0:
        return Refusal("buckets.error.no_allocation")
    if amount > balance_cents:
        return Refusal("buckets.error.over_balance", money={"balance": balance_cents})
    return None


def funding_step(f: Funding, action: Action, actor: Actor, now: dt.datetime) -> Funding | Refusal:
    b, kind = f.bucket, action.kind
    ids = {"id": b.number, "title": b.title}
    if kind is Act.CREATE:
        refused = check_funding(
            round_state=b.round.status,
            past_deadline=ended(b.round, now),
            bucket_state=b.status,
            held=b.held,
            max_cents=b.max_cents,
            allocated_cents=f.allocated,
            balance_cents=f.balance,
            amount=f.cents,
        )
        if refused is not None:
            return replace(refused, params={**ids, **refused.params})
        return replace(f, status=FUNDING_ACTIVE, bucket=with_held(b, b.held + f.cents))
    if kind is Act.REFUND:  # part of the bucket's cancel or of the round's close
        if f.status != FUNDING_ACTIVE:
            return Refusal("lifecycle.not_allowed", {"action": str(action)})
        return replace(f, status=FUNDING_REFUNDED)
    if kind is Act.UNDO and action.undoes is Act.CREATE:
        if f.status == FUNDING_REFUNDED:
            return Refusal("lifecycle.funding.refunded", ids, texts={"state": _state(b)})
        if f.status != FUNDING_ACTIVE:
            return Refusal("lifecycle.changed_since")
        if b.round.status == ROUND_CLOSED:
            return Refusal("buckets.error.withdraw_closed", ids)
        if ended(b.round, now):
            return Refusal("lifecycle.funding.withdraw_ended", ids)
        if b.status == BUCKET_COMPLETED:
            return Refusal("buckets.error.withdraw_completed", ids)
        return replace(f, status=ABSENT, bucket=with_held(b, b.held - f.cents))
    if kind is Act.UNDO and action.undoes is Act.REFUND:
        refused = frozen(b.round, now)
        if refused is not None:
            return refused
        if f.status != FUNDING_REFUNDED:
            return Refusal("lifecycle.changed_since")
        if f.balance < f.cents:
            return Refusal(
                "lifecycle.funding.spent",
                ids,
                money={"cents": f.cents, "balance": f.balance},
                people={"who": f.funder},
            )
        return replace(f, status=FUNDING_ACTIVE, bucket=with_held(b, b.held + f.cents))
    return Refusal("lifecycle.not_allowed", {"action": str(action)})


def _state(b: Bucket) -> str:
    return f"buckets.state.{b.status}"
