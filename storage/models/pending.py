"""Actions that wait for their author's confirmation: the bot could not be sure of what a command
meant (an unknown project code, say), stored nothing, and offered a reading that the author
confirms by reacting ✅ to the bot's answer (a ``BotMessage`` with ``ref_kind="pending"``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from storage.clock import now
from storage.models.core import NO_REUSE

PENDING_OPEN = "open"
PENDING_DONE = "done"  # confirmed and applied
PENDING_DROPPED = "dropped"  # superseded (the command was edited or deleted) or expired


class PendingAction(SQLModel, table=True):
    __tablename__ = "pending_action"
    __table_args__ = (
        Index("ix_pending_action_source", "source_event_id"),
        Index("ix_pending_action_resolved", "resolved_event_id"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    room_id: str = Field(foreign_key="room.id", max_length=255)
    kind: str = Field(max_length=32)  # what confirming does, e.g. "contrib_no_project"
    source_event_id: str = Field(max_length=255)  # the command message it came from
    sender: str = Field(max_length=255)  # only they may confirm it
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    state: str = Field(default=PENDING_OPEN, max_length=16)
    created_at: dt.datetime = Field(default_factory=now)
    resolved_at: dt.datetime | None = Field(default=None)
    resolved_event_id: str | None = Field(default=None, max_length=255)
