"""The command machinery: registry, context handed to handlers, and the dispatcher that turns a
neutral event into one database transaction (state change + audit rows + outgoing messages).

Exactly once: a handled event's id is stored in ``ChatEvent`` in the same transaction as what it
changed and what the bot answers (``BotMessage`` rows, delivered afterwards by the runtime), so
handling the same event twice changes nothing and answers nothing twice.
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import logging
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import insert, inspect
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, col, select

from commands import i18n
from commands.events import (
    AnyEvent,
    MemberChanged,
    Message,
    ReactionAdded,
    Redacted,
    Role,
    Unreadable,
)
from commands.grammar import fold
from commands.render import Rich, plain
from storage import clock, forget, retention
from storage.clock import Clock
from storage.db import connection_of, transaction
from storage.forget import pseudonym_number
from storage.models import Audit, BotMessage, ChatEvent, Member, PendingAction, Person, Room
from storage.queries import room_names

log = logging.getLogger(__name__)


class UserError(Exception):
    """Bad input: the dispatcher rolls back what the handler did and answers ``key``, filled
    with ``params`` (and ``prefix``, the command prefix, that every refusal may use to say what
    to type instead)."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass
class Settings:
    """Process-wide settings that handlers may read (from the config file)."""

    prefix: str = "!"
    default_language: str = "fr"
    default_timezone: str = "Europe/Paris"
    default_currency: str = "EUR"
    max_body_chars: int = 4000
    page_url: str = ""  # where the room pages are served (empty: no page)


@dataclass(frozen=True)
class Queued:
    """A message the bot wrote to its outbox (``BotMessage`` row ``id``), to be delivered."""

    id: int
    room_id: str
    kind: str
    body: str
    rendering: bool = False  # a placeholder: rendered after the transaction (commands.deferred)
    cause: str = ""  # the id of the event it answers


# plain inserts of rows that are written once and never changed by the code that writes them
# (one compiled statement each; the values are bound at execution)
_OUTBOX = BotMessage.__table__  # type: ignore[attr-defined]
_INSERT_OUTBOX = insert(_OUTBOX)
_INSERT_AUDIT = insert(Audit.__table__)  # type: ignore[attr-defined]
_INSERT_CHAT_EVENT = insert(ChatEvent.__table__)  # type: ignore[attr-defined]
# the handled event's record, unless the event is on record already (then nothing is inserted,
# nothing returned): the exactly-once check and the record in one statement
_RECORD_EVENT = {
    dialect: make(ChatEvent.__table__)  # type: ignore[attr-defined]
    .on_conflict_do_nothing(index_elements=["event_id"])
    .returning(ChatEvent.__table__.c.event_id)  # type: ignore[attr-defined]
    for dialect, make in (("sqlite", sqlite_insert), ("postgresql", pg_insert))
}
_ROOM_COLUMNS = tuple(Room.__table__.columns.keys())  # type: ignore[attr-defined]
# what answers an event (placed as a reply to it); edits and reactions act on their target
ANSWERS = ("text", "file")
_OUTBOX_DEFAULTS: dict[str, Any] = {
    "kind": "text",
    "body": "",
    "html": None,
    "reply_to": None,
    "thread_id": None,
    "target_id": None,
    "target_event": None,
    "reaction_key": None,
    "file_name": None,
    "mime": None,
    "data": None,
    "mentions": [],
    "ref_kind": None,
    "ref_id": None,
    "sent_at": None,
    "platform_id": None,
    "attempts": 0,
    "recipient": None,
}


class RoomTexts:
    """Texts, money, durations, dates and names in a room's language (needs ``db`` and ``room``)."""

    db: Session
    room: Room

    @property
    def lang(self) -> str:
        return self.room.language

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.room.timezone)

    def t(self, key: str, /, **params: Any) -> str:
        return i18n.t(self.lang, key, **params)

    def money(self, cents: int) -> str:
        return i18n.format_money(cents, self.room.currency, self.lang)

    def duration(self, minutes: int) -> str:
        return i18n.format_minutes(minutes, self.lang)

    def hours(self, minutes: int) -> str:
        return i18n.format_hours(minutes, self.lang)

    def date(self, day: dt.date) -> str:
        return i18n.format_day(day, self.lang)

    def long_date(self, day: dt.date) -> str:
        """A date in full words, as it reads at the start of a sentence: ``jeudi 3 décembre
        2026`` (the French text writes ``Le`` before it)."""
        return i18n.format_long_day(day, self.lang)

    def name(self, user_id: str) -> str:
        """How the room's texts name a person: their display name as last seen, else their id;
        ``Name (@id)`` when someone else of the room could be taken for them (the same display
        name, or a display name that is another's id)."""
        return self.names((user_id,))[user_id]

    def names(self, user_ids: Iterable[str]) -> dict[str, str]:
        """``name`` of many people at once. The first call of a transaction names everyone of
        the room (one query), and later calls reuse it: a table of 200 people costs no more
        than one name."""
        rooms: dict[str, dict[str, str]] = self.db.info.setdefault("names", {})
        known = rooms.get(self.room.id)
        wanted = set(user_ids)
        if known is None or not wanted <= known.keys():
            # everyone asked so far is named again with the newcomers: who else is named can
            # change how a name is told apart
            known = room_names(self.db, self.room.id, wanted | set(known or ()))
            for user_id in known:
                number = pseudonym_number(user_id)
                if number is not None:
                    known[user_id] = self.t("people.forgotten", number=number)
            rooms[self.room.id] = known
        return {u: known[u] for u in wanted}


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
        found = connection_of(self.db).execute(
            _INSERT_OUTBOX.returning(_OUTBOX.c.id, _OUTBOX.c[key]), rows
        )
        ids = {value: new for new, value in found}
        queued = [
            Queued(
                id=int(ids[row[key]]),
                room_id=row["room_id"],
                kind=row["kind"],
                body=row["body"],
                cause=row["cause_event_id"],
            )
            for row in rows
        ]
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
        key = connection_of(self.db).execute(_INSERT_OUTBOX, row).inserted_primary_key
        assert key is not None
        queued = Queued(
            id=int(key[0]),
            room_id=row["room_id"],
            kind=row["kind"],
            body=row["body"],
            cause=row["cause_event_id"],
        )
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
            connection_of(self.db).execute(_INSERT_AUDIT, rows)

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


@dataclass
class RecapScope(RoomTexts):
    """What a family's recap section gets: the room, the period and the one before, the language.
    Sections read only; they return ``None`` when they have nothing to say."""

    db: Session
    room: Room
    start: dt.date
    end: dt.date  # exclusive
    previous_start: dt.date
    previous_end: dt.date
    settings: Settings


class ContributionListener(Protocol):
    def __call__(self, ctx: Context, touched: list[tuple[int | None, dt.date]]) -> None: ...


class TickHook(Protocol):
    def __call__(
        self, db: Session, registry: Registry, settings: Settings, now: dt.datetime
    ) -> list[Queued]: ...


class RecapSection(Protocol):
    def __call__(self, scope: RecapScope) -> Rich | None: ...


Handler = Callable[[Context, str], None]


class ReactionHandler(Protocol):
    def __call__(self, ctx: Context, target: BotMessage, key: str) -> bool: ...


class UndoHook(Protocol):
    def __call__(self, ctx: Context, target_event_id: str) -> bool: ...


class KeptHook(Protocol):
    def __call__(self, ctx: Context, event_id: str) -> str | None: ...


class EditHook(Protocol):
    def __call__(self, ctx: Context, original_event_id: str) -> None: ...


class PendingApply(Protocol):
    def __call__(self, ctx: Context, action: PendingAction, target: BotMessage) -> None: ...


class PendingUndo(Protocol):
    def __call__(self, ctx: Context, action: PendingAction) -> bool: ...


@dataclass(frozen=True)
class PendingKind:
    """What confirming a pending action of one kind does (``apply``), and how removing the
    confirmation undoes it (``undo``, True if it undid something)."""

    apply: PendingApply
    undo: PendingUndo


@dataclass
class Command:
    name: str
    handler: Handler
    family: str
    aliases: tuple[str, ...] = ()
    admin_only: bool = False
    editable: bool = False  # an edit of the command message updates what it created
    hidden: bool = False

    @property
    def help_key(self) -> str:
        """One line for ``!aide``: ``<family>.help.<name>`` in the family's catalogue file."""
        return f"{self.family}.help.{self.name}"

    @property
    def help_full_key(self) -> str:
        """The full syntax with examples for ``!aide <command>``."""
        return f"{self.family}.help_full.{self.name}"


@dataclass
class Registry:
    """Every command, reaction handler and undo hook; built once by ``commands.build_registry``."""

    commands: dict[str, Command] = field(default_factory=dict)
    by_name: dict[str, Command] = field(default_factory=dict)
    reaction_handlers: dict[str, ReactionHandler] = field(default_factory=dict)
    undo_hooks: list[UndoHook] = field(default_factory=list)
    undo_always: set[UndoHook] = field(default_factory=set)
    kept_hooks: list[KeptHook] = field(default_factory=list)
    edit_hooks: list[EditHook] = field(default_factory=list)
    pending_kinds: dict[str, PendingKind] = field(default_factory=dict)
    recap_sections: list[tuple[int, str, RecapSection]] = field(default_factory=list)
    contribution_listeners: list[ContributionListener] = field(default_factory=list)
    tick_hooks: list[TickHook] = field(default_factory=list)
    families: list[str] = field(default_factory=list)
    renderers: dict[str, Any] = field(default_factory=dict)  # commands.deferred.Renderer

    def command(
        self,
        name: str,
        *,
        family: str,
        aliases: Iterable[str] = (),
        admin_only: bool = False,
        editable: bool = False,
        hidden: bool = False,
    ) -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            cmd = Command(name, fn, family, tuple(aliases), admin_only, editable, hidden)
            for word in (name, *cmd.aliases):
                key = fold(word)
                if key in self.commands:
                    raise ValueError(f"command word {word!r} registered twice")
                self.commands[key] = cmd
            # the words of every language's catalogue call it too, in every room
            for lang in i18n.LANGUAGES:
                for word in i18n.command_words(lang).get(name, ()):
                    if self.commands.setdefault(fold(word), cmd) is not cmd:
                        raise ValueError(f"command word {word!r} ({lang}) names two commands")
            self.by_name[name] = cmd
            if family not in self.families:
                self.families.append(family)
            return fn

        return deco

    def on_reaction(self, ref_kind: str) -> Callable[[ReactionHandler], ReactionHandler]:
        """Handle reactions to bot messages tied to objects of ``ref_kind``."""

        def deco(fn: ReactionHandler) -> ReactionHandler:
            self.reaction_handlers[ref_kind] = fn
            return fn

        return deco

    def on_undo(self, fn: UndoHook, *, always: bool = False) -> UndoHook:
        """``fn(ctx, event_id)`` undoes what ``event_id`` created, returns True if it did. It
        runs for the events handled by its own module's commands and reactions (``always``: for
        every event), and for events whose handling is not on record."""
        self.undo_hooks.append(fn)
        if always:
            self.undo_always.add(fn)
        return fn

    def undo_hooks_for(self, command: str | None) -> list[UndoHook]:
        """The undo hooks that may find something created by an event handled as ``command``
        (``ChatEvent.command``): those of the module that handled it, and those that always
        run. ``None`` (the event is not on record): every hook."""
        if command is None:
            return list(self.undo_hooks)
        module = self.module_of(command)
        return [h for h in self.undo_hooks if h in self.undo_always or h.__module__ == module]

    def module_of(self, command: str) -> str | None:
        """The module that handles events recorded as ``command`` (a command's name, or
        ``reaction:<ref kind>``)."""
        if command.startswith("reaction:"):
            handler = self.reaction_handlers.get(command.removeprefix("reaction:"))
            return handler.__module__ if handler is not None else None
        found = self.by_name.get(command)
        return found.handler.__module__ if found is not None else None

    def on_kept(self, fn: KeptHook) -> KeptHook:
        """``fn(ctx, event_id)`` says in one sentence what the message ``event_id`` created and
        still holds (``None``: nothing): an edit of it that is refused leaves that as it was,
        and the refusal says so."""
        self.kept_hooks.append(fn)
        return fn

    def on_edit(self, fn: EditHook) -> EditHook:
        """``fn(ctx, original_event_id)`` runs when the sender of a message edits it, before the
        edited command is handled (and whether or not it is then refused)."""
        self.edit_hooks.append(fn)
        return fn

    def on_pending(self, kind: str, apply: PendingApply, undo: PendingUndo) -> None:
        """What confirming a pending action of ``kind`` does, and how it is undone (see
        ``commands.pending``)."""
        if kind in self.pending_kinds:
            raise ValueError(f"pending action kind {kind!r} registered twice")
        self.pending_kinds[kind] = PendingKind(apply, undo)

    def on_contribution_change(self, fn: ContributionListener) -> ContributionListener:
        """``fn(ctx, touched)`` runs after a contribution is logged, changed or removed, with the
        (project id, day) pairs it touched (before and after a change)."""
        self.contribution_listeners.append(fn)
        return fn

    def on_tick(self, fn: TickHook) -> TickHook:
        """``fn(db, registry, settings, now)`` runs every few seconds (the scheduler's poll) in a
        transaction of its own, for what is due at a time rather than on a chat event (a round
        whose deadline passed, say); it returns the bot messages it queued."""
        self.tick_hooks.append(fn)
        return fn

    def recap_section(self, name: str, order: int) -> Callable[[RecapSection], RecapSection]:
        """Contribute a section to the weekly/monthly recap; sections are shown by ``order``
        (contributions 10, buckets 20, envelopes 30)."""

        def deco(fn: RecapSection) -> RecapSection:
            self.recap_sections.append((order, name, fn))
            self.recap_sections.sort(key=lambda item: item[0])
            return fn

        return deco

    def renderer(self, kind: str) -> Callable[[Any], Any]:
        """Render jobs of ``kind`` (``commands.deferred``): ``fn(scope) -> Rendered``."""

        def deco(fn: Any) -> Any:
            if kind in self.renderers:
                raise ValueError(f"renderer {kind!r} registered twice")
            self.renderers[kind] = fn
            return fn

        return deco

    def find(self, word: str) -> Command | None:
        return self.commands.get(fold(word))

    def suggest(self, word: str) -> str | None:
        close = difflib.get_close_matches(fold(word), list(self.commands), n=1, cutoff=0.6)
        return close[0] if close else None


def split_command(body: str, prefix: str) -> tuple[str, str] | None:
    """``"!contrib 3h KPA"`` -> ``("contrib", "3h KPA")``; ``None`` if not a command."""
    text = body.strip()
    if not text.startswith(prefix) or len(text) <= len(prefix):
        return None
    head, _, rest = text[len(prefix) :].partition(" ")
    head = head.strip()
    if not head or not head[0].isalpha():
        return None
    return head, rest.strip()


# who the audit names for what the bot does on its own (a deadline, a scheduled post)
SYSTEM = "bot"


def system_context(
    db: Session,
    room: Room,
    registry: Registry,
    settings: Settings,
    now: dt.datetime,
    cause: str,
    *,
    anchor: tuple[str | None, str | None] | None = None,
) -> Context:
    """The context of what the bot does on its own in ``room`` (a timed duty, a scheduled
    post): the same path into the outbox and the audit as a command's, acting as an admin
    named ``SYSTEM``. ``cause`` is the id its messages and audit rows name (a synthetic event,
    never recorded as a chat event). Its answers reply to nothing, or to ``anchor`` (the
    platform id of a message and its thread, e.g. a reminder in a campaign's thread)."""
    event = Message(
        event_id=cause,
        room_id=room.id,
        sender=SYSTEM,
        role=Role.ADMIN,
        platform=room.platform,
        timestamp=now,
        body="",
    )
    ctx = Context(db, event, room, settings, now, registry, chat_event=False)
    if anchor is not None:
        ctx._anchor = anchor
    return ctx


def get_room(db: Session, event: AnyEvent, settings: Settings) -> Room:
    # rooms are kept for the whole transaction (the session itself only holds them weakly)
    rooms: dict[str, Room] = db.info.setdefault("rooms", {})
    room = rooms.get(event.room_id) or db.get(Room, event.room_id)
    if room is None:
        room = Room(
            id=event.room_id,
            platform=event.platform,
            name=event.room_name,
            language=settings.default_language,
            timezone=settings.default_timezone,
            currency=settings.default_currency,
        )
        db.add(room)
        db.flush()
    elif event.room_name and room.name != event.room_name:
        room.name = event.room_name
    rooms[room.id] = room
    return room


def _upsert(db: Session, model: Any) -> Any:
    """The dialect's ``INSERT ... ON CONFLICT`` (SQLite and PostgreSQL both have it)."""
    if db.get_bind().dialect.name == "postgresql":
        return pg_insert(model)
    return sqlite_insert(model)


def remember_member(
    db: Session, room_id: str, user_id: str, joined: bool = True, now: dt.datetime | None = None
) -> None:
    """Record that ``user_id`` is in the room (or left it), in one statement: a new member is
    inserted, a member whose state changed is updated, anything else is left as it is."""
    at = now or clock.now()
    table = Member.__table__  # type: ignore[attr-defined]
    query = _upsert(db, table).values(
        room_id=room_id, user_id=user_id, joined=joined, is_bot=False, first_seen=at, updated_at=at
    )
    query = query.on_conflict_do_update(
        index_elements=[table.c.room_id, table.c.user_id],
        set_={"joined": query.excluded.joined, "updated_at": query.excluded.updated_at},
        where=table.c.joined != query.excluded.joined,
    ).returning(table.c.user_id)
    if db.connection().execute(query).first() is not None:
        db.info.pop("names", None)  # who is in the room changes how names are told apart


def room_members(db: Session, room_id: str) -> list[str]:
    """The user ids of the room's current members (bots excluded), sorted."""
    rows = db.exec(
        select(Member.user_id).where(
            Member.room_id == room_id,
            col(Member.joined).is_(True),
            col(Member.is_bot).is_(False),
        )
    ).all()
    return sorted(rows)


def remember_person(
    db: Session, user_id: str, display_name: str, now: dt.datetime | None = None
) -> None:
    """Record a person's display name as last seen, in one statement (people are shared by
    every room: an upsert never fails because another room's unit of work added them first)."""
    if not display_name:
        return
    table = Person.__table__  # type: ignore[attr-defined]
    query = _upsert(db, table).values(
        user_id=user_id, display_name=display_name, updated_at=now or clock.now()
    )
    query = query.on_conflict_do_update(
        index_elements=[table.c.user_id],
        set_={
            "display_name": query.excluded.display_name,
            "updated_at": query.excluded.updated_at,
        },
        where=table.c.display_name != query.excluded.display_name,
    ).returning(table.c.user_id)
    if db.connection().execute(query).first() is not None:
        db.info.pop("names", None)  # one new name can change how others are told apart


def error_reference(event_id: str) -> str:
    """A short reference for an event that failed, shown to its sender and written in the log
    (the same event always gets the same reference)."""
    return hashlib.sha256(event_id.encode("utf-8", "surrogatepass")).hexdigest()[:8]


# what the dispatcher records as an event's outcome (``ChatEvent.command``) besides command names
OUTCOME_ERROR = "error"  # refused with an answer (bad input, not allowed)
OUTCOME_CRASH = "crash"  # raised: rolled back, answered with an error reference
OUTCOME_FORGED = "forged"  # an edit or a removal by someone who may not make it
NOT_A_COMMAND = ("", OUTCOME_ERROR, OUTCOME_CRASH)


class _HandledBefore(Exception):
    """The event turned out to be on record already (a replay): what it did is rolled back."""


def _record_event(db: Session, values: dict[str, Any]) -> None:
    """Record a handled event, or raise ``_HandledBefore`` if it is on record already."""
    query = _RECORD_EVENT.get(db.get_bind().dialect.name)
    if query is None:  # pragma: no cover - SQLite and PostgreSQL are the databases supported
        if db.get(ChatEvent, values["event_id"]) is not None:
            raise _HandledBefore
        connection_of(db).execute(_INSERT_CHAT_EVENT, values)
        return
    if connection_of(db).execute(query, values).first() is None:
        raise _HandledBefore


class Dispatcher:
    """Turns neutral events into transactions. Synchronous: the runtime calls it from one worker
    thread, so that database work never blocks the event loop.

    One event never stops the others: each is handled in a savepoint of its own, and whatever it
    raises (in its handler, or while its answer is worded) rolls back that event alone, answers
    with a short error and a reference that is also logged, and records the event as handled."""

    def __init__(
        self,
        engine: Engine,
        registry: Registry,
        settings: Settings | None = None,
        clock: Clock | None = None,
    ):
        self.engine = engine
        self.registry = registry
        self.settings = settings or Settings()
        self.clock: Clock = clock or _process_now
        # per database thread (a runtime gives each room one thread): who was already recorded
        # as a person / a room member with these values (committed), which spares two
        # statements per event for people who speak often; the rooms' rows as last committed
        # (``_attach_rooms``)
        self._local = threading.local()
        self.failures = 0  # events that raised (rolled back, answered with a reference)

    @property
    def _seen(self) -> set[tuple[str, str, str]]:
        local = self._local
        if not hasattr(local, "seen"):
            local.seen = set()
            local.forgotten = forget.generation()
        elif local.forgotten != forget.generation():
            # someone was forgotten: who was recorded as a person or member may no longer be
            local.seen = set()
            local.forgotten = forget.generation()
        seen: set[tuple[str, str, str]] = local.seen
        return seen

    @_seen.setter
    def _seen(self, value: set[tuple[str, str, str]]) -> None:
        self._local.seen = value

    @property
    def _rooms(self) -> dict[str, dict[str, Any]]:
        local = self._local
        if not hasattr(local, "rooms") or local.rooms_forgotten != forget.generation():
            # someone was forgotten (in any thread): what the rooms hold may have changed
            local.rooms = {}
            local.rooms_forgotten = forget.generation()
        rooms: dict[str, dict[str, Any]] = local.rooms
        return rooms

    def handle(self, event: AnyEvent, now: dt.datetime | None = None) -> list[Queued]:
        """Handle one event exactly once; return the bot messages it queued."""
        return self.handle_batch([event], now)

    def handle_batch(self, events: list[AnyEvent], now: dt.datetime | None = None) -> list[Queued]:
        """Handle events in order, in one transaction (each in a savepoint of its own, so a
        failing event undoes only its own work). A replayed event id changes nothing."""
        at = now or self.clock()
        sent: list[Queued] = []
        seen: set[tuple[str, str, str]] = set()
        rooms = {e.room_id for e in events}
        forgotten = forget.generation()
        try:
            with transaction(self.engine, rooms=rooms) as db:
                self._attach_rooms(db, rooms)
                ids = {e.event_id for e in events}
                # one query for the events already handled and for those the batch acts on
                # (what an edit replaces, what a removal removes): kept for the transaction, a
                # later ``db.get`` finds them without asking the database
                pointed = {p for p in map(_points_at, events) if p is not None}
                known = db.info.setdefault("chat_events", {})
                if len(events) > 1 or pointed:
                    for row in db.exec(
                        select(ChatEvent).where(col(ChatEvent.event_id).in_(ids | pointed))
                    ).all():
                        known[row.event_id] = row
                # else one event that acts on no other: recording it says whether it was
                # handled before (``_record_event``), and a replay is rolled back then
                handled = ids & known.keys()
                for event in events:
                    if event.event_id in handled:
                        continue  # handled before (a replay): nothing changes, nothing is said
                    if self._too_old(db, event, at):
                        # older than the room keeps its events: its row may have been purged,
                        # so a replay could not be told from a new event (``storage.retention``)
                        log.info(
                            "ignoring %s in %s: older than the room's retention",
                            event.event_id,
                            event.room_id,
                        )
                        continue
                    handled.add(event.event_id)
                    sent.extend(self._handle_one(db, event, at, seen))
        except BaseException:
            for room_id in rooms:
                self._rooms.pop(room_id, None)
            raise
        self._keep_rooms(db, forgotten)
        self._seen |= seen
        if len(self._seen) > 100_000:
            self._seen.clear()
        return sent

    @staticmethod
    def _too_old(db: Session, event: AnyEvent, now: dt.datetime) -> bool:
        """Whether the event was sent before the room's retention limit (read from the room only
        for an event older than the shortest limit)."""
        if event.timestamp >= now - dt.timedelta(days=retention.MIN_DAYS):
            return False
        room = db.info.get("rooms", {}).get(event.room_id) or db.get(Room, event.room_id)
        days = room.retention_days if room is not None else retention.DEFAULT_DAYS
        return retention.too_old(event.timestamp, now, days)

    def _attach_rooms(self, db: Session, room_ids: set[str]) -> None:
        """The rooms as this process last committed them, put in the session without reading
        them again (units of work on a room are this process's alone: the leader's). What the
        batch changes in them is written as usual; a batch that fails forgets them."""
        rooms: dict[str, Room] = db.info.setdefault("rooms", {})
        for room_id in room_ids:
            values = self._rooms.get(room_id)
            if values is not None:
                room = Room(**values)
                make_transient_to_detached(room)
                db.add(room)
                rooms[room_id] = room

    def _keep_rooms(self, db: Session, forgotten: int) -> None:
        """After a commit: remember the rooms as they now are (none, if someone was forgotten
        meanwhile: that rewrites what rooms hold without the session seeing it)."""
        if forgotten != forget.generation():
            self._rooms.clear()
            return
        for room_id, room in db.info.get("rooms", {}).items():
            state = inspect(room)
            if state.expired_attributes or state.deleted or state.transient:
                self._rooms.pop(room_id, None)
            else:
                self._rooms[room_id] = {c: getattr(room, c) for c in _ROOM_COLUMNS}
        if len(self._rooms) > 100_000:
            self._rooms.clear()

    def _handle_one(
        self, db: Session, event: AnyEvent, now: dt.datetime, seen: set[tuple[str, str, str]]
    ) -> list[Queued]:
        original: ChatEvent | None = None
        if isinstance(event, Message):
            if event.edit_of is not None:
                original = db.get(ChatEvent, event.edit_of)
            if not self._is_command(event, original):
                return []
        savepoint = db.begin_nested()
        try:
            try:
                sent, key = self._process(db, event, now, original, seen)
            except UserError as err:
                # bad input: nothing the handler did stays, and the event is handled again as
                # a refusal that says why (one savepoint per event, refused or not)
                savepoint.rollback()
                db.info.clear()
                savepoint = db.begin_nested()
                sent, key = self._process(db, event, now, original, seen, refused=err)
            savepoint.commit()
        except _HandledBefore:
            # handled before (a replay): nothing changes, nothing is said
            savepoint.rollback()
            db.info.clear()
            return []
        except Exception:
            savepoint.rollback()
            db.info.clear()  # caches may hold what was rolled back
            self.failures += 1
            ref = error_reference(event.event_id)
            log.exception(
                "event %s in room %s failed (reference %s); it is recorded as handled",
                event.event_id,
                event.room_id,
                ref,
            )
            return self._record_failure(db, event, now, ref)
        if key is not None:
            seen.add(key)
        return sent

    def _process(
        self,
        db: Session,
        event: AnyEvent,
        now: dt.datetime,
        original: ChatEvent | None,
        seen: set[tuple[str, str, str]],
        refused: UserError | None = None,
    ) -> tuple[list[Queued], tuple[str, str, str] | None]:
        room = get_room(db, event, self.settings)
        key: tuple[str, str, str] | None = None
        if not isinstance(event, MemberChanged):
            key = (room.id, event.sender, event.sender_name)
            if key not in self._seen and key not in seen:
                remember_person(db, event.sender, event.sender_name, now)
                remember_member(db, room.id, event.sender, now=now)
        else:
            # a join or leave changes what was recorded: look again next time they speak
            self._seen = {k for k in self._seen if k[:2] != (room.id, event.user_id)}
        if isinstance(event, Message):
            # people named before they ever spoke: known as the platform names them
            for user_id, display_name in event.named:
                if (room.id, user_id, display_name) not in self._seen:
                    remember_person(db, user_id, display_name, now)
                    remember_member(db, room.id, user_id, now=now)
        ctx = Context(db, event, room, self.settings, now, self.registry)
        command = self._run(ctx, original, refused)
        ctx.flush_audits()
        answer_to, thread_id = ctx.anchor if not isinstance(event, MemberChanged) else (None, None)
        db.flush()  # recorded on the connection: what the event changed is written first
        _record_event(
            db,
            {
                "event_id": event.event_id,
                "room_id": event.room_id,
                "sender": event.sender,
                "kind": type(event).__name__,
                "command": command,
                "handled_at": now,
                "answer_to": answer_to,
                "thread_id": thread_id,
            },
        )
        if isinstance(event, Message) and event.edit_of is not None and command != OUTCOME_FORGED:
            self._record_original(db, event, original, command, now, thread_id)
        return ctx.sent, key

    def _record_original(
        self,
        db: Session,
        event: Message,
        original: ChatEvent | None,
        command: str,
        now: dt.datetime,
        thread_id: str | None,
    ) -> None:
        """What an edit created is tied to the original message: record that message (its
        sender, the command it now holds, where its answers go), so that a later edit or
        removal is checked against its sender like any command's, and answered in its place."""
        assert event.edit_of is not None
        if original is None and command != "ignored":
            db.connection().execute(
                _INSERT_CHAT_EVENT,
                {
                    "event_id": event.edit_of,
                    "room_id": event.room_id,
                    "sender": event.sender,
                    "kind": Message.__name__,
                    "command": command,
                    "handled_at": now,
                    "answer_to": event.edit_of,
                    "thread_id": thread_id,
                },
            )
        elif (
            original is not None
            and original.command in NOT_A_COMMAND
            and command in self.registry.by_name
        ):
            original.command = command

    def _record_failure(
        self, db: Session, event: AnyEvent, now: dt.datetime, ref: str
    ) -> list[Queued]:
        """The event raised: answer its sender with the reference and record it as handled, so
        that no adapter fetches it again. If even that fails, the event is only logged."""
        savepoint = db.begin_nested()
        try:
            room = get_room(db, event, self.settings)
            ctx = Context(db, event, room, self.settings, now, self.registry)
            if isinstance(event, Message):
                ctx.reply(ctx.t("core.internal_error", ref=ref))
            answer_to, thread_id = (
                ctx.anchor if not isinstance(event, MemberChanged) else (None, None)
            )
            _record_event(
                db,
                {
                    "event_id": event.event_id,
                    "room_id": event.room_id,
                    "sender": event.sender,
                    "kind": type(event).__name__,
                    "command": OUTCOME_CRASH,
                    "handled_at": now,
                    "answer_to": answer_to,
                    "thread_id": thread_id,
                },
            )
            savepoint.commit()
            return ctx.sent
        except _HandledBefore:
            savepoint.rollback()
            db.info.clear()
            return []
        except Exception:
            savepoint.rollback()
            db.info.clear()
            log.exception("event %s could not even be recorded as failed", event.event_id)
            return []

    def _is_command(self, event: Message, original: ChatEvent | None) -> bool:
        """Whether a message is for the bot: a command, or an edit of a message that was one
        (so that editing a command into plain text is seen). Editing plain text into plain
        text, however long, is not."""
        if event.body.lstrip().startswith(self.settings.prefix):
            return True
        return original is not None and original.command not in ("", "ignored")

    def _run(
        self, ctx: Context, original: ChatEvent | None = None, refused: UserError | None = None
    ) -> str:
        """Run the event's handler. Bad input (``UserError``) and anything else propagate: the
        caller rolls the event back, and for bad input handles it again with ``refused``, which
        answers why instead of running the handler."""
        event = ctx.event
        if (
            isinstance(event, Message)
            and event.edit_of is not None
            and self._may_edit(event, original)
        ):
            # what waited on the message's earlier text no longer holds, even if the edited
            # command is refused (outside the handler's savepoint)
            for hook in self.registry.edit_hooks:
                hook(ctx, event.edit_of)
        if refused is not None:
            text = ctx.refusal(refused)
            if isinstance(event, Message) and event.edit_of is not None:
                # a refused edit changes nothing: say what the message still holds
                kept = [hook(ctx, event.edit_of) for hook in self.registry.kept_hooks]
                text = "\n".join([text, *(k for k in kept if k)])
            ctx.reply(text)
            return OUTCOME_ERROR
        if isinstance(event, Message):
            return self._on_message(ctx, event, original)
        if isinstance(event, ReactionAdded):
            return self._on_reaction(ctx, event)
        if isinstance(event, Redacted):
            return self._on_redaction(ctx, event)
        if isinstance(event, MemberChanged):
            remember_person(ctx.db, event.user_id, event.display_name, ctx.now)
            remember_member(ctx.db, event.room_id, event.user_id, event.joined, ctx.now)
            return "member"
        if isinstance(event, Unreadable):
            return self._on_unreadable(ctx, event)
        return ""  # pragma: no cover - the union is closed

    # -- messages ----------------------------------------------------------------------------
    def _on_message(self, ctx: Context, event: Message, original: ChatEvent | None) -> str:
        if event.edit_of and not self._may_edit(event, original):
            log.info(
                "ignoring an edit of %s by %s, who did not send it", event.edit_of, event.sender
            )
            return OUTCOME_FORGED
        body = event.body
        if len(body) > self.settings.max_body_chars:
            raise UserError("core.too_long", limit=self.settings.max_body_chars)
        parts = split_command(body, self.settings.prefix)
        if event.edit_of:
            if parts is None:
                # the command was edited into plain text: undo what it created, and say so once
                # (the families say what they undid; if none did, a word that it is undone)
                said = len(ctx.sent)
                ctx.undoing = True
                if original is not None and self._undo(ctx, event.edit_of):
                    if not any(q.kind == "text" for q in ctx.sent[said:]):
                        ctx.reply(ctx.t("core.edit_undone", cause=ctx.removal()))
                    return "undo"
                return "undo" if self._nothing_left(ctx, event.edit_of) else "ignored"
            if original is not None and original.command not in NOT_A_COMMAND:
                cmd = self.registry.find(parts[0])
                if cmd is None or cmd.name != original.command or not cmd.editable:
                    raise UserError("core.edit_not_supported", prefix=self.settings.prefix)
        if parts is None:
            return "ignored"
        word, args = parts
        cmd = self.registry.find(word)
        if cmd is None:
            hint = self.registry.suggest(word)
            if hint:
                raise UserError(
                    "core.unknown_command_hint", word=word, hint=hint, prefix=self.settings.prefix
                )
            raise UserError("core.unknown_command", word=word, prefix=self.settings.prefix)
        if cmd.admin_only and not ctx.is_admin:
            raise UserError("core.admin_only", command=f"{self.settings.prefix}{word}")
        cmd.handler(ctx, args)
        return cmd.name

    @staticmethod
    def _may_edit(event: Message, original: ChatEvent | None) -> bool:
        """Only the sender of a message may edit it: platforms let anyone send an edit that
        points at any message. The sender is the one recorded when the original was handled,
        else the one the adapter found; unknown, the edit is not trusted."""
        owner = original.sender if original is not None else event.edit_of_sender
        return owner is not None and owner == event.sender

    # -- messages the bot cannot read ------------------------------------------------------
    def _on_unreadable(self, ctx: Context, event: Unreadable) -> str:
        """A message the bot cannot read gets no answer of its own: the room is told why, once
        (for each reason), so that no room stays silent without a word."""
        said = ("unreadable", _short_key(event.reason))
        if _already_said(ctx, said):
            return "ignored"
        ctx.reply(ctx.t(f"core.unreadable.{event.reason}", prefix=self.settings.prefix), ref=said)
        return "unreadable"

    # -- reactions ---------------------------------------------------------------------------
    def _on_reaction(self, ctx: Context, event: ReactionAdded) -> str:
        target = ctx.db.exec(
            select(BotMessage).where(BotMessage.platform_id == event.target_event_id)
        ).first()
        ctx.reaction_target = target
        if target is None or target.ref_kind is None:
            return "ignored"
        handler = self.registry.reaction_handlers.get(target.ref_kind)
        if handler is None:
            return "ignored"
        return f"reaction:{target.ref_kind}" if handler(ctx, target, event.key) else "ignored"

    # -- redactions ----------------------------------------------------------------------------
    def _on_redaction(self, ctx: Context, event: Redacted) -> str:
        """A message or a reaction was removed: undo what it did, if the remover is its sender
        or an admin. The sender is the one recorded when it was handled; a removal of something
        whose sender is not on record is trusted from an admin only."""
        target = ctx.db.get(ChatEvent, event.target_event_id)
        owner = target.sender if target is not None else None
        if owner is not None and pseudonym_number(owner) is not None and not ctx.is_admin:
            # someone the collective forgot: what they did stays (an admin may still undo it),
            # and nothing links the pseudonym to whoever removes it now
            return "ignored"
        if owner == ctx.sender or ctx.is_admin:
            if self._undo(ctx, event.target_event_id):
                return "undo"
            return "undo" if self._nothing_left(ctx, event.target_event_id) else "ignored"
        if not self._would_undo(ctx, event.target_event_id):
            return "ignored"
        # someone else (a moderator, say) removed it: what it did stays, and the room is told
        # once, however many times it is removed again
        log.info("%s removed %s, sent by %s: not undone", ctx.sender, event.target_event_id, owner)
        said = ("removal_kept", _short_key(event.target_event_id))
        if target is not None and owner is not None and not _already_said(ctx, said):
            key = (
                "core.reaction_removal_kept"
                if target.kind == "ReactionAdded"
                else "core.removal_kept"
            )
            ctx.reply(ctx.t(key, who=ctx.name(ctx.sender), author=ctx.name(owner)), ref=said)
        return OUTCOME_FORGED

    def _would_undo(self, ctx: Context, target_event_id: str) -> bool:
        """Whether removing ``target_event_id`` would undo something (tried in a savepoint that
        is rolled back, with its answers)."""
        savepoint = ctx.db.begin_nested()
        sent_before, audits_before = len(ctx.sent), len(ctx.audits)
        try:
            return self._undo(ctx, target_event_id)
        except UserError:
            return True
        finally:
            savepoint.rollback()
            ctx.db.info.clear()
            del ctx.sent[sent_before:]
            del ctx.audits[audits_before:]

    @staticmethod
    def _nothing_left(ctx: Context, target_event_id: str) -> bool:
        """Every removal of a message that changed something is answered: when no family undid
        anything (what it did was undone or replaced since), say so. True if it was said. (A
        reaction that no longer counts is removed silently: its card shows where things are.)"""
        target = ctx.db.get(ChatEvent, target_event_id)
        if target is not None and target.kind != Message.__name__:
            return False
        changed = ctx.db.exec(
            select(Audit.id).where(Audit.event_id == target_event_id, Audit.room_id == ctx.room.id)
        ).first()
        if changed is None:
            return False
        text = ctx.t("lifecycle.nothing_left", prefix=ctx.settings.prefix)
        ctx.reply(text)
        return True

    def _undo(self, ctx: Context, target_event_id: str) -> bool:
        # every hook that may have something runs: one message may have created things in more
        # than one place. What the event was handled as says where to look (the batch read its
        # record already).
        target = ctx.db.get(ChatEvent, target_event_id)
        hooks = self.registry.undo_hooks_for(target.command if target is not None else None)
        undone = [hook(ctx, target_event_id) for hook in hooks]
        return any(undone)


def _points_at(event: AnyEvent) -> str | None:
    """The handled event that ``event`` acts on: the message an edit replaces, what a removal
    removes."""
    if isinstance(event, Message):
        return event.edit_of
    if isinstance(event, Redacted):
        return event.target_event_id
    return None


def _process_now() -> dt.datetime:
    return clock.now()


def _short_key(event_id: str) -> str:
    """A fixed-length key for an event id (``BotMessage.ref_id`` holds 64 characters)."""
    return hashlib.sha256(event_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _already_said(ctx: Context, ref: tuple[str, str]) -> bool:
    """Whether the bot already queued a message tied to ``ref`` in the room."""
    found = ctx.db.exec(
        select(BotMessage.id).where(
            BotMessage.ref_kind == ref[0],
            BotMessage.ref_id == ref[1],
            BotMessage.room_id == ctx.room.id,
        )
    ).first()
    return found is not None


def pending_messages(db: Session, room_id: str | None = None, limit: int = 100) -> list[BotMessage]:
    """Bot messages not yet delivered, oldest first."""
    query = select(BotMessage).where(BotMessage.sent_at.is_(None))  # type: ignore[union-attr]
    if room_id is not None:
        query = query.where(BotMessage.room_id == room_id)
    return list(db.exec(query.order_by(BotMessage.id).limit(limit)).all())  # type: ignore[arg-type]
