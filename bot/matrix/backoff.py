"""Capped exponential backoff with jitter, for reconnecting to a homeserver that went away."""

from __future__ import annotations

import random
from collections.abc import Callable


class Backoff:
    """``next()`` gives the next delay: ``base * factor**n`` capped at ``cap``, then randomised
    to between half and all of it (so that many clients do not retry in step)."""

    def __init__(
        self,
        base: float = 0.5,
        cap: float = 30.0,
        factor: float = 2.0,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.base = base
        self.cap = cap
        self.factor = factor
        self.rand = rand
        self.failures = 0

    def next(self) -> float:
        ceiling = min(self.cap, self.base * self.factor**self.failures)
        self.failures += 1
        return ceiling / 2 + self.rand() * ceiling / 2

    def reset(self) -> None:
        self.failures = 0
