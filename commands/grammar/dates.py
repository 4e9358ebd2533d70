"""Dates: ``hier``, ``lundi``, ``12/11``, ``2026-11-12``, ``le 3``; and lengths in days (``7j``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

from commands import i18n
from commands.grammar.text import fold, foreign_digits

WEEKDAYS = dict(i18n.ordered_words("weekdays") + i18n.ordered_words("weekdays_short"))
MONTHS = {w: i + 1 for w, i in i18n.ordered_words("months") + i18n.ordered_words("months_short")}
_WEEKDAY_OBJS = (MO, TU, WE, TH, FR, SA, SU)
_RELATIVE_DAYS = {
    word: ago
    for key, ago in (
        ("today", 0),
        ("yesterday", 1),
        ("day_before_yesterday", 2),
        ("tomorrow", -1),
        ("day_after_tomorrow", -2),
    )
    for word in i18n.words(key)
}
# the days the bot reads: a year outside 1970-2999 is refused (dates, periods and deadlines stay
# far from the limits of dates in Python and in the databases, and the totals start in 1970)
EARLIEST_DAY = dt.date(1970, 1, 1)
LATEST_DAY = dt.date(2999, 12, 31)

_RE_DMY = re.compile(r"^([0-9]{1,2})([/.])([0-9]{1,2})(?:[/.]([0-9]{2}|[0-9]{4}))?$")
_RE_ISO = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_RE_DAY_NUMBER = re.compile(r"^([0-9]{1,2})(?:er|st|nd|rd|th)?$")
_RE_YEAR = re.compile(r"[0-9]{4}")

# what was wrong with something that looks like a date (``DateMatch.error``)
IMPOSSIBLE = "impossible"  # 32/01, 29/02/2025, 31/04, 2026-13-01
OUT_OF_RANGE = "out_of_range"  # a year before 1970 or after 2999


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _checked(year: int, month: int, day: int) -> tuple[dt.date | None, str | None]:
    """The date, or why not: ``impossible`` (no such day in that month), ``out_of_range``."""
    probe = _safe_date(year if 1 <= year <= 9999 else 2000, month, day)
    if probe is None:
        return None, IMPOSSIBLE
    if not 1 <= year <= 9999 or not EARLIEST_DAY <= probe <= LATEST_DAY:
        return None, OUT_OF_RANGE
    return probe, None


def _full_year(year: int, digits: int, today: dt.date) -> int:
    """``26`` -> 2026: a two-digit year is the one closest to today's (50 years either way)."""
    if digits == 4:
        return year
    full = today.year // 100 * 100 + year
    if full > today.year + 49:
        return full - 100
    if full < today.year - 50:
        return full + 100
    return full


def _latest_not_after(month: int, day: int, today: dt.date) -> dt.date | None:
    """``12/11`` without a year: this year's, or last year's if this year's is still to come.
    ``None`` if neither exists (``31/04``; ``29/02`` when neither year is a leap year)."""
    this_year = _safe_date(today.year, month, day)
    if this_year is not None and this_year <= today:
        return this_year
    return _safe_date(today.year - 1, month, day) or this_year


@dataclass(frozen=True)
class DateMatch:
    """A date read at some place in the tokens. ``day`` is ``None`` when what was written looks
    like a date but is refused; ``error`` then says why (``IMPOSSIBLE``, ``OUT_OF_RANGE``)."""

    day: dt.date | None
    used: int  # how many tokens it took
    year_given: bool = False  # the year was written (``12/11/2025``, ``12 novembre 2025``)
    error: str | None = None


def _looks_like_a_date(sep: str, first: int, second: int, has_year: bool) -> bool:
    """``32/01``, ``31/04``, ``12/13`` are dates written wrong; ``12.50`` or ``50/50`` are not
    dates at all. A full date (with its year) always means a date; ``a/b`` when either number
    could be a month (``12/13`` is a month first, which the bot does not read); ``a.b`` only when
    the second could be the month."""
    if has_year:
        return True
    if sep == "/":
        return first <= 12 or second <= 12
    return second <= 12


def match_date(tokens: list[str], start: int, today: dt.date) -> DateMatch | None:
    """A date starting at ``tokens[start]``: ``hier``, ``lundi``, ``12/11``, ``12/11/2026``,
    ``12.11.26``, ``2026-11-12``, ``12 novembre [2026]``, ``le 12/11``. Day first, always.

    ``None`` when nothing there is a date; a match with an ``error`` when it looks like a date
    that does not exist (``32/01``, ``29/02/2025``) or is out of range (year 1, year 9999).
    Dates may be in the future; the caller decides."""
    if start >= len(tokens) or foreign_digits(tokens[start]):
        return None
    word = fold(tokens[start]).strip(",;.")
    if word in ("le", "the", "on") and start + 1 < len(tokens):
        inner = match_date(tokens, start + 1, today)
        if inner is None:
            return None
        return DateMatch(inner.day, inner.used + 1, inner.year_given, inner.error)
    if word in _RELATIVE_DAYS:
        return DateMatch(today - dt.timedelta(days=_RELATIVE_DAYS[word]), 1)
    if word in WEEKDAYS and len(word) > 3:
        # the most recent such weekday, today included
        return DateMatch(today + relativedelta(weekday=_WEEKDAY_OBJS[WEEKDAYS[word]](-1)), 1)
    if m := _RE_ISO.match(word):
        day, error = _checked(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return DateMatch(day, 1, True, error)
    if m := _RE_DMY.match(word):
        d, sep, mo, year = int(m.group(1)), m.group(2), int(m.group(3)), m.group(4)
        if not _looks_like_a_date(sep, d, mo, year is not None):
            return None
        if year is not None:
            day, error = _checked(_full_year(int(year), len(year), today), mo, d)
            return DateMatch(day, 1, True, error)
        found = _latest_not_after(mo, d, today)
        return DateMatch(found, 1, False, None if found else IMPOSSIBLE)
    # "12 novembre [2026]" / "1er mai"
    num = _RE_DAY_NUMBER.match(word)
    if num and start + 1 < len(tokens):
        month_word = fold(tokens[start + 1]).strip(",;.")
        if month_word in MONTHS:
            mo = MONTHS[month_word]
            d = int(num.group(1))
            if start + 2 < len(tokens) and _RE_YEAR.fullmatch(tokens[start + 2]):
                day, error = _checked(int(tokens[start + 2]), mo, d)
                return DateMatch(day, 3, True, error)
            found = _latest_not_after(mo, d, today)
            return DateMatch(found, 2, False, None if found else IMPOSSIBLE)
    return None


_DAY_UNITS = {
    word: days
    for key, days in (("unit_days", 1), ("unit_weeks", 7), ("unit_months", 30), ("unit_years", 365))
    for word in i18n.words(key)
}
_RE_DAYS = re.compile(r"([0-9]{1,5})\s*([a-z]*)")


def parse_days(text: str) -> int | None:
    """A number of days: ``365``, ``90j``, ``730 jours``, ``2ans``, ``1 an``, ``6 mois`` (30 days
    each), ``4 semaines``, ``2 years``. ``None`` for anything else."""
    if foreign_digits(text):
        return None
    m = _RE_DAYS.fullmatch(fold(text.strip()))
    if m is None or m.group(2) not in {"", *_DAY_UNITS}:
        return None
    return int(m.group(1)) * _DAY_UNITS.get(m.group(2), 1)
