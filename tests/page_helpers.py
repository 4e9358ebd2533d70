"""A room with a conversation and its page server on 127.0.0.1, for the page tests."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy.engine import Engine

from bot.adapters.console import ConsoleAdapter
from bot.config import WebSection
from bot.runtime import Runtime
from bot.web.server import PageServer
from commands import build_registry
from commands.core import Settings
from tests.conftest import Chat, Clock

LINK = re.compile(r"https?://[^\s/]+(/p/cgp_[\w-]+/)")


@dataclass
class Site:
    chat: Chat
    server: PageServer
    client: TestClient

    async def link(self, user: str, command: str = "!page") -> str:
        """The path of ``user``'s link (``/p/<token>/``), as the bot sent it."""
        said = await self.chat.said(user, command)
        for s in said:
            found = LINK.search(s.text)
            if found:
                return found.group(1)
        raise AssertionError(f"no link in {said}")

    async def get(self, path: str, **kwargs: object) -> tuple[int, str]:
        response = await self.client.get(path, **kwargs)  # type: ignore[arg-type]
        return response.status, await response.text()


async def page_site(
    engine: Engine, clock: Clock, tmp_path: Path, *, per_minute: int = 10_000, port: int = 0
) -> AsyncIterator[Site]:
    web = WebSection(listen=f"127.0.0.1:{port}", requests_per_minute=per_minute)
    settings = Settings(page_url="http://127.0.0.1:8080")
    runtime = Runtime(engine, build_registry(), settings, clock=clock)
    adapter = ConsoleAdapter(
        user="alice",
        room="coroutine",
        admins=("alice",),
        out=lambda _l: None,
        files_dir=tmp_path / "files",
    )
    adapter.attach(runtime)
    server = PageServer(runtime, web)
    runtime.committed.append(server.hub.touched)
    client = TestClient(TestServer(server.app(), host="127.0.0.1"))
    await client.start_server()
    try:
        yield Site(Chat(runtime, adapter), server, client)
    finally:
        await client.close()
        await server.stop()
        await runtime.close()


async def seed(chat: Chat) -> None:
    """A room with contributions, a round with buckets and fundings, and two envelopes."""
    chat.admin("alice")
    for who in ("bob", "chloe", "dan"):
        await chat.join(who)
    await chat.say("alice", '!projet ajouter KPA "KPA-Cités"')
    await chat.say("alice", "!projet ajouter ATE Atelier")
    await chat.say("bob", "!contrib 3h KPA atelier")
    await chat.say("chloe", "!contrib 1h30 KPA réunion")
    await chat.say("dan", "!contrib 2h ATE rangement")
    await chat.say("alice", "!contrib 4h KPA compta")
    await chat.say("alice", '!tour ouvrir "Hiver 2026" 1000€')
    await chat.say("alice", "!allouer tous 100€")
    await chat.say("bob", '!bucket "Machine à café" 150€ max 200€ pour la salle')
    await chat.say("chloe", '!bucket "<script>alert(1)</script>" 20€')
    await chat.say("bob", "!financer 1 30€")
    await chat.say("chloe", "!financer 1 12,50€")
    await chat.say("dan", "!financer 2 20€")
