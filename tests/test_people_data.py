"""A person's own data: ``!mesdonnees`` sends it in a direct message, ``!oubliemoi`` (confirmed
by ✅) replaces their identity by a pseudonym everywhere, and every figure stays as it was."""

from __future__ import annotations

import json

from sqlmodel import Session, select

from bot.runtime import Runtime
from storage.models import Audit, ForgottenPerson, Member, Person
from storage.personal import SECTIONS
from tests.ledger import all_text, figures


def norm(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


async def tick(runtime: Runtime) -> None:
    """What the scheduler does every few seconds (``on_tick`` hooks), then deliver."""
    for hook in runtime.registry.tick_hooks:

        def work(db, hook=hook):
            return hook(db, runtime.registry, runtime.settings, runtime.clock())

        await runtime.run_job(work)
    await runtime.flush()


async def card_of(chat, user, text):
    said = await chat.said(user, text)
    cards = [s for s in said if s.text.startswith("**🪣 Bucket #")]
    assert len(cards) == 1, [s.text for s in said]
    return cards[0].short_id


async def a_room_with_zoe(chat):
    """A room where Zoe logged, funded, proposed, asked and questioned; Bob mentions her."""
    await chat.say("alice", '!projet ajouter KPA "KPA-Cités"')
    await chat.join("zoe")
    await chat.join("bob")
    await chat.say("zoe", "!contrib 3h 20/11 KPA atelier chez ma voisine Capucine")
    await chat.say("zoe", "!contrib 2h 21/11 KPA")
    await chat.say("bob", "!contrib 2h 21/11 KPA rangement avec @zoe")
    await chat.say("alice", "!contrib 1h 21/11 KPA accueil")
    await chat.say("alice", '!tour ouvrir "Hiver" 300€')
    await chat.say("alice", "!allouer tous 30€")
    card = await card_of(chat, "alice", '!bucket "Four" 40€')
    await chat.react("zoe", card, "💶")
    await chat.say("zoe", "!financer 1 10€")
    await chat.say("zoe", '!bucket "Potager partagé" 50€ pour le jardin de ma tante Berthe')
    await chat.say("alice", "!budget KPA 100€ novembre")
    await chat.say("zoe", "!demande KPA 20€ pour mes trajets depuis Roubaix")
    await chat.say("bob", "!question 1 pourquoi si loin ?")
    await chat.say("zoe", "!question 1 parce que j'habite à Roubaix")
    return card


async def test_my_data_comes_in_a_direct_message_only(chat):
    await a_room_with_zoe(chat)
    answer = norm(await chat.one("zoe", "!mesdonnees"))
    assert "message privé" in answer and "!mesdonnees" in answer
    said = await chat.said("zoe", "!mesdonnees", room="dm-zoe")
    assert len(said) == 1 and said[0].kind == "file"
    text = norm(said[0].text)
    assert "Zoe, @zoe" in text
    assert "contributions : 2 (5h)" in text and "financements : 2" in text
    doc = json.loads(said[0].data)
    assert doc["user_id"] == "@zoe" and doc["person"]["display_name"] == "Zoe"
    assert [c["minutes"] for c in doc["contributions"]] == [180, 120]
    assert doc["contributions"][0]["description"] == "atelier chez ma voisine Capucine"
    assert {f["cents"] for f in doc["fundings"]} == {500, 1000}
    assert doc["balances"] == [
        {
            "room": "coroutine",
            "round": 1,
            "round_title": "Hiver",
            "allocated_cents": 3000,
            "in_buckets_cents": 1500,
            "balance_cents": 1500,
        }
    ]
    assert doc["requests"][0]["message"] == "pour mes trajets depuis Roubaix"
    assert [q["text"] for q in doc["questions"]] == ["parce que j'habite à Roubaix"]
    assert doc["buckets"][0]["title"] == "Potager partagé"
    assert {r["id"] for r in doc["rooms"]} == {"coroutine", "dm-zoe"}
    assert any(a["action"] == "fund" for a in doc["audit"])
    # the summary counts every list the file holds, landing votes included
    assert set(SECTIONS) == {key for key, value in doc.items() if isinstance(value, list)}
    assert "votes d'atterrissage : 0" in text
    # in English
    await chat.say("alice", "!langue en", room="dm-alice")
    said = await chat.said("alice", "!mydata", room="dm-alice")
    assert "Everything I keep about you (Alice, @alice)" in norm(said[0].text)


async def test_forget_me_keeps_every_figure_and_leaves_no_trace(chat, runtime, engine):
    await a_room_with_zoe(chat)
    await chat.say("zoe", "!mesdonnees", room="dm-zoe")
    before = figures(engine, lambda u: "forgotten:1" if u == "@zoe" else u)
    said = await chat.said("zoe", "!oubliemoi")
    offer = said[0]
    assert "Ancien membre 7" in norm(offer.text) and "✅" in offer.text
    # someone else's ✅ does nothing; hers confirms
    assert await chat.react("alice", offer.short_id, "✅") == []
    answers = await chat.react("zoe", offer.short_id, "✅")
    assert any("je t'oublie dans une minute" in norm(a) for a in answers)
    await tick(runtime)
    done = [s for s in chat.bot_messages if "C'est fait" in s.text]
    assert len(done) == 1 and "« Ancien membre 1 »" in norm(done[0].text)
    assert figures(engine) == before
    text = all_text(engine)
    for trace in ("@zoe", "Zoe", "Capucine", "Berthe", "Roubaix"):
        assert trace not in text, trace
    with Session(engine) as db:
        forgotten = db.exec(select(ForgottenPerson)).one()
        assert (forgotten.number, forgotten.pseudonym, forgotten.by) == (
            1,
            "forgotten:1",
            "forgotten:1",
        )
        audit = db.exec(select(Audit).where(Audit.action == "forget")).all()
        assert {a.room_id for a in audit} == {"coroutine", "dm-zoe"}
        assert all(a.actor == "forgotten:1" and a.object_id == "forgotten:1" for a in audit)
        assert audit[0].details["rows"]["contribution"] >= 2
        member = db.get(Member, ("coroutine", "forgotten:1"))
        assert member is not None and not member.joined
    # the room reads the pseudonym; Bob's mention of her became it
    answer = norm(await chat.one("alice", "!contribs tous novembre"))
    assert "Ancien membre 1" in answer
    # removing the ✅ now changes nothing
    assert await chat.unreact("zoe", offer.short_id, "✅") == []
    # if she comes back, she is someone new
    await chat.say("zoe", "!contrib 1h essai")
    with Session(engine) as db:
        assert db.get(Person, "@zoe") is not None
        assert db.get(Member, ("coroutine", "@zoe")) is not None


async def test_removing_the_confirmation_in_time_cancels(chat, runtime, engine):
    await a_room_with_zoe(chat)
    said = await chat.said("zoe", "!oubliemoi")
    await chat.react("zoe", said[0].short_id, "✅")
    answers = await chat.unreact("zoe", said[0].short_id, "✅")
    assert any("Annulé" in a for a in answers)
    await tick(runtime)
    with Session(engine) as db:
        assert db.exec(select(ForgottenPerson)).first() is None
        assert db.get(Person, "@zoe") is not None


async def test_my_data_says_what_a_rounds_close_gave_back(chat):
    """Closing a round writes no funding (the buckets it refunds give them back by their
    state): the file still tells each funding given back, and when."""
    card = await a_room_with_zoe(chat)
    closing = await chat.said("alice", "!tour fermer")
    assert any("rendus" in norm(s.text) for s in closing)
    # her reaction taken back after the close: nothing is given back twice
    answers = [norm(a) for a in await chat.unreact("zoe", card, "💶")]
    assert any("t'a déjà été rendu" in a for a in answers), answers
    said = await chat.said("zoe", "!mesdonnees", room="dm-zoe")
    doc = json.loads(said[0].data)
    assert {(f["cents"], f["state"]) for f in doc["fundings"]} == {
        (500, "refunded"),
        (1000, "refunded"),
    }
    assert all(f["ended_at"] is not None for f in doc["fundings"])
    assert [(b["in_buckets_cents"], b["balance_cents"]) for b in doc["balances"]] == [(0, 3000)]
