"""Wiring: configuration -> database -> registry -> runtime."""

from __future__ import annotations

import logging

from sqlalchemy.engine import Engine

from bot.config import Config
from bot.runtime import Runtime
from commands import build_registry
from storage.db import open_database


def setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("alembic", "apscheduler"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def build_runtime(config: Config, engine: Engine | None = None) -> Runtime:
    """The runtime on ``engine`` (or on the configured database, opened here: ``StorageError``
    when it cannot be used)."""
    engine = engine if engine is not None else open_database(config.database_url)
    return Runtime(engine, build_registry(), config.settings())
