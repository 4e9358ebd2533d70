"""The room pages: the links that open them (only a SHA-256 of each token is kept), whether a
room's page is on, and the direct conversations through which the bot sends a member their link."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from storage.clock import now
from storage.models.core import NO_REUSE

LINK_MEMBER = "member"  # one member's own link, sent by direct message
LINK_PUBLIC = "public"  # the room's open link, posted in the room


class PageLink(SQLModel, table=True):
    """A link to a room's page. ``token_hash`` is the SHA-256 (hex) of the token the link
    carries; the token itself is stored nowhere. A revoked link never works again."""

    __tablename__ = "page_link"
    __table_args__ = (Index("ix_page_link_room_user", "room_id", "user_id"), NO_REUSE)

    id: int | None = Field(default=None, primary_key=True)
    room_id: str = Field(foreign_key="room.id", max_length=255)
    kind: str = Field(default=LINK_MEMBER, max_length=16)
    user_id: str | None = Field(default=None, max_length=255)  # a member link's owner
    token_hash: str = Field(max_length=64, unique=True)
    created_by: str = Field(max_length=255)
    event_id: str = Field(max_length=255, index=True)
    created_at: dt.datetime = Field(default_factory=now)
    revoked_at: dt.datetime | None = Field(default=None)
    revoked_event_id: str | None = Field(default=None, max_length=255)


class PageRoom(SQLModel, table=True):
    """A room whose page an admin turned off (``!page off``) or on again; no row: on."""

    __tablename__ = "page_room"

    room_id: str = Field(foreign_key="room.id", primary_key=True, max_length=255)
    enabled: bool = Field(default=True)
    changed_by: str = Field(default="", max_length=255)
    event_id: str = Field(default="", max_length=255)
    updated_at: dt.datetime = Field(default_factory=now)


class DirectRoom(SQLModel, table=True):
    """The direct conversation the bot opened with someone on a platform (reused)."""

    __tablename__ = "direct_room"

    platform: str = Field(primary_key=True, max_length=32)
    user_id: str = Field(primary_key=True, max_length=255)
    room_id: str = Field(max_length=255)
    created_at: dt.datetime = Field(default_factory=now)
