"""Schedules of recaps and reminders, as pure functions: reading ``lundi 9h`` or ``mensuel 1 9h``,
finding when a schedule is due in a room's time zone, and which period a recap posted then covers.

One schedule fires at most once per local day, whatever daylight saving does: a time that does
not exist on the day clocks go forward (02:30 in Europe/Paris on the last Sunday of March) fires
an hour later on the wall clock; a time that happens twice when they go back fires at its first
occurrence only. The record of posts (one per room and period) makes sure of the rest.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from commands.grammar import (
    EARLIEST_DAY,
    WEEKDAYS,
    Period,
    fold,
    foreign_digits,
    month_period,
    week_period,
)

WEEKLY = "weekly"
MONTHLY = "monthly"
REMINDER = "reminder"
LAST_DAY = 0  # month_day for "the last day of the month"

OFF_WORDS = ("off", "non", "aucun", "aucune", "stop", "arret", "arreter", "none", "no")
MONTHLY_WORDS = ("mensuel", "mensuelle", "mois", "monthly", "month")
WEEKLY_WORDS = ("hebdo", "hebdomadaire", "semaine", "weekly", "week")
LAST_WORDS = ("dernier", "fin", "last", "end")
FILLER_WORDS = (
    "le",
    "les",
    "a",
    "at",
    "on",
    "every",
    "each",
    "chaque",
    "tous",
    "the",
    "jour",
    "day",
)

_RE_TIME = re.compile(
    r"^(?P<h>[0-9]{1,2})(?:\s*(?:h|:|\.)\s*(?P<m>[0-9]{2})?)?\s*(?P<ampm>am|pm)?$", re.IGNORECASE
)


@dataclass(frozen=True)
class Spec:
    """A schedule: ``kind`` (weekly, monthly, reminder), the day and the local time."""

    kind: str
    hour: int
    minute: int
    weekday: int | None = None  # 0 = Monday, for weekly and reminder
    month_day: int | None = None  # 1-28, or LAST_DAY, for monthly

    def fires_on(self, day: dt.date) -> bool:
        if self.kind == MONTHLY:
            last = calendar.monthrange(day.year, day.month)[1]
            wanted = last if self.month_day in (None, LAST_DAY) else self.month_day
            return day.day == wanted
        return day.weekday() == self.weekday


def parse_time(text: str) -> tuple[int, int] | None:
    """``9h`` ``9h30`` ``09:00`` ``17h05`` ``9`` ``9am`` ``5pm`` ``5:30pm`` -> (hour, minute)."""
    m = None if foreign_digits(text) else _RE_TIME.match(fold(text.strip()))
    if not m:
        return None
    hour, minute = int(m.group("h")), int(m.group("m") or 0)
    ampm = m.group("ampm")
    if ampm:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if ampm == "pm" else 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return hour, minute


def parse_weekday(text: str) -> int | None:
    word = fold(text.strip()).rstrip(".,")
    if word.endswith("s") and word[:-1] in WEEKDAYS and len(word) > 4:
        word = word[:-1]  # "lundis", "mondays"
    return WEEKDAYS.get(word)


def parse_month_day(text: str) -> int | None:
    word = fold(text.strip()).rstrip(".,")
    if word in LAST_WORDS:
        return LAST_DAY
    m = re.fullmatch(r"([0-9]{1,2})(?:er|e|eme|st|nd|rd|th)?", word)
    if not m or foreign_digits(text):
        return None
    day = int(m.group(1))
    return day if 1 <= day <= 28 else None


@dataclass(frozen=True)
class Parsed:
    """What a schedule command asked for: a spec, ``off`` (for ``kind``, or every recap kind when
    ``kind`` is None), or an error key (``bad_time``, ``bad_day``, ``bad_month_day``, ``usage``)."""

    spec: Spec | None = None
    off: bool = False
    kind: str | None = None
    error: str | None = None
    token: str = ""


def _time_tokens(tokens: list[str]) -> tuple[tuple[int, int] | None, str]:
    text = " ".join(tokens)
    return parse_time(text), text


def _content(tokens: list[str]) -> list[str]:
    return [tok for tok in tokens if fold(tok) not in FILLER_WORDS]


def parse_recap_schedule(tokens: list[str]) -> Parsed:
    """``lundi 9h`` · ``hebdo lundi 9h`` · ``mensuel 1 9h`` · ``mensuel dernier 18h`` · ``off`` ·
    ``mensuel off`` · ``hebdo off``. Little words are skipped: ``chaque lundi à 9h``."""
    tokens = _content(tokens)
    if not tokens:
        return Parsed(error="usage")
    head = fold(tokens[0])
    kind: str | None = None
    if head in MONTHLY_WORDS:
        kind, tokens = MONTHLY, tokens[1:]
    elif head in WEEKLY_WORDS:
        kind, tokens = WEEKLY, tokens[1:]
    if len(tokens) == 1 and fold(tokens[0]) in OFF_WORDS:
        return Parsed(off=True, kind=kind)
    if not tokens:
        return Parsed(error="usage")
    monthly = kind == MONTHLY
    day = parse_month_day(tokens[0]) if monthly else parse_weekday(tokens[0])
    if day is None:
        return Parsed(error="bad_month_day" if monthly else "bad_day", token=tokens[0])
    time, text = _time_tokens(tokens[1:])
    if time is None:
        return Parsed(error="bad_time", token=text)
    if monthly:
        return Parsed(spec=Spec(MONTHLY, time[0], time[1], month_day=day), kind=MONTHLY)
    return Parsed(spec=Spec(WEEKLY, time[0], time[1], weekday=day), kind=WEEKLY)


def parse_reminder_schedule(tokens: list[str]) -> Parsed:
    """``vendredi 17h`` · ``off``."""
    tokens = _content(tokens)
    if not tokens:
        return Parsed(error="usage")
    if len(tokens) == 1 and fold(tokens[0]) in OFF_WORDS:
        return Parsed(off=True, kind=REMINDER)
    weekday = parse_weekday(tokens[0])
    if weekday is None:
        return Parsed(error="bad_day", token=tokens[0])
    time, text = _time_tokens(tokens[1:])
    if time is None:
        return Parsed(error="bad_time", token=text)
    return Parsed(spec=Spec(REMINDER, time[0], time[1], weekday=weekday), kind=REMINDER)


# --------------------------------------------------------------------------- when it is due


def fire_instant(spec: Spec, day: dt.date, tz: ZoneInfo) -> dt.datetime:
    """The UTC instant at which ``spec`` fires on local ``day``. A wall time skipped by daylight
    saving is read with the offset in force before the change (02:30 -> 03:30 summer time); a
    wall time that happens twice is its first occurrence."""
    local = dt.datetime(day.year, day.month, day.day, spec.hour, spec.minute, tzinfo=tz, fold=0)
    return local.astimezone(dt.UTC)


def latest_due(
    spec: Spec,
    tz: ZoneInfo,
    now: dt.datetime,
    grace: dt.timedelta,
    since: dt.datetime | None = None,
) -> dt.datetime | None:
    """The latest instant ``spec`` fired at, no later than ``now`` and no earlier than
    ``now - grace`` (nor than ``since``, when the schedule was set): that post is due if it was
    not made yet. ``None`` when nothing is due."""
    earliest = now - grace
    if since is not None and since > earliest:
        earliest = since
    day = now.astimezone(tz).date()
    first = earliest.astimezone(tz).date() - dt.timedelta(days=1)
    while day >= first:
        if spec.fires_on(day):
            at = fire_instant(spec, day, tz)
            if earliest <= at <= now:
                return at
        day -= dt.timedelta(days=1)
    return None


def covered_period(kind: str, local_day: dt.date) -> tuple[str, Period]:
    """What a post fired on ``local_day`` covers, as (period kind, period).

    A weekly recap covers the week that is mostly over: posted Monday to Wednesday, the previous
    week; Thursday to Sunday, the current one. A monthly recap likewise: posted on days 1-14, the
    previous month; from the 15th, the current one. A reminder is about its own day."""
    if kind == WEEKLY:
        return "week", week_period(local_day - dt.timedelta(days=3))
    if kind == MONTHLY:
        ref = local_day - dt.timedelta(days=14)
        return "month", month_period(ref.year, ref.month)
    return "reminder", Period(local_day, local_day + dt.timedelta(days=1), "day")


def previous_period(period: Period) -> Period:
    """The period just before ``period``, of the same kind (or the same length); nothing comes
    before the first day the bot reads (an empty period there)."""
    if period.kind == "all" or period.start <= EARLIEST_DAY:
        return Period(period.start, period.start, period.kind)
    if period.kind == "month":
        before = period.start - dt.timedelta(days=1)
        return month_period(before.year, before.month)
    if period.kind == "year":
        return Period(period.start.replace(year=period.start.year - 1), period.start, "year")
    length = period.end - period.start
    return Period(max(period.start - length, EARLIEST_DAY), period.start, period.kind)
