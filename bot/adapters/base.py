"""The neutral adapter interface that every chat platform implements: what the bot says or does
(``Outgoing``, one frozen dataclass per kind), what an adapter may ask of the process that runs
it (``Host``), and what it offers in return (``Adapter``)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

if TYPE_CHECKING:
    from commands.core import Settings
    from commands.events import AnyEvent

T = TypeVar("T")


@dataclass(frozen=True, kw_only=True)
class _Item:
    """What every outgoing item has: its outbox id and the room it is for (or about)."""

    # the value of ``BotMessage.kind`` that stores this variant
    kind: ClassVar[str]

    id: int
    room_id: str


@dataclass(frozen=True, kw_only=True)
class _Said(_Item):
    """Something the bot writes: ``body`` plain/Markdown, ``html`` optional, ``mentions``: the
    user ids it means to notify (each named in the text by that id)."""

    body: str = ""
    html: str | None = None
    mentions: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class _Answer(_Said):
    """Something the bot posts in the room; ``reply_to`` and ``thread_id`` are platform ids of
    the command it answers and of that command's thread."""

    reply_to: str | None = None
    thread_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class Text(_Answer):
    """A message in the room."""

    kind: ClassVar[str] = "text"


@dataclass(frozen=True, kw_only=True)
class File(_Answer):
    """A file (``data`` uploaded as ``file_name``), ``body`` as its caption."""

    kind: ClassVar[str] = "file"
    file_name: str = "file"
    mime: str = "application/octet-stream"
    data: bytes = b""


@dataclass(frozen=True, kw_only=True)
class Edit(_Said):
    """Replace the content of the bot's message ``target_platform_id``."""

    kind: ClassVar[str] = "edit"
    target_platform_id: str | None = None


@dataclass(frozen=True, kw_only=True)
class Direct(_Said):
    """``body`` to ``recipient`` alone, in a direct conversation with the bot (the adapter opens
    one if needed); ``room_id`` is the room it is about."""

    kind: ClassVar[str] = "direct"
    recipient: str = ""


@dataclass(frozen=True, kw_only=True)
class Reaction(_Item):
    """Put ``reaction_key`` on ``target_event``."""

    kind: ClassVar[str] = "react"
    target_event: str | None = None
    reaction_key: str = ""


@dataclass(frozen=True, kw_only=True)
class Redaction(_Item):
    """Remove the event ``target_event`` (one of the bot's own messages, say)."""

    kind: ClassVar[str] = "redact"
    target_event: str | None = None


Outgoing = Text | File | Edit | Direct | Reaction | Redaction
VARIANTS: tuple[type[_Item], ...] = (Text, File, Edit, Direct, Reaction, Redaction)
_BY_KIND: dict[str, type[_Item]] = {v.kind: v for v in VARIANTS}


class UnknownKind(ValueError):
    """An outbox row whose kind no variant stores (never written by the bot)."""


def from_row(row: Mapping[Any, Any], target_pid: str | None = None) -> Outgoing:
    """The outgoing item an outbox row (``BotMessage``'s columns) stores; ``target_pid``: the
    platform id of the bot's message the row acts on (its ``target_id``), once delivered.
    Raises ``UnknownKind`` for a kind no variant stores."""
    kind = row["kind"]
    common: dict[str, Any] = {"id": row["id"], "room_id": row["room_id"]}
    said: dict[str, Any] = {
        "body": row.get("body") or "",
        "html": row.get("html"),
        "mentions": tuple(row.get("mentions") or ()),
    }
    answer: dict[str, Any] = {"reply_to": row.get("reply_to"), "thread_id": row.get("thread_id")}
    item: Outgoing
    if kind == Text.kind:
        item = Text(**common, **said, **answer)
    elif kind == File.kind:
        item = File(
            **common,
            **said,
            **answer,
            file_name=row.get("file_name") or "file",
            mime=row.get("mime") or "application/octet-stream",
            data=row.get("data") or b"",
        )
    elif kind == Edit.kind:
        item = Edit(**common, **said, target_platform_id=target_pid)
    elif kind == Direct.kind:
        item = Direct(**common, **said, recipient=row.get("recipient") or "")
    elif kind == Reaction.kind:
        item = Reaction(
            **common,
            target_event=row.get("target_event") or target_pid,
            reaction_key=row.get("reaction_key") or "",
        )
    elif kind == Redaction.kind:
        item = Redaction(**common, target_event=row.get("target_event") or target_pid)
    else:
        raise UnknownKind(f"outbox message {row['id']} has an unknown kind {kind!r}")
    return item


def to_row(item: Outgoing) -> dict[str, Any]:
    """The outbox columns that store ``item`` (``from_row``'s inverse, but for ``target_id``,
    which the outbox keeps beside them)."""
    row: dict[str, Any] = {"kind": item.kind}
    for f in dataclasses.fields(item):
        row[f.name] = getattr(item, f.name)
    if "mentions" in row:
        row["mentions"] = list(row["mentions"])
    row.pop("target_platform_id", None)
    return row


def on_target(item: Outgoing, target_pid: str) -> Outgoing:
    """``item`` acting on the bot's message just delivered as ``target_pid`` (an edit of a card,
    a reaction on the bot's own message, queued before that message was delivered)."""
    if isinstance(item, Edit):
        return dataclasses.replace(item, target_platform_id=target_pid)
    if isinstance(item, Reaction | Redaction) and item.target_event is None:
        return dataclasses.replace(item, target_event=target_pid)
    return item


class DeliveryError(Exception):
    """Raised by ``deliver``. ``permanent``: retrying cannot help (the runtime gives up on it)."""

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


class NotHandled(Exception):
    """``Host.handle`` could not commit the event (the database failed): nothing of it was
    stored, and the adapter should hand it over again later (its sync position stays)."""

    def __init__(self, event_id: str, cause: BaseException) -> None:
        super().__init__(f"event {event_id} was not handled: {cause}")
        self.event_id = event_id


class Host(Protocol):
    """What an adapter may ask of the process that runs it, and nothing more:

    - ``handle(event)``: hand over a neutral event (committed when it returns; raises
      ``NotHandled`` when it could not be);
    - ``run_db(room_id, fn, *args)``: ``fn(db, *args)`` in one transaction, in the database
      thread of ``room_id`` (the adapter's own tables: its account, its direct rooms);
    - ``cursors`` / ``set_cursor``: the adapter's own key–value table (positions, remembered
      ids), per platform;
    - ``add_adapter`` (to be given what to deliver), ``flush`` (wait until every answer is out),
      ``language_of`` (a room's language, for the adapter's own words) and ``settings``."""

    settings: Settings

    def add_adapter(self, adapter: Adapter) -> None: ...

    async def handle(self, event: AnyEvent) -> None: ...

    async def run_db(self, room_id: str | None, fn: Callable[..., T], *args: Any) -> T: ...

    async def cursors(self, platform: str, prefix: str = "") -> dict[str, str]: ...

    async def set_cursor(
        self, platform: str, key: str, value: str | None, *, room_id: str | None = None
    ) -> None: ...

    async def flush(self, timeout: float = 60.0) -> None: ...

    def language_of(self, room_id: str) -> str | None: ...


class Adapter(Protocol):
    """A chat platform. ``run`` receives events and hands each to ``host.handle`` (awaiting it
    before saving its own sync position); ``deliver`` sends one outgoing item and returns the
    platform's id for it (``None`` when it has none, as for a reaction on some platforms)."""

    platform: str

    async def run(self, host: Host) -> None: ...

    async def deliver(self, item: Outgoing) -> str | None: ...

    async def close(self) -> None: ...
