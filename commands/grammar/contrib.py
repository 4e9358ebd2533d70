"""What ``!contrib`` reads: a duration, a date, a project anywhere; the rest is the description."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from commands.grammar.dates import match_date
from commands.grammar.durations import RE_NUMBER, RE_UNIT, Duration, parse_duration
from commands.grammar.mentions import is_mention, is_tag, mention_id
from commands.grammar.text import fold, join_spans, tokenize_spans


@dataclass
class ContribParse:
    """What ``!contrib`` understood. ``error`` names the first problem (a message key suffix):
    ``negative``, ``missing_duration``, a date's error (``IMPOSSIBLE``, ``OUT_OF_RANGE``), or
    ``NEEDS_YEAR``; ``bad_token`` is what was written there."""

    minutes: int | None = None
    day: dt.date | None = None
    day_given: bool = False
    project_token: str | None = None  # "#KPA" or a bare word that matched a known code
    description: str = ""
    user: str | None = None
    error: str | None = None
    bad_token: str | None = None
    tokens: list[str] = field(default_factory=list)


# a date without its year that is further back than the room allows (``Room.max_past_days``)
NEEDS_YEAR = "needs_year"


def match_contrib_duration(
    tokens: list[str], start: int, day_minutes: int = 7 * 60
) -> tuple[Duration, int] | None:
    """The duration of ``!contrib`` at ``tokens[start]`` and how many words it takes: one
    (``3h30``, ``-2h``), or a number and its unit (``45 min``); ``None`` if none is there."""
    if start >= len(tokens):
        return None
    tok = tokens[start]
    dur = parse_duration(tok, day_minutes)
    if dur is not None:
        return dur, 1
    if start + 1 < len(tokens) and RE_NUMBER.match(tok) and RE_UNIT.match(fold(tokens[start + 1])):
        dur = parse_duration(tok + tokens[start + 1], day_minutes)
        if dur is not None:
            return dur, 2
    return None


def is_contrib_project(token: str, known_codes: set[str] | frozenset[str]) -> bool:
    """Whether a word of ``!contrib`` names its project: a tag (``#KPA``) or a known code
    (``known_codes``, folded)."""
    return is_tag(token) or fold(token) in known_codes


def parse_contrib(
    args: str,
    *,
    today: dt.date,
    known_codes: set[str] | frozenset[str] = frozenset(),
    day_minutes: int = 7 * 60,
    max_past_days: int | None = None,
) -> ContribParse:
    """Read the arguments of ``!contrib``: ``[@user] <duration> [date] [#TAG|CODE] description``.

    The duration, date and project may be anywhere; the remaining words are the description.
    ``known_codes`` are the room's project codes, folded. A date that does not exist or is out of
    range is an error, never a word of the description; so is a date without its year further
    back than ``max_past_days``. Never raises.
    """
    spans = tokenize_spans(args)
    tokens = [tok for tok, _, _ in spans]
    result = ContribParse(tokens=tokens)
    rest: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if result.user is None and not rest and result.minutes is None and is_mention(tok):
            result.user = mention_id(tok)
            i += 1
            continue
        if result.minutes is None:
            found = match_contrib_duration(tokens, i, day_minutes)
            if found is not None:
                dur, used = found
                if dur.negative:
                    result.error, result.bad_token = "negative", tok
                    return result
                result.minutes = dur.minutes
                i += used
                continue
        date = match_date(tokens, i, today)
        if date is not None and date.day is None:
            # even after the date: a date that does not exist is never a word of the description
            result.error, result.bad_token = date.error, " ".join(tokens[i : i + date.used])
            return result
        if not result.day_given and date is not None and date.day is not None:
            too_old = max_past_days is not None and (today - date.day).days > max_past_days
            if too_old and not date.year_given:
                result.error, result.day = NEEDS_YEAR, date.day
                result.bad_token = " ".join(tokens[i : i + date.used])
                return result
            result.day, result.day_given = date.day, True
            i += date.used
            continue
        if result.project_token is None and is_contrib_project(tok, known_codes):
            result.project_token = tok
            i += 1
            continue
        rest.append((spans[i][1], spans[i][2]))
        i += 1
    if result.minutes is None:
        result.error = "missing_duration"
    result.description = join_spans(args, rest).strip()
    if result.day is None:
        result.day = today
    return result
