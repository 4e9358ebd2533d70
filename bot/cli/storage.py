"""Before anything runs: the configuration file's permissions, the data directory (private to its
owner) and the database, migrated and checked writable."""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from bot.config import Config
from bot.private import OPEN_TO_OTHERS, private_dir, report_tightened, tighten_tree
from storage.db import StorageError, open_database, sqlite_file

log = logging.getLogger("cagnotte")


def warn_open_config(config: Config) -> None:
    """A configuration file that holds secrets should be readable by its owner only."""
    if config.path is None:
        return
    held = config.secrets_in_file()
    with contextlib.suppress(OSError):
        if held and config.path.stat().st_mode & OPEN_TO_OTHERS:
            log.warning(
                "%s holds %s and other users can read it: chmod 600 %s, or put them in "
                "environment variables (CAGNOTTE_<SECTION>_<KEY>)",
                config.path,
                ", ".join(held),
                config.path,
            )


def open_storage(config: Config, platforms: dict[str, Any]) -> Engine:
    """The data directory (0700, files in it tightened to their owner), then the database,
    migrated and checked writable. Raises ``StorageError``."""
    data_dir = Path(config.bot.data_dir)
    try:
        private_dir(data_dir)
    except OSError as err:
        reason = err.strerror or str(err)
        if isinstance(err, FileExistsError | NotADirectoryError):
            reason = "a file is in the way"
        raise StorageError(
            f"cannot create the data directory {data_dir} ([bot] data_dir): {reason}"
        ) from err
    if not os.access(data_dir, os.W_OK | os.X_OK):
        raise StorageError(f"cannot write in the data directory {data_dir} ([bot] data_dir)")
    targets: list[Path] = [data_dir]
    db_file = sqlite_file(config.database_url)
    if db_file is not None:
        targets += [
            db_file.with_name(db_file.name + end) for end in ("", "-wal", "-shm", "-journal")
        ]
    matrix = platforms.get("matrix")
    if matrix is not None and matrix.store_path:
        targets.append(Path(matrix.store_path))
    report_tightened(tighten_tree(targets))
    return open_database(config.database_url)
