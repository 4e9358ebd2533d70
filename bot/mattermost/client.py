"""A thin async Mattermost client on aiohttp: the REST v4 calls the bot needs and the WebSocket
event stream, with the official web client's reconnect/resume algorithm.

WebSocket, as the server speaks it:

- connect to ``/api/v4/websocket`` (with ``connection_id`` and ``sequence_number`` to resume),
  authenticate with an ``authentication_challenge`` action; the ``OK`` reply and the ``hello``
  event can arrive in either order; after a short drop the server replays the missed events and
  sends no new ``hello``;
- every event carries ``seq``, one more than the previous one on that connection: a gap means
  events were lost, so the client closes (4001) and reconnects; a ``hello`` with a new
  ``connection_id`` means the server forgot us (restart, long outage): the owner must fetch what
  it missed by REST (``on_resync``);
- a ``ping`` action every ``ping_interval`` seconds; still unanswered at the next tick: close
  (4000) and reconnect;
- reconnect after a jittered backoff: ``min_backoff`` seconds, and after 7 failures in a row
  ``min_backoff * n²``, capped at ``max_backoff``, plus 0 to ``jitter`` seconds.

In ``data``, ``post``, ``reaction`` and ``channelMember`` are JSON *strings*: they are decoded
here, so handlers get dicts.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp

from bot import redact

log = logging.getLogger(__name__)

CLOSE_PING_TIMEOUT = 4000
CLOSE_SEQ_MISMATCH = 4001
JSON_STRING_FIELDS = ("post", "reaction", "channelMember", "mentions", "followers")


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


@dataclass
class Event:
    """One WebSocket event, with the JSON-string fields of ``data`` decoded."""

    name: str
    data: dict[str, Any]
    broadcast: dict[str, Any]
    seq: int

    @property
    def channel_id(self) -> str:
        return str(self.broadcast.get("channel_id") or self.data.get("channel_id") or "")


def decode_event(frame: dict[str, Any]) -> Event:
    data = dict(frame.get("data") or {})
    for key in JSON_STRING_FIELDS:
        value = data.get(key)
        if isinstance(value, str) and value:
            try:
                data[key] = json.loads(value)
            except ValueError:
                log.warning("mattermost: %s.%s is not JSON", frame.get("event"), key)
    return Event(
        name=str(frame.get("event", "")),
        data=data,
        broadcast=dict(frame.get("broadcast") or {}),
        seq=int(frame.get("seq", -1)),
    )


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

    # -- the calls the bot uses (operationIds of the official spec in comments) --------------
    async def me(self) -> dict[str, Any]:  # GetUser
        return dict(await self.request("GET", "/users/me"))

    async def user(self, user_id: str) -> dict[str, Any]:  # GetUser
        return dict(await self.request("GET", f"/users/{quote(user_id)}"))

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

    async def team_member(self, team_id: str, user_id: str) -> dict[str, Any]:  # GetTeamMember
        return dict(await self.request("GET", f"/teams/{quote(team_id)}/members/{quote(user_id)}"))

    async def team_by_name(self, name: str) -> dict[str, Any]:  # GetTeamByName
        return dict(await self.request("GET", f"/teams/name/{quote(name)}"))

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

    async def create_direct_channel(self, user_a: str, user_b: str) -> dict[str, Any]:
        # CreateDirectChannel: the two users' direct channel (the existing one if there is one)
        return dict(await self.request("POST", "/channels/direct", json_body=[user_a, user_b]))

    async def patch_post(self, post_id: str, message: str) -> dict[str, Any]:  # PatchPost
        return dict(
            await self.request(
                "PUT", f"/posts/{quote(post_id)}/patch", json_body={"message": message}
            )
        )

    async def save_reaction(
        self, user_id: str, post_id: str, emoji_name: str, channel_id: str = ""
    ) -> dict[str, Any]:
        # SaveReaction (the server's Reaction carries its post's channel)
        body = {"user_id": user_id, "post_id": post_id, "emoji_name": emoji_name}
        if channel_id:
            body["channel_id"] = channel_id
        return dict(await self.request("POST", "/reactions", json_body=body))

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

    async def posts_since(self, channel_id: str, since_ms: int) -> dict[str, Any]:
        # GetPostsForChannel
        return dict(
            await self.request(
                "GET", f"/channels/{quote(channel_id)}/posts", params={"since": str(since_ms)}
            )
        )


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


EventHandler = Callable[[Event], Awaitable[None]]
ResyncHandler = Callable[[], Awaitable[None]]


@dataclass
class Backoff:
    """The official web client's reconnect delays."""

    min_delay: float = 3.0
    max_delay: float = 300.0
    jitter: float = 2.0
    failures: int = 0
    rng: random.Random = field(default_factory=random.Random)

    def next_delay(self) -> float:
        self.failures += 1
        delay = self.min_delay
        if self.failures > 7:
            delay = self.min_delay * self.failures * self.failures
        return min(delay, self.max_delay) + self.rng.uniform(0, self.jitter)

    def reset(self) -> None:
        self.failures = 0


class _Reconnect(Exception):
    def __init__(self, reason: str, code: int | None = None) -> None:
        super().__init__(reason)
        self.code = code


class Refetch(Exception):
    """Raised by the owner's handlers when it could not store an event: the stream reconnects
    on a new connection, so that the owner fetches again, by REST, what it did not store."""


class EventStream:
    """The WebSocket loop. ``on_event`` is awaited for each event in order (the next frame is
    read only after it returns); ``on_resync`` when the server has forgotten this client (first
    connection, restart, events lost): the owner fetches what it missed by REST."""

    def __init__(
        self,
        rest: Rest,
        on_event: EventHandler,
        on_resync: ResyncHandler,
        *,
        ping_interval: float = 30.0,
        auth_timeout: float = 10.0,
        backoff: Backoff | None = None,
    ) -> None:
        self.rest = rest
        self.on_event = on_event
        self.on_resync = on_resync
        self.ping_interval = ping_interval
        self.auth_timeout = auth_timeout
        self.backoff = backoff or Backoff()
        self.connection_id = ""
        self.expected_seq = 0
        self.last_close_code: int | None = None
        self.connects = 0  # successful handshakes (for logs and tests)
        self.last_heard: float | None = None  # loop time of the latest frame from the server
        self.resyncs = 0
        self.resynced = 0  # resyncs completed
        self._stop = asyncio.Event()
        self._ws: aiohttp.ClientWebSocketResponse | None = None

    def url(self) -> str:
        base = self.rest.url
        scheme = "wss" if base.startswith("https") else "ws"
        url = f"{scheme}{base[base.index(':') :]}/api/v4/websocket"
        params: dict[str, str] = {}
        if self.connection_id:
            params["connection_id"] = self.connection_id
            params["sequence_number"] = str(self.expected_seq)
        if self.last_close_code is not None:
            params["disconnect_err_code"] = str(self.last_close_code)
        return f"{url}?{urlencode(params)}" if params else url

    async def stop(self) -> None:
        self._stop.set()
        if self._ws is not None and not self._ws.closed:
            await self._ws.close()

    async def run(self) -> None:
        """Connect, read events, reconnect, until ``stop()``. Raises ``MattermostAuthError`` when
        the token is refused."""
        while not self._stop.is_set():
            try:
                if self.backoff.failures >= 2:
                    # a socket that keeps closing may be a revoked token: ask REST, which says so
                    await self.rest.me()
                await self._connect_once()
                reason = "the server closed the connection"
            except _Reconnect as err:
                reason = str(err)
                self.last_close_code = err.code
            except Refetch as err:
                reason = f"an event was not stored ({err})"
                self.connection_id = ""  # a new connection: the owner catches up
            except MattermostAuthError:
                raise
            except (aiohttp.ClientError, OSError, TimeoutError, MattermostError) as err:
                reason = f"{type(err).__name__}: {err}"
            if self._stop.is_set():
                return
            delay = self.backoff.next_delay()
            log.warning("mattermost: websocket: %s; reconnecting in %.1f s", reason, delay)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), delay)

    async def _connect_once(self) -> None:
        async with self.rest.session.ws_connect(self.url(), heartbeat=None, autoping=True) as ws:
            self._ws = ws
            self.last_close_code = None
            await ws.send_json(
                {"seq": 1, "action": "authentication_challenge", "data": {"token": self.rest.token}}
            )
            self._seq = 1
            self._pending_ping: int | None = None
            authed = False
            resumed_conn = self.connection_id
            loop = asyncio.get_running_loop()
            auth_deadline = loop.time() + self.auth_timeout
            next_ping = loop.time() + self.ping_interval
            ping_sent = last_frame = loop.time()
            while True:
                now = loop.time()
                if not authed and now >= auth_deadline:
                    raise _Reconnect("no authentication answer")
                if now >= next_ping:
                    if self._pending_ping is not None and last_frame < ping_sent:
                        # nothing at all since the ping: the peer is gone. (Frames that came
                        # while events were being handled prove it alive; the pong is queued.)
                        await ws.close(code=CLOSE_PING_TIMEOUT)
                        raise _Reconnect("ping timeout", CLOSE_PING_TIMEOUT)
                    if self._pending_ping is None:
                        self._seq += 1
                        self._pending_ping = self._seq
                        ping_sent = now
                        await ws.send_json({"action": "ping", "seq": self._seq})
                    next_ping = now + self.ping_interval
                timeout = min(next_ping, auth_deadline if not authed else next_ping) - now
                try:
                    msg = await ws.receive(timeout=max(timeout, 0.001))
                except TimeoutError:
                    continue
                if msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING):
                    return
                if msg.type in (aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                    return
                if msg.type != aiohttp.WSMsgType.TEXT:
                    continue
                last_frame = self.last_heard = loop.time()
                frame = json.loads(msg.data)
                if "seq_reply" in frame:
                    if self._on_reply(frame, resumed_conn):
                        authed = True
                    continue
                if "event" not in frame:
                    continue
                await self._on_server_event(ws, decode_event(frame))

    def _on_reply(self, frame: dict[str, Any], resumed_conn: str) -> bool:
        """A reply to one of this client's frames: ``True`` when it accepts the authentication
        (raises when it refuses it); the answer to the pending ping otherwise."""
        if frame["seq_reply"] == 1:
            if frame.get("status") != "OK":
                raise MattermostAuthError(
                    f"websocket authentication refused: {frame.get('error')}",
                    status=401,
                )
            self.backoff.reset()
            self.connects += 1
            if self.connection_id:
                log.info("mattermost: websocket resumed (%s)", resumed_conn)
            return True
        if frame["seq_reply"] == self._pending_ping:
            self._pending_ping = None
        return False

    async def _on_server_event(self, ws: aiohttp.ClientWebSocketResponse, event: Event) -> None:
        """An event from the server: ``hello`` starts (or resumes) the sequence, any other must
        come next in it (a gap closes the connection) and is handed on."""
        if event.name == "hello":
            await self._on_hello(event)
            return
        if event.seq != self.expected_seq:
            await ws.close(code=CLOSE_SEQ_MISMATCH)
            raise _Reconnect(
                f"sequence gap (expected {self.expected_seq}, got {event.seq})",
                CLOSE_SEQ_MISMATCH,
            )
        self.expected_seq = event.seq + 1
        await self.on_event(event)

    async def _on_hello(self, event: Event) -> None:
        """``hello``: a new connection id means the server forgot this client: resynchronise."""
        new_id = str(event.data.get("connection_id", ""))
        fresh = new_id != self.connection_id
        self.connection_id = new_id
        self.expected_seq = event.seq + 1
        if fresh:
            self.resyncs += 1
            log.info("mattermost: new websocket connection %s", new_id)
            await self.on_resync()
            self.resynced += 1
