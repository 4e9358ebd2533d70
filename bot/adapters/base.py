"""The neutral adapter interface that every chat platform implements."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from bot.runtime import Runtime


@dataclass(frozen=True)
class Outgoing:
    """One thing the bot says or does, ready for an adapter to render for its platform.

    ``kind``: ``text`` (``body`` plain/Markdown, ``html`` optional), ``edit`` (replace the
    content of the bot's message ``target_platform_id``), ``react`` (put ``reaction_key`` on
    ``target_event``), ``file`` (upload ``data`` as ``file_name`` and post it, ``body`` as
    caption), ``direct`` (``body`` to ``recipient`` alone, in a direct conversation with the
    bot, which the adapter opens if needed; ``room_id`` is the room it is about). ``reply_to``
    and ``thread_id`` are platform ids of the command and its thread.
    """

    id: int
    room_id: str
    kind: str
    body: str = ""
    html: str | None = None
    reply_to: str | None = None
    thread_id: str | None = None
    target_platform_id: str | None = None
    target_event: str | None = None
    reaction_key: str | None = None
    file_name: str | None = None
    mime: str | None = None
    data: bytes | None = None
    mentions: list[str] = field(default_factory=list)
    recipient: str | None = None


class DeliveryError(Exception):
    """Raised by ``deliver``. ``permanent``: retrying cannot help (the runtime gives up on it)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class Adapter(Protocol):
    """A chat platform. ``run`` receives events and hands each to ``runtime.handle`` (awaiting it
    before saving its own sync position); ``deliver`` sends one outgoing item and returns the
    platform's id for it (``None`` when it has none, as for a reaction on some platforms)."""

    platform: str

    async def run(self, runtime: Runtime) -> None: ...

    async def deliver(self, item: Outgoing) -> str | None: ...

    async def close(self) -> None: ...
