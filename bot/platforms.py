"""Which chat platforms to start: one function, so that each adapter is added beside the others."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine

from bot.adapters.base import Adapter
from bot.app import build_runtime
from bot.config import Config, ConfigError, read_config
from bot.leader import Leadership
from bot.scheduler import SchedulerSettings, start_scheduler
from bot.web import start_pages
from storage.db import set_fence

log = logging.getLogger(__name__)

PLATFORMS = ("matrix", "mattermost")


def configured_platforms(config: Config) -> list[str]:
    """The platform sections present in the configuration (or its environment overrides)."""
    return [name for name in PLATFORMS if config.section(name)]


def platform_settings(config: Config) -> dict[str, Any]:
    """The checked settings of each configured platform. Raises ``ConfigError`` naming every bad
    setting of every section."""
    from bot.matrix.settings import MatrixSettings
    from bot.mattermost.settings import MattermostSettings

    out: dict[str, Any] = {}
    problems: list[str] = []
    for name in configured_platforms(config):
        try:
            if name == "matrix":
                out[name] = MatrixSettings.from_section(config.section(name), config.bot.data_dir)
            else:
                out[name] = MattermostSettings.from_section(config.section(name))
        except ConfigError as err:
            problems.extend(err.problems)
    if problems:
        raise ConfigError(*problems)
    return out


def check_configuration(config: Config) -> dict[str, Any]:
    """Check the sections ``load_config`` leaves to their owners (``[recap]``, ``[backup]`` and
    the platforms); returns the platforms' settings. Raises ``ConfigError`` with every problem
    found."""
    from bot.backups import BackupSettings

    problems: list[str] = []
    for section in (SchedulerSettings, BackupSettings):
        try:
            section.from_config(config)
        except ConfigError as err:
            problems.extend(err.problems)
    try:
        settings = platform_settings(config)
    except ConfigError as err:
        problems.extend(err.problems)
    if problems:
        raise ConfigError(*problems)
    return settings


def load_checked(
    path: str | os.PathLike[str] | None = None,
) -> tuple[Config, dict[str, Any]]:
    """The configuration and the platforms' settings, every section checked: raises
    ``ConfigError`` with every problem of every section."""
    config, problems = read_config(path)
    try:
        platforms = check_configuration(config)
    except ConfigError as err:
        problems.extend(err.problems)
    if problems:
        raise ConfigError(*problems)
    return config, platforms


def build_adapters(config: Config) -> list[Adapter]:
    """One adapter per configured platform. Raises ``ConfigError`` for a bad section."""
    adapters: list[Adapter] = []
    settings = platform_settings(config)
    if "matrix" in settings:
        from bot.adapters.matrix import MatrixAdapter

        adapters.append(MatrixAdapter(settings["matrix"]))
    if "mattermost" in settings:
        from bot.adapters.mattermost import MattermostAdapter

        adapters.append(MattermostAdapter(settings["mattermost"]))
    return adapters


async def run_leading(
    config: Config, engine: Engine, make_adapters: Callable[[], list[Adapter]]
) -> None:
    """``run_adapters`` while this process leads (``bot.leader``): first wait as a standby until
    no other process does; when the leadership is lost, stop acting at once and wait again.
    Returns when the adapters stop by themselves; Ctrl-C or SIGTERM stop it at any time."""
    main = asyncio.current_task()
    if main is not None:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, main.cancel)
    leadership = Leadership(engine)
    try:
        while True:
            await leadership.acquire()
            set_fence(leadership.fence)
            work = asyncio.create_task(
                run_adapters(config, make_adapters(), engine, leading=leadership),
                name="cagnotte-leader",
            )
            watch = asyncio.create_task(leadership.watch(), name="cagnotte-leadership")
            try:
                done, _ = await asyncio.wait({work, watch}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                if not work.done():
                    work.cancel()
                if not watch.done():
                    watch.cancel()
                await asyncio.gather(work, watch, return_exceptions=True)
            if work in done:
                work.result()  # the adapters stopped: say why
                return
            log.warning("this process no longer leads: it stopped acting, and waits again")
    finally:
        set_fence(None)
        await leadership.release()


async def run_adapters(
    config: Config,
    adapters: list[Adapter],
    engine: Engine | None = None,
    *,
    leading: Leadership | None = None,
) -> None:
    """Run the adapters with one runtime (on ``engine``, else on the configured database) until
    one of them stops, Ctrl-C or SIGTERM (or, when ``leading``, the leadership is lost)."""
    runtime = build_runtime(config, engine)
    for adapter in adapters:
        runtime.add_adapter(adapter)
    main = asyncio.current_task()
    loop = asyncio.get_running_loop()
    if main is not None and leading is None:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal.SIGTERM, main.cancel)
    tasks = [asyncio.create_task(a.run(runtime), name=f"adapter:{a.platform}") for a in adapters]
    scheduler = await start_scheduler(runtime, config)
    pages = await start_pages(runtime, config)
    try:
        await runtime.resume_pending()
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()  # an adapter that stopped by itself: say why
    finally:
        scheduler.stop()
        if pages is not None:
            await pages.stop()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if leading is None or leading.held:  # a process that lost the lead sends nothing more
            with contextlib.suppress(Exception):
                async with asyncio.timeout(6):
                    await runtime.flush(timeout=5)
        await runtime.close()
