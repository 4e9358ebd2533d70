"""The cobudget family's commands send at most ten SQL statements each (counted as
``bench/commands.py`` counts them: an executemany once, savepoints and ``BEGIN`` not at all),
whatever the number of buckets, fundings and people; and what they write is the same on SQLite
and PostgreSQL. An event handled alone is checked and recorded in one statement: handled again,
it changes nothing and says nothing."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from bot.render import render_pending_now
from commands import build_registry
from commands.core import Dispatcher, Settings
from commands.events import Message, ReactionAdded, Redacted, Role
from storage.checks import check_ledger
from storage.db import make_engine, sqlite_url
from storage.models import Allocation, Audit, BotMessage, Bucket, ChatEvent, Funding
from storage.models.cobudget import BUCKET_REFUNDED, FUNDING_ACTIVE, holding

NOW = dt.datetime(2026, 11, 26, 11, tzinfo=dt.UTC)
SKIP = ("SAVEPOINT", "RELEASE", "ROLLBACK TO", "BEGIN")
ROOM = "!cobudget"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request):
    if request.param == "sqlite":
        eng = make_engine(sqlite_url(request.getfixturevalue("db_path")))
        yield eng
        eng.dispose()
    else:
        yield request.getfixturevalue("postgres_engine")


class Room:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.d = Dispatcher(engine, build_registry(), Settings(), lambda: NOW)
        self.ids = itertools.count()
        self.counting = False
        self.count = 0

        def seen(_c, _cu, statement, *_rest):
            if self.counting and not statement.lstrip().upper().startswith(SKIP):
                self.count += 1

        event.listen(engine, "before_cursor_execute", seen)

    def handle(self, ev) -> list[str]:
        return [q.body for q in self.d.handle(ev, NOW)]

    def msg(self, user: str, body: str, admin: bool = False) -> Message:
        return Message(
            platform="console",
            event_id=f"$m{next(self.ids)}",
            room_id=ROOM,
            sender=f"@{user}",
            sender_name=user.title(),
            body=body,
            role=Role.ADMIN if admin else Role.MEMBER,
        )

    def say(self, user: str, body: str, admin: bool = False) -> list[str]:
        return self.handle(self.msg(user, body, admin))

    def counted(self, ev) -> int:
        self.handle(self.msg(ev.sender.lstrip("@"), "!langue"))  # the sender spoke before
        self.count, self.counting = 0, True
        try:
            self.handle(ev)
        finally:
            self.counting = False
        return self.count

    def deliver(self) -> None:
        """The outbox as a platform leaves it: delivered, with platform ids."""
        with Session(self.engine) as db:
            for row in db.exec(select(BotMessage).where(BotMessage.sent_at.is_(None))).all():  # type: ignore[union-attr]
                row.sent_at, row.platform_id = NOW, f"m{row.id}"
            db.commit()

    def card(self, number: int) -> str:
        with Session(self.engine) as db:
            found = db.exec(
                select(BotMessage.platform_id).where(
                    BotMessage.ref_kind == "bucket", BotMessage.ref_id == str(number)
                )
            ).first()
        assert found
        return found


def _world(engine: Engine, people: int, buckets: int) -> Room:
    room = Room(engine)
    room.say("admin", '!tour ouvrir "Printemps" 100000€', admin=True)
    for n in range(people):
        room.say(f"p{n}", "!langue")
    room.say("admin", "!allouer tous 50€", admin=True)
    for n in range(buckets):
        room.say(f"p{n % people}", f"!bucket Idée{n} 20€ max 40€")
        for k in range(3):
            room.say(f"p{(n + k) % people}", f"!financer {n + 1} 2€")
    room.deliver()
    return room


def _counts(room: Room, people: int, buckets: int) -> dict[str, int]:
    def say(user: str, body: str, admin: bool = False):
        return lambda: room.msg(user, body, admin)

    def deleted(user: str, body: str, admin: bool = False):
        def make():
            first = room.msg(user, body, admin)
            room.handle(first)
            room.deliver()
            return Redacted(
                platform="console",
                event_id=f"$r{next(room.ids)}",
                room_id=ROOM,
                sender=f"@{user}",
                sender_name=user.title(),
                role=Role.ADMIN if admin else Role.MEMBER,
                target_event_id=first.event_id,
            )

        return make

    def reaction(number: int):
        return lambda: ReactionAdded(
            platform="console",
            event_id=f"$x{next(room.ids)}",
            room_id=ROOM,
            sender="@p1",
            sender_name="P1",
            target_event_id=room.card(number),
            key="💶",
        )

    cases = {
        "!allouer @p1 1€": say("admin", "!allouer @p1 1€", True),
        "!allouer tous 1€": say("admin", "!allouer tous 1€", True),
        "!allouer deleted": deleted("admin", "!allouer @p2 1€", True),
        "!bucket (propose)": say("p1", "!bucket Four 30€ pour le pain"),
        "!bucket deleted": deleted("p1", "!bucket Vélo 30€"),
        "!financer": say("p2", "!financer 2 1€"),
        "!financer deleted": deleted("p2", "!financer 2 1€"),
        "💶 on a card": reaction(2),
        "!bucket annuler": say("admin", "!bucket 1 annuler", True),
        "!buckets": say("p1", "!buckets"),
        "!tour": say("p1", "!tour"),
        "!tour fermer": say("admin", "!tour fermer", True),
    }
    counts = {}
    for label, make in cases.items():
        counts[label] = room.counted(make())
        room.deliver()
    return counts


def test_cobudget_commands_send_ten_statements_at_most(tmp_path, template_db):
    import shutil

    found = {}
    for name, people, buckets in (("small.db", 3, 3), ("large.db", 12, 15)):
        shutil.copy(template_db, tmp_path / name)
        engine = make_engine(sqlite_url(tmp_path / name))
        found[name] = _counts(_world(engine, people, buckets), people, buckets)
        engine.dispose()
    assert found["small.db"] == found["large.db"]
    over = {label: n for label, n in found["large.db"].items() if n > 10}
    assert not over, over


def test_closing_a_round_refunds_by_the_buckets_state_writing_no_funding(engine):
    room = _world(engine, people=4, buckets=3)
    with Session(engine) as db:
        active = db.exec(
            select(func.count()).select_from(Funding).where(Funding.state == FUNDING_ACTIVE)
        ).one()
    closing = room.msg("admin", "!tour fermer", admin=True)
    written: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        words = statement.split()  # UPDATE t, INSERT INTO t, DELETE FROM t: the table written
        if words[0].upper() in ("UPDATE", "INSERT", "DELETE"):
            written.append(words[1 if words[0].upper() == "UPDATE" else 2].strip('"').lower())

    event.listen(engine, "before_cursor_execute", seen)
    try:
        room.handle(closing)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    render_pending_now(engine)  # the cards and the answer are worded after the transaction
    with Session(engine) as db:
        said = db.exec(
            select(BotMessage.body).where(BotMessage.cause_event_id == closing.event_id)
        ).all()
    assert any("Printemps" in text for text in said)
    # the buckets are refunded in one statement; no funding row is written (thousands would be)
    assert written.count("cobudget_bucket") == 1
    assert "cobudget_funding" not in written
    with Session(engine) as db:
        states = db.exec(select(Funding.state, func.count()).group_by(Funding.state)).all()
        held = db.exec(select(func.count()).select_from(Funding).where(holding())).one()
        buckets = set(db.exec(select(Bucket.state)).all())
        per_bucket = db.exec(select(Audit).where(Audit.action == "refunded")).all()
        refunds = db.exec(select(Audit).where(Audit.action == "refunds")).all()
        violations = check_ledger(db)
    # every bucket was below its goal: every funding is given back, told by one audit row for
    # the whole round: the total, the fundings, and what each bucket (by its number) gave back
    assert dict(states) == {FUNDING_ACTIVE: active} and held == 0
    assert buckets == {BUCKET_REFUNDED}
    assert per_bucket == []
    assert len(refunds) == 1
    row = refunds[0]
    assert (row.object_kind, row.event_id) == ("round", closing.event_id)
    assert row.details == {
        "refunded": 1800,
        "fundings": active,
        "buckets": [[1, 600], [2, 600], [3, 600]],
    }
    assert violations == []
    assert room.say("p1", "!solde") and "50,00" in room.say("p1", "!solde")[0]


def test_closing_a_round_edits_every_card_it_changes_once(engine):
    room = _world(engine, people=4, buckets=4)
    room.say("p0", "!financer 2 20€")  # #2 reaches its minimum: funded, it keeps what it holds
    room.say("admin", "!bucket 3 annuler", admin=True)  # #3 gave its fundings back already
    room.deliver()
    closing = room.msg("admin", "!tour fermer", admin=True)
    room.handle(closing)
    render_pending_now(engine)
    with Session(engine) as db:
        cards = {
            m.id: int(m.ref_id or 0)
            for m in db.exec(select(BotMessage).where(BotMessage.ref_kind == "bucket")).all()
        }
        edits = db.exec(
            select(BotMessage)
            .where(BotMessage.cause_event_id == closing.event_id, BotMessage.kind == "edit")
            .order_by(BotMessage.id)
        ).all()
        answer = db.exec(
            select(BotMessage).where(
                BotMessage.cause_event_id == closing.event_id, BotMessage.kind == "text"
            )
        ).one()
        refunds = db.exec(select(Audit).where(Audit.action == "refunds")).one()
    # the refunded cards first, then the funded one; the cancelled one is left as it was
    assert [cards[e.target_id] for e in edits] == [1, 4, 2]
    assert all(e.body and e.id < answer.id for e in edits)
    assert "remboursé" in edits[0].body.lower()
    assert refunds.details == {"refunded": 1200, "fundings": 6, "buckets": [[1, 600], [4, 600]]}


def test_an_event_handled_alone_twice_counts_once(engine):
    room = _world(engine, people=3, buckets=1)
    funding = room.msg("p1", "!financer 1 1€")
    assert room.handle(funding)
    with Session(engine) as db:
        before = (
            db.exec(select(func.count()).select_from(Funding)).one(),
            db.exec(select(func.count()).select_from(Audit)).one(),
            db.exec(select(func.count()).select_from(BotMessage)).one(),
        )
    assert room.handle(funding) == []  # a replay: nothing changes, nothing is said
    with Session(engine) as db:
        after = (
            db.exec(select(func.count()).select_from(Funding)).one(),
            db.exec(select(func.count()).select_from(Audit)).one(),
            db.exec(select(func.count()).select_from(BotMessage)).one(),
        )
        recorded = db.get(ChatEvent, funding.event_id)
    assert after == before
    assert recorded is not None and recorded.command == "financer"


def test_allocating_by_contributions_writes_each_share_once(engine):
    room = _world(engine, people=3, buckets=0)
    room.say("p0", "!contrib 2h compta")
    room.say("p1", "!contrib 1h compta")
    allocating = room.msg("admin", "!allouer contributions novembre", admin=True)
    room.handle(allocating)
    render_pending_now(engine)
    with Session(engine) as db:
        given = db.exec(select(Allocation).where(Allocation.event_id == allocating.event_id)).all()
        audits = db.exec(select(Audit).where(Audit.event_id == allocating.event_id)).all()
        answer = db.exec(
            select(BotMessage.body).where(BotMessage.cause_event_id == allocating.event_id)
        ).all()
        violations = check_ledger(db)
    # each share names its own minutes (not everyone's again); one audit row per share
    shares = {a.user_id: (a.cents, a.method, a.details["minutes"]) for a in given}
    left = 100_000_00 - 4 * 50_00  # the pot, less what everyone (the admin too) was given
    assert {user: (method, m) for user, (_, method, m) in shares.items()} == {
        "@p0": ("hours", {"@p0": 120}),
        "@p1": ("hours", {"@p1": 60}),
    }
    assert sum(c for c, _, _ in shares.values()) == left and shares["@p0"][0] == 6_653_333
    assert {user: minutes for _, _, m in shares.values() for user, minutes in m.items()} == {
        "@p0": 120,
        "@p1": 60,
    }
    assert sorted((a.details["user"], a.details["cents"]) for a in audits) == sorted(
        (user, cents) for user, (cents, _, _) in shares.items()
    )
    assert all(a.details["method"] == "hours" for a in audits)
    assert any("P0" in text for text in answer)
    assert violations == []


def test_the_journal_reads_the_rounds_refunds_and_an_older_databases_rows(engine):
    from commands.ledger import Reader, journal_view
    from storage.models import Room as RoomRow

    room = _world(engine, people=3, buckets=2)
    room.say("admin", "!tour fermer", admin=True)
    render_pending_now(engine)
    with Session(engine) as db:
        # a database written before the refunds were told by one row: one row per bucket
        db.add(
            Audit(
                at=NOW,
                room_id=ROOM,
                actor="@admin",
                action="refunded",
                object_kind="bucket",
                object_id="1",
                event_id="$old",
                details={"before": "open", "refunded": 600, "funders": 3, "fundings": []},
            )
        )
        db.commit()
        place = db.get(RoomRow, ROOM)
        assert place is not None
        said = {
            (e.what, e.details)
            for e in journal_view(Reader(db=db, room=place, settings=Settings(), now=NOW)).entries
        }
    whats = {what for what, _ in said}
    assert any("#1" in w and "buckets remboursés" in w for w in whats), whats
    assert any("#1" in w and w.endswith("remboursé") for w in whats), whats
    refunds = next(d for w, d in said if "buckets remboursés" in w)
    assert "12,00" in refunds and "[[1, 600], [2, 600]]" in refunds, refunds
