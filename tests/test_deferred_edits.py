"""An answer that edits many of the bot's messages is worded after the transaction
(``commands.deferred.defer_edits``): closing a round writes a placeholder for each card's edit
and for its answer, in that order; none of them leaves before the render fills them in; a
render that fails sends no edit and answers with a reference."""

from __future__ import annotations

import types

import pytest
from sqlmodel import Session, col, select

from bot.render import render_pending_now
from bot.runtime import Runtime
from commands import build_registry
from commands.cobudget import CLOSE_ANSWER
from commands.deferred import Rendered, RenderScope
from storage.db import make_engine, sqlite_url
from storage.models import BotMessage, RenderJob
from tests.test_cobudget_statements import ROOM, _world


@pytest.fixture
def room(db_path):
    engine = make_engine(sqlite_url(db_path))
    yield _world(engine, people=3, buckets=3)
    engine.dispose()


def _rows(room, event_id: str) -> list[BotMessage]:
    with Session(room.engine) as db:
        return list(
            db.exec(
                select(BotMessage)
                .where(BotMessage.cause_event_id == event_id)
                .order_by(col(BotMessage.id))
            ).all()
        )


def _deliverable(room) -> list[int]:
    """The ids the runtime would deliver now, in order."""
    loader = types.SimpleNamespace(engine=room.engine, _platforms={}, _lanes={})
    pending, _more = Runtime._load_pending(loader, ROOM)  # type: ignore[arg-type]
    return [p.outgoing.id for p in pending]


def _close(room) -> str:
    closing = room.msg("admin", "!tour fermer", admin=True)
    room.handle(closing)
    return closing.event_id


def test_the_cards_then_the_answer_wait_for_their_render(room):
    event_id = _close(room)
    rows = _rows(room, event_id)
    assert [r.kind for r in rows] == ["edit", "edit", "edit", "text"]
    assert all(r.body == "" for r in rows)  # placeholders: nothing worded in the transaction
    assert _deliverable(room) == []  # none of them leaves before the render
    render_pending_now(room.engine)
    rows = _rows(room, event_id)
    assert _deliverable(room) == [r.id for r in rows]  # the cards, then the answer
    assert all("Objectif non atteint" in r.body for r in rows[:3])
    assert "Printemps" in rows[-1].body
    with Session(room.engine) as db:
        assert db.exec(select(RenderJob)).all() == []


def test_a_failed_render_sends_no_edit_and_answers_with_a_reference(room):
    registry = build_registry()

    def broken(scope: RenderScope) -> Rendered:
        raise RuntimeError("rendering bug")

    registry.renderers[CLOSE_ANSWER] = broken
    event_id = _close(room)
    render_pending_now(room.engine, registry)
    rows = _rows(room, event_id)
    assert all(r.sent_at is not None for r in rows if r.kind == "edit")  # never sent
    assert _deliverable(room) == [rows[-1].id]
    said = rows[-1].body
    # the round was closed (committed before rendering): the answer must not say otherwise
    assert "erreur" in said.lower() and "rien n'a été enregistré" not in said
    assert "bien enregistré" in said and "inutile de la renvoyer" in said


def test_an_allocation_to_everyone_is_worded_after_the_transaction(room):
    allocating = room.msg("admin", "!allouer tous 1€", admin=True)
    room.handle(allocating)
    (answer,) = _rows(room, allocating.event_id)
    assert answer.body == ""
    assert _deliverable(room) == []
    render_pending_now(room.engine)
    (answer,) = _rows(room, allocating.event_id)
    assert "P1" in answer.body and _deliverable(room) == [answer.id]


def test_a_long_allocation_table_follows_as_a_file(db_path):
    engine = make_engine(sqlite_url(db_path))
    try:
        room = _world(engine, people=30, buckets=1)
        allocating = room.msg("admin", "!allouer tous 1€", admin=True)
        room.handle(allocating)
        assert _deliverable(room) == []
        render_pending_now(engine)
        text, file = _rows(room, allocating.event_id)
        assert text.kind == "text" and "P1" in text.body
        assert file.kind == "file" and file.file_name == "allocations-1.csv"
        assert file.data is not None and b"P29" in file.data
        assert _deliverable(room) == [text.id, file.id]
    finally:
        engine.dispose()
