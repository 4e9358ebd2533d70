"""The neutral interface between the core and the chat adapters: what the bot says is one typed
variant per kind (stored in the outbox as it always was, so rows written before an upgrade are
still delivered), adapters see a narrow host and keep their own positions in a table of their
own, and none of them reads the dispatcher's tables."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from bot.adapters.base import (
    VARIANTS,
    Direct,
    Edit,
    File,
    Outgoing,
    Reaction,
    Redaction,
    Text,
    UnknownKind,
    from_row,
    to_row,
)
from bot.runtime import Runtime
from commands import build_registry
from commands.core import Settings
from storage import cursors
from storage.db import make_engine, migrate, sqlite_url
from storage.models import AdapterCursor, BotMessage, Room

ROOT = Path(__file__).resolve().parent.parent
NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)

ONE_OF_EACH: list[Outgoing] = [
    Text(
        id=1,
        room_id="r",
        body="**Contribution #1**",
        html="<b>Contribution #1</b>",
        reply_to="$cmd",
        thread_id="$root",
        mentions=("@bob",),
    ),
    File(
        id=2,
        room_id="r",
        body="3 lignes",
        reply_to="$cmd",
        file_name="export.csv",
        mime="text/csv",
        data=b"a;b\n",
    ),
    Edit(id=3, room_id="r", body="carte v2", html="<p>carte v2</p>"),
    Direct(id=4, room_id="r", body="ton lien", recipient="@bob"),
    Reaction(id=5, room_id="r", target_event="$cmd", reaction_key="✅"),
    Redaction(id=6, room_id="r", target_event="$old"),
]


def test_every_kind_has_a_variant_and_each_is_tested_here():
    assert {type(item) for item in ONE_OF_EACH} == set(VARIANTS)
    assert len({v.kind for v in VARIANTS}) == len(VARIANTS)


@pytest.mark.parametrize("item", ONE_OF_EACH, ids=lambda i: i.kind)
def test_each_variant_survives_the_outbox(item: Outgoing):
    """What the outbox stores is read back as the same item (an edit gets its target's platform
    id from the row it edits, once delivered)."""
    row = {"id": item.id, "room_id": item.room_id, **to_row(item)}
    target = "$mine" if isinstance(item, Edit) else None
    back = from_row(row, target)
    expected = dataclasses.replace(item, target_platform_id="$mine") if target else item
    assert back == expected


def test_the_variants_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ONE_OF_EACH[0].body = "autre"  # type: ignore[misc]


def test_an_unknown_kind_cannot_be_read():
    with pytest.raises(UnknownKind):
        from_row({"id": 9, "room_id": "r", "kind": "sticker", "body": "?"})


# what the code before the typed variants wrote to the outbox, one row of each kind it used
OLD_ROWS: list[dict[str, Any]] = [
    {"kind": "text", "body": "Contribution #1", "reply_to": "$c1", "mentions": ["@bob"]},
    {"kind": "file", "body": "export", "file_name": "a.csv", "mime": "text/csv", "data": b"x"},
    {"kind": "direct", "body": "en privé", "recipient": "@bob"},
    {"kind": "react", "reaction_key": "✅", "target_event": "$c1"},
    {"kind": "edit", "body": "carte v2", "target_id": 1},
    {"kind": "gif", "body": "an unknown kind: given up, never posted as text"},
]


class Recorder:
    platform = "console"

    def __init__(self) -> None:
        self.delivered: list[Outgoing] = []

    async def run(self, host: Any) -> None:  # pragma: no cover - not used
        return None

    async def deliver(self, item: Outgoing) -> str | None:
        self.delivered.append(item)
        return f"sent-{item.id}"

    async def close(self) -> None:
        return None


async def test_rows_written_before_the_upgrade_are_delivered(engine, clock):
    with Session(engine) as db:
        db.add(Room(id="r", platform="console"))
        for values in OLD_ROWS:
            db.add(BotMessage(room_id="r", created_at=NOW, **values))
        db.commit()
    runtime = Runtime(engine, build_registry(), Settings(), clock=clock)
    adapter = Recorder()
    runtime.add_adapter(adapter)
    try:
        await runtime.resume_pending()
        await runtime.flush()
    finally:
        await runtime.close()
    assert [type(i) for i in adapter.delivered] == [Text, File, Direct, Reaction, Edit]
    text, file, direct, reaction, edit = adapter.delivered
    assert isinstance(text, Text) and (text.reply_to, text.mentions) == ("$c1", ("@bob",))
    assert isinstance(file, File) and (file.file_name, file.data) == ("a.csv", b"x")
    assert isinstance(direct, Direct) and direct.recipient == "@bob"
    assert isinstance(reaction, Reaction) and reaction.target_event == "$c1"
    assert isinstance(edit, Edit) and edit.target_platform_id == f"sent-{text.id}"
    with Session(engine) as db:
        unsent = db.exec(select(BotMessage).where(BotMessage.sent_at == None)).all()  # noqa: E711
        assert unsent == []  # the unknown kind was given up, not retried forever


# -- the adapters' own table -----------------------------------------------------------------


def test_cursors_are_kept_per_platform_and_forgotten(engine):
    with Session(engine) as db:
        cursors.write(db, "mattermost", "channel:a", "10")
        cursors.write(db, "mattermost", "reaction:p:u:e", "p:u:e:5")
        cursors.write(db, "matrix", "channel:a", "other")
        db.commit()
        assert cursors.read(db, "mattermost", "channel:") == {"channel:a": "10"}
        cursors.write(db, "mattermost", "channel:a", "12")
        cursors.write(db, "mattermost", "reaction:p:u:e", None)
        db.commit()
        assert cursors.read(db, "mattermost") == {"channel:a": "12"}
        assert cursors.read(db, "matrix") == {"channel:a": "other"}


def test_migration_moves_what_the_mattermost_adapter_kept(tmp_path):
    """The read positions of 0006 and the reactions the adapter looked up among the handled
    events become its own keys; the reactions of other platforms' rooms stay out."""
    engine = make_engine(sqlite_url(tmp_path / "old.db"))
    migrate(engine, "0015")
    stamp = NOW.replace(tzinfo=None)
    with engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO mattermostcursor (channel_id, last_post_at, updated_at) "
                "VALUES ('chan1', 1700000000123, :at)"
            ),
            {"at": stamp},
        )
        rooms = [("chan1", "mattermost", 50), ("!m:x", "matrix", 75)]
        for room_id, platform, level in rooms:
            conn.execute(
                sa.text(
                    "INSERT INTO room (id, platform, name, language, timezone, currency, "
                    "day_minutes, max_entry_minutes, admin_level, max_past_days, created_at) "
                    "VALUES (:id, :p, '', 'fr', 'Europe/Paris', 'EUR', 420, 1440, :level, 365, :at)"
                ),
                {"id": room_id, "p": platform, "level": level, "at": stamp},
            )
        events = [
            ("post1:user1:heart:100", "chan1", "ReactionAdded", 1),
            ("post1:user1:heart:200", "chan1", "ReactionAdded", 2),  # put back later: the latest
            ("post2:user1:+1:300", "chan1", "ReactionAdded", 3),
            ("post2:user1:+1:300:removed", "chan1", "Redacted", 4),
            ("$matrix-reaction", "!m:x", "ReactionAdded", 5),
        ]
        for event_id, room_id, kind, minute in events:
            conn.execute(
                sa.text(
                    "INSERT INTO chatevent (event_id, room_id, kind, sender, command, "
                    "handled_at) VALUES (:e, :r, :k, '@u', '', :at)"
                ),
                {
                    "e": event_id,
                    "r": room_id,
                    "k": kind,
                    "at": stamp + dt.timedelta(minutes=minute),
                },
            )
    migrate(engine)
    with Session(engine) as db:
        found = {(c.platform, c.key): c.value for c in db.exec(select(AdapterCursor))}
    engine.dispose()
    assert found == {
        ("mattermost", "channel:chan1"): "1700000000123",
        ("mattermost", "reaction:post1:user1:heart"): "post1:user1:heart:200",
        ("mattermost", "reaction:post2:user1:+1"): "post2:user1:+1:300",
        ("matrix", "admin_level:chan1"): "50",
        ("matrix", "admin_level:!m:x"): "75",
    }


# -- what adapters may import ------------------------------------------------------------------

ADAPTERS = ("bot/adapters", "bot/matrix", "bot/mattermost")
CORE_TABLES = {"ChatEvent", "Room"}


def _imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("storage"):
            names.update(alias.name for alias in node.names)
    return names


def test_adapters_do_not_read_the_dispatchers_tables():
    """Rooms and handled events belong to the core: an adapter gets what it needs through its
    host (``bot.adapters.base.Host``, implemented by ``bot.runtime``)."""
    offenders = {
        str(path.relative_to(ROOT)): sorted(_imported_names(path) & CORE_TABLES)
        for folder in ADAPTERS
        for path in sorted((ROOT / folder).rglob("*.py"))
        if _imported_names(path) & CORE_TABLES
    }
    assert offenders == {}
