"""What every record's life shares: the actions, who acts, and how a refusal is told."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

from commands.core import Context, Queued, UserError
from commands.render import Rich

ABSENT = "absent"  # a record that does not exist (yet, or any more: its creation was undone)


class Act(StrEnum):
    """What can happen to a record."""

    CREATE = "create"  # its command, a reaction that creates it
    EDIT = "edit"  # its command message edited (or a later command that updates it)
    SET = "set"  # a setting of it changed (a round's reaction values, a schedule)
    UNDO = "undo"  # the message or reaction that did ``Action.undoes`` removed, or edited into text
    CLOSE = "close"  # a round or an envelope closed by an admin
    DEADLINE = "deadline"  # a round's deadline passed (the timed job)
    CANCEL = "cancel"  # a bucket cancelled by its author or an admin
    COMPLETE = "complete"  # a funded bucket marked done
    WITHDRAW = "withdraw"  # a request withdrawn, a contribution removed with ``!annuler``
    REFUND = "refund"  # a funding given back (its bucket cancelled, or refunded at the close)


@dataclass(frozen=True)
class Action:
    kind: Act
    undoes: Act | None = None  # for ``UNDO``: the action that is undone

    def __str__(self) -> str:
        return f"undo {self.undoes}" if self.kind is Act.UNDO else str(self.kind)


def act(kind: Act) -> Action:
    return Action(kind)


def undo(of: Act) -> Action:
    return Action(Act.UNDO, of)


@dataclass(frozen=True)
class Actor:
    """Who acts: a person of the room (an admin or not), or the bot itself (a deadline)."""

    user: str
    admin: bool = False


@dataclass(frozen=True)
class Refusal:
    """Why an action may not happen: a catalogue key, its plain parameters, and the amounts
    (cents) and days it names, worded in the room's language when it is told."""

    key: str
    params: dict[str, Any] = field(default_factory=dict)
    money: dict[str, int] = field(default_factory=dict)
    dates: dict[str, dt.date] = field(default_factory=dict)
    people: dict[str, str] = field(default_factory=dict)  # user ids, told by their names
    texts: dict[str, str] = field(default_factory=dict)  # catalogue keys, told in the language


S = TypeVar("S")


class Speaks(Protocol):
    def t(self, key: str, /, **params: Any) -> str: ...

    def money(self, cents: int) -> str: ...

    def date(self, day: dt.date) -> str: ...

    def name(self, user_id: str) -> str: ...


def error(ctx: Speaks, refusal: Refusal) -> UserError:
    """The refusal as the ``UserError`` a handler raises."""
    return UserError(
        refusal.key,
        **refusal.params,
        **{k: ctx.money(v) for k, v in refusal.money.items()},
        **{k: ctx.date(v) for k, v in refusal.dates.items()},
        **{k: ctx.name(v) for k, v in refusal.people.items()},
        **{k: ctx.t(v) for k, v in refusal.texts.items()},
    )


def require(ctx: Speaks, result: S | Refusal) -> S:
    """The new state, or the refusal raised as a ``UserError``."""
    if isinstance(result, Refusal):
        raise error(ctx, result)
    return result


def refuse(ctx: Speaks, refusal: Refusal | None) -> None:
    """Raise ``refusal`` (if any) as a ``UserError``."""
    if refusal is not None:
        raise error(ctx, refusal)


def instant(value: dt.datetime) -> str:
    """An instant in UTC, in ISO form (as the database gives it back): what an undo compares and
    restores (``datetime.fromisoformat`` reads it)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat()


def local_day(now: dt.datetime, timezone: str) -> dt.date:
    return now.astimezone(ZoneInfo(timezone)).date()


def keep_scope(original: object, edited: object, what: str) -> Refusal | None:
    """An edit re-runs its command within the original's scope (``what``: ``envelope``,
    ``round``): naming another one is refused."""
    if original != edited:
        return Refusal(f"lifecycle.edit.scope_{what}")
    return None


def admin_only(actor: Actor, command: str) -> Refusal | None:
    """``command``: the command without its prefix (``tour fermer``)."""
    if not actor.admin:
        return Refusal("lifecycle.admin_only", {"command": command})
    return None


def tell_undo(ctx: Context, content: Rich | str) -> Queued:
    """Answer an undo, in the place of the message whose effect is undone (the outbox rule: a
    reply to it, or to what it answered once it is deleted)."""
    return ctx.reply(content)
