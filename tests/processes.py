"""Two processes at one timed duty: a room's conversation played straight on a dispatcher
(no runtime), then the duty run from two threads at once by the tests that need it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.engine import Engine

from commands import build_registry
from commands.core import Dispatcher, Registry, Settings
from commands.events import Message, Role


def play(
    engine: Engine, room: str, said: list[tuple[str, str, bool]], at: dt.datetime
) -> tuple[Dispatcher, Registry, Settings]:
    """Each ``(sender, text, is_admin)`` handled in ``room`` at ``at`` (events ``$m0``, ``$m1``…)."""
    registry, settings = build_registry(), Settings()
    d = Dispatcher(engine, registry, settings, lambda: at)
    for i, (who, body, admin) in enumerate(said):
        event = Message(
            platform="console",
            event_id=f"$m{i}",
            room_id=room,
            sender=who,
            sender_name=who.lstrip("@").title(),
            body=body,
            role=Role.ADMIN if admin else Role.MEMBER,
        )
        d.handle(event, at)
    return d, registry, settings
