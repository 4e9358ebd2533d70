"""The ``cagnotte`` command."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import re
import signal
import sys
import time
from pathlib import Path
from typing import Any

from sqlalchemy import make_url
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot import data_cli
from bot.adapters.base import Adapter
from bot.adapters.console import ConsoleAdapter
from bot.app import build_runtime, setup_logging
from bot.clock import install_default
from bot.config import Config, ConfigError, check_database_url
from bot.platforms import build_adapters, configured_platforms, load_checked, run_leading
from bot.private import (
    OPEN_TO_OTHERS,
    PRIVATE_UMASK,
    private_dir,
    report_tightened,
    tighten_tree,
)
from bot.redact import redact
from bot.scheduler import start_scheduler
from bot.web import start_pages
from storage import running
from storage.db import StorageError, make_engine, open_database, safe_url, sqlite_file

log = logging.getLogger("cagnotte")

EXIT_OK = 0
EXIT_ERROR = 1  # stopped by an error (the log says which)
EXIT_CONFIG = 2  # a bad setting (the message names it), or a bad option
EXIT_AUTH = 3  # a chat server refused the bot's credentials
EXIT_STORAGE = 4  # the database or the data directory cannot be used

EPILOG = """codes de sortie / exit codes:
  0  arrêt normal / stopped normally
  1  arrêté par une erreur (voir le journal) / stopped by an error (see the log)
  2  configuration invalide : le message nomme le réglage / bad configuration: the message
     names the setting, the value and what is expected
  3  un serveur de chat a refusé les identifiants du bot / a chat server refused the bot's
     credentials (token, password)
  4  base de données ou dossier de données inutilisable / the database or the data directory
     cannot be created, opened or written (copy: the target is not an empty PostgreSQL
     database, or the copy failed; nothing is kept of it)
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cagnotte",
        description="Bot de contributions et de cobudget pour les collectifs (Matrix, Mattermost, console).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
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
    demo = sub.add_parser(
        "demo", help="le serveur Matrix local de démonstration (celui de « run » sans plateforme)"
    )
    demo_sub = demo.add_subparsers(dest="demo_command", required=True)
    add_user = demo_sub.add_parser(
        "add-user",
        help="ajouter une personne au serveur de démonstration et au salon de démo (ex. bob)",
    )
    add_user.add_argument("name", type=_user_name, help="son nom (lettres, chiffres, . _ -)")
    demo_sub.add_parser(
        "server",
        help="faire tourner le serveur de démonstration seul, jusqu'à Ctrl-C : un bot lancé "
        "pendant ce temps s'en sert et le laisse tourner quand il s'arrête",
    )
    data_cli.add_parsers(sub)
    _add_copy_parser(sub)
    return parser


def _user_name(value: str) -> str:
    name = value.strip().lstrip("@").split(":", 1)[0].lower()
    if not re.fullmatch(r"[a-z0-9._=-]{1,64}", name):
        raise argparse.ArgumentTypeError(f"{value!r} : lettres, chiffres, . _ = - seulement")
    return name


def _add_copy_parser(sub: Any) -> None:
    copy = sub.add_parser(
        "copy",
        help="copier toute la base (SQLite) dans une base PostgreSQL vide, pour passer à "
        "PostgreSQL (arrêter le bot avant)",
    )
    copy.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="la base PostgreSQL vide qui reçoit la copie (postgresql://user:password@host/base)",
    )
    copy.add_argument(
        "--from",
        dest="source",
        metavar="URL",
        help="la base à copier (défaut : celle de la configuration)",
    )


def _configuration_failed(problems: list[str]) -> int:
    for problem in problems:
        print(f"cagnotte: configuration: {problem}", file=sys.stderr)
    return EXIT_CONFIG


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config, platforms = load_checked(args.config)
    except ConfigError as err:
        return _configuration_failed(err.problems)
    if args.command == "copy":
        problem = _check_copy_arguments(args)
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
        _warn_open_config(config)
        if args.command in data_cli.VERBS:
            return data_cli.run(args, config, lambda: _open_storage(config, platforms))
        engine = _open_storage(config, platforms)
        return _command(args, config, engine)
    except StorageError as err:
        log.debug("storage error", exc_info=err)
        print(f"cagnotte: storage: {redact(str(err))}", file=sys.stderr)
        return EXIT_STORAGE
    finally:
        handler.flush()
        logging.getLogger().removeHandler(handler)
        os.umask(umask)


def _warn_open_config(config: Config) -> None:
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


def _open_storage(config: Config, platforms: dict[str, Any]) -> Engine:
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


def _command(args: argparse.Namespace, config: Config, engine: Engine) -> int:
    command = args.command or "run"
    if command == "migrate":
        engine.dispose()
        print(f"database ready: {safe_url(config.database_url)}")
        return EXIT_OK
    if command == "demo":
        engine.dispose()
        return _demo_command(config, args)
    if command == "copy":
        return _copy(config, engine, args.to)
    with running.held(engine):  # ``cagnotte restore`` does not overwrite a running bot's data
        if command == "console":
            return _run_console(config, engine, args.user, args.room)
        return _run(config, engine)


def _check_copy_arguments(args: argparse.Namespace) -> str | None:
    """What is wrong with ``copy``'s arguments (``None``: nothing)."""
    for option, value in (("--to", args.to), ("--from", args.source)):
        if value is None:
            continue
        try:
            check_database_url(value)
        except ValueError as err:
            return f"{option}: {err.args[0].removeprefix('is ')}"
    if make_url(args.to).get_backend_name() != "postgresql":
        return (
            "--to: the copy goes into a PostgreSQL database "
            "(for example postgresql://user:password@127.0.0.1:5432/cagnotte)"
        )
    if args.source and make_url(args.source) == make_url(args.to):
        return "--to: the target is the database to copy"
    return None


def _copy(config: Config, source: Engine, to: str) -> int:
    """Copy the database into an empty PostgreSQL one (``storage.copy``)."""
    from storage.copy import copy_database

    target = make_engine(check_database_url(to))
    print(f"copying {safe_url(str(source.url))} into {safe_url(to)}")
    try:
        copied = copy_database(
            source, target, progress=lambda c: print(f"  {c.table}: {c.rows} rows", flush=True)
        )
    except (SQLAlchemyError, OSError, ImportError) as err:
        raise StorageError(f"cannot copy into {safe_url(to)}: {err}") from err
    finally:
        target.dispose()
        source.dispose()
    total = sum(c.rows for c in copied)
    print(
        f"copied {total} rows in {len(copied)} tables. To use it: [database] url = "
        f'"{safe_url(to)}" (or CAGNOTTE_DATABASE_URL), then cagnotte run'
    )
    return EXIT_OK


def _run_console(config: Config, engine: Engine, user: str | None, room: str | None) -> int:
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


def _run(config: Config, engine: Engine) -> int:
    """Run on the configured platforms; with none, the local Matrix demo (or the console when
    Synapse is not installed)."""
    if not configured_platforms(config):
        return _run_demo(config, engine)
    return _serve(config, build_adapters(config), engine)


def _serve(config: Config, adapters: list[Adapter], engine: Engine) -> int:
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


def _run_demo(config: Config, engine: Engine) -> int:
    from bot.adapters.matrix import MatrixAdapter
    from bot.matrix import demo
    from bot.matrix.synapse import synapse_python

    if synapse_python() is None:
        print(
            "Aucune plateforme configurée et Synapse n'est pas installé (./dev run l'installe) : "
            "démarrage de la console.",
            file=sys.stderr,
        )
        return _run_console(config, engine, None, None)
    print("Démarrage d'un serveur Matrix local (Synapse) sur 127.0.0.1…", file=sys.stderr)
    running, settings = demo.prepare(config.bot.data_dir)
    try:
        print(demo.instructions(running), flush=True)
        return _serve(config, [MatrixAdapter(settings)], engine)
    finally:
        if running.owned:
            running.stop()
            print("Synapse arrêté / stopped.", file=sys.stderr)


def _interrupted(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _demo_command(config: Config, args: argparse.Namespace) -> int:
    """``cagnotte demo add-user NAME`` and ``cagnotte demo server``."""
    from bot.matrix import demo
    from bot.matrix.synapse import synapse_python

    if synapse_python() is None:
        print("cagnotte: Synapse n'est pas installé (./dev run l'installe)", file=sys.stderr)
        return EXIT_ERROR
    if args.demo_command == "server":
        running, _settings = demo.prepare(config.bot.data_dir)
        if not running.owned:
            print(f"Le serveur de démonstration tourne déjà : {running.server.base_url}")
            return EXIT_OK
        print(demo.instructions(running), flush=True)
        print(
            "Serveur seul : lancez le bot dans un autre terminal (./dev run) ; Ctrl-C arrête le "
            "serveur. / The server alone: start the bot in another terminal; Ctrl-C stops it.",
            flush=True,
        )
        signal.signal(signal.SIGTERM, _interrupted)
        proc = running.server.proc
        try:
            while proc is not None and proc.poll() is None:
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            running.stop()
            print("Synapse arrêté / stopped.", file=sys.stderr)
        return EXIT_OK
    running = demo.open_demo(config.bot.data_dir)
    try:
        user_id, password = demo.add_user(running, args.name)
    except (ValueError, RuntimeError) as err:
        print(f"cagnotte: demo add-user: {err}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        running.stop()
    print(
        f"{user_id} : mot de passe / password {password}\n"
        f"Dans le salon « {demo.ROOM_NAME} » / in the demo room. Connectez-vous avec un autre "
        "client (ou une fenêtre privée) / log in from another client (or a private window): "
        f"{running.server.base_url}"
    )
    return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
