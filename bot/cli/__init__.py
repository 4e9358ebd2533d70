"""The ``cagnotte`` command: reading the options and the configuration, then the subcommand.

The package: the options (``parser``), the exit codes (``exits``), the data directory and the
database opened (``storage``), running the bot (``serve``), ``copy`` and ``demo``; the data
subcommands are ``bot.data_cli``. ``python -m bot.cli`` runs ``main``.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from sqlalchemy.engine import Engine

from bot import data_cli
from bot.app import setup_logging
from bot.cli.copy import check_copy_arguments, copy_into
from bot.cli.demo import demo_command
from bot.cli.exits import EXIT_AUTH, EXIT_CONFIG, EXIT_ERROR, EXIT_OK, EXIT_STORAGE
from bot.cli.parser import build_parser
from bot.cli.serve import run, run_console
from bot.cli.storage import open_storage, warn_open_config
from bot.clock import install_default
from bot.config import Config, ConfigError, check_database_url
from bot.platforms import load_checked
from bot.private import PRIVATE_UMASK
from bot.redact import redact
from storage import running
from storage.db import StorageError, safe_url

__all__ = ["EXIT_AUTH", "EXIT_CONFIG", "EXIT_ERROR", "EXIT_OK", "EXIT_STORAGE", "main"]

log = logging.getLogger("cagnotte")


def _configuration_failed(problems: list[str]) -> int:
    for problem in problems:
        print(f"cagnotte: configuration: {problem}", file=sys.stderr)
    return EXIT_CONFIG


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config, platforms = load_checked(args.config)
    except ConfigError as err:
        return _configuration_failed(err.problems)
    if args.command == "copy":
        problem = check_copy_arguments(args)
        if problem is not None:
            print(f"cagnotte: copy: {problem}", file=sys.stderr)
            return EXIT_CONFIG
    db = getattr(args, "db", None) or getattr(args, "source", None)
    if db:
        try:
            config.database.url = check_database_url(db)
        except ValueError as err:
            print(f"cagnotte: --db: {err.args[0].removeprefix('is ')}", file=sys.stderr)
            return EXIT_CONFIG
    try:
        install_default(args.now)
    except ValueError as err:
        print(f"cagnotte: --now: {err}", file=sys.stderr)
        return EXIT_CONFIG
    # whatever this process and the demo homeserver create is for their owner's eyes only
    umask = os.umask(PRIVATE_UMASK)
    handler = setup_logging(config.bot.log_level, secrets=config.secrets())
    try:
        warn_open_config(config)
        if args.command in data_cli.VERBS:
            return data_cli.run(args, config, lambda: open_storage(config, platforms))
        engine = open_storage(config, platforms)
        return _command(args, config, engine)
    except StorageError as err:
        log.debug("storage error", exc_info=err)
        print(f"cagnotte: storage: {redact(str(err))}", file=sys.stderr)
        return EXIT_STORAGE
    finally:
        handler.flush()
        logging.getLogger().removeHandler(handler)
        os.umask(umask)


def _command(args: argparse.Namespace, config: Config, engine: Engine) -> int:
    command = args.command or "run"
    if command == "migrate":
        engine.dispose()
        print(f"database ready: {safe_url(config.database_url)}")
        return EXIT_OK
    if command == "demo":
        engine.dispose()
        return demo_command(config, args)
    if command == "copy":
        return copy_into(config, engine, args.to)
    with running.held(engine):  # ``cagnotte restore`` does not overwrite a running bot's data
        if command == "console":
            return run_console(config, engine, args.user, args.room)
        return run(config, engine)
