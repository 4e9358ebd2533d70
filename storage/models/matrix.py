"""The Matrix account's session and sync position, kept in the same database as what the events
changed, so that the position is only ever saved after the events before it were handled."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Field, SQLModel

from storage.clock import now


class MatrixAccount(SQLModel, table=True):
    """One row per bot account. ``next_batch`` is the sync token after the last batch whose
    events were all handled; ``None`` means the bot never synced (a fresh start ignores history).
    ``txn_prefix`` makes transaction ids unique to this database, so that an outbox id reused
    after a database reset is never mistaken by the homeserver for an earlier send."""

    __tablename__ = "matrix_account"

    user_id: str = Field(primary_key=True, max_length=255)
    device_id: str = Field(default="", max_length=255)
    access_token: str = Field(default="", max_length=1024)
    next_batch: str | None = Field(default=None, max_length=1024)
    txn_prefix: str = Field(default="", max_length=32)
    updated_at: dt.datetime = Field(default_factory=now)
