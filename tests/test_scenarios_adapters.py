"""The contribution conversations, played on every adapter: the console and the fake Mattermost
server (the same words typed, the same answers expected)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.adapters.console import ConsoleAdapter
from bot.runtime import Runtime
from commands import build_registry
from commands.core import Context, Registry, Settings
from commands.render import plain
from storage.models import Audit, ChatEvent, Contribution
from tests.conftest import Chat
from tests.mm_harness import mattermost_world

ADAPTERS = ["console", "mattermost"]


def registry_with_probe() -> Registry:
    """The real commands, plus a probe whose message counts the reactions it gets (so that a
    test sees a reaction and its removal reach the handlers)."""
    reg = build_registry()
    seen: set[str] = set()

    @reg.command("sonde", family="sonde", hidden=True)
    def sonde(ctx: Context, _args: str) -> None:
        ctx.reply(plain("sonde prête"), ref=("sonde", 1))

    @reg.on_reaction("sonde")
    def on_reaction(ctx: Context, _target: Any, key: str) -> bool:
        seen.add(ctx.event.event_id)
        ctx.reply(plain(f"réaction {key} de {ctx.name(ctx.sender)}"))
        return True

    @reg.on_undo
    def undo(ctx: Context, target_event_id: str) -> bool:
        if target_event_id not in seen:
            return False
        seen.discard(target_event_id)
        ctx.reply(plain("réaction retirée"))
        return True

    return reg


class ConsoleConversation:
    def __init__(self, chat: Chat) -> None:
        self.chat = chat

    @property
    def last_id(self) -> str | None:
        return self.chat.last_id

    async def say(self, user: str, text: str) -> list[str]:
        return await self.chat.say(user, text)

    async def edit(self, user: str, target: str, text: str) -> list[str]:
        return await self.chat.edit(user, target, text)

    async def delete(self, user: str, target: str) -> list[str]:
        return await self.chat.delete(user, target)

    async def react(self, user: str, target: str, key: str) -> list[str]:
        return await self.chat.react(user, target, key)

    async def unreact(self, user: str, target: str, key: str) -> list[str]:
        return await self.chat.unreact(user, target, key)

    def bot_id(self, index: int) -> str:
        return self.chat.bot_messages[index].short_id


EMOJI_NAMES = {"💶": "euro", "👍": "+1"}


class MattermostConversation:
    def __init__(self, world: Any) -> None:
        self.world = world

    @property
    def last_id(self) -> str | None:
        return self.world.last_id

    async def say(self, user: str, text: str) -> list[str]:
        return await self.world.say(user, text)

    async def edit(self, user: str, target: str, text: str) -> list[str]:
        return await self.world.edit(user, target, text)

    async def delete(self, user: str, target: str) -> list[str]:
        return await self.world.delete(user, target)

    async def react(self, user: str, target: str, key: str) -> list[str]:
        return await self.world.react(user, target, EMOJI_NAMES[key])

    async def unreact(self, user: str, target: str, key: str) -> list[str]:
        return await self.world.unreact(user, target, EMOJI_NAMES[key])

    def bot_id(self, index: int) -> str:
        return [s for s, pid in self.world.ids.items() if s.startswith("b")][index]


@pytest.fixture(params=ADAPTERS)
async def conv(request, engine, clock, tmp_path: Path) -> AsyncIterator[Any]:
    runtime = Runtime(engine, registry_with_probe(), Settings(), clock=clock)
    try:
        if request.param == "console":
            adapter = ConsoleAdapter(
                user="alice",
                room="coroutine",
                admins=("alice",),
                out=lambda _l: None,
                files_dir=tmp_path / "files",
            )
            adapter.attach(runtime)
            yield ConsoleConversation(Chat(runtime, adapter))
        else:
            async with mattermost_world(runtime) as world:
                await world.start()
                yield MattermostConversation(world)
    finally:
        await runtime.close()


async def test_log_a_contribution(conv):
    await conv.say("alice", '!projet ajouter KPA "KPA-Cités"')
    answers = await conv.say("alice", "!contrib 3h atelier KPA")
    assert len(answers) == 1
    assert "Contribution #1 enregistrée pour Alice" in answers[0]
    assert "3h le jeu. 26 nov. 2026" in answers[0]
    assert "KPA (KPA-Cités)" in answers[0]


async def test_edit_updates_and_delete_undoes(conv, engine):
    await conv.say("bob", "!contrib 2h compta")
    command = conv.last_id
    answers = await conv.edit("bob", command, "!contrib 2h30 compta")
    assert any("mise à jour" in a and "2h30" in a for a in answers), answers
    answers = await conv.delete("bob", command)
    assert any("annulée" in a for a in answers), answers
    with Session(engine) as db:
        assert db.exec(select(Contribution)).all() == []
        actions = [a.action for a in db.exec(select(Audit).order_by(Audit.id)).all()]
    assert actions == ["create", "update", "delete"]


async def test_bad_input_and_admin_rule(conv, engine):
    answers = await conv.say("bob", "!contrib atelier")
    assert len(answers) == 1 and "Il manque la durée" in answers[0]
    answers = await conv.say("bob", "!contrib @alice 2h")
    assert len(answers) == 1 and "Seuls les admins" in answers[0]
    with Session(engine) as db:
        assert db.exec(select(Contribution)).all() == []


async def test_admin_logs_for_someone_else_by_mention(conv, engine):
    await conv.say("bob", "!contrib 1h accueil")  # the bot now knows Bob's name
    answers = await conv.say("alice", "!contrib @bob 2h rangement")
    assert len(answers) == 1 and "#2 enregistrée pour Bob" in answers[0], answers
    with Session(engine) as db:
        people = {c.user_id for c in db.exec(select(Contribution)).all()}
    assert len(people) == 1  # the mention and the sender are the same person


async def test_unknown_command_suggests_the_closest(conv):
    answers = await conv.say("bob", "!contirb 2h")
    assert len(answers) == 1
    assert "!contrib" in answers[0] and "Tu voulais dire" in answers[0]


async def test_plain_chat_is_ignored(conv, engine):
    assert await conv.say("bob", "bonjour tout le monde") == []
    with Session(engine) as db:
        assert db.exec(select(ChatEvent)).all() == []


async def test_a_reaction_and_its_removal_reach_the_handlers(conv, engine):
    answers = await conv.say("bob", "!sonde")
    assert answers == ["sonde prête"]
    probe = conv.bot_id(-1)
    answers = await conv.react("chloe", probe, "💶")
    assert answers == ["réaction 💶 de Chloe"]
    answers = await conv.unreact("chloe", probe, "💶")
    assert answers == ["réaction retirée"]
    # put back: a new reaction, seen again
    answers = await conv.react("chloe", probe, "💶")
    assert answers == ["réaction 💶 de Chloe"]
