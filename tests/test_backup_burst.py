"""A backup taken in the middle of a burst of 200 commands restores into a fresh database with
every command handled before the backup, its sums intact, and the ledger sound; on SQLite and on
PostgreSQL. Also: scheduled backups, kept to the newest ``keep``."""

from __future__ import annotations

import asyncio
import datetime as dt
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.adapters.console import ConsoleAdapter
from bot.backups import BackupJob, BackupSettings, due
from bot.config import Config, read_config
from bot.runtime import Runtime
from commands import build_registry
from commands.core import Settings
from commands.events import Message, Role
from storage import backup as backups
from storage.db import open_database, sqlite_url
from storage.models import ChatEvent, Contribution
from tests.conftest import Clock, assert_ledger_sound

ROOM = "!burst:x"
PEOPLE = ("@ana:x", "@ben:x", "@cleo:x", "@dan:x")


def command(n: int) -> Message:
    sender = PEOPLE[n % len(PEOPLE)]
    return Message(
        platform="console",
        event_id=f"$burst-{n}-{uuid.uuid4().hex[:8]}",
        room_id=ROOM,
        sender=sender,
        sender_name=sender[1:3].title(),
        role=Role.ADMIN if n == 0 else Role.MEMBER,
        body=f"!contrib {1 + n % 7}min 20/11 KPA tâche {n}",
    )


def minutes_of(event: Message) -> int:
    return int(event.body.split()[1].removesuffix("min"))


async def burst_with_a_backup(engine: Engine, url: str, target: Path) -> tuple[set[str], dict]:
    """Send 200 commands, ten at a time, and take a backup after the hundredth is handled,
    while the rest go on. Returns the events handled before the backup started, and every
    event's minutes."""
    clock = Clock()
    runtime = Runtime(engine, build_registry(), Settings(), clock=clock)
    ConsoleAdapter(out=lambda _line: None).attach(runtime)
    try:
        await runtime.handle(
            Message(
                platform="console",
                event_id="$project",
                room_id=ROOM,
                sender=PEOPLE[0],
                role=Role.ADMIN,
                body='!projet ajouter KPA "KPA"',
            )
        )
        events = [command(n) for n in range(200)]
        done: set[str] = set()
        copy: asyncio.Task[backups.Backup] | None = None
        before: set[str] = set()

        async def send(event: Message) -> None:
            await runtime.handle(event)
            done.add(event.event_id)

        for wave in range(20):
            if wave == 10:
                before = set(done)
                copy = asyncio.create_task(asyncio.to_thread(backups.backup, url, target))
            await asyncio.gather(*(send(e) for e in events[wave * 10 : wave * 10 + 10]))
        assert copy is not None
        await copy
        await runtime.flush()
    finally:
        await runtime.close()
    assert len(before) == 100
    return before, {e.event_id: minutes_of(e) for e in events}


def assert_restored(restored: Engine, before: set[str], minutes: dict[str, int]) -> None:
    with Session(restored) as db:
        handled = set(db.exec(select(ChatEvent.event_id)).all()) & set(minutes)
        assert before <= handled, len(before - handled)
        rows = db.exec(select(Contribution.event_id, Contribution.minutes)).all()
        assert {e for e, _ in rows} == handled
        assert all(minutes[e] == m for e, m in rows)
        total = db.exec(select(func.sum(Contribution.minutes))).one()
        assert total == sum(minutes[e] for e in handled)
        numbers = sorted(db.exec(select(Contribution.number)).all())
        assert numbers == list(range(1, len(numbers) + 1))
    assert_ledger_sound(restored)


async def test_a_backup_in_a_burst_restores_every_command_before_it_sqlite(
    engine, db_path, tmp_path
):
    target = tmp_path / "backups" / "during.db"
    before, minutes = await burst_with_a_backup(engine, sqlite_url(db_path), target)
    fresh = sqlite_url(tmp_path / "fresh" / "cagnotte.db")
    backups.restore(target, fresh)
    restored = open_database(fresh)
    try:
        assert_restored(restored, before, minutes)
    finally:
        restored.dispose()


@pytest.mark.postgres
async def test_a_backup_in_a_burst_restores_every_command_before_it_postgresql(
    postgres_engine, postgres_server, tmp_path
):
    url = postgres_engine.url.render_as_string(hide_password=False)
    target = tmp_path / "during.dump"
    before, minutes = await burst_with_a_backup(postgres_engine, url, target)
    assert target.read_bytes().startswith(b"PGDMP")
    fresh = postgres_server.new_database(f"r{uuid.uuid4().hex[:12]}")
    backups.restore(target, fresh)
    restored = open_database(fresh)
    try:
        assert_restored(restored, before, minutes)
    finally:
        restored.dispose()
    # into a database that holds data: refused, unless forced
    with pytest.raises(backups.BackupError, match="holds data"):
        backups.restore(target, fresh)
    backups.restore(target, fresh, force=True)
    again = open_database(fresh)
    try:
        assert_restored(again, before, minutes)
    finally:
        again.dispose()


@pytest.mark.postgres
async def test_postgresql_restore_refuses_a_running_bot(postgres_engine, postgres_server, tmp_path):
    from storage import running

    url = postgres_engine.url.render_as_string(hide_password=False)
    target = tmp_path / "b.dump"
    backups.backup(url, target)
    other = open_database(postgres_server.new_database(f"o{uuid.uuid4().hex[:12]}"))
    other_url = other.url.render_as_string(hide_password=False)
    try:
        with running.held(other):
            assert running.in_use(other_url)
            with pytest.raises(backups.BackupError, match="a running bot holds"):
                backups.restore(target, other_url)
        assert not running.in_use(other_url)
        backups.restore(target, other_url)  # migrated and empty: restored over its tables
    finally:
        other.dispose()


# --------------------------------------------------------------------------- scheduled


def config_with(tmp_path: Path, section: str) -> Config:
    path = tmp_path / "c.toml"
    path.write_text(f'[bot]\ndata_dir = "{tmp_path / "data"}"\n{section}\n')
    config, problems = read_config(path)
    assert not problems
    return config


async def test_scheduled_backups_are_taken_when_due_and_the_newest_kept(engine, db_path, tmp_path):
    config = config_with(tmp_path, '[backup]\nevery = "daily"\nkeep = 2')
    config.database.url = sqlite_url(db_path)
    clock = Clock(dt.datetime(2026, 11, 26, 3, 0, tzinfo=dt.UTC))
    runtime = Runtime(engine, build_registry(), Settings(), clock=clock)
    try:
        job = BackupJob(runtime, config, BackupSettings.from_config(config))
        assert job.folder == tmp_path / "data" / "backups"
        first = await job.run()
        assert first is not None and first.name == "cagnotte-20261126-030000.db"
        assert await job.run() is None  # not due yet
        clock.advance(hours=23)
        assert await job.run() is None
        for _ in range(3):
            clock.advance(hours=1)
            assert await job.run() is not None
            clock.advance(hours=23)
        kept = backups.backups_in(job.folder)
        assert [p.name for p in kept] == [
            "cagnotte-20261128-030000.db",
            "cagnotte-20261129-030000.db",
        ]
        assert all(p.stat().st_mode & 0o077 == 0 for p in kept)
        assert not due(job.folder, dt.timedelta(days=1), clock.now)
    finally:
        await runtime.close()


def test_the_backup_section_is_checked(tmp_path):
    from bot.config import ConfigError

    config = config_with(tmp_path, '[backup]\nevery = "daily"')
    assert BackupSettings.from_config(config).keep == 14
    config = config_with(tmp_path, '[backup]\nevery = "monthly"\nkepp = 3')
    with pytest.raises(ConfigError) as err:
        BackupSettings.from_config(config)
    assert "unknown setting (did you mean keep?" in str(err.value)


def test_backup_names_sort_by_time(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    for name in ("cagnotte-20261126-110000.db", "cagnotte-20251126-110000.dump", "notes.txt"):
        (folder / name).write_text("x")
    assert [p.name for p in backups.backups_in(folder)] == [
        "cagnotte-20251126-110000.dump",
        "cagnotte-20261126-110000.db",
    ]
    assert [p.name for p in backups.rotate(folder, 1)] == ["cagnotte-20251126-110000.dump"]
    assert sorted(p.name for p in folder.iterdir()) == ["cagnotte-20261126-110000.db", "notes.txt"]
