"""The cobudget family's words (what a command's arguments may say), its constants, the
parsing of amounts and deadlines they share, and the converters its declared commands read
their arguments with (``commands.declare``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from commands import i18n
from commands.args import Taken
from commands.core import Context, UserError
from commands.grammar import Amount, fold, is_mention, match_amount, match_date
from commands.people import is_group_mention, resolve_person
from commands.refusals import check_amount, checked_date
from storage.models.cobudget import (
    BUCKET_CANCELLED,
    BUCKET_COMPLETED,
    BUCKET_FUNDED,
    BUCKET_OPEN,
    BUCKET_REFUNDED,
)

FAMILY = "buckets"
DEFAULT_REACTIONS: dict[str, int] = {"💶": 500, "💰": 2000}
CLOSE_TO_GOAL_PERCENT = 75
BAR_CELLS = 10

# the words that introduce a deadline, a most and a goal (``words.ftl``, every language), folded
_DEADLINE_WORDS = frozenset(fold(w) for w in i18n.words("cobudget.deadline"))
_MAX_WORDS = frozenset(fold(w) for w in i18n.words("cobudget.max"))
_MIN_WORDS = frozenset(fold(w) for w in i18n.words("cobudget.min"))


# the order in which a round's buckets are counted: from the living to the ended
STATE_ORDER = (BUCKET_OPEN, BUCKET_FUNDED, BUCKET_COMPLETED, BUCKET_CANCELLED, BUCKET_REFUNDED)

BUCKET_LIST = "bucket_list"  # the render job of ``!buckets`` (``commands.deferred``)
CLOSE_ANSWER = "round_closed"  # the render job of ``!tour fermer``: its cards and answer
ALLOCATED = "allocated"  # the render job of ``!allouer tous`` / ``contributions``

BOT_ACTOR = "bot"  # who the audit names for what the bot does on its own (a deadline)


# --------------------------------------------------------------------------- parsing


def _amount(ctx: Context, tokens: list[str], i: int) -> tuple[Amount, int] | None:
    found = match_amount(tokens, i)
    if found is None:
        return None
    amount, used = found
    check_amount(ctx, amount, " ".join(tokens[i : i + used]))
    if amount.currency and amount.currency != ctx.room.currency:
        raise UserError(
            "buckets.error.currency", currency=amount.currency, room_currency=ctx.room.currency
        )
    if amount.negative:
        raise UserError("buckets.error.negative", prefix=ctx.settings.prefix)
    return amount, used


def _deadline(ctx: Context, tokens: list[str], i: int) -> tuple[dt.date, int] | None:
    found = match_date(tokens, i, ctx.today)
    if found is None:
        return None
    day = checked_date(found, " ".join(tokens[i : i + found.used]))
    if day < ctx.today and not found.year_given:
        # "jusqu'au 31/01" said in December: next year's
        try:
            day = day.replace(year=day.year + 1)
        except ValueError:
            return None
    return day, found.used


# --------------------------------------------------------------------------- converters


@dataclass(frozen=True)
class RoomAmount:
    """An amount in the room's currency, not negative (``12,50€``, ``EUR 12``); another
    currency, a negative or a doubtful amount is refused."""

    placeholder: str = "amount"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        return _amount(ctx, tokens, start)


@dataclass(frozen=True)
class Title:
    """A title: the words up to the first amount that follows one of them (every word left
    when none does); ``dropped``: a word that may stand between the title and the amount
    (``objectif``), not part of the title."""

    placeholder: str = "title"
    dropped: frozenset[str] = frozenset()

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if start >= len(tokens):
            return None
        end = start + 1
        while end < len(tokens) and match_amount(tokens, end) is None:
            end += 1
        words = tokens[start:end]
        if end < len(tokens) and fold(words[-1]) in self.dropped:
            words = words[:-1]
        title = " ".join(words).strip()
        return (title, end - start) if title else None


@dataclass(frozen=True)
class Member:
    """A member of the room named by a mention (``@bob``). ``group``: what a mention of the
    whole room (``@room``) reads as; without it, such a mention is refused."""

    placeholder: str = "person"
    include_left: bool = False
    group: str | None = None

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if start >= len(tokens) or not is_mention(tokens[start]):
            return None
        if is_group_mention(tokens[start]):
            if self.group is None:
                raise UserError(
                    "buckets.error.group_mention", token=tokens[start], prefix=ctx.settings.prefix
                )
            return self.group, 1
        return resolve_person(ctx, tokens[start], include_left=self.include_left), 1


@dataclass(frozen=True)
class Deadline:
    """A deadline: ``jusqu'au 31/12``, ``until 31/12``; a date said without its year that has
    passed is next year's. The word read without a date after it is refused."""

    placeholder: str = "deadline"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if start >= len(tokens) or fold(tokens[start]) not in _DEADLINE_WORDS:
            return None
        found = _deadline(ctx, tokens, start + 1)
        if found is None:
            raise UserError(
                "buckets.error.bad_deadline",
                token=" ".join(tokens[start:]),
                prefix=ctx.settings.prefix,
            )
        return found[0], 1 + found[1]


@dataclass(frozen=True)
class Maximum:
    """A bucket's maximum: ``max 200€``; the word without an amount after it is refused."""

    placeholder: str = "maximum"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if start >= len(tokens) or fold(tokens[start]) not in _MAX_WORDS:
            return None
        found = _amount(ctx, tokens, start + 1)
        if found is None:
            raise UserError("buckets.error.bad_max", word=tokens[start], prefix=ctx.settings.prefix)
        return found[0], 1 + found[1]


@dataclass(frozen=True)
class ReactionValue:
    """What a reaction is worth: ``💶=5€`` or ``💶 5€``, as ``(key, cents)``; anything else
    there is refused."""

    placeholder: str = "reaction"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if start >= len(tokens):
            return None
        key, sep, rest = tokens[start].partition("=")
        key = key.strip()
        if sep and rest:
            amount = _amount(ctx, [rest], 0)
            used = 1
        else:
            amount = _amount(ctx, tokens, start + 1) if key else None
            used = 1 + (amount[1] if amount else 0)
        if not key or amount is None or amount[0].cents <= 0 or len(key) > 32:
            raise UserError("buckets.usage.reactions", prefix=ctx.settings.prefix)
        return (key, amount[0].cents), used
