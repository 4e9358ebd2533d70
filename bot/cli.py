"""The ``cagnotte`` command."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from pathlib import Path

from bot.adapters.base import Adapter
from bot.adapters.console import ConsoleAdapter
from bot.app import build_runtime, setup_logging
from bot.clock import install_default
from bot.config import Config, ConfigError, load_config
from bot.scheduler import SchedulerSettings, start_scheduler

log = logging.getLogger("cagnotte")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cagnotte",
        description="Bot de contributions et de cobudget pour les collectifs (Matrix, Mattermost, console).",
    )
    parser.add_argument(
        "-c", "--config", help="fichier de configuration TOML (défaut : ./config.toml s'il existe)"
    )
    parser.add_argument(
        "--now",
        metavar="INSTANT",
        help="démarrer l'horloge du bot à cet instant (ISO, UTC par défaut : 2026-11-25T10:00), "
        "pour essayer ou tester sur une date connue ; aussi $CAGNOTTE_NOW",
    )
    sub = parser.add_subparsers(dest="command")
    console = sub.add_parser(
        "console", help="discuter avec le bot dans le terminal, sans serveur de chat"
    )
    console.add_argument("--user", help="personne au départ (défaut : alice)")
    console.add_argument("--room", help="salon au départ (défaut : general)")
    console.add_argument("--db", help="URL de base de données (défaut : fichier SQLite dans data/)")
    sub.add_parser(
        "run",
        help="lancer le bot sur les plateformes configurées ([matrix], [mattermost]) ; sans "
        "aucune, un serveur Matrix local de démonstration (Synapse sur 127.0.0.1)",
    )
    sub.add_parser("migrate", help="créer ou mettre à jour le schéma de la base de données")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = load_config(args.config)
        SchedulerSettings.from_config(config)  # a bad [recap] section is said here, not later
    except ConfigError as err:
        print(f"cagnotte: configuration: {err}", file=sys.stderr)
        return 2
    try:
        install_default(args.now)
    except ValueError as err:
        print(f"cagnotte: --now: {err}", file=sys.stderr)
        return 2
    setup_logging(config.bot.log_level)
    command = args.command or "run"
    if command == "migrate":
        build_runtime(config)
        print(f"database ready: {config.database_url}")
        return 0
    if command == "console":
        if args.db:
            config.database.url = args.db
        return _run_console(config, args.user, args.room)
    return _run(config)


def _run_console(config: Config, user: str | None, room: str | None) -> int:
    async def go() -> None:
        runtime = build_runtime(config)
        adapter = ConsoleAdapter(
            user=user or config.console.user,
            room=room or config.console.room,
            admins=config.console.admins,
            files_dir=Path(config.bot.data_dir) / "files",
        )
        adapter.attach(runtime)
        await runtime.resume_pending()
        scheduler = await start_scheduler(runtime, config)
        try:
            await adapter.run(runtime)
        finally:
            scheduler.stop()
            with contextlib.suppress(Exception):
                await runtime.flush(timeout=5)
            await runtime.close()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(go())
    return 0


EXIT_AUTH = 3  # a chat server refused the bot's credentials


def _run(config: Config) -> int:
    """Run on the configured platforms; with none, the local Matrix demo (or the console when
    Synapse is not installed)."""
    from bot.platforms import build_adapters, configured_platforms

    if not configured_platforms(config):
        return _run_demo(config)
    try:
        adapters = build_adapters(config)
    except (ValueError, ConfigError) as err:
        print(f"cagnotte: configuration: {err}", file=sys.stderr)
        return 2
    return _serve(config, adapters)


def _serve(config: Config, adapters: list[Adapter]) -> int:
    from bot.mattermost.client import MattermostAuthError
    from bot.platforms import run_adapters

    try:
        asyncio.run(run_adapters(config, adapters))
    except (KeyboardInterrupt, asyncio.CancelledError):
        pass
    except MattermostAuthError as err:
        log.error(
            "Mattermost refused the bot's token (%s): check [mattermost] token "
            "(or CAGNOTTE_MATTERMOST_TOKEN) and that the bot account is enabled",
            err,
        )
        return EXIT_AUTH
    except Exception as err:
        log.error("stopped: %s", err)
        return 1
    return 0


def _run_demo(config: Config) -> int:
    from bot.adapters.matrix import MatrixAdapter
    from bot.matrix import demo
    from bot.matrix.synapse import synapse_python

    if synapse_python() is None:
        print(
            "Aucune plateforme configurée et Synapse n'est pas installé (./dev run l'installe) : "
            "démarrage de la console.",
            file=sys.stderr,
        )
        return _run_console(config, None, None)
    print("Démarrage d'un serveur Matrix local (Synapse) sur 127.0.0.1…", file=sys.stderr)
    server, settings, state = demo.prepare(config.bot.data_dir)
    try:
        print(demo.instructions(server, state), flush=True)
        return _serve(config, [MatrixAdapter(settings)])
    finally:
        server.stop()
        print("Synapse arrêté / stopped.", file=sys.stderr)


if __name__ == "__main__":
    raise SystemExit(main())
