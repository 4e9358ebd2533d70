"""End to end: the bot's Matrix adapter against a real Synapse on 127.0.0.1, people driven by
matrix-nio, on the session's Synapse (relaxed rate limits, see conftest); the tests about rate
limits and about the homeserver going away start their own."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from nio import RoomSendResponse
from sqlmodel import Session, select

from bot.matrix.synapse import Synapse, synapse_python
from storage.models import ChatEvent, Contribution
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
async def bot(synapse: Synapse, tmp_path: Path) -> AsyncIterator[InProcessBot]:
    b = await InProcessBot(synapse, tmp_path / "bot.db").register().start()
    yield b
    await b.stop()


async def room_with(person: Person, bot: InProcessBot, *others: str, **kw: object) -> str:
    room_id = await person.create_room([bot.user_id, *others], **kw)
    await person.joined(room_id, bot.user_id)
    return room_id


def contributions(bot: InProcessBot) -> list[Contribution]:
    assert bot.engine is not None
    with Session(bot.engine) as db:
        return list(db.exec(select(Contribution).order_by(Contribution.id)).all())


async def test_answer_is_an_html_reply_with_user_text_escaped(alice, bot):
    room = await room_with(alice, bot)
    cmd = await alice.say(room, "!contrib 3h atelier <script>alert(1)</script>")
    reply = await alice.reply_to(cmd)
    content = reply["content"]
    assert reply["sender"] == bot.user_id
    assert content["msgtype"] == "m.notice"
    assert content["format"] == "org.matrix.custom.html"
    assert "<script>" not in content["formatted_body"]
    assert "&lt;script&gt;" in content["formatted_body"]
    assert "Contribution #1" in content["body"]
    assert content["m.mentions"]["user_ids"] == []  # nobody is pinged about their own command
    [c] = contributions(bot)
    assert (c.minutes, c.user_id, c.event_id) == (180, alice.user_id, cmd)


async def test_thread_command_is_answered_in_the_thread(alice, bot):
    room = await room_with(alice, bot)
    root = await alice.say(room, "Réunion de jeudi")
    cmd = await alice.say(
        room,
        "!contrib 1h réunion",
        **{"m.relates_to": {"rel_type": "m.thread", "event_id": root}},
    )
    reply = await alice.reply_to(cmd)
    rel = reply["content"]["m.relates_to"]
    assert rel["rel_type"] == "m.thread" and rel["event_id"] == root
    assert rel["m.in_reply_to"]["event_id"] == cmd


async def test_edit_updates_and_redaction_undoes(alice, bot):
    room = await room_with(alice, bot)
    cmd = await alice.say(room, "!contrib 2h compta")
    await alice.reply_to(cmd)
    mark = len(alice.events)
    await alice.edit(room, cmd, "!contrib 2h30 compta")
    await alice.wait_for(
        lambda raw, _r: (
            raw.get("sender") == bot.user_id and "2h30" in raw["content"].get("body", "")
        ),
        start=mark,
    )
    assert [c.minutes for c in contributions(bot)] == [150]
    mark = len(alice.events)
    await alice.redact(room, cmd)
    await alice.wait_for(
        lambda raw, _r: (
            raw.get("sender") == bot.user_id and "annulée" in raw["content"].get("body", "")
        ),
        start=mark,
    )
    assert contributions(bot) == []


async def test_reactions_reach_the_runtime_with_their_own_id(alice, bot):
    room = await room_with(alice, bot)
    cmd = await alice.say(room, "!contrib 1h accueil")
    reply = await alice.reply_to(cmd)
    reaction = await alice.react(room, reply["event_id"], "💶")
    removal = await alice.redact(room, reaction)
    assert bot.engine is not None

    async def seen() -> dict[str, str]:
        while True:
            with Session(bot.engine) as db:
                rows = {e.event_id: e.kind for e in db.exec(select(ChatEvent)).all()}
            if removal in rows:
                return rows
            await asyncio.sleep(0.05)

    rows = await asyncio.wait_for(seen(), 10)
    assert rows[reaction] == "ReactionAdded"
    assert rows[removal] == "Redacted"


async def test_csv_export_is_uploaded_as_a_file(alice, bot):
    room = await room_with(alice, bot)
    await alice.reply_to(await alice.say(room, "!contrib 2h atelier"))
    cmd = await alice.say(room, "!export csv")
    reply = await alice.reply_to(cmd)
    content = reply["content"]
    assert content["msgtype"] == "m.file"
    assert content["filename"].endswith(".csv")
    assert content["info"]["mimetype"] == "text/csv"
    assert content["url"].startswith("mxc://localhost/")
    download = await alice.client.download(mxc=content["url"])
    body = getattr(download, "body", b"")
    assert body.startswith("\ufeff".encode()) and b"atelier" in body


async def test_admin_by_power_level_including_a_v12_creator(synapse, alice, bot):
    bob = await Person(synapse).start()
    try:
        room = await room_with(alice, bot, bob.user_id)
        await bob.joined(room, bob.user_id)
        # alice created this (v12) room: unlimited power, though absent from power_levels.users
        cmd = await alice.say(room, f"!contrib @{bob.name} 1h rangement")
        assert "Contribution #1" in (await alice.reply_to(cmd))["content"]["body"]
        cmd = await bob.say(room, f"!contrib {alice.user_id} 1h rangement")
        assert "admins" in (await bob.reply_to(cmd))["content"]["body"]
        levels = await alice.client.room_get_state_event(room, "m.room.power_levels")
        content = dict(levels.content)  # type: ignore[union-attr]
        content.setdefault("users", {})[bob.user_id] = 50
        await alice.client.room_put_state(room, "m.room.power_levels", content)
        cmd = await bob.say(room, f"!contrib {alice.user_id} 1h rangement")
        assert "Contribution #2" in (await bob.reply_to(cmd))["content"]["body"]
    finally:
        await bob.stop()


async def test_admin_in_an_older_room_version(synapse, alice, bot):
    bob = await Person(synapse).start()
    try:
        room = await room_with(alice, bot, bob.user_id, room_version="10")
        await bob.joined(room, bob.user_id)
        cmd = await alice.say(room, f"!contrib @{bob.name} 1h rangement")
        assert "Contribution #1" in (await alice.reply_to(cmd))["content"]["body"]
    finally:
        await bob.stop()


async def test_malformed_events_are_skipped(alice, bot):
    room = await room_with(alice, bot)
    bad = [
        ({"msgtype": "m.text"}, "m.room.message"),
        ({"msgtype": "m.text", "body": 42}, "m.room.message"),
        ({"msgtype": "m.text", "body": "!contrib 1h", "m.relates_to": "oops"}, "m.room.message"),
        ({"body": "!contrib 1h sans msgtype"}, "m.room.message"),
        (
            {"msgtype": "m.text", "body": "* x", "m.relates_to": {"rel_type": "m.replace"}},
            "m.room.message",
        ),
        ({"m.relates_to": {"rel_type": "m.annotation", "event_id": "$x"}}, "m.reaction"),
        ({"m.relates_to": []}, "m.reaction"),
        ({"msgtype": 7, "body": "!contrib 1h"}, "m.room.message"),
        (
            {"msgtype": "m.text", "body": "!contrib 1h", "m.relates_to": {"rel_type": "m.thread"}},
            "m.room.message",
        ),
        ({"redacts": 12}, "m.room.redaction"),
    ]
    accepted = 0
    for content, kind in bad:
        resp = await alice.client.room_send(room, kind, content)
        accepted += isinstance(resp, RoomSendResponse)  # Synapse refuses a few itself
    assert accepted >= 4
    huge = await alice.say(room, "!contrib 1h " + "x" * 40_000)
    assert "trop long" in (await alice.reply_to(huge))["content"]["body"]
    cmd = await alice.say(room, "!contrib 1h après")
    assert "Contribution #1" in (await alice.reply_to(cmd))["content"]["body"]
    assert [c.description for c in contributions(bot)] == ["après"]


async def test_offline_commands_are_answered_after_restart_even_past_a_timeline(
    synapse, alice, tmp_path
):
    bot = await InProcessBot(synapse, tmp_path / "bot.db", timeline_limit=10).register().start()
    room = await room_with(alice, bot)
    first = await alice.say(room, "!contrib 1h avant")
    await alice.reply_to(first)
    await bot.stop()
    offline = [await alice.say(room, f"!contrib {i + 1}min hors-ligne") for i in range(25)]
    bot2 = InProcessBot(synapse, tmp_path / "bot.db", name=bot.name, timeline_limit=10)
    await bot2.start()
    try:
        for cmd in offline:
            await alice.reply_to(cmd)
        end = await alice.settle(room)  # a doubled answer would have come before its answer
        replies = [reply_target(r) for r in alice.replies(room, bot.user_id)]
        assert sorted(r for r in replies if r != end) == sorted([first, *offline])
        assert len(contributions(bot2)) == 26
    finally:
        await bot2.stop()


async def test_fresh_start_in_an_old_room_ignores_history(synapse, alice, tmp_path):
    bot = InProcessBot(synapse, tmp_path / "bot.db").register()
    room = await alice.create_room([bot.user_id])
    # the bot's account joins and history accumulates before the bot ever runs
    from nio import AsyncClient

    raw = AsyncClient(synapse.base_url, bot.user_id)
    await raw.login(password="test-password-123")
    await raw.join(room)
    await raw.close()
    old = [await alice.say(room, f"!contrib {i + 1}h ancien") for i in range(3)]
    await bot.start()
    try:
        cmd = await alice.say(room, "!contrib 1h nouveau")
        await alice.reply_to(cmd)
        end = await alice.settle(room)
        replies = [reply_target(r) for r in alice.replies(room, bot.user_id)]
        assert replies == [cmd, end]
        assert not set(old) & set(replies)
        assert [c.description for c in contributions(bot)] == ["nouveau"]
    finally:
        await bot.stop()


async def test_history_before_an_invite_is_not_acted_on(alice, bot):
    room = await alice.create_room([])
    before = await alice.say(room, "!contrib 1h avant l'invitation")
    await alice.client.room_invite(room, bot.user_id)
    await alice.joined(room, bot.user_id)
    cmd = await alice.say(room, "!contrib 2h après")
    await alice.reply_to(cmd)
    end = await alice.settle(room)
    assert [reply_target(r) for r in alice.replies(room, bot.user_id)] == [cmd, end]
    assert before not in [c.event_id for c in contributions(bot)]


async def test_a_repeated_send_of_one_outbox_row_posts_once(alice, bot):
    """A crash between sending and marking as sent repeats the send with the same transaction
    id; the homeserver then returns the first event instead of posting again."""
    from bot.adapters.base import Text

    room = await room_with(alice, bot)
    item = Text(id=424242, room_id=room, body="une seule fois")
    assert bot.adapter is not None
    first = await bot.adapter.deliver(item)
    again = await bot.adapter.deliver(item)
    assert first == again
    await alice.wait_for(lambda raw, _r: raw.get("event_id") == first)
    await alice.settle(room)  # a second post would have come before the sentinel's answer
    bodies = [
        raw["content"].get("body") for _, _, raw in alice.events if raw.get("sender") == bot.user_id
    ]
    assert bodies.count("une seule fois") == 1


async def test_a_member_who_joined_before_the_bot_can_be_named(synapse, alice, bot):
    bob = await Person(synapse).start()
    try:
        room = await alice.create_room([bob.user_id])
        await alice.joined(room, bob.user_id)  # bob is in the room before the bot is
        await alice.client.room_invite(room, bot.user_id)
        await alice.joined(room, bot.user_id)
        cmd = await alice.say(room, f"!contrib @{bob.name} 2h rangement")
        reply = await alice.reply_to(cmd)
        assert "enregistrée pour" in reply["content"]["body"], reply["content"]["body"]
        [c] = contributions(bot)
        assert c.user_id == bob.user_id
    finally:
        await bob.stop()


async def test_unknown_code_is_confirmed_by_reacting_to_the_check_mark(alice, bot):
    room = await room_with(alice, bot)
    await alice.reply_to(await alice.say(room, '!projet ajouter KPA "KPA-Cités"'))
    cmd = await alice.say(room, "!contrib 3h atelier KAP")
    offer = await alice.reply_to(cmd)
    assert "Projets proches : KPA" in offer["content"]["body"]
    # the bot puts ✅ on its own answer
    await alice.wait_for(
        lambda raw, rid: (
            raw.get("type") == "m.reaction"
            and raw.get("sender") == bot.user_id
            and raw["content"]["m.relates_to"]
            == {
                "rel_type": "m.annotation",
                "event_id": offer["event_id"],
                "key": "✅",
            }
        )
    )
    assert contributions(bot) == []
    await alice.react(room, offer["event_id"], "✅")
    # the answer to the ✅ replies to the message it was put on
    saved = await alice.wait_for(
        lambda raw, rid: (
            reply_target(raw) == offer["event_id"]
            and "Contribution #" in raw["content"].get("body", "")
        )
    )
    assert "atelier KAP" in saved["content"]["body"]
    [c] = contributions(bot)
    assert (c.minutes, c.project_id, c.event_id) == (180, None, cmd)
