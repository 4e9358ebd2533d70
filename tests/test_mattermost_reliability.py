"""The Mattermost connection under stress, against the fake server: handshakes, drops, restarts,
sequence gaps, dead peers, refused tokens, rate limits; and the bot never answers itself."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import aiohttp
import pytest
from sqlmodel import Session, select

from bot.adapters.mattermost import MattermostAdapter
from bot.cli import EXIT_AUTH, main
from bot.mattermost.rest import MattermostAuthError
from commands.events import Mention
from storage.models import AdapterCursor, ChatEvent, Contribution
from tests.mm_harness import mattermost_world, until


def replies_to(world, post_id: str) -> list[dict]:
    return [p for p in world.fake.posts_by(world.bot) if p["root_id"] == post_id]


async def burst(world, count: int, *, drop_after: int | None = None, restart: bool = False):
    posts = []
    for i in range(count):
        if drop_after is not None and i == drop_after:
            if restart:
                await world.fake.restart()
            else:
                await world.fake.drop_sockets()
        posts.append(
            await world.fake.user_post(
                world.uid("bob"), world.channel, f"!contrib {i + 1}min tâche {i}"
            )
        )
    return posts


async def all_answered_once(world, posts, earlier: int = 0) -> None:
    await until(lambda: all(p["id"] in world.adapter.handled for p in posts), what="burst handled")
    await world.runtime.flush()
    for post in posts:
        assert len(replies_to(world, post["id"])) == 1, post["message"]
    with Session(world.runtime.engine) as db:
        assert len(db.exec(select(Contribution)).all()) == earlier + len(posts)


@pytest.mark.parametrize("hello_first", [False, True], ids=["ok-then-hello", "hello-then-ok"])
async def test_both_handshake_orders(runtime, hello_first):
    async with mattermost_world(runtime, hello_first=hello_first) as mm:
        adapter = await mm.start()
        answers = await mm.say("bob", "!contrib 1h accueil")
        assert "Contribution #1" in answers[0]
        assert adapter.stream.connects == 1 and adapter.stream.resyncs == 1
        assert adapter.stream.connection_id in mm.fake.conns


async def test_drop_mid_burst_resumes_with_nothing_lost_or_doubled(runtime):
    async with mattermost_world(runtime) as mm:
        adapter = await mm.start()
        posts = await burst(mm, 12, drop_after=5)
        await all_answered_once(mm, posts)
        # resumed on the same connection: no new hello, the missed events replayed
        assert adapter.stream.resyncs == 1
        assert adapter.stream.connects >= 2
        resume = mm.fake.ws_connects[-1]
        assert resume["connection_id"] == adapter.stream.connection_id
        assert int(resume["sequence_number"]) > 0


async def test_server_restart_fetches_missed_posts_and_answers_them_once(runtime):
    async with mattermost_world(runtime) as mm:
        adapter = await mm.start()
        first = adapter.stream.connection_id
        await mm.say("bob", "!contrib 1h avant")
        posts = await burst(mm, 4, drop_after=0, restart=True)
        await all_answered_once(mm, posts, earlier=1)
        assert adapter.stream.connection_id != first
        assert adapter.stream.resyncs == 2
        assert any(r[1].endswith("/posts") for r in mm.fake.requests if r[0] == "GET")


async def test_bot_restart_answers_what_was_typed_meanwhile(runtime):
    async with mattermost_world(runtime) as mm:
        await mm.start()
        await mm.say("bob", "!contrib 1h avant")
        await mm.stop_bot()
        missed = await mm.fake.user_post(mm.uid("chloe"), mm.channel, "!contrib 2h pendant")
        edited = mm.fake.posts_by(mm.uid("bob"))[0]
        await mm.start()
        await until(lambda: missed["id"] in mm.adapter.handled, what="missed post")
        await runtime.flush()
        assert len(replies_to(mm, missed["id"])) == 1
        assert len(replies_to(mm, edited["id"])) == 1  # not answered twice
        with Session(runtime.engine) as db:
            cursor = db.get(AdapterCursor, ("mattermost", f"channel:{mm.channel}"))
            assert cursor is not None and int(cursor.value) >= missed["create_at"]


async def test_sequence_gap_reconnects_and_catches_up(runtime):
    async with mattermost_world(runtime) as mm:
        adapter = await mm.start()
        mm.fake.skip_seq()
        post = await mm.fake.user_post(mm.uid("bob"), mm.channel, "!contrib 1h après le trou")
        await all_answered_once(mm, [post])
        assert any(q.get("disconnect_err_code") == "4001" for q in mm.fake.ws_connects)
        assert adapter.stream.resyncs == 2


async def test_ping_timeout_reconnects(runtime):
    async with mattermost_world(runtime, ping_interval=0.05) as mm:
        adapter = await mm.start()
        connects = adapter.stream.connects
        mm.fake.ignore_pings = True
        await until(
            lambda: any(q.get("disconnect_err_code") == "4000" for q in mm.fake.ws_connects),
            what="a reconnection after a ping timeout",
        )
        mm.fake.ignore_pings = False
        await until(lambda: adapter.stream.connects > connects, what="reconnected")
        answers = await mm.say("bob", "!contrib 1h")
        assert len(answers) == 1


async def test_refused_token_stops_with_a_clear_error(runtime):
    async with mattermost_world(runtime, token="wrong") as mm:
        adapter = mm.make_adapter()
        adapter.attach(runtime)
        with pytest.raises(MattermostAuthError):
            await adapter.run(runtime)
        await adapter.close()


async def test_cli_exit_code_on_refused_token(runtime, tmp_path, caplog):
    async with mattermost_world(runtime) as mm:
        config = tmp_path / "config.toml"
        config.write_text(
            f'[bot]\ndata_dir = "{tmp_path}"\n[mattermost]\nurl = "{mm.fake.url}"\n'
            'token = "revoked"\nteam = "coop"\n'
        )
        with caplog.at_level(logging.ERROR):
            code = await asyncio.to_thread(main, ["-c", str(config), "run"])
        assert code == EXIT_AUTH
        assert "Mattermost refused the bot's token" in caplog.text


async def test_rate_limit_is_waited_out_and_delivery_completes(runtime):
    async with mattermost_world(runtime) as mm:
        adapter = await mm.start()
        await mm.say("bob", "!contrib 1h")  # warm the caches
        mm.fake.rate_limit(1, reset_seconds=1)
        started = time.monotonic()
        answers = await mm.say("bob", "!contrib 2h")
        assert len(answers) == 1 and "#2" in answers[0]
        assert time.monotonic() - started >= 0.9
        assert adapter.rest.rate_limited == 1


async def test_the_bots_own_posts_are_never_commands(runtime):
    async with mattermost_world(runtime) as mm:
        adapter = await mm.start()
        own = await mm.fake.user_post(mm.bot, mm.channel, "!contrib 5h")
        marker = await mm.say("bob", "!contrib 1h")  # handled after the bot's own post
        assert len(marker) == 1
        assert own["id"] not in adapter.handled
        with Session(runtime.engine) as db:
            assert db.get(ChatEvent, own["id"]) is None
            assert len(db.exec(select(Contribution)).all()) == 1


async def test_thread_replies_stay_flat(runtime):
    async with mattermost_world(runtime) as mm:
        await mm.start()
        root = await mm.fake.user_post(mm.uid("alice"), mm.channel, "Réunion de jeudi")
        mm.ids["root"] = root["id"]
        await mm.say("bob", "!contrib 1h réunion", thread="root")
        reply = mm.fake.posts_by(mm.bot)[-1]
        assert reply["root_id"] == root["id"]
        # the server refuses a reply to a reply
        with pytest.raises(Exception, match="Invalid RootId"):
            await mm.fake.user_post(mm.uid("bob"), mm.channel, "x", root_id=reply["id"])


async def test_admin_from_channel_team_or_system_roles(runtime):
    async with mattermost_world(runtime) as mm:
        await mm.start()
        await mm.say("bob", "!contrib 1h")
        refused = await mm.say("chloe", "!contrib @bob 1h")
        assert "Seuls les admins" in refused[0]
        mm.fake.join_team(mm.team, mm.uid("chloe"), admin=True)
        mm.adapter._roles.clear()
        assert "pour Bob" in (await mm.say("chloe", "!contrib @bob 1h"))[0]
        mm.fake.join_team(mm.team, mm.uid("chloe"))
        mm.fake.users[mm.uid("chloe")]["roles"] = "system_user system_admin"
        mm.adapter._users.clear()
        mm.adapter._roles.clear()
        assert "pour Bob" in (await mm.say("chloe", "!contrib @bob 1h"))[0]


async def test_export_is_uploaded_and_attached_in_the_thread(runtime):
    async with mattermost_world(runtime) as mm:
        await mm.start()
        await mm.say("bob", "!contrib 1h accueil")
        await mm.say("bob", "!export csv")
        post = mm.fake.posts_by(mm.bot)[-1]
        assert post["root_id"] == mm.ids[mm.last_id]
        assert len(post["file_ids"]) == 1
        info = mm.fake.files[post["file_ids"][0]]
        assert info["name"].endswith(".csv") and info["post_id"] == post["id"]
        assert "accueil" in mm.fake.file_data[info["id"]].decode("utf-8-sig")


async def test_fake_closes_a_socket_without_authentication(runtime):
    async with (
        mattermost_world(runtime, auth_timeout=0.2) as mm,
        aiohttp.ClientSession() as session,
    ):
        ws = await session.ws_connect(f"{mm.fake.url}/api/v4/websocket")
        msg = await ws.receive(timeout=3)
        assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        ws = await session.ws_connect(f"{mm.fake.url}/api/v4/websocket")
        await ws.send_json(
            {"seq": 1, "action": "authentication_challenge", "data": {"token": "bad"}}
        )
        msg = await ws.receive(timeout=3)
        assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        ws = await session.ws_connect(
            f"{mm.fake.url}/api/v4/websocket", headers={"Authorization": "Bearer token-bob"}
        )
        hello = json.loads((await ws.receive(timeout=3)).data)
        assert hello["event"] == "hello" and hello["seq"] == 0
        await ws.close()


async def test_adapter_type_is_the_platform(runtime):
    assert MattermostAdapter.platform == "mattermost"


# -- one event never stops the bot -------------------------------------------------------------------


def break_on(adapter: MattermostAdapter, word: str) -> None:
    """Make reading a post that holds ``word`` raise (a bug in the adapter, say)."""
    mentions = adapter._mentions

    async def broken(channel_id: str, body: str) -> tuple[Mention, ...]:
        if word in body:
            raise KeyError("a bug while reading the post")
        return await mentions(channel_id, body)

    adapter._mentions = broken  # type: ignore[method-assign]


@pytest.mark.parametrize("when", ["live", "caught-up"])
async def test_a_post_that_cannot_be_read_is_skipped_and_the_bot_goes_on(runtime, caplog, when):
    async with mattermost_world(runtime) as mm:
        adapter = await mm.start()
        if when == "caught-up":
            await mm.stop_bot()
            adapter = mm.make_adapter()
            break_on(adapter, "💥")
            posts = [
                await mm.fake.user_post(mm.uid("bob"), mm.channel, text)
                for text in ("!contrib 1h avant", "!contrib 💥", "!contrib 2h après")
            ]
            adapter.attach(runtime)
            mm.adapter, mm.task = adapter, asyncio.create_task(adapter.run(runtime))
        else:
            break_on(adapter, "💥")
            posts = await burst(mm, 0)
            for text in ("!contrib 1h avant", "!contrib 💥", "!contrib 2h après"):
                posts.append(await mm.fake.user_post(mm.uid("bob"), mm.channel, text))
        with caplog.at_level(logging.ERROR):
            await until(lambda: posts[2]["id"] in adapter.handled, what="the post after")
            await runtime.flush()
        assert len(replies_to(mm, posts[0]["id"])) == len(replies_to(mm, posts[2]["id"])) == 1
        assert replies_to(mm, posts[1]["id"]) == []
        assert "reference" in caplog.text and posts[1]["id"] in caplog.text
        with Session(runtime.engine) as db:
            cursor = db.get(AdapterCursor, ("mattermost", f"channel:{mm.channel}"))
        assert cursor is not None and int(cursor.value) >= posts[2]["create_at"]
        assert mm.task is not None and not mm.task.done()
        answers = await mm.say("bob", "!contrib 3h encore")
        assert "Contribution #3" in answers[0]


async def test_an_event_that_could_not_be_stored_is_fetched_again(runtime):
    from bot.runtime import NotHandled

    async with mattermost_world(runtime) as mm:
        adapter = await mm.start()
        handle = runtime.handle
        failed: list[str] = []

        async def once_down(event):
            if "panne" in getattr(event, "body", "") and not failed:
                failed.append(event.event_id)
                raise NotHandled(event.event_id, OSError("disk I/O error"))
            await handle(event)

        runtime.handle = once_down  # type: ignore[method-assign]
        post = await mm.fake.user_post(mm.uid("bob"), mm.channel, "!contrib 1h panne")
        await until(lambda: post["id"] in adapter.handled, what="the post, fetched again")
        await runtime.flush()
        assert failed == [post["id"]] and adapter.stream.resyncs == 2
        assert len(replies_to(mm, post["id"])) == 1


async def test_a_reaction_taken_back_after_a_restart_is_still_recognised(runtime):
    """The adapter remembers, in its own table, which reaction a removal takes back: a new
    process (nothing in memory) still hands the removal over, and then forgets it."""
    async with mattermost_world(runtime) as mm:
        adapter = await mm.start()
        await mm.say("bob", "!contrib 1h avant")
        answer = [short for short in mm.ids if short.startswith("b")][-1]
        await mm.react("bob", answer, "heart")
        [added] = [e for e in adapter.handled if ":heart:" in e]
        await mm.stop_bot()
        await mm.start()
        await mm.unreact("bob", answer, "heart")
        assert mm.adapter is not None
        assert [e for e in mm.adapter.handled if e.endswith(":removed")] == [f"{added}:removed"]

        def reactions_kept() -> list[str]:
            with Session(runtime.engine) as db:
                kept = db.exec(select(AdapterCursor).where(AdapterCursor.platform == "mattermost"))
                return [c.key for c in kept if c.key.startswith("reaction:")]

        await until(lambda: reactions_kept() == [], what="the reaction forgotten")
