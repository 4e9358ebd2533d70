"""Forgetting a person keeps every total, split and balance identical, whatever the ledger: random
ledgers (contributions, proportional envelopes with caps, commons and give-backs, closed ones,
rétribution libre, a round with allocations and fundings) are built through the dispatcher, one
person is forgotten, and every figure is compared, that person read as their pseudonym."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from commands import build_registry
from commands.core import Dispatcher, Settings
from commands.events import Message, Role
from storage.db import make_engine, sqlite_url, transaction
from storage.forget import forget_person
from storage.models import Person
from tests.conftest import assert_ledger_sound
from tests.ledger import all_text, figures

NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)
ROOM = "!room:x"
ADMIN = "@admin:x"
REGISTRY = build_registry()


def msg(sender: str, body: str) -> Message:
    return Message(
        platform="console",
        event_id=f"${uuid.uuid4().hex}",
        room_id=ROOM,
        sender=sender,
        sender_name=sender[1:].split(":")[0].title(),
        role=Role.ADMIN if sender == ADMIN else Role.MEMBER,
        body=body,
    )


people = st.integers(min_value=2, max_value=4)
entries = st.lists(
    st.tuples(
        st.integers(0, 3), st.sampled_from([1, 2, 3]), st.integers(1, 20), st.sampled_from("KZ")
    ),
    min_size=1,
    max_size=14,
)
envelope = st.tuples(
    st.integers(50, 999),  # amount in euros
    st.sampled_from(["", " plafond 150€", " taux 20€/h", " commun 10%", " min 2h"]),
    st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["10%", "50%", "5€"])), max_size=3),
)
round_ = st.tuples(
    st.integers(100, 400),
    st.sampled_from(["tous 25€", "tous", "contributions novembre"]),
    st.lists(st.tuples(st.integers(0, 3), st.integers(1, 30)), max_size=6),
)
requests = st.lists(st.tuples(st.integers(0, 3), st.integers(5, 200)), max_size=3)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@example(  # two people tie; the cent between them went to the smaller id
    n=4,
    log=[(1, 2, 1, "K")],
    env=(50, "", []),
    closed=(50, "", []),
    rnd=(100, "tous", []),
    asks=[],
    who=0,
)
@given(
    n=people,
    log=entries,
    env=envelope,
    closed=envelope,
    rnd=round_,
    asks=requests,
    who=st.integers(0, 3),
)
def test_forgetting_anyone_keeps_every_figure(
    tmp_path, template_db, n, log, env, closed, rnd, asks, who
):
    path = Path(tmp_path) / f"{uuid.uuid4().hex}.db"
    shutil.copy(template_db, path)
    engine = make_engine(sqlite_url(path))
    try:
        d = Dispatcher(engine, REGISTRY, Settings())
        users = [f"@person{i}:x" for i in range(n)]

        def say(sender: str, body: str) -> None:
            d.handle(msg(sender, body), NOW)

        say(ADMIN, '!projet ajouter K "Kilo"')
        say(ADMIN, '!projet ajouter Z "Zulu"')
        say(ADMIN, '!projet ajouter L "Lima"')
        for i, user in enumerate(users):
            # the same hours for everyone to start with: shares that tie, cents to hand out
            for project in "KZL":
                say(user, f"!contrib 1h 02/11 {project} présent {i}")
        for i, (person, hours, day, project) in enumerate(log):
            say(users[person % n], f"!contrib {hours}h {day:02d}/11 {project} tâche {i}")
        amount, rules, gifts = env
        say(ADMIN, f"!budget K {amount}€ novembre proportionnel{rules}")
        for person, gift in gifts:
            say(users[person % n], f"!budget K je-donne {gift}")
        amount, rules, gifts = closed
        say(ADMIN, f"!budget Z {amount}€ novembre proportionnel{rules}")
        for person, gift in gifts:
            say(users[person % n], f"!budget Z je-donne {gift}")
        say(ADMIN, "!budget Z clore")
        say(ADMIN, "!budget L 300€ novembre")
        for person, euros in asks:
            say(users[person % n], f"!demande L {euros}€ frais")
        say(users[0], "!valider 1")
        say(ADMIN, "!valider 2")
        pot, how, fundings = rnd
        say(ADMIN, f'!tour ouvrir "Tour" {pot}€')
        say(ADMIN, f"!allouer {how}")
        say(ADMIN, '!bucket "Four" 20€ max 60€')
        say(users[-1], '!bucket "Vélos" 40€')
        for person, euros in fundings:
            say(users[person % n], f"!financer {1 + person % 2} {euros}€")
        gone = users[who % n]
        before = figures(engine, lambda u: "forgotten:1" if u == gone else u)
        with transaction(engine) as db:
            forget_person(db, gone, now=NOW, by="cli")
        assert figures(engine) == before
        assert gone not in all_text(engine)
        assert_ledger_sound(engine)
        with Session(engine) as db:
            assert db.get(Person, gone) is None
    finally:
        engine.dispose()
