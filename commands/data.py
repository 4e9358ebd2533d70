"""A person's own data: ``!mesdonnees`` sends them (in a direct message) everything the bot holds
about them, as a JSON file and a readable summary; ``!oubliemoi``, confirmed with ✅, has the bot
forget them (``storage.forget``): their identity becomes a pseudonym everywhere, their free texts
are cleared, and every total, split and balance stays as it was.

Forgetting runs a moment after the ✅ (the next tick of the scheduler), in a transaction of its
own, so that it also covers the rows that handling the ✅ itself writes. Until then, removing the
✅ cancels it; after, nothing can bring the identity back.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlmodel import Session, col, select

from commands.core import Context, Queued, Registry, Settings, UserError
from commands.core.rooms import platform_of
from commands.declare import Declared
from commands.events import Message, Role
from commands.pending import offer
from storage.forget import forget_person, pseudonym_number
from storage.models import BotMessage, PendingAction, Room
from storage.models.pending import PENDING_DONE
from storage.personal import SECTIONS, personal_data

FAMILY = "data"
KIND_FORGET = "forget_me"  # a pending action: forget its sender once confirmed


def _in_direct(ctx: Context, tokens: list[str]) -> None:
    if not ctx.event.is_direct:
        raise UserError("data.mine.not_direct", prefix=ctx.settings.prefix)


MY_DATA = Declared("mesdonnees", family=FAMILY, before=_in_direct)
FORGET_ME = Declared("oubliemoi", family=FAMILY)


def register(reg: Registry) -> None:
    MY_DATA.register(reg)
    FORGET_ME.register(reg)
    reg.on_pending(KIND_FORGET, _confirmed, _unconfirmed)
    reg.on_tick(forget_confirmed)


# --------------------------------------------------------------------------- !mesdonnees


@MY_DATA.sub("send", path=())
def my_data(ctx: Context) -> None:
    doc = personal_data(ctx.db, ctx.sender, now=ctx.now)
    data = json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
    counts = {section: len(doc[section]) for section in SECTIONS}
    minutes = sum(int(c["minutes"]) for c in doc["contributions"])
    summary = ctx.t(
        "data.mine.summary",
        user=ctx.sender,
        name=doc["person"]["display_name"] or ctx.sender,
        duration=ctx.duration(minutes),
        prefix=ctx.settings.prefix,
        **counts,
    )
    ctx.send_file(f"mesdonnees-{ctx.today.isoformat()}.json", "application/json", data, summary)


# --------------------------------------------------------------------------- !oubliemoi


@FORGET_ME.sub("offer", path=())
def forget_me(ctx: Context) -> None:
    offer(
        ctx,
        KIND_FORGET,
        {"user": ctx.sender},
        ctx.t("data.forget.offer", prefix=ctx.settings.prefix),
    )


def _confirmed(ctx: Context, action: PendingAction, target: BotMessage) -> None:
    ctx.reply(ctx.t("data.forget.confirmed"))


def _unconfirmed(ctx: Context, action: PendingAction) -> bool:
    if "pseudonym" in (action.payload or {}):
        return False  # done: nothing brings the identity back
    ctx.reply(ctx.t("data.forget.cancelled", prefix=ctx.settings.prefix))
    return True


def forget_confirmed(
    db: Session, registry: Registry, settings: Settings, now: dt.datetime
) -> list[Queued]:
    """Forget everyone who confirmed ``!oubliemoi`` (a tick of the scheduler), and say so in
    the room, in reply to their command, naming only the pseudonym."""
    sent: list[Queued] = []
    waiting = db.exec(
        select(PendingAction.id)
        .where(PendingAction.kind == KIND_FORGET, PendingAction.state == PENDING_DONE)
        .order_by(col(PendingAction.id))
    ).all()
    for action_id in waiting:
        action = db.get(PendingAction, action_id)
        if action is None or "pseudonym" in (action.payload or {}):
            continue
        if pseudonym_number(action.sender) is not None:
            continue  # forgotten meanwhile (by an admin)
        done = forget_person(db, action.sender, now=now, event_id=action.resolved_event_id or "")
        action = db.get(PendingAction, action_id)  # read again: every row changed under it
        room = db.get(Room, action.room_id) if action is not None else None
        if action is None or room is None:
            continue
        action.payload = {**(action.payload or {}), "pseudonym": done.pseudonym}
        # the ✅ no longer ties anything to anyone: removing it later finds nothing
        action.resolved_event_id = None
        db.flush()
        event = Message(
            event_id=action.source_event_id,
            room_id=room.id,
            sender=done.pseudonym,
            role=Role.MEMBER,
            platform=platform_of(room),
            timestamp=now,
            body="",
        )
        ctx = Context(db, event, room, settings, now, registry)
        ctx.reply(ctx.t("data.forget.done", name=ctx.name(done.pseudonym)))
        sent.extend(ctx.sent)
    return sent
