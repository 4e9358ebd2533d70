"""Every event says its platform, and every room row has one: a room is never taken for a
console room by default, and a row without a platform is refused where it is read."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from commands import build_registry
from commands.core import Settings, get_room
from commands.core.system import system_context
from commands.events import Message, ReactionAdded
from storage.db import transaction
from storage.models import Room

NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)


def test_an_event_without_a_platform_is_refused():
    with pytest.raises(TypeError, match="platform"):
        Message(event_id="$1", room_id="r", sender="@a", body="!contrib 1h")  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="without a platform"):
        ReactionAdded(
            event_id="$2", room_id="r", sender="@a", platform="", target_event_id="$1", key="👍"
        )


def test_a_room_row_without_a_platform_is_refused_where_it_is_read(engine):
    registry = build_registry()
    with Session(engine) as db:
        db.add(Room(id="nowhere", platform=""))
        db.commit()
    with transaction(engine) as db:
        room = db.get(Room, "nowhere")
        assert room is not None
        with pytest.raises(ValueError, match="room 'nowhere' has no platform"):
            system_context(db, room, registry, Settings(), NOW, "job:1")
        event = Message(
            event_id="$1", room_id="nowhere", sender="@a", body="!contribs", platform="matrix"
        )
        with pytest.raises(ValueError, match="room 'nowhere' has no platform"):
            get_room(db, event, Settings())
