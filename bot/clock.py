"""Clocks for the process: the system clock, or one that starts at a given instant.

``--now`` (or ``CAGNOTTE_NOW``) makes the bot believe it started at that instant; time then runs
on as usual, so delays and schedules keep their lengths. Tests and demos use it to run on a known
date whatever the calendar says.
"""

from __future__ import annotations

import datetime as dt
import os
import time

from storage import clock as process_clock
from storage.clock import Clock

ENV_NOW = "CAGNOTTE_NOW"


def system_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def parse_instant(text: str) -> dt.datetime:
    """``2026-11-25``, ``2026-11-25T10:00``, ``2026-11-25 10:00:00+01:00``: an aware instant (no
    offset given: UTC). Raises ``ValueError`` with a readable message."""
    raw = text.strip()
    try:
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(
            f"{raw!r} is not an ISO instant (for example 2026-11-25 or 2026-11-25T10:00)"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC)


def starting_at(start: dt.datetime) -> Clock:
    """A clock that reads ``start`` now and runs on from there."""
    origin = time.monotonic()

    def clock() -> dt.datetime:
        return start + dt.timedelta(seconds=time.monotonic() - origin)

    return clock


def default_clock(now: str | None = None) -> Clock:
    """``now`` (or ``$CAGNOTTE_NOW``) as a start instant, else the system clock."""
    text = now if now is not None else os.environ.get(ENV_NOW, "")
    if text.strip():
        return starting_at(parse_instant(text))
    return system_clock


def install_default(now: str | None = None) -> Clock:
    """Install ``default_clock(now)`` as the process clock unless one is installed already."""
    current = process_clock.installed()
    if current is not None and now is None:
        return current
    clock = default_clock(now)
    process_clock.install(clock)
    return clock
