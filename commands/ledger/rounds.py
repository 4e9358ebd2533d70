"""A cobudget round's page: its buckets and their funders."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import col, select

from commands.cobudget import latest_round, open_round
from commands.ledger.overview import _round_figures
from commands.ledger.reader import BUCKETS_PAGE, Link, Reader, Table
from storage.ledger import balances, bucket_funders, bucket_page, bucket_totals, round_money
from storage.models import CobudgetRound
from storage.numbers import by_number


@dataclass
class BucketView:
    number: int
    title: str
    description: str
    author: str
    state: str
    state_key: str
    goal: str
    held_text: str
    held: int
    min_cents: int
    max_cents: int
    towards_max: str
    funders: list[tuple[str, str]]


@dataclass
class RoundView:
    count: int  # buckets in the round
    shown: str  # which of them this page shows, when they do not fit on one
    newer: str  # query string of the previous page of buckets, or ""
    older: str
    number: int
    title: str
    state: str
    until: str
    figures: list[tuple[str, str]]
    buckets: list[BucketView]
    balances: Table | None
    others: list[Link] = field(default_factory=list)


def round_view(r: Reader, number: int | None, page: int = 1) -> RoundView | None:
    """A round (the open one, else the latest, when ``number`` is None) with a page of its
    buckets, each with its funders, and the members' balances: a few queries whatever the
    number of buckets."""
    if number is None:
        rnd = open_round(r.db, r.room.id) or latest_round(r.db, r.room.id)
    else:
        rnd = by_number(r.db, CobudgetRound, r.room.id, number)
    if rnd is None or rnd.id is None:
        return None
    given, held_total = round_money(r.db, rnd.id)
    page = max(1, page)
    buckets, count = bucket_page(r.db, rnd.id, (page - 1) * BUCKETS_PAGE, BUCKETS_PAGE)
    pages = max(1, -(-count // BUCKETS_PAGE))
    ids = [b.id for b in buckets if b.id is not None]
    totals = bucket_totals(r.db, rnd.id, ids)
    funders = bucket_funders(r.db, rnd.id, ids)
    people = balances(r.db, rnd.id)
    r.names(
        {b.author for b in buckets}
        | {u for fs in funders.values() for u, _ in fs}
        | {u for u, _, _ in people}
    )
    views = []
    for b in buckets:
        assert b.id is not None
        held, _ = totals.get(b.id, (0, 0))
        percent = held * 100 // b.min_cents if b.min_cents else 100
        goal = (
            r.w("goals", min=r.money(b.min_cents), max=r.money(b.max_cents))
            if b.max_cents > b.min_cents
            else r.w("goal", min=r.money(b.min_cents))
        )
        views.append(
            BucketView(
                number=b.number,
                title=b.title,
                description=b.description,
                author=r.name(b.author),
                state=r.t(f"buckets.state.{b.state}"),
                state_key=b.state,
                goal=goal,
                held_text=r.w(
                    "held", held=r.money(held), min=r.money(b.min_cents), percent=percent
                ),
                held=held,
                min_cents=b.min_cents,
                max_cents=b.max_cents,
                towards_max=r.w("towards_max", held=r.money(held), max=r.money(b.max_cents))
                if b.max_cents > b.min_cents
                else "",
                funders=[(r.name(u), r.money(c)) for u, c in funders.get(b.id, [])],
            )
        )
    table = None
    if people:
        table = Table(
            [r.w("col_person"), r.w("col_given"), r.w("col_spent"), r.w("col_balance")],
            [[r.name(u), r.money(c), r.money(s), r.money(c - s)] for u, c, s in people],
            "lrrr",
        )
    others = r.db.exec(
        select(CobudgetRound)
        .where(CobudgetRound.room_id == r.room.id, CobudgetRound.id != rnd.id)
        .order_by(col(CobudgetRound.id).desc())
    ).all()
    first = (page - 1) * BUCKETS_PAGE + 1
    return RoundView(
        count=count,
        shown=r.w("shown", first=first, last=first + len(buckets) - 1, count=count)
        if pages > 1 and buckets
        else "",
        newer=f"?page={page - 1}" if page > 1 else "",
        older=f"?page={page + 1}" if page < pages else "",
        number=rnd.number,
        title=rnd.title,
        state=r.t(f"buckets.round.state_{rnd.state}"),
        until=r.w("until", date=r.date(rnd.deadline)) if rnd.deadline else "",
        figures=_round_figures(r, rnd, given, held_total),
        buckets=views,
        balances=table,
        others=[
            Link(r.w("round_title", id=o.number, title=o.title), f"tour/{o.number}") for o in others
        ],
    )
