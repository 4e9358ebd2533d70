"""The arguments of ``!contrib`` (``commands.declare``): a duration, a date and a project that
stand anywhere, and the description, the words left as typed. Each refuses what the grammar
refuses where it stands, so that the first word that does not read is the one answered: a
negative duration, a date that does not exist (never a word of the description), a date
without its year further back than the room allows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from commands.args import Rest, Taken
from commands.core import Context, UserError
from commands.grammar import is_contrib_project, match_contrib_duration, match_date
from commands.projects import known_codes
from commands.refusals import date_refusal, needs_year


def _impossible_date(ctx: Context, tokens: list[str], start: int) -> UserError | None:
    """The refusal of a date that does not exist at ``tokens[start]``, if one stands there."""
    found = match_date(tokens, start, ctx.today)
    if found is None or found.day is not None:
        return None
    return date_refusal(found.error, " ".join(tokens[start : start + found.used]))


@dataclass(frozen=True)
class ContribDuration:
    """The duration, in minutes (``3h30``, ``45 min``, ``2j``); a negative one is refused."""

    placeholder: str = "duration"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        found = match_contrib_duration(tokens, start, ctx.room.day_minutes)
        if found is None:
            return None
        duration, used = found
        if duration.negative:
            raise UserError(
                "contrib.error.negative", token=tokens[start], prefix=ctx.settings.prefix
            )
        return duration.minutes, used


@dataclass(frozen=True)
class ContribDay:
    """The day (``hier``, ``12/11``, ``12 novembre``); without its year, no further back than
    the room allows (``Room.max_past_days``)."""

    placeholder: str = "date"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        found = match_date(tokens, start, ctx.today)
        if found is None:
            return None
        typed = " ".join(tokens[start : start + found.used])
        if found.day is None:
            raise date_refusal(found.error, typed)
        day: dt.date = found.day
        if (ctx.today - day).days > ctx.room.max_past_days and not found.year_given:
            raise needs_year(ctx, typed, day)
        return day, found.used


@dataclass(frozen=True)
class ContribProject:
    """The project's word as typed (``#KPA``, or a known code: ``KPA``); the handler looks it
    up. A date that does not exist is not a project: it is refused as a date."""

    placeholder: str = "project"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if start >= len(tokens) or _impossible_date(ctx, tokens, start) is not None:
            return None
        return (tokens[start], 1) if is_contrib_project(tokens[start], known_codes(ctx)) else None


@dataclass(frozen=True)
class Description(Rest):
    """The description: the words left, as typed; a date that does not exist is refused
    rather than described."""

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        refused = _impossible_date(ctx, tokens, start)
        if refused is not None:
            raise refused
        return super().take(ctx, tokens, start)
