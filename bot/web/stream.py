"""Live updates of a page: a stream of server-sent events per open page, ``ledger`` with the
room's ledger version now and whenever it moves (``bot.web.live.Hub`` tells when), ``gone``
when the link stops working."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any

from aiohttp import web
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.web.guard import MAX_STREAMS, RateLimit, client_address, secure
from bot.web.live import Hub
from bot.web.pages import NotFound
from bot.web.reads import Reads
from commands.page import Access, open_link
from storage.ledger import latest_change

HEARTBEAT = 20.0  # seconds between two signs of life on a live connection


class LiveStreams:
    """The open streams of live updates (``handle`` serves one), and the hub that wakes them."""

    def __init__(
        self,
        engine: Engine,
        read: Reads,
        limits: RateLimit,
        trust_forwarded: bool,
        error: Callable[[int], web.Response],
    ) -> None:
        self.engine = engine
        self._read = read
        self.limits = limits
        self.trust_forwarded = trust_forwarded
        self._error = error
        self.hub = Hub(self._version)
        self._streams: set[asyncio.Task[Any]] = set()

    async def close(self) -> None:
        """End every stream, then the hub."""
        for task in list(self._streams):
            task.cancel()
        await self.hub.close()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Server-sent events: ``ledger`` with the ledger's version now and whenever it moves,
        ``gone`` when the link stops working."""
        token = request.match_info["token"]
        address = client_address(request, self.trust_forwarded)
        opened = await self._read(self._access_and_version, token)
        if opened is None:
            raise NotFound
        if self.limits.streams.get(address, 0) >= MAX_STREAMS:
            return self._error(429)
        access, version = opened
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "X-Accel-Buffering": "no"}
        )
        secure(response, private=True)
        await response.prepare(request)
        self.limits.streams[address] = self.limits.streams.get(address, 0) + 1
        queue = self.hub.watch(access.room_id, version)
        task = asyncio.current_task()
        if task is not None:
            self._streams.add(task)
        try:
            await response.write(f"retry: 3000\nevent: ledger\ndata: {version}\n\n".encode())
            while True:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(HEARTBEAT):
                        await queue.get()
                now = await self._read(self._access_and_version, token)
                if now is None:
                    await response.write(b"event: gone\ndata: -\n\n")
                    break
                if now[1] != version:
                    version = now[1]
                    await response.write(f"event: ledger\ndata: {version}\n\n".encode())
                else:
                    await response.write(b": -\n\n")
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.hub.unwatch(access.room_id, queue)
            self.limits.streams[address] -= 1
            if self.limits.streams[address] <= 0:
                del self.limits.streams[address]
            if task is not None:
                self._streams.discard(task)
        return response

    def _access_and_version(self, token: str) -> tuple[Access, int] | None:
        with Session(self.engine) as db:
            access = open_link(db, token)
            if access is None:
                return None
            return access, latest_change(db, access.room_id)

    async def _version(self, room_id: str) -> int:
        return await self._read(self._read_version, room_id)

    def _read_version(self, room_id: str) -> int:
        with Session(self.engine) as db:
            return latest_change(db, room_id)
