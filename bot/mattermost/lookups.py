"""What the Mattermost adapter asks the server, cached: a channel, a user, a person's role in a
channel (for ``role_cache_seconds``), and the users a post mentions (``@alice`` to a user id,
with a cache of usernames)."""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.lru import Lru
from bot.mattermost.core import AdapterCore, user_ref
from bot.mattermost.rest import MattermostError
from commands.events import Mention, Role

_MENTION = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9._-]*)", re.IGNORECASE)


def display_name(user: dict[str, Any]) -> str:
    full = f"{user.get('first_name', '')} {user.get('last_name', '')}".strip()
    return full or str(user.get("nickname") or "") or str(user.get("username") or "")


def _is_admin(member: dict[str, Any], role: str) -> bool:
    return role in str(member.get("roles", "")).split() or bool(member.get("scheme_admin"))


class Lookups(AdapterCore):
    async def _channel(self, channel_id: str) -> dict[str, Any]:
        return await _cached(self._channels, channel_id, self.rest.channel)

    async def _user(self, user_id: str) -> dict[str, Any]:
        return await _cached(self._users, user_id, self.rest.user)

    async def _role(self, channel: dict[str, Any], user_id: str, user: dict[str, Any]) -> Role:
        """Admin if the user is system admin, admin of the channel's team, or channel admin."""
        cache_key = f"{channel.get('id')}:{user_id}"
        cached = self._roles.get(cache_key)
        if cached is not None and cached[1] > time.monotonic():
            return Role(cached[0])
        role = Role.ADMIN if "system_admin" in str(user.get("roles", "")).split() else Role.MEMBER
        if (
            role is Role.MEMBER
            and channel.get("team_id")
            and await _admin_in(
                self.rest.team_member(str(channel["team_id"]), user_id), "team_admin"
            )
        ):
            role = Role.ADMIN
        if role is Role.MEMBER and await _admin_in(
            self.rest.channel_member(str(channel["id"]), user_id), "channel_admin"
        ):
            role = Role.ADMIN
        self._roles.put(
            cache_key, (role.value, time.monotonic() + self.settings.role_cache_seconds)
        )
        return role

    async def _mentions(self, channel_id: str, body: str) -> tuple[Mention, ...]:
        """The users a post names (``@alice``, any case), as the server knows them: their id,
        display name and whether they are in the channel (the bot knows them before they
        speak). The body keeps what was typed; a name the server does not know is no mention."""
        words: dict[str, str] = {}  # the word as typed -> user id
        for match in _MENTION.finditer(body):
            name = match.group(1).rstrip("._-")
            user_id = await self._user_id_of(name)
            if user_id:
                words.setdefault(f"@{name}", user_id)
        if not words:
            return ()
        wanted = sorted({u for u in words.values() if u != self.bot_id})
        inside: set[str] = set()
        if wanted:
            members = await self.rest.channel_members_by_ids(channel_id, wanted)
            inside = {str(m.get("user_id")) for m in members}
        return tuple(
            [
                Mention(
                    user_id=user_ref(user_id),
                    text=text,
                    display_name=display_name(await self._user(user_id)),
                    member=user_id in inside,
                )
                for text, user_id in words.items()
            ]
        )

    async def _user_id_of(self, username: str) -> str:
        """The id of the user named ``username`` (any case), ``""`` if there is none."""
        low = username.lower()
        if low not in self._usernames:
            try:
                user = await self.rest.user_by_username(low)
                self._users.put(str(user["id"]), user)
                self._usernames.put(low, str(user["id"]))
            except MattermostError as err:
                if err.status not in (400, 404):
                    raise
                self._usernames.put(low, "")
        return str(self._usernames[low])


async def _cached(
    cache: Lru, key: str, fetch: Callable[[str], Awaitable[dict[str, Any]]]
) -> dict[str, Any]:
    """What ``cache`` holds for ``key``, asked of the server (``fetch``) the first time."""
    found = cache.get(key)
    if found is None:
        found = await fetch(key)
        cache.put(key, found)
    return dict(found)


async def _admin_in(membership: Awaitable[dict[str, Any]], role: str) -> bool:
    """Whether a team or channel membership gives ``role`` (no membership, or none the bot may
    read: no)."""
    try:
        return _is_admin(await membership, role)
    except MattermostError as err:
        if err.status not in (403, 404):
            raise
        return False
