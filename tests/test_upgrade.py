"""Upgrades keep data: a database made at schema 0009 and filled by the day's scenarios (the rows
of ``tests/data/upgrade-0009.json``, see ``tests/upgrade_fixture.py``) migrates to the newest
schema on SQLite and on PostgreSQL, and every total, balance, split and number it showed stays as
it was; the ledger check passes, and the bot carries on from there."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from commands import build_registry
from commands.core import Dispatcher, Settings
from commands.events import Message, Role
from storage.db import make_engine, migrate, open_database, sqlite_url
from storage.models import Contribution
from tests.conftest import assert_ledger_sound
from tests.upgrade_fixture import FIXTURE, NOW, load_rows, plain_figures

DATA = json.loads(FIXTURE.read_text())


def upgrade_and_compare(engine: Engine, url: str) -> None:
    migrate(engine, DATA["base"])
    load_rows(engine, DATA["rows"])
    engine.dispose()
    upgraded = open_database(url)  # what the bot does at start: migrate to the newest schema
    try:
        assert plain_figures(upgraded) == DATA["figures"]
        assert_ledger_sound(upgraded)
        # and it carries on: the next contribution takes the next number of the room
        d = Dispatcher(upgraded, build_registry(), Settings())
        sent = d.handle(
            Message(
                platform="console",
                event_id=f"$after-{uuid.uuid4().hex}",
                room_id="coroutine",
                sender="@bob",
                sender_name="Bob",
                role=Role.MEMBER,
                body="!contrib 1h 25/11 KPA après la mise à jour",
            ),
            NOW,
        )
        assert "Contribution #14" in sent[0].body, sent[0].body
        with Session(upgraded) as db:
            numbers = db.exec(
                select(Contribution.number).where(Contribution.room_id == "coroutine")
            ).all()
        assert sorted(numbers)[-1] == 14 and 2 not in numbers  # #2 was deleted, never reused
        assert_ledger_sound(upgraded)
    finally:
        upgraded.dispose()


def test_an_upgrade_keeps_every_figure_on_sqlite(tmp_path):
    url = sqlite_url(tmp_path / "old.db")
    upgrade_and_compare(make_engine(url), url)


@pytest.mark.postgres
def test_an_upgrade_keeps_every_figure_on_postgresql(postgres_server):
    url = postgres_server.new_database(f"u{uuid.uuid4().hex[:12]}")
    upgrade_and_compare(make_engine(url), url)
