"""The ledger's invariants, checked over the whole database: what must hold after any sequence
of events, whatever was undone, refused or replayed.

``violations(engine)`` returns what is wrong (empty when everything holds). The operators'
ledger check (``cagnotte check``) runs after every test on a database too; these checks follow
each record's life more closely, step by step, in the state-machine tests.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.checks import check_ledger
from storage.models import (
    Allocation,
    Bucket,
    BudgetEnvelope,
    BudgetQuestion,
    BudgetRequest,
    BudgetShare,
    BudgetValidation,
    CobudgetRound,
    Contribution,
    ContributionMonth,
    Funding,
)


def violations(engine: Engine) -> list[str]:
    """The operators' ledger check (``cagnotte check``), then the finer checks of this module."""
    with Session(engine) as db:
        found = [str(v) for v in check_ledger(db)]
        return found + _cobudget(db) + _budget(db) + _contributions(db)


def _cobudget(db: Session) -> list[str]:
    out: list[str] = []
    rounds = {r.id: r for r in db.exec(select(CobudgetRound)).all()}
    buckets = {b.id: b for b in db.exec(select(Bucket)).all()}
    fundings = list(db.exec(select(Funding)).all())
    given: Counter[tuple[int, str]] = Counter()
    for a in db.exec(select(Allocation)).all():
        given[(a.round_id, a.user_id)] += a.cents
        if a.round_id not in rounds:
            out.append(f"allocation {a.id} of a round that does not exist")
        if a.cents <= 0:
            out.append(f"allocation {a.id} of {a.cents} cents")
    spent: Counter[tuple[int, str]] = Counter()
    held: Counter[int] = Counter()
    for f in fundings:
        bucket = buckets.get(f.bucket_id)
        if bucket is None or bucket.round_id != f.round_id:
            out.append(f"funding {f.id} of a bucket not in its round")
            continue
        if f.state not in ("active", "refunded"):
            out.append(f"funding {f.id} is {f.state}")
        if f.state == "active" and bucket.state == "refunded":
            # given back by its round's close, which writes no funding: the round tells the event
            closed_by = rounds[f.round_id].closed_event_id if f.round_id in rounds else None
            if closed_by is None:
                out.append(f"funding {f.id} given back by a close of no event")
        elif f.state == "active":
            spent[(f.round_id, f.funder)] += f.cents
            held[f.bucket_id] += f.cents
        elif f.ended_event_id is None:
            out.append(f"funding {f.id} given back by no event")
    for rid, rnd in rounds.items():
        allocated = sum(c for (r, _), c in given.items() if r == rid)
        if allocated > rnd.pot_cents:
            out.append(f"round {rid}: {allocated} allocated from a pot of {rnd.pot_cents}")
        if rnd.state == "closed" and rnd.closed_event_id is None:
            out.append(f"round {rid} closed by no event")
    for key in given.keys() | spent.keys():
        balance = given[key] - spent[key]
        if balance < 0:
            out.append(f"round {key[0]}: {key[1]} spent {spent[key]} of {given[key]}")
    open_rounds = Counter(r.room_id for r in rounds.values() if r.state == "open")
    out += [f"room {room} has {n} open rounds" for room, n in open_rounds.items() if n > 1]
    for bid, b in buckets.items():
        cents = held[bid]
        if b.round_id not in rounds:
            out.append(f"bucket {bid} of a round that does not exist")
            continue
        if cents > b.max_cents:
            out.append(f"bucket {bid} holds {cents} over its maximum {b.max_cents}")
        if b.state == "open" and cents >= b.min_cents:
            out.append(f"bucket {bid} is open with {cents} of {b.min_cents}")
        if b.state == "funded" and cents < b.min_cents:
            out.append(f"bucket {bid} is funded with {cents} of {b.min_cents}")
        if b.state in ("cancelled", "refunded") and cents:
            out.append(f"bucket {bid} is {b.state} and holds {cents}")
        if b.state == "refunded" and rounds[b.round_id].state != "closed":
            out.append(f"bucket {bid} refunded in an open round")
        if rounds[b.round_id].state == "closed" and b.state == "open":
            out.append(f"bucket {bid} still open in a closed round")
    return out


def _budget(db: Session) -> list[str]:
    out: list[str] = []
    envelopes = {e.id: e for e in db.exec(select(BudgetEnvelope)).all()}
    shares: defaultdict[int, int] = defaultdict(int)
    for s in db.exec(select(BudgetShare)).all():
        shares[s.envelope_id] += s.amount
        if s.envelope_id not in envelopes or envelopes[s.envelope_id].state != "closed":
            out.append(f"share {s.id} of an envelope that is not closed")
    for eid, env in envelopes.items():
        if env.state == "closed":
            total = shares[eid] + (env.commons_amount or 0) + (env.remainder or 0)
            if total != env.amount:
                out.append(
                    f"envelope {eid}: shares + commons + remainder = {total} != {env.amount}"
                )
    requests = {r.id: r for r in db.exec(select(BudgetRequest)).all()}
    active = Counter((r.envelope_id, r.user_id) for r in requests.values() if r.state == "active")
    out += [
        f"{k[1]} has {n} active requests in envelope {k[0]}" for k, n in active.items() if n > 1
    ]
    for r in requests.values():
        if r.envelope_id not in envelopes:
            out.append(f"request {r.id} of an envelope that does not exist")
        if r.granted is not None and r.granted < 0:
            out.append(f"request {r.id} granted {r.granted}")
    for model in (BudgetValidation, BudgetQuestion):
        for row in db.exec(select(model)).all():
            if row.request_id not in requests:
                out.append(f"{model.__name__} {row.id} of a request that does not exist")
    pairs = Counter((v.request_id, v.user_id) for v in db.exec(select(BudgetValidation)).all())
    out += [f"{k[1]} validated request {k[0]} {n} times" for k, n in pairs.items() if n > 1]
    return out


def _contributions(db: Session) -> list[str]:
    """The monthly totals (kept by triggers) are the sums of the contributions."""
    expected: Counter[tuple[str, str, str, int]] = Counter()
    counts: Counter[tuple[str, str, str, int]] = Counter()
    for c in db.exec(select(Contribution)).all():
        key = (c.room_id, c.day.replace(day=1).isoformat(), c.user_id, c.project_id or 0)
        expected[key] += c.minutes
        counts[key] += 1
    found: Counter[tuple[str, str, str, int]] = Counter()
    found_counts: Counter[tuple[str, str, str, int]] = Counter()
    for m in db.exec(select(ContributionMonth)).all():
        key = (m.room_id, m.month.isoformat(), m.user_id, m.project_key)
        found[key] += m.minutes
        found_counts[key] += m.count
    out = []
    for key in expected.keys() | found.keys():
        if (expected[key], counts[key]) != (found[key], found_counts[key]):
            out.append(
                f"monthly total {key}: {found[key]} min in {found_counts[key]} rows, "
                f"contributions say {expected[key]} in {counts[key]}"
            )
    return out
