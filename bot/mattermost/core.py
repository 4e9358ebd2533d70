"""What every part of the Mattermost adapter shares: its settings, REST client and WebSocket
stream, who the bot is, the caches, the host it is attached to, and the positions it keeps in
the host's cursor table (``Host.cursors``).

Positions. ``channel:<channel id>`` is the newest post time (``update_at``, Unix milliseconds)
handled in a channel: a new WebSocket connection fetches, by REST, the posts changed since then.
``reaction:<post id>:<user id>:<emoji>`` is the event id of the latest reaction of a person with
an emoji on a post, so that its removal, even after a restart, says what it undoes.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from bot.adapters.base import Host
from bot.lru import Lru
from bot.mattermost.rest import Rest
from bot.mattermost.settings import MattermostSettings
from bot.mattermost.stream import EventStream
from storage import cursors

# the adapter's own keys in the host's cursor table
CHANNEL = "channel:"
REACTION = "reaction:"


def user_ref(user_id: str) -> str:
    """How a user is named in neutral events: ``@`` and their user id."""
    return f"@{user_id}"


def post_stamp(post: dict[str, Any]) -> int:
    """A post's latest change (``update_at``, else ``create_at``; Unix milliseconds)."""
    return int(post.get("update_at") or post.get("create_at") or 0)


class AdapterCore:
    platform = "mattermost"
    stream: EventStream  # built by the adapter, which hands it its event handlers

    def __init__(self, settings: MattermostSettings, *, rest: Rest | None = None) -> None:
        self.settings = settings
        self.rest = rest or Rest(settings.url, settings.token)
        self.bot_id = ""
        self.bot_username = ""
        self.team_id = ""
        self._host: Host | None = None
        self._roots: Lru = Lru()  # post id -> its thread root ("" for a root)
        self._deleted: Lru = Lru()  # post ids deleted (a thread no answer can go into)
        self._channels: Lru = Lru()  # channel id -> channel dict
        self._directs: Lru = Lru()  # user id -> the bot's direct channel with them
        self._users: Lru = Lru()  # user id -> user dict
        self._usernames: Lru = Lru()  # username -> user id ("" if none)
        self._roles: Lru = Lru()  # "channel:user" -> (Role, expiry)
        self._reactions: Lru = Lru()  # "post:user:emoji" -> reaction event id
        self.handled: list[str] = []  # event ids handed to the runtime, in order (tests, logs)

    @property
    def host(self) -> Host:
        if self._host is None:
            raise RuntimeError("the Mattermost adapter is not attached to a runtime")
        return self._host

    # -- positions ------------------------------------------------------------------------------
    async def _save_cursor(self, channel_id: str, post_at: int) -> None:
        await self.host.run_db(channel_id, self._move_cursor, channel_id, post_at)

    def _move_cursor(self, db: Session, channel_id: str, post_at: int) -> None:
        """The channel's position moves forward only."""
        key = f"{CHANNEL}{channel_id}"
        known = cursors.read(db, self.platform, key).get(key)
        if known is None or post_at > int(known):
            cursors.write(db, self.platform, key, str(post_at))
