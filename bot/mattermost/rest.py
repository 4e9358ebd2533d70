"""REST v4 of a Mattermost server with a bot token, on aiohttp: the transport (one request,
the waits a 429 answer asks for, the server's errors as exceptions) and the calls the bot uses,
by resource (users, teams, channels, posts, reactions, files). The operationIds of the official
spec are in comments; the contract tests check every call against it.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import aiohttp

from bot import redact

log = logging.getLogger(__name__)


class MattermostError(Exception):
    """A REST call failed. ``status`` is the HTTP status (0: no answer), ``error_id`` the
    server's error id when it gave one."""

    def __init__(self, message: str, *, status: int = 0, error_id: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.error_id = error_id

    @property
    def permanent(self) -> bool:
        """Retrying the same request cannot help (bad request, forbidden, not found...)."""
        return 400 <= self.status < 500 and self.status not in (408, 429)


class MattermostAuthError(MattermostError):
    """The server refused the token (401): the bot cannot work until the configuration is fixed."""


class Rest:
    """REST v4 with a bot token. 429 answers are retried after ``X-RateLimit-Reset`` seconds."""

    def __init__(
        self,
        url: str,
        token: str,
        *,
        session: aiohttp.ClientSession | None = None,
        max_rate_limit_wait: float = 60.0,
        max_retries: int = 5,
    ) -> None:
        self.url = url.rstrip("/")
        self.token = token
        redact.register(token)
        self._session = session
        self._own_session = session is None
        self.max_rate_limit_wait = max_rate_limit_wait
        self.max_retries = max_retries
        self.rate_limited = 0  # how many 429 answers were waited out (for logs and tests)

    @property
    def session(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
            self._own_session = True
        return self._session

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    async def close(self) -> None:
        if self._own_session and self._session is not None:
            await self._session.close()

    async def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        params: dict[str, str] | None = None,
        form: Callable[[], aiohttp.FormData] | None = None,
        raw_limit: int | None = None,
    ) -> Any:
        """One call, e.g. ``request("GET", "/users/me")``; returns the decoded JSON answer (with
        ``raw_limit``: the answer's bytes, at most that many and one)."""
        url = f"{self.url}/api/v4{path}"
        for attempt in range(self.max_retries + 1):
            kwargs: dict[str, Any] = {"headers": self.headers, "params": params}
            if form is not None:
                kwargs["data"] = form()  # a FormData can be sent once only
            elif json_body is not None:
                kwargs["json"] = json_body
            try:
                async with self.session.request(method, url, **kwargs) as resp:
                    if resp.status == 429 and attempt < self.max_retries:
                        wait = _reset_seconds(resp.headers)
                        self.rate_limited += 1
                        log.warning(
                            "mattermost: rate limited on %s %s, retrying in %.1f s",
                            method,
                            path,
                            wait,
                        )
                        await asyncio.sleep(min(wait, self.max_rate_limit_wait))
                        continue
                    if raw_limit is not None and resp.status < 400:
                        return await resp.content.read(raw_limit + 1)
                    text = await resp.text()
                    if resp.status >= 400:
                        raise _error(resp.status, text, method, path)
                    return json.loads(text) if text else None
            except aiohttp.ClientError as err:
                raise MattermostError(f"{method} {path}: {err}") from err
        raise MattermostError(f"{method} {path}: still rate limited", status=429)

    # -- the calls the bot uses, by resource (operationIds of the official spec in comments) --
    # users
    async def me(self) -> dict[str, Any]:  # GetUser
        return dict(await self.request("GET", "/users/me"))

    async def user(self, user_id: str) -> dict[str, Any]:  # GetUser
        return dict(await self.request("GET", f"/users/{quote(user_id)}"))

    async def user_by_username(self, username: str) -> dict[str, Any]:  # GetUserByUsername
        return dict(await self.request("GET", f"/users/username/{quote(username)}"))

    # teams
    async def team_by_name(self, name: str) -> dict[str, Any]:  # GetTeamByName
        return dict(await self.request("GET", f"/teams/name/{quote(name)}"))

    async def team_member(self, team_id: str, user_id: str) -> dict[str, Any]:  # GetTeamMember
        return dict(await self.request("GET", f"/teams/{quote(team_id)}/members/{quote(user_id)}"))

    # channels
    async def channel(self, channel_id: str) -> dict[str, Any]:  # GetChannel
        return dict(await self.request("GET", f"/channels/{quote(channel_id)}"))

    async def channels_for_user(self, user_id: str, team_id: str) -> list[dict[str, Any]]:
        # GetChannelsForTeamForUser
        return list(
            await self.request("GET", f"/users/{quote(user_id)}/teams/{quote(team_id)}/channels")
        )

    async def channel_member(self, channel_id: str, user_id: str) -> dict[str, Any]:
        # GetChannelMember
        return dict(
            await self.request("GET", f"/channels/{quote(channel_id)}/members/{quote(user_id)}")
        )

    async def channel_members_by_ids(
        self, channel_id: str, user_ids: list[str]
    ) -> list[dict[str, Any]]:  # GetChannelMembersByIds
        found = await self.request(
            "POST", f"/channels/{quote(channel_id)}/members/ids", json_body=user_ids
        )
        return [dict(m) for m in found]

    async def create_direct_channel(self, user_a: str, user_b: str) -> dict[str, Any]:
        # CreateDirectChannel: the two users' direct channel (the existing one if there is one)
        return dict(await self.request("POST", "/channels/direct", json_body=[user_a, user_b]))

    # posts
    async def post(self, post_id: str) -> dict[str, Any]:  # GetPost
        return dict(await self.request("GET", f"/posts/{quote(post_id)}"))

    async def create_post(
        self,
        channel_id: str,
        message: str,
        *,
        root_id: str = "",
        file_ids: list[str] | None = None,
    ) -> dict[str, Any]:  # CreatePost
        body: dict[str, Any] = {"channel_id": channel_id, "message": message}
        if root_id:
            body["root_id"] = root_id
        if file_ids:
            body["file_ids"] = file_ids
        return dict(await self.request("POST", "/posts", json_body=body))

    async def patch_post(self, post_id: str, message: str) -> dict[str, Any]:  # PatchPost
        return dict(
            await self.request(
                "PUT", f"/posts/{quote(post_id)}/patch", json_body={"message": message}
            )
        )

    async def posts_since(self, channel_id: str, since_ms: int) -> dict[str, Any]:
        # GetPostsForChannel
        return dict(
            await self.request(
                "GET", f"/channels/{quote(channel_id)}/posts", params={"since": str(since_ms)}
            )
        )

    # reactions
    async def save_reaction(
        self, user_id: str, post_id: str, emoji_name: str, channel_id: str = ""
    ) -> dict[str, Any]:
        # SaveReaction (the server's Reaction carries its post's channel)
        body = {"user_id": user_id, "post_id": post_id, "emoji_name": emoji_name}
        if channel_id:
            body["channel_id"] = channel_id
        return dict(await self.request("POST", "/reactions", json_body=body))

    # files
    async def upload_file(
        self, channel_id: str, name: str, data: bytes, mime: str
    ) -> dict[str, Any]:  # UploadFile
        def form() -> aiohttp.FormData:
            fd = aiohttp.FormData()
            fd.add_field("channel_id", channel_id)
            fd.add_field("files", data, filename=name, content_type=mime)
            return fd

        return dict(await self.request("POST", "/files", form=form))

    async def file(self, file_id: str, limit: int) -> bytes | None:  # GetFile
        """A file's bytes; ``None`` if it is larger than ``limit``."""
        data = await self.request("GET", f"/files/{quote(file_id)}", raw_limit=limit)
        return bytes(data) if len(data) <= limit else None


def _reset_seconds(headers: Any) -> float:
    """Seconds to wait before retrying a 429 (``X-RateLimit-Reset``, else ``Retry-After``)."""
    for name in ("X-RateLimit-Reset", "Retry-After"):
        value = headers.get(name)
        if value:
            try:
                return max(0.0, float(value))
            except ValueError:
                continue
    return 1.0


def _error(status: int, text: str, method: str, path: str) -> MattermostError:
    error_id, message = "", text.strip()[:200]
    try:
        body = json.loads(text)
        error_id = str(body.get("id", ""))
        message = str(body.get("message", message))
    except (ValueError, AttributeError):
        pass
    cls = MattermostAuthError if status == 401 else MattermostError
    return cls(f"{method} {path}: {status} {message}", status=status, error_id=error_id)
