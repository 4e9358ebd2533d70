"""Commands, reaction handlers, undo hooks and the other hooks of the families; built once by
``commands.build_registry``."""

from __future__ import annotations

import datetime as dt
import difflib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from sqlmodel import Session

from commands import i18n
from commands.core.texts import RecapScope
from commands.grammar import fold
from commands.render import Rich
from storage.models import BotMessage, PendingAction

if TYPE_CHECKING:
    from commands.core.context import Context
    from commands.core.outbox import Queued
    from commands.core.settings import Settings


class ContributionListener(Protocol):
    def __call__(self, ctx: Context, touched: list[tuple[int | None, dt.date]]) -> None: ...


class TickHook(Protocol):
    def __call__(
        self, db: Session, registry: Registry, settings: Settings, now: dt.datetime
    ) -> list[Queued]: ...


class RecapSection(Protocol):
    def __call__(self, scope: RecapScope) -> Rich | None: ...


Handler = Callable[["Context", str], None]


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
    aliases: tuple[str, ...] = ()  # the other words that call it, from the catalogue
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
        admin_only: bool = False,
        editable: bool = False,
        hidden: bool = False,
    ) -> Callable[[Handler], Handler]:
        def deco(fn: Handler) -> Handler:
            # its words are the catalogue's (``commands.ftl``), every language's in every room
            words = [name]
            for lang in i18n.LANGUAGES:
                words += [w for w in i18n.command_words(lang).get(name, ()) if w not in words]
            cmd = Command(name, fn, family, tuple(words[1:]), admin_only, editable, hidden)
            if fold(name) in self.commands:
                raise ValueError(f"command word {name!r} registered twice")
            for word in words:
                if self.commands.setdefault(fold(word), cmd) is not cmd:
                    raise ValueError(f"command word {word!r} names two commands")
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
