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

from dateutil.parser import parse as parse_datetime
from dateutil.relativedelta import FR, MO, SA, SU, TH, TU, WE, relativedelta

# --------------------------------------------------------------------------- text helpers


def fold(text: str) -> str:
    """Case- and accent-insensitive form: ``Février`` -> ``fevrier``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


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

_NUM = r"\d{1,6}(?:[.,]\d{1,4})?"
_H_UNITS = r"h|hr|hrs|heure|heures|hour|hours"
_M_UNITS = r"m|mn|min|mins|minute|minutes"
_D_UNITS = r"j|d|jour|jours|day|days|jr|jrs"
_RE_HM = re.compile(rf"^(\d{{1,4}})\s*(?:{_H_UNITS})\s*(\d{{1,2}})\s*(?:{_M_UNITS})?$")
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

WEEKDAYS = {
    **{
        w: i
        for i, w in enumerate(
            ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
        )
    },
    **{
        w: i
        for i, w in enumerate(
            ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
        )
    },
    **{w: i for i, w in enumerate(["lun", "mar", "mer", "jeu", "ven", "sam", "dim"])},
    **{w: i for i, w in enumerate(["mon", "tue", "wed", "thu", "fri", "sat", "sun"])},
}
MONTHS = {
    **{
        m: i + 1
        for i, m in enumerate(
            [
                "janvier",
                "fevrier",
                "mars",
                "avril",
                "mai",
                "juin",
                "juillet",
                "aout",
                "septembre",
                "octobre",
                "novembre",
                "decembre",
            ]
        )
    },
    **{
        m: i + 1
        for i, m in enumerate(
            [
                "january",
                "february",
                "march",
                "april",
                "may",
                "june",
                "july",
                "august",
                "september",
                "october",
                "november",
                "december",
            ]
        )
    },
    **{
        m: i + 1
        for i, m in enumerate(
            [
                "janv",
                "fevr",
                "mars",
                "avr",
                "mai",
                "juin",
                "juil",
                "aout",
                "sept",
                "oct",
                "nov",
                "dec",
            ]
        )
    },
    **{
        m: i + 1
        for i, m in enumerate(
            ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        )
    },
    "fev": 2,
}
_WEEKDAY_OBJS = (MO, TU, WE, TH, FR, SA, SU)
_RELATIVE_DAYS = {
    "aujourd'hui": 0,
    "aujourd’hui": 0,
    "aujourdhui": 0,
    "auj": 0,
    "today": 0,
    "hier": 1,
    "yesterday": 1,
    "avant-hier": 2,
    "avant-hiers": 2,
    "avanthier": 2,
    "demain": -1,
    "tomorrow": -1,
    "apres-demain": -2,
}
_RE_DMY = re.compile(r"^(\d{1,2})[/.](\d{1,2})(?:[/.](\d{2}|\d{4}))?$")
_RE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _dateutil_date(word: str) -> DateMatch | None:
    """A full numeric date (``12/11/2026``, ``12.11.26``, ``2026-11-12``), day first."""
    try:
        return DateMatch(parse_datetime(word, dayfirst=not _RE_ISO.match(word)).date(), 1)
    except (ValueError, OverflowError):
        return None


def _latest_not_after(month: int, day: int, today: dt.date) -> dt.date | None:
    """``12/11`` without a year: this year's, or last year's if this year's is still to come."""
    this_year = _safe_date(today.year, month, day)
    if this_year is not None and this_year <= today:
        return this_year
    return _safe_date(today.year - 1, month, day) or this_year


@dataclass(frozen=True)
class DateMatch:
    day: dt.date
    used: int  # how many tokens it took


def match_date(tokens: list[str], start: int, today: dt.date) -> DateMatch | None:
    """A date starting at ``tokens[start]``: ``hier``, ``lundi``, ``12/11``, ``2026-11-12``,
    ``12 novembre [2026]``, ``le 12/11``. Dates may be in the future; the caller decides."""
    if start >= len(tokens):
        return None
    word = fold(tokens[start]).strip(",;.")
    offset = 0
    if word in ("le", "the", "on") and start + 1 < len(tokens):
        inner = match_date(tokens, start + 1, today)
        return DateMatch(inner.day, inner.used + 1) if inner else None
    if word in _RELATIVE_DAYS:
        return DateMatch(today - dt.timedelta(days=_RELATIVE_DAYS[word]), 1)
    if word in WEEKDAYS and len(word) > 3:
        # the most recent such weekday, today included
        return DateMatch(today + relativedelta(weekday=_WEEKDAY_OBJS[WEEKDAYS[word]](-1)), 1)
    if _RE_ISO.match(word) or ((m := _RE_DMY.match(word)) and m.group(3)):
        return _dateutil_date(word)
    if m := _RE_DMY.match(word):
        day = _latest_not_after(int(m.group(2)), int(m.group(1)), today)
        return DateMatch(day, 1) if day else None
    # "12 novembre [2026]" / "1er mai"
    num = re.match(r"^(\d{1,2})(?:er|st|nd|rd|th)?$", word)
    if num and start + 1 < len(tokens):
        month_word = fold(tokens[start + 1]).strip(",;.")
        if month_word in MONTHS:
            mo = MONTHS[month_word]
            d = int(num.group(1))
            if start + 2 < len(tokens) and re.fullmatch(r"\d{4}", tokens[start + 2]):
                day = _safe_date(int(tokens[start + 2]), mo, d)
                offset = 1
            else:
                day = _latest_not_after(mo, d, today)
            return DateMatch(day, 2 + offset) if day else None
    return None


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


ALL_TIME = Period(dt.date(1970, 1, 1), dt.date(9999, 1, 1), "all")


def month_period(year: int, month: int) -> Period:
    start = dt.date(year, month, 1)
    return Period(start, start + relativedelta(months=1), "month")


def week_period(day: dt.date) -> Period:
    start = day - dt.timedelta(days=day.weekday())
    return Period(start, start + dt.timedelta(days=7), "week")


_PERIOD_WORDS = {
    "ce mois": "this_month",
    "ce mois-ci": "this_month",
    "this month": "this_month",
    "mois": "this_month",
    "mois dernier": "last_month",
    "le mois dernier": "last_month",
    "last month": "last_month",
    "cette semaine": "this_week",
    "this week": "this_week",
    "semaine": "this_week",
    "semaine derniere": "last_week",
    "la semaine derniere": "last_week",
    "last week": "last_week",
    "semaine passee": "last_week",
    "la semaine passee": "last_week",
    "cette annee": "this_year",
    "this year": "this_year",
    "annee": "this_year",
    "annee derniere": "last_year",
    "l'annee derniere": "last_year",
    "last year": "last_year",
    "tout": "all",
    "toujours": "all",
    "all": "all",
    "all time": "all",
    "depuis le debut": "all",
}


@dataclass(frozen=True)
class PeriodMatch:
    period: Period
    used: int


def match_period(tokens: list[str], start: int, today: dt.date) -> PeriodMatch | None:
    """A period starting at ``tokens[start]``: ``novembre [2026]``, ``ce mois``, ``semaine
    dernière``, ``2026``, ``2026-11``, ``11/2026``, ``du 01/11 au 15/11``, ``01/11-15/11``,
    ``depuis 01/11``, or a single date (``hier``, ``12/11``)."""
    if start >= len(tokens):
        return None
    words = [fold(tok).strip(",;.") for tok in tokens[start:]]
    for size in (3, 2, 1):
        phrase = " ".join(words[:size])
        if len(words) >= size and phrase in _PERIOD_WORDS:
            return PeriodMatch(_named_period(_PERIOD_WORDS[phrase], today), size)
    word = words[0]
    if word in MONTHS and len(word) >= 3:
        month = MONTHS[word]
        if len(words) > 1 and re.fullmatch(r"\d{4}", words[1]):
            return PeriodMatch(month_period(int(words[1]), month), 2)
        year = today.year if month <= today.month else today.year - 1
        return PeriodMatch(month_period(year, month), 1)
    if re.fullmatch(r"(19|20)\d{2}", word):
        year = int(word)
        return PeriodMatch(Period(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), "year"), 1)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", word):
        if 1 <= int(m.group(2)) <= 12:
            return PeriodMatch(month_period(int(m.group(1)), int(m.group(2))), 1)
        return None
    if m := re.fullmatch(r"(\d{1,2})/(\d{4})", word):
        if 1 <= int(m.group(1)) <= 12:
            return PeriodMatch(month_period(int(m.group(2)), int(m.group(1))), 1)
        return None
    if word in ("du", "from", "depuis", "since", "entre", "between"):
        first = match_date(tokens, start + 1, today)
        if first is None:
            return None
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
            if second is None or second.day < first.day:
                return None
            return PeriodMatch(
                Period(first.day, second.day + dt.timedelta(days=1)), pos + 1 + second.used - start
            )
        return PeriodMatch(Period(first.day, today + dt.timedelta(days=1)), 1 + first.used)
    if "-" in word and not _RE_ISO.match(word):
        left, _, right = tokens[start].partition("-")
        a = match_date([left], 0, today)
        b = match_date([right], 0, today)
        if a and b and a.day <= b.day:
            return PeriodMatch(Period(a.day, b.day + dt.timedelta(days=1)), 1)
    single = match_date(tokens, start, today)
    if single:
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


def parse_period(text: str, today: dt.date) -> Period | None:
    """The whole of ``text`` as one period, or ``None``."""
    tokens = tokenize(text)
    if not tokens:
        return None
    found = match_period(tokens, 0, today)
    return found.period if found and found.used == len(tokens) else None


# --------------------------------------------------------------------------- amounts

_CURRENCY_SIGNS = {
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "$": "USD",
    "usd": "USD",
    "chf": "CHF",
    "£": "GBP",
    "gbp": "GBP",
}
_RE_AMOUNT = re.compile(
    r"^(?P<pre>€|eur|euros?|\$|usd|chf|£|gbp)?\s*"
    r"(?P<sign>[-−+])?\s*"
    r"(?P<int>\d{1,3}(?:[  \u202f.]\d{3})+|\d+)"
    r"(?:(?P<sep>[.,€])(?P<frac>\d{1,2}))?\s*"
    r"(?P<post>€|eur|euros?|\$|usd|chf|£|gbp)?$"
)


@dataclass(frozen=True)
class Amount:
    cents: int
    currency: str | None = None  # None when no currency was written
    negative: bool = False


def parse_amount(text: str) -> Amount | None:
    """``12,50€``, ``12.50 €``, ``EUR 12``, ``12``, ``1 000 €``, ``12€50`` -> cents."""
    raw = fold(text.strip()).replace("\u00a0", " ")
    if not raw or len(raw) > 40:
        return None
    m = _RE_AMOUNT.match(raw)
    if not m or (m.group("pre") and m.group("post")):
        return None
    whole = int(re.sub(r"[  \u202f.]", "", m.group("int")))
    frac = m.group("frac") or "0"
    cents = whole * 100 + int(frac.ljust(2, "0"))
    if m.group("sep") == "€" and m.group("post"):
        return None
    unit = m.group("pre") or m.group("post") or ("€" if m.group("sep") == "€" else None)
    return Amount(cents, _CURRENCY_SIGNS.get(unit) if unit else None, m.group("sign") in ("-", "−"))


def match_amount(tokens: list[str], start: int) -> tuple[Amount, int] | None:
    """An amount at ``tokens[start]``, possibly split over two tokens (``12 €``, ``EUR 12``)."""
    if start >= len(tokens):
        return None
    single = parse_amount(tokens[start])
    for size in (3, 2):
        if start + size <= len(tokens):
            joined = parse_amount(" ".join(tokens[start : start + size]))
            if joined and (single is None or joined.currency or joined.cents > single.cents):
                return joined, size
    return (single, 1) if single else None


# --------------------------------------------------------------------------- mentions, tags

_RE_MENTION = re.compile(r"^@[\w.=\-/+]+(?::[\w.\-]+(?::\d+)?)?$")


def is_mention(token: str) -> bool:
    return bool(_RE_MENTION.match(token.rstrip(",:;")))


def mention_id(token: str) -> str:
    return token.rstrip(",:;")


def is_tag(token: str) -> bool:
    return (
        len(token) > 1
        and token.startswith("#")
        and re.fullmatch(r"#[\w\-]{1,32}", token) is not None
    )


# --------------------------------------------------------------------------- !contrib


@dataclass
class ContribParse:
    """What ``!contrib`` understood. ``error`` names the first problem (a message key suffix)."""

    minutes: int | None = None
    day: dt.date | None = None
    day_given: bool = False
    project_token: str | None = None  # "#KPA" or a bare word that matched a known code
    description: str = ""
    user: str | None = None
    error: str | None = None
    bad_token: str | None = None
    tokens: list[str] = field(default_factory=list)


def parse_contrib(
    args: str,
    *,
    today: dt.date,
    known_codes: set[str] | frozenset[str] = frozenset(),
    day_minutes: int = 7 * 60,
) -> ContribParse:
    """Read the arguments of ``!contrib``: ``[@user] <duration> [date] [#TAG|CODE] description``.

    The duration, date and project may be anywhere; the remaining words are the description.
    ``known_codes`` are the room's project codes, folded. Never raises.
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
            dur = parse_duration(tok, day_minutes)
            used = 1
            if (
                dur is None
                and i + 1 < len(tokens)
                and _RE_NUMBER.match(tok)
                and _RE_UNIT.match(fold(tokens[i + 1]))
            ):
                dur = parse_duration(tok + tokens[i + 1], day_minutes)
                used = 2
            if dur is not None:
                if dur.negative:
                    result.error, result.bad_token = "negative", tok
                    return result
                result.minutes = dur.minutes
                i += used
                continue
        if not result.day_given:
            date = match_date(tokens, i, today)
            if date is not None:
                result.day, result.day_given = date.day, True
                i += date.used
                continue
        if result.project_token is None:
            if is_tag(tok):
                result.project_token = tok
                i += 1
                continue
            if fold(tok) in known_codes:
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
