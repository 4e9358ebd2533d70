"""Typed arguments of declared commands (``commands.declare``): each converter reads one value at
a position of the command's words, with the grammar of ``commands.grammar``, and refuses what
the grammar refuses with the shared answers of ``commands.refusals``.

A converter's ``take(ctx, tokens, start)`` gives the value and how many words it used, or
``None`` when the words there are not what it reads (the framework then says what to type). Its
``placeholder`` names it in usage lines: ``<durée>`` is the catalogue text
``declare-arg-duration``.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from commands import i18n
from commands.core import Context
from commands.grammar import (
    Amount,
    Duration,
    Period,
    fold,
    match_amount,
    match_date,
    match_period,
    mention_id,
    parse_days,
    parse_duration,
    parse_int,
    parse_percent,
)
from commands.refusals import check_amount, checked_date, checked_period

if TYPE_CHECKING:
    from storage.models import BudgetEnvelope, Project

Taken = tuple[Any, int] | None


class Converter(Protocol):
    """Reads one argument at ``tokens[start]``."""

    @property
    def placeholder(self) -> str: ...

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken: ...


@dataclass(frozen=True)
class Token:
    """One word, as typed (``Europe/Paris``, ``en``)."""

    placeholder: str = "word"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        return (tokens[start], 1) if start < len(tokens) else None


@dataclass(frozen=True)
class Text:
    """Free text: every word left, joined by spaces (quotes already removed)."""

    placeholder: str = "text"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        rest = tokens[start:]
        return (" ".join(rest), len(rest)) if rest else None


@dataclass(frozen=True)
class Rest:
    """The words that no other argument of the subcommand reads, wherever they stand, as typed
    and in order (quotes and all): the description among a duration and a date. The others may
    then stand anywhere (``commands.declare``): each word is offered to them first, and left to
    this one when none reads it. ``take`` says how many words it leaves to the text (one; a
    subclass may refuse a word that must never be text)."""

    placeholder: str = "text"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        return (tokens[start], 1) if start < len(tokens) else None


@dataclass(frozen=True)
class Words:
    """Every word left, as a list (for a handler that reads them with rules of its own)."""

    placeholder: str = "text"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        rest = tokens[start:]
        return (list(rest), len(rest)) if rest else None


@dataclass(frozen=True)
class Choice:
    """One of the words of ``words-<key>`` (every language): the value is ``key``. The
    placeholder is the word of the room's language (see ``declare.shown_arg``)."""

    key: str

    @property
    def placeholder(self) -> str:
        return f"word:{self.key}"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if start < len(tokens) and fold(tokens[start]) in {fold(w) for w in i18n.words(self.key)}:
            return self.key, 1
        return None


@dataclass(frozen=True)
class Either:
    """What the first of ``converters`` that reads gives (``toujours`` or ``90j``)."""

    first: Converter
    second: Converter
    placeholder: str = "word"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        found = self.first.take(ctx, tokens, start)
        return found if found is not None else self.second.take(ctx, tokens, start)


@dataclass(frozen=True)
class DurationArg:
    """A duration (``7h``, ``1h30``, ``2j``: a day is the room's day length); with ``most``
    (minutes), a positive one up to ``most`` only."""

    placeholder: str = "duration"
    most: int | None = None

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if start >= len(tokens):
            return None
        day = ctx.room.day_minutes
        for size in (2, 1):  # 6 h / 1h 30, or 7h
            if start + size <= len(tokens):
                found = parse_duration(" ".join(tokens[start : start + size]), day)
                if found is not None:
                    return (found, size) if self._fits(found) else None
        return None

    def _fits(self, found: Duration) -> bool:
        if self.most is None:
            return True
        return not found.negative and 0 < found.minutes <= self.most


@dataclass(frozen=True)
class Days:
    """A number of days, or weeks, months, years (``90j``, ``2ans``), from ``least`` to
    ``most``."""

    placeholder: str = "days"
    least: int = 0
    most: int | None = None

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if start >= len(tokens):
            return None
        for size in (2, 1):  # 2 ans, or 90j
            if start + size <= len(tokens):
                days = parse_days(" ".join(tokens[start : start + size]))
                if days is not None:
                    return (days, size) if self._fits(days) else None
        return None

    def _fits(self, days: int) -> bool:
        return days >= self.least and (self.most is None or days <= self.most)


@dataclass(frozen=True)
class Number:
    """A whole number from ``minimum`` to ``maximum`` (``#3`` reads as 3)."""

    placeholder: str = "number"
    minimum: int = 0
    maximum: int = 2**31 - 1

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if start >= len(tokens):
            return None
        value = parse_int(tokens[start], minimum=self.minimum, maximum=self.maximum)
        return (value, 1) if value is not None else None


@dataclass(frozen=True)
class Percent:
    """A percentage (``10%``, ``12,5 %``, ``10``) in basis points, from ``least`` to ``most``."""

    placeholder: str = "percent"
    least: int = 0
    most: int = 10000

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if start >= len(tokens):
            return None
        bp = parse_percent(tokens[start])
        if bp is None or not self.least <= bp <= self.most:
            return None
        return bp, 2 if tokens[start + 1 : start + 2] == ["%"] else 1


@dataclass(frozen=True)
class BucketRef:
    """A bucket's number in the room (``3``, ``#3``)."""

    placeholder: str = "bucket"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        return Number().take(ctx, tokens, start)


@dataclass(frozen=True)
class RequestNumber:
    """A budget request's number (``3``, ``#3``), as typed."""

    placeholder: str = "request"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if start >= len(tokens) or parse_int(tokens[start].lstrip("#")) is None:
            return None
        return tokens[start], 1


@dataclass(frozen=True)
class Money:
    """An amount (``12,50€``, ``EUR 12``, ``1 000 €``); a doubtful one is refused with its
    readings."""

    placeholder: str = "amount"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        found = match_amount(tokens, start)
        if found is None:
            return None
        amount: Amount = found[0]
        check_amount(ctx, amount, " ".join(tokens[start : start + found[1]]))
        return amount, found[1]


@dataclass(frozen=True)
class Day:
    """A date (``hier``, ``lundi``, ``12/11``, ``2026-11-12``, ``12 novembre``)."""

    placeholder: str = "date"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        found = match_date(tokens, start, ctx.today)
        if found is None:
            return None
        day: dt.date = checked_date(found, " ".join(tokens[start : start + found.used]))
        return day, found.used


@dataclass(frozen=True)
class PeriodArg:
    """A period (``novembre``, ``2026``, ``semaine dernière``, ``du 01/10 au 30/11``)."""

    placeholder: str = "period"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        found = match_period(tokens, start, ctx.today)
        if found is None or found.used == 0:
            return None
        period: Period = checked_period(found, " ".join(tokens[start : start + found.used]))
        return period, found.used


@dataclass(frozen=True)
class Mention:
    """A mention (``@bob``, ``@bob:server``): the id the platform said it stands for, else the
    id as typed; nobody is looked up in the room."""

    placeholder: str = "person"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        from commands.people import names_someone, said_mention

        if start >= len(tokens) or not names_someone(ctx, tokens[start]):
            return None
        said = said_mention(ctx, tokens[start])
        return (said.user_id if said is not None else mention_id(tokens[start])), 1


@dataclass(frozen=True)
class Person:
    """A member of the room named by a mention (``@bob``); an unknown or doubtful name is
    refused with the people it could be (``commands.people``)."""

    placeholder: str = "person"
    include_left: bool = False

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        from commands.people import names_someone, resolve_person

        if start >= len(tokens) or not names_someone(ctx, tokens[start]):
            return None
        return resolve_person(ctx, tokens[start], include_left=self.include_left), 1


@dataclass(frozen=True)
class ProjectRef:
    """One of the room's projects (``KPA``, ``#KPA``). ``strict``: any word there names a
    project, and an unknown one is refused with the close codes
    (``commands.projects.resolve_project``); otherwise only a known code reads. ``archived``:
    an archived project reads too."""

    placeholder: str = "project"
    strict: bool = True
    archived: bool = False

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if start >= len(tokens):
            return None
        from commands.projects import find_project, resolve_project

        found = find_project(ctx, tokens[start])
        if found is not None and (self.archived or not found.archived):
            return found, 1
        if not self.strict:
            return None
        project: Project = resolve_project(ctx, tokens[start])
        return project, 1


# what ``EnvelopeRef`` read for the command being handled: each reading of its words reads it once
_ENVELOPES: weakref.WeakKeyDictionary[Context, dict[str, tuple[Project, BudgetEnvelope | None]]]
_ENVELOPES = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class EnvelopeRef:
    """A project's code or a budget envelope's number (``KPA``, ``#3``): the project and the
    envelope ``#N`` named (``commands.budget.envelope_refs.project_of``); an unknown one is
    refused with the close codes, or the numbers."""

    placeholder: str = "envelope"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if start >= len(tokens):
            return None
        from commands.budget.envelope_refs import project_of

        read = _ENVELOPES.setdefault(ctx, {})
        if tokens[start] not in read:
            read[tokens[start]] = project_of(ctx, tokens[start])
        return read[tokens[start]], 1
