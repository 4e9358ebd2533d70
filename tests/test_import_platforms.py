"""A file sent with ``!importer`` reaches the command on every platform: Mattermost (the post's
``file_ids``, fetched from the server), Matrix (an ``m.file`` with a caption, from the media API,
in clear and encrypted rooms: see the e2e test), and the console (``/fichier``)."""

from __future__ import annotations

from sqlmodel import Session, select

from bot.matrix import convert
from commands.events import Message
from storage.models import Contribution
from tests.mm_harness import mattermost_world, until
from tests.test_import import SHEET


async def test_mattermost_hands_the_file_of_a_command_to_the_bot(runtime, engine):
    async with mattermost_world(runtime) as mm:
        await mm.start()
        await mm.say("alice", '!projet ajouter KPA "KPA"')
        await mm.say("bob", "!contrib 1h essai")
        await mm.say("chloe", "!solde")
        before = len(mm.fake.posts_by(mm.bot))
        post = await mm.fake.user_post_file(
            mm.uid("alice"),
            mm.channel,
            "!importer",
            "heures.csv",
            SHEET.replace("carol", "chloe").encode(),
            "text/csv",
        )
        adapter = mm.adapter
        assert adapter is not None
        await until(lambda: post["id"] in adapter.handled, what="the import command")
        await runtime.flush()
        preview = mm.fake.posts_by(mm.bot)[before]
        assert "4 lignes à importer" in preview["message"], preview["message"]
        # alice confirms with ✅ (white_check_mark on Mattermost)
        preview_short = mm._short("b", preview["id"])
        answers = await mm.react("alice", preview_short, "white_check_mark")
        assert any("Import fait : 4" in a for a in answers), answers
        with Session(engine) as db:
            imported = db.exec(
                select(Contribution).where(Contribution.event_id.startswith("import:"))  # type: ignore[union-attr]
            ).all()
        assert len(imported) == 4
        # a post with a file that is not a command: nothing fetched, nothing answered
        requests = len(mm.fake.requests)
        photo = await mm.fake.user_post_file(
            mm.uid("bob"), mm.channel, "voici la photo", "photo.png", b"\x89PNG", "image/png"
        )
        await until(lambda: photo["id"] in adapter.handled, what="the photo")
        assert not any(
            path.startswith("/api/v4/files/") for _m, path, _b in mm.fake.requests[requests:]
        )


def test_a_matrix_file_message_with_a_caption_is_a_command_with_a_file():
    room = convert.RoomState("!r:x")
    raw = {
        "event_id": "$f",
        "sender": "@alice:x",
        "type": "m.room.message",
        "origin_server_ts": 1,
        "content": {
            "msgtype": "m.file",
            "body": "!importer",
            "filename": "heures.csv",
            "url": "mxc://x/abc",
            "info": {"mimetype": "text/csv", "size": 120},
        },
    }
    event = convert.to_neutral(raw, room, bot_user_id="@bot:x", admin_level=50)
    assert isinstance(event, Message)
    assert event.body == "!importer"
    assert [(f.name, f.mime, f.size, f.data) for f in event.files] == [
        ("heures.csv", "text/csv", 120, None)
    ]
    assert convert.file_source(raw["content"]) == ("mxc://x/abc", None)
    # without a caption, the body is the file's name: not a command
    raw["content"] = {"msgtype": "m.file", "body": "heures.csv", "url": "mxc://x/abc"}
    event = convert.to_neutral(raw, room, bot_user_id="@bot:x", admin_level=50)
    assert isinstance(event, Message) and event.body == "" and event.files[0].name == "heures.csv"
    # an encrypted file says where its keys are
    keys = {"url": "mxc://x/enc", "key": {"k": "K"}, "iv": "I", "hashes": {"sha256": "H"}}
    assert convert.file_source({"file": keys}) == ("mxc://x/enc", keys)


async def test_an_encrypted_matrix_file_is_decrypted(tmp_path):
    from nio.crypto.attachments import encrypt_attachment

    from bot.adapters.matrix import MatrixAdapter
    from bot.matrix.settings import MatrixSettings
    from commands.events import Attachment

    data = SHEET.encode()
    cipher, keys = encrypt_attachment(data)
    adapter = MatrixAdapter(
        MatrixSettings(
            homeserver="http://127.0.0.1:9",
            user_id="@bot:x",
            password="x",
            store_path=str(tmp_path / "store"),
        )
    )

    async def download(server: str, media_id: str) -> bytes:
        assert (server, media_id) == ("x", "enc")
        return cipher

    adapter._download = download  # type: ignore[method-assign]
    content = {"file": {**keys, "url": "mxc://x/enc"}}
    found = await adapter._file_bytes(content, Attachment(name="h.csv", size=len(data)))
    assert found == data
    wrong = {"file": {**keys, "url": "mxc://x/enc", "iv": keys["iv"][::-1]}}
    assert await adapter._file_bytes(wrong, Attachment(name="h.csv")) != data
    assert await adapter._file_bytes(content, Attachment(name="h.csv", size=10**9)) is None
    await adapter.close()
