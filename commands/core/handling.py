"""How the dispatcher handles each kind of event once it is in its savepoint: a command (and an
edit of one, by its sender only), a reaction on the bot's message, a removal (by its sender or an
admin), a message the bot cannot read."""

from __future__ import annotations

import hashlib
import logging
from typing import TYPE_CHECKING

from sqlmodel import select

from commands.core.context import Context
from commands.core.errors import UserError
from commands.core.record import NOT_A_COMMAND, OUTCOME_ERROR, OUTCOME_FORGED
from commands.core.registry import split_command
from commands.core.rooms import remember_member, remember_person
from commands.core.settings import Settings
from commands.events import MemberChanged, Message, ReactionAdded, Redacted, Unreadable
from storage.db import begin_savepoint
from storage.forget import pseudonym_number
from storage.models import Audit, BotMessage, ChatEvent

if TYPE_CHECKING:
    from commands.core.registry import Registry

# the dispatcher's log keeps the name it always had
log = logging.getLogger("commands.core")


class EventHandlers:
    """The dispatcher's handling of messages, reactions, removals and unreadable messages."""

    registry: Registry
    settings: Settings

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
            outcome = self._on_edit(ctx, event.edit_of, original, parts)
            if outcome is not None:
                return outcome
        if parts is None:
            return "ignored"
        word, args = parts
        return self._run_command(ctx, word, args)

    def _on_edit(
        self,
        ctx: Context,
        edit_of: str,
        original: ChatEvent | None,
        parts: tuple[str, str] | None,
    ) -> str | None:
        """An edit of a message by its sender. Edited into plain text, what the command created
        is undone (the outcome is returned); edited into another command, or a command that
        cannot be edited, it is refused; else ``None``: the edited command runs."""
        if parts is None:
            # the command was edited into plain text: undo what it created, and say so once
            # (the families say what they undid; if none did, a word that it is undone)
            said = len(ctx.sent)
            ctx.undoing = True
            if original is not None and self._undo(ctx, edit_of):
                if not any(q.kind == "text" for q in ctx.sent[said:]):
                    ctx.reply(ctx.t("core.edit_undone", cause=ctx.removal()))
                return "undo"
            return "undo" if self._nothing_left(ctx, edit_of) else "ignored"
        if original is not None and original.command not in NOT_A_COMMAND:
            cmd = self.registry.find(parts[0])
            if cmd is None or cmd.name != original.command or not cmd.editable:
                raise UserError("core.edit_not_supported", prefix=self.settings.prefix)
        return None

    def _run_command(self, ctx: Context, word: str, args: str) -> str:
        """Run the command ``word`` names, if it is one and the sender may run it."""
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
        savepoint = begin_savepoint(ctx.db)
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
