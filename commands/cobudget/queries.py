"""Batch loaders of the cobudget family: rounds, balances, what buckets hold, the figures the
rules read, each in one query.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from sqlalchemy import func, literal
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from commands.core import Context, UserError
from commands.numbers import read_number
from storage.models import BotMessage
from storage.models.cobudget import (
    ROUND_OPEN,
    Allocation,
    Bucket,
    CobudgetRound,
    Funding,
    holding,
)
from storage.numbers import LARGEST

# --------------------------------------------------------------------------- queries


def open_round(db: Session, room_id: str) -> CobudgetRound | None:
    return db.exec(
        select(CobudgetRound).where(
            CobudgetRound.room_id == room_id, CobudgetRound.state == ROUND_OPEN
        )
    ).first()


def latest_round(db: Session, room_id: str) -> CobudgetRound | None:
    return db.exec(
        select(CobudgetRound)
        .where(CobudgetRound.room_id == room_id)
        .order_by(col(CobudgetRound.id).desc())
    ).first()


def allocated(db: Session, round_id: int, user_id: str | None = None) -> int:
    query = select(func.coalesce(func.sum(Allocation.cents), 0)).where(
        Allocation.round_id == round_id
    )
    if user_id is not None:
        query = query.where(Allocation.user_id == user_id)
    return int(db.exec(query).one())


def spent(db: Session, round_id: int, user_id: str | None = None) -> int:
    query = select(func.coalesce(func.sum(Funding.cents), 0)).where(
        Funding.round_id == round_id, holding(round_id=round_id)
    )
    if user_id is not None:
        query = query.where(Funding.funder == user_id)
    return int(db.exec(query).one())


def balance(db: Session, round_id: int, user_id: str) -> int:
    given, used = allocated_and_spent(db, round_id, user_id)
    return given - used


def allocated_and_spent(db: Session, round_id: int, user_id: str) -> tuple[int, int]:
    """What ``user_id`` was allocated in a round and what of it sits in buckets, in one query."""
    given = (
        select(func.coalesce(func.sum(Allocation.cents), 0))
        .where(Allocation.round_id == round_id, Allocation.user_id == user_id)
        .scalar_subquery()
    )
    used = (
        select(func.coalesce(func.sum(Funding.cents), 0))
        .where(
            Funding.round_id == round_id,
            Funding.funder == user_id,
            holding(round_id=round_id),
        )
        .scalar_subquery()
    )
    a, b = db.exec(select(given, used)).one()
    return int(a), int(b)


def bucket_total(db: Session, bucket_id: int) -> tuple[int, int]:
    """(cents held, number of distinct funders) of a bucket's active fundings."""
    cents, people = db.exec(
        select(
            func.coalesce(func.sum(Funding.cents), 0), func.count(func.distinct(Funding.funder))
        ).where(Funding.bucket_id == bucket_id, holding(bucket_id=bucket_id))
    ).one()
    return int(cents), int(people)


def active_fundings(db: Session, bucket_id: int) -> list[Funding]:
    return list(
        db.exec(
            select(Funding)
            .where(Funding.bucket_id == bucket_id, holding(bucket_id=bucket_id))
            .order_by(col(Funding.id))
        ).all()
    )


def round_buckets(db: Session, round_id: int) -> list[Bucket]:
    return list(
        db.exec(select(Bucket).where(Bucket.round_id == round_id).order_by(col(Bucket.id))).all()
    )


class Figures(NamedTuple):
    """What the rules of a round, one of its buckets and one funder read, from ``figures``."""

    allocations: int  # allocation rows of the round
    allocated: int  # cents allocated in the round
    buckets: int  # buckets of the round
    held: int = 0  # cents in the bucket's active fundings
    fundings: int = 0  # fundings the bucket ever had
    people: int = 0  # distinct funders of its active fundings
    mine: int = 0  # the funder's active fundings in it
    given: int = 0  # cents allocated to the funder in the round
    used: int = 0  # cents of the funder's in the round's buckets


def figures(
    ctx: Context, round_id: int, bucket_id: int | None = None, funder: str | None = None
) -> Figures:
    """The figures of a round (and of one of its buckets, and of one funder), in one query."""

    def one(query: Any) -> Any:
        return func.coalesce(query.scalar_subquery(), 0)

    def allocations(*where: Any) -> Any:
        return sa_select(func.count(col(Allocation.id))).where(
            col(Allocation.round_id) == round_id, *where
        )

    def in_bucket(*where: Any) -> Any:
        return sa_select(func.count(col(Funding.id))).where(
            col(Funding.bucket_id) == bucket_id, *where
        )

    active = holding(round_id=round_id)
    columns: list[Any] = [
        one(allocations()),
        one(allocations().with_only_columns(func.sum(Allocation.cents))),
        one(sa_select(func.count(col(Bucket.id))).where(col(Bucket.round_id) == round_id)),
    ]
    if bucket_id is not None:
        columns += [
            one(in_bucket(active).with_only_columns(func.sum(Funding.cents))),
            one(in_bucket()),
            one(in_bucket(active).with_only_columns(func.count(func.distinct(Funding.funder)))),
            one(in_bucket(active, col(Funding.funder) == funder)),
        ]
    if funder is not None:
        if bucket_id is None:
            columns += [literal(0)] * 4
        columns += [
            one(
                allocations(col(Allocation.user_id) == funder).with_only_columns(
                    func.sum(Allocation.cents)
                )
            ),
            one(
                sa_select(func.sum(Funding.cents)).where(
                    col(Funding.round_id) == round_id, col(Funding.funder) == funder, active
                )
            ),
        ]
    ctx.db.flush()  # read on the connection: what the event changed so far is written first
    row = ctx.db.connection().execute(sa_select(*columns)).one()
    return Figures(*(int(value) for value in row))


def keep(ctx: Context, *rows: object) -> None:
    """Hold rows read for this transaction, so that a later ``db.get`` of them finds them in
    the session (which only holds them weakly) instead of reading them again."""
    ctx.db.info.setdefault("cobudget_rows", []).extend(rows)


def load_bucket(ctx: Context, *where: Any) -> Bucket | None:
    """The bucket ``where`` says, with its round and its card, in one query (kept: ``keep``)."""
    found = ctx.db.exec(
        select(Bucket, CobudgetRound, BotMessage)
        .join(CobudgetRound, col(CobudgetRound.id) == col(Bucket.round_id))
        .outerjoin(BotMessage, col(BotMessage.id) == col(Bucket.card_message_id))
        .where(*where)
    ).first()
    if found is None:
        return None
    keep(ctx, *found)
    return found[0]


def _need_open_round(ctx: Context) -> CobudgetRound:
    rnd = open_round(ctx.db, ctx.room.id)
    if rnd is None:
        raise UserError("buckets.error.no_round", prefix=ctx.settings.prefix)
    return rnd


def current_round(ctx: Context) -> CobudgetRound:
    """The open round, else the latest one (to read what it left)."""
    rnd = open_round(ctx.db, ctx.room.id) or latest_round(ctx.db, ctx.room.id)
    if rnd is None:
        raise UserError("buckets.error.no_round", prefix=ctx.settings.prefix)
    return rnd


def has_round(ctx: Context, words: list[str]) -> None:
    """A declared command's check before its words are read: the room has had a round."""
    current_round(ctx)


def _bucket_id(token: str) -> int | None:
    number = read_number(token)
    return number if number is not None and len(token.lstrip("#")) < 10 else None


def find_bucket(ctx: Context, token: str) -> Bucket:
    """The bucket that ``token`` (``3`` or ``#3``) numbers in this room."""
    number = _bucket_id(token)
    bucket = (
        load_bucket(ctx, col(Bucket.room_id) == ctx.room.id, col(Bucket.number) == number)
        if number is not None and 0 < number < LARGEST
        else None
    )
    if bucket is None:
        raise UserError(
            "buckets.error.no_such_bucket", id=token.lstrip("#"), prefix=ctx.settings.prefix
        )
    return bucket
