"""A room driven through the dispatcher, for the tests of each record's life: people (members
and admins) send commands, edit and delete them, react to the bot's cards and take reactions
back, while a settable clock moves and the timed jobs run. Every answer is delivered at once
(the bot's messages get platform ids, so that people can react to its cards)."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col, select

from bot.render import render_pending_now
from commands import build_registry
from commands.core import Dispatcher, Queued, Settings
from commands.events import AnyEvent, Message, ReactionAdded, Redacted, Role
from storage import clock as process_clock
from storage.db import transaction
from storage.models import BotMessage, ChatEvent

REGISTRY = build_registry()
NOON = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)  # Thursday 26 Nov 2026, 12:00 in Paris

# what the ledger is: every table but the trail of what was seen, said and audited, who is who,
# and the counters of numbers (never reused, so never given back by an undo)
NOT_THE_LEDGER = {
    "chatevent",
    "botmessage",
    "audit",
    "person",
    "member",
    "room_counter",
    "pending_action",
    "recapsent",
    "matrix_account",
    "adapter_cursor",
    "alembic_version",
}


@dataclass
class Sent:
    """An event sent to the room: its id and the texts the bot answered."""

    event_id: str
    texts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


class Room:
    def __init__(self, engine: Engine, room_id: str = "!r", now: dt.datetime = NOON) -> None:
        self.engine = engine
        self.room_id = room_id
        self.now = now
        self.admins: set[str] = {"@root"}
        self.dispatcher = Dispatcher(engine, REGISTRY, Settings(), clock=lambda: self.now)
        self._ids = itertools.count(1)

    # -- events --------------------------------------------------------------------------------
    def _id(self, prefix: str) -> str:
        return f"${prefix}{next(self._ids)}"

    def role(self, who: str) -> Role:
        return Role.ADMIN if who in self.admins else Role.MEMBER

    def handle(self, event: AnyEvent) -> list[str]:
        with process_clock.using(lambda: self.now):
            sent = self.dispatcher.handle(event, self.now)
        texts = self._rendered(sent)
        self.deliver()
        return texts

    def _rendered(self, sent: list[Queued]) -> list[str]:
        """The texts of ``sent``, once what is worded after the transaction is (as the runtime
        does before delivering them)."""
        if not any(q.rendering for q in sent):
            return [q.body for q in sent if q.kind == "text"]
        with process_clock.using(lambda: self.now):
            render_pending_now(self.engine, REGISTRY, self.dispatcher.settings)
        with Session(self.engine) as db:
            rows = {
                m.id: m
                for m in db.exec(
                    select(BotMessage).where(col(BotMessage.id).in_([q.id for q in sent]))
                ).all()
            }
        return [
            rows[q.id].body
            for q in sent
            if q.id in rows and rows[q.id].kind == "text" and rows[q.id].sent_at is None
        ]

    def say(self, who: str, body: str) -> Sent:
        event_id = self._id("m")
        return Sent(event_id, self.handle(self._message(event_id, who, body)))

    def edit(self, who: str, target: str, body: str) -> Sent:
        event_id = self._id("e")
        event = self._message(event_id, who, body, edit_of=target)
        return Sent(event_id, self.handle(event))

    def react(self, who: str, target: str, key: str) -> Sent:
        """React ``key`` to the bot's message ``target`` (its platform id)."""
        event_id = self._id("x")
        event = ReactionAdded(
            platform="console",
            event_id=event_id,
            room_id=self.room_id,
            sender=who,
            sender_name=who.lstrip("@").title(),
            role=self.role(who),
            target_event_id=target,
            key=key,
            timestamp=self.now,
        )
        return Sent(event_id, self.handle(event))

    def remove(self, who: str, target: str) -> Sent:
        """Delete the message ``target``, or take the reaction ``target`` back."""
        event_id = self._id("d")
        event = Redacted(
            platform="console",
            event_id=event_id,
            room_id=self.room_id,
            sender=who,
            role=self.role(who),
            target_event_id=target,
            timestamp=self.now,
        )
        return Sent(event_id, self.handle(event))

    def tick(self) -> list[str]:
        """The timed jobs run (a round whose deadline passed closes)."""
        out = []
        with process_clock.using(lambda: self.now):
            for hook in REGISTRY.tick_hooks:
                with transaction(self.engine) as db:
                    out += hook(db, REGISTRY, self.dispatcher.settings, self.now)
        texts = self._rendered(out)
        self.deliver()
        return texts

    def _message(self, event_id: str, who: str, body: str, edit_of: str | None = None) -> Message:
        return Message(
            platform="console",
            event_id=event_id,
            room_id=self.room_id,
            sender=who,
            sender_name=who.lstrip("@").title(),
            role=self.role(who),
            body=body,
            timestamp=self.now,
            edit_of=edit_of,
            edit_of_sender=who if edit_of else None,
        )

    # -- what the bot said -------------------------------------------------------------------------
    def deliver(self) -> None:
        with Session(self.engine) as db:
            waiting = db.exec(select(BotMessage).where(col(BotMessage.sent_at).is_(None))).all()
            for m in waiting:
                m.sent_at, m.platform_id = self.now, f"$b{m.id}"
                db.add(m)
            db.commit()

    def card(self, kind: str, ref_id: object) -> str:
        """The platform id of the bot's message tied to an object (a bucket's card)."""
        with Session(self.engine) as db:
            found = db.exec(
                select(BotMessage.platform_id)
                .where(BotMessage.ref_kind == kind, BotMessage.ref_id == str(ref_id))
                .order_by(col(BotMessage.id))
            ).first()
        assert found is not None, (kind, ref_id)
        return found

    def outcome(self, event_id: str) -> str | None:
        with Session(self.engine) as db:
            row = db.get(ChatEvent, event_id)
            return row.command if row is not None else None

    def rows(self, model: Any) -> list[Any]:
        with Session(self.engine) as db:
            return list(db.exec(select(model).order_by(model.id)).all())


def ledger(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the ledger, every field: what an exact undo gives back. A month whose
    totals came back to nothing counts as no row (the triggers leave it at zero)."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in NOT_THE_LEDGER:
                continue
            query = sa_select(table).order_by(*table.primary_key.columns)
            if table.name == "contribution_month":
                query = query.where(table.c["count"] != 0)
            out[table.name] = [tuple(row) for row in conn.execute(query)]
    return out


def changed(
    before: dict[str, list[tuple[Any, ...]]], after: dict[str, list[tuple[Any, ...]]]
) -> dict[str, Any]:
    """The tables whose rows differ, with the rows only on each side (for assertion messages)."""
    out = {}
    for name in before.keys() | after.keys():
        a, b = set(before.get(name, [])), set(after.get(name, []))
        if a != b:
            out[name] = {"gone": sorted(a - b, key=repr), "new": sorted(b - a, key=repr)}
    return out
