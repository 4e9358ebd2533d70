"""``!page``: links to the room's page, by direct message, public, renewed, turned off; tokens
stored as hashes only; links stop working when their member leaves."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.adapters.console import ConsoleAdapter
from bot.runtime import Runtime
from commands import build_registry
from commands.core import Settings
from commands.page import open_link, token_hash
from storage.models import BotMessage, PageLink
from tests.conftest import Chat, Clock

BASE = "http://127.0.0.1:8080"
LINK = re.compile(r"http://127\.0\.0\.1:8080/p/(cgp_[\w-]+)/")


@pytest.fixture
async def page_chat(engine: Engine, clock: Clock, tmp_path: Path) -> AsyncIterator[Chat]:
    runtime = Runtime(engine, build_registry(), Settings(page_url=BASE), clock=clock)
    adapter = ConsoleAdapter(
        user="alice",
        room="coroutine",
        admins=("alice",),
        out=lambda _l: None,
        files_dir=tmp_path / "files",
    )
    adapter.attach(runtime)
    yield Chat(runtime, adapter)
    await runtime.close()


def token_in(said: list) -> str:
    for s in said:
        found = LINK.search(s.text)
        if found:
            return found.group(1)
    raise AssertionError(f"no link in {said}")


def opens(engine: Engine, token: str) -> bool:
    with Session(engine) as db:
        return open_link(db, token) is not None


async def test_page_sends_the_link_by_direct_message_and_stores_only_its_hash(
    page_chat: Chat, engine: Engine
) -> None:
    said = await page_chat.said("bob", "!page")
    room = [s for s in said if s.kind == "text"]
    direct = [s for s in said if s.kind == "direct"]
    assert len(room) == 1 and "message privé" in room[0].text and "cgp_" not in room[0].text
    assert len(direct) == 1 and direct[0].room == "@bob"
    token = token_in(direct)
    assert opens(engine, token)
    with Session(engine) as db:
        link = db.exec(select(PageLink)).one()
        assert link.token_hash == token_hash(token) and link.user_id == "@bob"
        # the token is nowhere in the database, the delivered message included
        for table in ("page_link", "botmessage", "audit", "chatevent"):
            dump = " ".join(str(r) for r in db.execute(text(f"SELECT * FROM {table}")).all())
            assert token not in dump, table
        msg = db.exec(select(BotMessage).where(BotMessage.kind == "direct")).one()
        assert msg.sent_at is not None and "***" in msg.body


async def test_a_departed_members_link_and_a_renewed_link_stop_working(
    page_chat: Chat, engine: Engine, clock: Clock
) -> None:
    first = token_in(await page_chat.said("bob", "!page"))
    second = token_in(await page_chat.said("bob", "!page"))
    assert opens(engine, first) and opens(engine, second)
    answer = await page_chat.said("bob", "!page nouveau-lien")
    third = token_in(answer)
    assert "(2)" in next(s.text for s in answer if s.kind == "text")
    assert not opens(engine, first) and not opens(engine, second) and opens(engine, third)
    clock.advance(minutes=5)
    await page_chat.join("bob", joined=False)
    assert not opens(engine, third)
    clock.advance(minutes=5)
    await page_chat.join("bob")
    assert not opens(engine, third)  # back in the room: the old link stays dead
    assert opens(engine, token_in(await page_chat.said("bob", "!page")))
    assert not opens(engine, "cgp_" + "A" * 43) and not opens(engine, "nothing")


async def test_public_link_and_turning_the_page_off_are_for_admins(
    page_chat: Chat, engine: Engine
) -> None:
    assert "admin" in (await page_chat.one("bob", "!page public")).lower()
    public = token_in(await page_chat.said("alice", "!page public"))
    member = token_in(await page_chat.said("bob", "!page"))
    assert opens(engine, public) and opens(engine, member)
    assert "admin" in (await page_chat.one("bob", "!page off")).lower()
    answer = await page_chat.one("alice", "!page off")
    assert "fermée" in answer
    assert not opens(engine, public) and not opens(engine, member)
    refused = await page_chat.one("bob", "!page")
    assert "!page on" in refused
    assert "ouverte" in await page_chat.one("alice", "!page on")
    assert not opens(engine, member)  # what was revoked stays revoked
    assert opens(engine, token_in(await page_chat.said("bob", "!page")))
    public2 = token_in(await page_chat.said("alice", "!page public"))
    assert "ne marche plus" in await page_chat.one("alice", "!page public off")
    assert not opens(engine, public2)


async def test_renewing_every_link_of_the_room(page_chat: Chat, engine: Engine) -> None:
    public = token_in(await page_chat.said("alice", "!page public"))
    bob = token_in(await page_chat.said("bob", "!page"))
    said = await page_chat.said("alice", "!page nouveau-lien tous")
    assert not opens(engine, public) and not opens(engine, bob)
    new = [LINK.search(s.text).group(1) for s in said if LINK.search(s.text)]
    assert len(new) == 2 and all(opens(engine, t) for t in new)  # alice's own, a new public one


async def test_deleting_the_command_takes_its_link_back(page_chat: Chat, engine: Engine) -> None:
    token = token_in(await page_chat.said("bob", "!page"))
    answers = await page_chat.delete("bob", page_chat.last_id or "")
    assert any("ne marchent plus" in a for a in answers)
    assert not opens(engine, token)


async def test_without_a_web_server_the_command_says_so(chat: Chat) -> None:
    answer = await chat.one("bob", "!page")
    assert "[web]" in answer and "!tour" in answer


async def test_on_mattermost_the_link_comes_in_a_direct_channel(
    engine: Engine, clock: Clock
) -> None:
    from tests.mm_harness import mattermost_world

    runtime = Runtime(engine, build_registry(), Settings(page_url=BASE), clock=clock)
    try:
        async with mattermost_world(runtime) as mm:
            await mm.start()
            await mm.say("bob", "!page")
            answers = [
                p["message"] for p in mm.fake.posts_by(mm.bot) if p["channel_id"] == mm.channel
            ]
            assert len(answers) == 1 and "privé" in answers[0] and "cgp_" not in answers[0]
            direct = mm.fake.direct_posts(mm.uid("bob"))
            assert len(direct) == 1 and direct[0]["user_id"] == mm.bot
            channel = mm.fake.channels[direct[0]["channel_id"]]
            assert channel["type"] == "D"
            token = LINK.search(direct[0]["message"])  # a link that works (no word joiner)
            assert token is not None and opens(engine, token.group(1))
            await mm.say("bob", "!page")  # the same direct channel again
            assert len(mm.fake.direct_posts(mm.uid("bob"))) == 2
            assert len([c for c in mm.fake.channels.values() if c["type"] == "D"]) == 1
    finally:
        await runtime.close()


@pytest.mark.synapse
async def test_on_matrix_the_link_comes_in_a_direct_room(
    synapse: object, tmp_path: Path, engine: Engine
) -> None:
    from bot.matrix.synapse import synapse_python
    from tests.matrix_helpers import InProcessBot, Person

    if synapse_python() is None:
        pytest.skip("matrix-synapse not installed (./dev)")
    alice = await Person(synapse).start()  # type: ignore[arg-type]
    bot = await InProcessBot(synapse, tmp_path / "bot.db", page_url=BASE).register().start()  # type: ignore[arg-type]
    try:
        room = await alice.create_room([bot.user_id])
        await alice.joined(room, bot.user_id)
        command = await alice.say(room, "!page")
        answer = await alice.reply_to(command)
        assert "privé" in answer["content"]["body"] and "cgp_" not in answer["content"]["body"]

        def is_link(raw: dict, rid: str) -> bool:
            body = raw.get("content", {}).get("body", "")
            return rid != room and raw.get("sender") == bot.user_id and "/p/cgp_" in body

        first = await alice.wait_for(is_link)
        found = LINK.search(first["content"]["body"])
        assert found is not None and bot.engine is not None
        with Session(bot.engine) as db:
            assert open_link(db, found.group(1)) is not None
        direct = [rid for _, rid, raw in alice.events if is_link(raw, rid)]
        await alice.say(room, "!page")
        links = await alice.wait_all(is_link, 2)
        again = [rid for _, rid, raw in alice.events if is_link(raw, rid)]
        assert len(links) == 2 and set(again) == set(direct)  # the same direct room, kept
    finally:
        await bot.stop()
        await alice.stop()
