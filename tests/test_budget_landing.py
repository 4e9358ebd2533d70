"""Landing a shortfall, as conversations in a console room (today: Thursday 26 Nov 2026): an
applied landing follows every later change of a request, the options side by side, revised
amounts, shares shown to the hundredth of a percent."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import Audit, BudgetEnvelope, BudgetRequest, BudgetShare
from tests.test_budget_scenarios import NormChat, log_hours


def granted(engine) -> dict[str, int | None]:
    with Session(engine) as db:
        return {
            r.user_id: r.granted
            for r in db.exec(select(BudgetRequest).where(BudgetRequest.state == "active")).all()
        }


async def setup_room(chat, people=("alice", "bob")) -> NormChat:
    room = NormChat(chat)
    await room.say("alice", '!projet ajouter KPA "KPA-Cités"')
    for who in people:
        await log_hours(room, who, 10)
    return room


# --------------------------------------------------------------------------- the defect


async def test_an_applied_prorata_follows_a_lowered_request(chat, engine):
    room = await setup_room(chat, ("alice", "bob", "carol"))
    await room.say("alice", "!budget KPA 100€ novembre validations 1")
    await room.say("alice", "!demande KPA 25€")
    await room.say("bob", "!demande KPA 100€")
    await room.say("carol", "!valider 1")
    await room.say("carol", "!valider 2")
    answer = "\n".join(await room.say("alice", "!budget KPA prorata"))
    assert "Prorata appliqué" in answer
    assert granted(engine) == {"@alice": 2000, "@bob": 8000}
    # Bob lowers his request: his validation goes, alice's share follows at once
    answers = await room.say("bob", "!demande KPA 75€")
    assert any("Atterrissage recalculé" in a and "Alice 25,00 €" in a for a in answers), answers
    answers = await room.say("carol", "!valider 2")
    assert any("Atterrissage recalculé" in a and "Bob 75,00 €" in a for a in answers), answers
    assert granted(engine) == {"@alice": 2500, "@bob": 7500}
    answer = await room.one("alice", "!budget KPA prorata")
    assert "tiennent dans l'enveloppe" in answer
    answer = await room.one("alice", "!budget KPA")
    assert "Demandes validées : 100,00 € sur une enveloppe de 100,00 €" in answer
    said = await room.said("alice", "!budget KPA clore")
    assert any("Total : 100,00 € versés + 0,00 € restant = 100,00 €" in s.text for s in said)
    with Session(engine) as db:
        assert {s.user_id: s.amount for s in db.exec(select(BudgetShare)).all()} == {
            "@alice": 2500,
            "@bob": 7500,
        }
        actions = [
            a.action
            for a in db.exec(select(Audit).where(Audit.object_kind == "budget_envelope")).all()
        ]
    assert actions.count("reland") == 2


async def test_undoing_the_change_lands_back_and_the_prorata_undoes_once_unchanged(chat, engine):
    room = await setup_room(chat, ("alice", "bob", "carol"))
    await room.say("alice", "!budget KPA 100€ novembre validations 1")
    await room.say("alice", "!demande KPA 25€")
    await room.say("bob", "!demande KPA 100€")
    await room.say("carol", "!valider 1")
    await room.say("carol", "!valider 2")
    await room.say("alice", "!budget KPA prorata")
    prorata = room.last_id
    await room.say("bob", "!demande KPA 75€")
    lowered = room.last_id
    assert granted(engine) == {"@alice": 2500, "@bob": None}
    # the prorata no longer holds what it set: it is not undone
    answers = await room.delete("alice", prorata)
    assert any("changé depuis" in a for a in answers), answers
    # Bob deletes his change: his request and its validation are back, and so is the prorata
    answers = await room.delete("bob", lowered)
    assert any("Atterrissage recalculé" in a for a in answers), answers
    assert granted(engine) == {"@alice": 2000, "@bob": 8000}
    answers = await room.delete("alice", prorata)
    assert any("est défait" in a for a in answers), answers
    assert granted(engine) == {"@alice": None, "@bob": None}
    with Session(engine) as db:
        env = db.exec(select(BudgetEnvelope)).one()
        assert env.landing is None and env.landing_event is None


async def test_a_withdrawal_and_a_new_validated_request_land_again(chat, engine):
    room = await setup_room(chat, ("alice", "bob", "carol", "dan"))
    await room.say("alice", "!budget KPA 100€ novembre validations 1")
    await room.say("alice", "!demande KPA 60€")
    await room.say("bob", "!demande KPA 60€")
    await room.say("carol", "!valider 1")
    await room.say("carol", "!valider 2")
    await room.say("alice", "!budget KPA prorata")
    assert granted(engine) == {"@alice": 5000, "@bob": 5000}
    await room.say("dan", "!demande KPA 30€")
    assert granted(engine) == {"@alice": 5000, "@bob": 5000, "@dan": None}
    await room.say("carol", "!valider 3")
    assert granted(engine) == {"@alice": 4000, "@bob": 4000, "@dan": 2000}
    await room.say("bob", "!demande KPA retirer")
    assert granted(engine)["@alice"] == 6000 and granted(engine)["@dan"] == 3000


# --------------------------------------------------------------------------- percentages


async def test_shares_are_rounded_to_the_hundredth_and_add_up_to_100(chat):
    room = NormChat(chat)
    await room.say("alice", "!projet ajouter KPA")
    await log_hours(room, "alice", 10)
    await log_hours(room, "bob", 5)
    answer = await room.one("alice", "!budget KPA 100€ novembre proportionnel")
    assert "| Alice | 10 | 66,67 % |" in answer and "| Bob | 5 | 33,33 % |" in answer
    await room.say("alice", "!projet ajouter KPB")
    await log_hours(room, "alice", 20, "KPB")
    await log_hours(room, "bob", 5, "KPB")
    await log_hours(room, "carol", 5, "KPB")
    answer = await room.one("alice", "!budget KPB 100€ novembre proportionnel")
    assert "| Alice | 20 | 66,67 % |" in answer
    # equal hours: the one who logged first gets the last hundredth
    assert "| Bob | 5 | 16,67 % |" in answer and "| Carol | 5 | 16,66 % |" in answer


# --------------------------------------------------------------------------- the options


async def five_requests(chat, engine):
    """10 000 € for 15 000 € of validated requests (6 000, 4 000, 3 000, 1 500, 500)."""
    people = ("bob", "carol", "dan", "erin", "fred")
    room = await setup_room(chat, ("alice", *people))
    await room.say("alice", "!budget KPA 10000€ novembre validations 1")
    for who, euros in zip(people, (6000, 4000, 3000, 1500, 500), strict=True):
        await room.say(who, f"!demande KPA {euros}€")
    for n in range(1, 6):
        await room.say("alice", f"!valider {n}")
    return room


async def test_four_options_side_by_side_each_summing_to_the_envelope(chat, engine):
    room = await five_requests(chat, engine)
    await room.say("fred", "!demande 5 révisée 400€")
    answer = await room.one("bob", "!budget KPA atterrissage")
    assert "5 demandes validées pour 15 000,00 €, l'enveloppe a 10 000,00 €" in answer
    assert (
        "| # | Personne | Demandé | Révisé | 1. Prorata | 2. Base + prorata | 3. Médiane "
        "| 4. Plancher |" in answer
    )
    assert (
        "| #1 | Bob | 6 000,00 € |  | 4 000,00 € | 3 768,60 € | 2 727,27 € | 3 965,52 € |" in answer
    )
    assert (
        "| #5 | Fred | 500,00 € | 400,00 € | 333,33 € | 500,00 € | 454,55 € | 362,07 € |" in answer
    )
    assert (
        "|  | Total | 15 000,00 € | 14 900,00 € | 10 000,00 € | 10 000,00 € | 10 000,00 € "
        "| 10 000,00 € |" in answer
    )
    assert "2. base égale de 30 % de l'enveloppe, puis prorata" in answer
    assert "4. chaque demande protégée jusqu'à 100,00 €, puis prorata" in answer
    # other parameters
    answer = await room.one("bob", "!budget KPA atterrissage base 50% plancher 1000€")
    assert "2. base égale de 50 % de l'enveloppe" in answer
    assert "jusqu'à 1 000,00 €" in answer
    # English
    await room.say("alice", "!langue en")
    answer = await room.one("bob", "!budget KPA landing")
    assert "| #5 | Fred | €500.00 | €400.00 | €333.33 | €500.00 | €454.55 | €362.07 |" in answer


async def test_an_admin_applies_an_option_which_follows_changes_and_is_undone(chat, engine):
    room = await five_requests(chat, engine)
    answer = await room.one("bob", "!budget KPA atterrissage appliquer 2")
    assert "réservé aux admins" in answer
    answer = await room.one("alice", "!budget KPA atterrissage appliquer")
    assert "Quelle option appliquer ?" in answer
    said = await room.said("alice", "!budget KPA atterrissage appliquer base")
    applied = room.last_id
    assert "Option 2 (base égale de 30 % de l'enveloppe, puis prorata) appliquée" in said[0].text
    assert granted(engine) == {
        "@bob": 376860,
        "@carol": 259504,
        "@dan": 200826,
        "@erin": 112810,
        "@fred": 50000,
    }
    answer = await room.one("alice", "!budget KPA atterrissage")
    assert "Appliquée : option 2" in answer
    # Bob lowers his request and it is validated again: option 2 again, on the new amounts
    await room.say("bob", "!demande KPA 2000€")
    answers = await room.say("alice", "!valider 1")
    assert any("Atterrissage recalculé" in a for a in answers), answers
    shares = granted(engine)
    assert sum(v or 0 for v in shares.values()) == 1_000_000
    assert shares["@bob"] <= 200000
    # its message cannot be undone while what it set has changed since
    answers = await room.delete("alice", applied)
    assert any("changé depuis" in a for a in answers), answers
    with Session(engine) as db:
        actions = [
            a.action
            for a in db.exec(select(Audit).where(Audit.object_kind == "budget_envelope")).all()
        ]
    assert "land" in actions and "reland" in actions


async def test_an_applied_option_undone_at_once(chat, engine):
    room = await five_requests(chat, engine)
    await room.say("alice", "!budget KPA atterrissage appliquer 4")
    applied = room.last_id
    answers = await room.delete("alice", applied)
    assert any("L'atterrissage de l'enveloppe KPA (novembre 2026) est défait" in a for a in answers)
    assert set(granted(engine).values()) == {None}
    with Session(engine) as db:
        assert db.exec(select(BudgetEnvelope)).one().landing is None


async def test_an_amount_agreed_by_hand_stops_the_landing_until_undone(chat, engine):
    room = await setup_room(chat, ("alice", "bob", "carol", "dan"))
    await room.say("alice", "!budget KPA 100€ novembre validations 1")
    await room.say("bob", "!demande KPA 60€")
    await room.say("carol", "!demande KPA 60€")
    await room.say("alice", "!valider 1")
    await room.say("alice", "!valider 2")
    await room.say("alice", "!budget KPA prorata")
    await room.say("alice", "!budget KPA accord 1 40€")
    agreed = room.last_id
    assert granted(engine) == {"@bob": 4000, "@carol": 5000}
    await room.say("dan", "!demande KPA 10€")
    await room.say("alice", "!valider 3")
    assert granted(engine) == {"@bob": 4000, "@carol": 5000, "@dan": None}
    answers = await room.delete("alice", agreed)
    assert any("Atterrissage recalculé" in a for a in answers), answers
    assert granted(engine) == {"@bob": 4616, "@carol": 4615, "@dan": 769}


async def test_a_revised_amount_is_its_authors_and_is_undone(chat, engine):
    room = await setup_room(chat, ("alice", "bob", "carol"))
    await room.say("alice", "!budget KPA 100€ novembre")
    await room.say("bob", "!demande KPA 80€")
    answer = await room.one("carol", "!demande 1 révisée 60€")
    assert "Seul l'auteur de la demande #1 peut la réviser" in answer
    answer = await room.one("bob", "!demande 1 révisée 90€")
    assert "c'est plus que la demande #1 (80,00 €)" in answer
    answer = await room.one("bob", "!demande 1 révisée")
    assert "!demande 1 révisée 60€" in answer
    # the amount is required, and nothing follows it (the help says <montant>)
    assert "!demande 1 révisée 60€" in await room.one("bob", "!demande #1 révisée")
    assert "!demande 1 révisée 60€" in await room.one("bob", "!demande 1 révisée 60€ merci")
    answer = await room.one("bob", "!demande #1 révisée 60€")
    assert "Demande #1 de Bob : montant révisé 60,00 € (demandé : 80,00 €)" in answer
    revised = room.last_id
    with Session(engine) as db:
        assert db.exec(select(BudgetRequest)).one().revised == 6000
    answers = await room.delete("bob", revised)
    assert any("montant révisé de nouveau —" in a for a in answers), answers
    with Session(engine) as db:
        assert db.exec(select(BudgetRequest)).one().revised is None
    answer = await room.one("bob", "!request 1 revised 70€")
    assert "montant révisé 70,00 €" in answer


async def test_an_option_applied_with_its_parameter(chat, engine):
    room = await five_requests(chat, engine)
    answer = await room.one("alice", "!budget KPA atterrissage appliquer plancher 1000€")
    assert "Option 4 (chaque demande protégée jusqu'à 1 000,00 €, puis prorata) appliquée" in answer
    shares = granted(engine)
    assert sum(shares.values()) == 1_000_000 and shares["@fred"] == 50000
    assert shares["@erin"] >= 100000
    with Session(engine) as db:
        assert db.exec(select(BudgetEnvelope)).one().landing == "floor:100000"
    answer = await room.one("alice", "!budget KPA atterrissage appliquer 2 base 50%")
    assert "Option 2 (base égale de 50 % de l'enveloppe, puis prorata) appliquée" in answer
    answer = await room.one("alice", "!budget KPA atterrissage n'importe")
    assert "Je ne comprends pas « n'importe »" in answer


async def test_a_revision_edited_then_deleted_is_undone_once(chat, engine):
    room = await setup_room(chat, ("alice", "bob"))
    await room.say("alice", "!budget KPA 100€ novembre")
    await room.say("bob", "!demande KPA 80€")
    await room.say("bob", "!demande 1 révisée 60€")
    revised = room.last_id
    answers = await room.edit("bob", revised, "!demande 1 révisée 50€")
    assert any("montant révisé 50,00 €" in a for a in answers), answers
    answers = await room.delete("bob", revised)
    assert any("montant révisé de nouveau —" in a for a in answers), answers
    with Session(engine) as db:
        assert db.exec(select(BudgetRequest)).one().revised is None
