"""Backups that restore.

A backup is a consistent copy of the database taken while the bot runs:

- SQLite: the online backup API in one step (``pages=-1``: a step-by-step copy starts again at
  every write and may never end during a burst of commands), from a connection of its own, into
  a file that gets its final name only once it is complete and checked
  (``PRAGMA integrity_check``); it is left in rollback-journal mode, so that it opens anywhere,
  read-only included;
- PostgreSQL: ``pg_dump`` in its custom format, from Debian's binaries (or ``PATH``), the
  password passed in the environment, never on the command line.

Backups are secret files: created 0600 in folders created 0700, whatever the umask.

Restoring checks the backup (a SQLite file whole and readable, or a dump ``pg_restore`` can
list), its schema version (a version this program knows: a backup made by a newer version is
refused), and refuses to overwrite a database that holds data or that a running bot holds
(``storage.running``), unless forced. The caller then opens the database, which runs the
migrations up to this version's schema.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import glob
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, make_url, text
from sqlalchemy.engine import URL

from storage.db import alembic_config, make_engine, safe_url, sqlite_file
from storage.running import in_use

NAME = re.compile(r"cagnotte-(\d{8}-\d{6})\.(db|dump)")
SQLITE_MAGIC = b"SQLite format 3\x00"
DUMP_MAGIC = b"PGDMP"


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says why, with no password."""


# --------------------------------------------------------------------------- names and places


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def backup_name(at: dt.datetime, url: str) -> str:
    """``cagnotte-20261126-110000.db`` (SQLite) or ``.dump`` (PostgreSQL), in UTC."""
    suffix = "db" if is_sqlite(url) else "dump"
    return f"cagnotte-{at.astimezone(dt.UTC):%Y%m%d-%H%M%S}.{suffix}"


def taken_at(path: Path) -> dt.datetime | None:
    """When a backup named by ``backup_name`` was taken (``None`` for any other file)."""
    found = NAME.fullmatch(path.name)
    if found is None:
        return None
    return dt.datetime.strptime(found.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=dt.UTC)


def backups_in(folder: Path) -> list[Path]:
    """The backups of ``folder`` (by their names), oldest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.is_file() and taken_at(p) is not None]
    return sorted(found, key=lambda p: (taken_at(p), p.name))


def rotate(folder: Path, keep: int) -> list[Path]:
    """Delete the oldest backups of ``folder`` beyond the ``keep`` newest; returns them."""
    old = backups_in(folder)[:-keep] if keep > 0 else []
    for path in old:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return old


def _private_dir(folder: Path) -> None:
    before = os.umask(0o077)
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    finally:
        os.umask(before)


def _private_new_file(path: Path) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


# --------------------------------------------------------------------------- the binaries


def postgres_tool(name: str) -> Path:
    """``pg_dump``, ``pg_restore``: the newest of Debian's server binaries, else ``PATH``."""
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True, key=_version):
        candidate = Path(folder, name)
        if candidate.exists():
            return candidate
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return Path(found)


def _version(folder: str) -> tuple[int, ...]:
    digits = re.findall(r"\d+", Path(folder).parent.name)
    return tuple(int(d) for d in digits)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """A libpq connection string for ``url`` without its password, and the environment that
    carries the password (``PGPASSWORD``)."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        command, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL, check=False
    )
    if result.returncode != 0:
        lines = [line.strip() for line in result.stderr.splitlines() if line.strip()]
        raise BackupError(f"{Path(command[0]).name} failed: {' '.join(lines[-3:]) or 'no reason'}")
    return result.stdout


# --------------------------------------------------------------------------- backup


@dataclass(frozen=True)
class Backup:
    path: Path
    revision: str
    size: int


def backup(url: str, target: Path) -> Backup:
    """Copy the database of ``url`` to ``target`` (a new file, 0600, in a 0700 folder).
    Raises ``BackupError``."""
    if target.exists():
        raise BackupError(f"{target} exists already: a backup never overwrites a file")
    _private_dir(target.parent)
    partial = target.with_name(f".{target.name}.partial")
    with contextlib.suppress(FileNotFoundError):
        partial.unlink()
    _private_new_file(partial)
    try:
        if is_sqlite(url):
            _sqlite_backup(url, partial)
        else:
            program = postgres_tool("pg_dump")
            conninfo, env = _libpq(url)
            _run(
                [
                    str(program),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={partial}",
                    f"--dbname={conninfo}",
                ],
                env,
            )
        revision = backup_revision(partial)
        if revision is None:
            raise BackupError(f"{safe_url(url)} holds no cagnotte schema: nothing to back up")
        os.replace(partial, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            partial.unlink()
    return Backup(target, revision, target.stat().st_size)


def _sqlite_backup(url: str, partial: Path) -> None:
    source = sqlite_file(url)
    if source is None or not source.exists():
        raise BackupError(f"no database file at {safe_url(url)}")
    src = sqlite3.connect(source, timeout=60)
    dst = sqlite3.connect(partial)
    try:
        src.execute("PRAGMA busy_timeout=60000")
        src.backup(dst, pages=-1)  # in one step: a consistent copy even during a burst
        dst.execute("PRAGMA journal_mode=DELETE")
        _check_sqlite(dst, partial)
    except sqlite3.Error as err:
        raise BackupError(f"the copy of {source} failed: {err}") from err
    finally:
        dst.close()
        src.close()


def _check_sqlite(conn: sqlite3.Connection, path: Path) -> None:
    verdict = conn.execute("PRAGMA integrity_check").fetchone()
    if not verdict or verdict[0] != "ok":
        raise BackupError(f"{path} is damaged: {verdict[0] if verdict else 'no answer'}")


# --------------------------------------------------------------------------- reading a backup


def backup_kind(path: Path) -> str:
    """``sqlite`` or ``postgresql`` from the file's first bytes; ``BackupError`` otherwise."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as err:
        raise BackupError(f"cannot read {path}: {err.strerror}") from err
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not a backup of cagnotte (neither SQLite nor a pg_dump file)")


def backup_revision(path: Path) -> str | None:
    """The schema version a backup was made at (``None``: no cagnotte schema in it)."""
    if backup_kind(path) == "sqlite":
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
            try:
                _check_sqlite(conn, path)
                row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            finally:
                conn.close()
        except sqlite3.Error as err:
            if "no such table" in str(err):
                return None
            raise BackupError(f"{path} cannot be read: {err}") from err
        return str(row[0]) if row else None
    listing = _run(
        [
            str(postgres_tool("pg_restore")),
            "--data-only",
            "--table=alembic_version",
            "--file=-",
            str(path),
        ]
    )
    lines = listing.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("COPY ") and "alembic_version" in line and i + 1 < len(lines):
            value = lines[i + 1].strip()
            return value if value and value != "\\." else None
    return None


def known_revisions() -> set[str]:
    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    return {rev.revision for rev in script.walk_revisions()}


# --------------------------------------------------------------------------- restore


def holds_data(url: str) -> tuple[bool, bool]:
    """(whether the database has tables, whether any of them holds a row; the schema version
    table aside)."""
    if is_sqlite(url):
        path = sqlite_file(url)
        if path is None or not path.exists() or path.stat().st_size == 0:
            return False, False
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
            for table in tables:
                if conn.execute(text(f'SELECT 1 FROM "{table}" LIMIT 1')).first() is not None:
                    return True, True
            return bool(tables), False
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Restored:
    revision: str
    replaced_data: bool


def restore(path: Path, url: str, *, force: bool = False) -> Restored:
    """Put the backup at ``path`` into the database of ``url``. Raises ``BackupError`` when the
    backup is not one, was made by a newer version, or when the database holds data or a
    running bot holds it (unless ``force``)."""
    if not path.is_file():
        raise BackupError(f"no backup at {path}")
    kind = backup_kind(path)
    target = "sqlite" if is_sqlite(url) else "postgresql"
    if kind != target:
        raise BackupError(
            f"{path} is a {kind} backup and {safe_url(url)} a {target} database: a backup "
            "goes back into the same kind of database"
        )
    revision = backup_revision(path)
    if revision is None:
        raise BackupError(f"{path} holds no cagnotte schema")
    if revision not in known_revisions():
        raise BackupError(
            f"{path} was made by a newer version of cagnotte (schema {revision}, unknown here): "
            "restore it with that version or a later one"
        )
    if in_use(url) and not force:
        raise BackupError(
            f"a running bot holds {safe_url(url)}: stop it first (or --force, at your own risk)"
        )
    tables, data = holds_data(url)
    if data and not force:
        raise BackupError(
            f"{safe_url(url)} holds data: restore into an empty database, or --force to "
            "replace what it holds"
        )
    if kind == "sqlite":
        _sqlite_restore(path, url)
    else:
        program = postgres_tool("pg_restore")
        conninfo, env = _libpq(url)
        command = [
            str(program),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={conninfo}",
        ]
        if tables:
            command += ["--clean", "--if-exists"]
        _run([*command, str(path)], env)
    return Restored(revision, data)


def _sqlite_restore(path: Path, url: str) -> None:
    target = sqlite_file(url)
    if target is None:
        raise BackupError(f"{safe_url(url)} is not a database file")
    if target.resolve() == path.resolve():
        raise BackupError(f"{path} is the database itself")
    _private_dir(target.parent)
    with contextlib.suppress(FileExistsError):
        _private_new_file(target)
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    dst = sqlite3.connect(target, timeout=60)
    try:
        src.backup(dst, pages=-1)
    except sqlite3.Error as err:
        raise BackupError(f"the restore into {target} failed: {err}") from err
    finally:
        dst.close()
        src.close()
