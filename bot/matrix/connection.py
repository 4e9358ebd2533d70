"""The Matrix adapter's client and state, and how it waits out an unreachable homeserver: the
matrix-nio ``AsyncClient`` (set up so that rate limits and outages reach this adapter instead of
being retried forever), the reconnection backoff of the sync loop and of logging in, the retries
of a send (rate limits, short outages) and which refused sends are permanent.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any

import aiohttp
from nio import AsyncClient, AsyncClientConfig, ErrorResponse

from bot import redact
from bot.adapters.base import DeliveryError, Host
from bot.lru import Lru
from bot.matrix import convert
from bot.matrix.backoff import Backoff
from bot.matrix.settings import MatrixSettings
from bot.private import private_dir

# the adapter's one logger, whichever of its modules writes
log = logging.getLogger("bot.adapters.matrix")

TRANSPORT_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError, OSError)
PERMANENT_SEND_ERRORS = {"M_FORBIDDEN", "M_BAD_JSON", "M_NOT_JSON", "M_TOO_LARGE", "M_NOT_FOUND"}


class MatrixFatal(Exception):
    """The bot cannot go on (credentials refused, ...)."""


class MatrixConnection:
    """The client and what the adapter keeps between events; the other parts of the adapter
    (``bot.adapters.matrix.MatrixAdapter``) build on it."""

    platform = "matrix"

    def __init__(self, settings: MatrixSettings) -> None:
        self.settings = settings
        self.user_id = settings.user_id
        if not log.isEnabledFor(logging.DEBUG):
            # nio logs every state event at INFO and dumps schemas for odd events; this adapter
            # logs what matters (joins, skipped events, reconnections) itself
            logging.getLogger("nio").setLevel(logging.ERROR)
        redact.register(settings.password, settings.access_token)
        if settings.encryption:
            private_dir(settings.store_path)  # the encryption keys: for the owner only
        self.client = AsyncClient(
            settings.homeserver,
            settings.user_id,
            device_id=settings.device_id or None,
            store_path=settings.store_path if settings.encryption else "",
            config=AsyncClientConfig(
                # surface M_LIMIT_EXCEEDED and connection errors instead of nio retrying them
                # forever; this adapter does its own waiting and backoff
                max_limit_exceeded=0,
                max_timeouts=0,
                request_timeout=max(60, settings.sync_timeout_ms / 1000 + 30),
                encryption_enabled=settings.encryption,
                store_sync_tokens=False,
            ),
        )
        self.rooms: dict[str, convert.RoomState] = {}
        self.recent = convert.Recent()
        self._profiles = Lru(4096)  # user id -> display name from their profile
        self.admins = frozenset(settings.admins)
        self.txn_prefix = ""
        self.ready = asyncio.Event()
        self.synced = asyncio.Event()  # set after each saved batch (tests and benchmarks)
        self.batches = 0
        self.rate_limited = 0  # sends that had to wait for the homeserver's rate limit
        self.last_heard: float | None = None  # loop time of the latest sync answer
        self._host: Host | None = None
        self._closing = False
        self._backoff = Backoff(cap=settings.reconnect_max_seconds)
        self._filter: dict[str, Any] = {
            "presence": {"types": []},
            "account_data": {"types": []},
            "room": {
                "timeline": {"limit": settings.timeline_limit},
                "ephemeral": {"types": []},
                "account_data": {"types": []},
            },
        }

    @property
    def host(self) -> Host:
        if self._host is None:
            raise RuntimeError("the Matrix adapter is not running")
        return self._host

    async def _retrying(self, call: Any) -> Any:
        """Call ``call()`` until the homeserver answers something other than "wait"."""
        while not self._closing:
            try:
                resp = await call()
            except TRANSPORT_ERRORS as err:
                await self._wait_reconnect(err)
                continue
            if isinstance(resp, ErrorResponse) and resp.status_code == "M_LIMIT_EXCEEDED":
                await asyncio.sleep((resp.retry_after_ms or 1000) / 1000)
                continue
            self._reconnected()
            return resp
        raise asyncio.CancelledError

    async def _wait_reconnect(self, err: BaseException | str) -> None:
        delay = self._backoff.next()
        reason = err if isinstance(err, str) else type(err).__name__
        if self._backoff.failures == 1:
            log.warning("homeserver unreachable (%s); retrying with backoff", reason)
        elif self._backoff.failures % 10 == 0:
            log.warning("homeserver still unreachable after %s tries", self._backoff.failures)
        else:
            log.debug("homeserver unreachable (%s); next try in %.1fs", reason, delay)
        await asyncio.sleep(delay)

    def _reconnected(self) -> None:
        self.last_heard = asyncio.get_running_loop().time()
        if self._backoff.failures:
            log.info("homeserver reachable again after %s failed tries", self._backoff.failures)
        self._backoff.reset()

    async def _with_retries(self, call: Any) -> Any:
        """Wait out rate limits (``retry_after_ms``) and short outages, then give up with a
        retriable ``DeliveryError`` (the runtime tries again later)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.send_retry_seconds
        backoff = Backoff(cap=self.settings.reconnect_max_seconds)
        while True:
            try:
                resp = await call()
            except TRANSPORT_ERRORS as err:
                if loop.time() > deadline:
                    raise DeliveryError(f"homeserver unreachable: {type(err).__name__}") from err
                await asyncio.sleep(backoff.next())
                continue
            if isinstance(resp, ErrorResponse) and resp.status_code == "M_LIMIT_EXCEEDED":
                wait = (resp.retry_after_ms or 1000) / 1000
                self.rate_limited += 1
                log.debug("rate limited; waiting %.1fs", wait)
                await asyncio.sleep(wait)
                continue
            return resp

    @staticmethod
    def _delivery_error(resp: Any) -> DeliveryError:
        """A refused send: permanent when retrying cannot help (a known code, or any 4xx
        answer but 429: the request itself is wrong), else retriable (5xx, outages)."""
        code = getattr(resp, "status_code", None)
        http = getattr(getattr(resp, "transport_response", None), "status", None)
        client_error = isinstance(http, int) and 400 <= http < 500 and http != 429
        return DeliveryError(
            f"{code} (HTTP {http}): {getattr(resp, 'message', resp)}",
            permanent=code in PERMANENT_SEND_ERRORS or client_error,
        )

    def health(self) -> tuple[bool, float | None]:
        """Whether syncs come back, and how many seconds ago the latest one did."""
        if self.last_heard is None:
            return False, None
        ago = asyncio.get_running_loop().time() - self.last_heard
        return ago <= self.settings.sync_timeout_ms / 1000 + 60, ago

    async def close(self) -> None:
        self._closing = True
        with contextlib.suppress(Exception):
            await self.client.close()
