"""Catching up on Mattermost: when the WebSocket comes back on a new connection (start, server
restart, lost events), every channel is asked for the posts changed since the position saved
for it, and they are handed over again, in order (the runtime ignores the event ids it has
handled), so nothing typed meanwhile is lost. A channel never read starts from its latest post.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from bot.adapters.base import NotHandled
from bot.mattermost.core import CHANNEL
from bot.mattermost.inbound import Inbound
from bot.mattermost.rest import MattermostError
from bot.mattermost.stream import Refetch

log = logging.getLogger(__name__)


class CatchUp(Inbound):
    async def _resync(self) -> None:
        """A new connection: fetch, channel by channel, the posts changed since the saved
        cursor, and hand them over in order (the runtime ignores those already handled)."""
        positions = await self._load_cursors()
        channels = set(positions)
        if self.team_id:
            try:
                for channel in await self.rest.channels_for_user(self.bot_id, self.team_id):
                    self._channels.put(str(channel["id"]), channel)
                    channels.add(str(channel["id"]))
            except MattermostError as err:
                log.warning("mattermost: cannot list the team's channels: %s", err)
        for channel_id in sorted(channels):
            since = positions.get(channel_id)
            if since is None:
                # a channel never read: start from its latest post (server time) rather than
                # answer old history
                latest = int(self._channels.get(channel_id, {}).get("last_post_at") or 0)
                await self._save_cursor(channel_id, latest)
                continue
            try:
                await self._catch_up(channel_id, since)
            except MattermostError as err:
                log.warning("mattermost: catching up on %s failed: %s", channel_id, err)

    async def _catch_up(self, channel_id: str, since: int) -> None:
        listing = await self.rest.posts_since(channel_id, since)
        posts = sorted(
            (listing.get("posts") or {}).values(),
            key=lambda p: (int(p.get("create_at", 0)), str(p.get("id"))),
        )
        for post in posts:
            try:
                await self._caught_up(post, since)
            except (MattermostError, asyncio.CancelledError):
                raise
            except NotHandled as err:
                raise Refetch(str(err)) from err
            except Exception:
                await self._skip("missed post", post)
        log.info("mattermost: caught up on %s (%s posts)", channel_id, len(posts))

    async def _caught_up(self, post: dict[str, Any], since: int) -> None:
        created = int(post.get("create_at", 0))
        if post.get("delete_at"):
            if created <= since:
                await self._on_deleted(post, None)
        elif created > since:
            await self._on_post(post, None)
        elif int(post.get("edit_at") or 0) > since:
            await self._on_post(post, None, edited=True)

    async def _load_cursors(self) -> dict[str, int]:
        """The newest post time (``update_at``, Unix milliseconds) handled in each channel."""
        found = await self.host.cursors(self.platform, CHANNEL)
        return {key.removeprefix(CHANNEL): int(value) for key, value in found.items()}
