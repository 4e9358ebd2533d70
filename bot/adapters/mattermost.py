"""The Mattermost adapter: Mattermost events in, neutral events to the runtime; the bot's
outgoing messages back as posts (Markdown), thread replies, edits, reactions and files.

Ids. A user is ``@<user id>``; ``@alice`` typed in a post stays in its body, and the post's
``mentions`` say which user it stands for (so a mention and a sender compare equal). A post's id
is its event id; an edit is ``<post id>:edit:<edit_at>``, a deletion ``<post id>:deleted``; a
reaction is ``<post id>:<user id>:<emoji>:<create_at>`` (the same frame always gives the same
id, and a reaction removed then put back is a new one), its removal ``<reaction id>:removed``.

Exactly once: the runtime ignores event ids it has handled. After each post it handles, the
adapter saves the post's time for the channel (``MattermostCursor``); when the WebSocket comes
back on a new connection (start, server restart, lost events), it asks every channel for the
posts changed since then and hands them over again, so nothing typed meanwhile is lost.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
import time
from collections import OrderedDict
from typing import Annotated, Any, assert_never

from pydantic import Field
from pydantic.dataclasses import dataclass
from sqlmodel import Session

from bot.adapters.base import (
    DeliveryError,
    Direct,
    Edit,
    File,
    Host,
    NotHandled,
    Outgoing,
    Reaction,
    Redaction,
)
from bot.adapters.base import Text as TextItem
from bot.config import STRICT, ConfigError, HttpUrl, Text, build_section
from bot.mattermost.emoji import emoji_name, emoji_text
from bot.mattermost.markdown import safe_markdown, typed
from bot.mattermost.rest import MattermostAuthError, MattermostError, Rest
from bot.mattermost.stream import Backoff, Event, EventStream, Refetch
from commands.core import error_reference
from commands.events import (
    MAX_FILE_BYTES,
    AnyEvent,
    Attachment,
    MemberChanged,
    Mention,
    Message,
    ReactionAdded,
    Redacted,
    Role,
)
from storage import cursors
from storage.clock import now as clock_now

log = logging.getLogger(__name__)

# the adapter's own keys (``Host.cursors``): the newest post time handled in a channel; the
# event id of the latest reaction of a person with an emoji on a post (to undo its removal)
CHANNEL = "channel:"
REACTION = "reaction:"

ADMIN_ROLES = {"channel_admin", "team_admin", "system_admin"}
_MENTION = re.compile(r"(?<![\w@])@([a-z0-9][a-z0-9._-]*)", re.IGNORECASE)
_USER_REF = re.compile(r"@([a-z0-9]{26})(?![a-z0-9])")  # a user reference: "@" and a user id


@dataclass(config=STRICT)
class MattermostSettings:
    url: HttpUrl
    token: Text
    team: str = ""  # team name: its channels are watched for missed posts after a restart
    ping_interval: Annotated[float, Field(gt=0, le=3600)] = 30.0
    min_backoff: Annotated[float, Field(ge=0, le=3600)] = 3.0
    max_backoff: Annotated[float, Field(gt=0, le=24 * 3600)] = 300.0
    jitter: Annotated[float, Field(ge=0, le=3600)] = 2.0
    role_cache_seconds: Annotated[float, Field(ge=0, le=24 * 3600)] = 60.0

    @classmethod
    def from_section(cls, data: dict[str, Any]) -> MattermostSettings:
        """Raises ``bot.config.ConfigError`` naming every bad setting."""
        settings = build_section(cls, "mattermost", data)
        if settings.max_backoff < settings.min_backoff:
            raise ConfigError(
                f"[mattermost] max_backoff: {settings.max_backoff} is too small (at least "
                f"min_backoff, {settings.min_backoff}, is expected)"
            )
        return settings


class _Lru(OrderedDict[str, Any]):
    def __init__(self, size: int = 4096) -> None:
        super().__init__()
        self.size = size

    def put(self, key: str, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


def _ms_to_dt(ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(ms / 1000, dt.UTC) if ms else clock_now()


def user_ref(user_id: str) -> str:
    return f"@{user_id}"


class MattermostAdapter:
    platform = "mattermost"

    def __init__(self, settings: MattermostSettings, *, rest: Rest | None = None) -> None:
        self.settings = settings
        self.rest = rest or Rest(settings.url, settings.token)
        self.stream = EventStream(
            self.rest,
            self._on_event,
            self._resync,
            ping_interval=settings.ping_interval,
            backoff=Backoff(settings.min_backoff, settings.max_backoff, settings.jitter),
        )
        self.bot_id = ""
        self.bot_username = ""
        self.team_id = ""
        self._host: Host | None = None
        self._roots: _Lru = _Lru()  # post id -> its thread root ("" for a root)
        self._deleted: _Lru = _Lru()  # post ids deleted (a thread no answer can go into)
        self._channels: _Lru = _Lru()  # channel id -> channel dict
        self._directs: _Lru = _Lru()  # user id -> the bot's direct channel with them
        self._users: _Lru = _Lru()  # user id -> user dict
        self._usernames: _Lru = _Lru()  # username -> user id ("" if none)
        self._roles: _Lru = _Lru()  # "channel:user" -> (Role, expiry)
        self._reactions: _Lru = _Lru()  # "post:user:emoji" -> reaction event id
        self.handled: list[str] = []  # event ids handed to the runtime, in order (tests, logs)
        self._ready = asyncio.Event()

    # -- running ------------------------------------------------------------------------------
    @property
    def host(self) -> Host:
        if self._host is None:
            raise RuntimeError("the Mattermost adapter is not attached to a runtime")
        return self._host

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
        self._ready.set()
        await self.stream.run()

    async def close(self) -> None:
        await self.stream.stop()
        await self.rest.close()

    # -- events in ----------------------------------------------------------------------------
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
        stamp = int(post.get("update_at") or post.get("create_at") or 0)
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
        stamp = int(post.get("update_at") or post.get("create_at") or 0)
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
                display_name=_display_name(user),
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
            "sender_name": _display_name(user),
            "role": await self._role(channel, user_id, user),
            "timestamp": _ms_to_dt(at_ms),
            "platform": self.platform,
            "is_direct": channel_type in ("D", "G"),
        }

    # -- lookups (cached) ---------------------------------------------------------------------
    async def _channel(self, channel_id: str) -> dict[str, Any]:
        channel = self._channels.get(channel_id)
        if channel is None:
            channel = await self.rest.channel(channel_id)
            self._channels.put(channel_id, channel)
        return dict(channel)

    async def _user(self, user_id: str) -> dict[str, Any]:
        user = self._users.get(user_id)
        if user is None:
            user = await self.rest.user(user_id)
            self._users.put(user_id, user)
        return dict(user)

    async def _role(self, channel: dict[str, Any], user_id: str, user: dict[str, Any]) -> Role:
        """Admin if the user is system admin, admin of the channel's team, or channel admin."""
        cache_key = f"{channel.get('id')}:{user_id}"
        cached = self._roles.get(cache_key)
        if cached is not None and cached[1] > time.monotonic():
            return Role(cached[0])
        role = Role.ADMIN if "system_admin" in str(user.get("roles", "")).split() else Role.MEMBER
        if role is Role.MEMBER and channel.get("team_id"):
            try:
                member = await self.rest.team_member(str(channel["team_id"]), user_id)
                if _is_admin(member, "team_admin"):
                    role = Role.ADMIN
            except MattermostError as err:
                if err.status not in (403, 404):
                    raise
        if role is Role.MEMBER:
            try:
                member = await self.rest.channel_member(str(channel["id"]), user_id)
                if _is_admin(member, "channel_admin"):
                    role = Role.ADMIN
            except MattermostError as err:
                if err.status not in (403, 404):
                    raise
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
                    display_name=_display_name(await self._user(user_id)),
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

    # -- catching up ------------------------------------------------------------------------------
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

    async def _save_cursor(self, channel_id: str, post_at: int) -> None:
        await self.host.run_db(channel_id, self._move_cursor, channel_id, post_at)

    def _move_cursor(self, db: Session, channel_id: str, post_at: int) -> None:
        """The channel's position moves forward only."""
        key = f"{CHANNEL}{channel_id}"
        known = cursors.read(db, self.platform, key).get(key)
        if known is None or post_at > int(known):
            cursors.write(db, self.platform, key, str(post_at))

    # -- messages out ---------------------------------------------------------------------------
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

    def health(self) -> tuple[bool, float | None]:
        """Whether the WebSocket is heard from, and how many seconds ago it last was."""
        heard = self.stream.last_heard
        if heard is None:
            return False, None
        ago = asyncio.get_running_loop().time() - heard
        return ago <= 2 * self.settings.ping_interval + 10, ago

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


def _is_admin(member: dict[str, Any], role: str) -> bool:
    return role in str(member.get("roles", "")).split() or bool(member.get("scheme_admin"))


def _display_name(user: dict[str, Any]) -> str:
    full = f"{user.get('first_name', '')} {user.get('last_name', '')}".strip()
    return full or str(user.get("nickname") or "") or str(user.get("username") or "")
