"""Numbers, money, durations and dates written for people, in a language's locale (Babel),
before they are given to a text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date as _babel_format_date
from babel.numbers import format_currency, format_decimal

from commands.i18n.languages import DEFAULT_LANGUAGE, locale_of


def format_minutes(minutes: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """``210`` -> ``3h30`` (fr) / ``3h30`` (en); ``45`` -> ``45 min``; ``180`` -> ``3h``."""
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return f"{sign}{rest} min"
    if rest == 0:
        return f"{sign}{hours}h"
    return f"{sign}{hours}h{rest:02d}"


# Babel's formatting is the dearest part of an answer; its results never change for the same
# arguments (all of them immutable): remembered
@lru_cache(maxsize=16384)
def format_hours(minutes: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """Decimal hours with the locale's separator: ``90`` -> ``1,5`` (fr) / ``1.5`` (en)."""
    value = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    return format_decimal(value, format="#,##0.##", locale=locale_of(lang))


@lru_cache(maxsize=16384)
def format_money(cents: int, currency: str = "EUR", lang: str = DEFAULT_LANGUAGE) -> str:
    """``1250`` -> ``12,50 €`` (fr) / ``€12.50`` (en); whole amounts keep their cents."""
    return format_currency(Decimal(cents) / 100, currency, locale=locale_of(lang))


def format_share(bp: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """A share in basis points, always with two decimals: ``6667`` -> ``66,67`` (fr)."""
    return format_decimal(Decimal(bp) / 100, format="#,##0.00", locale=locale_of(lang))


def format_amount(value: Decimal, currency: str = "EUR", lang: str = DEFAULT_LANGUAGE) -> str:
    """An amount in units, never rounded: ``1.5`` -> ``1,50 €``, ``12.505`` -> ``12,505 €``."""
    return format_currency(value, currency, locale=locale_of(lang), decimal_quantization=False)


@lru_cache(maxsize=16384)
def format_date(day: dt.date, lang: str = DEFAULT_LANGUAGE, fmt: str = "medium") -> str:
    """A date for people: ``fmt`` is a Babel format (``short``, ``medium``, ``long`` or a pattern)."""
    return _babel_format_date(day, format=fmt, locale=locale_of(lang))


def format_day(day: dt.date, lang: str = DEFAULT_LANGUAGE) -> str:
    """``jeu. 12 nov. 2026`` / ``Thu 12 Nov 2026``."""
    return format_date(day, lang, "EEE d MMM y")


def format_long_day(day: dt.date, lang: str = DEFAULT_LANGUAGE) -> str:
    """``jeudi 12 novembre 2026`` / ``Thursday 12 November 2026``: a date that starts a
    sentence is written out in full."""
    return format_date(day, lang, "EEEE d MMMM y")
