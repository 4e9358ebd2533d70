"""What a chat adapter keeps for itself between runs: positions and remembered ids, as text under
keys of its own (the Mattermost adapter's read position in each channel, say). Only the adapter
that wrote a key gives it a meaning."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from storage.clock import now


class AdapterCursor(SQLModel, table=True):
    """One value of one platform's adapter, under ``key``."""

    __tablename__ = "adapter_cursor"

    platform: str = Field(primary_key=True, max_length=32)
    key: str = Field(primary_key=True, max_length=255)
    value: str = Field(max_length=1024)
    updated_at: dt.datetime = Field(default_factory=now)
