"""End to end on Synapse: a file sent with ``!importer`` as its caption is fetched by the bot
(authenticated media) and previewed; ✅ imports it."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from nio import UploadResponse
from sqlmodel import Session, select

from bot.matrix.synapse import Synapse, synapse_python
from storage.models import Contribution
from tests.matrix_helpers import InProcessBot, Person

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


async def test_a_file_with_the_import_command_is_previewed_then_imported(alice, bot):
    room = await alice.create_room([bot.user_id])
    await alice.joined(room, bot.user_id)
    sheet = f"date;personne;heures;description\n12/11/2020;{alice.user_id};2;archives\n".encode()
    upload, _ = await alice.client.upload(
        io.BytesIO(sheet), content_type="text/csv", filename="heures.csv", filesize=len(sheet)
    )
    assert isinstance(upload, UploadResponse), upload
    command = await alice.send_raw(
        room,
        {
            "msgtype": "m.file",
            "body": "!importer",
            "filename": "heures.csv",
            "url": upload.content_uri,
            "info": {"mimetype": "text/csv", "size": len(sheet)},
        },
    )
    preview = await alice.reply_to(command)
    assert "1 ligne à importer : 2h" in preview["content"]["body"], preview["content"]["body"]
    await alice.react(room, preview["event_id"], "✅")
    await alice.wait_for(
        lambda raw, _r: "Import fait : 1" in raw.get("content", {}).get("body", "")
    )
    assert bot.engine is not None
    with Session(bot.engine) as db:
        [c] = db.exec(select(Contribution)).all()
    assert (c.user_id, c.minutes, c.description) == (alice.user_id, 120, "archives")
