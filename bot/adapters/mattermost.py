"""The Mattermost adapter: Mattermost events in, neutral events to the runtime; the bot's
outgoing messages back as posts (Markdown), thread replies, edits, reactions and files.

It is built from the parts in ``bot.mattermost``: ``rest`` and ``stream`` (the REST v4 client and
the WebSocket loop with its reconnect/resume algorithm), ``core`` (the shared state and the
positions kept per channel), ``lookups`` (channels, users, roles and mentions, cached),
``inbound`` (events to neutral events, and their ids), ``catchup`` (the posts missed while
disconnected) and ``outbound`` (the outgoing items as posts).

Exactly once: the runtime ignores event ids it has handled. After each post it handles, the
adapter saves the post's time for the channel (a position, ``bot.mattermost.core``); when the WebSocket comes
back on a new connection (start, server restart, lost events), it asks every channel for the
posts changed since then and hands them over again, so nothing typed meanwhile is lost.
"""

from __future__ import annotations

import asyncio
import logging

from bot.adapters.base import Host
from bot.mattermost.catchup import CatchUp
from bot.mattermost.outbound import Outbound
from bot.mattermost.rest import Rest
from bot.mattermost.settings import MattermostSettings
from bot.mattermost.stream import Backoff, EventStream

log = logging.getLogger(__name__)


class MattermostAdapter(CatchUp, Outbound):
    def __init__(self, settings: MattermostSettings, *, rest: Rest | None = None) -> None:
        super().__init__(settings, rest=rest)
        self.stream = EventStream(
            self.rest,
            self._on_event,
            self._resync,
            ping_interval=settings.ping_interval,
            backoff=Backoff(settings.min_backoff, settings.max_backoff, settings.jitter),
        )

    def attach(self, host: Host) -> None:
        self._host = host
        host.add_adapter(self)

    async def start(self) -> None:
        """Who am I, which team: raises ``MattermostAuthError`` if the token is refused."""
        me = await self.rest.me()
        self.bot_id = str(me["id"])
        self.bot_username = str(me.get("username", ""))
        self._users.put(self.bot_id, me)
        if self.settings.team and not self.team_id:
            team = await self.rest.team_by_name(self.settings.team)
            self.team_id = str(team["id"])
        log.info("mattermost: connected to %s as @%s", self.settings.url, self.bot_username)

    async def run(self, host: Host) -> None:
        if self._host is None:
            self.attach(host)
        if not self.bot_id:
            await self.start()
        await self.stream.run()

    async def close(self) -> None:
        await self.stream.stop()
        await self.rest.close()

    def health(self) -> tuple[bool, float | None]:
        """Whether the WebSocket is heard from, and how many seconds ago it last was."""
        heard = self.stream.last_heard
        if heard is None:
            return False, None
        ago = asyncio.get_running_loop().time() - heard
        return ago <= 2 * self.settings.ping_interval + 10, ago
