"""Authorship on a real Synapse: the homeserver accepts an ``m.replace`` from anyone, pointing at
any event, and lets a moderator redact anyone's message; the bot changes nothing for them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.matrix.synapse import Synapse, synapse_python
from storage.models import BudgetEnvelope, ChatEvent, Contribution
from tests.matrix_helpers import InProcessBot, Person, reply_target

pytestmark = [
    pytest.mark.synapse,
    pytest.mark.skipif(synapse_python() is None, reason="matrix-synapse not installed (./dev)"),
]


@pytest.fixture
async def alice(synapse: Synapse) -> AsyncIterator[Person]:
    person = await Person(synapse).start()
    yield person
    await person.stop()


@pytest.fixture
async def bob(synapse: Synapse) -> AsyncIterator[Person]:
    person = await Person(synapse).start()
    yield person
    await person.stop()


@pytest.fixture
async def bot(synapse: Synapse, tmp_path: Path) -> AsyncIterator[InProcessBot]:
    b = await InProcessBot(synapse, tmp_path / "bot.db").register().start()
    yield b
    await b.stop()


async def shared_room(alice: Person, bob: Person, bot: InProcessBot) -> str:
    """A room alice created (she is its admin), with bob and the bot in it."""
    room = await alice.create_room([bot.user_id, bob.user_id])
    await alice.joined(room, bot.user_id)
    await bob.joined(room, bob.user_id)
    return room


async def command(person: Person, room: str, body: str) -> tuple[str, str]:
    """Send a command and wait for the bot's answer: (event id, answer text)."""
    event_id = await person.say(room, body)
    return event_id, (await person.reply_to(event_id))["content"]["body"]


def rows(bot: InProcessBot, model: Any) -> list[Any]:
    assert bot.engine is not None
    with Session(bot.engine) as db:
        return list(db.exec(select(model)).all())


def contributions(bot: InProcessBot) -> list[tuple[str, int]]:
    return sorted((c.user_id, c.minutes) for c in rows(bot, Contribution))


def outcome(bot: InProcessBot, event_id: str) -> str | None:
    assert bot.engine is not None
    with Session(bot.engine) as db:
        row = db.get(ChatEvent, event_id)
        return row.command if row else None


def said_since(person: Person, mark: int, bot: InProcessBot) -> list[dict[str, Any]]:
    return [raw for _, _, raw in person.events[mark:] if raw.get("sender") == bot.user_id]


async def test_a_raw_edit_by_someone_else_changes_nothing(alice, bob, bot):
    room = await shared_room(alice, bob, bot)
    contrib, _ = await command(alice, room, "!contrib 3h atelier")
    await command(alice, room, "!projet ajouter KPA")
    await command(alice, room, "!contrib 2h KPA")
    budget, answer = await command(alice, room, "!budget KPA 500€ ce mois")
    assert "Enveloppe #1" in answer
    await bob.reply_to(budget)  # bob has seen everything so far
    mark = len(bob.events)
    forged = [
        await bob.edit(room, contrib, "!contrib 9h atelier"),
        await bob.edit(room, contrib, "rien"),
        await bob.edit(room, budget, "rien"),
    ]
    # bob's next command is answered: the edits before it were handled
    marker, _ = await command(bob, room, "!contribs")
    assert [outcome(bot, e) for e in forged] == ["forged"] * 3
    assert contributions(bot) == [(alice.user_id, 120), (alice.user_id, 180)]
    assert [e.amount for e in rows(bot, BudgetEnvelope)] == [50000]
    assert [reply_target(raw) for raw in said_since(bob, mark, bot)] == [marker]


async def test_an_edit_of_a_message_the_bot_does_not_remember_is_checked_with_the_homeserver(
    synapse, alice, bob, tmp_path
):
    bot = await InProcessBot(synapse, tmp_path / "bot.db").register().start()
    room = await shared_room(alice, bob, bot)
    plain = await alice.say(room, "réunion de jeudi")
    contrib, _ = await command(alice, room, "!contrib 3h atelier")
    await bot.stop()
    # a new process: the adapter's memory of recent events is empty
    bot = InProcessBot(synapse, tmp_path / "bot.db", name=bot.name)
    await bot.start()
    try:
        mark = len(alice.events)
        forged = await bob.edit(room, plain, "!contrib 5h réunion")
        forged_too = await bob.edit(room, contrib, "!contrib 9h atelier")
        own = await alice.edit(room, plain, "!contrib 2h réunion")
        answer = await alice.reply_to(plain)  # the edit's answer replies to the original
        assert "Contribution #2" in answer["content"]["body"]
        assert (outcome(bot, forged), outcome(bot, forged_too)) == ("forged", "forged")
        assert outcome(bot, own) == "contrib"
        assert contributions(bot) == [(alice.user_id, 120), (alice.user_id, 180)]
        # an answer to bob's forged edits would come before the answer to his sentinel
        end = await bob.settle(room)
        await alice.reply_to(end)  # and alice has seen as much
        assert [reply_target(raw) for raw in said_since(alice, mark, bot)] == [plain, end]
    finally:
        await bot.stop()


async def test_a_moderator_redacting_an_admins_envelope_does_not_delete_it(alice, bob, bot):
    room = await shared_room(alice, bob, bot)
    await command(alice, room, "!reglages admin 75")
    levels = await alice.client.room_get_state_event(room, "m.room.power_levels")
    content = dict(levels.content)  # type: ignore[union-attr]
    content.setdefault("users", {})[bob.user_id] = 50  # may redact others' messages
    await alice.client.room_put_state(room, "m.room.power_levels", content)
    await command(alice, room, "!projet ajouter KPA")
    await command(alice, room, "!contrib 2h KPA")
    budget, _ = await command(alice, room, "!budget KPA 500€ ce mois")
    _, answer = await command(bob, room, f"!contrib {alice.user_id} 1h")  # bob is no admin
    assert "admins" in answer
    mark = len(alice.events)
    await bob.redact(room, budget)
    kept = await alice.wait_for(
        lambda raw, _r: raw.get("sender") == bot.user_id and "rien n'est annulé" in str(raw),
        start=mark,
    )
    assert bob.name in kept["content"]["body"]
    assert [e.amount for e in rows(bot, BudgetEnvelope)] == [50000]
    # alice, an admin, deletes it
    mark = len(alice.events)
    await alice.redact(room, budget)
    await alice.wait_for(
        lambda raw, _r: raw.get("sender") == bot.user_id and "supprimée" in str(raw), start=mark
    )
    assert rows(bot, BudgetEnvelope) == []
