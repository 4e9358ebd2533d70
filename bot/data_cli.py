"""The command-line verbs for people's data: ``backup``, ``restore``, ``import``, ``forget`` and
``check``. Each takes ``-c CONFIG`` and ``--db URL`` (a database without a configuration file).

Exit codes: 0 done (or a dry run shown); 1 refused: rows of a file, a restore that would
overwrite data, a person unknown, a ledger check that found problems (the message says which);
2 a bad option or a file that cannot be read; 4 the database or a folder cannot be used.
"""

from __future__ import annotations

import argparse
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.config import Config
from commands import build_registry, importing
from commands.core import Context
from commands.events import Message, Role
from storage import backup as backups
from storage.checks import Violation, check_ledger
from storage.clock import now as clock_now
from storage.db import StorageError, safe_url, transaction
from storage.forget import ForgetError, forget_person, pseudonym_number
from storage.models import Room

EXIT_OK, EXIT_REFUSED, EXIT_USAGE, EXIT_STORAGE = 0, 1, 2, 4
VERBS = ("backup", "restore", "import", "forget", "check")
CLI_ACTOR = "cli"  # who the audit names for what the command line does

CODES = """codes de sortie / exit codes:
  0  fait (ou essai affiché) / done (or dry run shown)
  1  refusé : lignes du fichier, données à écraser, personne inconnue, contrôle en échec (le
     message dit quoi) / refused: rows of the file, data to overwrite, unknown person, a failed
     check (the message says which)
  2  option invalide ou fichier illisible / bad option or unreadable file
  4  base de données ou dossier inutilisable / the database or a folder cannot be used
"""


class _DryRun(Exception):
    """Raised at the end of a dry run: the transaction rolls back what it did."""


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-c",
        "--config",
        default=argparse.SUPPRESS,
        help="fichier de configuration TOML (comme avant la commande)",
    )
    parser.add_argument("--db", help="URL de base de données (défaut : celle de la configuration)")


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The verbs of this module, beside the others."""
    fmt = argparse.RawDescriptionHelpFormatter
    p = sub.add_parser(
        "backup",
        help="copier la base de données pendant que le bot tourne (fichier 0600)",
        description="Copie cohérente de la base, bot en marche : SQLite (API de sauvegarde) "
        "ou PostgreSQL (pg_dump). Sans CHEMIN : <data_dir>/backups ([backup] dir).",
        epilog=CODES,
        formatter_class=fmt,
    )
    p.add_argument("path", nargs="?", metavar="CHEMIN", help="fichier ou dossier de la copie")
    _common(p)
    p = sub.add_parser(
        "restore",
        help="remettre une sauvegarde dans une base vide (puis migrer et contrôler)",
        description="Refuse une base qui contient des données ou qu'un bot en marche tient, "
        "sauf avec --force ; refuse une sauvegarde d'une version plus récente.",
        epilog=CODES,
        formatter_class=fmt,
    )
    p.add_argument("path", metavar="SAUVEGARDE")
    p.add_argument("--force", action="store_true", help="écraser quand même")
    _common(p)
    p = sub.add_parser(
        "import",
        help="importer un CSV (contributions ou allocations), essai sans --apply",
        description="Lit un export de ce bot, un tableur (date, personne, heures, projet, "
        "description) ou des allocations Cobudget (personne ou email, montant). Sans --apply, "
        "montre ce qui serait importé et chaque ligne refusée ; --apply importe tout en une "
        "transaction, ou rien.",
        epilog=CODES,
        formatter_class=fmt,
    )
    p.add_argument("kind", choices=importing.KINDS, metavar="contributions|allocations")
    p.add_argument("file", metavar="FICHIER.csv")
    p.add_argument("--room", required=True, help="identifiant du salon (voir cagnotte check)")
    p.add_argument(
        "--people",
        metavar="NOMS.csv",
        help="correspondances « nom ou email ; @compte », une par ligne",
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="CHAMP=Colonne",
        help="colonne du fichier pour un champ (date, person, user, hours, minutes, project, "
        "description, amount), ex. --map hours=Durée",
    )
    p.add_argument("--apply", action="store_true", help="importer pour de bon")
    _common(p)
    p = sub.add_parser(
        "forget",
        help="oublier une personne partie (pseudonyme), essai sans --apply",
        description="Remplace partout l'identité de USER par un pseudonyme (« Ancien membre "
        "7 ») et efface ses textes ; les totaux, parts et soldes ne bougent pas.",
        epilog=CODES,
        formatter_class=fmt,
    )
    p.add_argument("user", metavar="USER", help="identifiant complet (@bob:exemple.org)")
    p.add_argument("--apply", action="store_true", help="oublier pour de bon")
    _common(p)
    p = sub.add_parser(
        "check",
        help="contrôler le registre : chaque invariant, chaque ligne qui le casse",
        epilog=CODES,
        formatter_class=fmt,
    )
    _common(p)


def run(args: argparse.Namespace, config: Config, open_storage: Callable[[], Engine]) -> int:
    """Run one verb. ``open_storage`` opens (and migrates) the configured database."""
    command = args.command
    try:
        if command == "backup":
            return _backup(args, config, open_storage)
        if command == "restore":
            return _restore(args, config, open_storage)
        if command == "import":
            return _import(args, config, open_storage)
        if command == "forget":
            return _forget(args, open_storage)
        return _check(open_storage)
    except backups.BackupError as err:
        return _fail(command, str(err), EXIT_REFUSED)


def _fail(command: str, message: str, code: int) -> int:
    print(f"cagnotte {command}: {message}", file=sys.stderr)
    return code


def _report(engine: Engine) -> list[Violation]:
    with Session(engine) as db:
        return check_ledger(db)


def _print_check(found: list[Violation]) -> None:
    if not found:
        print("ledger check: every invariant holds")
        return
    print(f"ledger check: {len(found)} problem(s)")
    for violation in found:
        print(f"  {violation}")


# --------------------------------------------------------------------------- check


def _check(open_storage: Callable[[], Engine]) -> int:
    engine = open_storage()
    try:
        found = _report(engine)
        with Session(engine) as db:
            rooms = db.exec(select(Room).order_by(col(Room.id))).all()
        if rooms:
            print("rooms: " + ", ".join(f"{r.id} ({r.name})" if r.name else r.id for r in rooms))
        _print_check(found)
        return EXIT_REFUSED if found else EXIT_OK
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- backup, restore


def backup_folder(config: Config) -> Path:
    from bot.backups import BackupSettings

    settings = BackupSettings.from_config(config)
    return Path(settings.dir) if settings.dir else Path(config.bot.data_dir) / "backups"


def _backup(args: argparse.Namespace, config: Config, open_storage: Callable[[], Engine]) -> int:
    url = config.database_url
    engine = open_storage()  # the database must exist and be at this version's schema
    engine.dispose()
    name = backups.backup_name(clock_now(), url)
    if args.path is None:
        target = backup_folder(config) / name
    else:
        given = Path(args.path)
        target = given / name if given.is_dir() or args.path.endswith("/") else given
    made = backups.backup(url, target)
    print(f"backup of {safe_url(url)}: {made.path} ({made.size} bytes, schema {made.revision})")
    return EXIT_OK


def _restore(args: argparse.Namespace, config: Config, open_storage: Callable[[], Engine]) -> int:
    url = config.database_url
    path = Path(args.path)
    if not path.is_file():
        return _fail("restore", f"no backup at {path}", EXIT_USAGE)
    done = backups.restore(path, url, force=args.force)
    try:
        engine = open_storage()  # runs the migrations up to this version
    except StorageError as err:
        raise StorageError(f"{err} (after restoring {path})") from err
    try:
        found = _report(engine)
    finally:
        engine.dispose()
    replaced = " (what it held was replaced)" if done.replaced_data else ""
    print(f"restored {path} (schema {done.revision}) into {safe_url(url)}{replaced}")
    _print_check(found)
    return EXIT_REFUSED if found else EXIT_OK


# --------------------------------------------------------------------------- import


def _import(args: argparse.Namespace, config: Config, open_storage: Callable[[], Engine]) -> int:
    file = Path(args.file)
    try:
        data = file.read_bytes()
        people = (
            importing.parse_people(importing.decode(Path(args.people).read_bytes()))
            if args.people
            else {}
        )
    except OSError as err:
        return _fail("import", f"cannot read {err.filename}: {err.strerror}", EXIT_USAGE)
    try:
        mapping = importing.parse_map(args.map)
    except importing.ImportFileError as err:
        return _fail("import", str(err), EXIT_USAGE)
    engine = open_storage()
    registry = build_registry()
    settings = config.settings()
    try:
        with transaction(engine) as db:
            room = db.get(Room, args.room)
            if room is None:
                known = ", ".join(db.exec(select(Room.id).order_by(col(Room.id))).all())
                return _fail(
                    "import",
                    f"no room {args.room!r} in {safe_url(config.database_url)} "
                    f"(rooms: {known or 'none yet'}; the bot must have been in the room)",
                    EXIT_USAGE,
                )
            now = clock_now()
            event = Message(
                event_id=f"cli-import-{uuid.uuid4().hex}",
                room_id=room.id,
                sender=CLI_ACTOR,
                role=Role.ADMIN,
                platform=room.platform,
                timestamp=now,
                body="",
            )
            ctx = Context(db, event, room, settings, now, registry)
            try:
                result = importing.plan(
                    ctx, data, file_name=file.name, kind=args.kind, mapping=mapping, people=people
                )
            except importing.ImportFileError as err:
                return _fail("import", str(err), EXIT_USAGE)
            print(importing.preview(ctx, result, all_refusals=True).text)
            if not result.ok:
                return EXIT_REFUSED
            if not args.apply:
                print("(dry run: nothing written; --apply imports)")
                return EXIT_OK
            before = {str(v) for v in check_ledger(db)}
            written = importing.apply(ctx, result)
            ctx.flush_audits()
            db.flush()
            broken = [v for v in check_ledger(db) if str(v) not in before]
            if broken:
                _print_check(broken)
                raise _DryRun  # nothing is imported that breaks the ledger
            print(f"imported {len(written)} row(s) into {room.id}")
    except _DryRun:
        return _fail("import", "nothing imported: the ledger check failed", EXIT_REFUSED)
    finally:
        found = _report(engine)
        engine.dispose()
    _print_check(found)
    return EXIT_REFUSED if found else EXIT_OK


# --------------------------------------------------------------------------- forget


def _forget(args: argparse.Namespace, open_storage: Callable[[], Engine]) -> int:
    user = args.user.strip()
    if not user or pseudonym_number(user) is not None:
        return _fail("forget", f"{user!r} is not a person's id", EXIT_USAGE)
    engine = open_storage()
    broken: list[Violation] = []
    try:
        with transaction(engine) as db:
            before = {str(v) for v in check_ledger(db)}
            try:
                done = forget_person(db, user, now=clock_now(), by=CLI_ACTOR)
            except ForgetError as err:
                return _fail("forget", str(err), EXIT_REFUSED)
            db.flush()
            broken = [v for v in check_ledger(db) if str(v) not in before]
            rows = sum(done.changed.values())
            print(
                f"{user} -> {done.pseudonym} in {len(done.rooms)} room(s), {rows} row(s): "
                + ", ".join(f"{table} {n}" for table, n in sorted(done.changed.items()))
            )
            if broken:
                _print_check(broken)
                raise _DryRun  # forgetting never breaks the ledger: nothing is changed
            if not args.apply:
                print("(dry run: nothing changed; --apply forgets for good)")
                raise _DryRun
    except _DryRun:
        if broken:
            return _fail("forget", "nothing changed: the ledger check failed", EXIT_REFUSED)
    finally:
        found = _report(engine)
        engine.dispose()
    _print_check(found)
    return EXIT_REFUSED if found else EXIT_OK
