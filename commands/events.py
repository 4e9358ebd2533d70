"""Neutral events: what an adapter hands the runtime, whatever the chat platform.

Adapters translate platform events into these; handlers never see a platform object.
Every instant is an aware UTC datetime.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from enum import StrEnum

from storage import clock


class Role(StrEnum):
    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


def _now() -> dt.datetime:
    return clock.now()


def valid_text(text: str) -> str:
    """``text`` as text every database stores: a lone surrogate (JSON lets a platform send
    ``"\\ud800"``) and a NUL character (PostgreSQL refuses it) become U+FFFD."""
    if text.isascii() and "\x00" not in text:
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        # a surrogate pair split in two becomes its character again; a lone one, U+FFFD
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text.replace("\x00", "\ufffd")


@dataclass(frozen=True, kw_only=True)
class Event:
    event_id: str
    room_id: str
    sender: str
    sender_name: str = ""
    role: Role = Role.MEMBER
    timestamp: dt.datetime = field(default_factory=_now)
    # the adapter that read it (``console``, ``matrix``, ``mattermost``): always said, never
    # guessed, since a room is created with its first event's platform
    platform: str
    room_name: str = ""
    is_direct: bool = False

    def __post_init__(self) -> None:
        if not self.platform:
            raise ValueError(f"an event without a platform (event {self.event_id!r})")
        # whatever a platform sent, the text of an event can be stored and repeated
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str) and value is not (clean := valid_text(value)):
                object.__setattr__(self, f.name, clean)


# the largest file an adapter fetches for a command (``!importer``): bigger ones come without data
MAX_FILE_BYTES = 5_000_000


@dataclass(frozen=True, kw_only=True)
class Attachment:
    """A file sent with a message. Adapters fetch its bytes (``data``) only for a message that
    is a command, and only up to ``MAX_FILE_BYTES``; ``size`` is what the platform said."""

    name: str
    mime: str = "application/octet-stream"
    data: bytes | None = None
    size: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", valid_text(self.name))
        object.__setattr__(self, "mime", valid_text(self.mime))


@dataclass(frozen=True, kw_only=True)
class Mention:
    """A person a message names, as the platform tells it: ``user_id`` (the platform id,
    compared with senders), ``display_name`` (empty when the platform gave none), ``text`` the
    word of the body that stands for them (``@alice``, ``@bob:server``; empty when the platform
    says they are mentioned without a word of the body naming them), and ``member`` whether the
    platform says they are in the room. Commands read a person from here rather than from the
    body: only where the platform gives no structure do they read the typed name."""

    user_id: str
    text: str = ""
    display_name: str = ""
    member: bool = False

    def __post_init__(self) -> None:
        for name in ("user_id", "text", "display_name"):
            object.__setattr__(self, name, valid_text(getattr(self, name)))


@dataclass(frozen=True, kw_only=True)
class Message(Event):
    """A text message. ``edit_of`` is the id of the message this one replaces (an edit), and
    ``edit_of_sender`` who sent that message, as the adapter knows it (platforms let anyone send
    an edit that points at any message: only the original's sender may change it).
    ``mentions``: the people it names, as the platform tells (``Mention``). ``files``: the files
    sent with it (a caption is the message's body)."""

    body: str
    reply_to: str | None = None
    thread_id: str | None = None
    edit_of: str | None = None
    edit_of_sender: str | None = None
    # the people the message names (``@bob``); those the platform says are members of the
    # room are known by the name it gives them, even before they ever spoke
    mentions: tuple[Mention, ...] = ()
    files: tuple[Attachment, ...] = ()

    def mention(self, word: str) -> Mention | None:
        """The mention that ``word`` of the body stands for (``@alice``, as typed), if the
        platform said who it is."""
        if not word:
            return None
        # a name that ends a sentence (``@alice.``) stands for the same person
        bare = word.rstrip("._-")
        return next((m for m in self.mentions if m.text and m.text in (word, bare)), None)


@dataclass(frozen=True, kw_only=True)
class ReactionAdded(Event):
    """``event_id`` is the reaction's own id, so that its removal can be recognised."""

    target_event_id: str
    key: str


@dataclass(frozen=True, kw_only=True)
class Redacted(Event):
    """A message or a reaction was removed (Matrix redaction, Mattermost deletion or
    reaction_removed). ``event_id`` is the removal's own id; ``target_event_id`` what it removed."""

    target_event_id: str


@dataclass(frozen=True, kw_only=True)
class MemberChanged(Event):
    """Someone joined (``joined=True``) or left a room."""

    user_id: str
    display_name: str = ""
    joined: bool = True


@dataclass(frozen=True, kw_only=True)
class Unreadable(Event):
    """A message the bot cannot read: ``reason`` is ``encryption_off`` (an encrypted room, and
    the bot runs without encryption) or ``no_key`` (it could not decrypt it). The room is told
    once why it gets no answer."""

    reason: str
    thread_id: str | None = None


AnyEvent = Message | ReactionAdded | Redacted | MemberChanged | Unreadable
