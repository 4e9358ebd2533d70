"""Cobudget tables: rounds (a pot to share), the allocation ledger (balances given to members),
buckets (proposals to fund) and fundings (money put into a bucket, by reaction or by command).

Balances are not stored: a member's balance in a round is the sum of their allocations minus the
sum of the fundings that hold their money (``holding``), computed in SQL. Every allocation and
funding row carries the id of the chat event that created it (unique where one event creates one
row), so a replayed event changes nothing; a withdrawal or a cancelled bucket's refund changes the
funding's ``state`` and records the event that ended it. Closing a round writes no funding: the
buckets it refunds give back every active funding of theirs by their own state (``holding``,
``funding_state``), the round recording the event that closed it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, ColumnElement, Index, UniqueConstraint, and_
from sqlalchemy import select as sa_select
from sqlmodel import Field, SQLModel, col

from storage.clock import now
from storage.models.core import NO_REUSE

# round states
ROUND_OPEN = "open"
ROUND_CLOSED = "closed"

# bucket states
BUCKET_OPEN = "open"
BUCKET_FUNDED = "funded"
BUCKET_COMPLETED = "completed"
BUCKET_CANCELLED = "cancelled"
BUCKET_REFUNDED = "refunded"

# funding states
FUNDING_ACTIVE = "active"
FUNDING_WITHDRAWN = "withdrawn"
FUNDING_REFUNDED = "refunded"


class CobudgetRound(SQLModel, table=True):
    """A round of cobudget in a room: a pot shared among members, spent on buckets."""

    __tablename__ = "cobudget_round"
    __table_args__ = (
        Index("ix_cobudget_round_room_state", "room_id", "state"),
        UniqueConstraint("room_id", "number", name="uq_cobudget_round_number"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    room_id: str = Field(foreign_key="room.id", max_length=255)
    number: int  # per room, never reused
    title: str = Field(max_length=255)
    pot_cents: int
    deadline: dt.date | None = Field(default=None)  # last day of funding, room's time zone
    state: str = Field(default=ROUND_OPEN, max_length=16)
    # reaction key -> cents it is worth on a bucket card of this round
    reaction_values: dict[str, int] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    created_by: str = Field(max_length=255)
    event_id: str = Field(unique=True, max_length=255)
    created_at: dt.datetime = Field(default_factory=now)
    closed_at: dt.datetime | None = Field(default=None)
    closed_event_id: str | None = Field(default=None, max_length=255)


class Allocation(SQLModel, table=True):
    """One line of the allocation ledger: ``cents`` given to ``user_id`` for a round."""

    __tablename__ = "cobudget_allocation"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id", name="uq_cobudget_allocation_event_user"),
        Index("ix_cobudget_allocation_round_user", "round_id", "user_id"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="cobudget_round.id")
    room_id: str = Field(max_length=255)
    user_id: str = Field(max_length=255)
    cents: int
    method: str = Field(default="person", max_length=16)  # person | equal | each | hours
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by: str = Field(max_length=255)
    event_id: str = Field(max_length=255, index=True)
    created_at: dt.datetime = Field(default_factory=now)


class Bucket(SQLModel, table=True):
    """A proposal to fund, with a minimum goal (funded from there) and a maximum goal."""

    __tablename__ = "cobudget_bucket"
    __table_args__ = (
        Index("ix_cobudget_bucket_round_state", "round_id", "state"),
        UniqueConstraint("room_id", "number", name="uq_cobudget_bucket_number"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="cobudget_round.id")
    room_id: str = Field(max_length=255, index=True)
    number: int  # per room, never reused
    title: str = Field(max_length=255)
    description: str = Field(default="", max_length=2000)
    author: str = Field(max_length=255)
    min_cents: int
    max_cents: int
    state: str = Field(default=BUCKET_OPEN, max_length=16)
    card_message_id: int | None = Field(default=None, foreign_key="botmessage.id")
    event_id: str = Field(unique=True, max_length=255)
    created_at: dt.datetime = Field(default_factory=now)
    funded_at: dt.datetime | None = Field(default=None)
    closed_at: dt.datetime | None = Field(default=None)  # completed, cancelled or refunded


class Funding(SQLModel, table=True):
    """Money put into a bucket. ``event_id`` is the reaction's own id (so that removing the
    reaction finds it) or the id of the ``!financer`` command."""

    __tablename__ = "cobudget_funding"
    __table_args__ = (
        # a bucket's or a funder's few rows are found by these two (their state read from the
        # row, migration 0021)
        Index("ix_cobudget_funding_bucket", "bucket_id"),
        Index("ix_cobudget_funding_round_funder", "round_id", "funder"),
        # what a round's buckets hold, read from the index alone (migration 0022): closing a
        # round writes no funding, so that its fundings' state rarely changes
        Index("ix_cobudget_funding_round_bucket", "round_id", "bucket_id", "state", "cents"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    round_id: int = Field(foreign_key="cobudget_round.id")
    bucket_id: int = Field(foreign_key="cobudget_bucket.id")
    funder: str = Field(max_length=255)
    cents: int
    source: str = Field(default="reaction", max_length=16)  # reaction | command
    reaction_key: str | None = Field(default=None, max_length=64)
    state: str = Field(default=FUNDING_ACTIVE, max_length=16)
    event_id: str = Field(unique=True, max_length=255)
    created_at: dt.datetime = Field(default_factory=now)
    ended_at: dt.datetime | None = Field(default=None)
    ended_event_id: str | None = Field(default=None, max_length=255)


def holding(*, round_id: Any = None, bucket_id: Any = None) -> ColumnElement[bool]:
    """The fundings that hold their money, as a SQL condition: active, in a bucket that has not
    given it back when its round closed. Closing a round marks the buckets below their goal
    ``refunded`` and writes none of their fundings (thousands of rows otherwise); rounds closed
    before that wrote each funding ``refunded``, which this reads the same. ``round_id`` or
    ``bucket_id`` (a value or a column) narrows the buckets looked at to the fundings read."""
    refunded = sa_select(col(Bucket.id)).where(col(Bucket.state) == BUCKET_REFUNDED)
    if round_id is not None:
        refunded = refunded.where(col(Bucket.round_id) == round_id)
    if bucket_id is not None:
        refunded = refunded.where(col(Bucket.id) == bucket_id)
    return and_(col(Funding.state) == FUNDING_ACTIVE, col(Funding.bucket_id).not_in(refunded))


def funding_state(funding: Funding, bucket_state: str | None) -> str:
    """A funding's state as people know it: an active funding of a bucket its round's close
    refunded was given back (see ``holding``)."""
    if funding.state == FUNDING_ACTIVE and bucket_state == BUCKET_REFUNDED:
        return FUNDING_REFUNDED
    return funding.state
