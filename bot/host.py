"""What the runtime offers its adapters (``bot.adapters.base.Host``): database work in the
room's database thread, and a key-value table of their own."""

from __future__ import annotations

import asyncio
import zlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage import cursors
from storage.db import transaction
from storage.models import Room

T = TypeVar("T")


class DatabaseHost:
    """The runtime's database threads, and the host interface an adapter may use."""

    engine: Engine
    workers: int
    _dbs: list[ThreadPoolExecutor]

    def worker_of(self, room_id: str | None) -> int:
        """The database thread of a room (always the same one)."""
        if room_id is None or self.workers == 1:
            return 0
        return zlib.crc32(room_id.encode("utf-8", "surrogatepass")) % self.workers

    async def in_db(self, fn: Callable[..., T], *args: Any, room: str | None = None) -> T:
        """Run blocking database work in the database thread of ``room`` (none: the first)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._dbs[self.worker_of(room)], fn, *args)

    # -- the adapters' host (``bot.adapters.base.Host``): all an adapter may ask ---------------
    async def run_db(self, room_id: str | None, fn: Callable[..., T], *args: Any) -> T:
        """Run ``fn(db, *args)`` in one transaction, in the database thread of ``room_id`` (that
        room's lock taken; ``None``: no room's)."""

        def work() -> T:
            with transaction(self.engine, rooms=[room_id] if room_id else ()) as db:
                return fn(db, *args)

        return await self.in_db(work, room=room_id)

    async def cursors(self, platform: str, prefix: str = "") -> dict[str, str]:
        """The values ``platform``'s adapter keeps, by key (those whose key starts with
        ``prefix``)."""

        def read() -> dict[str, str]:
            with Session(self.engine) as db:
                return cursors.read(db, platform, prefix)

        return await self.in_db(read)

    async def set_cursor(
        self, platform: str, key: str, value: str | None, *, room_id: str | None = None
    ) -> None:
        """Keep ``value`` under ``key`` for ``platform``'s adapter (``None``: forget it)."""
        await self.run_db(room_id, cursors.write, platform, key, value)

    def language_of(self, room_id: str) -> str | None:
        """The language of ``room_id`` as the bot has it (``None``: a room it does not know)."""
        with Session(self.engine) as db:
            room = db.get(Room, room_id)
            return room.language if room is not None else None
