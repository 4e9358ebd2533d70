"""The dispatcher's rules of trust: one event never stops the others, only a message's sender
edits it, only its sender or an admin undoes it by removing it, and no code reads the wall clock.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from pathlib import Path

import pytest
from sqlmodel import Session, select

from commands import build_registry
from commands.core import Context, Dispatcher, Queued, Settings, error_reference
from commands.events import Message, Redacted, Role
from storage.models import BotMessage, ChatEvent, Contribution

NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)
ROOT = Path(__file__).resolve().parent.parent


def msg(
    event_id: str, body: str, sender: str = "@alice", role: Role = Role.MEMBER, **kw
) -> Message:
    return Message(
        event_id=event_id,
        room_id="!r",
        sender=sender,
        body=body,
        role=role,
        timestamp=NOW,
        platform="console",
        **kw,
    )


def texts(sent: list[Queued]) -> list[str]:
    return [q.body for q in sent]


def contributions(engine) -> list[tuple[str, int]]:
    with Session(engine) as db:
        rows = db.exec(select(Contribution).order_by(Contribution.id)).all()
        return [(c.user_id, c.minutes) for c in rows]


def outcome(engine, event_id: str) -> str | None:
    with Session(engine) as db:
        row = db.get(ChatEvent, event_id)
        return row.command if row else None


@pytest.fixture
def dispatcher(engine) -> Dispatcher:
    return Dispatcher(engine, build_registry(), Settings(), clock=lambda: NOW)


# -- one event never stops the others ----------------------------------------------------------


def test_a_handler_that_raises_rolls_back_its_event_alone(engine, caplog):
    registry = build_registry()

    @registry.command("panne", family="contrib", hidden=True)
    def broken(ctx: Context, _args: str) -> None:
        ctx.reply("à moitié")
        raise RuntimeError("boom")

    d = Dispatcher(engine, registry, Settings(), clock=lambda: NOW)
    with caplog.at_level(logging.ERROR):
        sent = d.handle_batch(
            [msg("$1", "!contrib 1h avant"), msg("$2", "!panne"), msg("$3", "!contrib 2h après")]
        )
    answers = texts(sent)
    ref = error_reference("$2")
    assert len(answers) == 3
    assert "Contribution #1" in answers[0] and "Contribution #2" in answers[2]
    assert "erreur interne" in answers[1] and ref in answers[1]
    assert "à moitié" not in " ".join(answers)
    assert ref in caplog.text
    assert contributions(engine) == [("@alice", 60), ("@alice", 120)]
    assert outcome(engine, "$2") == "crash"
    # handled: a replay of the same batch changes and says nothing
    assert d.handle_batch([msg("$1", "!contrib 1h"), msg("$2", "!panne")]) == []


def test_what_a_failing_event_wrote_is_rolled_back_in_a_warm_batch(engine):
    """Events after the first of a batch find the room, the projects and the session's
    connection already at hand: what one of them writes before it raises is still undone."""
    registry = build_registry()

    @registry.command("panne", family="contrib", hidden=True)
    def broken(ctx: Context, _args: str) -> None:
        ctx.reply("à moitié")  # written to the outbox at once
        raise RuntimeError("boom")

    d = Dispatcher(engine, registry, Settings(), clock=lambda: NOW)
    d.handle_batch([msg("$0", "!contrib 1h")])
    sent = d.handle_batch(
        [msg("$1", "!contrib 1h avant"), msg("$2", "!panne"), msg("$3", "!contrib 2h après")]
    )
    assert "erreur interne" in texts(sent)[1]
    with Session(engine) as db:
        bodies = [m.body for m in db.exec(select(BotMessage)).all()]
    assert len(bodies) == 4 and not any("à moitié" in b for b in bodies)
    assert contributions(engine) == [("@alice", 60), ("@alice", 60), ("@alice", 120)]


def test_an_answer_that_cannot_be_worded_is_contained(engine):
    registry = build_registry()

    @registry.command("mal", family="contrib", hidden=True)
    def badly_worded(ctx: Context, _args: str) -> None:
        from commands.core import UserError

        raise UserError("core.too_long", wrong=1)  # its template needs {limit}: wording raises

    d = Dispatcher(engine, registry, Settings(), clock=lambda: NOW)
    sent = d.handle_batch([msg("$1", "!mal"), msg("$2", "!contrib 1h")])
    assert "erreur interne" in sent[0].body and "Contribution #1" in sent[1].body
    assert outcome(engine, "$1") == "crash"


def test_an_admin_typo_in_the_language_is_a_plain_refusal(dispatcher):
    answer = texts(dispatcher.handle(msg("$1", "!langue xx", role=Role.ADMIN)))
    assert len(answer) == 1 and "xx" in answer[0] and "erreur interne" not in answer[0]
    assert "fr" in answer[0] and "en" in answer[0]
    shown = texts(dispatcher.handle(msg("$2", "!langue")))
    assert "erreur interne" not in shown[0]


# -- edits: only the sender of a message changes it ----------------------------------------------


def test_an_edit_by_someone_else_changes_nothing(dispatcher, engine):
    dispatcher.handle(msg("$c", "!contrib 3h atelier", sender="@demo"))
    forged = msg("$e", "!contrib 9h atelier", sender="@bob", edit_of="$c", edit_of_sender="@bob")
    assert dispatcher.handle(forged) == []
    assert contributions(engine) == [("@demo", 180)]
    assert outcome(engine, "$e") == "forged"
    # into plain text, by an admin who did not send it: nothing is undone either
    forged_text = msg("$f", "rien", sender="@root", role=Role.ADMIN, edit_of="$c")
    assert dispatcher.handle(forged_text) == []
    assert contributions(engine) == [("@demo", 180)]
    # the sender's own edit still works
    own = msg("$g", "!contrib 4h atelier", sender="@demo", edit_of="$c", edit_of_sender="@demo")
    assert "mise à jour" in dispatcher.handle(own)[0].body
    assert contributions(engine) == [("@demo", 240)]


def test_an_edit_of_an_unknown_message_is_trusted_only_from_its_sender(dispatcher, engine):
    # a plain message ($p, by alice) edited into a command: the adapter says who sent $p
    assert dispatcher.handle(msg("$e1", "!contrib 2h", sender="@bob", edit_of="$p")) == []
    assert (
        dispatcher.handle(
            msg("$e2", "!contrib 2h", sender="@bob", edit_of="$p", edit_of_sender="@alice")
        )
        == []
    )
    assert contributions(engine) == []
    sent = dispatcher.handle(msg("$e3", "!contrib 2h", edit_of="$p", edit_of_sender="@alice"))
    assert "Contribution #1" in sent[0].body
    # from then on the message is known as alice's: bob's edit is refused without any hint
    assert (
        dispatcher.handle(
            msg("$e4", "!contrib 8h", sender="@bob", edit_of="$p", edit_of_sender="@alice")
        )
        == []
    )
    assert contributions(engine) == [("@alice", 120)]
    # and its removal by bob undoes nothing
    dispatcher.handle(
        Redacted(
            platform="console", event_id="$x", room_id="!r", sender="@bob", target_event_id="$p"
        )
    )
    assert contributions(engine) == [("@alice", 120)]


def test_editing_plain_text_stores_and_answers_nothing(dispatcher, engine):
    long_text = "bla " * 5000
    assert dispatcher.handle(msg("$e", long_text, edit_of="$plain", edit_of_sender="@alice")) == []
    assert outcome(engine, "$e") is None


# -- removals: its sender or an admin ------------------------------------------------------------


def test_a_moderator_cannot_undo_someone_elses_command(dispatcher, engine):
    dispatcher.handle(msg("$c", "!contrib 3h atelier", sender="@demo"))
    sent = dispatcher.handle(
        Redacted(
            platform="console",
            event_id="$r",
            room_id="!r",
            sender="@mod",
            role=Role.MODERATOR,
            target_event_id="$c",
        )
    )
    assert contributions(engine) == [("@demo", 180)]
    assert len(sent) == 1 and "rien n'est annulé" in sent[0].body
    # an admin can, and so can the sender
    sent = dispatcher.handle(
        Redacted(
            platform="console",
            event_id="$r2",
            room_id="!r",
            sender="@root",
            role=Role.ADMIN,
            target_event_id="$c",
        )
    )
    assert contributions(engine) == []


def test_removing_someone_elses_read_only_command_says_nothing(dispatcher):
    dispatcher.handle(msg("$q", "!contribs", sender="@demo"))
    sent = dispatcher.handle(
        Redacted(
            platform="console",
            event_id="$r",
            room_id="!r",
            sender="@mod",
            role=Role.MODERATOR,
            target_event_id="$q",
        )
    )
    assert sent == []


# -- one clock -------------------------------------------------------------------------------------

WALL_CLOCK = re.compile(
    r"datetime\.now\(|datetime\.utcnow\(|date\.today\(|\butcnow\(|time\.time\(|time\.monotonic\("
)


def test_no_code_in_commands_or_storage_reads_the_wall_clock():
    found = [
        f"{path.relative_to(ROOT)}:{n}: {line.strip()}"
        for folder in ("commands", "storage")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if WALL_CLOCK.search(line)
    ]
    assert found == []


def test_handlers_and_column_defaults_use_the_injected_clock(dispatcher, engine):
    dispatcher.handle(msg("$c", "!contrib 1h"))
    with Session(engine) as db:
        row = db.exec(select(Contribution)).one()
        event = db.get(ChatEvent, "$c")
    assert row.day == dt.date(2026, 11, 26)
    assert row.created_at.replace(tzinfo=dt.UTC) == NOW
    assert event is not None and event.handled_at.replace(tzinfo=dt.UTC) == NOW
