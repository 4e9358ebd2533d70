"""A fake Mattermost server for tests: aiohttp HTTP + WebSocket on 127.0.0.1.

It behaves as the real server does in every respect the bot relies on: REST v4 answers with
exactly ``Content-Type: application/json`` and the server's error body; 401 for an unknown
token; 429 with a plain-text body and ``X-RateLimit-*`` headers (when told to); flat threads
(a ``root_id`` that is itself a reply is refused); a reaction only as oneself; at most 5 files per
post; events only to channel members (the author included). WebSocket: authentication by header
or by ``authentication_challenge`` within 5 s (a bad token closes the socket with no frame); the
``OK`` reply and ``hello`` in either order (``hello_first``); ``seq`` per connection from 0; a
dead queue of 128 events per connection, kept while the client is away, replayed on resume
(``connection_id`` + ``sequence_number``) with no new ``hello``; an unknown connection gets a new
``hello``; ``ping`` actions answered with ``pong``.

Mentions are found as the server finds them (``explicit_mentions``), in every post and every edit
of a post; ``mentions`` keeps them per post id, and ``posted`` events carry the mentioned users.

Permissions, as the server's default scheme grants them (``grant`` adds one to a role, as a
custom scheme would): anyone edits and deletes their own posts and removes their own reactions;
editing someone else's post needs ``edit_others_posts`` (system admins), deleting it
``delete_others_posts`` (team and system admins), removing someone else's reaction
``remove_others_reactions`` (system admins). An edited post keeps its author's ``user_id`` and the
``post_edited`` event does not say who edited it. A deletion is published twice, as the server
does: without ``delete_by`` to the channel's members who are not system admins
(``contains_sanitized_data``), with it to those who are (``contains_sensitive_data``).

Every reply and every frame is checked against the contract (``tests/mm_contract.py``) when the
API description is present; requests the bot sends are checked too. Violations are collected in
``violations`` (the tests' fixture fails on any).
"""

from __future__ import annotations

import asyncio
import json
import random
import re
import string
import time
import unicodedata
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tests.mm_contract import Contract, ContractViolation

SERVER_VERSION = "10.11.0.10110.5d1c4b2e.false"
# what the default permission scheme grants beyond acting on one's own posts and reactions
DEFAULT_PERMISSIONS: dict[str, set[str]] = {
    "system_admin": {
        "manage_system",
        "edit_others_posts",
        "delete_others_posts",
        "remove_others_reactions",
    },
    "team_admin": {"delete_others_posts"},
    "channel_admin": set(),
}
EMOJI_RE = re.compile(r"^[a-zA-Z0-9\-+_]+$")
DEAD_QUEUE = 128
CHANNEL_WIDE = ("@channel", "@all", "@here")
_MARKDOWN = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
_EMOJI_WORD = re.compile(r"^:[a-z0-9_+\-]+:$", re.IGNORECASE)


def _text_runs(tokens: list[Token]) -> Iterator[str]:
    """The runs of plain text of parsed Markdown, as the server reads them for mentions: adjacent
    text joined, anything else (emphasis, a line break, code) ending a run; code spans and code
    blocks never read; escapes and character references already decoded."""
    run: list[str] = []
    for token in tokens:
        if token.type == "text":
            run.append(token.content)
            continue
        if run:
            yield "".join(run)
            run = []
        if token.children and token.type != "code_inline":
            yield from _text_runs(token.children)
    if run:
        yield "".join(run)


def _splits(char: str) -> bool:
    return not (char in ".-_:@" or unicodedata.category(char)[0] in "LN")


def explicit_mentions(message: str, usernames: Mapping[str, str]) -> set[str]:
    """Who a post's message notifies, by the server's rule: in the text outside code, words are
    split on every character but letters, digits and ``.-_:@``; a word (its leading ``:.-_``
    trimmed, then tried again without each trailing ``.-_:``, then cut at ``.-:``) that is
    ``@channel``, ``@all``, ``@here`` or ``@`` and a username, in any case, is a mention. Returns
    the channel-wide words found and the ids of the users named (``usernames``: name -> id)."""
    found: set[str] = set()
    names = {name.lower(): uid for name, uid in usernames.items()}

    def check(word: str) -> bool:
        low = word.lower()
        if low in CHANNEL_WIDE:
            found.add(low)
            return True
        if low.startswith("@") and low[1:] in names:
            found.add(names[low[1:]])
            return True
        return False

    for run in _text_runs(_MARKDOWN.parse(message)):
        words = "".join(" " if _splits(c) else c for c in run).split()
        for raw in words:
            if _EMOJI_WORD.match(raw):
                continue
            word = raw.lstrip(":.-_")
            if check(word):
                continue
            shorter = word
            while shorter and shorter[-1] in ".-_:":
                shorter = shorter[:-1]
                if check(shorter):
                    break
            else:
                if not word.startswith("@"):  # "x.@all": cut at what may end a sentence
                    for part in re.split(r"[.\-:]", word):
                        check(part)
    return found


def _key(name: str) -> Any:
    request_key = getattr(web, "RequestKey", None)
    return request_key(name, object) if request_key else name


USER, JSON, FORM = _key("user_id"), _key("json"), _key("form")


class ApiError(Exception):
    def __init__(self, status: int, error_id: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error_id = error_id
        self.message = message


@dataclass
class Conn:
    id: str
    user_id: str
    seq: int = 0
    dead: deque[tuple[int, str]] = field(default_factory=lambda: deque(maxlen=DEAD_QUEUE))
    ws: web.WebSocketResponse | None = None


class FakeMattermost:
    def __init__(
        self,
        contract: Contract | None,
        *,
        hello_first: bool = False,
        auth_timeout: float = 5.0,
        seed: int = 7,
    ) -> None:
        self.contract = contract
        self.hello_first = hello_first
        self.auth_timeout = auth_timeout
        self.rng = random.Random(seed)
        self.violations: list[str] = []
        self.requests: list[tuple[str, str, Any]] = []
        self.ws_connects: list[dict[str, str]] = []  # query of every WebSocket connection
        self.users: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, str] = {}
        self.teams: dict[str, dict[str, Any]] = {}
        self.team_members: dict[tuple[str, str], dict[str, Any]] = {}
        self.channels: dict[str, dict[str, Any]] = {}
        self.channel_members: dict[tuple[str, str], dict[str, Any]] = {}
        self.posts: dict[str, dict[str, Any]] = {}
        self.mentions: dict[str, set[str]] = {}  # post id -> mentions, over all its versions
        self.reactions: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.file_data: dict[str, bytes] = {}
        self.conns: dict[str, Conn] = {}
        self.permissions = {role: set(perms) for role, perms in DEFAULT_PERMISSIONS.items()}
        self.rate_limit_left = 0
        self.rate_limit_reset = 1
        self.ignore_pings = False
        self.pings = 0
        self._skip_seq = 0
        self._last_ms = 0
        self._runner: web.AppRunner | None = None
        self.url = ""

    # -- ids, time ------------------------------------------------------------------------
    def new_id(self) -> str:
        return "".join(self.rng.choices(string.ascii_lowercase + string.digits, k=26))

    def now_ms(self) -> int:
        self._last_ms = max(self._last_ms + 1, int(time.time() * 1000))
        return self._last_ms

    # -- world ----------------------------------------------------------------------------
    def add_user(
        self,
        username: str,
        *,
        first_name: str = "",
        last_name: str = "",
        roles: str = "system_user",
        token: str | None = None,
        is_bot: bool = False,
    ) -> str:
        uid = self.new_id()
        now = self.now_ms()
        self.users[uid] = {
            "id": uid,
            "create_at": now,
            "update_at": now,
            "delete_at": 0,
            "username": username,
            "auth_service": "",
            "email": "",
            "nickname": "",
            "first_name": first_name,
            "last_name": last_name,
            "position": "",
            "roles": roles,
            "locale": "fr",
            "timezone": {
                "useAutomaticTimezone": "true",
                "manualTimezone": "",
                "automaticTimezone": "Europe/Paris",
            },
        }
        if is_bot:
            self.users[uid]["is_bot"] = True
        self.tokens[token or f"token-{username}"] = uid
        return uid

    def add_team(self, name: str) -> str:
        tid = self.new_id()
        now = self.now_ms()
        self.teams[tid] = {
            "id": tid,
            "create_at": now,
            "update_at": now,
            "delete_at": 0,
            "display_name": name.capitalize(),
            "name": name,
            "description": "",
            "email": "",
            "type": "O",
            "allowed_domains": "",
            "invite_id": "",
            "allow_open_invite": True,
        }
        return tid

    def join_team(self, team_id: str, user_id: str, *, admin: bool = False) -> None:
        self.team_members[(team_id, user_id)] = {
            "team_id": team_id,
            "user_id": user_id,
            "roles": "team_user team_admin" if admin else "team_user",
            "delete_at": 0,
            "scheme_guest": False,
            "scheme_user": True,
            "scheme_admin": admin,
            "explicit_roles": "",
        }

    def add_channel(self, team_id: str, name: str, members: list[str], *, type: str = "O") -> str:
        cid = self.new_id()
        now = self.now_ms()
        self.channels[cid] = {
            "id": cid,
            "create_at": now,
            "update_at": now,
            "delete_at": 0,
            "team_id": team_id if type in ("O", "P") else "",
            "type": type,
            "display_name": name.replace("-", " ").title(),
            "name": name,
            "header": "",
            "purpose": "",
            "last_post_at": 0,
            "total_msg_count": 0,
            "extra_update_at": 0,
            "creator_id": members[0] if members else "",
        }
        for uid in members:
            self._member(cid, uid)
        return cid

    def _member(self, channel_id: str, user_id: str, *, admin: bool = False) -> None:
        self.channel_members[(channel_id, user_id)] = {
            "channel_id": channel_id,
            "user_id": user_id,
            "roles": "channel_user channel_admin" if admin else "channel_user",
            "last_viewed_at": 0,
            "msg_count": 0,
            "mention_count": 0,
            "notify_props": {
                "desktop": "default",
                "email": "default",
                "mark_unread": "all",
                "push": "default",
            },
            "last_update_at": self.now_ms(),
            "scheme_guest": False,
            "scheme_user": True,
            "scheme_admin": admin,
            "explicit_roles": "",
        }

    def set_channel_admin(self, channel_id: str, user_id: str, admin: bool = True) -> None:
        member = self.channel_members[(channel_id, user_id)]
        member["scheme_admin"] = admin
        member["roles"] = "channel_user channel_admin" if admin else "channel_user"

    def grant(self, role: str, permission: str) -> None:
        """Give ``permission`` to everyone with ``role`` (a custom permission scheme)."""
        self.permissions.setdefault(role, set()).add(permission)

    def set_system_admin(self, user_id: str, admin: bool = True) -> None:
        self.users[user_id]["roles"] = "system_user system_admin" if admin else "system_user"

    def roles(self, user_id: str, channel_id: str = "") -> set[str]:
        """The user's system roles, and their team and channel roles for ``channel_id``."""
        found = set(str(self.users[user_id]["roles"]).split())
        channel = self.channels.get(channel_id)
        if channel is not None:
            team = self.team_members.get((channel["team_id"], user_id))
            member = self.channel_members.get((channel_id, user_id))
            for row in (team, member):
                if row is not None:
                    found |= set(str(row["roles"]).split())
        return found

    def can(self, user_id: str, permission: str, channel_id: str = "") -> bool:
        return any(
            permission in self.permissions.get(role, ()) for role in self.roles(user_id, channel_id)
        )

    async def add_member(self, channel_id: str, user_id: str) -> None:
        self._member(channel_id, user_id)
        team_id = self.channels[channel_id]["team_id"]
        await self.broadcast(
            "user_added", {"user_id": user_id, "team_id": team_id}, channel_id=channel_id
        )

    # -- what people do (through the same rules as the REST API) ----------------------------
    async def user_post(
        self, user_id: str, channel_id: str, message: str, root_id: str = ""
    ) -> dict[str, Any]:
        return await self._create_post(
            user_id, {"channel_id": channel_id, "message": message, "root_id": root_id}
        )

    async def user_post_file(
        self, user_id: str, channel_id: str, message: str, name: str, data: bytes, mime: str
    ) -> dict[str, Any]:
        """``user_id`` uploads a file and posts it with ``message`` (its caption)."""
        now = self.now_ms()
        fid = self.new_id()
        self.files[fid] = {
            "id": fid,
            "user_id": user_id,
            "post_id": "",
            "channel_id": channel_id,
            "create_at": now,
            "update_at": now,
            "delete_at": 0,
            "name": name,
            "extension": name.rpartition(".")[2] if "." in name else "",
            "size": len(data),
            "mime_type": mime,
            "has_preview_image": False,
        }
        self.file_data[fid] = data
        return await self._create_post(
            user_id, {"channel_id": channel_id, "message": message, "file_ids": [fid]}
        )

    async def user_edit(self, user_id: str, post_id: str, message: str) -> dict[str, Any]:
        """``user_id`` edits a post (theirs, or anyone's if they may)."""
        return await self._patch_post(user_id, post_id, {"message": message})

    async def user_delete(self, user_id: str, post_id: str) -> None:
        """``user_id`` deletes a post (theirs, or anyone's if they may)."""
        await self._delete_post(user_id, post_id)

    async def user_react(self, user_id: str, post_id: str, emoji: str) -> dict[str, Any]:
        return await self._save_reaction(
            user_id, {"user_id": user_id, "post_id": post_id, "emoji_name": emoji}
        )

    async def user_unreact(
        self, user_id: str, post_id: str, emoji: str, of: str | None = None
    ) -> None:
        """``user_id`` removes their reaction (or ``of``'s, if they may)."""
        await self._delete_reaction(user_id, of or user_id, post_id, emoji)

    def thread(self, root_id: str) -> list[dict[str, Any]]:
        return sorted(
            (p for p in self.posts.values() if p["root_id"] == root_id and not p["delete_at"]),
            key=lambda p: p["create_at"],
        )

    def posts_by(self, user_id: str) -> list[dict[str, Any]]:
        return sorted(
            (p for p in self.posts.values() if p["user_id"] == user_id),
            key=lambda p: p["create_at"],
        )

    # -- failures on demand -------------------------------------------------------------------
    def rate_limit(self, requests: int, reset_seconds: int = 1) -> None:
        """The next ``requests`` API calls get a 429."""
        self.rate_limit_left = requests
        self.rate_limit_reset = reset_seconds

    def skip_seq(self) -> None:
        """The next event lost on its way to every client (a sequence gap)."""
        self._skip_seq += 1

    async def drop_sockets(self) -> None:
        """Close every WebSocket (a network drop); the server keeps the connections' queues."""
        for conn in self.conns.values():
            if conn.ws is not None:
                ws, conn.ws = conn.ws, None
                await ws.close()

    async def restart(self) -> None:
        """A server restart: sockets closed, connections forgotten."""
        await self.drop_sockets()
        self.conns.clear()

    # -- rules of the REST API -------------------------------------------------------------------
    def _post_json(self, post: dict[str, Any]) -> str:
        return json.dumps(post, separators=(",", ":"))

    async def _create_post(self, user_id: str, body: dict[str, Any]) -> dict[str, Any]:
        channel_id = str(body.get("channel_id", ""))
        channel = self.channels.get(channel_id)
        if channel is None or (channel_id, user_id) not in self.channel_members:
            raise ApiError(
                403,
                "api.context.permissions.app_error",
                "You do not have the appropriate permissions.",
            )
        root_id = str(body.get("root_id") or "")
        if root_id:
            root = self.posts.get(root_id)
            if root is None or root["channel_id"] != channel_id or root["delete_at"]:
                raise ApiError(
                    400, "api.post.create_post.root_id.app_error", "Invalid RootId parameter."
                )
            if root["root_id"]:
                raise ApiError(
                    400, "api.post.create_post.root_id.app_error", "Invalid RootId parameter."
                )
        file_ids = list(body.get("file_ids") or [])
        if len(file_ids) > 5:
            raise ApiError(400, "model.post.is_valid.file_ids.app_error", "Invalid file ids.")
        for fid in file_ids:
            info = self.files.get(fid)
            if info is None or info["user_id"] != user_id or info["post_id"]:
                raise ApiError(400, "api.post.create_post.file_ids.app_error", "Invalid file ids.")
        now = self.now_ms()
        post: dict[str, Any] = {
            "id": self.new_id(),
            "create_at": now,
            "update_at": now,
            "edit_at": 0,
            "delete_at": 0,
            "is_pinned": False,
            "user_id": user_id,
            "channel_id": channel_id,
            "root_id": root_id,
            "original_id": "",
            "message": str(body.get("message", "")),
            "type": "",
            "props": {},
            "hashtags": "",
            "pending_post_id": "",
            "reply_count": 0,
            "last_reply_at": 0,
            "participants": None,
            "metadata": {},
        }
        if file_ids:
            post["file_ids"] = file_ids
            post["metadata"] = {"files": [self.files[f] for f in file_ids]}
            for fid in file_ids:
                self.files[fid]["post_id"] = post["id"]
        self.posts[post["id"]] = post
        channel["last_post_at"] = now
        channel["total_msg_count"] += 1
        if root_id:
            self.posts[root_id]["reply_count"] += 1
            self.posts[root_id]["last_reply_at"] = now
        user = self.users[user_id]
        data: dict[str, Any] = {
            "channel_display_name": channel["display_name"],
            "channel_name": channel["name"],
            "channel_type": channel["type"],
            "post": self._post_json(post),
            "sender_name": f"@{user['username']}",
            "set_online": True,
            "team_id": channel["team_id"],
        }
        found = self._mentions_of(post)
        mentioned = sorted(
            uid
            for (cid, uid) in self.channel_members
            if cid == channel_id
            and uid != user_id
            and (uid in found or (found & set(CHANNEL_WIDE) and channel["type"] in "OP"))
        )
        if mentioned:
            data["mentions"] = json.dumps(mentioned)
        if file_ids:
            data["otherFile"] = "true"
        await self.broadcast("posted", data, channel_id=channel_id)
        return post

    def _mentions_of(self, post: dict[str, Any]) -> set[str]:
        found = explicit_mentions(
            post["message"], {u["username"]: uid for uid, u in self.users.items()}
        )
        self.mentions.setdefault(post["id"], set()).update(found)
        return found

    def _post_for(self, user_id: str, post_id: str, others: str) -> dict[str, Any]:
        """A post ``user_id`` may act on: theirs, or someone else's with permission ``others``."""
        post = self.posts.get(post_id)
        if post is None or post["delete_at"]:
            raise ApiError(404, "app.post.get.app_error", "Unable to get the post.")
        if post["user_id"] != user_id and not self.can(user_id, others, post["channel_id"]):
            raise ApiError(
                403,
                "api.context.permissions.app_error",
                "You do not have the appropriate permissions.",
            )
        return post

    async def _patch_post(self, user_id: str, post_id: str, body: dict[str, Any]) -> dict[str, Any]:
        post = self._post_for(user_id, post_id, "edit_others_posts")
        if "message" in body:
            post["message"] = str(body["message"])
            self._mentions_of(post)
        now = self.now_ms()
        post["edit_at"] = post["update_at"] = now
        await self.broadcast(
            "post_edited", {"post": self._post_json(post)}, channel_id=post["channel_id"]
        )
        return post

    async def _delete_post(self, user_id: str, post_id: str) -> None:
        post = self._post_for(user_id, post_id, "delete_others_posts")
        now = self.now_ms()
        post["delete_at"] = post["update_at"] = now
        data = {"post": self._post_json(post)}
        channel_id = post["channel_id"]
        await self.broadcast("post_deleted", data, channel_id=channel_id, sanitized=True)
        await self.broadcast(
            "post_deleted", {**data, "delete_by": user_id}, channel_id=channel_id, sensitive=True
        )

    async def _save_reaction(self, session_user: str, body: dict[str, Any]) -> dict[str, Any]:
        if body.get("user_id") != session_user:
            raise ApiError(
                403,
                "api.reaction.save_reaction.user_id.app_error",
                "You cannot save reaction for the other user.",
            )
        emoji = str(body.get("emoji_name", ""))
        if not EMOJI_RE.match(emoji) or len(emoji) > 64:
            raise ApiError(
                400, "model.reaction.is_valid.emoji_name.app_error", "Invalid emoji name."
            )
        post = self.posts.get(str(body.get("post_id", "")))
        if post is None or post["delete_at"]:
            raise ApiError(
                400, "api.reaction.save_reaction.invalid.app_error", "Reaction is not valid."
            )
        if (post["channel_id"], session_user) not in self.channel_members:
            raise ApiError(
                403,
                "api.context.permissions.app_error",
                "You do not have the appropriate permissions.",
            )
        now = self.now_ms()
        reaction = {
            "user_id": session_user,
            "post_id": post["id"],
            "emoji_name": emoji,
            "create_at": now,
            "update_at": now,
            "delete_at": 0,
            "remote_id": "",
            "channel_id": post["channel_id"],
        }
        self.reactions[(session_user, post["id"], emoji)] = reaction
        await self.broadcast(
            "reaction_added",
            {"reaction": json.dumps(reaction, separators=(",", ":"))},
            channel_id=post["channel_id"],
        )
        return reaction

    async def _delete_reaction(
        self, session_user: str, user_id: str, post_id: str, emoji: str
    ) -> None:
        post = self.posts.get(post_id)
        channel_id = post["channel_id"] if post is not None else ""
        if session_user != user_id and not self.can(
            session_user, "remove_others_reactions", channel_id
        ):
            raise ApiError(
                403,
                "api.context.permissions.app_error",
                "You do not have the appropriate permissions.",
            )
        if self.reactions.pop((user_id, post_id, emoji), None) is None:
            return
        # the server builds the removed reaction from the URL only
        removed = {
            "user_id": user_id,
            "post_id": post_id,
            "emoji_name": emoji,
            "create_at": 0,
            "update_at": 0,
            "delete_at": 0,
            "remote_id": None,
            "channel_id": "",
        }
        await self.broadcast(
            "reaction_removed",
            {"reaction": json.dumps(removed, separators=(",", ":"))},
            channel_id=self.posts[post_id]["channel_id"],
        )

    # -- WebSocket events --------------------------------------------------------------------
    async def broadcast(
        self,
        event: str,
        data: dict[str, Any],
        *,
        channel_id: str = "",
        user_id: str = "",
        sanitized: bool = False,
        sensitive: bool = False,
    ) -> None:
        """Send ``event`` to every connection of the channel's members (or of ``user_id``); a
        ``sanitized`` event only to those who are not system admins, a ``sensitive`` one only to
        those who are."""
        broadcast: dict[str, Any] = {
            "omit_users": None,
            "user_id": user_id,
            "channel_id": channel_id,
            "team_id": "",
            "connection_id": "",
            "omit_connection_id": "",
        }
        if sanitized:
            broadcast["contains_sanitized_data"] = True
        if sensitive:
            broadcast["contains_sensitive_data"] = True
        skip = self._skip_seq
        self._skip_seq = 0
        for conn in list(self.conns.values()):
            if channel_id and (channel_id, conn.user_id) not in self.channel_members:
                continue
            if user_id and conn.user_id != user_id:
                continue
            if (sanitized or sensitive) and self.can(conn.user_id, "manage_system") != sensitive:
                continue
            conn.seq += skip
            frame = {"event": event, "data": data, "broadcast": broadcast, "seq": conn.seq}
            conn.seq += 1
            text = self._frame(frame)
            conn.dead.append((frame["seq"], text))
            if conn.ws is not None and not conn.ws.closed:
                try:
                    await conn.ws.send_str(text)
                except ConnectionError:
                    conn.ws = None

    def _frame(self, frame: dict[str, Any]) -> str:
        if self.contract is not None:
            try:
                self.contract.validate_frame(frame)
            except ContractViolation as err:
                self.violations.append(str(err))
        return json.dumps(frame, separators=(",", ":"))

    async def _ws(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self.ws_connects.append(dict(request.query))
        conn: Conn | None = None
        token = _bearer(request)
        if token is not None:
            if token not in self.tokens:
                await ws.close()
                return ws
            conn = await self._register(ws, self.tokens[token], request.query, None)
        deadline = asyncio.get_running_loop().time() + self.auth_timeout
        while not ws.closed:
            timeout = None if conn else deadline - asyncio.get_running_loop().time()
            if timeout is not None and timeout <= 0:
                await ws.close()  # no authentication in time
                break
            try:
                msg = await ws.receive(timeout=timeout)
            except TimeoutError:
                continue
            if msg.type != WSMsgType.TEXT:
                if msg.type in (
                    WSMsgType.CLOSE,
                    WSMsgType.CLOSED,
                    WSMsgType.ERROR,
                    WSMsgType.CLOSING,
                ):
                    break
                continue
            try:
                req = json.loads(msg.data)
            except ValueError:
                continue
            action, seq = req.get("action"), req.get("seq")
            if action == "authentication_challenge" and conn is None:
                uid = self.tokens.get(str((req.get("data") or {}).get("token", "")))
                if uid is None:
                    await ws.close()  # the server sends no error frame
                    break
                conn = await self._register(ws, uid, request.query, seq)
            elif conn is None:
                await ws.send_str(
                    self._frame(
                        {
                            "status": "FAIL",
                            "seq_reply": seq,
                            "error": {
                                "id": "api.web_socket_router.not_authenticated.app_error",
                                "message": "No websocket authentication",
                            },
                        }
                    )
                )
            elif action == "ping":
                self.pings += 1
                if not self.ignore_pings:
                    await ws.send_str(
                        self._frame(
                            {
                                "status": "OK",
                                "seq_reply": seq,
                                "data": {
                                    "text": "pong",
                                    "version": SERVER_VERSION,
                                    "server_time": self.now_ms(),
                                    "node_id": "",
                                },
                            }
                        )
                    )
        if conn is not None and conn.ws is ws:
            conn.ws = None  # inactive: the connection keeps its queue for a resume
        return ws

    async def _register(
        self, ws: web.WebSocketResponse, user_id: str, query: Any, auth_seq: int | None
    ) -> Conn:
        ok = self._frame({"status": "OK", "seq_reply": auth_seq}) if auth_seq else None
        old = self.conns.get(str(query.get("connection_id", "")))
        try:
            wanted = int(query.get("sequence_number", "-1"))
        except ValueError:
            wanted = -1
        if old is not None and old.user_id == user_id and self._can_resume(old, wanted):
            if old.ws is not None and not old.ws.closed:
                await old.ws.close()
            old.ws = ws
            if ok:
                await ws.send_str(ok)
            for seq, text in list(old.dead):
                if seq >= wanted:
                    await ws.send_str(text)
            return old
        conn = Conn(id=self.new_id(), user_id=user_id)
        self.conns[conn.id] = conn
        hello = {
            "event": "hello",
            "data": {
                "server_version": SERVER_VERSION,
                "connection_id": conn.id,
                "server_hostname": "mm-fake",
            },
            "broadcast": {
                "omit_users": None,
                "user_id": user_id,
                "channel_id": "",
                "team_id": "",
                "connection_id": "",
                "omit_connection_id": "",
            },
            "seq": 0,
        }
        conn.seq = 1
        hello_text = self._frame(hello)
        conn.dead.append((0, hello_text))
        first, second = (hello_text, ok) if self.hello_first else (ok, hello_text)
        for text in (first, second):
            if text:
                await ws.send_str(text)
        conn.ws = ws
        return conn

    @staticmethod
    def _can_resume(conn: Conn, wanted: int) -> bool:
        if wanted == conn.seq:
            return True
        return any(seq == wanted for seq, _ in conn.dead)

    # -- REST --------------------------------------------------------------------------------
    @web.middleware
    async def _middleware(self, request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == "/api/v4/websocket":
            return await handler(request)
        method, path = request.method, request.path
        form: dict[str, Any] | None = None
        body: Any = None
        ctype = request.headers.get("Content-Type", "")
        if ctype.startswith("multipart/form-data"):
            form = {}
            reader = await request.multipart()
            async for part in reader:
                form.setdefault(part.name, []).append(
                    (part.filename, await part.read(), part.headers.get("Content-Type", ""))  # type: ignore[union-attr]
                )
        elif request.can_read_body:
            raw = await request.read()
            body = json.loads(raw) if raw else None
        self.requests.append((method, path, body if form is None else sorted(form)))
        if self.rate_limit_left > 0:
            self.rate_limit_left -= 1
            response = web.Response(
                status=429,
                text="limit exceeded\n",
                content_type="text/plain",
                headers={
                    "X-RateLimit-Limit": "10",
                    "X-RateLimit-Remaining": "0",
                    "X-RateLimit-Reset": str(self.rate_limit_reset),
                },
            )
            return self._checked(request, response)
        token = _bearer(request)
        user_id = self.tokens.get(token or "")
        if user_id is None:
            return self._checked(
                request,
                _error(
                    ApiError(
                        401,
                        "api.context.session_expired.app_error",
                        "Invalid or expired session, please login again.",
                    )
                ),
            )
        if self.contract is not None:
            try:
                self.contract.validate_request(method, path, ctype, body, form)
            except ContractViolation as err:
                self.violations.append(str(err))
                return self._checked(
                    request,
                    _error(ApiError(400, "api.context.invalid_body_param.app_error", str(err))),
                )
        request[USER] = user_id
        request[JSON] = body
        request[FORM] = form
        try:
            answer = await handler(request)
            if isinstance(answer, web.Response):
                response = answer  # a file's bytes
            else:
                status, payload = answer
                response = web.Response(
                    status=status,
                    body=json.dumps(payload).encode(),
                    headers={"Content-Type": "application/json"},
                )
        except ApiError as err:
            response = _error(err)
        return self._checked(request, response)

    def _checked(self, request: web.Request, response: web.Response) -> web.Response:
        if self.contract is not None:
            try:
                self.contract.validate_response(
                    request.method,
                    request.path,
                    response.status,
                    response.headers.get("Content-Type", ""),
                    response.text or "",
                    dict(response.headers),
                )
            except ContractViolation as err:
                self.violations.append(str(err))
        return response

    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._middleware])
        r = app.router
        r.add_get("/api/v4/websocket", self._ws)
        r.add_get("/api/v4/users/username/{username}", self._get_user_by_username)
        r.add_post("/api/v4/users/ids", self._get_users_by_ids)
        r.add_get("/api/v4/users/{user_id}/teams/{team_id}/channels", self._get_channels_for_user)
        r.add_get("/api/v4/users/{user_id}", self._get_user)
        r.add_delete(
            "/api/v4/users/{user_id}/posts/{post_id}/reactions/{emoji_name}",
            self._delete_reaction_h,
        )
        r.add_get("/api/v4/teams/name/{name}", self._get_team_by_name)
        r.add_get("/api/v4/teams/{team_id}/members/{user_id}", self._get_team_member)
        r.add_post("/api/v4/channels/{channel_id}/members/ids", self._get_channel_members_by_ids)
        r.add_get("/api/v4/channels/{channel_id}/members/{user_id}", self._get_channel_member)
        r.add_get("/api/v4/channels/{channel_id}/posts", self._get_posts_for_channel)
        r.add_get("/api/v4/channels/{channel_id}", self._get_channel)
        r.add_post("/api/v4/channels/direct", self._create_direct_channel)
        r.add_post("/api/v4/posts", self._create_post_h)
        r.add_get("/api/v4/posts/{post_id}", self._get_post)
        r.add_delete("/api/v4/posts/{post_id}", self._delete_post_h)
        r.add_put("/api/v4/posts/{post_id}/patch", self._patch_post_h)
        r.add_post("/api/v4/reactions", self._save_reaction_h)
        r.add_post("/api/v4/files", self._upload_file)
        r.add_get("/api/v4/files/{file_id}", self._get_file)
        return app

    async def start(self) -> str:
        self._runner = web.AppRunner(self.app(), handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        return self.url

    async def stop(self) -> None:
        await self.drop_sockets()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- REST handlers (return (status, payload); errors raise ApiError) ----------------------
    def _user_or_404(self, user_id: str) -> dict[str, Any]:
        user = self.users.get(user_id)
        if user is None:
            raise ApiError(404, "app.user.missing_account.const", "Unable to find the user.")
        return user

    async def _get_user(self, request: web.Request) -> tuple[int, Any]:
        uid = request.match_info["user_id"]
        return 200, self._user_or_404(request[USER] if uid == "me" else uid)

    async def _get_user_by_username(self, request: web.Request) -> tuple[int, Any]:
        name = request.match_info["username"].lower()
        for user in self.users.values():
            if user["username"] == name:
                return 200, user
        raise ApiError(
            404,
            "app.user.get_by_username.app_error",
            "Unable to find an existing account matching your username for this team.",
        )

    async def _get_users_by_ids(self, request: web.Request) -> tuple[int, Any]:
        return 200, [self.users[u] for u in request[JSON] or [] if u in self.users]

    async def _get_team_by_name(self, request: web.Request) -> tuple[int, Any]:
        for team in self.teams.values():
            if team["name"] == request.match_info["name"]:
                return 200, team
        raise ApiError(
            404, "app.team.get_by_name.missing.app_error", "Unable to find the existing team."
        )

    async def _get_team_member(self, request: web.Request) -> tuple[int, Any]:
        key = (request.match_info["team_id"], request.match_info["user_id"])
        if key not in self.team_members:
            raise ApiError(
                404,
                "app.team.get_member.missing.app_error",
                "No team member found for that user ID and team ID.",
            )
        return 200, self.team_members[key]

    async def _get_channel(self, request: web.Request) -> tuple[int, Any]:
        cid = request.match_info["channel_id"]
        if cid not in self.channels:
            raise ApiError(
                404, "app.channel.get.existing.app_error", "Unable to find the existing channel."
            )
        if (cid, request[USER]) not in self.channel_members:
            raise ApiError(
                403,
                "api.context.permissions.app_error",
                "You do not have the appropriate permissions.",
            )
        return 200, self.channels[cid]

    async def _create_direct_channel(self, request: web.Request) -> tuple[int, Any]:
        ids = request[JSON] or []
        if len(ids) != 2 or request[USER] not in ids:
            raise ApiError(
                400, "api.context.invalid_body_param.app_error", "Invalid or missing user_ids."
            )
        for uid in ids:
            self._user_or_404(uid)
        name = "__".join(sorted(ids))
        for channel in self.channels.values():
            if channel["type"] == "D" and channel["name"] == name:
                return 201, channel
        cid = self.add_channel("", name, list(ids), type="D")
        return 201, self.channels[cid]

    def direct_posts(self, user_id: str) -> list[dict[str, Any]]:
        """Posts in the direct channels of ``user_id``."""
        channels = {
            c["id"] for c in self.channels.values() if c["type"] == "D" and user_id in c["name"]
        }
        return sorted(
            (p for p in self.posts.values() if p["channel_id"] in channels),
            key=lambda p: p["create_at"],
        )

    async def _get_channels_for_user(self, request: web.Request) -> tuple[int, Any]:
        uid = request.match_info["user_id"]
        uid = request[USER] if uid == "me" else uid
        tid = request.match_info["team_id"]
        return 200, [
            c
            for c in self.channels.values()
            if c["team_id"] == tid and (c["id"], uid) in self.channel_members
        ]

    async def _get_channel_members_by_ids(self, request: web.Request) -> tuple[int, Any]:
        cid = request.match_info["channel_id"]
        if cid not in self.channels:
            raise ApiError(404, "app.channel.get.existing.app_error", "Unable to find the channel.")
        if (cid, request[USER]) not in self.channel_members:
            raise ApiError(
                403,
                "api.context.permissions.app_error",
                "You do not have the appropriate permissions.",
            )
        wanted = request[JSON] or []
        return 200, [
            self.channel_members[(cid, u)] for u in wanted if (cid, u) in self.channel_members
        ]

    async def _get_channel_member(self, request: web.Request) -> tuple[int, Any]:
        key = (request.match_info["channel_id"], request.match_info["user_id"])
        if key not in self.channel_members:
            raise ApiError(
                404,
                "app.channel.get_member.missing.app_error",
                "No channel member found for that user ID and channel ID.",
            )
        return 200, self.channel_members[key]

    async def _get_posts_for_channel(self, request: web.Request) -> tuple[int, Any]:
        cid = request.match_info["channel_id"]
        if (cid, request[USER]) not in self.channel_members:
            raise ApiError(
                403,
                "api.context.permissions.app_error",
                "You do not have the appropriate permissions.",
            )
        since = int(request.query.get("since", "0") or 0)
        posts = [
            p for p in self.posts.values() if p["channel_id"] == cid and p["update_at"] > since
        ]
        posts.sort(key=lambda p: p["create_at"], reverse=True)
        return 200, {
            "order": [p["id"] for p in posts],
            "posts": {p["id"]: p for p in posts},
            "next_post_id": "",
            "prev_post_id": "",
            "has_next": False,
        }

    async def _create_post_h(self, request: web.Request) -> tuple[int, Any]:
        return 201, await self._create_post(request[USER], request[JSON] or {})

    async def _get_post(self, request: web.Request) -> tuple[int, Any]:
        post = self.posts.get(request.match_info["post_id"])
        if post is None or post["delete_at"]:
            raise ApiError(404, "app.post.get.app_error", "Unable to get the post.")
        if (post["channel_id"], request[USER]) not in self.channel_members:
            raise ApiError(
                403,
                "api.context.permissions.app_error",
                "You do not have the appropriate permissions.",
            )
        return 200, post

    async def _patch_post_h(self, request: web.Request) -> tuple[int, Any]:
        return 200, await self._patch_post(
            request[USER], request.match_info["post_id"], request[JSON] or {}
        )

    async def _delete_post_h(self, request: web.Request) -> tuple[int, Any]:
        await self._delete_post(request[USER], request.match_info["post_id"])
        return 200, {"status": "OK"}

    async def _save_reaction_h(self, request: web.Request) -> tuple[int, Any]:
        return 201, await self._save_reaction(request[USER], request[JSON] or {})

    async def _delete_reaction_h(self, request: web.Request) -> tuple[int, Any]:
        m = request.match_info
        await self._delete_reaction(request[USER], m["user_id"], m["post_id"], m["emoji_name"])
        return 200, {"status": "OK"}

    async def _get_file(self, request: web.Request) -> web.Response:
        fid = request.match_info["file_id"]
        info = self.files.get(fid)
        if info is None:
            raise ApiError(404, "app.file_info.get.app_error", "Unable to get the file info.")
        if (info["channel_id"], request[USER]) not in self.channel_members:
            raise ApiError(
                403,
                "api.context.permissions.app_error",
                "You do not have the appropriate permissions.",
            )
        return web.Response(
            status=200,
            body=self.file_data[fid],
            headers={"Content-Type": info["mime_type"]},
        )

    async def _upload_file(self, request: web.Request) -> tuple[int, Any]:
        form = request[FORM] or {}
        channel_id = (form.get("channel_id") or [(None, b"", "")])[0][1].decode()
        if (channel_id, request[USER]) not in self.channel_members:
            raise ApiError(
                403,
                "api.context.permissions.app_error",
                "You do not have the appropriate permissions.",
            )
        files = form.get("files") or []
        if not files:
            raise ApiError(
                400,
                "api.file.upload_file.incorrect_number_of_files.app_error",
                "Unable to upload files. Incorrect number of files specified.",
            )
        infos = []
        for name, data, mime in files:
            now = self.now_ms()
            fid = self.new_id()
            info = {
                "id": fid,
                "user_id": request[USER],
                "post_id": "",
                "channel_id": channel_id,
                "create_at": now,
                "update_at": now,
                "delete_at": 0,
                "name": name or "file",
                "extension": (name or "").rpartition(".")[2] if "." in (name or "") else "",
                "size": len(data),
                "mime_type": mime or "application/octet-stream",
                "has_preview_image": False,
            }
            self.files[fid] = info
            self.file_data[fid] = bytes(data)
            infos.append(info)
        return 201, {"file_infos": infos, "client_ids": []}


def _bearer(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return None


def _error(err: ApiError) -> web.Response:
    body = {
        "id": err.error_id,
        "message": err.message,
        "detailed_error": "",
        "request_id": "".join(random.choices(string.ascii_lowercase + string.digits, k=26)),
        "status_code": err.status,
    }
    return web.Response(
        status=err.status,
        body=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
