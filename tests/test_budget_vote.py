"""Choosing a landing option by reaction before a deadline: the counting rules as pure functions,
then conversations in a console room where the clock moves and the scheduler's timed job runs
(today: Thursday 26 Nov 2026, 12:00 in Paris)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from bot.render import render_pending_now
from commands.budget import vote, vote_rules
from commands.landing import OPTIONS
from storage.models import Audit, BudgetLandingBallot, BudgetLandingVote
from storage.personal import personal_data
from tests.processes import play
from tests.test_budget_consent import tick
from tests.test_budget_landing import five_requests, granted

ONE, TWO, THREE, FOUR = (vote_rules.KEYS[o] for o in OPTIONS)
# what option 2 (an equal base of 30 %, then pro rata) gives the five requests
OPTION_2 = {"@bob": 376860, "@carol": 259504, "@dan": 200826, "@erin": 112810, "@fred": 50000}


# --------------------------------------------------------------------------- pure rules

people = st.sampled_from(["@a", "@b", "@c", "@d", "@e"])
ballots = st.lists(st.tuples(people, st.sampled_from(OPTIONS)), max_size=30)


@given(ballots, st.sets(people))
def test_each_member_counts_once_with_their_latest_ballot(cast, members):
    counts = vote_rules.tally(cast, members)
    assert list(counts) == list(OPTIONS)
    latest = {who: option for who, option in cast if who in members}
    assert sum(counts.values()) == len(latest)
    for option in OPTIONS:
        assert counts[option] == sum(1 for o in latest.values() if o == option)


@given(ballots)
def test_the_outcome_is_the_single_most_voted_option_or_the_tie(cast):
    counts = vote_rules.tally(cast, {who for who, _ in cast})
    state, best = vote_rules.outcome(counts)
    top = max(counts.values())
    if top == 0:
        assert (state, best) == (vote_rules.EMPTY, [])
        return
    assert best == [o for o in OPTIONS if counts[o] == top]
    assert state == (vote_rules.APPLIED if len(best) == 1 else vote_rules.TIED)


def test_the_reactions_are_keycap_digits_with_or_without_the_selector():
    assert [vote_rules.option_of(k) for k in (ONE, TWO, THREE, FOUR)] == list(OPTIONS)
    assert vote_rules.option_of("2\u20e3") == OPTIONS[1]
    assert vote_rules.option_of("👍") is None and vote_rules.option_of("2") is None


def test_a_day_ends_at_midnight_in_the_rooms_time_zone():
    end = vote_rules.end_of_day(dt.date(2026, 12, 15), "Europe/Paris")
    assert end == dt.datetime(2026, 12, 15, 23, 0, tzinfo=dt.UTC)


# --------------------------------------------------------------------------- in the room


async def open_vote(room, words: str = "vote 3j") -> str:
    """Alice opens a vote; the short id of its message (which carries the bot's four reactions)."""
    said = await room.said("alice", f"!budget KPA atterrissage {words}")
    cards = [s for s in said if s.kind == "text"]
    assert len(cards) == 1, [s.text for s in said]
    assert [s.text for s in said if s.kind == "react"] == [ONE, TWO, THREE, FOUR]
    return cards[0].short_id


async def test_the_most_voted_option_is_applied_once_at_the_deadline(chat, engine, clock, runtime):
    room = await five_requests(chat, engine)
    card = await open_vote(room)
    text = room.bot_messages[-5].text.replace("\u202f", " ")
    assert "Vote sur l'atterrissage de l'enveloppe KPA (novembre 2026)" in text
    assert "jusqu'au dimanche 29 novembre 2026 à 12:00" in text
    assert f"{TWO} 2. base égale de 30 % de l'enveloppe, puis prorata" in text
    assert "Voix : 1. 0 voix · 2. 0 voix · 3. 0 voix · 4. 0 voix (0 votant)." in text
    # each vote updates the message's counts; the latest reaction of a person counts
    answers = await room.react("bob", card, TWO)
    assert len(answers) == 1 and "2. 1 voix" in answers[0] and "(1 votant)" in answers[0]
    await room.react("carol", card, TWO)
    await room.react("dan", card, THREE)
    await room.react("erin", card, THREE)
    await room.react("erin", card, TWO)  # Erin changes her mind
    await room.react("fred", card, FOUR)
    answers = await room.unreact("fred", card, FOUR)  # and Fred takes his vote back
    assert "Voix : 1. 0 voix · 2. 3 voix · 3. 1 voix · 4. 0 voix (4 votants)" in answers[0]
    await room.unreact("erin", card, THREE)  # a replaced reaction: nothing changes
    answer = await room.one("bob", "!budget KPA atterrissage")
    assert "Vote en cours jusqu'au dimanche 29 novembre 2026 à 12:00" in answer
    assert "voix : 1. 0 voix · 2. 3 voix · 3. 1 voix · 4. 0 voix (4 votants)" in answer
    # an admin does not apply an option while the room votes
    answer = await room.one("alice", "!budget KPA atterrissage appliquer 3")
    assert "Un vote est en cours jusqu'au dimanche 29 novembre" in answer
    assert "!budget KPA atterrissage vote annuler" in answer
    assert granted(engine)["@bob"] is None
    clock.advance(days=2, hours=23)
    assert await tick(room, runtime) == []
    clock.advance(hours=1)
    said = await tick(room, runtime)
    assert len(said) == 1, said
    assert (
        "Vote clos sur l'atterrissage de l'enveloppe KPA (novembre 2026) : l'option 2 (base "
        "égale de 30 % de l'enveloppe, puis prorata) l'emporte ; voix : 1. 0 voix · 2. 3 voix · "
        "3. 1 voix · 4. 0 voix." in said[0]
    )
    assert "Les demandes validées n'ont pas changé depuis l'ouverture du vote." in said[0]
    assert "supprime ce message" not in said[0]
    assert (
        "Pour appliquer une autre option (admins) : !budget KPA atterrissage appliquer 2"
        in (said[0])
    )
    assert granted(engine) == OPTION_2
    assert await tick(room, runtime) == []  # once
    # a reaction after the deadline changes nothing, and says so
    answers = await room.react("fred", card, ONE)
    assert any("Le vote sur l'atterrissage de KPA est clos" in a for a in answers), answers
    answers = await room.unreact("bob", card, TWO)
    assert any("est clos" in a for a in answers), answers
    # what the vote applied follows later changes of the requests, as an admin's apply does
    await room.say("bob", "!demande KPA 2000€")
    answers = await room.say("alice", "!valider 1")
    assert any("Atterrissage recalculé" in a for a in answers), answers
    assert sum(v or 0 for v in granted(engine).values()) == 1_000_000
    answer = await room.one("bob", "!budget KPA atterrissage")
    assert "Appliquée : option 2" in answer
    with Session(engine) as db:
        row = db.exec(select(BudgetLandingVote)).one()
        assert (row.state, row.result, row.counts) == ("applied", "base", "1:0,2:3,3:1,4:0")
        actions = [a.action for a in db.exec(select(Audit).order_by(Audit.id)).all()]
        assert actions.count("vote") == 6 and actions.count("unvote") == 1
        assert actions.count("vote_count") == 1 and "land" in actions
        states = sorted(
            (b.user_id, b.option, b.state) for b in db.exec(select(BudgetLandingBallot)).all()
        )
        assert ("@erin", "median", "replaced") in states
        assert ("@fred", "floor", "withdrawn") in states
        # a person's ballots are in what the bot gives them of their data
        mine = personal_data(db, "@erin", now=clock.now)["landing_votes"]
        assert [(v["option"], v["state"]) for v in mine] == [
            ("median", "replaced"),
            ("base", "active"),
        ]


async def test_a_tie_is_broken_by_an_admin_naming_a_tied_option(chat, engine, clock, runtime):
    room = await five_requests(chat, engine)
    card = await open_vote(room, "vote jusqu'au samedi")
    assert "jusqu'au samedi 28 novembre 2026 inclus" in room.bot_messages[-5].text
    await room.react("bob", card, ONE)
    await room.react("carol", card, THREE)
    clock.advance(days=3)
    said = await tick(room, runtime)
    assert len(said) == 1, said
    assert "égalité entre les options 1, 3 ; voix : 1. 1 voix · 2. 0 voix · 3. 1 voix" in said[0]
    assert "Rien n'est appliqué" in said[0] and "!budget KPA atterrissage appliquer 1" in said[0]
    assert granted(engine)["@bob"] is None
    answer = await room.one("bob", "!budget KPA atterrissage")
    assert "égalité entre les options 1, 3 : un admin tranche" in answer
    answer = await room.one("alice", "!budget KPA atterrissage appliquer 2")
    assert "égalité entre les options 1, 3" in answer and "ouvre un nouveau vote" in answer
    answer = await room.one("bob", "!budget KPA atterrissage appliquer 3")
    assert "réservé aux admins" in answer
    answers = await room.say("alice", "!budget KPA atterrissage appliquer 3")
    assert "Option 3 (jusqu'à la demande médiane, puis prorata au-delà) appliquée" in answers[0]
    assert sum(v or 0 for v in granted(engine).values()) == 1_000_000


async def test_nobody_voted_nothing_is_applied(chat, engine, clock, runtime):
    room = await five_requests(chat, engine)
    await open_vote(room, "vote 1j")
    clock.advance(days=1)
    said = await tick(room, runtime)
    assert len(said) == 1 and "personne n'a voté, rien n'est appliqué" in said[0], said
    assert set(granted(engine).values()) == {None}


async def test_options_are_recomputed_from_the_requests_at_the_deadline(
    chat, engine, clock, runtime
):
    room = await five_requests(chat, engine)
    card = await open_vote(room, "vote 2j")
    await room.react("carol", card, ONE)
    await room.say("bob", "!demande KPA 8000€")  # during the vote
    await room.say("alice", "!valider 1")
    clock.advance(days=2)
    said = await tick(room, runtime)
    assert len(said) == 1, said
    assert "l'option 1 (prorata) l'emporte" in said[0]
    assert "Les demandes ont changé pendant le vote : les options sont recalculées" in said[0]
    shares = granted(engine)
    assert sum(v or 0 for v in shares.values()) == 1_000_000
    assert shares["@bob"] == 470588  # 8 000 of 17 000, pro rata


async def test_only_members_vote_and_the_bots_reactions_do_not_count(chat, engine, clock, runtime):
    room = await five_requests(chat, engine)
    card = await open_vote(room, "vote 2j")
    await room.react("bob", card, FOUR)
    await room.react("carol", card, ONE)
    await room.react("dan", card, ONE)
    await room.join("dan", joined=False)  # Dan leaves the room before the deadline
    clock.advance(days=2)
    said = await tick(room, runtime)
    assert "égalité entre les options 1, 4" in said[0], said
    with Session(engine) as db:  # the bot's own four reactions are no ballots
        assert {b.user_id for b in db.exec(select(BudgetLandingBallot)).all()} == {
            "@bob",
            "@carol",
            "@dan",
        }


async def test_an_admin_cancels_the_vote_and_deleting_that_resumes_it(chat, engine, clock, runtime):
    room = await five_requests(chat, engine)
    card = await open_vote(room)
    await room.react("bob", card, TWO)
    answer = await room.one("bob", "!budget KPA atterrissage vote annuler")
    assert "réservé aux admins" in answer
    answer = await room.one("alice", "!budget KPA atterrissage vote annuler")
    assert "Vote sur l'atterrissage de l'enveloppe KPA (novembre 2026) annulé" in answer
    cancel = room.last_id
    answer = await room.one("alice", "!budget KPA atterrissage vote annuler")
    assert "Aucun vote en cours" in answer
    answers = await room.react("carol", card, TWO)
    assert any("est clos" in a for a in answers), answers
    answers = await room.delete("alice", cancel)
    assert any("reprend, jusqu'au dimanche 29 novembre" in a for a in answers), answers
    answer = await room.one("alice", "!budget KPA atterrissage vote 2j")
    assert "déjà en cours" in answer
    await room.say("alice", "!budget KPA atterrissage vote annuler")
    clock.advance(days=4)
    assert await tick(room, runtime) == []
    assert set(granted(engine).values()) == {None}
    # an admin applies an option by hand once no vote runs
    answers = await room.say("alice", "!budget KPA atterrissage appliquer 4")
    assert "Option 4" in answers[0]


async def test_deleting_the_message_that_opened_it_withdraws_the_vote(chat, engine, clock, runtime):
    room = await five_requests(chat, engine)
    card = await open_vote(room)
    opened = room.last_id
    await room.react("bob", card, TWO)
    answers = await room.delete("alice", opened)
    assert any("est retiré" in a for a in answers), answers
    with Session(engine) as db:
        assert db.exec(select(BudgetLandingVote)).all() == []
        assert db.exec(select(BudgetLandingBallot)).all() == []
    assert await room.react("carol", card, TWO) == []
    clock.advance(days=4)
    assert await tick(room, runtime) == []


async def test_deadlines_and_refusals(chat, engine):
    room = await five_requests(chat, engine)
    answer = await room.one("bob", "!budget KPA atterrissage vote 3j")
    # the declaration of !budget says a vote is for admins, and names it as it was typed
    assert "!budget KPA atterrissage vote est réservé aux admins" in answer
    for words in ("vote", "vote bientôt", "vote 0j", "vote jusqu'au"):
        answer = await room.one("alice", f"!budget KPA atterrissage {words}")
        assert "Jusqu'à quand dure le vote ?" in answer, (words, answer)
        assert "!budget KPA atterrissage vote jusqu'au 15/12" in answer
    answer = await room.one("alice", "!budget KPA atterrissage vote jusqu'au 20/11/2026")
    assert "Cette échéance (ven. 20 nov. 2026) est déjà passée" in answer
    answer = await room.one("alice", "!budget KPA atterrissage vote hier")
    assert "est déjà passée" in answer
    answer = await room.one("alice", "!budget KPA atterrissage vote 90j")
    assert "Un vote dure au plus 60 jours" in answer
    answer = await room.one("alice", "!budget KPA atterrissage vote jusqu'au 32/12")
    assert "⚠️" in answer
    # "jusqu'au 15/12": to the end of that day; "jusqu'au 15/01" said in November: next year's
    said = await room.said("alice", "!budget KPA atterrissage vote jusqu'au 15/12")
    assert "jusqu'au mardi 15 décembre 2026 inclus" in said[0].text
    await room.say("alice", "!budget KPA atterrissage vote annuler")
    said = await room.said("alice", "!budget KPA atterrissage base 40% vote jusqu'au 15/01")
    assert "jusqu'au vendredi 15 janvier 2027 inclus" in said[0].text
    assert "base égale de 40 % de l'enveloppe" in said[0].text
    answer = await room.one("bob", "!budget KPA atterrissage")
    assert "2. Base + prorata" in answer and "base égale de 40 %" in answer
    with Session(engine) as db:
        rows = db.exec(select(BudgetLandingVote).order_by(BudgetLandingVote.id)).all()
        assert [r.deadline for r in rows] == [
            dt.datetime(2026, 12, 15, 23, 0),
            dt.datetime(2027, 1, 15, 23, 0),
        ] or [r.deadline.replace(tzinfo=None) for r in rows] == [
            dt.datetime(2026, 12, 15, 23, 0),
            dt.datetime(2027, 1, 15, 23, 0),
        ]


async def test_no_vote_when_the_requests_fit(chat, engine):
    from tests.test_budget_landing import setup_room

    room = await setup_room(chat, ("alice", "bob"))
    await room.say("alice", "!budget KPA 100€ novembre validations 1")
    await room.say("bob", "!demande KPA 50€")
    answer = await room.one("alice", "!budget KPA atterrissage vote 3j")
    assert "tiennent dans l'enveloppe" in answer


async def test_in_english(chat, engine, clock, runtime):
    room = await five_requests(chat, engine)
    await room.say("alice", "!langue en")
    said = await room.said("alice", "!budget KPA landing vote until 15/12")
    assert "Vote on the landing of envelope KPA" in said[0].text
    assert "until Tuesday 15 December 2026 (included)" in said[0].text
    card = said[0].short_id
    await room.react("bob", card, FOUR)
    answer = await room.one("bob", "!budget KPA landing")
    assert "Vote under way until Tuesday 15 December 2026 (included)" in answer
    assert "votes: 1. 0 votes · 2. 0 votes · 3. 0 votes · 4. 1 vote (1 voter)" in answer
    clock.advance(days=20)
    said_now = await tick(room, runtime)
    assert "option 4 (every request protected up to €100.00, then pro rata) wins" in said_now[0]


async def test_the_count_is_made_once_even_by_a_process_that_read_the_vote_before(
    chat, engine, clock, runtime
):
    """Two processes, or one that restarts: whoever changes the vote from open counts it; a
    process holding the vote as open from before counts nothing."""
    from commands import build_registry
    from commands.core import Context, Settings
    from commands.events import Message, Role
    from storage.models import BudgetEnvelope, Room

    room = await five_requests(chat, engine)
    card = await open_vote(room, "vote 1j")
    await room.react("bob", card, TWO)
    clock.advance(days=1)
    with Session(engine) as stale:
        early = stale.exec(select(BudgetLandingVote)).one()
        assert early.state == "open"
        stale.expunge(early)  # held in memory as it was read, as open
        stale.commit()
        said = await tick(room, runtime)  # the other process counts it
        stale.add(early)
        assert len(said) == 1
        env = stale.get(BudgetEnvelope, early.envelope_id)
        where = stale.get(Room, early.room_id)
        assert env is not None and where is not None
        event = Message(
            platform="console",
            event_id="x",
            room_id=where.id,
            sender="bot",
            role=Role.ADMIN,
            body="",
        )
        ctx = Context(
            stale, event, where, Settings(), clock.now, build_registry(), chat_event=False
        )
        assert vote._count(ctx, early, env) == []
        stale.rollback()
    with Session(engine) as db:
        assert len(db.exec(select(Audit).where(Audit.action == "vote_count")).all()) == 1


def test_two_processes_count_the_vote_once(any_engine):
    """Two bot processes run their timed duties at the same moment, after the deadline: the
    vote is counted, applied and told once."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from commands.events import ReactionAdded
    from storage.db import transaction
    from storage.models import BotMessage, BudgetRequest

    t0 = dt.datetime(2026, 11, 26, 11, tzinfo=dt.UTC)
    room = "!vote"
    said = [
        ("@alice", "!projet ajouter KPA", True),
        ("@bob", "!contrib 3h 20/11 KPA", False),
        ("@alice", "!budget KPA 100€ novembre validations 1", True),
        ("@bob", "!demande KPA 80€", False),
        ("@carol", "!demande KPA 60€", False),
        ("@alice", "!valider 1", True),
        ("@alice", "!valider 2", True),
        ("@alice", "!budget KPA atterrissage vote 1j", True),
    ]
    d, registry, settings = play(any_engine, room, said, t0)
    with Session(any_engine) as db:  # the vote's message was delivered
        card = db.exec(select(BotMessage).where(BotMessage.ref_kind == "landing_vote")).one()
        card.platform_id = "$card"
        db.add(card)
        db.commit()
    for i, who in enumerate(("@bob", "@carol")):
        d.handle(
            ReactionAdded(
                platform="console",
                event_id=f"$r{i}",
                room_id=room,
                sender=who,
                target_event_id="$card",
                key=FOUR,
            ),
            t0,
        )
    later = t0 + dt.timedelta(days=1)
    barrier = threading.Barrier(2)

    def duty() -> int:
        barrier.wait()
        with transaction(any_engine, rooms=()) as db:
            return len(vote.close_votes(db, registry, settings, later))

    with ThreadPoolExecutor(max_workers=2) as pool:
        told = sorted(pool.map(lambda _: duty(), range(2)))
    assert told == [0, 1]
    render_pending_now(any_engine, registry, settings)  # the applied option is worded after
    with Session(any_engine) as db:
        assert db.exec(select(BudgetLandingVote)).one().state == "applied"
        granted = sorted(r.granted or 0 for r in db.exec(select(BudgetRequest)).all())
        assert sum(granted) == 10000
        posts = db.exec(select(BotMessage).where(BotMessage.room_id == room)).all()
        assert sum("Vote clos" in (p.body or "") for p in posts) == 1
        counted = db.exec(select(Audit).where(Audit.action == "vote_count")).all()
        assert len(counted) == 1
