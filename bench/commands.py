"""Every command and subcommand at a real collective's scale, through the dispatcher, on a SQLite
file: 1,000 buckets with 10,000 fundings, 200 people, an envelope with 100 requests, 100,000
contributions over a year.

For each command the table prints:

* its SQL statements (the most of any run), counted by a SQLAlchemy ``before_cursor_execute``
  listener: an executemany counts once; transaction control (``BEGIN``) and savepoints
  (``SAVEPOINT``, ``RELEASE``, ``ROLLBACK TO``) are not counted;
* the median and p95 of its database work: everything inside the transaction, from the event
  handed to the dispatcher to the committed outbox;
* the median CPU time of the bench process over the same span (``cpu``): on a machine shared
  with other work, wall time waits for the processor and this figure does not;
* the median time of what is rendered after the commit, outside the write transaction (charts,
  CSV files), when there is any.

Commands that change what later runs would see (closing a round, closing an envelope...) run on
a fresh copy of the seeded database each time, under the same engine: as in a running bot, a
statement is compiled once per process, not once per copy.

The figures are those of a warm process: each command runs once untimed first (its statements
compiled, its pages read), and the bench's own garbage is collected before each timed run, with
the collector off while it runs (the seeded world is frozen out of it), so that a collection of
the bench's heap never lands inside a command's figure.

``--keep DIR`` keeps the seeded database there and reuses it while its schema is the code's
(it is seeded again after a migration).

    .venv/bin/python bench/commands.py [--runs 20] [--only WORDS] [--keep DIR]

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import itertools
import math
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import event, insert, text, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from commands import build_registry
from commands.core import Dispatcher, Settings
from commands.events import AnyEvent, MemberChanged, Message, ReactionAdded, Redacted, Role
from storage import clock
from storage.db import make_engine, migrate, sqlite_url, transaction
from storage.models import (
    Allocation,
    BotMessage,
    Bucket,
    CobudgetRound,
    Contribution,
    Funding,
    Member,
    Person,
    Project,
    RecapSent,
    Room,
    RoomCounter,
)
from storage.numbers import BUCKET, CONTRIBUTION, ROUND

try:  # what is rendered after the commit (charts, CSV), when the code has such a stage
    from bot.render import render_pending_now as _render_pending
except ImportError:  # pragma: no cover - older code renders inside the transaction
    _render_pending = None

NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)  # Thursday, noon in Paris
TODAY = NOW.date()
ROOM = "!bench:example.org"
SIDE = "!side:example.org"
DIRECT = "!dm-p000:example.org"  # p000's direct room with the bot
ADMIN = "@admin:example.org"
PEOPLE = [f"@p{i:03d}:example.org" for i in range(200)]
CODES = [
    "KPA",
    "COMPTA",
    "JARDIN",
    "ATELIER",
    "CAFE",
    "COM",
    "INFRA",
    "FORMATION",
    "BAR",
    "EVENEMENTS",
    "ADMIN",
    "LOGISTIQUE",
]
CONTRIBUTIONS = 100_000
BUCKETS = 1_000
FUNDINGS = 10_000
REQUESTS = 100
POT = 100_000_000  # cents: a million euros, so that allocating never runs dry


def p(i: int) -> str:
    return PEOPLE[i % len(PEOPLE)]


# --------------------------------------------------------------------------- counting


class Counter:
    """Statements sent to the database while ``on``."""

    SKIP = ("SAVEPOINT", "RELEASE", "ROLLBACK TO", "BEGIN")

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self.on = False
        event.listen(engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if self.on and not statement.lstrip().upper().startswith(self.SKIP):
            self.count += 1


# --------------------------------------------------------------------------- the world


class World:
    """The seeded database, a dispatcher on it, and helpers to make events."""

    def __init__(self, path: Path, tag: str) -> None:
        self.path = path
        self.tag = tag
        self.ids = itertools.count(1)
        self.registry = build_registry()
        self.open()

    def open(self) -> None:
        self.engine = make_engine(sqlite_url(self.path))
        self.counter = Counter(self.engine)
        self.dispatcher = Dispatcher(self.engine, self.registry, Settings(), lambda: NOW)

    def close(self) -> None:
        self.engine.dispose()

    def reset(self, template: Path) -> None:
        """The seeded database again, under the same engine (its compiled statements kept) and
        a new dispatcher (nothing remembered from the copy before)."""
        self.engine.dispose()
        restore(template, self.path)
        self.dispatcher = Dispatcher(self.engine, self.registry, Settings(), lambda: NOW)

    def eid(self) -> str:
        return f"${self.tag}{next(self.ids)}"

    def handle(self, ev: AnyEvent) -> None:
        self.dispatcher.handle(ev, NOW)

    # -- events
    def msg(
        self, user: str, body: str, *, admin: bool = False, room: str = ROOM, **kw: Any
    ) -> Message:
        return Message(
            event_id=kw.pop("event_id", None) or self.eid(),
            room_id=room,
            sender=user,
            sender_name=_name(user),
            role=Role.ADMIN if admin else Role.MEMBER,
            body=body,
            timestamp=NOW,
            platform="console",
            **kw,
        )

    def react(
        self, user: str, target: str, key: str, *, event_id: str | None = None
    ) -> ReactionAdded:
        return ReactionAdded(
            platform="console",
            event_id=event_id or self.eid(),
            room_id=ROOM,
            sender=user,
            sender_name=_name(user),
            target_event_id=target,
            key=key,
            timestamp=NOW,
        )

    def redact(self, user: str, target: str, *, admin: bool = False) -> Redacted:
        return Redacted(
            platform="console",
            event_id=self.eid(),
            room_id=ROOM,
            sender=user,
            sender_name=_name(user),
            role=Role.ADMIN if admin else Role.MEMBER,
            target_event_id=target,
            timestamp=NOW,
        )

    # -- the outbox as a platform would leave it: everything delivered, with platform ids
    def deliver_all(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(BotMessage)
                .where(col(BotMessage.sent_at).is_(None))
                .values(sent_at=NOW, platform_id=text("'m' || id"), attempts=1)
            )

    def answer_to(self, event_id: str, ref_kind: str | None = None) -> str:
        """The platform id of the bot's message caused by ``event_id`` (of ``ref_kind``)."""
        with Session(self.engine) as db:
            query = select(BotMessage.platform_id).where(BotMessage.cause_event_id == event_id)
            if ref_kind is not None:
                query = query.where(BotMessage.ref_kind == ref_kind)
            found = db.exec(query.order_by(col(BotMessage.id))).first()
        assert found, f"no answer to {event_id}"
        return found


def _name(user: str) -> str:
    return "Admin" if user == ADMIN else "Personne " + user[2:5]


def settle(path: Path) -> None:
    """Statistics for the planner, and everything in the main file (so that copying it copies
    the whole database)."""
    import sqlite3

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("ANALYZE")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def restore(template: Path, path: Path) -> None:
    for end in ("-wal", "-shm"):
        path.with_name(path.name + end).unlink(missing_ok=True)
    shutil.copyfile(template, path)


def seed(path: Path) -> None:
    """The data at scale, written directly (fast), then what is simpler to make by command."""
    engine = make_engine(sqlite_url(path))
    migrate(engine)
    rng = random.Random(5)
    start = TODAY - dt.timedelta(days=365)
    with engine.begin() as conn:
        conn.execute(
            insert(Room), [{"id": ROOM, "name": "bench", "platform": "console", "created_at": NOW}]
        )
        everyone = [ADMIN, *PEOPLE]
        conn.execute(
            insert(Person),
            [{"user_id": u, "display_name": _name(u), "updated_at": NOW} for u in everyone],
        )
        conn.execute(
            insert(Member),
            [
                {
                    "room_id": ROOM,
                    "user_id": u,
                    "joined": True,
                    "is_bot": False,
                    "first_seen": NOW,
                    "updated_at": NOW,
                }
                for u in everyone
            ],
        )
        conn.execute(
            insert(Project),
            [
                {
                    "id": i + 1,
                    "room_id": ROOM,
                    "code": c,
                    "code_key": c.lower(),
                    "name": c.capitalize(),
                    "archived": False,
                    "created_at": NOW,
                }
                for i, c in enumerate(CODES)
            ],
        )
        pids = [*range(1, len(CODES) + 1), None]
        weights_p = [30, 20, 12, 10, 8, 6, 5, 3, 2, 2, 1, 1, 5]
        weights_u = [1 / (i + 1) ** 0.8 for i in range(len(PEOPLE))]
        users = rng.choices(PEOPLE, weights_u, k=CONTRIBUTIONS)
        projects = rng.choices(pids, weights_p, k=CONTRIBUTIONS)
        rows = [
            {
                "room_id": ROOM,
                "number": i + 1,
                "user_id": users[i],
                "minutes": rng.choice([30, 45, 60, 90, 120, 180, 240, 420]),
                "day": start + dt.timedelta(days=rng.randrange(366)),
                "project_id": projects[i],
                "description": rng.choice(["atelier", "réunion", "compta", "", "permanence"]),
                "event_id": f"$seed-c{i}",
                "created_by": users[i],
                "created_at": NOW,
                "updated_at": NOW,
            }
            for i in range(CONTRIBUTIONS)
        ]
        for k in range(0, len(rows), 10_000):
            conn.execute(insert(Contribution), rows[k : k + 10_000])
        conn.execute(
            insert(CobudgetRound),
            [
                {
                    "id": 1,
                    "room_id": ROOM,
                    "number": 1,
                    "title": "Printemps",
                    "pot_cents": POT,
                    "state": "open",
                    "reaction_values": {"💶": 500, "💰": 2000},
                    "created_by": ADMIN,
                    "event_id": "$seed-round",
                    "created_at": NOW,
                }
            ],
        )
        conn.execute(
            insert(Allocation),
            [
                {
                    "round_id": 1,
                    "room_id": ROOM,
                    "user_id": u,
                    "cents": 100_000,
                    "method": "each",
                    "details": {},
                    "created_by": ADMIN,
                    "event_id": "$seed-alloc",
                    "created_at": NOW,
                }
                for u in everyone
            ],
        )
        held = [0] * BUCKETS
        funding_rows = []
        for n in range(FUNDINGS):
            b = rng.randrange(BUCKETS)
            held[b] += 500
            funding_rows.append(
                {
                    "round_id": 1,
                    "bucket_id": b + 1,
                    "funder": PEOPLE[n % len(PEOPLE)],
                    "cents": 500,
                    "source": "reaction",
                    "reaction_key": "💶",
                    "state": "active",
                    "event_id": f"$seed-f{n}",
                    "created_at": NOW,
                }
            )
        conn.execute(
            insert(BotMessage),
            [
                {
                    "id": n + 1,
                    "room_id": ROOM,
                    "kind": "text",
                    "body": f"card {n + 1}",
                    "mentions": [],
                    "ref_kind": "bucket",
                    "ref_id": str(n + 1),
                    "created_at": NOW,
                    "sent_at": NOW,
                    "platform_id": f"card-{n + 1}",
                    "attempts": 1,
                }
                for n in range(BUCKETS)
            ],
        )
        bucket_rows = []
        for n in range(BUCKETS):
            if n < 20:  # room for more: !financer and reactions go there
                low, high = 1_000_000, 10_000_000
            else:
                low = rng.choice([2_000, 5_000, 10_000, 50_000, 100_000])
                high = max(2 * low, held[n])
            funded = held[n] >= low
            bucket_rows.append(
                {
                    "id": n + 1,
                    "round_id": 1,
                    "room_id": ROOM,
                    "number": n + 1,
                    "title": f"Proposition {n + 1}",
                    "description": "une idée pour le lieu",
                    "author": PEOPLE[n % len(PEOPLE)],
                    "min_cents": low,
                    "max_cents": high,
                    "state": "funded" if funded else "open",
                    "card_message_id": n + 1,
                    "event_id": f"$seed-b{n}",
                    "created_at": NOW,
                    "funded_at": NOW if funded else None,
                }
            )
        conn.execute(insert(Bucket), bucket_rows)
        conn.execute(insert(Funding), funding_rows)
        conn.execute(
            insert(RoomCounter),
            [
                {"room_id": ROOM, "kind": CONTRIBUTION, "last": CONTRIBUTIONS},
                {"room_id": ROOM, "kind": ROUND, "last": 1},
                {"room_id": ROOM, "kind": BUCKET, "last": BUCKETS},
            ],
        )
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
    engine.dispose()

    # envelopes, requests, validations, schedules: by command, as people would
    world = World(path, "seed")
    say = world.handle
    say(world.msg(ADMIN, "!budget KPA 3000€ novembre", admin=True))
    for i in range(REQUESTS):
        say(world.msg(p(i), f"!demande KPA 80€ pour le mois {i}"))
    for i in range(60):  # 60 validated requests (two votes), ten of them questioned
        say(world.msg(p(i + 1), f"!valider {i + 1}"))
        say(world.msg(p(i + 2), f"!valider {i + 1}"))
    for i in range(10):
        say(world.msg(p(i + 3), f"!question {i + 1} pourquoi autant ?"))
    say(world.msg(ADMIN, "!budget COMPTA 20000€ novembre plafond 400€ commun 5%", admin=True))
    say(world.msg(ADMIN, "!budget JARDIN 3000€ octobre plafond 300€", admin=True))
    say(world.msg(ADMIN, "!budget JARDIN clore", admin=True))
    # two envelopes for events of one project, each with its owner, money from several sources
    say(
        world.msg(
            ADMIN,
            f'!budget EVENEMENTS 1500€ mission "Fête de quartier" soucieux {p(5)}',
            admin=True,
        )
    )
    say(world.msg(ADMIN, f'!budget EVENEMENTS 800€ mission "Forum" soucieux {p(6)}', admin=True))
    for i in range(10):
        say(world.msg(p(5), f"!budget #4 source don {i + 1} 50€"))
        say(world.msg(p(5), f'!prestation #4 {1000 + i}€ 10% "formation {i}"'))
    say(world.msg(p(10), "!demande #5 100€ affiches"))
    say(world.msg(ADMIN, f"!valider {REQUESTS + 1}", admin=True))
    # a second room where the busiest person works too, its envelope paid (``!moi``)
    say(world.msg(ADMIN, '!projet ajouter JAR "Jardin"', admin=True, room=SIDE))
    for day in range(1, 21):
        say(world.msg(p(0), f"!contrib 2h {day:02d}/11 JAR", room=SIDE))
        say(world.msg(p(1), f"!contrib 1h {day:02d}/11 JAR", room=SIDE))
    say(world.msg(ADMIN, "!budget JAR 900€ novembre proportionnel", admin=True, room=SIDE))
    say(world.msg(ADMIN, "!budget JAR clore", admin=True, room=SIDE))
    say(world.msg(ADMIN, "!recap planifier lundi 9h", admin=True))
    say(world.msg(ADMIN, "!rappel vendredi 16h", admin=True))
    if _render_pending is not None:
        _render_pending(world.engine)
    world.deliver_all()
    world.close()
    settle(path)


# --------------------------------------------------------------------------- the cases


@dataclass
class Case:
    label: str
    # run ``i``: handle the untimed set-up events, then return the event to time
    make: Callable[[World, int], AnyEvent]
    fresh: bool = False  # run on a fresh copy of the seeded database
    job: Callable[[Session], Any] | None = None  # a scheduled job instead of an event


def say(
    user: str, body: str, *, admin: bool = False, room: str = ROOM
) -> Callable[[World, int], AnyEvent]:
    return lambda w, _i: w.msg(user, body, admin=admin, room=room)


def per_run(fn: Callable[[int], tuple[str, str, bool]]) -> Callable[[World, int], AnyEvent]:
    """A command that changes with the run (a different person, a different number)."""

    def make(w: World, i: int) -> AnyEvent:
        user, body, admin = fn(i)
        return w.msg(user, body, admin=admin)

    return make


def prepared(
    user: str, setup: str, then: Callable[[World, str], AnyEvent], *, admin: bool = False
) -> Callable[[World, int], AnyEvent]:
    """Handle ``setup`` from ``user`` (untimed, its answers delivered), then time ``then``."""

    def make(w: World, _i: int) -> AnyEvent:
        first = w.msg(user, setup, admin=admin)
        w.handle(first)
        w.deliver_all()
        return then(w, first.event_id)

    return make


def edit_to(user: str, body: str) -> Callable[[World, str], AnyEvent]:
    return lambda w, original: w.msg(user, body, edit_of=original, edit_of_sender=user)


def removed_by(user: str, *, admin: bool = False) -> Callable[[World, str], AnyEvent]:
    return lambda w, original: w.redact(user, original, admin=admin)


def confirm_offer(w: World, i: int) -> AnyEvent:
    offer = w.msg(p(5), f"!contrib 1h KAP réunion {i}")
    w.handle(offer)
    w.deliver_all()
    return w.react(p(5), w.answer_to(offer.event_id, "pending"), "✅")


def unconfirm_offer(w: World, i: int) -> AnyEvent:
    tick = confirm_offer(w, i)
    w.handle(tick)
    w.deliver_all()
    return w.redact(p(5), tick.event_id)


def reopen_side_round(w: World, _i: int) -> AnyEvent:
    """``!tour ouvrir`` in a room of its own, whose round is closed first (untimed)."""
    w.handle(w.msg(ADMIN, "!tour fermer", admin=True, room=SIDE))
    return w.msg(ADMIN, '!tour ouvrir "Été" 5000€', admin=True, room=SIDE)


def editor(i: int) -> str:
    """Who asks and edits in run ``i`` of ``!demande edited``: a person of the seeded data
    (never a new one, whatever the number of runs) with no request on KPA yet, for 50 runs (the
    other cases ask on KPA as p000-p099 and p150-p199)."""
    return p(100 + i % 50)


def unreact_card(w: World, i: int) -> AnyEvent:
    reaction = w.react(p(13), f"card-{i % 20 + 1}", "💶")
    w.handle(reaction)
    w.deliver_all()
    return w.redact(p(13), reaction.event_id)


def request_card(w: World, number: int) -> str:
    with Session(w.engine) as db:
        found = db.exec(
            select(BotMessage.platform_id).where(
                BotMessage.ref_kind == "request",
                BotMessage.ref_id == str(number),
                col(BotMessage.platform_id).is_not(None),
            )
        ).first()
    assert found
    return found


def campaign_card(w: World) -> str:
    """The platform id of the open campaign's message on KPA (opened if there is none)."""
    first = w.msg(ADMIN, "!releve KPA avant le 15/12", admin=True)
    w.handle(first)
    w.deliver_all()
    with Session(w.engine) as db:
        found = db.exec(
            select(BotMessage.platform_id)
            .where(BotMessage.ref_kind == "campaign", col(BotMessage.platform_id).is_not(None))
            .order_by(col(BotMessage.id).desc())
        ).first()
    assert found
    return found


def with_guidance(then: Callable[[World, int], AnyEvent]) -> Callable[[World, int], AnyEvent]:
    """KPA with a range of pay and a growth cap (set untimed), then ``then``."""

    def make(w: World, i: int) -> AnyEvent:
        w.handle(w.msg(ADMIN, "!taux KPA 15-25€/h hausse 20%", admin=True))
        w.deliver_all()
        return then(w, i)

    return make


def opened_campaign(w: World, _i: int) -> AnyEvent:
    campaign_card(w)
    return w.msg(ADMIN, "")  # not handled: the job runs instead


def _campaign_job(at: dt.datetime) -> Callable[[Session, World], Any]:
    def job(db: Session, w: World) -> Any:
        from commands.budget.campaign_jobs import campaign_duty

        return campaign_duty(db, w.registry, Settings(), at)

    return job


def unvalidate_card(w: World, i: int) -> AnyEvent:
    tick = w.react(p(130 + i), request_card(w, 70), "✅")
    w.handle(tick)
    w.deliver_all()
    return w.redact(p(130 + i), tick.event_id)


VOTE = "!budget KPA atterrissage vote 3j"


def vote_card(w: World) -> str:
    """The platform id of the message of KPA's running landing vote, opened (untimed) when
    there is none."""
    from storage.models import BudgetLandingVote

    with Session(w.engine) as db:
        found = db.exec(
            select(BotMessage.platform_id)
            .join(
                BudgetLandingVote,
                col(BotMessage.ref_id) == text("CAST(budget_landing_vote.id AS TEXT)"),
            )
            .where(
                BotMessage.ref_kind == "landing_vote",
                BudgetLandingVote.state == "open",
                col(BotMessage.platform_id).is_not(None),
            )
        ).first()
    if found:
        return found
    w.handle(w.msg(ADMIN, VOTE, admin=True))
    w.deliver_all()
    return vote_card(w)


def key_of(n: int) -> str:
    return f"{n}\ufe0f\u20e3"


def revote(w: World, i: int) -> AnyEvent:
    first = w.react(p(90 + i), vote_card(w), key_of(1))
    w.handle(first)
    w.deliver_all()
    return w.react(p(90 + i), vote_card(w), key_of(2))


def unvote(w: World, i: int) -> AnyEvent:
    first = w.react(p(120 + i), vote_card(w), key_of(3))
    w.handle(first)
    w.deliver_all()
    return w.redact(p(120 + i), first.event_id)


def vote_cancelled(w: World, _i: int) -> AnyEvent:
    vote_card(w)
    return w.msg(ADMIN, "!budget KPA atterrissage vote annuler", admin=True)


def votes_cast(w: World, _i: int) -> AnyEvent:
    """A running vote with 50 ballots (untimed); the job counts it."""
    card = vote_card(w)
    for n in range(50):
        w.handle(w.react(p(n), card, key_of(2 if n < 20 else n % 4 + 1)))
    w.deliver_all()
    return w.msg(ADMIN, "")  # not handled: the job runs instead


def _count_votes(db: Session, w: World) -> Any:
    from commands.budget.vote import close_votes

    return close_votes(db, w.registry, Settings(), NOW + dt.timedelta(days=4))


def buckets_in(w: World, state: str) -> list[int]:
    with Session(w.engine) as db:
        return list(
            db.exec(
                select(Bucket.number).where(Bucket.state == state).order_by(col(Bucket.number))
            ).all()
        )


def scheduled_recap(w: World, _i: int) -> AnyEvent:
    with w.engine.begin() as conn:
        conn.execute(RecapSent.__table__.delete())  # type: ignore[attr-defined]
    return w.msg(ADMIN, "")  # not handled: the job runs instead


def _run_due_recap(db: Session, w: World) -> Any:
    from commands.recap import check_due
    from commands.schedules import WEEKLY

    monday = dt.datetime(2026, 11, 30, 8, 0, 30, tzinfo=dt.UTC)  # 9:00:30 in Paris
    return check_due(db, w.registry, Settings(), ROOM, WEEKLY, monday, dt.timedelta(hours=12))


def cases() -> list[Case]:
    admin = {"admin": True}
    return [
        # -- contributions
        Case("!contrib 3h atelier KPA", say(p(1), "!contrib 3h atelier KPA")),
        Case("!contrib 2h hier réunion (no project)", say(p(1), "!contrib 2h hier réunion")),
        Case(
            "!contrib edited",
            prepared(p(2), "!contrib 1h KPA essai", edit_to(p(2), "!contrib 2h KPA essai")),
        ),
        Case("!contrib message deleted", prepared(p(2), "!contrib 1h KPA essai", removed_by(p(2)))),
        Case("!contrib 1h KAP (doubtful code: offer)", say(p(5), "!contrib 1h KAP réunion")),
        Case("✅ on an offer", confirm_offer),
        Case("✅ removed from an offer", unconfirm_offer),
        Case(
            "!annuler (the latest)",
            prepared(p(3), "!contrib 1h KPA à annuler", lambda w, _o: w.msg(p(3), "!annuler")),
        ),
        Case(
            "!annuler 99990 (admin)",
            per_run(lambda i: (ADMIN, f"!annuler {CONTRIBUTIONS - i}", True)),
        ),
        Case("!contribs", say(p(4), "!contribs")),
        Case("!contribs tous", say(p(4), "!contribs tous")),
        Case("!contribs tous 2026", say(p(4), "!contribs tous 2026")),
        Case("!contribs @p007 2026", say(p(4), "!contribs @p007 2026")),
        Case("!contribs KPA tout", say(p(4), "!contribs KPA tout")),
        # -- projects
        Case("!projets", say(p(6), "!projets")),
        Case("!projet KPA", say(p(6), "!projet KPA")),
        Case(
            "!projet ajouter",
            per_run(lambda i: (ADMIN, f"!projet ajouter NEW{i} Nouveau {i}", True)),
        ),
        Case("!projet renommer", say(ADMIN, "!projet renommer BAR Bar et cuisine", **admin)),
        Case("!projet archiver", say(ADMIN, "!projet archiver LOGISTIQUE", **admin)),
        Case("!projet rouvrir", say(ADMIN, "!projet rouvrir LOGISTIQUE", **admin)),
        # -- cobudget
        Case("!tour", say(p(8), "!tour")),
        Case("!tour reactions", say(ADMIN, "!tour reactions 💶=5€ 💰=20€", **admin)),
        Case("!tour ouvrir", reopen_side_round),
        Case("!tour fermer (1,000 buckets)", say(ADMIN, "!tour fermer", **admin), fresh=True),
        Case("!allouer @p010 10€", say(ADMIN, "!allouer @p010 10€", **admin)),
        Case("!allouer tous 1€ (201 people)", say(ADMIN, "!allouer tous 1€", **admin)),
        Case(
            "!allouer contributions novembre",
            say(ADMIN, "!allouer contributions novembre", **admin),
            fresh=True,
        ),
        Case(
            "!allouer message deleted",
            prepared(ADMIN, "!allouer @p016 5€", removed_by(ADMIN, admin=True), admin=True),
        ),
        Case(
            "!bucket (propose)", say(p(11), "!bucket Vélo cargo 300€ max 500€ pour les livraisons")
        ),
        Case("!bucket 7 (show)", say(p(11), "!bucket 7")),
        Case(
            "!bucket N termine",
            lambda w, i: w.msg(ADMIN, f"!bucket {buckets_in(w, 'funded')[i]} termine", admin=True),
        ),
        Case(
            "!bucket N annuler (refunds)",
            lambda w, i: w.msg(
                ADMIN, f"!bucket {buckets_in(w, 'open')[20 + i]} annuler", admin=True
            ),
        ),
        Case(
            "!bucket message deleted",
            prepared(p(11), "!bucket Four à pain 200€", removed_by(p(11))),
        ),
        Case("!buckets (1,000)", say(p(12), "!buckets")),
        Case("!financer 12 5€", say(p(12), "!financer 12 5€")),
        Case("!financer message deleted", prepared(p(12), "!financer 12 5€", removed_by(p(12)))),
        Case("💶 on a card", lambda w, i: w.react(p(13), f"card-{i % 20 + 1}", "💶")),
        Case("💶 removed from a card", unreact_card),
        Case("!solde", say(p(14), "!solde")),
        Case("!solde @p015", say(p(14), "!solde @p015")),
        Case("!solde tous (201 people)", say(p(14), "!solde tous")),
        # -- contributive budget
        Case("!budget KPA (libre, 100 requests)", say(p(20), "!budget KPA")),
        Case("!budget COMPTA (proportional, 200 people)", say(p(20), "!budget COMPTA")),
        Case("!budgets (5 envelopes)", say(p(20), "!budgets")),
        Case("!budget #4 (mission, owner, 21 sources)", say(p(20), "!budget #4")),
        Case("!budget EVENEMENTS (asks which)", say(p(20), "!budget EVENEMENTS")),
        Case(
            "!budget #4 source don 200€ (owner)",
            say(p(5), "!budget #4 source don 200€"),
        ),
        Case(
            "!prestation #4 3000€ 10% (owner)",
            say(p(5), '!prestation #4 3000€ 10% "formation X"'),
        ),
        Case(
            "!prestation message deleted",
            prepared(p(5), "!prestation #4 100€ 10% essai", removed_by(p(5))),
        ),
        Case(
            "!budget #4 soucieux @p007 (admin)",
            say(ADMIN, f"!budget #4 soucieux {p(7)}", **admin),
        ),
        Case("!demande #4 60€", per_run(lambda i: (p(60 + i), "!demande #4 60€ matériel", False))),
        Case("!budget #5 clore (owner)", say(p(6), "!budget #5 clore"), fresh=True),
        Case(
            "!budget CAFE 500€ novembre (create)",
            say(ADMIN, "!budget CAFE 500€ novembre", **admin),
            fresh=True,
        ),
        Case(
            "!budget INFRA … plafond (create, proportional)",
            say(ADMIN, "!budget INFRA 2000€ novembre plafond 300€", **admin),
            fresh=True,
        ),
        Case(
            "!demande KPA 60€",
            per_run(lambda i: (p(150 + i), "!demande KPA 60€ pour le matériel", False)),
        ),
        Case(
            "!demande edited",
            lambda w, i: prepared(
                editor(i), "!demande KPA 50€ v1", edit_to(editor(i), "!demande KPA 55€ v2")
            )(w, i),
        ),
        Case(
            "!demande edited (had a request)",
            lambda w, i: prepared(
                p(i % 50), "!demande KPA 50€ v1", edit_to(p(i % 50), "!demande KPA 55€ v2")
            )(w, i),
        ),
        Case("!demande KPA retirer", per_run(lambda i: (p(30 + i), "!demande KPA retirer", False))),
        Case("!question 5", per_run(lambda i: (p(100 + i), "!question 5 pourquoi ?", False))),
        Case("!valider 65", per_run(lambda i: (p(100 + i), "!valider 65", False))),
        Case("✅ on a request", lambda w, i: w.react(p(120 + i), request_card(w, 66), "✅")),
        Case("❓ on a request", lambda w, i: w.react(p(120 + i), request_card(w, 67), "❓")),
        Case("✅ removed from a request", unvalidate_card),
        Case("!budget KPA prorata", say(ADMIN, "!budget KPA prorata", **admin)),
        Case("!budget KPA accord 9 40€", say(ADMIN, "!budget KPA accord 9 40€", **admin)),
        Case(
            "!budget COMPTA je-donne 50%",
            per_run(lambda i: (p(i), "!budget COMPTA je-donne 50%", False)),
        ),
        Case(
            "!budget COMPTA je-refuse",
            per_run(lambda i: (p(40 + i), "!budget COMPTA je-refuse", False)),
        ),
        Case(
            "!budget KPA clore (libre, 100 requests)",
            say(ADMIN, "!budget KPA clore", **admin),
            fresh=True,
        ),
        Case(
            "!budget COMPTA clore (proportional)",
            say(ADMIN, "!budget COMPTA clore", **admin),
            fresh=True,
        ),
        Case("!budget JARDIN csv (closed)", say(p(21), "!budget JARDIN csv")),
        # -- rate guidance and hour-reading campaigns
        Case("!taux KPA 15-25€/h hausse 20%", say(ADMIN, "!taux KPA 15-25€/h hausse 20%", **admin)),
        Case("!taux KPA", with_guidance(say(p(26), "!taux KPA"))),
        Case("!taux (room and projects)", with_guidance(say(p(26), "!taux"))),
        Case(
            "!demande KPA 60€ (a range, a growth cap)",
            with_guidance(
                per_run(lambda i: (p(150 + i), "!demande KPA 60€ pour le matériel", False))
            ),
        ),
        Case(
            "!budget KPA (100 requests, a range, a campaign)",
            with_guidance(lambda w, _i: (campaign_card(w), w.msg(p(20), "!budget KPA"))[1]),
        ),
        Case(
            "!releve KPA avant le 15/12 (201 people)",
            say(ADMIN, "!releve KPA avant le 15/12", **admin),
            fresh=True,
        ),
        Case(
            "!releve KPA (state)", lambda w, _i: (campaign_card(w), w.msg(p(27), "!releve KPA"))[1]
        ),
        Case(
            "!releve KPA annuler",
            lambda w, _i: (campaign_card(w), w.msg(ADMIN, "!releve KPA annuler", admin=True))[1],
        ),
        Case("✅ on a campaign message", lambda w, i: w.react(p(60 + i), campaign_card(w), "✅")),
        Case(
            "campaign reminder (job, 201 people)",
            opened_campaign,
            fresh=True,
            job=_campaign_job(dt.datetime(2026, 12, 14, 9, tzinfo=dt.UTC)),
        ),
        Case(
            "campaign report (job, 201 people)",
            opened_campaign,
            fresh=True,
            job=_campaign_job(dt.datetime(2026, 12, 15, 9, tzinfo=dt.UTC)),
        ),
        # -- a landing chosen by reaction (KPA: 60 validated requests over the envelope)
        Case("!budget KPA atterrissage (no vote)", say(p(20), "!budget KPA atterrissage")),
        Case("!budget KPA atterrissage vote 3j (open)", say(ADMIN, VOTE, **admin), fresh=True),
        Case("1️⃣ on a landing vote", lambda w, i: w.react(p(60 + i), vote_card(w), key_of(1))),
        Case("2️⃣ replacing one's landing vote", revote),
        Case("vote reaction removed", unvote),
        Case(
            "!budget KPA atterrissage (a running vote)",
            lambda w, _i: (vote_card(w), w.msg(p(20), "!budget KPA atterrissage"))[1],
        ),
        Case("!budget KPA atterrissage vote annuler", vote_cancelled, fresh=True),
        Case("landing vote counted, 50 ballots (job)", votes_cast, fresh=True, job=_count_votes),
        # -- exports
        Case("!export csv (this month)", say(p(22), "!export csv")),
        Case("!export csv tout (100,000 rows)", say(p(22), "!export csv tout")),
        Case("!export csv KPA 2026", say(p(22), "!export csv KPA 2026")),
        # -- recaps
        Case("!recap (this week)", say(p(23), "!recap")),
        Case("!recap novembre", say(p(23), "!recap novembre")),
        Case("!recap 2026", say(p(23), "!recap 2026")),
        Case("!recap planifier (show)", say(p(23), "!recap planifier")),
        Case("!recap planifier lundi 9h", say(ADMIN, "!recap planifier lundi 9h", **admin)),
        Case("!rappel", say(p(23), "!rappel")),
        Case("!rappel vendredi 16h", say(ADMIN, "!rappel vendredi 16h", **admin)),
        Case("scheduled weekly recap (job)", scheduled_recap, job=_run_due_recap),
        # -- a person's own statement (p000: the most contributions, two rooms, two envelopes)
        Case(
            "!moi (a year, 2 rooms, in a DM)",
            lambda w, _i: w.msg(p(0), "!moi", room=DIRECT, is_direct=True),
        ),
        Case(
            "!moi csv 2026 (a year, 2 rooms, in a DM)",
            lambda w, _i: w.msg(p(0), "!moi csv 2026", room=DIRECT, is_direct=True),
        ),
        # -- settings, help, the rest
        Case("!langue", say(p(24), "!langue")),
        Case("!langue fr", say(ADMIN, "!langue fr", **admin)),
        Case("!fuseau Europe/Paris", say(ADMIN, "!fuseau Europe/Paris", **admin)),
        Case("!reglages", say(p(24), "!reglages")),
        Case("!reglages journee 7h", say(ADMIN, "!reglages journee 7h", **admin)),
        Case("!reglages devise CHF (refused)", say(ADMIN, "!reglages devise CHF", **admin)),
        Case("!aide", say(p(25), "!aide")),
        Case("!aide contrib", say(p(25), "!aide contrib")),
        Case("!inconnu (unknown command)", say(p(25), "!inconnu")),
        Case(
            "someone joins",
            lambda w, i: MemberChanged(
                platform="console",
                event_id=w.eid(),
                room_id=ROOM,
                sender=f"@new{i}:example.org",
                user_id=f"@new{i}:example.org",
                display_name=f"Nouvelle {i}",
                timestamp=NOW,
            ),
        ),
        Case("plain text (not a command)", say(p(25), "bonjour tout le monde")),
    ]


# --------------------------------------------------------------------------- running


@dataclass
class Figures:
    statements: list[int] = field(default_factory=list)
    inside: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # the bench process's CPU time, same span
    outside: list[float] = field(default_factory=list)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def run_case(case: Case, world: World, template: Path, runs: int) -> Figures:
    """``runs`` timed runs of ``case``, after one untimed (a warm process)."""
    out = Figures()
    for i in range(runs + 1):
        if case.fresh:
            world.reset(template)
        ev = case.make(world, i)
        # the sender has spoken before (a person and member already known to the process)
        if isinstance(ev, Message | ReactionAdded | Redacted):
            world.handle(world.msg(ev.sender, "!langue", room=ev.room_id))
        counter = world.counter
        gc.collect()
        gc.disable()
        counter.count = 0
        counter.on = True
        t0 = time.perf_counter()
        c0 = time.process_time()
        if case.job is not None:
            with transaction(world.engine) as db:
                case.job(db, world)  # type: ignore[call-arg]
        else:
            world.handle(ev)
        t1 = time.perf_counter()
        c1 = time.process_time()
        counter.on = False
        gc.enable()
        rendered_ms: float | None = None
        if _render_pending is not None:
            t2 = time.perf_counter()
            if _render_pending(world.engine):
                rendered_ms = (time.perf_counter() - t2) * 1000
        world.deliver_all()
        if i == 0:
            continue  # the warm-up
        out.statements.append(counter.count)
        out.inside.append((t1 - t0) * 1000)
        out.cpu.append((c1 - c0) * 1000)
        if rendered_ms is not None:
            out.outside.append(rendered_ms)
    if case.fresh:  # the commands after it see the seeded database
        world.reset(template)
    return out


def seeded_at_head(template: Path) -> bool:
    """Whether the kept database has the schema of the code (its last migration)."""
    import sqlite3

    from alembic.script import ScriptDirectory

    from storage.db import alembic_config

    heads = set(ScriptDirectory.from_config(alembic_config(sqlite_url(template))).get_heads())
    conn = sqlite3.connect(template)
    try:
        found = {row[0] for row in conn.execute("SELECT version_num FROM alembic_version")}
    except sqlite3.Error:
        found = set()
    finally:
        conn.close()
    return found == heads


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=20, help="runs per command")
    parser.add_argument(
        "--fresh-runs", type=int, default=7, help="runs of commands on a fresh copy"
    )
    parser.add_argument(
        "--only", help="only the commands whose label holds this text (or one of a|b|c)"
    )
    parser.add_argument("--keep", help="keep the seeded database in this folder (reused if there)")
    args = parser.parse_args()
    clock.install(lambda: NOW)
    folder = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="cagnotte-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    template = folder / "seeded.db"
    if template.exists() and not seeded_at_head(template):
        print(f"{template}: an older schema, seeded again")
        for end in ("", "-wal", "-shm"):
            template.with_name(template.name + end).unlink(missing_ok=True)
    if not template.exists():
        t0 = time.perf_counter()
        seed(template)
        print(f"seeded in {time.perf_counter() - t0:.1f} s: {template}")
    work = folder / "work.db"
    restore(template, work)
    world = World(work, "run")
    # warm up: imports, caches, the first chart of the process
    for body in ("!aide", "!contribs", "!recap"):
        world.handle(world.msg(p(199), body))
    if _render_pending is not None:
        _render_pending(world.engine)
    world.deliver_all()
    gc.collect()
    gc.freeze()  # the seeded world and the imports: never scanned again
    print(
        f"{CONTRIBUTIONS:,} contributions, {BUCKETS:,} buckets, {FUNDINGS:,} fundings, "
        f"{len(PEOPLE)} people, {REQUESTS} requests; SQLite {sqlite_version()}"
    )
    header = f"{'command':<48} {'stmts':>5} {'median':>8} {'p95':>8} {'cpu':>8} {'outside':>9}"
    print("a warm process: each command once untimed first; no garbage collection while timed")
    print(header)
    print("-" * len(header))
    worst = []
    for case in cases():
        if args.only and not any(w in case.label.lower() for w in args.only.lower().split("|")):
            continue
        runs = args.fresh_runs if case.fresh else args.runs
        try:
            figures = run_case(case, world, template, runs)
        except Exception as err:  # a case that cannot run on this code: say so, go on
            print(f"{case.label:<48} failed: {type(err).__name__}: {err}")
            gc.enable()
            world.reset(template)
            continue
        outside = (
            f"{statistics.median(figures.outside):7.1f} ms" if figures.outside else "        —"
        )
        stmts = max(figures.statements)
        high = p95(figures.inside)
        print(
            f"{case.label:<48} {stmts:>5} {statistics.median(figures.inside):6.1f}ms "
            f"{high:6.1f}ms {statistics.median(figures.cpu):6.1f}ms {outside}",
            flush=True,
        )
        if stmts > 10 or high > 50:
            worst.append(case.label)
    world.close()
    print(
        f"\nover 10 statements or 50 ms at p95: {len(worst)}"
        + (f" ({', '.join(worst)})" if worst else "")
    )
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)


def sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


if __name__ == "__main__":
    main()
