"""Moving a collective from SQLite to PostgreSQL: ``cagnotte copy --to postgresql://…`` copies
every row into an empty PostgreSQL database, ids and numbers going on where they were."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import func, text
from sqlmodel import Session, select

from bot.cli import EXIT_CONFIG, EXIT_OK, EXIT_STORAGE, main
from commands import build_registry
from commands.core import Dispatcher, Settings
from commands.events import Message, ReactionAdded, Role
from storage.db import make_engine, open_database, sqlite_url
from storage.models import Audit, BotMessage, ChatEvent, Contribution, Funding
from storage.queries import contribution_totals

NOW = dt.datetime(2026, 11, 26, 11, tzinfo=dt.UTC)
ROOM = "!copy:example.org"


def _msg(n: int, body: str, sender: str = "@bob", admin: bool = False) -> Message:
    return Message(
        platform="console",
        event_id=f"$m{n}",
        room_id=ROOM,
        sender=sender,
        sender_name=sender[1:].title(),
        body=body,
        role=Role.ADMIN if admin else Role.MEMBER,
    )


def _fill(url: str) -> None:
    """A room with projects, contributions (one deleted: its id is never given again), a round,
    a bucket funded by a reaction, a recap schedule."""
    engine = open_database(url)
    d = Dispatcher(engine, build_registry(), Settings(), lambda: NOW)
    d.handle(_msg(1, '!projet ajouter KPA "KPA-Cités"', "@alice", admin=True), NOW)
    for n in range(2, 12):
        d.handle(_msg(n, f"!contrib {n}h 1{n % 9}/11 KPA atelier"), NOW)
    d.handle(_msg(12, "!annuler"), NOW)  # the last contribution goes: its id stays taken
    d.handle(_msg(13, '!tour ouvrir "Printemps" 1000€', "@alice", admin=True), NOW)
    d.handle(_msg(14, "!allouer @bob 50€", "@alice", admin=True), NOW)
    d.handle(_msg(15, "!bucket Vélo 20€"), NOW)
    d.handle(_msg(16, "!recap planifier lundi 9h", "@alice", admin=True), NOW)
    with Session(engine) as db:
        card = db.exec(select(BotMessage).where(BotMessage.ref_kind == "bucket")).one()
        card.sent_at, card.platform_id = NOW, "card-1"
        db.commit()
    d.handle(
        ReactionAdded(
            platform="console",
            event_id="$r1",
            room_id=ROOM,
            sender="@bob",
            target_event_id="card-1",
            key="💶",
        ),
        NOW,
    )
    engine.dispose()


def _counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    with engine.connect() as conn:
        out = {
            t: conn.execute(text(f'SELECT count(*) FROM "{t}"')).scalar_one()
            for t in ("contribution", "chatevent", "audit", "botmessage", "cobudget_funding")
        }
    engine.dispose()
    return out


def test_copy_refuses_what_is_not_an_empty_postgresql_database(tmp_path, capsys):
    source = sqlite_url(tmp_path / "a.db")
    assert main(["copy", "--from", source, "--to", sqlite_url(tmp_path / "b.db")]) == EXIT_CONFIG
    assert "--to: the copy goes into a PostgreSQL database" in capsys.readouterr().err
    assert main(["copy", "--from", source, "--to", "nothing here"]) == EXIT_CONFIG
    assert "--to: not a database URL" in capsys.readouterr().err
    assert main(["copy", "--from", "mysql://x/y", "--to", "postgresql://u@h/db"]) == EXIT_CONFIG
    assert "--from: not a database URL" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["copy"])
    assert stop.value.code == EXIT_CONFIG
    assert "--to" in capsys.readouterr().err


@pytest.mark.postgres
def test_a_sqlite_database_moves_into_an_empty_postgresql_one(tmp_path, postgres_server, capsys):
    source = sqlite_url(tmp_path / "cagnotte.db")
    _fill(source)
    target = postgres_server.new_database(f"copy{uuid.uuid4().hex[:10]}")
    assert main(["copy", "--from", source, "--to", target]) == EXIT_OK
    out = capsys.readouterr().out
    assert "contribution: 9 rows" in out
    assert _counts(target) == _counts(source)

    pg = open_database(target)
    with Session(pg) as db:
        totals = contribution_totals(db, ROOM, dt.date(2026, 11, 1), dt.date(2026, 12, 1))
        assert (totals.count, totals.minutes) == (9, sum(range(2, 11)) * 60)
        assert db.exec(select(func.count()).select_from(Funding)).one() == 1
        highest = db.exec(select(func.max(Contribution.id))).one()
        assert highest == 9  # the tenth, removed, is not copied
    # the bot goes on on PostgreSQL: ids after the highest ever given, numbers per room
    d = Dispatcher(pg, build_registry(), Settings(), lambda: NOW)
    said = d.handle(_msg(20, "!contrib 1h 20/11 KPA suite"), NOW)
    assert "Contribution #11 " in said[0].body
    d.handle(_msg(20, "!contrib 1h 20/11 KPA suite"), NOW)  # replayed: handled already
    with Session(pg) as db:
        new = db.exec(select(Contribution).where(Contribution.number == 11)).one()
        assert new.id == 11  # id 10 was given once, on SQLite
        assert (
            db.exec(select(func.count()).select_from(ChatEvent)).one()
            == _counts(source)["chatevent"] + 1
        )
        assert db.exec(select(Audit).where(Audit.event_id == "$m20")).first() is not None
    pg.dispose()

    # a database that holds rows is never written into
    assert main(["copy", "--from", source, "--to", target]) == EXIT_STORAGE
    assert "the target database is not empty" in capsys.readouterr().err
