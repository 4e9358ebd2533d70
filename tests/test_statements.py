"""Commands read with one query per table, never one per row: the number of SQL statements a
command sends does not grow with the rows it shows (buckets, people, requests, fundings). The
statements are counted as ``bench/commands.py`` counts them (an executemany counts once;
savepoints and ``BEGIN`` do not count)."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil

import pytest
from sqlalchemy import event

from commands import build_registry
from commands.core import Dispatcher, Settings
from commands.events import Message, Role
from storage.db import make_engine, sqlite_url

NOW = dt.datetime(2026, 11, 26, 11, tzinfo=dt.UTC)
SKIP = ("SAVEPOINT", "RELEASE", "ROLLBACK TO", "BEGIN")


class World:
    def __init__(self, db_path, room: str) -> None:
        self.engine = make_engine(sqlite_url(db_path))
        self.d = Dispatcher(self.engine, build_registry(), Settings(), lambda: NOW)
        self.room = room
        self.ids = itertools.count()
        self.counting = False
        self.count = 0

        def seen(_c, _cu, statement, *_rest):
            if self.counting and not statement.lstrip().upper().startswith(SKIP):
                self.count += 1

        event.listen(self.engine, "before_cursor_execute", seen)

    def say(self, user: str, body: str, admin: bool = False) -> list[str]:
        msg = Message(
            platform="console",
            event_id=f"$s{next(self.ids)}",
            room_id=self.room,
            sender=f"@{user}",
            sender_name=user.title(),
            body=body,
            role=Role.ADMIN if admin else Role.MEMBER,
        )
        return [q.body for q in self.d.handle(msg, NOW)]

    def statements(self, user: str, body: str, admin: bool = False) -> int:
        self.say(user, "!langue")  # the sender has spoken before
        self.count, self.counting = 0, True
        try:
            self.say(user, body, admin)
        finally:
            self.counting = False
        return self.count


def _world(db_path, people: int, buckets: int, requests: int) -> World:
    w = World(db_path, "!r")
    w.say("admin", '!projet ajouter KPA "KPA"', admin=True)
    w.say("admin", '!tour ouvrir "Printemps" 100000€', admin=True)
    w.say("admin", "!budget KPA 1000€ novembre", admin=True)
    for n in range(people):
        w.say(f"p{n}", f"!contrib {n % 5 + 1}h 1{n % 9}/11 KPA atelier")
    w.say("admin", "!allouer tous 50€", admin=True)
    for n in range(buckets):
        w.say(f"p{n % people}", f"!bucket Idée{n} 20€ max 40€")
        w.say(f"p{(n + 1) % people}", f"!financer {n + 1} 5€")
    for n in range(requests):
        w.say(f"p{n}", "!demande KPA 30€ pour le matériel")
        w.say(f"p{(n + 1) % people}", f"!valider {n + 1}")
    return w


COMMANDS = [
    ("p0", "!buckets", False),
    ("p0", "!solde tous", False),
    ("p0", "!budget KPA", False),
    ("p0", "!budgets", False),
    ("admin", "!budget KPA prorata", True),
    ("p0", "!bucket 1", False),
    ("p0", "!contribs tous", False),
    ("p0", "!recap", False),
    ("admin", "!allouer tous 1€", True),
    ("admin", "!tour fermer", True),
    ("admin", "!budget KPA clore", True),
]


@pytest.mark.parametrize(("user", "command", "admin"), COMMANDS, ids=[c for _, c, _ in COMMANDS])
def test_statements_do_not_grow_with_rows(tmp_path, template_db, user, command, admin):
    for name in ("small.db", "large.db"):
        shutil.copy(template_db, tmp_path / name)
    small = _world(tmp_path / "small.db", people=3, buckets=3, requests=2)
    large = _world(tmp_path / "large.db", people=12, buckets=15, requests=10)
    few, many = small.statements(user, command, admin), large.statements(user, command, admin)
    small.engine.dispose()
    large.engine.dispose()
    assert many == few, f"{command}: {few} statements with few rows, {many} with more"
    # closing a round also checks the round's life (its allocations and buckets counted)
    assert many <= (17 if command == "!tour fermer" else 14)
