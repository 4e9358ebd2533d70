"""Authorship, family by family, at the dispatcher: only the sender of a command changes what it
created by editing it; only its sender or an admin undoes it by removing it; a forged edit or
removal changes nothing (every table and the audit trail stay as they were) and says at most
one short line.

Each case is a command (or a reaction) that creates or changes a record, sent in a room where
every family has something to act on (today: Thursday 26 Nov 2026)."""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from commands import build_registry
from commands.core import Dispatcher, Queued, Settings
from commands.events import Attachment, Message, ReactionAdded, Redacted, Role
from storage import clock as process_clock
from storage import cursors
from storage.db import make_engine, sqlite_url
from storage.models import (
    Allocation,
    BotMessage,
    Bucket,
    BudgetCampaign,
    BudgetEnvelope,
    BudgetGiveBack,
    BudgetLandingBallot,
    BudgetLandingVote,
    BudgetQuestion,
    BudgetRateGuide,
    BudgetRequest,
    BudgetSource,
    BudgetValidation,
    ChatEvent,
    CobudgetRound,
    Contribution,
    Funding,
    PageLink,
    PageRoom,
    PendingAction,
    Project,
    RecapSchedule,
    Room,
)

NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)
ROOM, OTHER_ROOM = "!r", "!r2"
ADMIN, MEMBER, MODERATOR = Role.ADMIN, Role.MEMBER, Role.MODERATOR
ADMINS = ("@root", "@admin2")


class World:
    """A room where every family has something to act on; events sent through one dispatcher."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        settings = Settings(page_url="http://127.0.0.1:8080")
        self.dispatcher = Dispatcher(engine, build_registry(), settings, clock=lambda: NOW)
        self._ids = itertools.count(1)

    def _id(self, prefix: str) -> str:
        return f"${prefix}{next(self._ids)}"

    def send(
        self,
        sender: str,
        body: str,
        role: Role = MEMBER,
        room: str = ROOM,
        event_id: str = "",
        files: tuple[Attachment, ...] = (),
    ) -> tuple[str, list[Queued]]:
        event_id = event_id or self._id("m")
        event = Message(
            platform="console",
            event_id=event_id,
            room_id=room,
            sender=sender,
            role=role,
            body=body,
            timestamp=NOW,
            files=files,
        )
        return event_id, self.dispatcher.handle(event)

    def react(
        self, sender: str, target: str, key: str, role: Role = MEMBER, room: str = ROOM
    ) -> tuple[str, list[Queued]]:
        event_id = self._id("x")
        event = ReactionAdded(
            platform="console",
            event_id=event_id,
            room_id=room,
            sender=sender,
            role=role,
            target_event_id=target,
            key=key,
            timestamp=NOW,
        )
        return event_id, self.dispatcher.handle(event)

    def edit(
        self, sender: str, target: str, body: str, author: str, role: Role, room: str = ROOM
    ) -> list[Queued]:
        """An edit of ``target`` by ``sender``; ``author`` is who sent ``target``, as an adapter
        that remembers it would say."""
        event = Message(
            platform="console",
            event_id=self._id("e"),
            room_id=room,
            sender=sender,
            role=role,
            body=body,
            edit_of=target,
            edit_of_sender=author,
            timestamp=NOW,
        )
        return self.dispatcher.handle(event)

    def remove(self, sender: str, target: str, role: Role, room: str = ROOM) -> list[Queued]:
        event = Redacted(
            platform="console",
            event_id=self._id("d"),
            room_id=room,
            sender=sender,
            role=role,
            target_event_id=target,
            timestamp=NOW,
        )
        return self.dispatcher.handle(event)

    def delivered(self, ref_kind: str, ref_id: object, platform_id: str) -> None:
        """The card tied to an object was sent and got ``platform_id`` (reactions target it)."""
        with Session(self.engine) as db:
            card = db.exec(
                select(BotMessage).where(
                    BotMessage.ref_kind == ref_kind, BotMessage.ref_id == str(ref_id)
                )
            ).one()
            card.platform_id = platform_id
            db.add(card)
            db.commit()


SETUP: list[tuple[str, Role, str]] = [
    ("@root", ADMIN, "!projet ajouter KPA"),
    ("@root", ADMIN, "!projet ajouter PROP"),
    ("@root", ADMIN, "!projet ajouter NEW"),
    ("@admin2", ADMIN, "!contribs"),
    ("@mod", MODERATOR, "!contribs"),
    ("@alice", MEMBER, "!contrib 10h KPA atelier"),
    ("@bob", MEMBER, "!contrib 5h KPA compta"),
    ("@alice", MEMBER, "!contrib 4h PROP"),
    ("@bob", MEMBER, "!contrib 4h PROP"),
    ("@carol", MEMBER, "!contrib 2h NEW"),
    ("@root", ADMIN, "!tour ouvrir Hiver 1000€"),
    ("@root", ADMIN, "!allouer @alice @bob @carol 100€"),
    ("@bob", MEMBER, "!bucket Café 50€ max 80€"),
    ("@carol", MEMBER, "!financer 1 50€"),
    ("@root", ADMIN, "!budget KPA 500€ novembre"),
    ("@root", ADMIN, "!budget PROP 300€ novembre proportionnel"),
    ("@alice", MEMBER, "!demande KPA 100€ affiches"),
]


def build_world(engine: Engine) -> World:
    world = World(engine)
    for sender, role, body in SETUP:
        _, sent = world.send(sender, body, role)
        assert sent and "⚠️" not in sent[0].body and "⛔" not in sent[0].body, (body, sent)
    for who, role in (("@root", ADMIN), ("@admin2", ADMIN), ("@mod", MODERATOR)):
        world.send(who, "!contribs", role, room=OTHER_ROOM)  # known in the other room too
    for who in ("@alice", "@bob", "@carol"):
        world.send(who, "!contribs", MEMBER, room=OTHER_ROOM)
    world.delivered("bucket", 1, "$card")
    world.delivered("request", 1, "$req")
    return world


@pytest.fixture(scope="session")
def world_db(template_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The world built once per session; each test gets a copy."""
    path = tmp_path_factory.mktemp("authorship") / "world.db"
    shutil.copy(template_db, path)
    engine = make_engine(sqlite_url(path))
    with process_clock.using(lambda: NOW):
        build_world(engine)
    engine.dispose()
    return path


@pytest.fixture
def world(world_db: Path, tmp_path: Path) -> Any:
    path = tmp_path / "world.db"
    shutil.copy(world_db, path)
    engine = make_engine(sqlite_url(path))
    w = World(engine)
    w._ids = itertools.count(1000)
    yield w
    engine.dispose()


# -- what a command changed ---------------------------------------------------------------------

Probe = Callable[[Session], object]


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the audit trail included), but the record of handled events
    and the bot's outbox, which say what was seen and answered."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in ("chatevent", "botmessage"):
                continue
            query = sa_select(table).order_by(*table.primary_key.columns)
            out[table.name] = [tuple(row) for row in conn.execute(query)]
    return out


def contributions(db: Session) -> object:
    return [
        (c.user_id, c.minutes, c.day, c.project_id, c.description)
        for c in db.exec(select(Contribution).order_by(col(Contribution.id)))
    ]


def fundings(db: Session) -> object:
    return [
        (f.bucket_id, f.funder, f.cents)
        for f in db.exec(select(Funding).where(Funding.state == "active").order_by(col(Funding.id)))
    ]


def buckets(db: Session) -> object:
    return [
        (b.id, b.title, b.min_cents, b.state)
        for b in db.exec(
            select(Bucket).where(col(Bucket.state).in_(("open", "funded"))).order_by(col(Bucket.id))
        )
    ]


def rounds(db: Session) -> object:
    return [
        (r.room_id, r.title, r.pot_cents, r.state, r.reaction_values)
        for r in db.exec(select(CobudgetRound).order_by(col(CobudgetRound.id)))
    ]


def allocations(db: Session) -> object:
    return sorted((a.user_id, a.cents) for a in db.exec(select(Allocation)))


def envelopes(db: Session) -> object:
    return [
        (e.id, e.project_id, e.amount, e.state)
        for e in db.exec(select(BudgetEnvelope).order_by(col(BudgetEnvelope.id)))
    ]


def funded(db: Session) -> object:
    """Each envelope's amount and its sources."""
    return (
        envelopes(db),
        [
            (s.envelope_id, s.kind, s.label, s.amount, s.user_id)
            for s in db.exec(select(BudgetSource).order_by(col(BudgetSource.id)))
        ],
    )


def owners(db: Session) -> object:
    return [
        (e.id, e.owner) for e in db.exec(select(BudgetEnvelope).order_by(col(BudgetEnvelope.id)))
    ]


def requests(db: Session) -> object:
    return [
        (r.id, r.user_id, r.amount, r.granted, r.message)
        for r in db.exec(
            select(BudgetRequest)
            .where(BudgetRequest.state == "active")
            .order_by(col(BudgetRequest.id))
        )
    ]


def validations(db: Session) -> object:
    return sorted((v.request_id, v.user_id) for v in db.exec(select(BudgetValidation)))


def questions(db: Session) -> object:
    return sorted((q.request_id, q.user_id) for q in db.exec(select(BudgetQuestion)))


def givebacks(db: Session) -> object:
    return sorted(
        (g.envelope_id, g.user_id, g.percent_bp, g.cents) for g in db.exec(select(BudgetGiveBack))
    )


def landing_votes(db: Session) -> object:
    """Votes on a landing, and the ballots that count."""
    return (
        [
            (v.id, v.state, v.deadline)
            for v in db.exec(select(BudgetLandingVote).order_by(col(BudgetLandingVote.id)))
        ],
        sorted(
            (b.user_id, b.option)
            for b in db.exec(
                select(BudgetLandingBallot).where(BudgetLandingBallot.state == "active")
            )
        ),
    )


def settled(db: Session) -> object:
    return (requests(db), validations(db))


def schedules(db: Session) -> object:
    return sorted(
        (s.kind, s.weekday, s.month_day, s.hour, s.minute)
        for s in db.exec(select(RecapSchedule).where(col(RecapSchedule.enabled).is_(True)))
    )


def projects(db: Session) -> object:
    return [
        (p.code, p.name, p.archived) for p in db.exec(select(Project).order_by(col(Project.id)))
    ]


def page_links(db: Session) -> object:
    """The room's links that still open its page."""
    return [
        (link.id, link.kind, link.user_id)
        for link in db.exec(
            select(PageLink).where(col(PageLink.revoked_at).is_(None)).order_by(col(PageLink.id))
        )
    ]


def page_state(db: Session) -> object:
    row = db.get(PageRoom, ROOM)
    return (row is None or row.enabled, page_links(db))


def room_settings(db: Session) -> object:
    room = db.get(Room, ROOM)
    assert room is not None
    return (
        room.language,
        room.timezone,
        room.currency,
        room.day_minutes,
        room.max_entry_minutes,
        cursors.admin_level(db, ROOM),
        room.default_project_id,
    )


def rate_guides(db: Session) -> object:
    return [
        (r.scope, r.low, r.high, r.unit, r.growth_bp)
        for r in db.exec(select(BudgetRateGuide).order_by(col(BudgetRateGuide.id)))
    ]


def campaigns(db: Session) -> object:
    return [
        (c.envelope_id, c.deadline, c.state)
        for c in db.exec(select(BudgetCampaign).order_by(col(BudgetCampaign.id)))
        if c.state != "removed"  # (a removed campaign is kept for the record, as nothing)
    ]


def offers(db: Session) -> object:
    """What waits for a ✅ (``!oubliemoi``, ``!importer``: nothing changes before it)."""
    return [
        (a.kind, a.sender)
        for a in db.exec(
            select(PendingAction)
            .where(PendingAction.state == "open")
            .order_by(col(PendingAction.id))
        )
    ]


# the file an admin sends with !importer
IMPORT_FILE = (
    Attachment(
        name="heures.csv",
        mime="text/csv",
        data=b"date;personne;heures;projet\n12/11/2026;@alice;2;KPA\n",
    ),
)


def probe(world: World, fn: Probe) -> object:
    with Session(world.engine) as db:
        return fn(db)


# -- the families' commands ---------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    sender: str
    role: Role
    body: str  # a command, or "react <target> <key>"
    changed: str  # what a forger edits it into
    probe: Probe
    undo: bool = True  # whether removing it (by its sender or an admin) undoes it
    room: str = ROOM
    before: tuple[tuple[str, Role, str], ...] = ()  # what the room says first
    # a card the bot sent first, delivered with a platform id (ref kind, ref id, platform id)
    card: tuple[str, object, str] | None = None

    @property
    def admin_only(self) -> bool:
        return self.role is ADMIN

    def __str__(self) -> str:
        return self.name


# validated requests over the envelope (100 € and 450 € for 500 €): something to land
SHORTFALL = (("@carol", MEMBER, "!demande KPA 450€"), ("@root", ADMIN, "!valider 1"),
             ("@root", ADMIN, "!valider 2"))  # fmt: skip

CASES = [
    Case("contrib", "@alice", MEMBER, "!contrib 3h atelier KPA", "!contrib 9h atelier KPA",
         contributions),
    Case("annuler", "@alice", MEMBER, "!annuler 1", "!annuler 2", contributions),
    Case("projet ajouter", "@root", ADMIN, "!projet ajouter ZED", "!projet archiver KPA",
         projects),
    Case("projet renommer", "@root", ADMIN, "!projet renommer KPA Atelier", "!projet renommer "
         "KPA Rien", projects),
    Case("projet archiver", "@root", ADMIN, "!projet archiver NEW", "!projet rouvrir NEW",
         projects),
    Case("projet defaut", "@root", ADMIN, "!projet defaut KPA", "!projet defaut NEW",
         room_settings),
    Case("tour ouvrir", "@root", ADMIN, "!tour ouvrir Printemps 500€",
         "!tour ouvrir Printemps 5000€", rounds, room=OTHER_ROOM),
    Case("tour reactions", "@root", ADMIN, "!tour reactions 💶=1€", "!tour reactions 💶=90€",
         rounds),
    Case("tour fermer", "@root", ADMIN, "!tour fermer", "!tour", rounds, undo=False),
    Case("allouer", "@root", ADMIN, "!allouer @carol 20€", "!allouer @bob 200€", allocations),
    Case("bucket", "@carol", MEMBER, "!bucket Vélo 80€", "!bucket Vélo 800€", buckets),
    Case("bucket terminé", "@bob", MEMBER, "!bucket 1 terminé", "!bucket 1 voir", buckets),
    Case("bucket annuler", "@bob", MEMBER, "!bucket 1 annuler", "!bucket 1 voir", buckets),
    Case("financer", "@alice", MEMBER, "!financer 1 10€", "!financer 1 30€", fundings),
    Case("funding reaction", "@alice", MEMBER, "react $card 💶", "!financer 1 30€", fundings),
    Case("budget", "@root", ADMIN, "!budget NEW 300€ novembre", "!budget NEW 3000€ novembre",
         envelopes),
    Case("je-donne", "@alice", MEMBER, "!budget PROP je-donne 50%", "!budget PROP je-donne 100%",
         givebacks),
    Case("je-refuse", "@bob", MEMBER, "!budget PROP je-refuse", "!budget PROP je-donne 10%",
         givebacks),
    Case("accord", "@root", ADMIN, "!budget KPA accord 1 60€", "!budget KPA accord 1 600€",
         settled),
    Case("prorata", "@root", ADMIN, "!budget KPA prorata", "!budget KPA clore", settled, before=(("@carol", MEMBER, "!demande KPA 450€"),
                             ("@root", ADMIN, "!valider 1"), ("@root", ADMIN, "!valider 2"))),
    Case("budget source", "@root", ADMIN, "!budget KPA source subvention 200€",
         "!budget KPA source subvention 2000€", funded),
    Case("prestation", "@root", ADMIN, "!prestation KPA 1000€ 10% atelier",
         "!prestation KPA 9000€ 10% atelier", funded),
    Case("budget soucieux", "@root", ADMIN, "!budget KPA soucieux @bob",
         "!budget KPA soucieux @carol", owners),
    Case("atterrissage vote", "@root", ADMIN, "!budget KPA atterrissage vote 3j",
         "!budget KPA atterrissage vote 9j", landing_votes, before=SHORTFALL),
    Case("atterrissage vote annuler", "@root", ADMIN, "!budget KPA atterrissage vote annuler",
         "!budget KPA atterrissage", landing_votes,
         before=(*SHORTFALL, ("@root", ADMIN, "!budget KPA atterrissage vote 3j"))),
    Case("vote reaction", "@bob", MEMBER, "react $vote 2️⃣", "!budget KPA atterrissage",
         landing_votes, before=(*SHORTFALL, ("@root", ADMIN, "!budget KPA atterrissage vote 3j")),
         card=("landing_vote", 1, "$vote")),
    Case("clore", "@root", ADMIN, "!budget PROP clore", "!budget PROP", envelopes, undo=False),
    Case("demande", "@carol", MEMBER, "!demande KPA 80€ affiches", "!demande KPA 800€ affiches",
         requests),
    Case("demande retirer", "@alice", MEMBER, "!demande KPA retirer", "!demande KPA 1€",
         requests),
    Case("valider", "@bob", MEMBER, "!valider 1", "!question 1", validations),
    Case("validation reaction", "@bob", MEMBER, "react $req ✅", "!valider 1", validations),
    Case("question", "@bob", MEMBER, "!question 1 pourquoi ?", "!question 1 encore ?",
         questions),
    Case("question reaction", "@bob", MEMBER, "react $req ❓", "!question 1", questions),
    Case("taux", "@root", ADMIN, "!taux KPA 15-25€/h", "!taux KPA 30-50€/h", rate_guides),
    Case("taux aucun", "@root", ADMIN, "!taux KPA aucun", "!taux KPA 1-2€/h", rate_guides,
         before=(("@root", ADMIN, "!taux KPA 15-25€/h hausse 20%"),)),
    Case("releve", "@root", ADMIN, "!releve KPA avant le 10/12", "!releve KPA avant le 20/12",
         campaigns),
    Case("releve annuler", "@root", ADMIN, "!releve KPA annuler", "!releve KPA", campaigns,
         before=(("@root", ADMIN, "!releve KPA avant le 10/12"),)),
    Case("recap planifier", "@root", ADMIN, "!recap planifier lundi 9h", "!recap planifier off",
         schedules),
    Case("rappel", "@root", ADMIN, "!rappel vendredi 17h", "!rappel off", schedules),
    Case("page", "@bob", MEMBER, "!page", "!page nouveau-lien", page_links),
    Case("page public", "@root", ADMIN, "!page public", "!page public off", page_links),
    Case("page nouveau-lien", "@bob", MEMBER, "!page nouveau-lien", "!page", page_links,
         undo=False, before=(("@bob", MEMBER, "!page"),)),
    Case("page off", "@root", ADMIN, "!page off", "!page on", page_state),
    Case("page on", "@root", ADMIN, "!page on", "!page off", page_state,
         before=(("@root", ADMIN, "!page off"),)),
    Case("langue", "@root", ADMIN, "!langue en", "!langue fr", room_settings),
    Case("fuseau", "@root", ADMIN, "!fuseau America/Montreal", "!fuseau Asia/Tokyo",
         room_settings),
    Case("reglages", "@root", ADMIN, "!reglages journee 8h", "!reglages journee 2h",
         room_settings),
    Case("reglages admin", "@root", ADMIN, "!reglages admin 75", "!reglages admin 0",
        room_settings),
    Case("oubliemoi", "@carol", MEMBER, "!oubliemoi", "!contribs", offers),
    Case("importer", "@root", ADMIN, "!importer", "!importer allocations", offers),
]  # fmt: skip
# commands that change no record (they only show or export)
READ_ONLY = {
    "contribs",
    "projets",
    "buckets",
    "solde",
    "budgets",
    "export",
    "recap",
    "aide",
    "mesdonnees",
    "moi",
}


def prepare(world: World, case: Case) -> None:
    for sender, role, body in case.before:
        _, sent = world.send(sender, body, role, room=case.room)
        assert sent and not any(refused(m.body) for m in sent), bodies(sent)
    if case.card is not None:
        world.delivered(*case.card)


def run(world: World, case: Case, role: Role | None = None) -> str:
    """Send the case's command (or reaction); its event id."""
    role = role or case.role
    if case.body.startswith("react "):
        _, target, key = case.body.split()
        event_id, sent = world.react(case.sender, target, key, role, room=case.room)
    else:
        files = IMPORT_FILE if case.body.startswith("!importer") else ()
        event_id, sent = world.send(case.sender, case.body, role, room=case.room, files=files)
    assert sent, case
    assert not any(refused(m.body) for m in sent), bodies(sent)
    return event_id


def someone_else(case: Case) -> str:
    return "@carol" if case.sender == "@bob" else "@bob"


def another_admin(case: Case) -> str:
    return "@admin2" if case.sender == "@root" else "@root"


def bodies(sent: list[Queued]) -> list[str]:
    return [m.body for m in sent]


def refused(text: str) -> bool:
    return text.startswith(("⚠️", "⛔")) or "Je ne connais pas" in text


def test_the_table_has_every_command_that_changes_a_record():
    registry = build_registry()
    named = {
        cmd.name
        for case in CASES
        if not case.body.startswith("react ")
        and (cmd := registry.find(case.body.split()[0].lstrip("!"))) is not None
    }
    assert named | READ_ONLY == set(registry.by_name)


@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_forged_edit_or_removal_changes_nothing(world, case):
    prepare(world, case)
    event_id = run(world, case)
    before, shown = snapshot(world.engine), probe(world, case.probe)
    forgers = [(someone_else(case), MEMBER), (another_admin(case), ADMIN)]
    edits = itertools.product(forgers, (case.changed, "rien de spécial"), ("true", "wrong"))
    for (forger, role), body, adapter in edits:
        # the sender on record counts, whatever the adapter says
        author = case.sender if adapter == "true" else forger
        sent = world.edit(forger, event_id, body, author, role, room=case.room)
        assert sent == [], (forger, body, bodies(sent))
        assert snapshot(world.engine) == before, (forger, body)
    for forger, role in ((someone_else(case), MEMBER), ("@mod", MODERATOR)):
        sent = world.remove(forger, event_id, role, room=case.room)
        assert len(sent) <= 1, bodies(sent)
        kept = ("rien n'est annulé", "nothing is undone")  # (the room may now speak English)
        assert all(any(k in b for k in kept) for b in bodies(sent)), bodies(sent)
        what = (
            ("une réaction", "a reaction")
            if case.body.startswith("react ")
            else ("un message", "a message")
        )
        assert all(any(w in b for w in what) for b in bodies(sent)), bodies(sent)
        assert snapshot(world.engine) == before, forger
    assert probe(world, case.probe) == shown


@pytest.mark.parametrize("by", ["sender", "admin"])
@pytest.mark.parametrize("case", CASES, ids=str)
def test_a_removal_by_its_sender_or_an_admin_undoes_it(world, case, by):
    prepare(world, case)
    shown = probe(world, case.probe)
    event_id = run(world, case)
    assert probe(world, case.probe) != shown, "the command changed nothing"
    remover, role = (case.sender, case.role) if by == "sender" else (another_admin(case), ADMIN)
    sent = world.remove(remover, event_id, role, room=case.room)
    if case.undo:
        assert probe(world, case.probe) == shown, bodies(sent)
        assert sent, "an undone command is answered"
    else:
        assert probe(world, case.probe) != shown


# (an offer its sender withdraws changed nothing yet: anyone who sent it may withdraw it)
ADMIN_UNDONE = [c for c in CASES if c.admin_only and c.undo and c.probe is not offers]


@pytest.mark.parametrize("how", ["removal", "edit into text"])
@pytest.mark.parametrize("case", ADMIN_UNDONE, ids=str)
def test_undoing_an_admin_command_needs_an_admin_now(world, case, how):
    """The sender of an admin command who is no longer an admin cannot undo it."""
    prepare(world, case)
    event_id = run(world, case)
    shown = probe(world, case.probe)
    if how == "removal":
        sent = world.remove(case.sender, event_id, MEMBER, room=case.room)
    else:
        sent = world.edit(case.sender, event_id, "rien", case.sender, MEMBER, room=case.room)
    assert probe(world, case.probe) == shown
    said = ("réservé aux admins", "is for the room's admins")  # (the room may speak English)
    assert len(sent) == 1 and any(k in sent[0].body for k in said), bodies(sent)


def test_a_kept_removal_is_said_once_however_often_it_is_removed(world):
    event_id, _ = world.send("@alice", "!contrib 3h atelier")
    said = [world.remove(who, event_id, MODERATOR) for who in ("@mod", "@mod", "@mod2")]
    assert [len(s) for s in said] == [1, 0, 0]
    assert "@mod a supprimé un message de @alice" in said[0][0].body


def test_a_removal_of_a_message_whose_sender_is_not_on_record_needs_an_admin(world):
    event_id, _ = world.send("@alice", "!contrib 3h atelier")
    with Session(world.engine) as db:  # a record from before senders were kept, say
        db.delete(db.get(ChatEvent, event_id))
        db.commit()
    shown = probe(world, contributions)
    assert world.remove("@alice", event_id, MEMBER) == []
    assert world.remove("@mod", event_id, MODERATOR) == []
    assert probe(world, contributions) == shown
    assert world.remove("@root", event_id, ADMIN)
    assert len(probe(world, contributions)) == len(shown) - 1


@pytest.mark.parametrize("command", ["!valider 1", "!question 1 pourquoi ?"])
def test_what_an_edit_created_goes_with_the_message_it_edits(world, command):
    """A plain message edited into a command: removing that message undoes what the command
    did, as for any command."""
    world.send("@bob", "d'accord", event_id="$plain")
    fn = validations if "valider" in command else questions
    shown = probe(world, fn)
    assert world.edit("@bob", "$plain", command, "@bob", MEMBER)
    assert probe(world, fn) != shown
    assert world.remove("@bob", "$plain", MEMBER)
    assert probe(world, fn) == shown


def test_an_edit_of_a_request_stays_in_its_envelope(world):
    world.send("@root", "!budget NEW 300€ novembre", ADMIN)
    event_id, _ = world.send("@carol", "!demande KPA 80€ affiches")
    shown = probe(world, requests)
    sent = world.edit("@carol", event_id, "!demande NEW 80€ affiches", "@carol", MEMBER)
    assert len(sent) == 1 and "reste dans son enveloppe" in sent[0].body
    assert probe(world, requests) == shown
