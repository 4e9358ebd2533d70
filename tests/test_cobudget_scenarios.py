"""Cobudget in a console room: rounds, allocations, buckets funded by reaction, refunds."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, func, select

from storage.models import Allocation, Audit, BotMessage, Bucket, Funding
from storage.models.cobudget import holding


def _n(text: str) -> str:
    """Money is formatted with narrow/no-break spaces; compare with plain spaces."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


class Room:
    """The console conversation, with the bot's answers' spaces made plain."""

    def __init__(self, chat):
        self.chat = chat
        self.adapter = chat.adapter

    @property
    def last_id(self):
        return self.chat.last_id

    @property
    def bot_messages(self):
        return self.chat.bot_messages

    async def say(self, user, text):
        return [_n(a) for a in await self.chat.say(user, text)]

    async def said(self, user, text):
        return await self.chat.said(user, text)

    async def one(self, user, text):
        return _n(await self.chat.one(user, text))

    async def react(self, user, target, key):
        return [_n(a) for a in await self.chat.react(user, target, key)]

    async def unreact(self, user, target, key):
        return [_n(a) for a in await self.chat.unreact(user, target, key)]

    async def delete(self, user, target):
        return [_n(a) for a in await self.chat.delete(user, target)]

    async def join(self, user, name=None):
        await self.chat.join(user, name)


@pytest.fixture
async def room(chat):
    return Room(chat)


async def _members(room, *names):
    """People the bot has seen in the room (members are those it saw speak or join)."""
    for name in names:
        await room.say(name, "!solde")


async def _card(room, user, text):
    said = await room.said(user, text)
    cards = [s for s in said if s.text.startswith("**🪣 Bucket #")]
    assert len(cards) == 1, [s.text for s in said]
    return cards[0].short_id


def _latest_card(room, short_id):
    """The card's text as the room sees it now (the last edit of it, else the card)."""
    versions = [s.text for s in room.bot_messages if s.short_id == short_id]
    return _n(versions[-1])


def _balances(engine):
    with Session(engine) as db:
        given = dict(
            db.exec(
                select(Allocation.user_id, func.sum(Allocation.cents)).group_by(Allocation.user_id)
            ).all()
        )
        used = dict(
            db.exec(
                select(Funding.funder, func.sum(Funding.cents))
                .where(holding())
                .group_by(Funding.funder)
            ).all()
        )
    return {user: cents - used.get(user, 0) for user, cents in given.items()}


async def test_acceptance_round_of_300_two_buckets_one_funded_one_refunded(room, engine):
    await _members(room, "bob", "carol")
    answer = await room.one("alice", '!tour ouvrir "Hiver 2026" 300€ jusqu\'au 31/12')
    assert "Tour #1 « Hiver 2026 » ouvert jusqu'au jeu. 31 déc. 2026" in answer
    assert "300,00 €" in answer
    answer = await room.one("alice", "!allouer @alice @bob @carol 100€")
    assert "300,00 € alloués à 3 personnes" in answer
    assert "Reste à allouer dans l'enveloppe : 0,00 €" in answer

    card_a = await _card(room, "alice", '!bucket "Machine à café" 120€ max 150€')
    card_b = await _card(room, "bob", "!bucket Bibliothèque 200€ des livres pour tous")
    assert "objectif 120,00 € (jusqu'à 150,00 €)" in _latest_card(room, card_a)
    assert "réagis à ce message (💶 = 5,00 €, 💰 = 20,00 €)" in _latest_card(room, card_a)

    # Alice funds A with 100 €: 80 € by command, 20 € by reaction
    assert "Ton solde : 20,00 €" in (await room.say("alice", "!financer 1 80€"))[-1]
    assert await room.react("alice", card_a, "💰") != []
    assert "100,00 € sur 120,00 € · 1 financeur" in _latest_card(room, card_a)
    # Bob funds A with 50 €: it passes its minimum, then reaches its maximum
    answers = await room.say("bob", "!financer 1 30€")
    assert any("Le bucket #1 « Machine à café » est financé" in a for a in answers)
    await room.react("bob", card_a, "💰")
    assert "minimum atteint · 150,00 € sur 150,00 € max · 2 financeurs" in _latest_card(
        room, card_a
    )
    assert "✅ Financé : 150,00 €." in _latest_card(room, card_a)
    # a further 5 € is refused, with a short answer naming Bob, and counts for nothing
    answers = await room.react("bob", card_a, "💶")
    assert answers == [
        "Bob : ta réaction 💶 ne compte pas. ⚠️ Le bucket #1 a atteint son maximum (150,00 €) : "
        "il ne prend plus rien. Les autres : !buckets"
    ]
    # Carol funds B with 100 €
    await room.say("carol", "!financer 2 100€")
    assert "100,00 € sur 200,00 €" in _latest_card(room, card_b)
    assert _balances(engine) == {"@alice": 0, "@bob": 5000, "@carol": 0}

    closing = await room.say("alice", "!tour fermer")
    summary = closing[-1]
    assert "🔒 Tour #1 « Hiver 2026 » clos." in summary
    assert "#1 « Machine à café » : financé avec 150,00 €" in summary
    assert "#2 « Bibliothèque » : objectif non atteint, 100,00 € rendus" in summary
    assert "Enveloppe 300,00 € = 150,00 € dans les buckets financés + 150,00 € restés" in summary
    assert "Objectif non atteint à la clôture du tour" in _latest_card(room, card_b)
    assert "Ton solde pour « Hiver 2026 » : 100,00 €" in await room.one("carol", "!solde")
    balances = _balances(engine)
    assert balances == {"@alice": 0, "@bob": 5000, "@carol": 10000}
    with Session(engine) as db:
        a, b = db.exec(select(Bucket).order_by(Bucket.id)).all()
        assert (a.state, b.state) == ("funded", "refunded")
        held = db.exec(select(func.sum(Funding.cents)).where(holding())).one()
    assert held == 15000
    assert held + sum(balances.values()) == 30000
    # closed round: no more funding
    answer = await room.one("bob", "!financer 1 5€")
    assert "tour de ce bucket est clos" in answer


async def test_removing_a_reaction_withdraws_exactly_what_it_gave(room, engine):
    await _members(room, "bob")
    await room.say("alice", '!tour ouvrir "Printemps" 100€')
    await room.say("alice", "!allouer @bob 50€")
    card = await _card(room, "alice", "!bucket Four 40€")
    await room.react("bob", card, "💰")
    await room.react("bob", card, "💶")
    assert "25,00 € sur 40,00 € · 1 financeur" in _latest_card(room, card)
    await room.unreact("bob", card, "💰")
    assert "5,00 € sur 40,00 €" in _latest_card(room, card)
    assert _balances(engine)["@bob"] == 4500
    # other emoji are ignored: no answer, no funding
    assert await room.react("bob", card, "👍") == []
    with Session(engine) as db:
        left = [(f.cents, f.state) for f in db.exec(select(Funding)).all()]
        actions = [a.action for a in db.exec(select(Audit).order_by(Audit.id)).all()]
    assert left == [(500, "active")]  # undone exactly: the 💰 funding is gone, as before it
    assert actions.count("fund") == 2 and actions.count("withdraw") == 1


async def test_withdrawal_below_the_minimum_unfunds_the_bucket(room):
    await room.say("alice", '!tour ouvrir "Été" 100€')
    await room.say("alice", "!allouer @alice 100€")
    card = await _card(room, "alice", "!bucket Vélo 20€")
    answers = await room.react("alice", card, "💰")
    assert any("est financé" in a for a in answers)
    answers = await room.unreact("alice", card, "💰")
    assert any("n'est plus financé" in a for a in answers)
    assert "0,00 € sur 20,00 €" in _latest_card(room, card)


async def test_refused_reactions_name_the_person_and_count_for_nothing(room, engine):
    await _members(room, "bob", "dave")
    await room.say("alice", '!tour ouvrir "Hiver" 100€')
    await room.say("alice", "!allouer @bob 10€")
    card = await _card(room, "alice", "!bucket Lampe 100€")
    answers = await room.react("dave", card, "💶")
    assert len(answers) == 1
    assert answers[0].startswith("Dave : ta réaction 💶 ne compte pas. ⚠️ Tu n'as pas de solde")
    answers = await room.react("bob", card, "💰")
    assert answers[0].startswith("Bob : ta réaction 💰 ne compte pas. ⚠️ C'est plus que ton solde")
    assert "(10,00 €)" in answers[0]
    # the refused reaction's removal gives nothing back
    assert await room.unreact("bob", card, "💰") == []
    with Session(engine) as db:
        assert db.exec(select(Funding)).all() == []
        mentions = [m.mentions for m in db.exec(select(BotMessage)).all() if m.mentions]
    assert mentions == []  # nobody is notified about their own reaction


async def test_amounts_in_every_spelling(room, engine):
    await room.say("alice", '!tour ouvrir "Hiver" 100€')
    await room.say("alice", "!allouer @alice 100€")
    await room.say("alice", "!bucket Radio 90€")
    for text, cents in (
        ("!financer 1 12,50€", "12,50 €"),
        ("!financer #1 12.50 €", "12,50 €"),
        ("!financer 1 EUR 12", "12,00 €"),
        ("!financer 1 12", "12,00 €"),
    ):
        answer = (await room.say("alice", text))[-1]
        assert f"{cents} mis dans le bucket #1" in answer, (text, answer)
    with Session(engine) as db:
        assert sorted(f.cents for f in db.exec(select(Funding)).all()) == [1200, 1200, 1250, 1250]


async def test_bad_input_says_what_to_type_and_stores_nothing(room, engine):
    answer = await room.one("alice", "!bucket Radio 90€")
    assert "Aucun tour de cobudget ouvert" in answer and '!tour ouvrir "Hiver 2026"' in answer
    await room.say("alice", '!tour ouvrir "Hiver" 100€')
    await room.join("bob")
    cases = {
        "!tour ouvrir Autre 50€": "encore ouvert",
        "!financer 1": "Il manque un montant. Tape : !financer <numéro> <montant>",
        "!financer 9 5€": "Pas de bucket #9",
        "!bucket Radio": "Il manque un montant. Tape : !bucket <titre> <montant>",
        "!bucket Radio 90€ max 50€": "plus petit que l'objectif",
        "!bucket Radio 0€": "plus grand que zéro",
        "!bucket Radio 90$": "compte en EUR",
        "!allouer @bob 150€": "il ne reste que 100,00 €",
        "!allouer contributions": "Il manque une période. Tape : !allouer contributions <période>",
        "!allouer contributions blabla": "Sur quelle période",
        "!allouer contributions novembre": "Aucune contribution",
        "!allouer": "Usage : !allouer",
    }
    for text, expected in cases.items():
        answer = await room.one("alice", text)
        assert expected in answer, (text, answer)
    assert "réservé aux admins" in await room.one("bob", "!allouer @bob 10€")
    assert "réservé aux admins" in await room.one("bob", "!tour fermer")
    with Session(engine) as db:
        assert db.exec(select(Bucket)).all() == []
        assert db.exec(select(Allocation)).all() == []
        assert [a.action for a in db.exec(select(Audit)).all()] == ["open"]


async def test_words_around_the_amounts_read_as_they_are_meant(room, engine):
    await _members(room, "bob")
    await room.say("alice", '!tour ouvrir jusqu\'au 31/12 "Hiver" 100€')
    assert "« Hiver » (ouvert jusqu'au" in await room.one("bob", "!tour voir")
    await room.say("alice", "!allouer @alice @bob 10€")
    assert "Je ne lis pas de montant après « max »" in await room.one(
        "bob", "!bucket Radio 20€ max beaucoup"
    )
    card = await _card(room, "bob", "!bucket Radio objectif 20€ max 30€ pour la salle")
    assert card
    with Session(engine) as db:
        [bucket] = db.exec(select(Bucket)).all()
        assert (bucket.title, bucket.min_cents, bucket.max_cents) == ("Radio", 2000, 3000)
        assert bucket.description == "pour la salle"
    # a mention of the whole room is everyone's balances; for an allocation, it is refused
    assert "Soldes du tour « Hiver »" in await room.one("bob", "!solde @room")
    assert "désigne tout le salon" in await room.one("alice", "!allouer @room 5€")


async def test_allocations_split_the_pot_exactly(room, engine):
    await _members(room, "bob", "carol")
    await room.say("alice", '!tour ouvrir "Hiver" 100€')
    answer = await room.one("alice", "!allouer tous")
    assert "| Alice | 33,34 € | 33,34 € |" in answer
    assert "| Bob | 33,33 € |" in answer and "| Carol | 33,33 € |" in answer
    assert "déjà entièrement allouée" in await room.one("alice", "!allouer tous")
    assert sum(_balances(engine).values()) == 10000


async def test_allocation_in_proportion_to_logged_hours(room, engine):
    await room.say("bob", "!contrib 1h 02/11 compta")
    await room.say("carol", "!contrib 2h 03/11 atelier")
    await room.say("alice", "!contrib 4h 04/11 animation")
    await room.say("alice", "!contrib 9h 02/10 hors période")
    await room.say("alice", '!tour ouvrir "Hiver" 10€')
    answer = await room.one("alice", "!allouer contributions novembre")
    assert "10,00 € alloués à 3 personnes" in answer
    # 10 € for 4h, 2h, 1h: 5,714… 2,857… 1,428… -> largest remainders get the two cents left
    assert _balances(engine) == {"@alice": 571, "@carol": 286, "@bob": 143}


async def test_cancel_refunds_every_funder_and_complete_ends_a_funded_bucket(room, engine):
    await _members(room, "bob")
    await room.say("alice", '!tour ouvrir "Hiver" 100€')
    await room.say("alice", "!allouer @alice @bob 50€")
    card = await _card(room, "bob", "!bucket Tapis 30€")
    await room.react("alice", card, "💰")
    await room.react("bob", card, "💶")
    assert "Seuls l'auteur du bucket #1" in await room.one("carol", "!bucket 1 annuler")
    answers = await room.say("bob", "!bucket 1 annuler")
    assert any("25,00 € rendus à 2 financeurs" in a for a in answers)
    assert "Annulé : chaque financeur a été remboursé" in _latest_card(room, card)
    assert _balances(engine) == {"@alice": 5000, "@bob": 5000}
    assert "annulé" in (await room.react("alice", card, "💶"))[0]

    card = await _card(room, "bob", "!bucket Chaises 20€")
    await room.react("alice", card, "💰")
    assert "marqué par Alice" in (await room.say("alice", "!bucket 2 terminé"))[-1]
    assert "🏁 Réalisé." in _latest_card(room, card)
    answers = await room.unreact("alice", card, "💰")
    assert answers == ["Alice : le bucket #2 « Chaises » est réalisé : ce que tu as donné y reste."]
    assert _balances(engine)["@alice"] == 3000


async def test_deleting_commands_undoes_them(room, engine):
    await _members(room, "bob")
    await room.say("alice", '!tour ouvrir "Hiver" 100€')
    await room.say("alice", "!allouer @bob 50€")
    allocation = room.last_id
    await room.say("bob", "!bucket Tente 40€")
    proposal = room.last_id
    await room.say("bob", "!financer 1 15€")
    funding = room.last_id
    answers = await room.delete("alice", allocation)
    assert "l'allocation ne peut pas être reprise" in answers[-1]
    answers = await room.delete("bob", funding)
    assert "Bob retire 15,00 € du bucket #1" in answers[-1]
    assert _balances(engine) == {"@bob": 5000}
    answers = await room.delete("bob", proposal)
    assert "le bucket #1 « Tente » n'existe plus" in answers[-1]
    answers = await room.delete("alice", allocation)
    assert "allocation annulée (50,00 € repris à 1 personne)" in answers[-1]
    assert _balances(engine) == {}


async def test_reaction_values_per_round_and_english_aliases(room, engine):
    await room.say("alice", "!language en")
    answer = await room.one("alice", '!round open "Winter" 100€ until 2026-12-15')
    assert "Round #1 “Winter” open until Tue 15 Dec 2026" in answer
    answer = await room.one("alice", "!round reactions 🪙=1€ 🎁 10€")
    assert "🪙 = €1.00, 🎁 = €10.00" in answer
    await room.say("alice", "!allocate everyone 30€")
    card = await _card(room, "alice", '!propose "Coffee machine" 50€ max 60€ beans included')
    await room.react("alice", card, "🎁")
    await room.react("alice", card, "🪙")
    assert await room.react("alice", card, "💶") == []  # not worth anything in this round
    assert "€11.00 of €50.00 · 1 funder" in _latest_card(room, card)
    answer = await room.one("alice", "!balance")
    assert "Your balance for “Winter”: €19.00 (allocated €30.00, in buckets €11.00)" in answer
    answer = await room.one("alice", "!buckets")
    assert "| #1 | Coffee machine | open | €11.00 | €50.00 – €60.00 | 1 |" in answer


async def test_replayed_reaction_counts_once(room, runtime, engine):
    from commands.events import ReactionAdded

    await room.say("alice", '!tour ouvrir "Hiver" 100€')
    await room.say("alice", "!allouer @alice 100€")
    card = await _card(room, "alice", "!bucket Four 40€")
    event = ReactionAdded(
        platform="console",
        event_id="$reaction-1",
        room_id="coroutine",
        sender="@alice",
        target_event_id=room.adapter.resolve(card),
        key="💶",
    )
    for _ in range(3):
        await runtime.handle(event)
    await runtime.flush()
    with Session(engine) as db:
        assert [f.cents for f in db.exec(select(Funding)).all()] == [500]
    assert "5,00 € sur 40,00 €" in _latest_card(room, card)


async def test_a_round_closes_on_its_own_once_its_deadline_is_over(
    room, chat, runtime, clock, engine
):
    from bot.scheduler import RecapScheduler, SchedulerSettings
    from storage.models import CobudgetRound

    await _members(room, "bob")
    await room.say("alice", '!tour ouvrir "Hiver" 100€ jusqu\'au 30/11')
    await room.say("alice", "!allouer @bob 50€")
    card = await _card(room, "alice", "!bucket Four 40€")
    await room.react("bob", card, "💰")
    scheduler = RecapScheduler(runtime, SchedulerSettings())
    before = len(room.bot_messages)
    clock.now = dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.UTC)  # 23:30 in Paris: still the 30th
    await scheduler.tick()
    await runtime.flush()
    assert len(room.bot_messages) == before
    clock.now = dt.datetime(2026, 11, 30, 23, 5, tzinfo=dt.UTC)  # 00:05 on 1 December in Paris
    await scheduler.tick()
    await scheduler.tick()  # again: nothing more
    await runtime.flush()
    said = [_n(s.text) for s in room.bot_messages[before:] if s.kind == "text"]
    assert len(said) == 2, said
    assert "arrive à échéance" in said[0]
    assert "Tour #1 « Hiver » clos" in said[1] and "20,00 € rendus" in said[1]
    assert _balances(engine) == {"@bob": 5000}
    with Session(engine) as db:
        rnd = db.exec(select(CobudgetRound)).one()
        assert rnd.state == "closed" and rnd.closed_event_id == "deadline:round:1"
        audit = db.exec(select(Audit).where(Audit.action == "close")).one()
        assert audit.actor == "bot"
