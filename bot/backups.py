"""Scheduled backups: the ``[backup]`` section (``every``, ``keep``, ``dir``) and the job that
takes one when the newest backup of the folder is older than ``every``, then keeps the ``keep``
newest. A backup runs in a thread of its own: the bot goes on handling commands meanwhile, and
the copy is consistent whatever they write (``storage.backup``).

Whether a backup is due is read from the backups' names (the instant they were taken, from the
bot's clock), so that a restart neither skips one nor takes one twice.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from apscheduler.triggers.interval import IntervalTrigger
from pydantic import Field
from pydantic.dataclasses import dataclass

from bot.config import STRICT, build_section
from storage import backup as backups

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.config import Config
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

PERIODS = {
    "hourly": dt.timedelta(hours=1),
    "daily": dt.timedelta(days=1),
    "weekly": dt.timedelta(days=7),
}
CHECK_EVERY = dt.timedelta(minutes=5)  # how often the job looks whether a backup is due


@dataclass(config=STRICT)
class BackupSettings:
    """The ``[backup]`` section of the configuration."""

    every: Literal["off", "hourly", "daily", "weekly"] = "off"
    keep: Annotated[int, Field(ge=1, le=10_000)] = 14
    dir: str = ""  # empty: <data_dir>/backups

    @classmethod
    def from_config(cls, config: Config) -> BackupSettings:
        """Raises ``bot.config.ConfigError`` for a bad ``[backup]`` section."""
        return build_section(cls, "backup", config.section("backup"))

    def folder(self, data_dir: str) -> Path:
        return Path(self.dir) if self.dir else Path(data_dir) / "backups"


def due(folder: Path, every: dt.timedelta, now: dt.datetime) -> bool:
    """Whether the newest backup of ``folder`` is ``every`` old or older (or there is none)."""
    found = backups.backups_in(folder)
    if not found:
        return True
    newest = backups.taken_at(found[-1])
    return newest is None or now - newest >= every


class BackupJob:
    """Takes the scheduled backups of a running bot."""

    def __init__(self, runtime: Runtime, config: Config, settings: BackupSettings) -> None:
        self.runtime = runtime
        self.url = config.database_url
        self.settings = settings
        self.folder = settings.folder(config.bot.data_dir)
        self.taken: list[Path] = []  # what this job made (logs, tests)

    async def run(self) -> Path | None:
        """Back up if due, then rotate; returns the new backup. Never raises: a failed backup
        is logged and tried again at the next check."""
        period = PERIODS.get(self.settings.every)
        now = self.runtime.clock()
        if period is None or not due(self.folder, period, now):
            return None
        target = self.folder / backups.backup_name(now, self.url)
        try:
            made = await asyncio.to_thread(backups.backup, self.url, target)
            gone = await asyncio.to_thread(backups.rotate, self.folder, self.settings.keep)
        except Exception as err:
            log.error("scheduled backup to %s failed: %s", target, err)
            log.debug("what failed", exc_info=err)
            return None
        log.info(
            "backup %s (%s bytes)%s",
            made.path,
            made.size,
            f"; {len(gone)} older one(s) removed" if gone else "",
        )
        self.taken.append(made.path)
        return made.path


def schedule_backups(aps: AsyncIOScheduler, runtime: Runtime, config: Config) -> BackupJob | None:
    """Add the backup job to a running scheduler (nothing when ``every = "off"``)."""
    settings = BackupSettings.from_config(config)
    if settings.every == "off":
        return None
    job = BackupJob(runtime, config, settings)
    kwargs: dict[str, Any] = {
        "id": "backup",
        "coalesce": True,
        "max_instances": 1,
        "replace_existing": True,
        "next_run_time": dt.datetime.now(dt.UTC),  # a first look at start
    }
    aps.add_job(job.run, IntervalTrigger(seconds=CHECK_EVERY.total_seconds()), **kwargs)
    log.info("backups: %s into %s, the %s newest kept", settings.every, job.folder, settings.keep)
    return job
