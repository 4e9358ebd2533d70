"""Answers rendered after the command's transaction (recaps, charts, CSV files): the outbox row
holds a placeholder until its job is done, and only the result afterwards."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel

from storage.clock import now


class RenderJob(SQLModel, table=True):
    """What to render into the outbox message ``message_id`` (``kind``: a renderer registered by
    a family, ``params``: what it needs, JSON). Deleted when the result is written."""

    __tablename__ = "render_job"

    message_id: int = Field(foreign_key="botmessage.id", primary_key=True)
    room_id: str = Field(max_length=255)
    kind: str = Field(max_length=32)
    params: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    attempts: int = Field(default=0)
    created_at: dt.datetime = Field(default_factory=now)
