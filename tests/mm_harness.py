"""A conversation on the fake Mattermost server, driven like ``tests.conftest.Chat``: people post,
edit, delete and react through the fake; the bot (the real adapter and runtime) answers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

import pytest

from bot.adapters.mattermost import MattermostAdapter
from bot.mattermost.settings import MattermostSettings
from bot.runtime import Runtime
from commands.events import Role
from tests.mm_contract import load_contract, missing_reason, spec_required
from tests.mm_fake import FakeMattermost

BOT_TOKEN = "token-cagnotte"


def contract_or_skip() -> Any:
    """The contract; without the API description: a failure when it is required (CI), else
    ``None`` (the fake runs unchecked and the contract tests skip)."""
    contract = load_contract()
    if contract is None and spec_required():
        pytest.fail(missing_reason())
    return contract


async def until(check: Callable[[], bool], timeout: float = 15.0, what: str = "") -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not check():
        if loop.time() > deadline:
            raise AssertionError(f"timed out waiting for {what or check}")
        await asyncio.sleep(0.005)


class MattermostWorld:
    """A team ``coop`` with a channel ``coroutine`` where alice (channel admin), bob and the bot
    are members."""

    def __init__(self, fake: FakeMattermost, runtime: Runtime, **settings: Any) -> None:
        self.fake = fake
        self.runtime = runtime
        self.settings = settings
        self.team = fake.add_team("coop")
        self.bot = fake.add_user("cagnotte", token=BOT_TOKEN, is_bot=True)
        self.people: dict[str, str] = {}
        for name in ("alice", "bob", "chloe"):
            self.people[name] = fake.add_user(name, first_name=name.capitalize())
        for uid in (self.bot, *self.people.values()):
            fake.join_team(self.team, uid)
        self.channel = fake.add_channel(self.team, "coroutine", [self.bot, *self.people.values()])
        fake.set_channel_admin(self.channel, self.people["alice"])
        self.adapter: MattermostAdapter | None = None
        self.task: asyncio.Task[None] | None = None
        self.ids: dict[str, str] = {}  # short id (u1, b2) -> post id
        self._n = 0
        self.last_id: str | None = None

    def make_adapter(self) -> MattermostAdapter:
        options = {
            "url": self.fake.url,
            "token": BOT_TOKEN,
            "team": "coop",
            "ping_interval": 0.5,
            "min_backoff": 0.02,
            "max_backoff": 0.2,
            "jitter": 0.0,
            **self.settings,
        }
        return MattermostAdapter(MattermostSettings.from_section(options))

    async def start(self) -> MattermostAdapter:
        self.adapter = self.make_adapter()
        self.adapter.attach(self.runtime)
        self.task = asyncio.create_task(self.adapter.run(self.runtime))
        stream = self.adapter.stream
        await until(lambda: stream.connects > 0 and stream.resynced > 0, what="connect")
        return self.adapter

    async def stop_bot(self) -> None:
        if self.adapter is not None:
            await self.adapter.close()
        if self.task is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self.task, 5)
        self.task = None

    # -- people ---------------------------------------------------------------------------
    def uid(self, user: str) -> str:
        return self.people[user]

    def _short(self, prefix: str, post_id: str) -> str:
        self._n += 1
        short = f"{prefix}{self._n}"
        self.ids[short] = post_id
        return short

    def _bot_posts(self) -> list[dict[str, Any]]:
        return self.fake.posts_by(self.bot)

    async def _settle(self, event_id: str, before: int) -> list[str]:
        adapter = self.adapter
        assert adapter is not None
        await until(lambda: event_id in adapter.handled, what=f"event {event_id}")
        await self.runtime.flush()
        new = self._bot_posts()[before:]
        for post in new:
            self._short("b", post["id"])
        return [p["message"] for p in new]

    async def say(self, user: str, text: str, thread: str | None = None) -> list[str]:
        before = len(self._bot_posts())
        root = self.ids[thread] if thread else ""
        post = await self.fake.user_post(self.uid(user), self.channel, text, root)
        self.last_id = self._short("u", post["id"])
        return await self._settle(post["id"], before)

    async def edit(self, user: str, target: str, text: str) -> list[str]:
        before = len(self._bot_posts())
        post = await self.fake.user_edit(self.uid(user), self.ids[target], text)
        return await self._settle(f"{post['id']}:edit:{post['edit_at']}", before)

    async def delete(self, user: str, target: str) -> list[str]:
        before = len(self._bot_posts())
        await self.fake.user_delete(self.uid(user), self.ids[target])
        return await self._settle(f"{self.ids[target]}:deleted", before)

    async def react(self, user: str, target: str, emoji: str) -> list[str]:
        before = len(self._bot_posts())
        reaction = await self.fake.user_react(self.uid(user), self.ids[target], emoji)
        rid = f"{reaction['post_id']}:{reaction['user_id']}:{emoji}:{reaction['create_at']}"
        return await self._settle(rid, before)

    async def unreact(self, user: str, target: str, emoji: str) -> list[str]:
        adapter = self.adapter
        assert adapter is not None
        before = len(self._bot_posts())
        count = len(adapter.handled)
        await self.fake.user_unreact(self.uid(user), self.ids[target], emoji)
        await until(
            lambda: any(e.endswith(":removed") for e in adapter.handled[count:]), what="removal"
        )
        await self.runtime.flush()
        return [p["message"] for p in self._bot_posts()[before:]]

    def admin(self, user: str) -> None:
        self.fake.set_channel_admin(self.channel, self.uid(user))
        if self.adapter is not None:
            self.adapter._roles.clear()

    def role(self, user: str) -> Role:
        return (
            Role.ADMIN
            if self.fake.channel_members[(self.channel, self.uid(user))]["scheme_admin"]
            else Role.MEMBER
        )


@contextlib.asynccontextmanager
async def mattermost_world(runtime: Runtime, **options: Any) -> Any:
    """Start the fake server and the bot; on exit, stop both and fail on any contract
    violation."""
    fake_options = {k: options.pop(k) for k in ("hello_first", "auth_timeout") if k in options}
    fake = FakeMattermost(contract_or_skip(), **fake_options)
    await fake.start()
    world = MattermostWorld(fake, runtime, **options)
    try:
        yield world
    finally:
        await world.stop_bot()
        await fake.stop()
    assert fake.violations == [], fake.violations


logging.getLogger("aiohttp.access").setLevel(logging.WARNING)
