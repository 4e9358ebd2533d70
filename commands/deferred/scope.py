"""What a renderer of a deferred answer gets (``RenderScope``: a read-only session, the room,
the job's parameters) and what it gives back (``Rendered``: a text, a file, edits, more)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlmodel import Session

from commands.core import Registry, RoomTexts, Settings
from commands.render import Rich
from storage.models import Room


@dataclass(eq=False)  # compared and hashed by identity, as a ``Context`` is
class RenderScope(RoomTexts):
    """What a renderer gets: a read-only session, the room, the job's ``params``."""

    db: Session
    room: Room
    settings: Settings
    registry: Registry
    params: dict[str, Any]
    now: dt.datetime


@dataclass
class Rendered:
    """What a renderer made: the message's text (a file's caption), and a file, given as bytes
    (``data``) or to be drawn in a child process (``draw(draw_input)`` returns the bytes;
    both must pickle). Nothing at all (no text, no file): the message is dropped."""

    text: Rich | str | None = None
    file_name: str | None = None
    mime: str | None = None
    data: bytes | None = None
    draw: Callable[[Any], bytes] | None = None
    draw_input: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    # ``defer_edits``: the content of each edited message (by its id), in any order
    edits: list[tuple[int, Rich]] | None = None
    # ``defer(then=...)``: the messages said after this one, in order (a file's caption as its
    # ``text``); one left out is not sent
    more: list[Rendered] = field(default_factory=list)

    @property
    def is_file(self) -> bool:
        return self.data is not None or self.draw is not None


class Renderer(Protocol):
    def __call__(self, scope: RenderScope) -> Rendered: ...
