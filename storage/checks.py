"""The ledger's invariants, as queries: each rule returns the rows that break it (none on a sound
ledger). ``cagnotte check`` prints them; the test suite runs them after every scenario, and after
a restore, an import and forgetting a person.

The rules:

- ``round.overspent``: nobody has put more into buckets than they were allocated in a round;
- ``round.over_pot``: a round's allocations fit in its pot;
- ``round.sums``: a round's allocations = what sits in its buckets + everyone's balances (a
  funding counts in the round of its bucket);
- ``bucket.over_max``: a bucket holds (the sum of its active fundings) no more than its maximum;
- ``bucket.state``: a cancelled or refunded bucket holds nothing; a funded one holds at least its
  minimum; an open one, less;
- ``funding.amount``, ``allocation.amount``: amounts are positive;
- ``envelope.sums``: a closed envelope's amount = what its people are paid + the commons + what
  is left; each share is its gross amount less what was given back;
- ``envelope.sources``: every envelope's amount = the sum of its sources (the amount it was
  created with, top-ups, shares of paid services);
- ``month.totals``: the monthly totals (``contribution_month``) equal the contributions;
- ``contribution.minutes``: every contribution has a positive duration;
- ``numbers.counter``: a room's counter is at least the highest number it gave.

Pure reads, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.models import (
    Allocation,
    Bucket,
    BudgetEnvelope,
    BudgetRequest,
    BudgetShare,
    BudgetSource,
    CobudgetRound,
    Contribution,
    ContributionMonth,
    Funding,
    RoomCounter,
)
from storage.models.cobudget import (
    BUCKET_CANCELLED,
    BUCKET_FUNDED,
    BUCKET_OPEN,
    BUCKET_REFUNDED,
    holding,
)
from storage.numbers import BUCKET, CONTRIBUTION, ENVELOPE, REQUEST, ROUND


@dataclass(frozen=True)
class Violation:
    """A row that breaks a rule: the rule's name, the row (table and id, with its room and
    number when it has them) and what is wrong, with the figures."""

    rule: str
    where: str
    detail: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.where}: {self.detail}"


def _row(table: str, row_id: object, room_id: str = "", number: int | None = None) -> str:
    place = f" in {room_id}" if room_id else ""
    shown = f" (#{number}{place})" if number is not None else (f" ({room_id})" if room_id else "")
    return f"{table} {row_id}{shown}"


# --------------------------------------------------------------------------- rounds and buckets


def round_violations(db: Session) -> list[Violation]:
    found: list[Violation] = []
    rounds = {r.id: r for r in db.exec(select(CobudgetRound)).all()}
    given: dict[tuple[int, str], int] = defaultdict(int)
    for round_id, user, cents in db.exec(
        select(
            col(Allocation.round_id), col(Allocation.user_id), func.sum(Allocation.cents)
        ).group_by(col(Allocation.round_id), col(Allocation.user_id))
    ).all():
        given[(round_id, user)] += int(cents)
    used: dict[tuple[int, str], int] = defaultdict(int)
    for round_id, user, cents in db.exec(
        select(Bucket.round_id, Funding.funder, func.sum(Funding.cents))
        .join(Bucket, col(Bucket.id) == col(Funding.bucket_id))
        .where(holding())
        .group_by(col(Bucket.round_id), col(Funding.funder))
    ).all():
        used[(round_id, user)] += int(cents)
    in_buckets: dict[int, int] = defaultdict(int)
    for round_id, cents in db.exec(
        select(Funding.round_id, func.sum(Funding.cents))
        .where(holding())
        .group_by(col(Funding.round_id))
    ).all():
        in_buckets[round_id] += int(cents)
    allocated: dict[int, int] = defaultdict(int)
    balances: dict[int, int] = defaultdict(int)
    for key in sorted(set(given) | set(used)):
        round_id, user = key
        allocated[round_id] += given.get(key, 0)
        left = given.get(key, 0) - used.get(key, 0)
        balances[round_id] += left
        if left < 0:
            rnd = rounds.get(round_id)
            found.append(
                Violation(
                    "round.overspent",
                    _row("cobudget_round", round_id, *(_where(rnd))),
                    f"{user} was allocated {given.get(key, 0)} cents and has "
                    f"{used.get(key, 0)} in buckets",
                )
            )
    for round_id, rnd in sorted(
        ((k, v) for k, v in rounds.items() if k is not None), key=lambda item: item[0]
    ):
        where = _row("cobudget_round", round_id, rnd.room_id, rnd.number)
        if allocated[round_id] > rnd.pot_cents:
            found.append(
                Violation(
                    "round.over_pot",
                    where,
                    f"allocated {allocated[round_id]} cents from a pot of {rnd.pot_cents}",
                )
            )
        if allocated[round_id] != in_buckets[round_id] + balances[round_id]:
            found.append(
                Violation(
                    "round.sums",
                    where,
                    f"allocated {allocated[round_id]} cents, but {in_buckets[round_id]} in "
                    f"buckets + {balances[round_id]} in balances",
                )
            )
    return found


def _where(rnd: CobudgetRound | None) -> tuple[str, int | None]:
    return (rnd.room_id, rnd.number) if rnd is not None else ("", None)


def bucket_violations(db: Session) -> list[Violation]:
    found: list[Violation] = []
    held: dict[int, int] = {
        bucket_id: int(cents)
        for bucket_id, cents in db.exec(
            select(Funding.bucket_id, func.sum(Funding.cents))
            .where(holding())
            .group_by(col(Funding.bucket_id))
        ).all()
    }
    for bucket in db.exec(select(Bucket).order_by(col(Bucket.id))).all():
        assert bucket.id is not None
        cents = held.get(bucket.id, 0)
        where = _row("cobudget_bucket", bucket.id, bucket.room_id, bucket.number)
        if cents > bucket.max_cents:
            found.append(
                Violation(
                    "bucket.over_max",
                    where,
                    f"holds {cents} cents, more than its maximum {bucket.max_cents}",
                )
            )
        wrong = (
            (bucket.state in (BUCKET_CANCELLED, BUCKET_REFUNDED) and cents != 0)
            or (bucket.state == BUCKET_FUNDED and cents < bucket.min_cents)
            or (bucket.state == BUCKET_OPEN and cents >= bucket.min_cents)
        )
        if wrong:
            found.append(
                Violation(
                    "bucket.state",
                    where,
                    f"is {bucket.state} and holds {cents} cents (minimum {bucket.min_cents})",
                )
            )
    for funding_id, cents in db.exec(
        select(Funding.id, Funding.cents).where(Funding.cents <= 0)
    ).all():
        found.append(Violation("funding.amount", _row("cobudget_funding", funding_id), f"{cents}"))
    for allocation_id, cents in db.exec(
        select(Allocation.id, Allocation.cents).where(Allocation.cents <= 0)
    ).all():
        found.append(
            Violation("allocation.amount", _row("cobudget_allocation", allocation_id), f"{cents}")
        )
    return found


# --------------------------------------------------------------------------- envelopes


def envelope_violations(db: Session) -> list[Violation]:
    found: list[Violation] = []
    shares: dict[int, list[BudgetShare]] = defaultdict(list)
    for share in db.exec(select(BudgetShare).order_by(col(BudgetShare.id))).all():
        shares[share.envelope_id].append(share)
    for env in db.exec(
        select(BudgetEnvelope)
        .where(BudgetEnvelope.state == "closed")
        .order_by(col(BudgetEnvelope.id))
    ).all():
        assert env.id is not None
        where = _row("budget_envelope", env.id, env.room_id, env.number)
        paid = sum(s.amount for s in shares[env.id])
        commons = env.commons_amount or 0
        left = env.remainder or 0
        if paid + commons + left != env.amount:
            found.append(
                Violation(
                    "envelope.sums",
                    where,
                    f"amount {env.amount} cents, but {paid} paid + {commons} commons + {left} left",
                )
            )
        for share in shares[env.id]:
            if (
                share.amount != share.gross - share.given_back
                or min(share.amount, share.gross, share.given_back) < 0
            ):
                found.append(
                    Violation(
                        "envelope.sums",
                        _row("budget_share", share.id),
                        f"{share.user_id}: gross {share.gross} - given back "
                        f"{share.given_back} is not the amount {share.amount}",
                    )
                )
    return found


def source_violations(db: Session) -> list[Violation]:
    found: list[Violation] = []
    funded = {
        envelope_id: int(total)
        for envelope_id, total in db.exec(
            select(BudgetSource.envelope_id, func.sum(BudgetSource.amount)).group_by(
                col(BudgetSource.envelope_id)
            )
        ).all()
    }
    for env in db.exec(select(BudgetEnvelope).order_by(col(BudgetEnvelope.id))).all():
        total = funded.get(env.id or 0, 0)
        if total != env.amount:
            found.append(
                Violation(
                    "envelope.sources",
                    _row("budget_envelope", env.id, env.room_id, env.number),
                    f"amount {env.amount} cents, but its sources add up to {total}",
                )
            )
    return found


# --------------------------------------------------------------------------- contributions


def _month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def contribution_violations(db: Session) -> list[Violation]:
    found: list[Violation] = []
    expected: dict[tuple[str, dt.date, str, int], list[int]] = {}
    for room_id, user, project_id, day, minutes, count in db.execute(
        sa_select(
            col(Contribution.room_id),
            col(Contribution.user_id),
            col(Contribution.project_id),
            col(Contribution.day),
            func.sum(Contribution.minutes),
            func.count(),
        ).group_by(
            col(Contribution.room_id),
            col(Contribution.user_id),
            col(Contribution.project_id),
            col(Contribution.day),
        )
    ).all():
        cell = expected.setdefault((room_id, _month(day), user, project_id or 0), [0, 0])
        cell[0] += int(minutes)
        cell[1] += int(count)
    kept: dict[tuple[str, dt.date, str, int], list[int]] = {}
    for row in db.exec(select(ContributionMonth)).all():
        if row.minutes or row.count:
            kept[(row.room_id, row.month, row.user_id, row.project_key)] = [row.minutes, row.count]
    for key in sorted(set(expected) | set(kept), key=str):
        if expected.get(key) != kept.get(key):
            room_id, month, user, project = key
            want = expected.get(key, [0, 0])
            have = kept.get(key, [0, 0])
            found.append(
                Violation(
                    "month.totals",
                    f"contribution_month {room_id} {month.isoformat()} {user} project {project}",
                    f"holds {have[0]} minutes in {have[1]} contribution(s), the contributions "
                    f"make {want[0]} in {want[1]}",
                )
            )
    for c_id, room_id, number, minutes in db.exec(
        select(Contribution.id, Contribution.room_id, Contribution.number, Contribution.minutes)
        .where(Contribution.minutes <= 0)
        .order_by(col(Contribution.id))
    ).all():
        found.append(
            Violation(
                "contribution.minutes",
                _row("contribution", c_id, room_id, number),
                f"{minutes} minutes",
            )
        )
    return found


# --------------------------------------------------------------------------- numbers

_NUMBERED = (
    (CONTRIBUTION, Contribution),
    (ROUND, CobudgetRound),
    (BUCKET, Bucket),
    (ENVELOPE, BudgetEnvelope),
    (REQUEST, BudgetRequest),
)


def number_violations(db: Session) -> list[Violation]:
    found: list[Violation] = []
    counters = {(c.room_id, c.kind): c.last for c in db.exec(select(RoomCounter)).all()}
    for kind, model in _NUMBERED:
        for room_id, highest in db.exec(
            select(model.room_id, func.max(model.number)).group_by(model.room_id)
        ).all():
            last = counters.get((room_id, kind), 0)
            if highest is not None and int(highest) > last:
                found.append(
                    Violation(
                        "numbers.counter",
                        f"room_counter {room_id} {kind}",
                        f"is at {last}, below the highest number given, {highest}",
                    )
                )
    return found


RULES = (
    round_violations,
    bucket_violations,
    envelope_violations,
    source_violations,
    contribution_violations,
    number_violations,
)


def check_ledger(db: Session) -> list[Violation]:
    """Every rule's violations (an empty list: the ledger is sound)."""
    found: list[Violation] = []
    for rule in RULES:
        found.extend(rule(db))
    return found
