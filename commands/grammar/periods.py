"""Periods: ``novembre``, ``2026``, ``cette semaine``, ``du 1/11 au 15/11``, ``2026-11``."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta

from commands import i18n
from commands.grammar.dates import (
    _RE_ISO,
    _RE_YEAR,
    EARLIEST_DAY,
    IMPOSSIBLE,
    LATEST_DAY,
    MONTHS,
    OUT_OF_RANGE,
    DateMatch,
    match_date,
)
from commands.grammar.text import fold, foreign_digits, tokenize


@dataclass(frozen=True)
class Period:
    """A half-open range of days: ``start <= day < end``. ``kind`` names how it was said."""

    start: dt.date
    end: dt.date
    kind: str = "range"  # month | week | year | day | range | all

    def contains(self, day: dt.date) -> bool:
        return self.start <= day < self.end

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)


ALL_TIME = Period(EARLIEST_DAY, LATEST_DAY + dt.timedelta(days=1), "all")


def month_period(year: int, month: int) -> Period:
    start = dt.date(year, month, 1)
    return Period(start, start + relativedelta(months=1), "month")


def week_period(day: dt.date) -> Period:
    start = day - dt.timedelta(days=day.weekday())
    return Period(start, start + dt.timedelta(days=7), "week")


_PERIOD_KINDS = (
    "this_month",
    "last_month",
    "this_week",
    "last_week",
    "this_year",
    "last_year",
    "all",
)
_PERIOD_WORDS = {word: kind for kind in _PERIOD_KINDS for word in i18n.words(f"period.{kind}")}


@dataclass(frozen=True)
class PeriodMatch:
    """A period read at some place in the tokens. ``period`` is ``None`` when what was written
    looks like a date or a month but is refused; ``error`` then says why (as for dates)."""

    period: Period | None
    used: int
    error: str | None = None


def _year_period(year: int, used: int) -> PeriodMatch:
    if not EARLIEST_DAY.year <= year <= LATEST_DAY.year:
        return PeriodMatch(None, used, OUT_OF_RANGE)
    return PeriodMatch(Period(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), "year"), used)


def _month_period(year: int, month: int, used: int) -> PeriodMatch:
    if not 1 <= month <= 12:
        return PeriodMatch(None, used, IMPOSSIBLE)
    if not EARLIEST_DAY.year <= year <= LATEST_DAY.year:
        return PeriodMatch(None, used, OUT_OF_RANGE)
    return PeriodMatch(month_period(year, month), used)


def _refused(found: DateMatch, used: int) -> PeriodMatch:
    return PeriodMatch(None, used, found.error)


def _month_name_period(month: int, words: list[str], today: dt.date) -> PeriodMatch:
    """``novembre 2026``, or ``novembre`` alone: the last November up to this month."""
    if len(words) > 1 and _RE_YEAR.fullmatch(words[1]):
        return _month_period(int(words[1]), month, 2)
    year = today.year if month <= today.month else today.year - 1
    return PeriodMatch(month_period(year, month), 1)


def _range_period(tokens: list[str], start: int, today: dt.date) -> PeriodMatch | None:
    """``du 01/11 au 15/11`` (``entre ... et ...``, ``from ... to ...``) or ``depuis 01/11``
    (up to today), ``tokens[start]`` being the first word."""
    first = match_date(tokens, start + 1, today)
    if first is None:
        return None
    if first.day is None:
        return _refused(first, 1 + first.used)
    pos = start + 1 + first.used
    if pos < len(tokens) and fold(tokens[pos]) in (
        "au",
        "to",
        "a",
        "jusqu'au",
        "until",
        "et",
        "and",
    ):
        second = match_date(tokens, pos + 1, today)
        if second is not None and second.day is None:
            return _refused(second, pos + 1 + second.used - start)
        if second is None or second.day is None or second.day < first.day:
            return None
        return PeriodMatch(
            Period(first.day, second.day + dt.timedelta(days=1)), pos + 1 + second.used - start
        )
    return PeriodMatch(Period(first.day, today + dt.timedelta(days=1)), 1 + first.used)


def _dash_period(token: str, today: dt.date) -> PeriodMatch | None:
    """``01/11-15/11`` in one token; ``None`` when its two sides are not dates in order (the
    token may still be a single date)."""
    left, _, right = token.partition("-")
    a = match_date([left], 0, today)
    b = match_date([right], 0, today)
    if a and b:
        if a.day is None:
            return _refused(a, 1)
        if b.day is None:
            return _refused(b, 1)
        if a.day <= b.day:
            return PeriodMatch(Period(a.day, b.day + dt.timedelta(days=1)), 1)
    return None


def match_period(tokens: list[str], start: int, today: dt.date) -> PeriodMatch | None:
    """A period starting at ``tokens[start]``: ``novembre [2026]``, ``ce mois``, ``semaine
    dernière``, ``2026``, ``2026-11``, ``11/2026``, ``du 01/11 au 15/11``, ``01/11-15/11``,
    ``depuis 01/11``, or a single date (``hier``, ``12/11``).

    ``None`` when nothing there is a period; a match with an ``error`` when it names a date or a
    month that does not exist or is out of range (``32/01``, ``0000-01``, ``12/9999``)."""
    if start >= len(tokens) or foreign_digits(tokens[start]):
        return None
    words = [fold(tok).strip(",;.") for tok in tokens[start:]]
    for size in (3, 2, 1):
        phrase = " ".join(words[:size])
        if len(words) >= size and phrase in _PERIOD_WORDS:
            return PeriodMatch(_named_period(_PERIOD_WORDS[phrase], today), size)
    word = words[0]
    if word in MONTHS and len(word) >= 3:
        return _month_name_period(MONTHS[word], words, today)
    if re.fullmatch(r"(19|20)[0-9]{2}", word):
        return _year_period(int(word), 1)
    if m := re.fullmatch(r"([0-9]{4})-([0-9]{1,2})", word):
        return _month_period(int(m.group(1)), int(m.group(2)), 1)
    if m := re.fullmatch(r"([0-9]{1,2})/([0-9]{4})", word):
        return _month_period(int(m.group(2)), int(m.group(1)), 1)
    if word in ("du", "from", "depuis", "since", "entre", "between"):
        return _range_period(tokens, start, today)
    if "-" in word and not _RE_ISO.match(word):
        dashed = _dash_period(tokens[start], today)
        if dashed is not None:
            return dashed
    single = match_date(tokens, start, today)
    if single is not None:
        if single.day is None:
            return _refused(single, single.used)
        return PeriodMatch(
            Period(single.day, single.day + dt.timedelta(days=1), "day"), single.used
        )
    return None


def _named_period(name: str, today: dt.date) -> Period:
    if name == "this_month":
        return month_period(today.year, today.month)
    if name == "last_month":
        prev = today.replace(day=1) - dt.timedelta(days=1)
        return month_period(prev.year, prev.month)
    if name == "this_week":
        return week_period(today)
    if name == "last_week":
        return week_period(today - dt.timedelta(days=7))
    if name == "this_year":
        return Period(dt.date(today.year, 1, 1), dt.date(today.year + 1, 1, 1), "year")
    if name == "last_year":
        return Period(dt.date(today.year - 1, 1, 1), dt.date(today.year, 1, 1), "year")
    return ALL_TIME


def parse_period(text: str, today: dt.date) -> PeriodMatch | None:
    """The whole of ``text`` as one period: ``None`` if it is not one, a match with an ``error``
    if it names a refused date or month (see ``match_period``)."""
    tokens = tokenize(text)
    if not tokens:
        return None
    found = match_period(tokens, 0, today)
    if found is None or (found.error is None and found.used != len(tokens)):
        return None
    return found
