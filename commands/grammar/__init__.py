"""The command grammar: durations, dates, periods, amounts, mentions and project tags.

Pure functions, no I/O. They never raise on user text: each returns ``None`` (or a result object
that says what was not understood) so that the handler can answer in the room's language.
French input comes first (``1,5h``, ``12,50€``, ``hier``, ``novembre``); English works too.

A package split by kind of word: ``text``, ``durations``, ``dates``, ``periods``, ``amounts``,
``mentions``, ``contrib``; every name is read from here.
"""

from __future__ import annotations

from commands.grammar.amounts import (
    AMBIGUOUS,
    EXPONENT,
    MAX_CENTS,
    TOO_BIG,
    TOO_PRECISE,
    Amount,
    match_amount,
    parse_amount,
    parse_percent,
)
from commands.grammar.contrib import (
    NEEDS_YEAR,
    ContribParse,
    is_contrib_project,
    match_contrib_duration,
    parse_contrib,
)
from commands.grammar.dates import (
    EARLIEST_DAY,
    IMPOSSIBLE,
    LATEST_DAY,
    MONTHS,
    OUT_OF_RANGE,
    WEEKDAYS,
    DateMatch,
    match_date,
    parse_days,
)
from commands.grammar.durations import (
    Duration,
    parse_duration,
)
from commands.grammar.mentions import (
    is_mention,
    is_tag,
    mention_id,
    typed_mentions,
)
from commands.grammar.periods import (
    ALL_TIME,
    Period,
    PeriodMatch,
    match_period,
    month_period,
    parse_period,
    week_period,
)
from commands.grammar.text import (
    MAX_ID,
    fold,
    foreign_digits,
    join_spans,
    parse_int,
    tokenize,
    tokenize_spans,
)

__all__ = [
    "ALL_TIME",
    "AMBIGUOUS",
    "EARLIEST_DAY",
    "EXPONENT",
    "IMPOSSIBLE",
    "LATEST_DAY",
    "MAX_CENTS",
    "MAX_ID",
    "MONTHS",
    "NEEDS_YEAR",
    "OUT_OF_RANGE",
    "TOO_BIG",
    "TOO_PRECISE",
    "WEEKDAYS",
    "Amount",
    "ContribParse",
    "DateMatch",
    "Duration",
    "Period",
    "PeriodMatch",
    "fold",
    "foreign_digits",
    "is_contrib_project",
    "is_mention",
    "is_tag",
    "join_spans",
    "match_amount",
    "match_contrib_duration",
    "match_date",
    "match_period",
    "mention_id",
    "month_period",
    "parse_amount",
    "parse_contrib",
    "parse_days",
    "parse_duration",
    "parse_int",
    "parse_percent",
    "parse_period",
    "tokenize",
    "tokenize_spans",
    "typed_mentions",
    "week_period",
]
