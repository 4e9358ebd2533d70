"""Foundation tables: rooms, people, projects, contributions, processed chat events, the audit
trail and the bot's outgoing messages (a transactional outbox)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Column,
    Index,
    LargeBinary,
    PrimaryKeyConstraint,
    UniqueConstraint,
    text,
)
from sqlmodel import Field, SQLModel

from storage.clock import now

# Internal ids are never handed out again after a deletion (SQLite's AUTOINCREMENT; PostgreSQL's
# sequences never go back): audit rows and bot messages name records by their id.
NO_REUSE: dict[str, Any] = {"sqlite_autoincrement": True}


class Room(SQLModel, table=True):
    """A chat room (Matrix room, Mattermost channel, console room) and its settings."""

    id: str = Field(primary_key=True, max_length=255)
    platform: str = Field(max_length=32)  # no default: a room is always on some platform
    name: str = Field(default="", max_length=255)
    language: str = Field(default="fr", max_length=8)
    timezone: str = Field(default="Europe/Paris", max_length=64)
    currency: str = Field(default="EUR", max_length=3)
    day_minutes: int = Field(default=7 * 60)
    max_entry_minutes: int = Field(default=24 * 60)
    # a date further back than this many days must carry its year (``12/11/2025``)
    max_past_days: int = Field(default=365)
    # handled chat events and the bot's delivered answers are kept this many days (0: forever);
    # the audit trail and the ledger are kept forever (``storage.retention``)
    retention_days: int = Field(default=365)
    default_project_id: int | None = Field(default=None)  # a project of this room
    created_at: dt.datetime = Field(default_factory=now)


class Person(SQLModel, table=True):
    """A chat user as last seen: the platform id and a display name."""

    user_id: str = Field(primary_key=True, max_length=255)
    display_name: str = Field(default="", max_length=255)
    updated_at: dt.datetime = Field(default_factory=now)


class Member(SQLModel, table=True):
    """Who is in a room, as the platform last told (joins, leaves, anyone who spoke)."""

    room_id: str = Field(foreign_key="room.id", primary_key=True, max_length=255)
    user_id: str = Field(primary_key=True, max_length=255)
    joined: bool = Field(default=True)
    is_bot: bool = Field(default=False)
    first_seen: dt.datetime = Field(default_factory=now)
    updated_at: dt.datetime = Field(default_factory=now)


class Project(SQLModel, table=True):
    __table_args__ = (
        UniqueConstraint("room_id", "code", name="uq_project_room_code"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    room_id: str = Field(foreign_key="room.id", index=True, max_length=255)
    code: str = Field(max_length=32)
    code_key: str = Field(max_length=32, index=True)  # casefolded code, for lookups
    name: str = Field(default="", max_length=255)
    archived: bool = Field(default=False)
    created_at: dt.datetime = Field(default_factory=now)
    event_id: str | None = Field(default=None, max_length=255)


class Contribution(SQLModel, table=True):
    """What someone gave: integer minutes on a day (in the room's time zone)."""

    __table_args__ = (
        # covering indexes: totals per period, per person and per project read no table rows
        Index("ix_contribution_totals", "room_id", "day", "user_id", "project_id", "minutes"),
        Index("ix_contribution_person", "room_id", "user_id", "day", "project_id", "minutes"),
        Index("ix_contribution_project", "room_id", "project_id", "day", "user_id", "minutes"),
        # someone's latest contribution (``!annuler`` with no number)
        Index("ix_contribution_creator", "room_id", "created_by", "id"),
        UniqueConstraint("room_id", "number", name="uq_contribution_number"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    room_id: str = Field(foreign_key="room.id", max_length=255)
    number: int  # what people read and type (#12): counts per room, never reused
    user_id: str = Field(max_length=255)
    minutes: int
    day: dt.date
    project_id: int | None = Field(default=None, foreign_key="project.id")
    description: str = Field(default="", max_length=2000)
    event_id: str = Field(unique=True, max_length=255)
    created_by: str = Field(max_length=255)
    created_at: dt.datetime = Field(default_factory=now)
    updated_at: dt.datetime = Field(default_factory=now)


class ContributionMonth(SQLModel, table=True):
    """Totals of contributions per room, month, person and project, kept by database triggers on
    ``contribution`` (never written by the program), so that totals over long periods read a few
    rows per month instead of every contribution. ``project_key`` is 0 for no project.

    Its rows are read in the order of its key, from the key alone: a ``WITHOUT ROWID`` table on
    SQLite, a key index that includes the totals on PostgreSQL (migration 0021)."""

    __tablename__ = "contribution_month"
    __table_args__ = (
        PrimaryKeyConstraint(
            "room_id",
            "month",
            "user_id",
            "project_key",
            name="contribution_month_pkey",
            postgresql_include=["minutes", "count"],
        ),
        {"sqlite_with_rowid": False},
    )

    room_id: str = Field(primary_key=True, max_length=255)
    month: dt.date = Field(primary_key=True)  # the first day of the month
    user_id: str = Field(primary_key=True, max_length=255)
    project_key: int = Field(primary_key=True)
    minutes: int = Field(default=0)
    count: int = Field(default=0)


class ChatEvent(SQLModel, table=True):
    """A chat event that was handled: handling the same event id again changes nothing."""

    # what the retention purge reads: a room's oldest rows first
    __table_args__ = (Index("ix_chat_event_room_handled", "room_id", "handled_at"),)

    event_id: str = Field(primary_key=True, max_length=255)
    room_id: str = Field(max_length=255)  # indexed by ``ix_chat_event_room_handled``
    sender: str = Field(default="", max_length=255)
    kind: str = Field(max_length=32)
    command: str = Field(default="", max_length=64)
    handled_at: dt.datetime = Field(default_factory=now)
    # where the bot's answers to this event go: the message they reply to (the command, the
    # original of an edit, the message a reaction was put on) and its thread; a later removal
    # of the event is answered there too
    answer_to: str | None = Field(default=None, max_length=255)
    thread_id: str | None = Field(default=None, max_length=255)


class Audit(SQLModel, table=True):
    """Append-only trail of every change: who, what, when, from which event."""

    __table_args__ = NO_REUSE

    id: int | None = Field(default=None, primary_key=True)
    at: dt.datetime = Field(default_factory=now, index=True)
    room_id: str = Field(max_length=255, index=True)
    actor: str = Field(max_length=255)
    action: str = Field(max_length=64)
    object_kind: str = Field(max_length=64)
    object_id: str = Field(default="", max_length=255)
    event_id: str = Field(default="", max_length=255, index=True)
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class BotMessage(SQLModel, table=True):
    """Something the bot says or does in a room, written in the same transaction as the change
    that caused it and delivered afterwards (outbox). ``platform_id`` is the id the chat platform
    gave the sent message; ``ref_kind``/``ref_id`` tie a message (a bucket card, say) to an object
    so that reactions to it and later edits of it can be found."""

    __table_args__ = (
        # the messages still to deliver, in order, of every room (at start, the health page):
        # a message leaves it when it is sent (migration 0023)
        Index(
            "ix_bot_message_unsent",
            "id",
            sqlite_where=text("sent_at IS NULL"),
            postgresql_where=text("sent_at IS NULL"),
        ),
        # a room's messages still to deliver, in the order they go out (``turn``; the messages
        # not yet given a turn come first): the next few are read without looking at the
        # others, however many wait (migration 0024)
        Index(
            "ix_bot_message_turns",
            "room_id",
            "turn",
            "id",
            sqlite_where=text("sent_at IS NULL"),
            postgresql_where=text("sent_at IS NULL"),
        ),
        # the last turn taken in each lane of a room, read when new messages get theirs
        Index(
            "ix_bot_message_lanes",
            "room_id",
            "lane",
            "turn",
            sqlite_where=text("sent_at IS NULL"),
            postgresql_where=text("sent_at IS NULL"),
        ),
        Index("ix_bot_message_ref", "ref_kind", "ref_id"),
        Index("ix_bot_message_room_created", "room_id", "created_at"),
        # deleting a message checks that no edit of it points at it
        Index("ix_bot_message_target", "target_id"),
        NO_REUSE,
    )

    id: int | None = Field(default=None, primary_key=True)
    room_id: str = Field(max_length=255)  # indexed with what is read: see ``__table_args__``
    kind: str = Field(default="text", max_length=16)  # text | edit | react | file | redact | direct
    body: str = Field(default="")
    html: str | None = Field(default=None)
    reply_to: str | None = Field(default=None, max_length=255)
    thread_id: str | None = Field(default=None, max_length=255)
    target_id: int | None = Field(default=None, foreign_key="botmessage.id")
    target_event: str | None = Field(default=None, max_length=255)
    reaction_key: str | None = Field(default=None, max_length=64)
    file_name: str | None = Field(default=None, max_length=255)
    mime: str | None = Field(default=None, max_length=128)
    data: bytes | None = Field(default=None, sa_column=Column(LargeBinary, nullable=True))
    mentions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    ref_kind: str | None = Field(default=None, max_length=32)
    ref_id: str | None = Field(default=None, max_length=64)
    cause_event_id: str | None = Field(default=None, max_length=255, index=True)
    created_at: dt.datetime = Field(default_factory=now)
    sent_at: dt.datetime | None = Field(default=None)
    platform_id: str | None = Field(default=None, max_length=255, unique=True)
    attempts: int = Field(default=0)
    # kind "direct": who the message goes to, in a direct conversation with the bot
    recipient: str | None = Field(default=None, max_length=255)
    # the delivery's order, given when the delivery first sees the message (``bot.delivery``):
    # the lane it waits in (the sender of the event that caused it; for an edit of a message
    # still queued, that message's lane) and its turn among the room's messages to deliver
    lane: str | None = Field(default=None, max_length=255)
    turn: int | None = Field(default=None)
