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
    engine = engine if engine is not None else open_database(config.database_url)
    return Runtime(engine, build_registry(), config.settings(), workers=config.database.workers)
