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
