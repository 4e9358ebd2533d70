"""The same conversations played on every adapter: the console, the fake Mattermost server and
Matrix on a real Synapse (the same words typed, the same answers expected).

A conversation object per adapter gives one way to act (``say``, ``edit``, ``delete``, ``react``,
``unreact``) and to look (the bot's new messages, a card's text now, its edits, the files the bot
posted), each checked the way its platform shows it: on Matrix, what a person's sync receives from
the homeserver; on Mattermost, what the fake server stores; on the console, the transcript.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select

from bot.adapters.base import Outgoing
from bot.adapters.console import ConsoleAdapter
from bot.adapters.matrix import MatrixAdapter
from bot.matrix.settings import MatrixSettings
from bot.runtime import Runtime
from commands import build_registry
from commands.core import Context, Registry, Settings
from commands.render import plain
from storage.models import (
    AdapterCursor,
    Allocation,
    Audit,
    BotMessage,
    Bucket,
    ChatEvent,
    Contribution,
    Funding,
    MatrixAccount,
)
from storage.models.budget import (
    BudgetEnvelope,
    BudgetLandingVote,
    BudgetRequest,
    BudgetValidation,
)
from storage.models.cobudget import holding
from tests.conftest import Chat
from tests.matrix_helpers import PASSWORD, Person, relates, reply_target, unique
from tests.mm_harness import mattermost_world, until

ADAPTERS = ["console", "mattermost", pytest.param("matrix", marks=pytest.mark.synapse)]
PEOPLE = ("alice", "bob", "chloe", "carol")


def registry_with_probe() -> Registry:
    """The real commands, plus a probe whose message counts the reactions it gets (so that a
    test sees a reaction and its removal reach the handlers), and a command that raises."""
    reg = build_registry()
    seen: set[str] = set()

    @reg.command("sonde", family="sonde", hidden=True)
    def sonde(ctx: Context, _args: str) -> None:
        ctx.reply(plain("sonde prête"), ref=("sonde", 1))

    @reg.command("panne", family="sonde", hidden=True)
    def panne(ctx: Context, _args: str) -> None:
        ctx.reply(plain("à moitié"))
        raise RuntimeError("une panne voulue")

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


@dataclass
class File:
    """A file the bot posted, as the room receives it."""

    name: str
    mime: str
    data: bytes
    caption: str


# -- console ---------------------------------------------------------------------------------------


class ConsoleConversation:
    def __init__(self, chat: Chat) -> None:
        self.chat = chat

    @property
    def last_id(self) -> str | None:
        return self.chat.last_id

    def uid(self, user: str) -> str:
        return f"@{user}"

    def notifying(self, user: str, text: str) -> str:
        """A message that notifies ``user``, as the room shows it (the console only says it)."""
        return text

    async def _new(self, act: Awaitable[Any]) -> list[str]:
        before = len(self.chat.bot_messages)
        await act
        await self.chat.runtime.flush()
        return [s.text for s in self.chat.bot_messages[before:] if s.kind in ("text", "file")]

    async def say(self, user: str, text: str) -> list[str]:
        return await self._new(self.chat.say(user, text))

    async def edit(self, user: str, target: str, text: str) -> list[str]:
        return await self._new(self.chat.edit(user, target, text))

    async def delete(self, user: str, target: str) -> list[str]:
        return await self._new(self.chat.delete(user, target))

    async def react(self, user: str, target: str, key: str) -> list[str]:
        return await self._new(self.chat.react(user, target, key))

    async def unreact(self, user: str, target: str, key: str) -> list[str]:
        return await self._new(self.chat.unreact(user, target, key))

    async def tick(self) -> list[str]:
        """The timed duties run: what the bot posted on its own."""
        return await self._new(run_timed_duties(self.chat.runtime))

    async def batch(self, said: list[tuple[str, str]]) -> list[list[str]]:
        """Messages that reach the bot together (handled in one transaction); the answers to
        each."""
        adapter = self.chat.adapter
        before = len(adapter.transcript)
        shorts = await asyncio.gather(*(adapter.say(text, user=u) for u, text in said))
        await self.chat.runtime.flush()
        new = adapter.transcript[before:]
        return [[s.text for s in new if s.reply_to == short] for short in shorts]

    async def moved_on(self, engine: Engine) -> None:
        """The console has no sync position: its runtime goes on."""
        assert not self.chat.runtime._closed

    def _messages(self) -> list[Any]:
        return [s for s in self.chat.bot_messages if s.kind in ("text", "file")]

    def bot_id(self, index: int) -> str:
        return self._messages()[index].short_id

    def card(self, short: str) -> str:
        return [s.text for s in self.chat.bot_messages if s.short_id == short][-1]

    async def edits(self, short: str) -> list[str]:
        return [s.text for s in self.chat.bot_messages if s.short_id == short and s.kind == "edit"]

    async def file(self, short: str) -> File:
        [said] = [s for s in self._messages() if s.short_id == short]
        assert said.kind == "file" and said.data is not None and said.file_path is not None
        assert said.file_path.read_bytes() == said.data  # saved where the console says
        return File(said.file_path.name.split("-", 1)[1], "text/csv", said.data, said.text)


# -- Mattermost (the fake server) -------------------------------------------------------------------

EMOJI_NAMES = {"💶": "euro", "💰": "moneybag", "👍": "+1", "❓": "question"}
EMOJI_NAMES |= {"1️⃣": "one", "2️⃣": "two", "3️⃣": "three", "4️⃣": "four"}


async def run_timed_duties(runtime: Runtime) -> None:
    """What the scheduler does every few seconds (the ``on_tick`` hooks), once."""
    for hook in runtime.registry.tick_hooks:

        def work(db: Session, hook: Any = hook) -> list[Any]:
            return list(hook(db, runtime.registry, runtime.settings, runtime.clock()))

        await runtime.run_job(work)


class MattermostConversation:
    def __init__(self, world: Any) -> None:
        self.world = world

    @property
    def last_id(self) -> str | None:
        return self.world.last_id

    def uid(self, user: str) -> str:
        return f"@{self.world.uid(user)}"

    def notifying(self, user: str, text: str) -> str:
        """A message that notifies ``user``: Mattermost notifies by ``@username`` in the text, on a
        last line when the text does not name them already."""
        return f"{text}\n@{user}"

    async def say(self, user: str, text: str) -> list[str]:
        return await self.world.say(user, text)

    async def edit(self, user: str, target: str, text: str) -> list[str]:
        return await self.world.edit(user, target, text)

    async def delete(self, user: str, target: str) -> list[str]:
        return await self.world.delete(user, target)

    async def react(self, user: str, target: str, key: str) -> list[str]:
        return await self.world.react(user, target, EMOJI_NAMES[key])

    async def tick(self) -> list[str]:
        """The timed duties run: what the bot posted on its own."""
        world = self.world
        before = len(world._bot_posts())
        await run_timed_duties(world.runtime)
        await world.runtime.flush()
        new = world._bot_posts()[before:]
        for post in new:
            world._short("b", post["id"])
        return [p["message"] for p in new]

    async def unreact(self, user: str, target: str, key: str) -> list[str]:
        return await self.world.unreact(user, target, EMOJI_NAMES[key])

    async def batch(self, said: list[tuple[str, str]]) -> list[list[str]]:
        """Messages posted while the bot is stopped; when it starts again it fetches them
        together. The answers to each (the bot's replies in its thread)."""
        world = self.world
        await world.stop_bot()
        self.posts = [
            await world.fake.user_post(world.uid(user), world.channel, text) for user, text in said
        ]
        adapter = await world.start()
        await until(lambda: all(p["id"] in adapter.handled for p in self.posts), what="batch")
        await world.runtime.flush()
        bot_posts = world.fake.posts_by(world.bot)
        return [[b["message"] for b in bot_posts if b["root_id"] == p["id"]] for p in self.posts]

    async def moved_on(self, engine: Engine) -> None:
        """The channel's cursor is past the batch, and the adapter is still on its first
        connection (no crash, no reconnection)."""
        world = self.world
        with Session(engine) as db:
            cursor = db.get(AdapterCursor, ("mattermost", f"channel:{world.channel}"))
        assert cursor is not None and int(cursor.value) >= self.posts[-1]["create_at"]
        assert world.task is not None and not world.task.done()
        assert world.adapter is not None and world.adapter.stream.connects == 1

    def bot_id(self, index: int) -> str:
        return [s for s in self.world.ids if s.startswith("b")][index]

    def card(self, short: str) -> str:
        return str(self.world.fake.posts[self.world.ids[short]]["message"])

    async def edits(self, short: str) -> list[str]:
        """The bot's patches of the post (the post itself stays, with its edit time set)."""
        post_id = self.world.ids[short]
        post = self.world.fake.posts[post_id]
        patches = [
            body["message"]
            for method, path, body in self.world.fake.requests
            if (method, path) == ("PUT", f"/api/v4/posts/{post_id}/patch")
        ]
        if patches:
            assert post["edit_at"] > 0 and post["user_id"] == self.world.bot
        return patches

    async def file(self, short: str) -> File:
        fake = self.world.fake
        post = fake.posts[self.world.ids[short]]
        [file_id] = post["file_ids"]
        info = fake.files[file_id]
        assert info["post_id"] == post["id"] and post["metadata"]["files"] == [info]
        return File(info["name"], info["mime_type"], fake.file_data[file_id], post["message"])


# -- Matrix (a real Synapse) ------------------------------------------------------------------------


class MatrixConversation:
    """A room on Synapse where alice (the room's creator, hence admin), bob, chloe and carol are;
    the bot is invited last. Each action waits until the bot handled the event it made, until
    the runtime delivered the answers, and until alice's sync received them."""

    def __init__(self, synapse: Any, runtime: Runtime, store: Path) -> None:
        self.synapse = synapse
        self.runtime = runtime
        self.store = store
        self.people: dict[str, Person] = {}
        self.room = ""
        self.bot_user = f"@{unique('bot')}:localhost"
        self.adapter: MatrixAdapter | None = None
        self.task: asyncio.Task[None] | None = None
        self.handled: set[str] = set()
        self.handed: list[str] = []  # every event id handed to the runtime, repeats included
        self.progress = asyncio.Condition()
        self.delivered: list[tuple[str, str]] = []  # (kind, event id) the bot sent, in order
        self.ids: dict[str, str] = {}  # short id (u1, b2) -> event id
        self.bot_ids: list[str] = []
        self.reactions: dict[tuple[str, str, str], str] = {}
        self.last_id: str | None = None
        self._n = 0

    # -- setting up ---------------------------------------------------------------------------
    async def start(self) -> None:
        async def person(name: str) -> Person:
            p = await Person(self.synapse, unique(name)).start()
            await p.client.set_displayname(name.capitalize())
            return p

        found = await asyncio.gather(*(person(n) for n in PEOPLE))
        self.people = dict(zip(PEOPLE, found, strict=True))
        alice = self.people["alice"]
        others = [p for n, p in self.people.items() if n != "alice"]
        self.room = await alice.create_room([p.user_id for p in others])
        for p in others:
            joined = await p.client.join(self.room)
            assert getattr(joined, "room_id", None) == self.room, joined
        await asyncio.to_thread(self.synapse.register, self.bot_user[1:].split(":")[0], PASSWORD)
        self.adapter = self._new_adapter()
        self._spy()
        self.task = asyncio.create_task(self.adapter.run(self.runtime))
        await asyncio.wait_for(self.adapter.synced.wait(), 15)  # its first sync is done
        await alice.client.room_invite(self.room, self.bot_user)
        await alice.joined(self.room, self.bot_user)

    def _new_adapter(self) -> MatrixAdapter:
        return MatrixAdapter(
            MatrixSettings(
                homeserver=self.synapse.base_url,
                user_id=self.bot_user,
                password=PASSWORD,
                store_path=str(self.store),
                sync_timeout_ms=10_000,
            )
        )

    def _spy(self) -> None:
        """Note each event the runtime handled and each item the adapter delivered."""
        runtime = self.runtime
        handle = runtime.handle

        async def handled(event: Any) -> None:
            self.handed.append(event.event_id)
            await handle(event)
            async with self.progress:
                self.handled.add(event.event_id)
                self.progress.notify_all()

        runtime.handle = handled  # type: ignore[method-assign]
        self._spy_delivery()

    def _spy_delivery(self) -> None:
        adapter = self.adapter
        assert adapter is not None
        deliver = adapter.deliver

        async def delivered(item: Outgoing) -> str | None:
            platform_id = await deliver(item)
            if platform_id:
                self.delivered.append((item.kind, platform_id))
            return platform_id

        adapter.deliver = delivered  # type: ignore[method-assign]

    async def _until(self, check: Callable[[], bool], timeout: float = 15.0) -> None:
        async with self.progress:
            await asyncio.wait_for(self.progress.wait_for(check), timeout)

    async def stop(self) -> None:
        if self.adapter is not None:
            await self.adapter.close()
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(BaseException):
                await self.task
        for p in self.people.values():
            await p.stop()

    # -- acting ---------------------------------------------------------------------------------
    def uid(self, user: str) -> str:
        return self.people[user].user_id

    def notifying(self, user: str, text: str) -> str:
        """A message that notifies ``user`` (Matrix names them in ``m.mentions``)."""
        return text

    def _short(self, prefix: str, event_id: str) -> str:
        self._n += 1
        self.ids[f"{prefix}{self._n}"] = event_id
        return f"{prefix}{self._n}"

    def _typed(self, text: str) -> dict[str, Any]:
        """The message as Element sends it: ``@bob`` picked from the list becomes a "pill",
        a link to the user in ``formatted_body`` with only the display name in ``body``."""
        mention = re.compile(r"(?<![\w@])@(\w+)")
        named = [m[1] for m in mention.finditer(text) if m[1] in self.people]
        if not named:
            return {"msgtype": "m.text", "body": text}

        body, formatted, pos = [], [], 0
        for m in mention.finditer(text):
            body.append(text[pos : m.start()])
            formatted.append(html.escape(text[pos : m.start()]))
            if m[1] in self.people:
                name = m[1].capitalize()
                body.append(name)
                formatted.append(f'<a href="https://matrix.to/#/{self.uid(m[1])}">{name}</a>')
            else:
                body.append(m[0])
                formatted.append(html.escape(m[0]))
            pos = m.end()
        return {
            "msgtype": "m.text",
            "body": "".join(body) + text[pos:],
            "format": "org.matrix.custom.html",
            "formatted_body": "".join(formatted) + html.escape(text[pos:]),
            "m.mentions": {"user_ids": [self.uid(name) for name in named]},
        }

    async def _act(self, event_id: Awaitable[str]) -> list[str]:
        mark = len(self.delivered)
        done = await event_id
        await self._until(lambda: done in self.handled)
        return await self._seen_since(mark)

    async def tick(self) -> list[str]:
        """The timed duties run: what the bot posted on its own, as alice's client sees it."""
        mark = len(self.delivered)
        await run_timed_duties(self.runtime)
        return await self._seen_since(mark)

    async def _seen_since(self, mark: int) -> list[str]:
        await self.runtime.flush()
        sent = self.delivered[mark:]
        alice = self.people["alice"]
        wanted = {eid for _, eid in sent}
        seen = await alice.wait_all(lambda raw, _r: raw.get("event_id") in wanted, len(wanted))
        by_id = {raw["event_id"]: raw for raw in seen}
        answers = []
        for kind, eid in sent:
            if kind in ("text", "file"):
                self.bot_ids.append(self._short("b", eid))
                answers.append(str(by_id[eid]["content"]["body"]))
        return answers

    async def say(self, user: str, text: str) -> list[str]:
        async def send() -> str:
            eid = await self.people[user].send_raw(self.room, self._typed(text))
            self.last_id = self._short("u", eid)
            return eid

        return await self._act(send())

    async def edit(self, user: str, target: str, text: str) -> list[str]:
        return await self._act(self.people[user].edit(self.room, self.ids[target], text))

    async def delete(self, user: str, target: str) -> list[str]:
        return await self._act(self.people[user].redact(self.room, self.ids[target]))

    async def react(self, user: str, target: str, key: str) -> list[str]:
        async def send() -> str:
            eid = await self.people[user].react(self.room, self.ids[target], key)
            self.reactions[(user, target, key)] = eid
            return eid

        return await self._act(send())

    async def unreact(self, user: str, target: str, key: str) -> list[str]:
        reaction = self.reactions.pop((user, target, key))
        return await self._act(self.people[user].redact(self.room, reaction))

    def _position(self) -> str | None:
        with Session(self.runtime.engine) as db:
            account = db.get(MatrixAccount, self.bot_user)
            return account.next_batch if account else None

    async def batch(self, said: list[tuple[str, str]]) -> list[list[str]]:
        """Messages sent while the bot is stopped: when it starts again they come in one sync
        batch. The answers to each (the bot's replies to it, as alice receives them)."""
        assert self.adapter is not None and self.task is not None
        await self.adapter.close()
        self.task.cancel()
        with contextlib.suppress(BaseException):
            await self.task
        self.before_batch = self._position()
        sent = [await self.people[u].send_raw(self.room, self._typed(t)) for u, t in said]
        self.batch_ids = sent
        mark = len(self.delivered)
        self.adapter = self._new_adapter()
        self._spy_delivery()
        self.task = asyncio.create_task(self.adapter.run(self.runtime))
        await self._until(lambda: all(eid in self.handled for eid in sent))
        await self.runtime.flush()
        wanted = {eid for _, eid in self.delivered[mark:]}
        alice = self.people["alice"]
        seen = await alice.wait_all(lambda raw, _r: raw.get("event_id") in wanted, len(wanted))
        return [
            [str(raw["content"]["body"]) for raw in seen if reply_target(raw) == eid]
            for eid in sent
        ]

    async def moved_on(self, engine: Engine) -> None:
        """The sync position after the batch is saved, and the batch is never handed over
        again (each of its events once, through later syncs)."""
        assert self.adapter is not None
        after = self._position()
        assert after is not None and after != self.before_batch
        synced = self.adapter.batches
        await self.say("bob", "!solde")  # at least one more sync
        assert self.adapter.batches > synced and self._position() != after
        assert all(self.handed.count(eid) == 1 for eid in self.batch_ids), self.handed

    # -- looking ----------------------------------------------------------------------------------
    def _seen(self) -> list[dict[str, Any]]:
        return [raw for _, rid, raw in self.people["alice"].events if rid == self.room]

    def bot_id(self, index: int) -> str:
        return self.bot_ids[index]

    def _replacements(self, short: str) -> list[dict[str, Any]]:
        target = self.ids[short]
        return [
            raw
            for raw in self._seen()
            if relates(raw).get("rel_type") == "m.replace"
            and relates(raw).get("event_id") == target
        ]

    def _original(self, short: str) -> dict[str, Any]:
        [raw] = [raw for raw in self._seen() if raw.get("event_id") == self.ids[short]]
        return raw

    def _new_contents(self, short: str) -> list[str]:
        """The m.replace events of the bot's own message, as alice received them."""
        original = self._original(short)
        found = []
        for raw in self._replacements(short):
            assert raw["sender"] == original["sender"] == self.bot_user
            content = raw["content"]
            assert content["body"] == "* " + content["m.new_content"]["body"]
            found.append(str(content["m.new_content"]["body"]))
        return found

    def card(self, short: str) -> str:
        edits = self._new_contents(short)
        return edits[-1] if edits else str(self._original(short)["content"]["body"])

    async def edits(self, short: str) -> list[str]:
        """The edits alice received, which the homeserver also relates to the bot's message
        as its replacements (``/relations``: same sender, valid ``m.replace``)."""
        seen = self._new_contents(short)
        assert await self._server_edits(short) == seen
        return seen

    async def _server_edits(self, short: str) -> list[str]:
        alice = self.people["alice"]
        url = (
            f"{self.synapse.base_url}/_matrix/client/v1/rooms/{self.room}/relations/"
            f"{self.ids[short]}/m.replace?dir=f&limit=100"
        )
        headers = {"Authorization": f"Bearer {alice.client.access_token}"}
        async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as resp:
            assert resp.status == 200, await resp.text()
            chunk = (await resp.json())["chunk"]
        return [str(raw["content"]["m.new_content"]["body"]) for raw in chunk]

    async def file(self, short: str) -> File:
        [raw] = [raw for raw in self._seen() if raw.get("event_id") == self.ids[short]]
        content = raw["content"]
        assert content["msgtype"] == "m.file" and content["url"].startswith("mxc://localhost/")
        download = await self.people["alice"].client.download(mxc=content["url"])
        data = getattr(download, "body", None)
        assert isinstance(data, bytes), download
        assert content["info"]["size"] == len(data)
        return File(content["filename"], content["info"]["mimetype"], data, content["body"])


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
        elif request.param == "mattermost":
            async with mattermost_world(runtime) as world:
                carol = world.fake.add_user("carol", first_name="Carol")
                world.fake.join_team(world.team, carol)
                await world.fake.add_member(world.channel, carol)
                world.people["carol"] = carol
                await world.start()
                yield MattermostConversation(world)
        else:
            matrix = MatrixConversation(
                request.getfixturevalue("synapse"), runtime, tmp_path / "store"
            )
            try:
                await matrix.start()
                yield matrix
            finally:
                await matrix.stop()
    finally:
        await runtime.close()


def n(text: str) -> str:
    """Money is formatted with narrow/no-break spaces; compare with plain spaces."""
    return text.replace("\xa0", " ").replace("\u202f", " ")


# -- contributions ----------------------------------------------------------------------------------


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
    await conv.say("alice", "!contribs")  # the bot knows Alice as a member of the room
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
    assert people == {conv.uid("bob")}  # the mention and the sender are the same person


async def test_unknown_command_suggests_the_closest(conv):
    answers = await conv.say("bob", "!contirb 2h")
    assert len(answers) == 1
    assert "!contrib" in answers[0] and "Tu voulais dire" in answers[0]


async def test_plain_chat_is_ignored(conv, engine):
    assert await conv.say("bob", "bonjour tout le monde") == []
    with Session(engine) as db:
        assert db.exec(select(ChatEvent).where(ChatEvent.kind == "Message")).all() == []


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


async def test_csv_export_reaches_the_room_as_a_file(conv, engine):
    await conv.say("bob", "!contrib 2h atelier")
    answers = await conv.say("alice", "!export csv")
    assert answers == ["📎 Export CSV : 1 contribution, novembre 2026."]
    sent = await conv.file(conv.bot_id(-1))
    assert (sent.name, sent.mime, sent.caption) == (
        "contributions-2026-11-01.csv",
        "text/csv",
        answers[0],
    )
    with Session(engine) as db:
        [queued] = db.exec(select(BotMessage).where(BotMessage.kind == "file")).all()
        [logged] = db.exec(select(Contribution)).all()
    assert sent.data == queued.data  # the very bytes the command made
    assert sent.data.decode("utf-8").splitlines() == [
        "\ufeffn°;date;personne;identifiant;minutes;heures;projet;description;id de l'événement",
        f"1;2026-11-26;Bob;'{conv.uid('bob')};120;2;;atelier;{logged.event_id}",
    ]


# -- one event never stops the bot ------------------------------------------------------------------


async def test_a_command_that_raises_in_a_batch_stops_nothing_else(conv, engine, caplog):
    with caplog.at_level(logging.ERROR):
        before, failed, after = await conv.batch(
            [("bob", "!contrib 1h avant"), ("chloe", "!panne"), ("bob", "!contrib 2h après")]
        )
    assert len(before) == 1 and "Contribution #1 enregistrée pour Bob" in before[0]
    assert len(after) == 1 and "Contribution #2 enregistrée pour Bob" in after[0]
    assert len(failed) == 1 and "Une erreur interne" in failed[0]  # its partial answer is gone
    ref = re.search(r"référence (\w+)", failed[0])
    assert ref is not None and ref[1] in caplog.text
    with Session(engine) as db:
        crashed = db.exec(select(ChatEvent).where(ChatEvent.command == "crash")).all()
    assert len(crashed) == 1  # handled, with an error: never handed over again
    await conv.moved_on(engine)
    answers = await conv.say("bob", "!contrib 3h encore")
    assert len(answers) == 1 and "Contribution #3" in answers[0]


async def test_the_console_goes_on_after_a_line_that_raises(engine, clock, monkeypatch):
    import bot.adapters.console as console_module

    lines = iter(["!contrib 1h avant", "!panne", "!contrib 2h après", "/quit"])
    monkeypatch.setattr(console_module, "_read_line", lambda _prompt: next(lines))
    runtime = Runtime(engine, registry_with_probe(), Settings(), clock=clock)
    shown: list[str] = []
    try:
        await ConsoleAdapter(out=shown.append).run(runtime)  # returns at /quit, raises nothing
    finally:
        await runtime.close()
    text = "\n".join(shown)
    assert "Contribution #1" in text and "Une erreur interne" in text
    assert "Contribution #2 enregistrée pour Alice" in text


async def test_an_admin_typo_in_the_language_is_refused_and_the_bot_goes_on(conv):
    answers = await conv.say("alice", "!langue xx")
    assert len(answers) == 1 and "xx" in answers[0] and "erreur interne" not in answers[0]
    answers = await conv.say("bob", "!contrib 1h")
    assert len(answers) == 1 and "Contribution #1 enregistrée pour Bob" in answers[0]


# -- cobudget: the acceptance scenario --------------------------------------------------------------


async def card_of(conv: Any, user: str, text: str) -> str:
    """Propose a bucket; the short id of the card the bot posted."""
    answers = await conv.say(user, text)
    cards = [i for i, a in enumerate(answers) if a.startswith("**🪣 Bucket #")]
    assert len(cards) == 1, answers
    return str(conv.bot_id(cards[0] - len(answers)))


def balances(engine: Engine) -> dict[str, int]:
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


async def test_cobudget_round_funded_by_reactions_then_closed(conv, engine):
    for name in ("bob", "carol"):
        await conv.say(name, "!solde")  # the bot has seen them in the room
    answers = await conv.say("alice", '!tour ouvrir "Hiver 2026" 300€')
    assert "Tour #1 « Hiver 2026 » ouvert" in n(answers[0]) and "300,00 €" in n(answers[0])
    answers = await conv.say("alice", "!allouer @alice @bob @carol 100€")
    assert "300,00 € alloués à 3 personnes" in n(answers[-1])

    card_a = await card_of(conv, "alice", '!bucket "Machine à café" 120€ max 150€')
    card_b = await card_of(conv, "carol", "!bucket Bibliothèque 200€ des livres pour tous")
    assert "objectif 120,00 € (jusqu'à 150,00 €)" in n(conv.card(card_a))
    assert "réagis à ce message (💶 = 5,00 €, 💰 = 20,00 €)" in n(conv.card(card_a))
    assert await conv.edits(card_a) == []

    # Alice gives A 100 €: 80 € by command, 20 € by reaction on the card
    await conv.say("alice", "!financer 1 80€")
    assert await conv.react("alice", card_a, "💰") == []  # the card changes, nothing is said
    assert "100,00 € sur 120,00 € · 1 financeur" in n(conv.card(card_a))
    # Bob gives A 50 €, 30 € by command (A is funded) and 20 € by reaction (A is full)
    answers = await conv.say("bob", "!financer 1 30€")
    assert any("Le bucket #1 « Machine à café » est financé" in a for a in answers), answers
    await conv.react("bob", card_a, "💰")
    assert "minimum atteint · 150,00 € sur 150,00 € max · 2 financeurs" in n(conv.card(card_a))
    assert "✅ Financé : 150,00 €." in n(conv.card(card_a))
    # a further 5 € is refused, naming Bob (who is not notified of his own reaction), and
    # counts for nothing
    answers = await conv.react("bob", card_a, "💶")
    assert [n(a) for a in answers] == [
        "Bob : ta réaction 💶 ne compte pas. ⚠️ Le bucket #1 a atteint son maximum "
        "(150,00 €) : il ne prend plus rien. Les autres : !buckets"
    ]
    # Carol gives B 100 €: 💰 20 €, then 80 € by command
    await conv.react("carol", card_b, "💰")
    await conv.say("carol", "!financer 2 80€")
    assert "100,00 € sur 200,00 € · 1 financeur" in n(conv.card(card_b))
    assert balances(engine) == {conv.uid("alice"): 0, conv.uid("bob"): 5000, conv.uid("carol"): 0}

    # the card was edited in place after each change, the last edit being what the room sees
    edits_a = await conv.edits(card_a)
    assert len(edits_a) == 4 and edits_a[-1] == conv.card(card_a)
    assert "100,00 € sur 120,00 €" in n(edits_a[1]) and "✅ Financé : 150,00 €." in n(edits_a[3])

    answers = await conv.say("alice", "!tour fermer")
    summary = n(answers[-1])
    assert "🔒 Tour #1 « Hiver 2026 » clos." in summary
    assert "#1 « Machine à café » : financé avec 150,00 €" in summary
    assert "#2 « Bibliothèque » : objectif non atteint, 100,00 € rendus" in summary
    assert "Enveloppe 300,00 € = 150,00 € dans les buckets financés + 150,00 € restés" in summary
    assert "Objectif non atteint à la clôture du tour" in n(conv.card(card_b))
    assert "Ton solde pour « Hiver 2026 » : 100,00 €" in n((await conv.say("carol", "!solde"))[0])
    after = balances(engine)
    assert after == {conv.uid("alice"): 0, conv.uid("bob"): 5000, conv.uid("carol"): 10000}
    with Session(engine) as db:
        a, b = db.exec(select(Bucket).order_by(col(Bucket.id))).all()
        held = db.exec(select(func.sum(Funding.cents)).where(holding())).one()
    assert (a.state, b.state) == ("funded", "refunded")
    assert held == 15000 and held + sum(after.values()) == 30000
    # the round is closed: a reaction on the card now gives nothing
    answers = await conv.react("carol", card_a, "💶")
    assert len(answers) == 1 and "ta réaction 💶 ne compte pas" in answers[0], answers
    assert balances(engine) == after


# -- contributive budget: landing a shortfall (the acceptance examples) ------------------------------


async def test_budget_landing_follows_changes_and_four_options_add_up(conv, engine):
    await conv.say("alice", '!projet ajouter KPA "KPA-Cités"')
    await conv.say("alice", "!projet ajouter KPB")
    for who in ("alice", "bob", "chloe", "carol"):
        await conv.say(who, "!contrib 10h 02/11 KPA travail")
        await conv.say(who, "!contrib 10h 03/11 KPB travail")
    # an applied pro rata follows Bob's lowered request: 25 € and 75 €, 100 € paid, 0 left
    await conv.say("alice", "!budget KPA 100€ novembre validations 1")
    await conv.say("alice", "!demande KPA 25€")
    await conv.say("bob", "!demande KPA 100€")
    await conv.say("carol", "!valider 1")
    await conv.say("carol", "!valider 2")
    answers = await conv.say("alice", "!budget KPA prorata")
    assert any("20,00 €" in n(a) and "80,00 €" in n(a) for a in answers), answers
    await conv.say("bob", "!demande KPA 75€")
    answers = await conv.say("carol", "!valider 2")
    assert any("Alice 25,00 €, Bob 75,00 €" in n(a) for a in answers), answers
    answers = await conv.say("alice", "!budget KPA clore")
    assert any("Total : 100,00 € versés + 0,00 € restant = 100,00 €" in n(a) for a in answers)
    # 10 000 € for 15 000 € of validated requests: four options, each adding up to 10 000,00 €
    await conv.say("alice", "!budget KPB 10000€ novembre validations 1")
    for who, euros in (("bob", 6000), ("chloe", 5000), ("carol", 4000)):
        await conv.say(who, f"!demande KPB {euros}€")
    for number in (3, 4, 5):
        await conv.say("alice", f"!valider {number}")
    answers = await conv.say("bob", "!budget KPB atterrissage")
    assert len(answers) == 1, answers
    landing = n(answers[0])
    assert "3 demandes validées pour 15 000,00 €, l'enveloppe a 10 000,00 €" in landing
    total_row = next(line for line in landing.splitlines() if "Total" in line and "15 000" in line)
    assert total_row.count("10 000,00 €") == 4, total_row


async def test_landing_chosen_by_reaction_before_a_deadline(conv, engine, clock):
    """``atterrissage vote 2j``: the bot puts one reaction per option on its message, members
    vote by reacting (their latest reaction counts), and at the deadline the timed job applies
    the most voted option, once."""
    await conv.say("alice", '!projet ajouter KPA "KPA-Cités"')
    for who in ("alice", "bob", "carol"):
        await conv.say(who, "!contrib 10h 02/11 KPA travail")
    await conv.say("alice", "!budget KPA 1000€ novembre validations 1")
    await conv.say("bob", "!demande KPA 900€")
    await conv.say("carol", "!demande KPA 300€")
    await conv.say("alice", "!valider 1")
    await conv.say("alice", "!valider 2")
    answers = await conv.say("alice", "!budget KPA atterrissage vote 2j")
    assert len(answers) == 1, answers
    assert "Vote sur l'atterrissage de l'enveloppe KPA (novembre 2026)" in n(answers[0])
    assert "3️⃣ 3. jusqu'à la demande médiane, puis prorata au-delà" in n(answers[0])
    card = str(conv.bot_id(-1))
    await conv.react("bob", card, "3️⃣")
    await conv.react("carol", card, "1️⃣")
    await conv.react("carol", card, "3️⃣")  # her latest reaction counts
    answers = await conv.say("bob", "!budget KPA atterrissage")
    assert "voix : 1. 0 voix · 2. 0 voix · 3. 2 voix · 4. 0 voix (2 votants)" in n(answers[0])
    clock.advance(days=2)
    answers = await conv.tick()
    assert len(answers) == 1, answers
    assert (
        "Vote clos sur l'atterrissage de l'enveloppe KPA (novembre 2026) : l'option 3 (jusqu'à la "
        "demande médiane, puis prorata au-delà) l'emporte ; voix : 1. 0 voix · 2. 0 voix · "
        "3. 2 voix · 4. 0 voix." in n(answers[0])
    )
    assert await conv.tick() == []
    with Session(engine) as db:
        requests = db.exec(select(BudgetRequest).order_by(col(BudgetRequest.id))).all()
        assert [r.granted for r in requests] == [70000, 30000]
        assert db.exec(select(BudgetLandingVote)).one().state == "applied"


# -- contributive budget: lazy consensus ------------------------------------------------------------


async def test_lazy_consensus_waits_for_an_objection_to_be_taken_back(conv, engine, clock):
    """``consentement 5j``: a ❓ holds the request back; once it is taken back, the timed job
    validates it, once, in one message."""
    for name in ("bob", "carol"):
        await conv.say(name, "!solde")  # the bot has seen them in the room
    await conv.say("alice", '!projet ajouter KPA "KPA-Cités"')
    await conv.say("bob", "!contrib 3h 20/11 KPA atelier")
    answers = await conv.say("alice", "!budget KPA 300€ novembre consentement 5j")
    assert "rétribution libre · consentement 5 jours" in n(answers[0])
    answers = await conv.say("bob", "!demande KPA 100€")
    request = str(conv.bot_id(-1))
    assert "validée d'office à partir du" in n(answers[0])
    answers = await conv.react("carol", request, "❓")
    assert any("C'est une objection" in n(a) for a in answers), answers
    clock.advance(days=5)
    assert await conv.tick() == []
    answers = await conv.unreact("carol", request, "❓")
    assert any("Carol retire sa question sur la demande #1" in n(a) for a in answers), answers
    answers = await conv.tick()
    assert len(answers) == 1, answers
    assert "1 demande validée d'office : #1 Bob (100,00 €)" in n(answers[0])
    assert await conv.tick() == []
    with Session(engine) as db:
        validation = db.exec(select(BudgetValidation)).one()
        assert (validation.user_id, validation.by_admin) == ("bot", True)


# -- contributive budget: an hour-reading campaign --------------------------------------------------


@pytest.mark.parametrize(
    "conv", ["console", pytest.param("matrix", marks=pytest.mark.synapse)], indirect=True
)
async def test_an_hour_reading_asks_once_and_reminds_in_its_thread(conv, engine, clock):
    """``!releve KPA avant le 3/12``: one message that notifies everyone asked; one reminder, a
    reply in that message's thread, that notifies only those who have not confirmed; a
    report at the deadline."""
    for name in ("bob", "chloe", "carol"):
        await conv.say(name, "!solde")  # the bot has seen them in the room
    await conv.say("alice", '!projet ajouter KPA "KPA-Cités"')
    await conv.say("bob", "!contrib 3h 20/11 KPA atelier")
    await conv.say("alice", "!budget KPA 300€ novembre")
    answers = await conv.say("alice", "!releve KPA avant le 3/12")
    assert len(answers) == 1, answers
    opening = str(conv.bot_id(-1))
    said = n(answers[0])
    assert "Relevé des compteurs pour KPA (novembre 2026), jusqu'au jeudi 3 décembre 2026" in said
    assert "Alice" in said and "(3 h)" in said
    clock.advance(hours=1)
    await conv.say("carol", "!contrib 1h 21/11 KPA")  # carol confirms by logging hours
    clock.advance(days=6)  # 2 December, 13:00 in Paris: the reminder
    answers = await conv.tick()
    assert len(answers) == 1, answers
    assert "⏰ Rappel : le relevé des compteurs de KPA se termine le jeudi 3 décembre 2026" in n(
        answers[0]
    )
    assert await conv.tick() == []
    if isinstance(conv, MatrixConversation):
        seen = {raw["event_id"]: raw for raw in conv._seen()}
        first = seen[conv.ids[opening]]
        asked = {conv.uid(name) for name in ("bob", "chloe", "carol")}
        assert set(first["content"]["m.mentions"]["user_ids"]) == asked
        reminder = seen[conv.ids[conv.bot_id(-1)]]
        rel = relates(reminder)
        assert rel["rel_type"] == "m.thread" and rel["event_id"] == conv.ids[opening]
        assert reply_target(reminder) == conv.ids[opening]
        reminded = set(reminder["content"]["m.mentions"]["user_ids"])
        assert reminded == {conv.uid("alice"), conv.uid("bob"), conv.uid("chloe")}
        assert "Bob" in reminder["content"]["body"] and "Carol" not in reminder["content"]["body"]
    clock.advance(days=1)
    answers = await conv.tick()
    assert len(answers) == 1, answers
    assert "Relevé des compteurs terminé pour KPA (novembre 2026) : 1 sur 4 ont confirmé" in n(
        answers[0]
    )
    assert "Confirmé : Carol" in n(answers[0])
    assert await conv.tick() == []


# -- contributive budget: where the money comes from, envelopes with an owner ------------------------


async def test_an_owner_settles_an_envelope_named_by_its_number_and_a_service_funds_it(
    conv, engine
):
    for name in ("bob", "carol"):
        await conv.say(name, "!solde")  # the bot has seen them in the room
    await conv.say("alice", '!projet ajouter KPA "KPA-Cités"')
    await conv.say("carol", "!contrib 3h 20/11 KPA atelier")
    await conv.say("alice", "!budget KPA 300€ novembre")
    answers = await conv.say("alice", '!budget KPA 500€ mission "Fête de quartier" soucieux @bob')
    assert "#2" in n(answers[0]) and "soucieux : Bob" in n(answers[0]), answers
    answers = await conv.say("carol", "!demande KPA 50€")
    assert "Laquelle ? Exemple : !demande #1 50€" in n(answers[0]), answers
    await conv.say("carol", "!demande #2 50€ affiches")
    answers = await conv.say("bob", '!prestation #2 1000€ 10% "buvette"')
    assert "+100,00 €" in n(answers[0]) and "600,00 €" in n(answers[0]), answers
    answers = await conv.say("bob", "!budget #1 clore")
    assert "réservé aux admins" in n(answers[0]), answers
    await conv.say("bob", "!budget #2 accord 1 50€")
    answers = await conv.say("bob", "!budget #2 clore")
    assert any("clôturée" in n(a) for a in answers), answers
    with Session(engine) as db:
        envs = {e.number: e for e in db.exec(select(BudgetEnvelope)).all()}
    assert (envs[2].state, envs[2].amount, envs[2].owner) == ("closed", 60000, conv.uid("bob"))
    assert envs[1].state == "open"
