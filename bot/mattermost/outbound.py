"""Mattermost messages out: the bot's outgoing items as posts in Markdown that pings only the
people an item names, thread replies (threads are flat: a reply to a reply goes to its root),
edits, reactions, files and direct messages."""

from __future__ import annotations

import re
from typing import assert_never

from bot.adapters.base import DeliveryError, Direct, Edit, File, Outgoing, Reaction, Redaction
from bot.adapters.base import Text as TextItem
from bot.mattermost.core import user_ref
from bot.mattermost.emoji import emoji_name
from bot.mattermost.lookups import Lookups
from bot.mattermost.markdown import safe_markdown
from bot.mattermost.rest import MattermostError

_USER_REF = re.compile(r"@([a-z0-9]{26})(?![a-z0-9])")  # a user reference: "@" and a user id


class Outbound(Lookups):
    async def deliver(self, item: Outgoing) -> str | None:
        try:
            return await self._deliver(item)
        except MattermostError as err:
            raise DeliveryError(str(err), permanent=err.permanent) from err

    async def _message(self, item: TextItem | File | Direct | Edit) -> str:
        """The item's body as Markdown that pings only the people the item names (a user
        reference in the body shows as a username; other people's from the cache only)."""
        usernames: dict[str, str] = {}
        for user_id in _USER_REF.findall(item.body):
            cached = self._users.get(user_id)
            if cached is not None:
                usernames[user_ref(user_id)] = str(cached.get("username") or "")
        for ref in item.mentions:
            try:
                user = await self._user(ref.removeprefix("@"))
            except MattermostError as err:
                if err.permanent:
                    continue  # a user the server no longer knows: nobody to notify
                raise
            usernames[ref] = str(user.get("username") or "")
        return self._page_links(safe_markdown(item.body, usernames, notify=item.mentions))

    def _page_links(self, text: str) -> str:
        """The links to the room's page that the bot itself wrote (this bot's page address, a
        page token) stay links; any other address stays broken (``safe_markdown``)."""
        base = self.host.settings.page_url if self._host is not None else ""
        if not base:
            return text
        broken = safe_markdown(f"{base}/p/cgp_")
        return text.replace(broken, f"{base}/p/cgp_")

    async def _deliver(self, item: Outgoing) -> str | None:
        if isinstance(item, Edit):
            if not item.target_platform_id:
                raise DeliveryError("nothing to edit", permanent=True)
            await self.rest.patch_post(item.target_platform_id, await self._message(item))
            return None
        if isinstance(item, Reaction):
            post_id = (item.target_event or "").split(":")[0]
            name = emoji_name(item.reaction_key)
            if not post_id or not name:
                raise DeliveryError(f"cannot react with {item.reaction_key!r}", permanent=True)
            await self.rest.save_reaction(self.bot_id, post_id, name, item.room_id)
            return None
        if isinstance(item, Redaction):
            # nothing asks the bot to delete a post on Mattermost yet
            raise DeliveryError("deleting a post is not supported", permanent=True)
        if isinstance(item, Direct):
            channel = await self._direct_channel(item.recipient.removeprefix("@"))
            post = await self.rest.create_post(channel, await self._message(item))
            return str(post["id"])
        if isinstance(item, TextItem | File):
            return await self._post(item)
        assert_never(item)

    async def _post(self, item: TextItem | File) -> str:
        message = await self._message(item)
        root = await self._root_for(item)
        file_ids: list[str] = []
        if isinstance(item, File):
            uploaded = await self.rest.upload_file(
                item.room_id, item.file_name, item.data, item.mime
            )
            file_ids = [str(info["id"]) for info in uploaded.get("file_infos", [])]
        post = await self.rest.create_post(item.room_id, message, root_id=root, file_ids=file_ids)
        post_id = str(post["id"])
        self._roots.put(post_id, str(post.get("root_id") or ""))
        return post_id

    async def _direct_channel(self, user_id: str) -> str:
        """The bot's direct channel with ``user_id`` (created by the server if need be)."""
        if not user_id:
            raise DeliveryError("a direct message without a recipient", permanent=True)
        if user_id not in self._directs:
            channel = await self.rest.create_direct_channel(self.bot_id, user_id)
            self._directs.put(user_id, str(channel["id"]))
        return str(self._directs[user_id])

    async def _root_for(self, item: TextItem | File) -> str:
        """The thread to answer in: threads are flat, so a reply to a reply uses its root. The
        answer to a deleted command goes into the command's thread, or, when the command was a
        root (deleting a root deletes its thread), into the channel."""
        anchor = item.thread_id or item.reply_to
        if not anchor:
            return ""
        post_id = anchor.split(":")[0]
        if post_id in self._deleted:
            return ""
        if post_id not in self._roots:
            try:
                post = await self.rest.post(post_id)
            except MattermostError as err:
                if err.permanent:
                    return ""  # the command's post is gone: answer in the channel
                raise
            if str(post.get("channel_id")) != item.room_id:
                return ""
            self._roots.put(post_id, str(post.get("root_id") or ""))
        return str(self._roots[post_id] or post_id)
