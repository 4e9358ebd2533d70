"""The demo that ``./dev run`` starts: a port that stays, encryption on, a second person on demand,
a server that can outlive the bot, and no room left silent when the bot cannot read it."""

from __future__ import annotations

import json
import socket
import uuid
from pathlib import Path

import pytest
from sqlmodel import Session, select

from bot.matrix import convert
from bot.matrix.demo import _login
from bot.matrix.synapse import free_port, synapse_python
from commands.events import Unreadable
from storage.models import BotMessage
from tests.conftest import Chat


def test_a_port_left_in_time_wait_is_free_again():
    """A homeserver just stopped leaves its port with connections in TIME_WAIT: the probe binds
    as the server does (SO_REUSEADDR), so the port does not move at the next start."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    client = socket.create_connection(("127.0.0.1", port))
    served, _ = listener.accept()
    served.close()  # the server side closes first: its end waits in TIME_WAIT
    client.close()
    listener.close()
    plain = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(OSError):
            plain.bind(("127.0.0.1", port))  # what the probe used to see
    finally:
        plain.close()
    assert free_port(port) == port


def test_an_encrypted_message_is_unreadable_for_a_reason():
    room = convert.RoomState("!r:x")
    raw = {
        "type": "m.room.encrypted",
        "event_id": "$e",
        "sender": "@bob:x",
        "origin_server_ts": 1_700_000_000_000,
        "content": {
            "algorithm": "m.megolm.v1.aes-sha2",
            "ciphertext": "…",
            "m.relates_to": {"rel_type": "m.thread", "event_id": "$root"},
        },
    }
    off = convert.to_neutral(raw, room, bot_user_id="@bot:x", admin_level=50)
    on = convert.to_neutral(raw, room, bot_user_id="@bot:x", admin_level=50, encryption=True)
    assert isinstance(off, Unreadable) and isinstance(on, Unreadable)
    assert (off.reason, on.reason, off.thread_id) == ("encryption_off", "no_key", "$root")


async def test_the_room_is_told_once_why_it_gets_no_answer(chat: Chat):
    def unreadable(reason: str) -> Unreadable:
        return Unreadable(
            event_id=f"${uuid.uuid4().hex}",
            room_id="coroutine",
            sender="@bob",
            reason=reason,
            platform="console",
        )

    for event in (unreadable("encryption_off"), unreadable("encryption_off")):
        await chat.runtime.handle(event)
    await chat.runtime.handle(unreadable("no_key"))
    await chat.runtime.flush()
    with Session(chat.runtime.engine) as db:
        said = db.exec(select(BotMessage).order_by(BotMessage.id)).all()
    assert [m.body.split(":")[0] for m in said] == [
        "🔒 Ce salon est chiffré et je tourne sans le chiffrement ",
        "🔒 Je n'ai pas pu déchiffrer ce message ",
    ]
    assert said[0].reply_to is not None  # a reply to the message it could not read


@pytest.mark.synapse
@pytest.mark.skipif(synapse_python() is None, reason="matrix-synapse not installed (./dev)")
def test_the_demo_keeps_its_port_adds_people_and_can_outlive_the_bot(tmp_path: Path):
    from bot.matrix import demo

    data = tmp_path / "data"
    (data / "synapse").mkdir(parents=True)
    port = free_port()
    (data / "synapse" / "demo.json").write_text(json.dumps({"port": port}))
    first, settings = demo.prepare(str(data))
    try:
        assert first.owned and first.server.port == port
        assert settings.encryption == demo.encryption_available()
        banner = demo.instructions(first)
        assert "./dev run demo add-user bob" in banner
        assert "administre ce serveur privé (et lui seul)" in banner
        # found running (``cagnotte demo server``): used, and left running
        found = demo.open_demo(str(data))
        assert not found.owned and found.server.base_url == first.server.base_url
        user, password = demo.add_user(found, "bob")
        assert user == "@bob:localhost"
        assert demo.add_user(found, "bob") == (user, password)  # the same, told again
        with pytest.raises(ValueError):
            demo.add_user(found, "demo")
        found.stop()  # not its own: nothing stops
        assert first.server.proc is not None and first.server.proc.poll() is None
        members = first.server._http(
            "GET",
            f"/_matrix/client/v3/rooms/{first.state['room_id']}/joined_members",
            token=_login(first.server, "bob", password),
        )
        assert "@bob:localhost" in members["joined"]
    finally:
        first.stop()
    again, _ = demo.prepare(str(data))
    try:
        assert again.owned and again.server.port == port  # the same port after a stop
    finally:
        again.stop()
