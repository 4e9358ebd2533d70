"""The same storage and rules on a real PostgreSQL server (started by the suite on 127.0.0.1)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from commands import build_registry
from commands.core import Dispatcher, Settings
from commands.events import Message, Role
from storage.models import Audit, ChatEvent, Contribution
from storage.queries import contribution_totals

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_engine(postgres_engine: Engine) -> Engine:
    return postgres_engine


NOW = dt.datetime(2026, 11, 26, 11, tzinfo=dt.UTC)


def msg(event_id: str, body: str, sender: str = "@bob", role: Role = Role.MEMBER) -> Message:
    return Message(
        platform="console",
        event_id=event_id,
        room_id="!pg",
        sender=sender,
        sender_name=sender[1:].title(),
        body=body,
        role=role,
    )


def test_contributions_on_postgresql(pg_engine):
    d = Dispatcher(pg_engine, build_registry(), Settings())
    d.handle(msg("$p1", '!projet ajouter KPA "KPA-Cités"', "@alice", Role.ADMIN), NOW)
    sent = d.handle(msg("$c1", "!contrib 1,5h hier KPA atelier"), NOW)
    assert "Contribution #1" in sent[0].body
    d.handle(msg("$c2", "!contrib 2h lundi #KPA"), NOW)
    d.handle(msg("$c2", "!contrib 2h lundi #KPA"), NOW)  # replayed: nothing changes
    d.handle(msg("$c3", "!contrib 0h rien"), NOW)  # refused: nothing stored
    with Session(pg_engine) as db:
        totals = contribution_totals(db, "!pg", dt.date(2026, 11, 1), dt.date(2026, 12, 1))
        assert (totals.minutes, totals.count) == (210, 2)
        assert len(db.exec(select(ChatEvent)).all()) == 4
        assert [
            a.action for a in db.exec(select(Audit).where(Audit.object_kind == "contribution"))
        ] == ["create", "create"]
    d.handle(
        Message(
            platform="console",
            event_id="$e1",
            room_id="!pg",
            sender="@bob",
            body="!contrib 3h hier KPA atelier",
            edit_of="$c1",
        ),
        NOW,
    )
    with Session(pg_engine) as db:
        c = db.exec(select(Contribution).where(Contribution.event_id == "$c1")).one()
        assert c.minutes == 180
