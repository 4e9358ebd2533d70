"""Amounts of money, in cents: ``12,50€``, ``EUR 12``, ``1 500 €``; refused when ambiguous; percentages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from commands import i18n
from commands.grammar.text import alternatives, fold, foreign_digits

_CURRENCY_SIGNS = {
    word: code for code in ("EUR", "USD", "CHF", "GBP") for word in i18n.words(f"currency.{code}")
}
_CUR = alternatives(tuple(_CURRENCY_SIGNS))
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
