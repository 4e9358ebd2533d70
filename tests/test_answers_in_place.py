"""Every answer in its place, on every platform: each family's conversation (``tests/families.py``)
is played on the console, on the fake Mattermost server and on a real Synapse, and every answer
the bot posts is checked where the platform shows it.

The outbox rule (``commands.core.Context._add``): an answer to a command replies to it, in its
thread; an answer to an edit replies to the edited message, in its thread; an answer to a
deletion replies to the deleted message, in its thread; an answer to a reaction (or to its
removal) replies to the message reacted to, in that message's thread. Mattermost has no reply
other than a thread: there an answer goes into the thread of what it answers, and the answer to
a deleted thread root (which takes its thread with it) goes into the channel.

Nobody is notified about their own action: the person who acted is never in an answer's
``m.mentions`` (Matrix), nor ``@named`` so as to notify them (Mattermost).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.console import ConsoleAdapter
from bot.mattermost.markdown import WORD_JOINER
from bot.runtime import Runtime
from commands import build_registry
from commands.core import Settings
from commands.events import MemberChanged
from tests.families import FAMILIES, Step
from tests.matrix_helpers import relates
from tests.mm_harness import mattermost_world
from tests.test_scenarios_adapters import MatrixConversation

PEOPLE = ("alice", "bob", "chloe", "carol")
EMOJI_NAMES = {"💶": "euro", "💰": "moneybag", "✅": "white_check_mark", "❓": "question"}
Place = tuple[str | None, str | None]  # (the message replied to, the thread's root), short ids


@dataclass
class Answer:
    """One answer as its platform shows it."""

    id: str
    place: Place
    notified: list[str] = field(default_factory=list)  # the people it notifies (user ids)


class Checked:
    """What every place-checking room shares: each action's answers are compared with where the
    rule puts them, and remembered (a later edit, deletion or reaction is placed from them)."""

    lang = "fr"
    platform = ""

    def __init__(self) -> None:
        self.threads: dict[str, str | None] = {}  # message -> the thread it is in
        self.deleted: set[str] = set()
        self.wrong: list[str] = []
        self.count = 0

    def uid(self, user: str) -> str:
        raise NotImplementedError

    async def _answers(self, act: Awaitable[str | None]) -> tuple[str | None, list[Answer]]:
        raise NotImplementedError

    def expected(self, replied: str, thread: str | None) -> Place:
        return replied, thread

    async def _check(
        self,
        what: str,
        user: str,
        act: Awaitable[str | None],
        replied: str | None = None,
        thread: str | None = None,
    ) -> Step:
        typed, answers = await self._answers(act)
        target = replied or typed
        assert target is not None
        if replied is None:
            self.threads[target] = thread  # where the message was typed
        want = self.expected(target, self.threads.get(target))
        for answer in answers:
            self.count += 1
            if answer.place != want:
                self.wrong.append(f"{what}: {answer.id} is at {answer.place}, not {want}")
            if self.uid(user) in answer.notified:
                self.wrong.append(f"{what}: {answer.id} notifies {user} of their own action")
            self.threads[answer.id] = self.thread_of(answer)
        return Step(typed or "", [a.id for a in answers])

    def thread_of(self, answer: Answer) -> str | None:
        return answer.place[1]

    async def say(self, user: str, text: str, *, thread: str | None = None) -> Step:
        return await self._check(
            f"{user}: {text[:40]}", user, self._say(user, text, thread), thread=thread
        )

    async def edit(self, user: str, target: str, text: str) -> Step:
        return await self._check(
            f"{user} edits {target}", user, self._edit(user, target, text), target
        )

    async def delete(self, user: str, target: str) -> Step:
        self.deleted.add(target)
        return await self._check(
            f"{user} deletes {target}", user, self._delete(user, target), target
        )

    async def react(self, user: str, target: str, key: str) -> Step:
        return await self._check(
            f"{user} {key} on {target}", user, self._react(user, target, key), target
        )

    async def unreact(self, user: str, target: str, key: str) -> Step:
        return await self._check(
            f"{user} takes {key} off {target}", user, self._unreact(user, target, key), target
        )

    async def _say(self, user: str, text: str, thread: str | None) -> str | None:
        raise NotImplementedError

    async def _edit(self, user: str, target: str, text: str) -> str | None:
        raise NotImplementedError

    async def _delete(self, user: str, target: str) -> str | None:
        raise NotImplementedError

    async def _react(self, user: str, target: str, key: str) -> str | None:
        raise NotImplementedError

    async def _unreact(self, user: str, target: str, key: str) -> str | None:
        raise NotImplementedError


# -- console -----------------------------------------------------------------------------------


class ConsolePlaces(Checked):
    platform = "console"

    def __init__(self, adapter: ConsoleAdapter, runtime: Runtime) -> None:
        super().__init__()
        self.adapter = adapter
        self.runtime = runtime

    def uid(self, user: str) -> str:
        return f"@{user}"

    async def _answers(self, act: Awaitable[str | None]) -> tuple[str | None, list[Answer]]:
        before = len(self.adapter.transcript)
        typed = await act
        await self.runtime.flush()
        return typed, [
            Answer(s.short_id, (s.reply_to, s.thread))
            for s in self.adapter.transcript[before:]
            if s.kind in ("text", "file")
        ]

    async def _say(self, user: str, text: str, thread: str | None) -> str | None:
        return await self.adapter.say(text, user=user, thread=thread)

    async def _edit(self, user: str, target: str, text: str) -> None:
        await self.adapter.edit(target, text, user=user)

    async def _delete(self, user: str, target: str) -> None:
        await self.adapter.delete(target, user=user)

    async def _react(self, user: str, target: str, key: str) -> None:
        await self.adapter.react(target, key, user=user)

    async def _unreact(self, user: str, target: str, key: str) -> None:
        await self.adapter.unreact(target, key, user=user)


# -- Mattermost (the fake server) ----------------------------------------------------------------


class MattermostPlaces(Checked):
    """Mattermost threads are flat and there is no reply but a thread: an answer's place is
    its root post (``None`` in the channel)."""

    platform = "mattermost"

    def __init__(self, world: Any) -> None:
        super().__init__()
        self.world = world

    def uid(self, user: str) -> str:
        return f"@{self.world.uid(user)}"

    def expected(self, replied: str, thread: str | None) -> Place:
        if thread is not None:
            return None, thread
        if replied in self.deleted:
            return None, None  # a deleted root takes its thread with it
        return None, self.threads.get(replied) or replied

    def thread_of(self, answer: Answer) -> str | None:
        return answer.place[1] or answer.id

    async def _answers(self, act: Awaitable[str | None]) -> tuple[str | None, list[Answer]]:
        world = self.world
        before = set(world.ids)
        typed = await act
        shorts = {post: short for short, post in world.ids.items()}
        answers = []
        for short in [s for s in world.ids if s not in before and s.startswith("b")]:
            post = world.fake.posts[world.ids[short]]
            root = shorts.get(post["root_id"]) if post["root_id"] else None
            mentioned = re.findall(rf"(?<!{WORD_JOINER})@([a-z0-9._-]*[a-z0-9_])", post["message"])
            notified = [self.uid(name) for name in mentioned if name in world.people]
            answers.append(Answer(short, (None, root), notified))
        return typed, answers

    async def _say(self, user: str, text: str, thread: str | None) -> str | None:
        await self.world.say(user, text, thread=thread)
        return self.world.last_id

    async def _edit(self, user: str, target: str, text: str) -> None:
        await self.world.edit(user, target, text)

    async def _delete(self, user: str, target: str) -> None:
        await self.world.delete(user, target)

    async def _react(self, user: str, target: str, key: str) -> None:
        await self.world.react(user, target, EMOJI_NAMES[key])

    async def _unreact(self, user: str, target: str, key: str) -> None:
        await self.world.unreact(user, target, EMOJI_NAMES[key])


# -- Matrix (a real Synapse) ---------------------------------------------------------------------


class MatrixPlaces(Checked):
    """Places as alice's client receives them: ``m.in_reply_to`` and the ``m.thread`` root."""

    platform = "matrix"

    def __init__(self, conv: MatrixConversation) -> None:
        super().__init__()
        self.conv = conv

    def uid(self, user: str) -> str:
        return self.conv.uid(user)

    async def _answers(self, act: Awaitable[str | None]) -> tuple[str | None, list[Answer]]:
        conv = self.conv
        before = len(conv.bot_ids)
        typed = await act
        shorts = {event: short for short, event in conv.ids.items()}
        seen = {raw.get("event_id"): raw for raw in conv._seen()}
        answers = []
        for short in conv.bot_ids[before:]:
            raw = seen[conv.ids[short]]
            rel = relates(raw)
            replied = rel.get("m.in_reply_to", {}).get("event_id")
            thread = rel.get("event_id") if rel.get("rel_type") == "m.thread" else None
            mentions = raw["content"].get("m.mentions", {}).get("user_ids", [])
            answers.append(Answer(short, (shorts.get(replied), shorts.get(thread)), list(mentions)))
        return typed, answers

    async def _say(self, user: str, text: str, thread: str | None) -> str | None:
        conv = self.conv
        content = conv._typed(text)
        if thread is not None:
            root = conv.ids[thread]
            content["m.relates_to"] = {
                "rel_type": "m.thread",
                "event_id": root,
                "is_falling_back": True,
                "m.in_reply_to": {"event_id": root},
            }

        async def send() -> str:
            eid = await conv.people[user].send_raw(conv.room, content)
            conv.last_id = conv._short("u", eid)
            return eid

        await conv._act(send())
        return conv.last_id

    async def _edit(self, user: str, target: str, text: str) -> None:
        await self.conv.edit(user, target, text)

    async def _delete(self, user: str, target: str) -> None:
        await self.conv.delete(user, target)

    async def _react(self, user: str, target: str, key: str) -> None:
        await self.conv.react(user, target, key)

    async def _unreact(self, user: str, target: str, key: str) -> None:
        await self.conv.unreact(user, target, key)


# -- the rooms -----------------------------------------------------------------------------------


@pytest.fixture(params=["console", "mattermost", pytest.param("matrix", marks=pytest.mark.synapse)])
async def places(request, engine, clock, tmp_path: Path) -> AsyncIterator[Checked]:
    runtime = Runtime(engine, build_registry(), Settings(), clock=clock)
    try:
        if request.param == "console":
            adapter = ConsoleAdapter(
                user="alice", room="coroutine", admins=("alice",), out=lambda _line: None
            )
            adapter.attach(runtime)
            for person in PEOPLE:
                await runtime.handle(_joined("coroutine", f"@{person}", "console"))
            yield ConsolePlaces(adapter, runtime)
        elif request.param == "mattermost":
            async with mattermost_world(runtime) as world:
                carol = world.fake.add_user("carol", first_name="Carol")
                world.fake.join_team(world.team, carol)
                await world.fake.add_member(world.channel, carol)
                world.people["carol"] = carol
                await world.start()
                for person in PEOPLE:
                    uid = f"@{world.uid(person)}"
                    await runtime.handle(_joined(world.channel, uid, "mattermost", person))
                yield MattermostPlaces(world)
        else:
            conv = MatrixConversation(
                request.getfixturevalue("synapse"), runtime, tmp_path / "store"
            )
            try:
                await conv.start()
                yield MatrixPlaces(conv)
            finally:
                await conv.stop()
    finally:
        await runtime.close()


def _joined(room: str, uid: str, platform: str, name: str | None = None) -> MemberChanged:
    """The platform telling the bot who is in the room (as a join does)."""
    return MemberChanged(
        event_id=f"join-{uuid.uuid4().hex}",
        room_id=room,
        sender=uid,
        user_id=uid,
        display_name=(name or uid.lstrip("@")).capitalize(),
        platform=platform,
    )


@pytest.mark.parametrize("family", sorted(FAMILIES))
async def test_every_answer_is_in_its_place(family: str, places: Checked) -> None:
    await FAMILIES[family](places)
    assert places.count > 0
    assert places.wrong == [], "\n".join(places.wrong)


async def test_question_notifies_the_request_author_and_the_envelope_creator(places: Checked):
    """``!question`` names the people it tells as the platform shows a mention (a pill on
    Matrix, ``@username`` on Mattermost), never the asker."""
    await places.say("alice", '!projet ajouter KPA "KPA-Cités"')
    await places.say("bob", "!contrib 6h 12/11 KPA animation")
    await places.say("alice", "!budget KPA 300€ novembre")
    await places.say("bob", "!demande KPA 150€")
    asked = await places.say("chloe", "!question 1 pourquoi ce montant ?")
    by_bob = await places.say("bob", "!question 1 je précise : 6h d'animation")
    assert places.wrong == [], "\n".join(places.wrong)
    told = {s: _notified(places, s) for s in (asked.answers[0], by_bob.answers[0])}
    assert told[asked.answers[0]] == {places.uid("bob"), places.uid("alice")}
    assert told[by_bob.answers[0]] == {places.uid("alice")}  # not Bob, who asked


def _notified(places: Checked, short: str) -> set[str]:
    if isinstance(places, MatrixPlaces):
        conv = places.conv
        [raw] = [r for r in conv._seen() if r.get("event_id") == conv.ids[short]]
        content = raw["content"]
        # a pill with the display name, and the plain body names the person, not their id
        for user in content["m.mentions"]["user_ids"]:
            name = next(n for n, p in conv.people.items() if p.user_id == user).capitalize()
            assert f'<a href="https://matrix.to/#/{user}">{name}</a>' in content["formatted_body"]
            assert user not in content["body"]
        return set(content["m.mentions"]["user_ids"])
    if isinstance(places, MattermostPlaces):
        world = places.world
        message = world.fake.posts[world.ids[short]]["message"]
        names = re.findall(rf"(?<!{WORD_JOINER})@([a-z0-9._-]*[a-z0-9_])", message)
        return {places.uid(n) for n in names if n in world.people}
    assert isinstance(places, ConsolePlaces)
    text = next(s.text for s in places.adapter.transcript if s.short_id == short)
    return {f"@{name}" for name in PEOPLE if f"@{name}" in text}


async def test_people_named_before_they_spoke_show_with_the_platforms_name(engine, clock):
    """On Mattermost, a channel member the bot never saw speak is named in a command: the
    adapter asks the server who they are, and the answer shows their display name (they are a
    member the commands can name, as on Matrix from the room's state)."""
    runtime = Runtime(engine, build_registry(), Settings(), clock=clock)
    try:
        async with mattermost_world(runtime) as world:
            world.fake.users[world.uid("chloe")]["last_name"] = "Dupont"
            await world.start()
            [answer] = await world.say("alice", "!contrib @chloe 1h accueil")
            assert "enregistrée pour Chloe Dupont" in answer
            outsider = world.fake.add_user("zoe", first_name="Zoé")
            world.fake.join_team(world.team, outsider)
            [answer] = await world.say("alice", "!contrib @zoe 1h")
            assert "Je ne trouve personne" in answer  # not in the channel: not a member
    finally:
        await runtime.close()


async def test_matrix_mentions_tell_members_with_their_names(tmp_path):
    from bot.adapters.matrix import MatrixAdapter
    from bot.matrix import convert
    from bot.matrix.settings import MatrixSettings

    adapter = MatrixAdapter(
        MatrixSettings(
            homeserver="http://127.0.0.1:9", user_id="@bot:x", password="p", store_path=""
        )
    )
    room = convert.RoomState("!r:x")
    room.joined |= {"@bob:x", "@carol:x", "@bot:x"}
    room.names["@bob:x"] = "Bob Martin"
    profiles = {"@carol:x": "Carol"}

    async def profile_name(user_id: str) -> str:
        return profiles.get(user_id, "")

    adapter.profile_name = profile_name  # type: ignore[method-assign]
    body = "!allouer @bob:x @carol:x @dave:x @bot:x 5€"
    said = await adapter._known(room, convert.mentions_of(body, {}))
    assert [(m.user_id, m.display_name) for m in said if m.member] == [
        ("@bob:x", "Bob Martin"),
        ("@carol:x", "Carol"),
    ]
    # who is not in the room (nor the bot) is still said, as no member
    assert [(m.user_id, m.text) for m in said if not m.member] == [
        ("@dave:x", "@dave:x"),
        ("@bot:x", "@bot:x"),
    ]
    await adapter.close()
