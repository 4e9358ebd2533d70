"""The one clock of the process.

Nothing in ``storage/`` or ``commands/`` reads the wall clock: every "now" (a handler's
``ctx.now``, a column's default, a scheduled job) comes from the clock installed here. The entry
point installs one (``bot.clock``: the system clock, or a given start instant for tests and
demos); tests install their own. ``now()`` with no clock installed is a programming error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Clock = Callable[[], dt.datetime]

_installed: Clock | None = None


def install(clock: Clock) -> None:
    """Make ``clock`` the process clock (it returns aware UTC instants)."""
    global _installed
    _installed = clock


def installed() -> Clock | None:
    return _installed


def now() -> dt.datetime:
    """Now, as an aware UTC instant, from the installed clock."""
    if _installed is None:
        raise RuntimeError(
            "no clock installed (bot.clock.install_default() or storage.clock.install())"
        )
    value = _installed()
    if value.tzinfo is None:
        raise ValueError("the clock returned a naive instant")
    return value.astimezone(dt.UTC)


@contextmanager
def using(clock: Clock) -> Iterator[None]:
    """Install ``clock`` for a block (tests), then put the previous one back."""
    global _installed
    before = _installed
    _installed = clock
    try:
        yield
    finally:
        _installed = before
