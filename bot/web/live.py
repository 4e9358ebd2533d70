"""Live updates: the runtime tells which rooms' events were just committed; for each room that
someone is watching, the hub reads the room's ledger version once (the id of its latest audit
row) and, when it moved, tells every watcher of that room."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

DEBOUNCE = 0.05  # seconds: events committed together are checked once


class Hub:
    def __init__(self, version: Callable[[str], Awaitable[int]]) -> None:
        self.version = version
        self._watchers: dict[str, set[asyncio.Queue[int]]] = {}
        self._last: dict[str, int] = {}
        self._checks: dict[str, asyncio.Task[None]] = {}

    def watch(self, room_id: str, version: int) -> asyncio.Queue[int]:
        queue: asyncio.Queue[int] = asyncio.Queue(maxsize=16)
        self._watchers.setdefault(room_id, set()).add(queue)
        self._last.setdefault(room_id, version)
        return queue

    def unwatch(self, room_id: str, queue: asyncio.Queue[int]) -> None:
        watchers = self._watchers.get(room_id)
        if watchers is not None:
            watchers.discard(queue)
            if not watchers:
                del self._watchers[room_id]
                self._last.pop(room_id, None)

    @property
    def watching(self) -> int:
        return sum(len(w) for w in self._watchers.values())

    def touched(self, rooms: set[str]) -> None:
        """Called by the runtime (in the event loop) after events of ``rooms`` were committed."""
        for room_id in rooms:
            if room_id in self._watchers and room_id not in self._checks:
                self._checks[room_id] = asyncio.create_task(self._check(room_id))

    async def _check(self, room_id: str) -> None:
        try:
            await asyncio.sleep(DEBOUNCE)
            version = await self.version(room_id)
            if version != self._last.get(room_id):
                self._last[room_id] = version
                for queue in list(self._watchers.get(room_id, ())):
                    with contextlib.suppress(asyncio.QueueFull):
                        queue.put_nowait(version)
        except Exception:
            log.exception("checking the ledger of %s for its watchers failed", room_id)
        finally:
            self._checks.pop(room_id, None)

    async def close(self) -> None:
        for task in list(self._checks.values()):
            task.cancel()
        await asyncio.gather(*self._checks.values(), return_exceptions=True)
