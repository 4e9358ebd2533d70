"""The contributive budget's commands send at most ten SQL statements each (counted as
``bench/commands.py`` counts them: an executemany once, savepoints and ``BEGIN`` not at all),
whatever the number of people, requests and validations."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlmodel import Session, col, select

from bot.render import render_pending_now
from commands.budget.campaign_jobs import campaign_duty
from commands.budget.vote import close_votes
from commands.core import Queued, Registry, Settings
from commands.events import Message, ReactionAdded, Redacted
from storage.db import make_engine, sqlite_url, transaction
from storage.models import BotMessage
from tests.test_cobudget_statements import ROOM, Room


def _card(room: Room, number: int) -> str:
    with Session(room.engine) as db:
        found = db.exec(
            select(BotMessage.platform_id).where(
                BotMessage.ref_kind == "request",
                BotMessage.ref_id == str(number),
                col(BotMessage.platform_id).is_not(None),
            )
        ).first()
    assert found
    return found


def _world(room: Room, people: int) -> None:
    """Two projects with hours from everyone; a libre envelope where everyone asks (the first
    four requests validated twice, the first one questioned), over its amount; a proportional
    one; hours on a third project, INFRA, without an envelope."""
    room.say("admin", "!projet ajouter KPA Kpa", admin=True)
    room.say("admin", "!projet ajouter COMPTA Compta", admin=True)
    room.say("admin", "!projet ajouter INFRA Infra", admin=True)
    for n in range(people):
        room.say(f"p{n}", f"!contrib {n + 1}h 10/11 KPA")
        room.say(f"p{n}", f"!contrib {n + 1}h 10/11 COMPTA")
        room.say(f"p{n}", f"!contrib {n + 1}h 12/11 INFRA")
    room.say("admin", "!budget KPA 300€ novembre", admin=True)
    for n in range(people):
        room.say(f"p{n}", f"!demande KPA 80€ pour le mois {n}")
    for n in range(4):
        room.say(f"p{n + 1}", f"!valider {n + 1}")
        room.say(f"p{n + 2}", f"!valider {n + 1}")
    room.say("p3", "!question 1 pourquoi ?")
    room.say("admin", "!budget COMPTA 2000€ novembre plafond 900€ commun 5%", admin=True)
    room.deliver()


def _counts(room: Room) -> dict[str, int]:
    def msg(user: str, body: str, admin: bool = False, **kw: str) -> Message:
        return Message(**{**vars(room.msg(user, body, admin)), **kw})  # type: ignore[arg-type]

    def reaction(user: str, number: int, key: str) -> ReactionAdded:
        return ReactionAdded(
            platform="console",
            event_id=f"$x{next(room.ids)}",
            room_id=ROOM,
            sender=f"@{user}",
            sender_name=user.title(),
            target_event_id=_card(room, number),
            key=key,
        )

    def edited(user: str) -> Callable[[], Message]:
        """``user`` asks on KPA (or changes the request they have there), then edits it."""

        def make() -> Message:
            first = room.msg(user, "!demande KPA 50€ v1")
            room.handle(first)
            room.deliver()
            return msg(
                user, "!demande KPA 55€ v2", edit_of=first.event_id, edit_of_sender=f"@{user}"
            )

        return make

    def unvalidated() -> Redacted:
        tick = reaction("p9", 5, "✅")
        room.handle(tick)
        room.deliver()
        return Redacted(
            platform="console",
            event_id=f"$r{next(room.ids)}",
            room_id=ROOM,
            sender="@p9",
            sender_name="P9",
            target_event_id=tick.event_id,
        )

    def guided(make: Callable[[], Message]) -> Callable[[], Message]:
        """KPA with a range of pay and a growth cap (set untimed), then ``make``."""

        def first() -> Message:
            room.say("admin", "!taux KPA 15-25€/h hausse 20%", admin=True)
            room.deliver()
            return make()

        return first

    def voted() -> Job:
        """A landing vote on KPA (its requests ask for more than it holds), two ballots; the
        job counts it once its deadline has passed."""
        room.say("admin", "!budget KPA atterrissage vote 3j", admin=True)
        room.deliver()
        with Session(room.engine) as db:
            card = db.exec(
                select(BotMessage.platform_id)
                .where(
                    BotMessage.ref_kind == "landing_vote", col(BotMessage.platform_id).is_not(None)
                )
                .order_by(col(BotMessage.id).desc())
            ).first()
        assert card
        for user in ("p1", "p2"):
            room.handle(
                ReactionAdded(
                    event_id=f"$x{next(room.ids)}",
                    room_id=ROOM,
                    sender=f"@{user}",
                    sender_name=user.title(),
                    target_event_id=card,
                    key="1\ufe0f\u20e3",
                    platform="console",
                )
            )
        room.deliver()
        return _job(close_votes, dt.datetime(2026, 11, 30, 12))

    cases = {
        "!demande": lambda: room.msg("q1", "!demande KPA 60€ pour le matériel"),
        "!demande edited": edited("q2"),
        # p7's request changed by a message, then that message edited
        "!demande edited (had a request)": edited("p7"),
        "!demande retirer": lambda: room.msg("p6", "!demande KPA retirer"),
        "!question": lambda: room.msg("p1", "!question 5 pourquoi ?"),
        "!valider": lambda: room.msg("p1", "!valider 6"),
        "✅ on a request": lambda: reaction("p2", 5, "✅"),
        "❓ on a request": lambda: reaction("p2", 8, "❓"),
        "✅ removed from a request": unvalidated,
        "!demande (a range, a growth cap)": guided(
            lambda: room.msg("q3", "!demande KPA 60€ pour le matériel")
        ),
        "!demande #1 (an envelope by its number)": lambda: room.msg("q4", "!demande #1 50€ outils"),
        "!releve KPA avant le 15/12": lambda: room.msg("admin", "!releve KPA avant le 15/12", True),
        "!budget KPA (a range, a campaign)": lambda: room.msg("p7", "!budget KPA"),
        "campaign reminder (job)": lambda: _job(campaign_duty, dt.datetime(2026, 12, 14, 9)),
        "campaign report (job)": lambda: _job(campaign_duty, dt.datetime(2026, 12, 15, 9)),
        "landing vote counted (job)": voted,
        "!budget prorata": lambda: room.msg("admin", "!budget KPA prorata", True),
        "!demande changing a request, a landing applied": lambda: room.msg(
            "p2", "!demande KPA 70€ pour le mois 1"
        ),
        "!budget accord": lambda: room.msg("admin", "!budget KPA accord 2 40€", True),
        "je-donne": lambda: room.msg("p1", "!budget COMPTA je-donne 50%"),
        "je-refuse": lambda: room.msg("p2", "!budget COMPTA je-refuse"),
        "!budget … plafond (create, proportional)": lambda: room.msg(
            "admin", "!budget INFRA 2000€ novembre plafond 300€", True
        ),
        "!budget clore (proportional)": lambda: room.msg("admin", "!budget COMPTA clore", True),
        "!budget clore (libre)": lambda: room.msg("admin", "!budget KPA clore", True),
    }
    counts = {}
    for label, make in cases.items():
        ev = make()
        counts[label] = room.counted(ev) if not isinstance(ev, Job) else _counted_job(room, ev)
        room.deliver()
    return counts


@dataclass(frozen=True)
class Job:
    """A timed job run at ``at`` in its own transaction, as the scheduler runs it."""

    run: Callable[[Session, Registry, Settings, dt.datetime], list[Queued]]
    at: dt.datetime


def _job(
    run: Callable[[Session, Registry, Settings, dt.datetime], list[Queued]], at: dt.datetime
) -> Job:
    return Job(run, at.replace(tzinfo=dt.UTC))


def _counted_job(room: Room, job: Job) -> int:
    room.count, room.counting = 0, True
    try:
        with transaction(room.engine) as db:
            sent = job.run(db, room.d.registry, Settings(), job.at)
    finally:
        room.counting = False
    assert sent, job  # it said something
    return room.count


def test_budget_commands_send_ten_statements_at_most(tmp_path, template_db):
    found = {}
    for name, people in (("small.db", 8), ("large.db", 20)):
        shutil.copy(template_db, tmp_path / name)
        engine = make_engine(sqlite_url(tmp_path / name))
        room = Room(engine)
        _world(room, people)
        found[name] = _counts(room)
        engine.dispose()
    assert found["small.db"] == found["large.db"]
    over = {label: n for label, n in found["large.db"].items() if n > 10}
    assert not over, over


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request):
    if request.param == "sqlite":
        eng = make_engine(sqlite_url(request.getfixturevalue("db_path")))
        yield eng
        eng.dispose()
    else:
        yield request.getfixturevalue("postgres_engine")


def test_the_same_commands_answer_on_both_databases(engine):
    room = Room(engine)
    _world(room, 8)
    _counts(room)  # every one of them, as above
    render_pending_now(engine)
    with Session(engine) as db:
        said = [m.body for m in db.exec(select(BotMessage).order_by(col(BotMessage.id))).all()]
    assert not [text for text in said if "erreur interne" in text or "internal error" in text]
    assert any("Prorata appliqué" in text for text in said)
    assert any("clôturée" in text for text in said)
    assert any("retire sa validation" in text for text in said)
