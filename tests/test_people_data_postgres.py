"""People's data on the real PostgreSQL the suite starts: !mesdonnees, !oubliemoi, !importer,
and the command line's import, forget, check, backup and restore."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from bot.adapters.console import ConsoleAdapter
from bot.runtime import Runtime
from commands import build_registry
from commands.core import Settings
from storage.db import open_database
from tests.conftest import Chat, Clock, assert_ledger_sound
from tests.ledger import all_text, figures
from tests.test_data_cli import cli
from tests.test_import import SHEET, send, write
from tests.test_moi import rows_of, two_rooms
from tests.test_people_data import a_room_with_zoe, norm, tick

pytestmark = pytest.mark.postgres


@pytest.fixture
async def pg_chat(postgres_engine: Engine, tmp_path: Path) -> AsyncIterator[Chat]:
    runtime = Runtime(postgres_engine, build_registry(), Settings(), clock=Clock())
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


def url_of(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


async def test_my_statement_on_postgresql(pg_chat):
    await two_rooms(pg_chat)
    [text] = await pg_chat.say("zoe", "!moi", room="dm-zoe")
    assert "2 salons, 6h de contributions, 87,50 € reçus." in norm(text)
    [sent] = await pg_chat.said("zoe", "!moi csv 2026", room="dm-zoe")
    assert [(r[2], r[9], r[13]) for r in rows_of(sent.data)[1:]] == [
        ("atelier", "2026-11-26", "20,00"),
        ("coroutine", "2026-11-26", "67,50"),
    ]


async def test_my_data_and_forget_me_on_postgresql(pg_chat, postgres_engine):
    chat = pg_chat
    await a_room_with_zoe(chat)
    said = await chat.said("zoe", "!mesdonnees", room="dm-zoe")
    doc = json.loads(said[0].data)
    assert [c["minutes"] for c in doc["contributions"]] == [180, 120]
    before = figures(postgres_engine, lambda u: "forgotten:1" if u == "@zoe" else u)
    offer = (await chat.said("zoe", "!oubliemoi"))[0]
    await chat.react("zoe", offer.short_id, "✅")
    await tick(chat.runtime)
    assert any("Ancien membre 1" in norm(s.text) for s in chat.bot_messages)
    assert figures(postgres_engine) == before
    text = all_text(postgres_engine)
    for trace in ("@zoe", "Zoe", "Capucine", "Berthe", "Roubaix"):
        assert trace not in text, trace


async def test_import_in_chat_on_postgresql(pg_chat, postgres_engine, tmp_path):
    chat = pg_chat
    await chat.say("alice", '!projet ajouter KPA "KPA-Cités"')
    await chat.join("bob")
    await chat.join("carol")
    said = await send(chat, "alice", write(tmp_path, "heures.csv", SHEET))
    assert "4 lignes à importer" in norm(said[0].text)
    answers = await chat.react("alice", said[0].short_id, "✅")
    assert any("Import fait : 4" in norm(a) for a in answers)
    said = await send(chat, "alice", write(tmp_path, "heures.csv", SHEET))
    assert "4 lignes déjà importées" in norm(said[0].text)


async def test_the_command_line_on_postgresql(
    pg_chat, postgres_engine, postgres_server, tmp_path, capsys
):
    chat = pg_chat
    await a_room_with_zoe(chat)
    await chat.runtime.flush()
    url = url_of(postgres_engine)
    sheet = write(tmp_path, "h.csv", "date;personne;heures;projet\n13/11/2026;bob;2;KPA\n")
    assert cli("import", "contributions", str(sheet), "--room", "coroutine", "--db", url) == 0
    assert (
        cli("import", "contributions", str(sheet), "--room", "coroutine", "--db", url, "--apply")
        == 0
    )
    assert "imported 1 row(s)" in capsys.readouterr().out
    assert cli("check", "--db", url) == 0
    saved = tmp_path / "saves" / "pg.dump"
    assert cli("backup", str(saved), "--db", url) == 0
    assert saved.stat().st_mode & 0o077 == 0
    before = figures(postgres_engine)
    assert cli("forget", "@zoe", "--db", url, "--apply") == 0
    assert "@zoe" not in all_text(postgres_engine)
    fresh = postgres_server.new_database(f"r{uuid.uuid4().hex[:12]}")
    assert cli("restore", str(saved), "--db", fresh) == 0
    assert "every invariant holds" in capsys.readouterr().out
    restored = open_database(fresh)
    try:
        assert figures(restored) == before
        assert_ledger_sound(restored)
    finally:
        restored.dispose()
    assert cli("restore", str(saved), "--db", fresh) == 1
    assert "holds data" in capsys.readouterr().err
