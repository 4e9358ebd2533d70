"""Events handled together (one transaction, a savepoint each) share what the transaction has
read: the room's projects, its people's names. A refused command, whose first try is rolled back
and which is handled again as a refusal (or as an offer to confirm), leaves those readings as
they were before it: the events after it do not read the room again."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from commands import build_registry
from commands.core import Dispatcher, Settings
from commands.events import Message, Role
from storage.models import Contribution, PendingAction
from storage.models.pending import PENDING_OPEN

NOW = dt.datetime(2026, 11, 26, 11, tzinfo=dt.UTC)
ROOM = "!atelier"


class Room:
    def __init__(self, engine: Engine) -> None:
        self.d = Dispatcher(engine, build_registry(), Settings(), lambda: NOW)
        self.ids = itertools.count()
        self.read: list[str] = []
        self.counting = False

        def seen(_c: Any, _cu: Any, statement: str, *_rest: Any) -> None:
            if self.counting and statement.lstrip().upper().startswith("SELECT"):
                self.read.append(" ".join(statement.split()))

        event.listen(engine, "before_cursor_execute", seen)

    def msg(self, user: str, body: str, admin: bool = False) -> Message:
        return Message(
            platform="console",
            event_id=f"$m{next(self.ids)}",
            room_id=ROOM,
            sender=f"@{user}",
            sender_name=user.title(),
            body=body,
            role=Role.ADMIN if admin else Role.MEMBER,
            timestamp=NOW,
        )

    def batch(self, *said: tuple[str, str]) -> list[str]:
        """Handle ``said`` together; returns the tables read from, one entry per SELECT."""
        self.read, self.counting = [], True
        try:
            self.d.handle_batch([self.msg(user, body) for user, body in said], NOW)
        finally:
            self.counting = False
        return [s.split(" FROM ", 1)[1].split()[0] if " FROM " in s else s for s in self.read]


def test_a_refused_command_leaves_the_batchs_readings_as_they_were(engine: Engine) -> None:
    room = Room(engine)
    room.d.handle(room.msg("alice", '!projet ajouter KPA "KPA-Cités"', admin=True), NOW)
    for who in ("alice", "bob", "carol"):
        room.d.handle(room.msg(who, "!aide"), NOW)
    tables = room.batch(
        ("alice", "!contrib 3h atelier KPA"),
        ("bob", "!contrib 1h compta KAP"),  # no such project: refused, then offered to confirm
        ("carol", "!contrib 2h rangement KPA"),
        ("bob", "!contrib"),  # refused: the duration is missing
        ("alice", "!contrib 30 min accueil KPA"),
    )
    # the room's projects and its people's names read once for the five events
    assert tables.count("project") == 1, tables
    assert tables.count("member") == 1, tables
    with Session(engine) as db:
        logged = sorted(c.minutes for c in db.exec(select(Contribution)).all())
        offers = db.exec(select(PendingAction)).all()
    assert logged == [30, 120, 180]
    assert [(o.sender, o.state, o.payload["minutes"]) for o in offers] == [
        ("@bob", PENDING_OPEN, 60)
    ]
