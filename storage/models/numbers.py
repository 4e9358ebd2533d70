"""The numbers people read and type (contribution #12, bucket #3, ``!valider 3``): each room
counts its own, per kind, and a number once handed out is never handed out again."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class RoomCounter(SQLModel, table=True):
    """The last number a room gave to a kind of record (``contribution``, ``bucket``, ``round``,
    ``envelope``, ``request``). It only ever goes up: deleting a record frees nothing."""

    __tablename__ = "room_counter"

    room_id: str = Field(foreign_key="room.id", primary_key=True, max_length=255)
    kind: str = Field(primary_key=True, max_length=32)
    last: int = Field(default=0)
