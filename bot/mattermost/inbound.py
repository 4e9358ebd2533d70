"""Mattermost events in: WebSocket events (and the posts fetched again when catching up) turned
into neutral events for the runtime: posts and their edits, deletions, reactions added and
removed, people joining or leaving a channel.

Ids. A user is ``@<user id>``; ``@alice`` typed in a post stays in its body, and the post's
``mentions`` say which user it stands for (so a mention and a sender compare equal). A post's id
is its event id; an edit is ``<post id>:edit:<edit_at>``, a deletion ``<post id>:deleted``; a
reaction is ``<post id>:<user id>:<emoji>:<create_at>`` (the same frame always gives the same
id, and a reaction removed then put back is a new one), its removal ``<reaction id>:removed``.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from bot.adapters.base import NotHandled
from bot.mattermost.core import REACTION, post_stamp, user_ref
from bot.mattermost.emoji import emoji_text
from bot.mattermost.lookups import Lookups, display_name
from bot.mattermost.markdown import typed
from bot.mattermost.rest import MattermostAuthError, MattermostError
from bot.mattermost.stream import Event, Refetch
from commands.core import error_reference
from commands.events import (
    MAX_FILE_BYTES,
    AnyEvent,
    Attachment,
    MemberChanged,
    Message,
    ReactionAdded,
    Redacted,
)
from storage.clock import now as clock_now

log = logging.getLogger(__name__)


def _ms_to_dt(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC) if ms else clock_now()


class Inbound(Lookups):
    async def _on_event(self, event: Event) -> None:
        try:
            await self._dispatch(event)
        except MattermostAuthError:
            raise
        except NotHandled as err:
            # nothing of it was stored: fetched again (from the cursor) on a new connection
            raise Refetch(str(err)) from err
        except MattermostError as err:
            log.warning("mattermost: %s event skipped: %s", event.name, err)
        except Exception:
            post = event.data.get("post")
            await self._skip(event.name, post if isinstance(post, dict) else {})

    async def _skip(self, what: str, post: dict[str, Any]) -> None:
        """An event that cannot be read is logged with a reference and skipped, the channel's
        cursor moved past it: it never stops the bot, nor comes back at each reconnection."""
        post_id = str(post.get("id", ""))
        log.exception(
            "mattermost: could not read a %s event (post %s, reference %s); skipped",
            what,
            post_id[:64],
            error_reference(post_id or what),
        )
        channel_id = str(post.get("channel_id", ""))
        stamp = post_stamp(post)
        if channel_id and stamp:
            await self._save_cursor(channel_id, stamp)

    async def _dispatch(self, event: Event) -> None:
        name = event.name
        if name == "posted":
            await self._on_post(event.data.get("post") or {}, event)
        elif name == "post_edited":
            await self._on_post(event.data.get("post") or {}, event, edited=True)
        elif name == "post_deleted":
            await self._on_deleted(event.data.get("post") or {}, event)
        elif name == "reaction_added":
            await self._on_reaction(event.data.get("reaction") or {}, event, added=True)
        elif name == "reaction_removed":
            await self._on_reaction(event.data.get("reaction") or {}, event, added=False)
        elif name in ("user_added", "user_removed"):
            await self._on_member(event)
        elif name in ("channel_member_updated", "memberrole_updated", "user_role_updated"):
            self._roles.clear()

    async def _hand(self, neutral: AnyEvent, channel_id: str = "", post_at: int = 0) -> None:
        await self.host.handle(neutral)
        self.handled.append(neutral.event_id)
        if len(self.handled) > 10_000:
            del self.handled[:5_000]
        if channel_id and post_at:
            await self._save_cursor(channel_id, post_at)

    async def _on_post(
        self, post: dict[str, Any], event: Event | None, edited: bool = False
    ) -> None:
        post_id = str(post.get("id", ""))
        channel_id = str(post.get("channel_id", ""))
        root_id = str(post.get("root_id") or "")
        if not post_id or not channel_id:
            return
        self._roots.put(post_id, root_id)
        stamp = post_stamp(post)
        user_id = str(post.get("user_id", ""))
        if user_id == self.bot_id or str(post.get("type") or "").startswith("system_"):
            await self._save_cursor(channel_id, stamp)
            return
        base = await self._base(channel_id, user_id, event, int(post.get("create_at") or 0))
        body = typed(str(post.get("message", "")))
        base["mentions"] = await self._mentions(channel_id, body)
        files: tuple[Attachment, ...] = ()
        if (
            not edited
            and post.get("file_ids")
            and body.lstrip().startswith(self.host.settings.prefix)
        ):
            files = await self._files(post)  # a command sent with a file (``!importer``)
        if edited:
            neutral = Message(
                event_id=f"{post_id}:edit:{post.get('edit_at') or stamp}",
                body=body,
                edit_of=post_id,
                # Mattermost keeps a post's author when it is edited and does not say who
                # edited it: only the author, or someone allowed to edit others' posts (system
                # admins by default), can
                edit_of_sender=user_id,
                thread_id=root_id or None,
                **base,
            )
        else:
            neutral = Message(
                event_id=post_id, body=body, thread_id=root_id or None, files=files, **base
            )
        await self._hand(neutral, channel_id, stamp)

    async def _files(self, post: dict[str, Any]) -> tuple[Attachment, ...]:
        """The files of a post, with their bytes (up to ``MAX_FILE_BYTES`` each; ``data`` is
        ``None`` for a larger one, or one the server does not give)."""
        metadata = post.get("metadata")
        infos = metadata.get("files") if isinstance(metadata, dict) else None
        by_id = {str(i.get("id")): i for i in infos or [] if isinstance(i, dict)}
        found: list[Attachment] = []
        for file_id in [str(f) for f in post.get("file_ids") or []][:5]:
            info = by_id.get(file_id, {})
            size = info.get("size")
            known = int(size) if isinstance(size, int) and not isinstance(size, bool) else None
            data: bytes | None = None
            if known is None or known <= MAX_FILE_BYTES:
                try:
                    data = await self.rest.file(file_id, MAX_FILE_BYTES)
                except MattermostError as err:
                    if err.status in (401,):
                        raise
                    log.warning("mattermost: could not fetch the file %s: %s", file_id, err)
            found.append(
                Attachment(
                    name=str(info.get("name") or file_id),
                    mime=str(info.get("mime_type") or "application/octet-stream"),
                    data=data,
                    size=known,
                )
            )
        return tuple(found)

    async def _on_deleted(self, post: dict[str, Any], event: Event | None) -> None:
        post_id = str(post.get("id", ""))
        channel_id = str(post.get("channel_id") or (event.channel_id if event else ""))
        if not post_id or not channel_id or post.get("user_id") == self.bot_id:
            return
        # a deleted post takes its thread with it if it was a root: no answer goes there
        self._roots.pop(post_id, None)
        self._deleted.put(post_id, True)
        # the server names the deleter (``delete_by``) only to system admins; others are told
        # nothing, and the deletion reads as the author's: the server let only the author or
        # someone allowed to delete others' posts (team and system admins by default) do it
        by = str((event.data.get("delete_by") if event else "") or post.get("user_id", ""))
        base = await self._base(channel_id, by, event, int(post.get("delete_at") or 0))
        stamp = int(post.get("update_at") or post.get("delete_at") or 0)
        await self._hand(
            Redacted(event_id=f"{post_id}:deleted", target_event_id=post_id, **base),
            channel_id,
            stamp,
        )

    async def _on_reaction(self, reaction: dict[str, Any], event: Event, *, added: bool) -> None:
        user_id = str(reaction.get("user_id", ""))
        post_id = str(reaction.get("post_id", ""))
        emoji = str(reaction.get("emoji_name", ""))
        channel_id = event.channel_id or str(reaction.get("channel_id") or "")
        if not user_id or not post_id or not channel_id or user_id == self.bot_id:
            return
        key = f"{post_id}:{user_id}:{emoji}"
        base = await self._base(channel_id, user_id, event, int(reaction.get("create_at") or 0))
        if added:
            reaction_id = f"{key}:{reaction.get('create_at') or 0}"
            self._reactions.put(key, reaction_id)
            # remembered first: a removal coming after a restart finds what it undoes
            await self.host.set_cursor(
                self.platform, f"{REACTION}{key}", reaction_id, room_id=channel_id
            )
            await self._hand(
                ReactionAdded(
                    event_id=reaction_id, target_event_id=post_id, key=emoji_text(emoji), **base
                )
            )
            return
        removed: str | None = self._reactions.pop(key, None)
        if removed is None:
            found = await self.host.cursors(self.platform, f"{REACTION}{key}")
            removed = found.get(f"{REACTION}{key}")
        if removed is None:
            return  # a reaction the bot never saw: nothing to undo
        await self._hand(Redacted(event_id=f"{removed}:removed", target_event_id=removed, **base))
        await self.host.set_cursor(self.platform, f"{REACTION}{key}", None, room_id=channel_id)

    async def _on_member(self, event: Event) -> None:
        user_id = str(event.data.get("user_id") or event.broadcast.get("user_id") or "")
        channel_id = event.channel_id
        if not user_id or not channel_id:
            return
        joined = event.name == "user_added"
        user = await self._user(user_id)
        base = await self._base(channel_id, user_id, event, 0)
        base["sender"] = user_ref(str(event.data.get("remover_id") or user_id))
        await self._hand(
            MemberChanged(
                event_id=f"{channel_id}:{user_id}:{event.name}:{self.stream.connection_id}:{event.seq}",
                user_id=user_ref(user_id),
                display_name=display_name(user),
                joined=joined,
                **base,
            )
        )

    async def _base(
        self, channel_id: str, user_id: str, event: Event | None, at_ms: int
    ) -> dict[str, Any]:
        channel = await self._channel(channel_id)
        user = await self._user(user_id)
        data = event.data if event else {}
        channel_type = str(data.get("channel_type") or channel.get("type", ""))
        return {
            "room_id": channel_id,
            "room_name": str(
                data.get("channel_display_name")
                or channel.get("display_name")
                or channel.get("name", "")
            ),
            "sender": user_ref(user_id),
            "sender_name": display_name(user),
            "role": await self._role(channel, user_id, user),
            "timestamp": _ms_to_dt(at_ms),
            "platform": self.platform,
            "is_direct": channel_type in ("D", "G"),
        }
