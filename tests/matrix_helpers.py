"""Helpers for the end-to-end Matrix tests and the benchmark: people driven by matrix-nio, and
the bot under test (in this process, or as a ``cagnotte run`` subprocess)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nio import AsyncClient, AsyncClientConfig, LoginResponse, RoomSendResponse, SyncResponse
from sqlalchemy.engine import Engine

from bot.adapters.matrix import MatrixAdapter
from bot.matrix.settings import MatrixSettings
from bot.matrix.synapse import Synapse
from bot.runtime import Runtime
from commands import build_registry
from commands.core import Settings
from storage.db import open_database, sqlite_url

PASSWORD = "test-password-123"
Pred = Callable[[dict[str, Any], str], bool]


def unique(name: str) -> str:
    return f"{name}{secrets.token_hex(3)}"


def relates(raw: dict[str, Any]) -> dict[str, Any]:
    rel = raw.get("content", {}).get("m.relates_to")
    return rel if isinstance(rel, dict) else {}


def reply_target(raw: dict[str, Any]) -> str | None:
    in_reply = relates(raw).get("m.in_reply_to")
    return in_reply.get("event_id") if isinstance(in_reply, dict) else None


# a command that changes nothing, whose answer marks the end of what a person is answered
SENTINEL = "!projets"


class Person:
    """A Matrix user with a background sync loop that records every timeline event."""

    def __init__(self, server: Synapse, name: str | None = None, *, admin: bool = False) -> None:
        self.server = server
        self.name = name or unique("human")
        self.user_id = f"@{self.name}:localhost"
        self.admin = admin
        self.client = AsyncClient(
            server.base_url,
            self.user_id,
            config=AsyncClientConfig(max_limit_exceeded=0, max_timeouts=50, request_timeout=60),
        )
        self.events: list[tuple[float, str, dict[str, Any]]] = []
        self.changed = asyncio.Condition()
        self._task: asyncio.Task[None] | None = None

    async def start(self, register: bool = True) -> Person:
        if register:
            await asyncio.to_thread(self.server.register, self.name, PASSWORD, admin=self.admin)
        resp = await self.client.login(password=PASSWORD, device_name=self.name)
        assert isinstance(resp, LoginResponse), resp
        first = await self.client.sync(timeout=0, sync_filter={"room": {"timeline": {"limit": 1}}})
        assert isinstance(first, SyncResponse), first
        self._task = asyncio.create_task(self._loop())
        return self

    async def _loop(self) -> None:
        while True:
            try:
                resp = await self.client.sync(
                    timeout=10_000, sync_filter={"room": {"timeline": {"limit": 500}}}
                )
            except Exception:
                await asyncio.sleep(0.2)
                continue
            if not isinstance(resp, SyncResponse):
                await asyncio.sleep(0.2)
                continue
            now = time.perf_counter()
            for room_id, info in resp.rooms.join.items():
                for ev in info.timeline.events:
                    self.events.append((now, room_id, ev.source))
            for room_id in resp.rooms.invite:
                await self.client.join(room_id)
            async with self.changed:
                self.changed.notify_all()

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
        await self.client.close()

    # -- acting -----------------------------------------------------------------------------
    async def create_room(self, invite: list[str], **kw: Any) -> str:
        resp = await self.client.room_create(invite=invite, **kw)
        room_id = getattr(resp, "room_id", None)
        assert room_id, resp
        return str(room_id)

    async def send_raw(
        self, room_id: str, content: dict[str, Any], kind: str = "m.room.message"
    ) -> str:
        resp = await self.client.room_send(room_id, kind, content)
        assert isinstance(resp, RoomSendResponse), resp
        return str(resp.event_id)

    async def say(self, room_id: str, body: str, **extra: Any) -> str:
        return await self.send_raw(room_id, {"msgtype": "m.text", "body": body, **extra})

    async def edit(self, room_id: str, target: str, body: str) -> str:
        new = {"msgtype": "m.text", "body": body}
        return await self.send_raw(
            room_id,
            {
                "msgtype": "m.text",
                "body": f"* {body}",
                "m.new_content": new,
                "m.relates_to": {"rel_type": "m.replace", "event_id": target},
            },
        )

    async def react(self, room_id: str, target: str, key: str) -> str:
        return await self.send_raw(
            room_id,
            {"m.relates_to": {"rel_type": "m.annotation", "event_id": target, "key": key}},
            "m.reaction",
        )

    async def redact(self, room_id: str, target: str) -> str:
        resp = await self.client.room_redact(room_id, target)
        assert getattr(resp, "event_id", None), resp
        return str(resp.event_id)  # type: ignore[union-attr]

    # -- watching -------------------------------------------------------------------------------
    async def wait_for(self, pred: Pred, timeout: float = 15.0, start: int = 0) -> dict[str, Any]:
        return (await self.wait_all(pred, 1, timeout, start))[0]

    async def wait_all(
        self, pred: Pred, count: int, timeout: float = 15.0, start: int = 0
    ) -> list[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        async with self.changed:
            while True:
                found = [raw for _, rid, raw in self.events[start:] if pred(raw, rid)]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"{self.name}: saw {len(found)} of {count} events")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.changed.wait(), left)

    async def settle(self, room_id: str, timeout: float = 15.0) -> str:
        """Wait until every answer to what this person sent in the room is out, without
        waiting for time: send a command that changes nothing (``SENTINEL``) and wait for its
        answer. The outbox delivers each sender's answers in order, so an answer still to come
        (a doubled one, say) would have come before it. Returns the sentinel's event id (leave
        its answer out of what the test counts)."""
        sentinel = await self.say(room_id, SENTINEL)
        await self.reply_to(sentinel, timeout)
        return sentinel

    async def reply_to(self, event_id: str, timeout: float = 15.0) -> dict[str, Any]:
        return await self.wait_for(lambda raw, _r: reply_target(raw) == event_id, timeout)

    def replies(self, room_id: str, bot_user_id: str) -> list[dict[str, Any]]:
        return [
            raw
            for _, rid, raw in self.events
            if rid == room_id and raw.get("sender") == bot_user_id and reply_target(raw)
        ]

    async def joined(self, room_id: str, user_id: str, timeout: float = 15.0) -> None:
        await self.wait_for(
            lambda raw, rid: (
                rid == room_id
                and raw.get("type") == "m.room.member"
                and raw.get("state_key") == user_id
                and raw.get("content", {}).get("membership") == "join"
            ),
            timeout,
        )


class InProcessBot:
    """The bot in this process: its own database, runtime and Matrix adapter."""

    def __init__(
        self,
        server: Synapse,
        db_path: Path,
        name: str | None = None,
        *,
        page_url: str = "",
        **settings: Any,
    ):
        self.page_url = page_url
        self.name = name or unique("bot")
        self.user_id = f"@{self.name}:localhost"
        self.server = server
        self.db_path = db_path
        self.settings = {
            "homeserver": server.base_url,
            "user_id": self.user_id,
            "password": PASSWORD,
            "store_path": str(db_path.parent / f"{self.name}-store"),
            "sync_timeout_ms": 10_000,
            **settings,
        }
        self.engine: Engine | None = None
        self.runtime: Runtime | None = None
        self.adapter: MatrixAdapter | None = None
        self._task: asyncio.Task[None] | None = None

    def register(self) -> InProcessBot:
        self.server.register(self.name, PASSWORD)
        return self

    async def start(self) -> InProcessBot:
        self.engine = await asyncio.to_thread(open_database, sqlite_url(self.db_path))
        self.runtime = Runtime(self.engine, build_registry(), Settings(page_url=self.page_url))
        self.adapter = MatrixAdapter(MatrixSettings(**self.settings))
        self._task = asyncio.create_task(self.adapter.run(self.runtime))
        await self.runtime.resume_pending()
        await self.wait_synced()
        return self

    async def wait_synced(self, timeout: float = 15.0) -> None:
        assert self.adapter is not None
        start = self.adapter.batches
        deadline = time.monotonic() + timeout
        while self.adapter.batches == start:
            if self._task is not None and self._task.done():
                self._task.result()
            if time.monotonic() > deadline:
                raise TimeoutError("the bot did not sync")
            await asyncio.sleep(0.02)

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(BaseException):
                await self._task
        if self.runtime:
            with contextlib.suppress(Exception):
                await self.runtime.flush(timeout=5)
            await self.runtime.close()
        if self.engine:
            self.engine.dispose()


class SubprocessBot:
    """``cagnotte run`` in a child process, configured through a TOML file."""

    def __init__(
        self,
        server: Synapse,
        workdir: Path,
        name: str | None = None,
        *,
        database_url: str = "",
        log_level: str = "WARNING",
    ) -> None:
        self.name = name or unique("bot")
        self.user_id = f"@{self.name}:localhost"
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.config = workdir / "config.toml"
        self.config.write_text(
            f"""[bot]
data_dir = "{workdir / "data"}"
log_level = "{log_level}"

[database]
url = "{database_url}"

[matrix]
homeserver = "{server.base_url}"
user_id = "{self.user_id}"
password = "{PASSWORD}"
sync_timeout_ms = 10000
"""
        )
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = workdir / "bot.log"

    def start(self) -> None:
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "-c", str(self.config), "run"],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
            )

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def terminate(self) -> int:
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else 0
        self.proc.terminate()
        try:
            return self.proc.wait(15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
