"""Mentions are structured on ``Message``: each adapter says which person a word of the body
stands for (a Matrix pill or id, a Mattermost ``@username``, an id typed in the console), and the
commands read the person from there, never by parsing a platform id out of the text."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlmodel import Session, select

from bot.adapters.console import ConsoleAdapter
from bot.runtime import Runtime
from commands import build_registry
from commands.args import Mention as MentionArg
from commands.args import Person
from commands.core import Context, Settings, UserError, get_room, remember_member
from commands.events import Mention, Message
from commands.people import resolve_person
from storage.db import transaction
from storage.models import Contribution
from tests.mm_harness import mattermost_world

NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)


def spy(runtime: Runtime) -> list[Any]:
    """The events the runtime is handed, in order."""
    seen: list[Any] = []
    handle = runtime.handle

    async def handled(event: Any) -> None:
        seen.append(event)
        await handle(event)

    runtime.handle = handled  # type: ignore[method-assign]
    return seen


# -- the commands read the structure -----------------------------------------------------------------


def _context(db: Session, body: str, mentions: tuple[Mention, ...]) -> Context:
    event = Message(
        event_id="$cmd",
        room_id="r",
        sender="@alice:x",
        body=body,
        mentions=mentions,
        platform="matrix",
        timestamp=NOW,
    )
    room = get_room(db, event, Settings())
    for user in ("@alice:x", "@alice:y", "@bob:x"):
        remember_member(db, "r", user, now=NOW)
    return Context(db, event, room, Settings(), NOW)


def test_a_word_the_platform_said_names_that_person(engine):
    """The structure wins over the text: ``@alice`` alone would be a question (two members
    are alice), but the platform said which one it stands for; and a word that is no
    ``@mention`` (a pill's label) names someone too."""
    said = (
        Mention(user_id="@alice:y", text="@alice", member=True),
        Mention(user_id="@bob:x", text="Bob", display_name="Bob", member=True),
    )
    with transaction(engine) as db:
        ctx = _context(db, "!allouer @alice Bob 5€", said)
        assert resolve_person(ctx, "@alice") == "@alice:y"
        assert resolve_person(ctx, "@alice,") == "@alice:y"
        assert resolve_person(ctx, "Bob") == "@bob:x"
        assert Person().take(ctx, ["@alice", "Bob"], 1) == ("@bob:x", 1)
        assert MentionArg().take(ctx, ["@alice"], 0) == ("@alice:y", 1)
        assert Person().take(ctx, ["Carol"], 0) is None  # a plain word names nobody
        # without the structure, the typed name is read: two members fit, a question
        bare = _context(db, "!allouer @alice 5€", ())
        with pytest.raises(UserError) as refused:
            resolve_person(bare, "@alice")
        assert refused.value.key == "people.error.ambiguous"


def test_someone_the_platform_named_who_is_not_a_member_is_refused_by_the_typed_name(engine):
    said = (Mention(user_id="@zoe:x", text="@zoe"),)
    with transaction(engine) as db:
        ctx = _context(db, "!contrib @zoe 1h", said)
        with pytest.raises(UserError) as refused:
            resolve_person(ctx, "@zoe")
        assert refused.value.key == "people.error.unknown"
        assert refused.value.params["token"] == "@zoe"


# -- what each adapter fills -------------------------------------------------------------------------


async def test_the_console_says_the_ids_typed(engine, clock):
    runtime = Runtime(engine, build_registry(), Settings(), clock=clock)
    seen = spy(runtime)
    try:
        adapter = ConsoleAdapter(user="alice", room="r", admins=("alice",), out=lambda _l: None)
        adapter.attach(runtime)
        await adapter.say("!allouer @bob, @carol:x @bob 5€")
        [event] = seen
        assert event.platform == "console"
        assert event.mentions == (
            Mention(user_id="@bob", text="@bob"),
            Mention(user_id="@carol:x", text="@carol:x"),
        )
    finally:
        await runtime.close()


async def test_mattermost_keeps_the_username_typed_and_says_who_it_is(engine, clock):
    """Two members show as "Chloe": the typed ``@chloe2`` is still one person, because the
    adapter said which user it stands for; the body keeps what was typed."""
    runtime = Runtime(engine, build_registry(), Settings(), clock=clock)
    seen = spy(runtime)
    try:
        async with mattermost_world(runtime) as world:
            twin = world.fake.add_user("chloe2", first_name="Chloe")
            world.fake.join_team(world.team, twin)
            await world.fake.add_member(world.channel, twin)
            outsider = world.fake.add_user("zoe", first_name="Zoé")
            world.fake.join_team(world.team, outsider)
            await world.start()
            [answer] = await world.say("alice", "!contrib @Chloe2 1h accueil @nobody")
            assert "enregistrée pour Chloe" in answer, answer
            with Session(engine) as db:
                [logged] = db.exec(select(Contribution)).all()
            assert logged.user_id == f"@{twin}"
            message = next(e for e in seen if isinstance(e, Message))
            assert message.body == "!contrib @Chloe2 1h accueil @nobody"
            assert message.mentions == (
                Mention(user_id=f"@{twin}", text="@Chloe2", display_name="Chloe", member=True),
            )
            [answer] = await world.say("alice", "!contrib @zoe 1h")
            # the typed name, not the platform's id (shown so that it notifies nobody)
            assert "Je ne trouve personne « @zoe »" in answer.replace("\u2060", ""), answer
            said = [e for e in seen if isinstance(e, Message)][-1].mentions
            assert said == (
                Mention(user_id=f"@{outsider}", text="@zoe", display_name="Zoé", member=False),
            )
    finally:
        await runtime.close()
