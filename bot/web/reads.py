"""The reading threads of the page server: what a request reads from the database runs in a pool
of its own (plain reads, never in the way of the bot's writes, never blocking the event loop)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class Reads:
    """The pool of reading threads; calling it runs a function in one."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="cagnotte-page")

    async def __call__(self, fn: Callable[..., T], *args: Any) -> T:
        """``fn(*args)`` in a reading thread."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, fn, *args)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
