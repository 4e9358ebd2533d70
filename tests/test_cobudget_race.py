"""Concurrent fundings: many reactions at once, each handled in its own thread with its own
session and transaction through the dispatcher, on a real SQLite file and on a real PostgreSQL
server. No balance is overspent, no bucket overfilled, and replayed reactions count once."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlmodel import Session, func, select

from commands.events import ReactionAdded
from storage.models import BotMessage, Funding
from storage.models.cobudget import holding


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request):
    """The tests below run on both databases (this replaces the SQLite-only fixture)."""
    if request.param == "sqlite":
        return request.getfixturevalue("engine_sqlite")
    return request.getfixturevalue("postgres_engine")


@pytest.fixture
def engine_sqlite(db_path):
    from storage.db import make_engine, sqlite_url

    eng = make_engine(sqlite_url(db_path))
    yield eng
    eng.dispose()


def _race(runtime, events):
    """Hand every event to the dispatcher at the same moment, one thread each."""
    barrier = threading.Barrier(len(events))
    now = runtime.clock()

    def one(event):
        barrier.wait()
        return runtime.dispatcher.handle(event, now)

    with ThreadPoolExecutor(max_workers=len(events)) as pool:
        return list(pool.map(one, events))


def _reaction(event_id, sender, card_platform_id, key="💶"):
    return ReactionAdded(
        platform="console",
        event_id=event_id,
        room_id="coroutine",
        sender=sender,
        sender_name=sender.lstrip("@").capitalize(),
        target_event_id=card_platform_id,
        key=key,
    )


def _held(db, bucket_id=None):
    query = select(func.coalesce(func.sum(Funding.cents), 0)).where(holding())
    if bucket_id is not None:
        query = query.where(Funding.bucket_id == bucket_id)
    return db.exec(query).one()


async def _cards(chat, count, goal):
    ids = []
    for n in range(count):
        said = await chat.said("alice", f"!bucket Projet{n} {goal}")
        ids.append(chat.adapter.resolve(said[0].short_id))
    return ids


async def test_fifty_reactions_on_the_last_ten_euros_of_a_balance(chat, runtime, engine):
    await chat.say("bob", "!solde")
    await chat.say("alice", '!tour ouvrir "Course" 1000€')
    await chat.say("alice", "!allouer @bob 10€")
    cards = await _cards(chat, 5, "100€")
    events = [_reaction(f"$r{n}", "@bob", cards[n % 5]) for n in range(50)]
    # every reaction twice, at the same time: a replayed sync
    _race(runtime, events + events)
    with Session(engine) as db:
        fundings = db.exec(select(Funding)).all()
        assert len(fundings) == 2
        assert _held(db) == 1000
        refusals = db.exec(
            select(BotMessage).where(BotMessage.body.contains("C'est plus que ton solde"))
        ).all()
    assert len(refusals) == 48


async def test_fifty_funders_race_for_the_last_ten_euros_of_a_bucket(chat, runtime, engine):
    people = [f"@p{n}" for n in range(50)]
    for person in people[:3]:
        await chat.say(person.lstrip("@"), "!solde")
    for person in people[3:]:
        await chat.join(person)  # allocations go to members only
    await chat.say("alice", '!tour ouvrir "Course" 5000€')
    await chat.say("alice", "!allouer " + " ".join(people) + " 50€")
    await chat.say("alice", "!allouer @alice 90€")
    (card,) = await _cards(chat, 1, "50€ max 100€")
    await chat.say("alice", "!financer 1 90€")
    events = [_reaction(f"$f{n}", person, card) for n, person in enumerate(people)]
    _race(runtime, events + events[:10])
    with Session(engine) as db:
        assert _held(db, 1) == 10000
        winners = db.exec(select(Funding.funder).where(Funding.funder != "@alice")).all()
        assert len(winners) == 2
        for person in people:
            spent = db.exec(
                select(func.coalesce(func.sum(Funding.cents), 0)).where(Funding.funder == person)
            ).one()
            assert spent in (0, 500)
