"""Recap tables: each room's schedules (weekly recap, monthly recap, reminder) and a record of
every scheduled post, checked before posting so that nothing is posted twice."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from storage.clock import now
from storage.models.core import NO_REUSE


class RecapSchedule(SQLModel, table=True):
    """When a room gets its recap or its reminder, in the room's time zone.

    ``kind``: ``weekly`` (``weekday`` 0 = Monday), ``monthly`` (``month_day`` 1-28, or 0 for the
    last day of the month) or ``reminder`` (weekly, ``weekday``). Turning a schedule off keeps
    the row with ``enabled`` false, so that every change stays visible."""

    room_id: str = Field(foreign_key="room.id", primary_key=True, max_length=255)
    kind: str = Field(primary_key=True, max_length=16)
    enabled: bool = Field(default=True)
    weekday: int | None = Field(default=None)
    month_day: int | None = Field(default=None)
    hour: int = Field(default=9)
    minute: int = Field(default=0)
    event_id: str = Field(default="", max_length=255)
    changed_by: str = Field(default="", max_length=255)
    updated_at: dt.datetime = Field(default_factory=now)


class RecapSent(SQLModel, table=True):
    """One scheduled post: ``period_kind`` is ``week``, ``month`` or ``reminder`` and
    ``period_start`` the first day of the period it covers (for a reminder: its local day)."""

    __table_args__ = (
        UniqueConstraint("room_id", "period_kind", "period_start", name="uq_recap_sent_period"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    room_id: str = Field(foreign_key="room.id", max_length=255)
    period_kind: str = Field(max_length=16)
    period_start: dt.date
    due_at: dt.datetime
    sent_at: dt.datetime = Field(default_factory=now)
    bot_message_id: int | None = Field(default=None)
