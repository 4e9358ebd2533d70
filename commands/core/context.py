"""What a handler gets: who, where, which event, the room's settings, a way to answer (the
outbox) and the audit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import insert
from sqlmodel import Session, select

from commands.core.errors import UserError
from commands.core.outbox import _OUTBOX_DEFAULTS, ANSWERS, Queued, insert_one, insert_rows
from commands.core.registry import Registry, split_command
from commands.core.settings import Settings
from commands.core.texts import RoomTexts
from commands.events import AnyEvent, Message, ReactionAdded, Redacted, Role, Unreadable
from commands.render import Rich, plain
from storage import clock
from storage.db import connection_of
from storage.models import Audit, BotMessage, ChatEvent, Room
from storage.prepared import Prepared

_INSERT_AUDIT = Prepared.whole_rows(insert(Audit.__table__))  # type: ignore[attr-defined]


class Context(RoomTexts):
    """What a handler gets: who, where, which event, the room's settings, a way to answer.

    Everything goes through ``db`` (one transaction). Answers are ``BotMessage`` rows.
    """

    def __init__(
        self,
        db: Session,
        event: AnyEvent,
        room: Room,
        settings: Settings,
        now: dt.datetime | None = None,
        registry: Registry | None = None,
        *,
        chat_event: bool = True,
    ) -> None:
        self.db = db
        self.registry = registry or Registry()
        self.event = event
        self.room = room
        self.settings = settings
        self.now = now or clock.now()
        self.sent: list[Queued] = []
        self.audits: list[dict[str, Any]] = []  # not written yet (``flush_audits``)
        # False for what the bot does on its own (a deadline): its messages answer no one
        self.chat_event = chat_event
        self._anchor: tuple[str | None, str | None] | None = None
        self.undoing = False  # an edit into plain text undoing its message
        # the bot's message a reaction was put on, once the dispatcher has read it
        self.reaction_target: BotMessage | None = None
        # what a handler read ahead, with what it loaded in the same query, for a later step
        # of the same event (``read_ahead``)
        self._ahead: dict[Any, Any] = {}

    def keep_ahead(self, key: Any, value: Any) -> None:
        """Remember ``value``, read along with something else, for ``read_ahead``."""
        self._ahead[key] = value

    def read_ahead(self, key: Any) -> Any:
        """What ``keep_ahead`` kept under ``key``, once, and only while the event has changed
        nothing yet (every change is audited: past the first audit row, read it again)."""
        value = self._ahead.pop(key, None)
        if self.audits or self.db.new or self.db.deleted or self.db.dirty:
            return None
        return value

    # -- who / where -------------------------------------------------------------------
    @property
    def sender(self) -> str:
        return self.event.sender

    @property
    def role(self) -> Role:
        return self.event.role

    @property
    def is_admin(self) -> bool:
        return self.event.role == Role.ADMIN

    @property
    def today(self) -> dt.date:
        """Today in the room's time zone."""
        return self.now.astimezone(self.tz).date()

    @property
    def source_event_id(self) -> str:
        """The id that objects created by this command are tied to: for an edit, the id of the
        original message, so that every later edit and a redaction find them."""
        ev = self.event
        if isinstance(ev, Message) and ev.edit_of:
            return ev.edit_of
        return ev.event_id

    @property
    def edit_of(self) -> str | None:
        ev = self.event
        return ev.edit_of if isinstance(ev, Message) else None

    # -- texts -----------------------------------------------------------------------
    def removal(self) -> str:
        """Why what a message did is being undone, as the notice that says so starts: the
        message was deleted, or edited into plain text."""
        edited = isinstance(self.event, Message) and self.event.edit_of is not None
        return self.t("core.cause.edited" if edited else "core.cause.deleted")

    def typed_command(self, words: int | None = None) -> str:
        """The command as it was typed, to name it in an answer: its prefix and word and its
        first ``words`` arguments (all of them with ``None``): ``!round open``, in the words
        of the room's language if that is what was typed. ``""`` for an event that is not a
        command."""
        ev = self.event
        parts = split_command(ev.body, self.settings.prefix) if isinstance(ev, Message) else None
        if parts is None:
            return ""
        args = parts[1].split()
        shown = " ".join([parts[0], *(args if words is None else args[:words])])
        if len(shown) > 60:
            shown = shown[:59] + "…"
        return f"{self.settings.prefix}{shown}"

    def refusal(self, err: UserError) -> str:
        """The text of a refusal; every refusal may say ``{prefix}`` (what to type instead)."""
        return self.t(err.key, **{"prefix": self.settings.prefix, **err.params})

    # -- answers ------------------------------------------------------------------------
    @property
    def anchor(self) -> tuple[str | None, str | None]:
        """Where every answer to this event goes (the outbox rule, see ``_add``): the message it
        replies to and that message's thread.

        - a command: the command (for an edit, the original message), in its thread;
        - a reaction: the message it was put on, in that message's thread;
        - a removal: where the answers to what was removed went (the deleted command, the
          message a removed reaction was on), as recorded when it was handled;
        - a join or leave, or what the bot does on its own: nowhere (``None``, ``None``)."""
        if self._anchor is None:
            self._anchor = self._find_anchor()
        return self._anchor

    def _find_anchor(self) -> tuple[str | None, str | None]:
        ev = self.event
        if not self.chat_event:
            return None, None
        if isinstance(ev, Message):
            thread = ev.thread_id
            if ev.edit_of is not None:
                original = self.db.get(ChatEvent, ev.edit_of)
                if original is not None and original.answer_to is not None:
                    thread = original.thread_id
            return self.source_event_id, thread
        if isinstance(ev, ReactionAdded):
            if self.reaction_target is not None:  # the dispatcher read it already
                return ev.target_event_id, self.reaction_target.thread_id
            target = self.db.exec(
                select(BotMessage.thread_id).where(BotMessage.platform_id == ev.target_event_id)
            ).first()
            return ev.target_event_id, target
        if isinstance(ev, Redacted):
            removed = self.db.get(ChatEvent, ev.target_event_id)
            if removed is not None and removed.answer_to is not None:
                return removed.answer_to, removed.thread_id
            return ev.target_event_id, None
        if isinstance(ev, Unreadable):
            return ev.event_id, ev.thread_id
        return None, None

    def reply(
        self,
        content: Rich | str,
        *,
        ref: tuple[str, object] | None = None,
        mentions: Iterable[str] = (),
    ) -> Queued:
        """Answer the event: a reply to the message it concerns, in its thread (``anchor``).
        ``mentions``: the people to notify, named in the text by their user id (an adapter
        shows each as the platform does: a pill, an ``@username``)."""
        rich = content if isinstance(content, Rich) else plain(content)
        return self._add(
            room_id=self.room.id,
            kind="text",
            body=rich.text,
            html=rich.html,
            mentions=list(mentions),
            ref=ref,
        )

    def edit(self, message: Queued | BotMessage, content: Rich | str) -> Queued:
        """Replace the content of one of the bot's earlier messages (a bucket card, say)."""
        rich = content if isinstance(content, Rich) else plain(content)
        return self._add(
            room_id=message.room_id,
            kind="edit",
            body=rich.text,
            html=rich.html,
            target_id=message.id,
        )

    def react(
        self, key: str, target_event: str | None = None, *, on: Queued | None = None
    ) -> Queued:
        """Put a reaction on the event (or on ``target_event``, or on the bot's own message
        ``on``, once it is delivered)."""
        if on is not None:
            return self._add(room_id=on.room_id, kind="react", reaction_key=key, target_id=on.id)
        return self._add(
            room_id=self.room.id,
            kind="react",
            reaction_key=key,
            target_event=target_event or self.event.event_id,
        )

    def direct(
        self, user_id: str, content: Rich | str, *, ref: tuple[str, object] | None = None
    ) -> Queued:
        """Write to ``user_id`` alone, in a direct conversation with the bot (the adapter opens
        one if needed; the console shows it as such)."""
        rich = content if isinstance(content, Rich) else plain(content)
        return self._add(
            room_id=self.room.id,
            kind="direct",
            body=rich.text,
            html=rich.html,
            recipient=user_id,
            ref=ref,
        )

    def send_file(
        self, name: str, mime: str, data: bytes, caption: Rich | str | None = None
    ) -> Queued:
        """Post a file (CSV export, PNG chart), as an answer to the event."""
        rich = caption if isinstance(caption, Rich) else plain(caption or name)
        return self._add(
            room_id=self.room.id,
            kind="file",
            body=rich.text,
            html=rich.html,
            file_name=name,
            mime=mime,
            data=data,
        )

    def reply_with_file(
        self, content: Rich | str, name: str, mime: str, data: bytes, caption: Rich | str
    ) -> list[Queued]:
        """``reply`` then ``send_file`` (a long table's first rows, then the whole of it as a
        file), written in one statement."""
        rich = content if isinstance(content, Rich) else plain(content)
        said = caption if isinstance(caption, Rich) else plain(caption)
        rows = [
            self._row(room_id=self.room.id, kind="text", body=rich.text, html=rich.html),
            self._row(
                room_id=self.room.id,
                kind="file",
                body=said.text,
                html=said.html,
                file_name=name,
                mime=mime,
                data=data,
            ),
        ]
        self.db.flush()  # what the messages speak of is written first
        # one text, one file: their kinds say which row is which
        return self._insert_rows(rows, "kind")

    def _insert_rows(self, rows: list[dict[str, Any]], key: str) -> list[Queued]:
        """Write ``rows`` to the outbox in one statement; ``key``, a column whose value differs
        from row to row, tells which new id is whose."""
        queued = insert_rows(self.db, rows, key)
        self.sent.extend(queued)
        return queued

    def _row(self, *, ref: tuple[str, object] | None = None, **values: Any) -> dict[str, Any]:
        """The outbox row of one outgoing message (see ``_add``)."""
        row = {**_OUTBOX_DEFAULTS, **values}
        if row["kind"] in ANSWERS:
            # the outbox rule: whatever the bot says because of an event answers that event, in
            # its place (edits of the bot's own messages and reactions keep their target)
            row["reply_to"], row["thread_id"] = self.anchor
            # nobody is notified about what they did themselves
            row["mentions"] = [m for m in dict.fromkeys(row["mentions"]) if m != self.sender]
        if ref is not None:
            row["ref_kind"], row["ref_id"] = ref[0], str(ref[1])
        row["cause_event_id"] = self.event.event_id
        row["created_at"] = self.now
        return row

    def _add(self, *, ref: tuple[str, object] | None = None, **values: Any) -> Queued:
        """Write one outgoing message to the outbox (a plain insert: the delivery reads it back;
        a card tied to an object is found again by ``ref``). Every text and file is an answer
        to the event, in its place (``anchor``), and notifies nobody of their own action."""
        row = self._row(ref=ref, **values)
        self.db.flush()  # what the message speaks of is written first
        queued = insert_one(self.db, row)
        self.sent.append(queued)
        return queued

    # -- audit ---------------------------------------------------------------------------
    def audit(self, action: str, object_kind: str, object_id: object = "", **details: Any) -> None:
        """Append one audit row for a change made by this event (audit rows are never changed
        by the code that writes them). The rows of one event are written together
        (``flush_audits``, which the dispatcher calls once the handler is done). The row is keyed by the source message (for an edit, the
        message it edits; the edit's own id is in ``details["edit"]``), so that deleting that
        message finds everything it did, whichever edit did it; an undo (even by an edit into
        plain text) is keyed by its own event."""
        # an edit into plain text undoes its message: what the undo does is its own
        key = self.event.event_id if self.undoing else self.source_event_id
        if key != self.event.event_id:
            details = {**details, "edit": self.event.event_id}
        self.audits.append(
            {
                "at": self.now,
                "room_id": self.room.id,
                "actor": self.sender,
                "action": action,
                "object_kind": object_kind,
                "object_id": str(object_id),
                "event_id": key,
                "details": _jsonable(details),
            }
        )

    def flush_audits(self) -> None:
        """Write the audit rows appended so far, in one statement."""
        if self.audits:
            rows, self.audits = self.audits, []
            _INSERT_AUDIT.execute_many(connection_of(self.db), rows)

    def edit_many(
        self, edits: list[tuple[Queued | BotMessage, Rich]], *, then: Rich | None = None
    ) -> list[Queued]:
        """``edit`` of many of the bot's earlier messages (bucket cards, say), and ``then`` said
        after them (``reply``: an answer to the event, in its place), written in one
        statement."""
        if not edits and then is None:
            return []
        assert len({message.id for message, _ in edits}) == len(edits), "one edit per message"
        self.db.flush()
        base = {**_OUTBOX_DEFAULTS, "cause_event_id": self.event.event_id, "created_at": self.now}
        rows = [
            {
                **base,
                "room_id": message.room_id,
                "kind": "edit",
                "body": content.text,
                "html": content.html,
                "target_id": message.id,
            }
            for message, content in edits
        ]
        if then is not None:
            reply_to, thread_id = self.anchor
            rows.append(
                {
                    **base,
                    "room_id": self.room.id,
                    "body": then.text,
                    "html": then.html,
                    "reply_to": reply_to,
                    "thread_id": thread_id,
                }
            )
        # one edit per message: its target says which row is which (the message said, none)
        return self._insert_rows(rows, "target_id")


_PLAIN = frozenset((str, int, bool, float, type(None)))


def _jsonable(value: Any) -> Any:
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is list or kind is tuple:
        # a list of plain values (an audit row may name thousands of them): as it is
        if all(type(v) in _PLAIN for v in value):
            return list(value)
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
