"""Scheduled recaps and reminders: APScheduler (AsyncIOScheduler) wakes the bot up at each room's
times, with CronTriggers in the room's time zone.

The jobs are rebuilt from the rooms' schedules in the database (``RecapSchedule``) at start-up and
whenever they change: a cheap poll of the schedule table (a few rows) notices changes made by
``!recap planifier`` / ``!rappel`` / ``!fuseau`` within ``poll_seconds``. Whether a post is due is
decided by ``commands.recap.check_due`` from the clock, not by the trigger: at start-up every
schedule is checked, so a recap missed while the bot was down is posted once when it comes back
(within ``grace_hours``), and the record of posts makes sure nothing is posted twice, even when
daylight saving makes a wall time happen twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import TYPE_CHECKING, Annotated, Any
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from pydantic import Field
from pydantic.dataclasses import dataclass
from sqlmodel import Session

from bot.config import STRICT, build_section
from commands.recap import check_due, enabled_schedules
from commands.schedules import LAST_DAY, MONTHLY, Spec

if TYPE_CHECKING:
    from bot.config import Config
    from bot.runtime import Runtime

log = logging.getLogger(__name__)

Key = tuple[str, str]  # (room id, kind)


@dataclass(config=STRICT)
class SchedulerSettings:
    """The ``[recap]`` section of the configuration."""

    # a recap missed while the bot was down is posted this late at most (up to a year)
    grace_hours: Annotated[float, Field(ge=0, le=366 * 24)] = 12.0
    # how often schedule changes are looked for (up to a day)
    poll_seconds: Annotated[float, Field(gt=0, le=24 * 3600)] = 30.0

    @classmethod
    def from_config(cls, config: Config) -> SchedulerSettings:
        """Raises ``bot.config.ConfigError`` for a bad ``[recap]`` section."""
        return build_section(cls, "recap", config.section("recap"))


def cron_trigger(spec: Spec, tz: str) -> CronTrigger:
    zone = ZoneInfo(tz)
    if spec.kind == MONTHLY:
        day: Any = "last" if spec.month_day in (None, LAST_DAY) else spec.month_day
        return CronTrigger(day=day, hour=spec.hour, minute=spec.minute, timezone=zone)
    return CronTrigger(day_of_week=spec.weekday, hour=spec.hour, minute=spec.minute, timezone=zone)


class RecapScheduler:
    def __init__(self, runtime: Runtime, settings: SchedulerSettings | None = None) -> None:
        self.runtime = runtime
        self.settings = settings or SchedulerSettings()
        self.aps = AsyncIOScheduler(timezone=dt.UTC)
        self.jobs: dict[Key, tuple[Spec, str]] = {}

    @property
    def grace(self) -> dt.timedelta:
        return dt.timedelta(hours=self.settings.grace_hours)

    async def start(self) -> None:
        """Load the schedules, post what was missed, and start the timers."""
        self.aps.start()
        await self.sync()
        await self.tick()
        self.aps.add_job(
            self.sync,
            IntervalTrigger(seconds=self.settings.poll_seconds),
            id="recap-sync",
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )
        self.aps.add_job(
            self.tick,
            IntervalTrigger(seconds=self.settings.poll_seconds),
            id="ticks",
            coalesce=True,
            max_instances=1,
            replace_existing=True,
        )

    async def tick(self) -> None:
        """Run what the families do at a time rather than on a chat event (``on_tick``)."""
        runtime = self.runtime
        now = runtime.clock()
        for hook in runtime.registry.tick_hooks:

            def work(db: Session, hook: Any = hook) -> list[Any]:
                return list(hook(db, runtime.registry, runtime.settings, now))

            try:
                # the duty takes the locks of the rooms it acts in (``storage.db.lock_rooms``)
                await runtime.run_job(work, rooms=())
            except Exception:
                log.exception("timed duty %s failed", getattr(hook, "__name__", hook))

    def stop(self) -> None:
        if self.aps.running:
            self.aps.shutdown(wait=False)

    async def sync(self) -> None:
        """Make the timers match the schedules in the database; check what changed."""
        try:
            rows = await self.runtime.in_db(self._load)
        except Exception:
            log.exception("could not read the recap schedules")
            return
        wanted = {(room, kind): (spec, tz) for room, kind, spec, tz in rows}
        for key in set(self.jobs) - set(wanted):
            self._remove(key)
        changed = [key for key, value in wanted.items() if self.jobs.get(key) != value]
        for key in changed:
            spec, tz = wanted[key]
            self.aps.add_job(
                self.check,
                cron_trigger(spec, tz),
                args=key,
                id=self._job_id(key),
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=max(1, int(self.grace.total_seconds())),
            )
            self.jobs[key] = (spec, tz)
            log.info("schedule %s in %s: %s (%s)", key[1], key[0], spec, tz)
        for key in changed:
            await self.check(*key)

    def _load(self) -> list[tuple[str, str, Spec, str]]:
        with Session(self.runtime.engine) as db:
            return enabled_schedules(db)

    def _remove(self, key: Key) -> None:
        self.jobs.pop(key, None)
        job = self.aps.get_job(self._job_id(key))
        if job is not None:
            job.remove()
        log.info("schedule %s in %s removed", key[1], key[0])

    @staticmethod
    def _job_id(key: Key) -> str:
        return f"{key[1]}:{key[0]}"

    async def check(self, room_id: str, kind: str) -> None:
        """Post the room's recap or reminder if it is due now and was not posted yet."""
        now = self.runtime.clock()
        runtime = self.runtime

        def work(db: Session) -> list[Any]:
            return check_due(db, runtime.registry, runtime.settings, room_id, kind, now, self.grace)

        try:
            await runtime.run_job(work, rooms=[room_id])
        except Exception:
            log.exception("scheduled %s for room %s failed", kind, room_id)

    async def check_all(self) -> None:
        for key in sorted(self.jobs):
            await self.check(*key)


async def start_scheduler(runtime: Runtime, config: Config) -> RecapScheduler:
    """Start the recap scheduler of a running bot (call it inside the event loop)."""
    from bot.backups import schedule_backups

    scheduler = RecapScheduler(runtime, SchedulerSettings.from_config(config))
    await scheduler.start()
    schedule_backups(scheduler.aps, runtime, config)
    return scheduler
