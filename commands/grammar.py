"""The command grammar: durations, dates, periods, amounts, mentions and project tags.

Pure functions, no I/O. They never raise on user text: each returns ``None`` (or a result object
that says what was not understood) so that the handler can answer in the room's language.
French input comes first (``1,5h``, ``12,50€``, ``hier``, ``novembre``); English works too.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

from commands import i18n

# --------------------------------------------------------------------------- text helpers


def fold(text: str) -> str:
    """Case- and accent-insensitive form: ``Février`` -> ``fevrier``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def foreign_digits(text: str) -> bool:
    """Whether ``text`` holds a digit other than 0-9 (``²``, ``٣``, ``３``, ``½``). Numbers are
    written with 0-9 only: folding would turn ``²`` into ``2``, and ``int()`` reads ``٣``."""
    return any(ch.isnumeric() and not "0" <= ch <= "9" for ch in text)


_RE_INT = re.compile(r"#?([0-9]{1,18})")
MAX_ID = 2**31 - 1  # numbers people type for a record (#12): what every database column holds


def parse_int(text: str, *, maximum: int = MAX_ID, minimum: int = 0) -> int | None:
    """A whole number written with 0-9 (``12``, ``#12``) between ``minimum`` and ``maximum``;
    ``None`` for anything else (``²``, ``-1``, ``1.5``, 20 digits)."""
    m = _RE_INT.fullmatch(text.strip())
    if m is None:
        return None
    value = int(m.group(1))
    return value if minimum <= value <= maximum else None


_RE_TOKEN = re.compile(r'"([^"]*)"|“([^”]*)”|«\s*([^»]*?)\s*»|(\S+)')


def tokenize(text: str) -> list[str]:
    """Split on white space, keeping double-quoted runs (``"KPA Cités"``) as one token."""
    return [tok for tok, _, _ in tokenize_spans(text)]


def tokenize_spans(text: str) -> list[tuple[str, int, int]]:
    """Like ``tokenize``, with where each token stands in ``text`` (quotes included)."""
    out: list[tuple[str, int, int]] = []
    for match in _RE_TOKEN.finditer(text):
        quoted = next((g for g in match.groups()[:3] if g is not None), None)
        out.append((quoted if quoted is not None else match.group(4), match.start(), match.end()))
    return out


def join_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """The original text of ``spans``, kept together where they touched."""
    out = ""
    last_end: int | None = None
    for start, end in spans:
        if out and last_end != start:
            out += " "
        out += text[start:end]
        last_end = end
    return out


# --------------------------------------------------------------------------- durations

_NUM = r"[0-9]{1,6}(?:[.,][0-9]{1,4})?"


def _alternatives(words: tuple[str, ...]) -> str:
    """A regular expression's alternatives for ``words`` (longest first)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


# the words of every language (the catalogues' words.ftl), understood in every room
_H_UNITS = _alternatives(i18n.words("unit_hours"))
_M_UNITS = _alternatives(i18n.words("unit_minutes"))
_D_UNITS = _alternatives(i18n.words("unit_days"))
_RE_HM = re.compile(rf"^([0-9]{{1,4}})\s*(?:{_H_UNITS})\s*([0-9]{{1,2}})\s*(?:{_M_UNITS})?$")
_RE_H = re.compile(rf"^({_NUM})\s*(?:{_H_UNITS})$")
_RE_M = re.compile(rf"^({_NUM})\s*(?:{_M_UNITS})$")
_RE_D = re.compile(rf"^({_NUM})\s*(?:{_D_UNITS})$")
_RE_NUMBER = re.compile(rf"^[-+−]?{_NUM}$")
_RE_UNIT = re.compile(rf"^(?:{_H_UNITS}|{_M_UNITS}|{_D_UNITS})$")


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class Duration:
    minutes: int
    negative: bool = False


def parse_duration(text: str, day_minutes: int = 7 * 60) -> Duration | None:
    """Read one duration (``3h``, ``3h30``, ``1h05``, ``1,5h``, ``90min``, ``45 min``, ``2j``).

    Returns ``None`` when ``text`` is not a duration; a ``negative`` result for ``-2h`` so that
    the handler can say why it refuses it. Fractions are rounded to the nearest minute.
    """
    if foreign_digits(text):
        return None
    raw = fold(text.strip())
    negative = False
    if raw[:1] in "-−":
        negative, raw = True, raw[1:].strip()
    elif raw[:1] == "+":
        raw = raw[1:].strip()
    if not raw or len(raw) > 24:
        return None
    minutes: Decimal | None = None
    if m := _RE_HM.match(raw):
        rest = int(m.group(2))
        if rest >= 60:
            return None
        minutes = Decimal(int(m.group(1)) * 60 + rest)
    elif m := _RE_H.match(raw):
        minutes = _decimal(m.group(1))
        minutes = None if minutes is None else minutes * 60
    elif m := _RE_M.match(raw):
        minutes = _decimal(m.group(1))
    elif m := _RE_D.match(raw):
        minutes = _decimal(m.group(1))
        minutes = None if minutes is None else minutes * day_minutes
    if minutes is None:
        return None
    value = int(minutes.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    return Duration(value, negative)


# --------------------------------------------------------------------------- dates

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


# --------------------------------------------------------------------------- periods


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


# --------------------------------------------------------------------------- amounts

_CURRENCY_SIGNS = {
    word: code for code in ("EUR", "USD", "CHF", "GBP") for word in i18n.words(f"currency.{code}")
}
_CUR = _alternatives(tuple(_CURRENCY_SIGNS))
_RE_AMOUNT = re.compile(
    rf"^(?P<pre>{_CUR})?\s*"
    r"(?P<sign>[-−+])?\s*"
    r"(?P<num>[0-9](?:[0-9]|[.,' ](?=[0-9]))*)"
    r"(?:€(?P<cents>[0-9]{1,2}))?\s*"
    rf"(?P<post>{_CUR})?$"
)
_RE_EXPONENT = re.compile(
    rf"^(?:{_CUR})?\s*[-−+]?\s*[0-9]+(?:[.,][0-9]+)?e[-−+]?[0-9]+\s*(?:{_CUR})?$"
)
_GROUP_SEPARATORS = " '"  # only ever between thousands (folding makes no-break spaces spaces)

# the largest amount the bot takes: ten million in any currency. Cents are 32-bit integer columns
# on PostgreSQL (2 147 483 647 at most), and sums of many such amounts stay far within 64 bits.
MAX_CENTS = 1_000_000_000

# what was wrong with something written as an amount (``Amount.error``)
AMBIGUOUS = "ambiguous"  # 1.500€: 1 500 € or 1,50 €?
TOO_PRECISE = "too_precise"  # 0.001€: more than two decimals
EXPONENT = "exponent"  # 1e3€
TOO_BIG = "too_big"  # more than MAX_CENTS


@dataclass(frozen=True)
class Amount:
    """An amount read from the text, in cents. When it is refused, ``error`` says why and
    ``readings`` holds what it could mean (for ``AMBIGUOUS``: the thousands reading, then the
    decimal one), so that every family asks the same question."""

    cents: int
    currency: str | None = None  # None when no currency was written
    negative: bool = False
    error: str | None = None
    readings: tuple[Decimal, ...] = ()


def _grouped(groups: list[str]) -> bool:
    """``1 500 000``: a first group of 1 to 3 digits, then groups of exactly 3 (or one group)."""
    if len(groups) == 1:
        return bool(groups[0])
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])


def _read_number(num: str) -> tuple[int, str] | Amount | None:
    """The whole part and the decimals written in ``num`` (digits and separators), or a refused
    ``Amount`` (ambiguous, too precise), or ``None`` if it is no way of writing a number.

    One ``.`` or ``,`` followed by three digits (``1.500``, ``2,000``) reads as thousands in one
    language and as decimals in the other: refused, with both readings. Several separators say
    which is which: ``1.500,50``, ``1,500.50``, ``1 000,50``, ``1.500.000``."""
    groups = re.split(r"[.,' ]", num)
    seps = re.findall(r"[.,' ]", num)
    if not seps:
        return int(num), ""
    last = seps[-1]
    if all(sep == last for sep in seps) and (last in _GROUP_SEPARATORS or len(seps) > 1):
        # only thousands: 1 000, 1.500.000, 1,500,000
        return (int("".join(groups)), "") if _grouped(groups) else None
    if last in _GROUP_SEPARATORS:
        return None  # a space after a decimal separator: 1,5 000
    head, frac = groups[:-1], groups[-1]
    if len(set(seps[:-1])) > 1 or (seps[:-1] and seps[0] == last) or not _grouped(head):
        return None  # 1.500 000,5 · 12,5,0
    whole = int("".join(head))
    if len(frac) <= 2:
        return whole, frac
    if len(seps) == 1 and len(frac) == 3 and len(head[0]) <= 3 and head[0] != "0":
        # 1.500 / 1,500: a thousand and a half, or one and a half?
        readings = (Decimal(head[0] + frac), Decimal(f"{head[0]}.{frac}"))
        return Amount(0, error=AMBIGUOUS, readings=readings)
    return Amount(0, error=TOO_PRECISE, readings=(Decimal(f"{whole}.{frac}"),))


def parse_amount(text: str) -> Amount | None:
    """``12,50€``, ``12.50 €``, ``EUR 12``, ``12``, ``1 000 €``, ``1 000,50 €``, ``12€50``,
    ``1.500,50 €`` -> cents.

    ``None`` when ``text`` is not an amount; an ``Amount`` with an ``error`` when it is one that
    could be misread: ``1.500€`` (``AMBIGUOUS``), ``0.001€`` (``TOO_PRECISE``), ``1e3€``
    (``EXPONENT``), more than ten million (``TOO_BIG``). Never rounds, never guesses."""
    if foreign_digits(text):
        return None
    raw = fold(text.strip()).replace("’", "'")
    if not raw or len(raw) > 64:
        return None
    m = _RE_AMOUNT.match(raw)
    if not m:
        if _RE_EXPONENT.match(raw):
            return Amount(0, error=EXPONENT)
        return None
    pre, post, cents_part = m.group("pre"), m.group("post"), m.group("cents")
    if (pre and post) or (cents_part and (pre or post)):
        return None  # €12€, 12€50€
    unit = pre or post or ("€" if cents_part else None)
    currency = _CURRENCY_SIGNS[unit] if unit else None
    negative = m.group("sign") in ("-", "−")
    read = _read_number(m.group("num"))
    if read is None:
        return None
    if isinstance(read, Amount):
        return Amount(0, currency, negative, read.error, read.readings)
    whole, frac = read
    if cents_part:
        if frac:
            return None  # 12,5€50
        frac = cents_part
    cents = whole * 100 + int(frac.ljust(2, "0"))
    if cents > MAX_CENTS:
        return Amount(0, currency, negative, TOO_BIG)
    return Amount(cents, currency, negative)


_RE_PERCENT = re.compile(r"([0-9]{1,3})(?:[.,]([0-9]{1,2}))?\s*%?")


def parse_percent(text: str) -> int | None:
    """A percentage in basis points: ``10%`` -> 1000, ``12,5 %`` -> 1250, ``0`` -> 0. At most
    three digits and two decimals; ``None`` for anything else (``1e3%``, ``NaN``, ``٣%``)."""
    m = _RE_PERCENT.fullmatch(text.strip())
    if m is None:
        return None
    return int(m.group(1)) * 100 + int((m.group(2) or "0").ljust(2, "0"))


def match_amount(tokens: list[str], start: int) -> tuple[Amount, int] | None:
    """An amount at ``tokens[start]``, possibly split over several tokens (``12 €``, ``EUR 12``,
    ``1 000 €``, ``1 000 000,50 €``). A refused amount is still a match: the caller answers its
    ``error``."""
    if start >= len(tokens):
        return None
    single = parse_amount(tokens[start])
    for size in (5, 4, 3, 2):
        if start + size <= len(tokens):
            joined = parse_amount(" ".join(tokens[start : start + size]))
            if joined is None:
                continue
            if (
                single is None
                or joined.currency
                or joined.error is not None
                or joined.cents > single.cents
            ):
                return joined, size
    return (single, 1) if single else None


# --------------------------------------------------------------------------- mentions, tags

_RE_MENTION = re.compile(r"^@[\w.=\-/+]+(?::[\w.\-]+(?::\d+)?)?$")


def is_mention(token: str) -> bool:
    return bool(_RE_MENTION.match(token.rstrip(",:;")))


def mention_id(token: str) -> str:
    return token.rstrip(",:;")


def typed_mentions(text: str) -> list[str]:
    """The words of ``text`` typed as mentions (``@bob``, ``@bob:server``), each once: what a
    platform that tells nothing more (the console) says its messages name."""
    return list(dict.fromkeys(mention_id(tok) for tok in tokenize(text) if is_mention(tok)))


def is_tag(token: str) -> bool:
    return (
        len(token) > 1
        and token.startswith("#")
        and re.fullmatch(r"#[\w\-]{1,32}", token) is not None
    )


# --------------------------------------------------------------------------- !contrib


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
    if (
        start + 1 < len(tokens)
        and _RE_NUMBER.match(tok)
        and _RE_UNIT.match(fold(tokens[start + 1]))
    ):
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
