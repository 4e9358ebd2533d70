"""Contributions, as conversations in a console room."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import Audit, ChatEvent, Contribution


async def test_log_a_contribution_and_see_it_understood(chat):
    await chat.say("alice", '!projet ajouter KPA "KPA-Cités"')
    answer = await chat.one("alice", "!contrib 3h atelier KPA")
    assert "Contribution #1 enregistrée pour Alice" in answer
    assert "3h le jeu. 26 nov. 2026" in answer
    assert "KPA (KPA-Cités)" in answer
    assert "atelier" in answer


async def test_date_anywhere_and_decimal_comma(chat):
    answer = await chat.one("bob", "!contrib réunion hier 1,5h")
    assert "1h30 le mer. 25 nov. 2026" in answer
    assert "réunion" in answer


async def test_edit_updates_and_delete_undoes(chat, engine):
    await chat.say("bob", "!contrib 2h compta")
    command = chat.last_id
    answers = await chat.edit("bob", command, "!contrib 2h30 compta")
    assert any("mise à jour" in a and "2h30" in a for a in answers)
    answers = await chat.delete("bob", command)
    assert any("annulée" in a for a in answers)
    with Session(engine) as db:
        assert db.exec(select(Contribution)).all() == []
        actions = [a.action for a in db.exec(select(Audit).order_by(Audit.id)).all()]
    assert actions == ["create", "update", "delete"]


async def test_bad_input_changes_nothing(chat, engine):
    cases = {
        "!contrib atelier": "Il manque la durée",
        "!contrib 0h atelier": "durée nulle",
        "!contrib -2h atelier": "positive",
        "!contrib 25h atelier": "maximum du salon",
        "!contrib 2h 30/11/2026": "dans le futur",
        "!contrib 2h #NOPE": "inconnu",
    }
    for text, expected in cases.items():
        answer = await chat.one("bob", text)
        assert expected in answer, (text, answer)
    await chat.join("alice")
    answer = await chat.one("bob", "!contrib @alice 2h")
    assert "Seuls les admins" in answer
    with Session(engine) as db:
        assert db.exec(select(Contribution)).all() == []
        assert db.exec(select(Audit)).all() == []


async def test_unknown_command_suggests_the_closest(chat):
    answer = await chat.one("bob", "!contirb 2h")
    assert "!contrib" in answer and "Tu voulais dire" in answer


async def test_same_event_twice_counts_once(chat, runtime, engine):
    from commands.events import Message

    event = Message(
        platform="console",
        event_id="$replayed",
        room_id="coroutine",
        sender="@bob",
        body="!contrib 1h test",
    )
    await runtime.handle(event)
    await runtime.handle(event)
    await runtime.flush()
    with Session(engine) as db:
        assert len(db.exec(select(Contribution)).all()) == 1
        assert len(db.exec(select(ChatEvent)).all()) == 1
    assert len([s for s in chat.bot_messages if "Contribution #1" in s.text]) == 1


async def test_undo_reads_a_number_a_lone_hash_or_nothing(chat):
    await chat.say("bob", "!contrib 2h compta")
    await chat.say("bob", "!contrib 1h rangement")
    assert "« 1 2 » n'est pas un numéro de contribution" in await chat.one("bob", "!annuler 1 2")
    assert "Pas de contribution #7" in await chat.one("bob", "!annuler #7")
    assert "#2" in await chat.one("bob", "!annuler #")
    assert "#1" in await chat.one("bob", "!annuler")
    assert "aucune contribution à annuler" in await chat.one("bob", "!annuler")
