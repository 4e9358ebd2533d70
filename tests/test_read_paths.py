"""The storage read paths of migration 0021: the monthly totals stored in their key's order (a
``WITHOUT ROWID`` table on SQLite, a key index that includes the totals on PostgreSQL) and still
kept by the triggers on ``contribution``; the funding indexes (migrations 0021 and 0022)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from storage.checks import check_ledger
from storage.models import Contribution, ContributionMonth, Project, Room, RoomCounter
from storage.numbers import CONTRIBUTION

NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)


def _months(db: Session) -> set[tuple[str, dt.date, str, int, int, int]]:
    rows = db.exec(select(ContributionMonth)).all()
    return {
        (r.room_id, r.month, r.user_id, r.project_key, r.minutes, r.count)
        for r in rows
        if r.count != 0
    }


def test_monthly_totals_are_kept_by_the_triggers(any_engine: Engine) -> None:
    with Session(any_engine) as db:
        db.add(Room(id="!r", name="r", platform="console", created_at=NOW))
        db.flush()
        db.add(Project(id=1, room_id="!r", code="KPA", code_key="kpa", created_at=NOW))
        db.flush()
        made = [
            Contribution(
                room_id="!r",
                number=n,
                user_id=user,
                minutes=minutes,
                day=day,
                project_id=project,
                event_id=f"$c{n}",
                created_by=user,
                created_at=NOW,
                updated_at=NOW,
            )
            for n, (user, minutes, day, project) in enumerate(
                [
                    ("@a", 60, dt.date(2026, 10, 3), 1),
                    ("@a", 30, dt.date(2026, 10, 20), 1),
                    ("@b", 45, dt.date(2026, 11, 2), None),
                    ("@a", 90, dt.date(2026, 11, 2), 1),
                ],
                start=1,
            )
        ]
        db.add_all(made)
        db.add(RoomCounter(room_id="!r", kind=CONTRIBUTION, last=len(made)))
        db.commit()
        assert _months(db) == {
            ("!r", dt.date(2026, 10, 1), "@a", 1, 90, 2),
            ("!r", dt.date(2026, 11, 1), "@b", 0, 45, 1),
            ("!r", dt.date(2026, 11, 1), "@a", 1, 90, 1),
        }
        # moved to another month, then one removed
        made[1].day = dt.date(2026, 11, 30)
        db.add(made[1])
        db.commit()
        db.delete(made[2])
        db.commit()
        assert _months(db) == {
            ("!r", dt.date(2026, 10, 1), "@a", 1, 60, 1),
            ("!r", dt.date(2026, 11, 1), "@a", 1, 120, 2),
        }
        assert check_ledger(db) == []


def test_monthly_totals_are_read_from_their_key(any_engine: Engine) -> None:
    with any_engine.connect() as conn:
        if any_engine.dialect.name == "sqlite":
            created = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'contribution_month'")
            ).scalar_one()
            assert created.rstrip().upper().endswith("WITHOUT ROWID")
        else:
            index = conn.execute(
                text("SELECT pg_get_indexdef('contribution_month_pkey'::regclass)")
            ).scalar_one()
            assert "INCLUDE (minutes, count)" in index, index


def test_funding_indexes(any_engine: Engine) -> None:
    """A bucket's and a funder's few rows are found by indexes without ``state`` (0021); what a
    round's buckets hold is read from one index alone, in bucket order (0022): closing a round
    writes no funding, so that their state rarely changes."""
    indexes = inspect(any_engine).get_indexes("cobudget_funding")
    columns = {index["name"]: index["column_names"] for index in indexes}
    assert columns["ix_cobudget_funding_bucket"] == ["bucket_id"]
    assert columns["ix_cobudget_funding_round_funder"] == ["round_id", "funder"]
    assert columns["ix_cobudget_funding_round_bucket"] == [
        "round_id",
        "bucket_id",
        "state",
        "cents",
    ]


def test_a_rounds_holdings_are_read_from_the_index_alone(engine: Engine) -> None:
    """On SQLite, the close's per-bucket sums read no funding row."""
    from commands.cobudget.closing import per_bucket_holdings

    query = per_bucket_holdings(1).compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {query}")))
    assert "COVERING INDEX ix_cobudget_funding_round_bucket" in plan, plan


def test_a_rooms_pending_messages_are_read_without_its_history(engine: Engine) -> None:
    """On SQLite, the delivery's read of a room's next messages goes through the partial index
    of the messages still to send, in their turns (0024): not through every message the room
    ever had, and without sorting all the messages queued (only the few read are)."""
    from bot.turns import PENDING as _PENDING

    query = _PENDING.compile(engine)
    params = query.construct_params({"room_id": "!r", "limit": 100})
    with engine.connect() as conn:
        found = conn.exec_driver_sql(
            f"EXPLAIN QUERY PLAN {query}", tuple(params[k] for k in query.positiontup or ())
        )
        plan = " ".join(str(row[-1]) for row in found)
    assert "SEARCH botmessage USING INDEX ix_bot_message_turns (room_id=?)" in plan, plan
    # one sort: the messages read (at most ``limit``), put back in their turns after the joins
    assert plan.count("TEMP B-TREE") == 1, plan
    assert "ix_bot_message_room_created" not in plan and "ix_botmessage_room_id" not in plan


def test_the_indexes_that_repeated_others_are_gone(any_engine: Engine) -> None:
    """0023: the outbox and the handled events keep only indexes that some read needs; the
    messages still to deliver have their own partial index, which a sent message leaves."""
    found = inspect(any_engine)
    outbox = {i["name"]: i for i in found.get_indexes("botmessage")}
    events = {i["name"] for i in found.get_indexes("chatevent")}
    assert "ix_botmessage_room_id" not in outbox and "ix_bot_message_pending" not in outbox
    assert "ix_chatevent_room_id" not in events and "ix_chat_event_room_handled" in events
    assert outbox["ix_bot_message_unsent"]["column_names"] == ["id"]


def test_the_messages_still_to_deliver_are_read_from_their_own_index(engine: Engine) -> None:
    """At start (every room's undelivered messages, in order) and on the health page (how many
    wait), SQLite reads the partial index of the messages still to deliver, not the outbox."""
    from commands.core import pending_messages

    with Session(engine) as db:
        db.add(Room(id="!r", name="r", platform="console", created_at=NOW))
        db.commit()
        assert pending_messages(db) == []
    queries = [
        "SELECT id FROM botmessage WHERE sent_at IS NULL ORDER BY id LIMIT 100",
        "SELECT count(*) FROM botmessage WHERE sent_at IS NULL",
    ]
    with engine.connect() as conn:
        for query in queries:
            plan = " ".join(
                str(row[-1]) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {query}"))
            )
            assert "ix_bot_message_unsent" in plan, plan
