"""Where an envelope's money comes from, and several envelopes per project, as conversations in
a console room (today: Thursday 26 Nov 2026): top-ups and paid services add to an envelope (its
total is always the sum of its sources), envelopes for a mission with an owner who settles them,
``#N`` wherever a project code goes."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session, select

from commands.budget.sources import share_of
from storage.models import Audit, BudgetEnvelope, BudgetRequest, BudgetSource
from tests.test_budget_scenarios import NormChat, log_hours


def amounts(engine) -> dict[int, int]:
    with Session(engine) as db:
        return {e.number: e.amount for e in db.exec(select(BudgetEnvelope)).all()}


def sources(engine) -> list[tuple[int, str, str, int, str]]:
    with Session(engine) as db:
        return [
            (s.envelope_id, s.kind, s.label, s.amount, s.user_id)
            for s in db.exec(select(BudgetSource).order_by(BudgetSource.id)).all()
        ]


async def setup_room(chat, people=("alice", "bob", "carol")) -> NormChat:
    room = NormChat(chat)
    await room.say("alice", '!projet ajouter KPA "KPA-Cités"')
    for who in people:
        await log_hours(room, who, 10)
    return room


async def test_a_top_up_and_a_paid_service_add_to_the_envelope(chat, engine):
    room = await setup_room(chat)
    await room.say("alice", "!budget KPA 1000€ novembre")
    answer = await room.one("alice", "!budget KPA source subvention région 2000€")
    assert "+2 000,00 € (subvention région)" in answer, answer
    assert "3 000,00 €" in answer
    answer = await room.one("alice", '!prestation KPA 3000€ 10% "formation X"')
    assert "+300,00 €" in answer and "formation X" in answer, answer
    assert amounts(engine) == {1: 330000}
    shown = await room.one("bob", "!budget KPA")
    print(shown)
    assert "Sources (3)" in shown
    assert "subvention région" in shown and "montant initial" in shown
    assert [s[1:4] for s in sources(engine)] == [
        ("initial", "", 100000),
        ("source", "subvention région", 200000),
        ("prestation", "formation X", 30000),
    ]


async def test_only_admins_or_the_owner_add_sources_and_a_closed_envelope_takes_none(chat, engine):
    room = await setup_room(chat)
    await room.say("alice", "!budget KPA 100€ novembre")
    answer = await room.one("bob", "!budget KPA source don 50€")
    assert "admin" in answer, answer
    answer = await room.one("bob", "!prestation KPA 500€ 10%")
    assert "admin" in answer, answer
    assert amounts(engine) == {1: 10000}
    await room.say("bob", "!demande KPA 40€")
    await room.say("alice", "!valider 1")
    assert "clôturée" in "\n".join(await room.say("alice", "!budget KPA clore"))
    answer = await room.one("alice", "!budget KPA source don 50€")
    assert "clôturée" in answer, answer
    answer = await room.one("alice", "!prestation #1 500€ 10%")
    assert "clôturée" in answer, answer
    assert amounts(engine) == {1: 10000}


async def test_bad_input_says_what_to_type(chat):
    room = await setup_room(chat)
    await room.say("alice", "!budget KPA 100€ novembre")
    answer = await room.one("alice", "!budget KPA source 50€")
    assert "D'où vient cet argent" in answer and "!budget KPA source subvention 2000€" in answer
    answer = await room.one("alice", "!budget KPA source subvention")
    assert "Exemple : !budget KPA source subvention 2000€" in answer, answer
    answer = await room.one("alice", "!prestation KPA 3000€ formation")
    assert "Quelle part" in answer and "!prestation KPA 3000€ 10%" in answer, answer
    answer = await room.one("alice", "!prestation KPA 3000€ 150%")
    assert "entre 0 (exclu) et 100 %" in answer, answer
    answer = await room.one("alice", "!prestation KPA 0,04€ 10%")
    assert "ne fait rien" in answer, answer
    answer = await room.one("alice", "!prestation KPA 10%")
    assert "le prix de la prestation" in answer, answer
    answer = await room.one("alice", "!budget #9")
    assert "Pas d'enveloppe #9" in answer and "!budgets" in answer, answer
    answer = await room.one("alice", "!budget #x")
    assert "n'est pas un numéro d'enveloppe" in answer, answer


async def test_a_share_of_a_service_is_rounded_half_a_cent_up(chat, engine):
    room = await setup_room(chat)
    await room.say("alice", "!budget KPA 100€ novembre")
    answer = await room.one("alice", "!prestation KPA 33,35€ 10% atelier")
    assert "+3,34 €" in answer, answer  # 3,335 €
    answer = await room.one("alice", "!prestation KPA 33,34€ 12,5% atelier")
    assert "+4,17 €" in answer, answer  # 4,1675 €
    assert amounts(engine) == {1: 10000 + 334 + 417}


async def test_removing_a_source_takes_its_money_out_and_an_applied_landing_follows(chat, engine):
    room = await setup_room(chat)
    await room.say("alice", "!budget KPA 100€ novembre validations 1")
    await room.say("alice", "!demande KPA 25€")
    await room.say("bob", "!demande KPA 100€")
    await room.say("carol", "!valider 1")
    await room.say("carol", "!valider 2")
    await room.say("alice", "!budget KPA prorata")
    with Session(engine) as db:
        assert sorted(r.granted for r in db.exec(select(BudgetRequest)).all()) == [2000, 8000]
    answers = await room.say("alice", "!budget KPA source don 25€")
    topup = room.last_id
    assert any("Atterrissage recalculé" in a for a in answers), answers
    with Session(engine) as db:
        assert sorted(r.granted for r in db.exec(select(BudgetRequest)).all()) == [2500, 10000]
    answers = await room.delete("alice", topup)
    assert any("quitte l'enveloppe #1" in a and "100,00 €" in a for a in answers), answers
    assert any("Atterrissage recalculé" in a for a in answers), answers
    assert amounts(engine) == {1: 10000}
    with Session(engine) as db:
        assert sorted(r.granted for r in db.exec(select(BudgetRequest)).all()) == [2000, 8000]
        actions = [
            a.action
            for a in db.exec(select(Audit).where(Audit.object_kind == "budget_envelope")).all()
        ]
    assert "source" in actions and "unsource" in actions


async def test_an_envelope_with_top_ups_is_not_deleted_with_its_message(chat, engine):
    room = await setup_room(chat)
    await room.say("alice", "!budget KPA 100€ novembre")
    created = room.last_id
    await room.say("alice", "!prestation KPA 200€ 50% atelier")
    answer = "\n".join(await room.delete("alice", created))
    assert "a reçu 1 source depuis" in answer, answer
    assert amounts(engine) == {1: 20000}
    await room.delete("alice", room.last_id)  # the prestation's message
    answer = "\n".join(await room.delete("alice", created))
    assert "supprimée" in answer, answer
    assert amounts(engine) == {}
    assert sources(engine) == []


# --------------------------------------------------------------------------- several envelopes


async def test_a_mission_envelope_with_an_owner_beside_the_period_one(chat, engine):
    room = await setup_room(chat)
    await room.say("alice", "!budget KPA 1000€ novembre")
    answer = await room.one("alice", '!budget KPA 500€ mission "Fête de quartier" soucieux @bob')
    assert "#2" in answer and "Mission : Fête de quartier" in answer, answer
    assert "soucieux : Bob" in answer, answer
    # two open envelopes: the project code alone asks which one
    answer = await room.one("carol", "!budget KPA")
    assert "plusieurs enveloppes ouvertes" in answer, answer
    assert "#1 KPA (novembre 2026)" in answer and "#2 KPA · Fête de quartier (2026)" in answer
    answer = await room.one("carol", "!demande KPA 50€")
    assert "Laquelle ? Exemple : !demande #1 50€" in answer, answer  # what was typed, with #N
    answer = await room.one("alice", "!releve KPA avant le 30/11")
    assert "Laquelle ? Exemple : !releve #1 avant le 30/11" in answer, answer
    answer = await room.one("alice", "!releve #2 avant le 30/11")
    assert "Relevé des compteurs pour KPA · Fête de quartier (2026)" in answer, answer
    answer = await room.one("carol", "!demande #2 50€ affiches")
    assert "Demande #1" in answer or "#1" in answer, answer
    await room.say("alice", "!demande #1 30€")
    listed = await room.one("carol", "!budgets")
    assert "KPA · Fête de quartier" in listed, listed
    shown = await room.one("carol", "!budget #2")
    assert "Fête de quartier" in shown and "soucieux : Bob" in shown, shown
    # the owner settles envelope #2 like an admin, not envelope #1
    answer = await room.one("bob", "!budget #1 accord 2 30€")
    assert "admin" in answer, answer
    answer = await room.one("bob", "!budget #1 clore")
    assert "admin" in answer, answer
    answer = await room.one("bob", "!budget #2 source mécénat 100€")
    assert "+100,00 €" in answer, answer
    answer = await room.one("bob", '!prestation #2 1000€ 5% "buvette"')
    assert "+50,00 €" in answer, answer
    answer = await room.one("bob", "!budget #2 accord 1 45€")
    assert "45,00 €" in answer, answer
    answer = "\n".join(await room.say("bob", "!budget #2 clore"))
    assert "clôturée" in answer, answer
    answer = await room.one("bob", "!budget #2 soucieux @carol")
    assert "admin" in answer, answer
    with Session(engine) as db:
        envs = {e.number: e for e in db.exec(select(BudgetEnvelope)).all()}
    assert envs[2].state == "closed" and envs[2].amount == 65000 and envs[2].owner == "@bob"
    assert envs[1].state == "open" and envs[1].owner is None
    # once #2 is closed, the project code means its only open envelope again
    answer = await room.one("carol", "!budget KPA")
    assert "#1 KPA (novembre 2026)" in answer, answer


async def test_an_admin_sets_the_owner_later_and_removing_that_message_gives_it_back(chat, engine):
    room = await setup_room(chat)
    await room.say("alice", "!budget KPA 300€ mission atelier")
    answer = await room.one("bob", "!budget KPA clore")
    assert "admin" in answer, answer
    answer = await room.one("alice", "!budget #1 soucieux @bob")
    set_it = room.last_id
    assert "Bob est soucieux de l'enveloppe #1" in answer, answer
    answer = await room.one("bob", "!budget KPA source don 10€")
    assert "+10,00 €" in answer, answer
    answers = await room.delete("alice", set_it)
    assert any("soucieux d'avant" in a for a in answers), answers
    answer = await room.one("bob", "!budget KPA source don 10€")
    assert "admin" in answer, answer
    answer = await room.one("alice", "!budget #1 soucieux")
    assert "Qui est soucieux" in answer, answer


async def test_two_plain_envelopes_still_may_not_overlap_nor_two_with_one_label(chat):
    room = await setup_room(chat)
    await room.say("alice", "!budget KPA 100€ novembre")
    answer = await room.one("alice", "!budget KPA 100€ du 15/11 au 20/11")
    assert "chevauche" in answer, answer
    await room.say("alice", "!budget KPA 100€ mission Fête")
    answer = await room.one("alice", "!budget KPA 100€ mission Fête")
    assert "chevauche" in answer, answer
    answer = await room.one("alice", "!budget #1 200€ novembre")
    assert "existe déjà" in answer, answer


async def test_every_answer_in_english_too(chat):
    room = await setup_room(chat)
    await room.say("alice", "!langue en")
    await room.say("alice", '!budget KPA 100€ mission "Street party" owner @bob')
    answer = await room.one("bob", "!budget #1 source grant 50€")
    assert "It now holds 150.00" in answer or "now holds" in answer, answer
    answer = await room.one("bob", "!prestation #1 100€ 10% training")
    assert "training: 10% of" in answer, answer
    answer = await room.one("carol", "!budget #1 source grant 50€")
    assert "admin" in answer.lower(), answer


# --------------------------------------------------------------------------- rounding


@given(service=st.integers(1, 10**11), bp=st.integers(1, 10000))
def test_a_share_is_the_nearest_cent_half_up(service, bp):
    share = share_of(service, bp)
    assert 0 <= share <= service
    # exact: |share - service × bp / 10000| <= 1/2 cent, and a half goes up
    assert -5000 < share * 10000 - service * bp <= 5000


# --------------------------------------------------------------------------- upgrading


def test_the_migration_gives_every_envelope_its_initial_source(tmp_path):
    """The day's database of ``tests/upgrade_fixture.py``, upgraded: each envelope gets one
    ``initial`` source of its amount, by whoever created it, keyed by its message."""
    import json

    from sqlalchemy import text

    from storage.db import make_engine, migrate, sqlite_url
    from tests.conftest import assert_ledger_sound
    from tests.upgrade_fixture import FIXTURE, load_rows

    data = json.loads(FIXTURE.read_text())
    engine = make_engine(sqlite_url(tmp_path / "old.db"))
    migrate(engine, data["base"])
    load_rows(engine, data["rows"])
    migrate(engine, "0015")
    with engine.connect() as conn:
        before = [
            tuple(row)
            for row in conn.execute(
                text("SELECT id, amount, created_by, event_id FROM budget_envelope ORDER BY id")
            )
        ]
    assert before, "the fixture has envelopes"
    migrate(engine)
    with Session(engine) as db:
        found = [
            (s.envelope_id, s.amount, s.user_id, s.event_id)
            for s in db.exec(select(BudgetSource).order_by(BudgetSource.id)).all()
        ]
        kinds = {s.kind for s in db.exec(select(BudgetSource)).all()}
    assert found == before and kinds == {"initial"}
    assert_ledger_sound(engine)
    engine.dispose()


async def test_two_open_period_envelopes_are_named_by_their_number(chat):
    room = await setup_room(chat)
    await room.say("alice", "!contrib 2h 02/10 KPA travail")
    await room.say("alice", "!budget KPA 100€ novembre")
    await room.say("alice", "!budget KPA 100€ octobre")
    answer = await room.one("bob", "!budget KPA")
    assert "(#1 novembre 2026, #2 octobre 2026)" in answer, answer
    assert "!budget #3" in answer
    answer = await room.one("bob", "!budget #2")
    assert "Enveloppe #2 KPA (octobre 2026)" in answer, answer
    answer = await room.one("bob", "!budget KPA octobre")
    assert "Enveloppe #2 KPA (octobre 2026)" in answer, answer


async def test_the_owner_applies_a_landing_on_their_envelope_and_a_top_up_moves_it(chat, engine):
    room = await setup_room(chat)
    await room.say("alice", "!budget KPA 100€ mission atelier soucieux @bob validations 1")
    await room.say("carol", "!demande #1 100€")
    await room.say("alice", "!demande #1 100€")
    await room.say("bob", "!valider 1")
    await room.say("bob", "!valider 2")
    answers = await room.say("carol", "!budget #1 atterrissage appliquer 1")
    assert any("admin" in a for a in answers), answers
    answers = await room.say("bob", "!budget #1 atterrissage appliquer 1")
    assert any("50,00 €" in a for a in answers), answers
    answers = await room.say("bob", '!prestation #1 500€ 20% "stage"')
    assert any("Atterrissage recalculé" in a and "100,00 €" in a for a in answers), answers
    with Session(engine) as db:
        assert sorted(r.granted for r in db.exec(select(BudgetRequest)).all()) == [10000, 10000]
