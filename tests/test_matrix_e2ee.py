"""End-to-end encryption (``matrix-nio[e2e]``): a command in an encrypted room is decrypted and
answered encrypted, and the bot's keys survive a restart (same device, same store)."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import pytest
from nio import AsyncClient, AsyncClientConfig, LoginResponse, RoomMessageNotice, SyncResponse
from nio.crypto import ENCRYPTION_ENABLED
from sqlmodel import Session

from bot.matrix.synapse import synapse_python
from storage.models import ChatEvent
from tests.matrix_helpers import PASSWORD, InProcessBot, unique

pytestmark = [
    pytest.mark.synapse,
    pytest.mark.skipif(synapse_python() is None, reason="matrix-synapse not installed (./dev)"),
    pytest.mark.skipif(not ENCRYPTION_ENABLED, reason="matrix-nio[e2e] not installed"),
]


async def housekeeping(c: AsyncClient) -> None:
    await c.send_to_device_messages()
    if c.should_upload_keys:
        await c.keys_upload()
    if c.should_query_keys:
        await c.keys_query()
    if c.should_claim_keys:
        await c.keys_claim(c.get_users_for_key_claiming())


async def sync(c: AsyncClient, timeout: int = 0) -> SyncResponse:
    resp = await c.sync(timeout=timeout)
    assert isinstance(resp, SyncResponse), resp
    await housekeeping(c)
    return resp


async def decrypted_reply(c: AsyncClient, room_id: str, to: str, timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        resp = await sync(c, timeout=1000)
        info = resp.rooms.join.get(room_id)
        for ev in info.timeline.events if info else []:
            rel = ev.source.get("content", {}).get("m.relates_to", {})
            if (
                isinstance(ev, RoomMessageNotice)
                and rel.get("m.in_reply_to", {}).get("event_id") == to
            ):
                return ev
    raise TimeoutError("no decrypted answer")


async def test_encrypted_room_and_keys_kept_across_restart(synapse, tmp_path: Path):
    name = unique("human")
    await asyncio.to_thread(synapse.register, name, PASSWORD)
    store = tmp_path / "human-store"
    store.mkdir()
    human = AsyncClient(
        synapse.base_url,
        f"@{name}:localhost",
        store_path=str(store),
        config=AsyncClientConfig(encryption_enabled=True, max_limit_exceeded=0, max_timeouts=3),
    )
    assert isinstance(await human.login(password=PASSWORD, device_name=name), LoginResponse)
    bot = await InProcessBot(synapse, tmp_path / "bot.db", encryption=True).register().start()
    try:
        await sync(human)
        created = await human.room_create(
            invite=[bot.user_id],
            initial_state=[
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            ],
        )
        room_id = created.room_id  # type: ignore[union-attr]
        for _ in range(100):
            await sync(human, timeout=200)
            room = human.rooms.get(room_id)
            if room and bot.user_id in room.users:
                break
        await sync(human)

        async def ask(body: str) -> Any:
            sent = await human.room_send(
                room_id,
                "m.room.message",
                {"msgtype": "m.text", "body": body},
                ignore_unverified_devices=True,
            )
            return await decrypted_reply(human, room_id, sent.event_id)  # type: ignore[union-attr]

        reply = await ask("!contrib 1h chiffré")
        # ``decrypted`` is only set on events that arrived as m.room.encrypted
        assert reply.decrypted and "Contribution #1" in reply.body
        device = bot.adapter.client.device_id if bot.adapter else None
        await bot.stop()
        bot2 = await InProcessBot(
            synapse, tmp_path / "bot.db", name=bot.name, encryption=True
        ).start()
        try:
            assert bot2.adapter is not None and bot2.adapter.client.device_id == device
            reply = await ask("!contrib 2h après redémarrage")
            assert reply.decrypted and "Contribution #2" in reply.body
        finally:
            await bot2.stop()
    finally:
        await bot.stop()
        await human.close()


async def test_without_encryption_an_encrypted_room_is_told_once_in_clear(synapse, tmp_path: Path):
    """The bot runs without encryption and is invited into an encrypted room (Element makes
    direct messages encrypted): it cannot read it, and says so once, in clear, as a reply to the
    first message, with how to turn encryption on; the next messages get nothing more."""
    name = unique("human")
    await asyncio.to_thread(synapse.register, name, PASSWORD)
    store = tmp_path / "human-store"
    store.mkdir()
    human = AsyncClient(
        synapse.base_url,
        f"@{name}:localhost",
        store_path=str(store),
        config=AsyncClientConfig(encryption_enabled=True, max_limit_exceeded=0, max_timeouts=3),
    )
    assert isinstance(await human.login(password=PASSWORD, device_name=name), LoginResponse)
    bot = await InProcessBot(synapse, tmp_path / "bot.db", encryption=False).register().start()
    try:
        await sync(human)
        created = await human.room_create(
            invite=[bot.user_id],
            is_direct=True,
            initial_state=[
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            ],
        )
        room_id = created.room_id  # type: ignore[union-attr]
        for _ in range(100):
            await sync(human, timeout=200)
            room = human.rooms.get(room_id)
            if room and bot.user_id in room.users:
                break
        sent = []
        for body in ("!aide", "!contrib 1h"):
            resp = await human.room_send(
                room_id,
                "m.room.message",
                {"msgtype": "m.text", "body": body},
                ignore_unverified_devices=True,
            )
            sent.append(resp.event_id)  # type: ignore[union-attr]
        answer = await decrypted_reply(human, room_id, sent[0])
        assert not getattr(answer, "decrypted", False)  # in clear
        assert answer.body.startswith("🔒 Ce salon est chiffré et je tourne sans le chiffrement")
        assert "encryption = true" in answer.body
        assert bot.runtime is not None and bot.engine is not None
        for _ in range(200):  # the second message is handled: said nothing more
            with Session(bot.engine) as db:
                handled = db.get(ChatEvent, sent[1])
            if handled is not None:
                break
            await asyncio.sleep(0.05)
        assert handled is not None and handled.command == "ignored"
        await bot.runtime.flush()
        later = await sync(human, timeout=500)
        info = later.rooms.join.get(room_id)
        notices = [
            ev for ev in (info.timeline.events if info else []) if isinstance(ev, RoomMessageNotice)
        ]
        assert notices == []  # said once
    finally:
        await bot.stop()
        await human.close()
