"""Mattermost: how far the bot has read each channel, so that a restart fetches what it missed."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger
from sqlmodel import Field, SQLModel

from storage.clock import now


class MattermostCursor(SQLModel, table=True):
    """The newest post time (``update_at``, Unix milliseconds) handled in a channel."""

    channel_id: str = Field(primary_key=True, max_length=64)
    last_post_at: int = Field(default=0, sa_type=BigInteger)
    updated_at: dt.datetime = Field(default_factory=now)
