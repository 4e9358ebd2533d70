"""Contributive budget, as conversations in a console room (today: Thursday 26 Nov 2026)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session, select

from commands.core import RecapScope, Settings
from storage.models import (
    Audit,
    BudgetEnvelope,
    BudgetGiveBack,
    BudgetQuestion,
    BudgetRequest,
    BudgetShare,
    BudgetValidation,
    Room,
)


def norm(text: str) -> str:
    """Babel's narrow and non-breaking spaces as plain spaces, for readable assertions."""
    return text.replace("\u00a0", " ").replace("\u202f", " ")


class NormChat:
    """The ``chat`` fixture, with answers' spaces normalised."""

    def __init__(self, chat):
        self._chat = chat

    def __getattr__(self, name):
        return getattr(self._chat, name)

    async def one(self, *args, **kw):
        return norm(await self._chat.one(*args, **kw))

    async def say(self, *args, **kw):
        return [norm(a) for a in await self._chat.say(*args, **kw)]

    async def said(self, *args, **kw):
        out = await self._chat.said(*args, **kw)
        for s in out:
            s.text = norm(s.text)
        return out

    async def react(self, *args, **kw):
        return [norm(a) for a in await self._chat.react(*args, **kw)]

    async def unreact(self, *args, **kw):
        return [norm(a) for a in await self._chat.unreact(*args, **kw)]

    async def edit(self, *args, **kw):
        return [norm(a) for a in await self._chat.edit(*args, **kw)]

    async def delete(self, *args, **kw):
        return [norm(a) for a in await self._chat.delete(*args, **kw)]


@pytest.fixture
def room(chat):
    return NormChat(chat)


async def log_hours(room, user: str, hours: int, project: str = "KPA", first_day: int = 2):
    """Log ``hours`` in November in entries of at most 10h, one per day."""
    day = first_day
    while hours > 0:
        chunk = min(hours, 10)
        await room.say(user, f"!contrib {chunk}h {day:02d}/11 {project} travail")
        hours -= chunk
        day += 1


async def setup_kpa(room, alice=30, bob=10, carol=10):
    await room.say("alice", '!projet ajouter KPA "KPA-Cités"')
    await log_hours(room, "alice", alice)
    await log_hours(room, "bob", bob)
    await log_hours(room, "carol", carol)


def bot_id(said) -> str:
    return said.short_id


# --------------------------------------------------------------------------- computed split


async def test_worked_example_cap_in_the_room(room):
    await setup_kpa(room)
    answer = await room.one("alice", "!budget KPA 1000€ novembre proportionnel plafond 400€")
    assert "Enveloppe #1 créée" in answer
    assert "plafond 400,00 €" in answer
    assert "| Alice | 30 | 60,00 % | 400,00 € * | 13,33 €/h |" in answer
    assert "| Bob | 10 | 20,00 % | 300,00 € | 30,00 €/h |" in answer
    assert "| Carol | 10 | 20,00 % | 300,00 € | 30,00 €/h |" in answer
    assert "Limité par le plafond ou le taux : Alice" in answer
    assert "(200,00 €) est redistribué aux autres" in answer
    assert "Total : 1 000,00 € aux personnes + 0,00 € au commun + 0,00 € restant" in answer


async def test_worked_example_rates(room):
    await setup_kpa(room)
    answer = await room.one("alice", "!budget KPA 1000€ novembre taux 20€/h")
    assert "| Alice | 30 | 60,00 % | 600,00 € | 20,00 €/h |" in answer
    assert "Limité" not in answer
    await room.say("alice", "!projet ajouter KPB")
    await log_hours(room, "alice", 30, "KPB")
    await log_hours(room, "bob", 10, "KPB")
    await log_hours(room, "carol", 10, "KPB")
    answer = await room.one("alice", "!budget KPB 1000€ novembre taux 15 €/h")
    assert "| Alice | 30 | 60,00 % | 450,00 € * | 15,00 €/h |" in answer
    assert "| Bob | 10 | 20,00 % | 150,00 € * |" in answer
    assert "Tout le monde a atteint sa limite" in answer
    assert "250,00 € restent dans l'enveloppe" in answer


async def test_commons_minimum_and_give_back(room, engine):
    await setup_kpa(room, carol=1)
    await room.say("alice", "!budget KPA 1000€ novembre commun 10% min 2h")
    answer = await room.one("bob", "!budget KPA")
    assert "Répartition provisoire" in answer
    assert "| Alice | 30 | 75,00 % | 675,00 € |" in answer
    assert "| Bob | 10 | 25,00 % | 225,00 € |" in answer
    assert "Pas inclus (moins de 2 h) : Carol." in answer
    answer = await room.one("bob", "!budget KPA je-donne 50%")
    assert "Bob rend 112,50 € au commun sur sa part" in answer
    answer = await room.one("bob", "!budget KPA")
    assert "| Bob | 10 | 25,00 % | 112,50 € |" in answer
    assert "Rendu au commun : Bob 112,50 €" in answer
    assert "+ 212,50 € au commun" in answer
    gift_message = room.last_id
    # deleting the give-back message undoes it
    await room.say("bob", "!budget KPA je-donne 30€")
    gift_message = room.last_id
    answers = await room.delete("bob", gift_message)
    assert any("ne rend plus rien" in a for a in answers)
    answer = await room.one("bob", "!budget KPA")
    assert "| Bob | 10 | 25,00 % | 112,50 € |" in answer  # the 50 % before is back
    answer = await room.one("carol", "!budget KPA je-donne 10%")
    assert "pas de part" in answer
    with Session(engine) as db:
        assert len(db.exec(select(BudgetGiveBack)).all()) == 1


async def test_close_freezes_posts_and_exports(room, engine):
    await setup_kpa(room)
    await room.say("alice", "!budget KPA 1000€ novembre plafond 400€")
    answer = await room.one("bob", "!budget KPA clore")
    assert "réservé aux admins" in answer
    said = await room.said("alice", "!budget KPA clore")
    texts = [s.text for s in said]
    assert any("Enveloppe KPA (novembre 2026) clôturée" in t for t in texts)
    files = [s for s in said if s.kind == "file"]
    assert len(files) == 1
    csv = norm(files[0].data.decode("utf-8-sig"))
    lines = csv.strip().split("\r\n")
    assert lines[0] == "Personne;Identifiant;Heures;Montant;Devise;Règles appliquées"
    assert lines[1].startswith(
        "Alice;'@alice;30;400,00;EUR;proportionnel aux heures · plafond 400,00 €"
    )
    assert "limité" in lines[1]
    assert lines[2].startswith("Bob;'@bob;10;300,00;EUR")
    # a later edit of a contribution in that period: the bot says so, the split stays
    await room.say("bob", "!contrib 5h 20/11 KPA relecture")
    command = room.last_id
    answers = await room.edit("bob", command, "!contrib 8h 20/11 KPA relecture")
    assert any("clôturée : sa répartition figée ne change pas" in a for a in answers)
    answer = await room.one("bob", "!budget KPA")
    assert "Répartition figée" in answer
    assert "| Bob | 10 | 20,00 % | 300,00 € | 30,00 €/h |" in answer
    answer = await room.one("bob", "!budget KPA je-donne 10%")
    assert "est clôturée" in answer
    # export again
    said = await room.said("bob", "!budget KPA csv")
    assert said[0].kind == "file" and norm(said[0].data.decode("utf-8-sig")) == csv
    with Session(engine) as db:
        env = db.exec(select(BudgetEnvelope)).one()
        assert env.state == "closed" and env.remainder == 0
        shares = db.exec(select(BudgetShare)).all()
        assert sum(s.amount for s in shares) == 100000
        assert "close" in [a.action for a in db.exec(select(Audit)).all()]


async def test_contribution_outside_closed_period_says_nothing(room):
    await setup_kpa(room)
    await room.say("alice", "!budget KPA 1000€ novembre proportionnel")
    await room.say("alice", "!budget KPA clore")
    answers = await room.say("bob", "!contrib 2h 20/10 KPA")
    assert not any("clôturée" in a for a in answers)


# --------------------------------------------------------------------------- rétribution libre


async def test_libre_request_question_validate_prorata_close(room, engine):
    await setup_kpa(room)
    answer = await room.one("alice", "!budget KPA 500€ novembre")
    assert "Enveloppe #1 créée : 500,00 € pour KPA (novembre 2026), en rétribution libre" in answer
    said = await room.said("bob", "!demande KPA 300€ pour la compta de l'année")
    request_msg = said[0]
    assert "Demande #1 de Bob : 300,00 €" in request_msg.text
    assert "10 h → 30,00 €/h" in request_msg.text
    said_c = await room.said("carol", "!demande KPA 200€")
    carol_msg = said_c[0]
    await room.say("alice", "!demande KPA 100€")
    # ❓ by reaction: the author and the envelope's creator are told
    answers = await room.react("dan", bot_id(request_msg), "❓")
    assert any("Dan questionne la demande #1 de Bob" in a and "@bob" in a for a in answers)
    answers = await room.say("dan", "!question 1 pourquoi 30 €/h ?")
    assert any("pourquoi 30 €/h ?" in a for a in answers)
    # ✅ by reactions of members: two are needed
    answers = await room.react("bob", bot_id(request_msg), "✅")
    assert answers == []  # one does not validate one's own request
    answers = await room.react("dan", bot_id(request_msg), "✅")
    assert any("1/2" in a for a in answers)
    answers = await room.react("carol", bot_id(request_msg), "✅")
    assert any("Demande #1 de Bob (300,00 €) validée" in a for a in answers)
    # removing a ✅ undoes it
    answers = await room.unreact("carol", bot_id(request_msg), "✅")
    assert any("1/2" in a and "pas validée" in a for a in answers)
    await room.react("erin", bot_id(request_msg), "✅")
    # an admin validates alone, but nobody validates their own request, admins included
    await room.react("alice", bot_id(carol_msg), "✅")
    answer = await room.one("alice", "!valider 3")
    assert "On ne valide pas sa propre demande" in answer
    await room.say("bob", "!valider 3")
    answers = await room.say("dan", "!valider #3")
    assert any("Demande #3 d'Alice (100,00 €) validée" in a for a in answers)
    table_answer = await room.one("dan", "!budget KPA")
    assert "| #1 | Bob | 10 | 300,00 € | 30,00 €/h |  | ✅ validée ❓×2 |" in table_answer
    assert "Demandes validées : 600,00 € sur une enveloppe de 500,00 €" in table_answer
    assert "dépassent l'enveloppe de 100,00 €" in table_answer
    assert "| #1 | Bob | 300,00 € | 250,00 € |" in table_answer
    assert "| #2 | Carol | 200,00 € | 166,67 € |" in table_answer
    assert "| #3 | Alice | 100,00 € | 83,33 € |" in table_answer
    answer = await room.one("alice", "!budget KPA clore")
    assert "dépassent l'enveloppe" in answer and "rien n'est clôturé" in answer
    answer = await room.one("alice", "!budget KPA prorata")
    assert "Prorata appliqué" in answer
    said = await room.said("alice", "!budget KPA clore")
    assert any("clôturée" in s.text for s in said)
    csv = norm(next(s for s in said if s.kind == "file").data.decode("utf-8-sig"))
    assert "Bob;'@bob;10;250,00;EUR;rétribution libre · demande #1 (300,00 €)" in csv
    with Session(engine) as db:
        shares = {s.user_id: s.amount for s in db.exec(select(BudgetShare)).all()}
        assert shares == {"@bob": 25000, "@carol": 16667, "@alice": 8333}
        assert len(db.exec(select(BudgetQuestion)).all()) == 2
    answer = await room.one("dan", "!demande KPA 10€")
    assert "est clôturée" in answer


async def test_request_change_edit_withdraw_and_agree(room, engine):
    await setup_kpa(room)
    await room.say("alice", "!budget KPA 500€ novembre validations 1")
    said = await room.said("bob", "!demande KPA 120€ atelier")
    first = room.last_id
    await room.react("dan", said[0].short_id, "✅")
    answers = await room.edit("bob", first, "!demande KPA 150€ atelier et compta")
    assert any("Demande #1 de Bob modifiée : 150,00 €" in a for a in answers)
    with Session(engine) as db:
        req = db.exec(select(BudgetRequest)).one()
        assert req.amount == 15000 and req.message == "atelier et compta"
        assert db.exec(select(BudgetValidation)).all() == []  # validations start again
    # the envelope's period may be said before the word: it is not read as the request's number
    answer = await room.one("alice", "!budget KPA décembre accord 1 140€")
    assert "Pas d'enveloppe pour KPA à cette période" in answer, answer
    answer = await room.one("alice", "!budget KPA novembre accord 1 140€")
    assert "140,00 € convenu (demandé : 150,00 €)" in answer
    answer = await room.one("bob", "!budgets")
    assert (
        "| #1 | KPA | novembre 2026 | rétribution libre | 500,00 € | ouverte | 360,00 € |" in answer
    )
    # an admin agreed an amount on it: deleting its message does not erase it, and says how
    # to withdraw it
    answers = await room.delete("bob", first)
    assert any("supprimer son message ne l'efface pas" in a for a in answers), answers
    assert any("!demande KPA retirer" in a for a in answers), answers
    answer = await room.one("bob", "!demande KPA retirer")
    assert "Demande #1 de Bob retirée" in answer
    answer = await room.one("bob", "!demande KPA retirer")
    assert "pas de demande en cours" in answer


async def test_an_edit_of_a_message_that_changed_a_request_stays_on_it(room, engine):
    await setup_kpa(room)
    await room.say("alice", "!budget KPA 500€ novembre validations 1")
    said = await room.said("bob", "!demande KPA 120€ atelier")
    await room.react("dan", said[0].short_id, "✅")
    answer = await room.one("bob", "!demande KPA 50€ v1")
    assert "Demande #1 de Bob modifiée : 50,00 €" in answer
    changed = room.last_id
    answers = await room.edit("bob", changed, "!demande KPA 55€ v2")
    assert any("Demande #1 de Bob modifiée : 55,00 €" in a for a in answers), answers
    with Session(engine) as db:
        req = db.exec(select(BudgetRequest)).one()
        assert (req.number, req.amount, req.message, req.state) == (1, 5500, "v2", "active")
        assert db.exec(select(BudgetValidation)).all() == []
        updates = db.exec(
            select(Audit).where(Audit.object_kind == "budget_request", Audit.action == "update")
        ).all()
        assert [(a.object_id, a.details["after"]["amount"]) for a in updates] == [
            (str(req.id), 5000),
            (str(req.id), 5500),
        ]
    # a message that withdrew it, edited: the edit stays on the withdrawn request
    answer = await room.one("bob", "!demande KPA retirer")
    assert "Demande #1 de Bob retirée" in answer
    withdrew = room.last_id
    answers = await room.edit("bob", withdrew, "!demande KPA 70€ v3")
    with Session(engine) as db:
        assert [(r.number, r.state) for r in db.exec(select(BudgetRequest)).all()] == [
            (1, "withdrawn")
        ]
    assert answers == [
        "⚠️ La demande #1 est retirée : elle ne change plus. "
        "Pour demander à nouveau : !demande KPA 80€"
    ], answers


async def test_same_reaction_twice_counts_once(room, runtime, engine):
    from commands.events import ReactionAdded

    await setup_kpa(room)
    await room.say("alice", "!budget KPA 500€ novembre")
    said = await room.said("bob", "!demande KPA 120€")
    target = room.adapter.resolve(said[0].short_id)
    event = ReactionAdded(
        platform="console",
        event_id="$r1",
        room_id="coroutine",
        sender="@dan",
        target_event_id=target,
        key="✅",
    )
    await runtime.handle(event)
    await runtime.handle(event)
    await runtime.flush()
    with Session(engine) as db:
        assert len(db.exec(select(BudgetValidation)).all()) == 1


# --------------------------------------------------------------------------- bad input


async def test_bad_input_changes_nothing(room, engine):
    await setup_kpa(room)
    await room.say("alice", "!projet ajouter VIDE")
    cases = {
        "!budget KPA 0€ novembre": "doit être positif",
        "!budget KPA -20€ novembre": "doit être positif",
        "!budget KPA 1000€": "Il manque la période",
        "!budget KPA novembre libre": "Il manque le montant",
        "!budget KPA 1000€ décembre 2026": "n'a pas commencé",
        "!budget VIDE 1000€ novembre": "Aucune contribution sur VIDE",
        "!budget KPA 1000€ novembre plafond 100€": "ne peut pas être dépensée",
        "!budget KPA 1000€ novembre libre plafond 600€": "qu'en mode proportionnel",
        "!budget KPA 1000€ novembre commun 120%": "pourcentage",
        "!budget KPA 1000€ novembre taux": "montant par heure",
        "!budget KPA 1000€ novembre banane": "Je ne comprends pas « banane »",
        "!budget KPA 1000$ novembre": "ce salon compte en EUR",
        "!budget KPA 1000€ novembre min 40h": "Personne n'atteint le minimum",
        "!budget NOPE 1000€ novembre": "inconnu",
        "!budget KPA": "Pas d'enveloppe pour KPA",
    }
    for text, expected in cases.items():
        answer = await room.one("alice", text)
        assert expected in answer, (text, answer)
    answer = await room.one("bob", "!budget KPA 1000€ novembre")
    assert "réservé aux admins" in answer
    with Session(engine) as db:
        assert db.exec(select(BudgetEnvelope)).all() == []
        assert not [a for a in db.exec(select(Audit)).all() if "budget" in a.object_kind]
    await room.say("alice", "!budget KPA 1000€ novembre")
    cases = {
        "!budget KPA 500€ du 20/11 au 25/11": "chevauche cette période",
        "!demande KPA": "Exemples",
        "!demande KPA -5€": "doit être positif",
        "!question abc": "n'est pas un numéro de demande",
        "!question 99": "Pas de demande #99",
        "!budget KPA je-donne 50%": "rétribution libre",
        "!budget KPA csv": "encore ouverte",
        "!budget KPA prorata": "tiennent dans l'enveloppe",
    }
    for text, expected in cases.items():
        answer = await room.one("alice", text)
        assert expected in answer, (text, answer)
    with Session(engine) as db:
        assert len(db.exec(select(BudgetEnvelope)).all()) == 1
        assert db.exec(select(BudgetRequest)).all() == []


async def test_deleting_the_creation_message_deletes_an_open_envelope_that_holds_nothing(
    room, engine
):
    await setup_kpa(room)
    await room.say("alice", "!budget KPA 500€ novembre")
    created = room.last_id
    await room.say("bob", "!demande KPA 100€")
    request = room.last_id
    # Bob's request depends on it: it stays, and the answer says so
    answers = await room.delete("alice", created)
    assert any("a déjà 1 demande" in a and "!budget KPA clore" in a for a in answers), answers
    with Session(engine) as db:
        assert len(db.exec(select(BudgetEnvelope)).all()) == 1
    answers = await room.delete("bob", request)
    assert any("la demande #1 de Bob n'existe plus" in a for a in answers), answers
    answers = await room.delete("alice", created)
    assert any("l'enveloppe KPA (novembre 2026) est supprimée" in a for a in answers)
    with Session(engine) as db:
        assert db.exec(select(BudgetEnvelope)).all() == []
        assert db.exec(select(BudgetRequest)).all() == []


async def test_english_room(room):
    await setup_kpa(room)
    await room.say("alice", "!langue en")
    answer = await room.one("alice", "!budget KPA 1000€ november proportional cap 400€")
    assert "Envelope #1 created" in answer
    assert "| Alice | 30 | 60.00% | €400.00 * | €13.33/h |" in answer
    answer = await room.one("bob", "!budget KPA give all")
    assert "Bob gives €300.00 of their share of the envelope" in answer


async def test_recap_section_shows_open_envelopes(room, engine, runtime):
    await setup_kpa(room)
    await room.say("alice", "!budget KPA 1000€ novembre plafond 400€")
    await room.say("alice", "!projet ajouter KPB")
    await room.say("bob", "!contrib 2h 12/11 KPB")
    await room.say("alice", "!budget KPB 300€ novembre")
    await room.say("bob", "!demande KPB 100€")
    section = dict((name, fn) for _, name, fn in runtime.registry.recap_sections)["budget"]
    with Session(engine) as db:
        room = db.get(Room, "coroutine")
        scope = RecapScope(
            db,
            room,
            dt.date(2026, 11, 16),
            dt.date(2026, 11, 23),
            dt.date(2026, 11, 9),
            dt.date(2026, 11, 16),
            Settings(),
        )
        rich = section(scope)
    assert rich is not None
    text = norm(rich.text)
    assert "Enveloppes ouvertes (2)" in text
    assert "KPA (novembre 2026, 1 000,00 €) — provisoire : Alice 400,00 € · Bob 300,00 €" in text
    assert "KPB (novembre 2026, 300,00 €) — 1 demande, 0 validée" in text


async def test_removing_a_contribution_of_a_closed_period_is_said(room, engine):
    from commands import build_registry

    assert len(build_registry().contribution_listeners) == 1
    await setup_kpa(room)
    await room.say("alice", "!budget KPA 1000€ novembre proportionnel")
    await room.say("alice", "!budget KPA clore")
    answers = await room.say("bob", "!annuler")
    assert any("clôturée : sa répartition figée ne change pas" in a for a in answers)
    assert any("supprimée" in a for a in answers)
    with Session(engine) as db:
        shares = {s.user_id: s.amount for s in db.exec(select(BudgetShare)).all()}
    assert shares == {"@alice": 60000, "@bob": 20000, "@carol": 20000}
    answer = await room.one("carol", "!budgets")
    assert (
        "| #1 | KPA | novembre 2026 | proportionnel aux heures | 1 000,00 € | clôturée | 0,00 € |"
        in answer
    )


async def test_closed_libre_envelope_shows_what_was_paid(room):
    await setup_kpa(room)
    await room.say("alice", "!budget KPA 500€ novembre")
    await room.say("bob", "!demande KPA 120€")
    await room.say("carol", "!demande KPA 80€")
    await room.say("alice", "!valider 1")
    said = await room.said("alice", "!budget KPA clore")
    assert any("Demandes non validées, donc non versées : #2 Carol" in s.text for s in said)
    answer = await room.one("bob", "!budget KPA")
    assert "Répartition figée" in answer
    assert "| Bob | 10 | 120,00 € | 12,00 €/h | demande #1 (120,00 €) |" in answer
    assert "Total : 120,00 € versés + 380,00 € restant = 500,00 €." in answer
