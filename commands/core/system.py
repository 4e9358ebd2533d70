"""What the bot does on its own (a timed duty, a scheduled post) goes the way a command goes."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from commands.core.context import Context
from commands.core.registry import Registry
from commands.core.rooms import platform_of
from commands.core.settings import Settings
from commands.events import Message, Role
from storage.models import Room

# who the audit names for what the bot does on its own (a deadline, a scheduled post)
SYSTEM = "bot"


def system_context(
    db: Session,
    room: Room,
    registry: Registry,
    settings: Settings,
    now: dt.datetime,
    cause: str,
    *,
    anchor: tuple[str | None, str | None] | None = None,
) -> Context:
    """The context of what the bot does on its own in ``room`` (a timed duty, a scheduled
    post): the same path into the outbox and the audit as a command's, acting as an admin
    named ``SYSTEM``. ``cause`` is the id its messages and audit rows name (a synthetic event,
    never recorded as a chat event). Its answers reply to nothing, or to ``anchor`` (the
    platform id of a message and its thread, e.g. a reminder in a campaign's thread)."""
    event = Message(
        event_id=cause,
        room_id=room.id,
        sender=SYSTEM,
        role=Role.ADMIN,
        platform=platform_of(room),
        timestamp=now,
        body="",
    )
    ctx = Context(db, event, room, settings, now, registry, chat_event=False)
    if anchor is not None:
        ctx._anchor = anchor
    return ctx
