"""Actions awaiting their author's confirmation.

When the bot is not sure of what a command meant (a word that looks like an unknown project
code, say), it stores nothing and answers with what it understood; if one reading is plausible,
``offer`` records it as a ``PendingAction`` and puts ✅ on the answer. The command's sender, and
only them, confirms it by reacting ✅ there: the action's kind (registered with
``Registry.on_pending``) applies it once, tied to the command message, so that editing or
deleting that message later changes or undoes the result as for any command.

The life of a pending action:

- ``open`` -> ``done``: its sender reacts ✅ (anyone else's reaction changes nothing);
- ``done`` -> ``open``: the sender removes their ✅; what it did is undone;
- ``open`` or ``done`` -> ``dropped``: the command message is edited (the edited text is
  handled on its own; what the ✅ did then belongs to the message) or deleted.

Each step is an audit row.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import insert, or_
from sqlmodel import col, select

from commands.core import Context, Registry
from commands.events import Message, ReactionAdded
from commands.render import Rich
from storage.db import connection_of
from storage.models import BotMessage, ChatEvent, PendingAction
from storage.models.pending import PENDING_DONE, PENDING_DROPPED, PENDING_OPEN

log = logging.getLogger(__name__)

REF_KIND = "pending"
CONFIRM = "✅"
CONFIRM_KEYS = frozenset({"✅", "✔", "☑", "✓"})


def _is_confirmation(key: str) -> bool:
    return key.replace("\ufe0f", "").strip() in CONFIRM_KEYS


def register(reg: Registry) -> None:
    reg.on_reaction(REF_KIND)(on_reaction)
    reg.on_undo(on_undo, always=True)
    reg.on_edit(on_edit)


def offer(
    ctx: Context,
    kind: str,
    payload: dict[str, Any],
    text: Rich | str,
    *,
    audited: dict[str, Any] | None = None,
) -> int:
    """Store nothing yet: answer ``text`` (which says what ✅ would do) with ✅ on it, and
    remember ``payload`` (what was understood, JSON) until the sender confirms. The audit row
    records ``payload``, or ``audited`` when given (what it says of a large payload). Returns
    the pending action's id (written by one plain insert)."""
    if kind not in ctx.registry.pending_kinds:
        raise ValueError(f"no pending action kind {kind!r}")
    if ctx.source_event_id != ctx.event.event_id:
        # an edit of the command: the offer its earlier text made is replaced (a new message
        # has made none: it is handled once, and its first try, refused, was rolled back)
        for earlier in _actions(ctx, source=ctx.source_event_id, states=(PENDING_OPEN,)):
            _drop(ctx, earlier, "replaced")
    ctx.db.flush()  # the drops are written first
    key = (
        connection_of(ctx.db)
        .execute(
            _INSERT_ACTION,
            {
                "room_id": ctx.room.id,
                "kind": kind,
                "source_event_id": ctx.source_event_id,
                "sender": ctx.sender,
                "payload": payload,
                "state": PENDING_OPEN,
                "created_at": ctx.now,
            },
        )
        .inserted_primary_key
    )
    assert key is not None
    action_id = int(key[0])
    ctx.audit(
        "offer",
        "pending_action",
        action_id,
        kind=kind,
        payload=payload if audited is None else audited,
    )
    answer = ctx.reply(text, ref=(REF_KIND, action_id))
    ctx.react(CONFIRM, on=answer)
    return action_id


_INSERT_ACTION = insert(PendingAction.__table__)  # type: ignore[attr-defined]


def _actions(
    ctx: Context,
    *,
    source: str | None = None,
    resolved_by: str | None = None,
    states: tuple[str, ...],
) -> list[PendingAction]:
    query = select(PendingAction).where(
        PendingAction.room_id == ctx.room.id, col(PendingAction.state).in_(states)
    )
    if source is not None:
        query = query.where(PendingAction.source_event_id == source)
    if resolved_by is not None:
        query = query.where(PendingAction.resolved_event_id == resolved_by)
    return list(ctx.db.exec(query.order_by(col(PendingAction.id))).all())


def _drop(ctx: Context, action: PendingAction, reason: str) -> None:
    before = action.state
    action.state = PENDING_DROPPED
    action.resolved_at = ctx.now
    action.resolved_event_id = ctx.event.event_id
    ctx.audit("drop", "pending_action", action.id, kind=action.kind, reason=reason, was=before)


# --------------------------------------------------------------------------- ✅


def on_reaction(ctx: Context, target: BotMessage, key: str) -> bool:
    """✅ on an offer: its sender confirms it (once)."""
    if not _is_confirmation(key) or target.ref_id is None or not target.ref_id.isdigit():
        return False
    action = ctx.db.get(PendingAction, int(target.ref_id))
    if action is None or action.room_id != ctx.room.id:
        return False
    if ctx.sender != action.sender:
        log.info(
            "%s reacted to %s's pending action %s: ignored", ctx.sender, action.sender, action.id
        )
        return False
    if action.state == PENDING_DONE:
        return False  # confirmed already: a second ✅ changes nothing
    if action.state == PENDING_DROPPED:
        ctx.reply(ctx.t("pending.gone"))
        return True
    kind = ctx.registry.pending_kinds.get(action.kind)
    if kind is None:
        log.warning("pending action %s has an unknown kind %r", action.id, action.kind)
        return False
    ctx.audit("confirm", "pending_action", action.id, kind=action.kind)
    kind.apply(ctx, action, target)
    # after what it applied: the action's row is written once
    action.state = PENDING_DONE
    action.resolved_at = ctx.now
    action.resolved_event_id = ctx.event.event_id
    return True


# --------------------------------------------------------------------------- undoing


def on_undo(ctx: Context, target_event_id: str) -> bool:
    """A ✅ was removed (what it did is undone, the offer is open again), or the command
    message was deleted or edited into plain text (its offer no longer holds)."""
    record = ctx.db.get(ChatEvent, target_event_id)
    if record is not None and not _may_hold_actions(ctx, record):
        return False
    # every action the removed event confirmed or made, in one query
    actions = list(
        ctx.db.exec(
            select(PendingAction)
            .where(
                PendingAction.room_id == ctx.room.id,
                or_(
                    col(PendingAction.resolved_event_id) == target_event_id,
                    col(PendingAction.source_event_id) == target_event_id,
                ),
            )
            .order_by(col(PendingAction.id))
        ).all()
    )
    undone = False
    for action in actions:
        if action.resolved_event_id != target_event_id or action.state != PENDING_DONE:
            continue
        kind = ctx.registry.pending_kinds.get(action.kind)
        if kind is not None:
            kind.undo(ctx, action)
        action.state = PENDING_OPEN
        action.resolved_at = None
        action.resolved_event_id = None
        ctx.audit("unconfirm", "pending_action", action.id, kind=action.kind)
        undone = True
    withdrawn = False
    for action in actions:
        if action.source_event_id != target_event_id or action.state not in (
            PENDING_OPEN,
            PENDING_DONE,
        ):
            continue
        was_open = action.state == PENDING_OPEN
        _drop(ctx, action, "removed")
        withdrawn = withdrawn or was_open
    if isinstance(ctx.event, Message):
        # the message was edited into plain text: ``on_edit`` dropped its offers already
        dropped = [
            a
            for a in actions
            if a.source_event_id == target_event_id
            and a.resolved_event_id == ctx.event.event_id
            and a.state == PENDING_DROPPED
        ]
        withdrawn = withdrawn or any("applied" not in a.payload for a in dropped)
        undone = undone or bool(dropped)
    if withdrawn:
        ctx.reply(ctx.t("pending.withdrawn", cause=ctx.removal()))
    return undone or withdrawn


def _may_hold_actions(ctx: Context, record: ChatEvent) -> bool:
    """Whether a handled event may have confirmed an offer (a ✅ on one) or made one (a command
    of a family that offers, the family of a registered pending kind; or an event whose
    handling says no command, refused or crashed, that an edit may have made one of)."""
    if record.kind == ReactionAdded.__name__:
        return record.command == f"reaction:{REF_KIND}"
    module = ctx.registry.module_of(record.command)
    if module is None:
        return True
    return any(k.apply.__module__ == module for k in ctx.registry.pending_kinds.values())


def on_edit(ctx: Context, original_event_id: str) -> None:
    """The command message was edited: what its earlier text left waiting no longer holds,
    and what a ✅ did is now the message's (the edited command updates or undoes it)."""
    record = ctx.db.get(ChatEvent, original_event_id)
    if record is not None and not _may_hold_actions(ctx, record):
        return
    for action in _actions(ctx, source=original_event_id, states=(PENDING_OPEN, PENDING_DONE)):
        _drop(ctx, action, "edited")
