"""``cagnotte copy``: the whole database into an empty PostgreSQL one (its options, their check,
the copy)."""

from __future__ import annotations

import argparse
from typing import Any

from sqlalchemy import make_url
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.cli.exits import EXIT_OK
from bot.config import Config, check_database_url
from storage.db import StorageError, make_engine, safe_url


def add_copy_parser(sub: Any) -> None:
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


def check_copy_arguments(args: argparse.Namespace) -> str | None:
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


def copy_into(config: Config, source: Engine, to: str) -> int:
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
