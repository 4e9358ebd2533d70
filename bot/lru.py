"""A bounded mapping for the adapters' caches (users, channels, threads...)."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any


class Lru(OrderedDict[str, Any]):
    """A bounded mapping that forgets the least recently set keys first."""

    def __init__(self, size: int = 4096) -> None:
        super().__init__()
        self.size = size

    def put(self, key: str, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)
