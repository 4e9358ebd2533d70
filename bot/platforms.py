"""Which chat platforms to start: one function, so that each adapter is added beside the others."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from bot.adapters.base import Adapter
from bot.app import build_runtime
from bot.config import Config
from bot.scheduler import start_scheduler

log = logging.getLogger(__name__)

PLATFORMS = ("matrix", "mattermost")


def configured_platforms(config: Config) -> list[str]:
    """The platform sections present in the configuration (or its environment overrides)."""
    return [name for name in PLATFORMS if config.section(name)]


def build_adapters(config: Config) -> list[Adapter]:
    """One adapter per configured platform. Raises ``ValueError`` for a bad section."""
    adapters: list[Adapter] = []
    if config.section("matrix"):
        from bot.adapters.matrix import MatrixAdapter
        from bot.matrix.settings import MatrixSettings

        settings = MatrixSettings.from_section(config.section("matrix"), config.bot.data_dir)
        adapters.append(MatrixAdapter(settings))
    if config.section("mattermost"):
        from bot.adapters.mattermost import MattermostAdapter, MattermostSettings

        adapters.append(
            MattermostAdapter(MattermostSettings.from_section(config.section("mattermost")))
        )
    return adapters


async def run_adapters(config: Config, adapters: list[Adapter]) -> None:
    """Run the adapters with one runtime until one of them stops, Ctrl-C or SIGTERM."""
    runtime = build_runtime(config)
    for adapter in adapters:
        runtime.add_adapter(adapter)
    main = asyncio.current_task()
    loop = asyncio.get_running_loop()
    if main is not None:
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal.SIGTERM, main.cancel)
    tasks = [asyncio.create_task(a.run(runtime), name=f"adapter:{a.platform}") for a in adapters]
    scheduler = await start_scheduler(runtime, config)
    try:
        await runtime.resume_pending()
        done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            task.result()  # an adapter that stopped by itself: say why
    finally:
        scheduler.stop()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        with contextlib.suppress(Exception):
            await asyncio.wait_for(runtime.flush(timeout=5), 6)
        await runtime.close()
