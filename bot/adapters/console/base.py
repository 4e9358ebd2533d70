"""The console's state: the person and room it speaks as, the short ids of messages (``u3``,
``b12``) and who typed them, roles, its own words in the room's language, and what it showed
(``Said``, kept for scenario tests)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict

from bot.adapters.base import Host
from commands import i18n
from commands.events import Role

DIRECT = "dm-"  # a room whose name starts with this is a direct message with the bot (``/dm``)


@dataclass
class Said:
    """What the console showed for one bot output (kept for scenario tests)."""

    room: str
    short_id: str
    kind: str
    text: str
    reply_to: str | None = None
    file_path: Path | None = None
    data: bytes | None = None
    thread: str | None = None  # the short id of the thread's root, for an answer in a thread
    file_name: str | None = None
    mime: str | None = None


class _Base(TypedDict):
    room_id: str
    room_name: str
    sender: str
    sender_name: str
    role: Role
    platform: str
    is_direct: bool


class ConsoleBase:
    """The console adapter's state, shared by what its people do and what the bot says."""

    platform = "console"

    def __init__(
        self,
        *,
        user: str = "alice",
        room: str = "general",
        admins: tuple[str, ...] | list[str] = ("alice",),
        out: Callable[[str], None] | None = None,
        files_dir: Path | None = None,
        language: str = i18n.DEFAULT_LANGUAGE,
    ) -> None:
        self.user = user
        self.language = language  # until the room's own is known
        self.room = room
        self.roles: dict[tuple[str, str], Role] = {}
        self.admins = {a.lstrip("@") for a in admins}
        self.out = out or (lambda line: print(line, flush=True))
        self.files_dir = files_dir
        self.session = uuid.uuid4().hex[:8]
        self._n = 0
        self._short: dict[str, str] = {}  # short id -> platform event id
        self._long: dict[str, str] = {}  # platform event id -> short id
        self._authors: dict[str, str] = {}  # short id -> author
        self._reactions: dict[tuple[str, str, str], str] = {}  # (user, target, key) -> event id
        self.transcript: list[Said] = []
        self._host: Host | None = None

    # -- identities -----------------------------------------------------------------------------
    @staticmethod
    def user_id(name: str) -> str:
        return name if name.startswith("@") else f"@{name}"

    def role_of(self, user: str, room: str) -> Role:
        uid = self.user_id(user)
        if (uid, room) in self.roles:
            return self.roles[(uid, room)]
        return Role.ADMIN if uid.lstrip("@") in self.admins else Role.MEMBER

    def set_role(self, user: str, role: Role, room: str | None = None) -> None:
        self.roles[(self.user_id(user), room or self.room)] = role

    def _new_id(self, prefix: str = "u") -> tuple[str, str]:
        self._n += 1
        short = f"{prefix}{self._n}"
        full = f"console-{self.session}-{short}"
        self._short[short] = full
        self._long[full] = short
        return short, full

    def resolve(self, short: str) -> str:
        """The platform id behind a short id (``u3`` or ``b12``); ``KeyError`` (with what to
        tell the person) for none."""
        if short in self._short:
            return self._short[short]
        if short.startswith("b") and short[1:].isdigit():
            return f"console-{short}"
        raise KeyError(self.t("console.no_such_message", id=short))

    # -- the console's own words ----------------------------------------------------------------
    def lang(self) -> str:
        """The language of the room the console is in, as the bot has it (the language given
        to the console for a room the bot does not know yet)."""
        if self._host is None:
            return self.language
        return self._host.language_of(self.room) or self.language

    def t(self, key: str, /, **params: object) -> str:
        return i18n.t(self.lang(), key, **params)

    def _base(self, user: str | None, room: str | None) -> _Base:
        name = (user or self.user).lstrip("@")
        room_id = room or self.room
        return {
            "room_id": room_id,
            "room_name": room_id,
            "sender": self.user_id(name),
            "sender_name": name.capitalize(),
            "role": self.role_of(name, room_id),
            "platform": self.platform,
            "is_direct": room_id.startswith(DIRECT),
        }

    @property
    def host(self) -> Host:
        if self._host is None:
            raise RuntimeError("the console adapter is not attached to a host")
        return self._host
