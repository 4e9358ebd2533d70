"""Running the bot: on the configured platforms, in the console, or on the local Matrix demo
server when no platform is configured."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
from pathlib import Path

from sqlalchemy.engine import Engine

from bot.adapters.base import Adapter
from bot.adapters.console import ConsoleAdapter
from bot.app import build_runtime
from bot.cli.exits import EXIT_AUTH, EXIT_ERROR, EXIT_OK
from bot.config import Config
from bot.platforms import build_adapters, configured_platforms, run_leading
from bot.scheduler import start_scheduler
from bot.web import start_pages
from storage.db import StorageError

log = logging.getLogger("cagnotte")


def run_console(config: Config, engine: Engine, user: str | None, room: str | None) -> int:
    async def go() -> None:
        runtime = build_runtime(config, engine)
        adapter = ConsoleAdapter(
            user=user or config.console.user,
            room=room or config.console.room,
            admins=config.console.admins,
            files_dir=Path(config.bot.data_dir) / "files",
            language=config.bot.language,
        )
        adapter.attach(runtime)
        await runtime.resume_pending()
        scheduler = await start_scheduler(runtime, config)
        pages = await start_pages(runtime, config)
        try:
            await adapter.run(runtime)
        finally:
            scheduler.stop()
            if pages is not None:
                await pages.stop()
            with contextlib.suppress(Exception):
                await runtime.flush(timeout=5)
            await runtime.close()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(go())
    return EXIT_OK


def run(config: Config, engine: Engine) -> int:
    """Run on the configured platforms; with none, the local Matrix demo (or the console when
    Synapse is not installed)."""
    if not configured_platforms(config):
        return run_demo(config, engine)
    return serve(config, build_adapters(config), engine)


def serve(config: Config, adapters: list[Adapter], engine: Engine) -> int:
    from bot.adapters.matrix import MatrixFatal
    from bot.mattermost.rest import MattermostAuthError

    first = [adapters]  # the adapters checked at start; each later leadership gets new ones

    def make_adapters() -> list[Adapter]:
        return first.pop() if first else build_adapters(config)

    try:
        asyncio.run(run_leading(config, engine, make_adapters))
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass
    except MattermostAuthError as err:
        log.error(
            "Mattermost refused the bot's token (%s): check [mattermost] token "
            "(or CAGNOTTE_MATTERMOST_TOKEN) and that the bot account is enabled",
            err,
        )
        return EXIT_AUTH
    except MatrixFatal as err:
        log.error(
            "the Matrix homeserver refused the bot's credentials (%s): check [matrix] user_id "
            "and password or access_token (or CAGNOTTE_MATRIX_PASSWORD / "
            "CAGNOTTE_MATRIX_ACCESS_TOKEN)",
            err,
        )
        return EXIT_AUTH
    except StorageError:
        raise
    except Exception as err:
        log.error("stopped: %s", err)
        log.debug("what stopped the bot", exc_info=err)
        return EXIT_ERROR
    return EXIT_OK


def run_demo(config: Config, engine: Engine) -> int:
    from bot.adapters.matrix import MatrixAdapter
    from bot.matrix import demo
    from bot.matrix.synapse import synapse_python

    if synapse_python() is None:
        print(
            "Aucune plateforme configurée et Synapse n'est pas installé (./dev run l'installe) : "
            "démarrage de la console.",
            file=sys.stderr,
        )
        return run_console(config, engine, None, None)
    print("Démarrage d'un serveur Matrix local (Synapse) sur 127.0.0.1…", file=sys.stderr)
    running, settings = demo.prepare(config.bot.data_dir)
    try:
        print(demo.instructions(running), flush=True)
        return serve(config, [MatrixAdapter(settings)], engine)
    finally:
        if running.owned:
            running.stop()
            print("Synapse arrêté / stopped.", file=sys.stderr)
