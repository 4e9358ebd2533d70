"""Message catalogues and locale-aware formatting.

One catalogue per language: ``commands/messages/<lang>/*.toml``; each file holds the texts of
one family and its keys are prefixed with the file's name (``contrib.toml`` -> ``contrib.saved``).
Texts are ``str.format`` templates. Numbers, money and dates are formatted with Babel.
"""

from __future__ import annotations

import datetime as dt
import string
import tomllib
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.numbers import format_currency, format_decimal

MESSAGES_DIR = Path(__file__).parent / "messages"
LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def _flatten(prefix: str, data: dict[str, Any], out: dict[str, str]) -> None:
    for key, value in data.items():
        full = f"{prefix}.{key}"
        if isinstance(value, dict):
            _flatten(full, value, out)
        else:
            out[full] = str(value)


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every text of ``lang`` by key (cached; the files are read once)."""
    out: dict[str, str] = {}
    folder = MESSAGES_DIR / lang
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as fh:
            _flatten(path.stem, tomllib.load(fh), out)
    return out


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def t(lang: str, key: str, /, **params: Any) -> str:
    """The text ``key`` in ``lang`` (falling back to French), filled with ``params``."""
    template = catalogue(lang).get(key) or catalogue(DEFAULT_LANGUAGE).get(key)
    if template is None:
        raise KeyError(f"no message {key!r} in the catalogues")
    return template.format(**params) if params else template


def plural_form(lang: str, n: int) -> str:
    """``one`` or ``other``: which of a text's two forms fits ``n`` things in ``lang`` (French:
    0 and 1 are singular; English: 1 only)."""
    form = Locale.parse(locale_of(lang)).plural_form(n)
    return "one" if form == "one" else "other"


def language_name(code: str, lang: str) -> str:
    """The name of the language ``code`` in ``lang``: ``français``, ``anglais`` / ``French``."""
    return str(Locale.parse(code).get_display_name(locale_of(lang)))


def has(lang: str, key: str) -> bool:
    return key in catalogue(lang) or key in catalogue(DEFAULT_LANGUAGE)


def locale_of(lang: str) -> str:
    return _LOCALES.get(lang, _LOCALES[DEFAULT_LANGUAGE])


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
