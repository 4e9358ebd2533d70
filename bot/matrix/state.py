"""What the adapter knows of each room, from its state events: who created it, its power levels,
its members and their display names, its name; the power level and role of a user; whom an
invite comes from and whether it is accepted; and the bounded memory of recent events (who
sent them, in which thread). No I/O here.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

from commands.events import Role

# Room versions whose creators have unlimited power and are not listed in m.room.power_levels
# (MSC4289; version 12 is Synapse 1.163's default).
CREATOR_POWER_VERSIONS = frozenset({"12", "org.matrix.hydra.11"})
INFINITE = float("inf")


@dataclass
class RoomState:
    """What the adapter knows of a room, kept up to date from state events in sync."""

    room_id: str
    create: dict[str, Any] = field(default_factory=dict)  # content of m.room.create + sender
    creator: str = ""
    power_levels: dict[str, Any] | None = None
    names: dict[str, str] = field(default_factory=dict)  # user id -> display name
    joined: set[str] = field(default_factory=set)
    name: str = ""

    def apply(self, raw: dict[str, Any]) -> None:
        """Take a state event into account (ignores anything that is not well-formed)."""
        kind = raw.get("type")
        content = raw.get("content")
        if not isinstance(content, dict) or raw.get("state_key") is None:
            return
        if kind == "m.room.create":
            self.create = content
            self.creator = str(raw.get("sender", ""))
        elif kind == "m.room.power_levels":
            self.power_levels = content
        elif kind == "m.room.name":
            name = content.get("name")
            self.name = name if isinstance(name, str) else ""
        elif kind == "m.room.member":
            user = raw.get("state_key")
            if not isinstance(user, str):
                return
            membership = content.get("membership")
            if membership == "join":
                self.joined.add(user)
                display = content.get("displayname")
                if isinstance(display, str) and display:
                    self.names[user] = display
            else:
                self.joined.discard(user)

    @property
    def room_version(self) -> str:
        version = self.create.get("room_version", "1")
        return version if isinstance(version, str) else "1"

    def creators(self) -> set[str]:
        extra = self.create.get("additional_creators", [])
        found = {self.creator} if self.creator else set()
        if isinstance(extra, list):
            found.update(u for u in extra if isinstance(u, str))
        return found

    def level(self, user_id: str) -> float:
        return power_level(self.room_version, self.creators(), self.power_levels, user_id)


def power_level(
    room_version: str, creators: set[str], power_levels: dict[str, Any] | None, user_id: str
) -> float:
    """A user's power level, as the spec defines it, room v12 creators included (infinite)."""
    if room_version in CREATOR_POWER_VERSIONS and user_id in creators:
        return INFINITE
    if power_levels is None:
        # no m.room.power_levels event: the creator has 100, everyone else 0
        return 100 if user_id in creators else 0
    users = power_levels.get("users")
    if isinstance(users, dict) and user_id in users:
        return _int(users[user_id])
    return _int(power_levels.get("users_default", 0))


def _int(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)  # old rooms may hold string levels
    return 0


def role_for(level: float, admin_level: int) -> Role:
    """Admin when the level reaches the room's admin level; moderator from 50 below that."""
    if level >= admin_level:
        return Role.ADMIN
    if level >= 50:
        return Role.MODERATOR
    return Role.MEMBER


class Recent:
    """A bounded memory of recent events' senders and threads (to check who may edit a
    message, and to keep an edit in the original's thread)."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._data: OrderedDict[str, tuple[str, str | None]] = OrderedDict()

    def add(self, event_id: str, sender: str, thread_id: str | None) -> None:
        self._data[event_id] = (sender, thread_id)
        self._data.move_to_end(event_id)
        while len(self._data) > self.size:
            self._data.popitem(last=False)

    def sender(self, event_id: str) -> str | None:
        item = self._data.get(event_id)
        return item[0] if item else None

    def thread(self, event_id: str) -> str | None:
        item = self._data.get(event_id)
        return item[1] if item else None


def inviter_of(invite_state: list[dict[str, Any]], user_id: str) -> str | None:
    """Who invited ``user_id``, from a room's ``invite_state``."""
    for raw in invite_state:
        if (
            isinstance(raw, dict)
            and raw.get("type") == "m.room.member"
            and raw.get("state_key") == user_id
            and isinstance(raw.get("content"), dict)
            and raw["content"].get("membership") == "invite"
            and isinstance(raw.get("sender"), str)
        ):
            return str(raw["sender"])
    return None


def invite_allowed(
    inviter: str | None, bot_user_id: str, inviters: list[str], homeservers: list[str]
) -> bool:
    """An invite is accepted from a listed user or from a listed homeserver; with both lists
    empty, from anyone on the bot's own homeserver."""
    if not inviter:
        return False
    server = inviter.split(":", 1)[1] if ":" in inviter else ""
    if inviter in inviters or server in homeservers:
        return True
    if not inviters and not homeservers:
        return server == bot_user_id.split(":", 1)[-1]
    return False
