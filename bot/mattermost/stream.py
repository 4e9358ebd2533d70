"""The Mattermost WebSocket event stream, with the official web client's reconnect/resume
algorithm (the REST calls are in ``bot.mattermost.rest``).

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
from urllib.parse import urlencode

import aiohttp

from bot.mattermost.rest import MattermostAuthError, MattermostError, Rest

log = logging.getLogger(__name__)

CLOSE_PING_TIMEOUT = 4000
CLOSE_SEQ_MISMATCH = 4001
JSON_STRING_FIELDS = ("post", "reaction", "channelMember", "mentions", "followers")


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
                async with asyncio.timeout(delay):
                    await self._stop.wait()

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
