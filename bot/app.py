"""Wiring: configuration -> database -> registry -> runtime; and the one place logging is set up."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable
from typing import TextIO

from sqlalchemy.engine import Engine

from bot.config import Config
from bot.redact import REDACTOR, register
from bot.runtime import Runtime
from commands import build_registry
from storage.db import open_database

HANDLER_NAME = "cagnotte"
# libraries that say too much for the bot's own DEBUG: SQLAlchemy would log every statement with
# its parameters and every row it reads (the Matrix access token among them)
QUIET = ("alembic", "apscheduler", "sqlalchemy", "aiosqlite")

# How long a Python thread may keep the interpreter before another one that waits gets it
# (CPython's default: 5 ms). The bot serves every room from a few threads: while the reader
# thread words a recap of 100,000 contributions, another room's command, which gives the
# interpreter back at each of its SQL statements and must wait to take it again, waited up to a
# whole slice each time: +37 ms at p95 in bench/cross_room.py, +5 ms with 1 ms slices.
SWITCH_INTERVAL = 0.001


def tune_interpreter() -> None:
    """What the bot's process sets for itself (``build_runtime``; the benchmarks call it too)."""
    sys.setswitchinterval(SWITCH_INTERVAL)


def setup_logging(
    level: str, *, secrets: Iterable[str | None] = (), stream: TextIO | None = None
) -> logging.Handler:
    """Log to ``stream`` (stderr) at ``level``, every record going through the redacting filter
    (``bot.redact``), which also learns ``secrets``. Calling it again replaces the handler."""
    register(*secrets)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    # ours, any other one already there, and the one logging falls back on when none is left
    for existing in [*root.handlers, logging.lastResort]:
        if existing is not None and REDACTOR not in existing.filters:
            existing.addFilter(REDACTOR)
    for noisy in QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return handler


def build_runtime(config: Config, engine: Engine | None = None) -> Runtime:
    """The runtime on ``engine`` (or on the configured database, opened here: ``StorageError``
    when it cannot be used)."""
    tune_interpreter()
    engine = engine if engine is not None else open_database(config.database_url)
    return Runtime(engine, build_registry(), config.settings(), workers=config.database.workers)
