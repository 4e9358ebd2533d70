"""Landing a shortfall ("atterrissage"): ways to share an envelope among validated requests that
ask for more than it holds. Pure functions, integer cents, no I/O.

Every option first gives each request a *first tier* (never more than the request), then:

- if the first tiers alone reach the envelope, they are scaled down to it, pro rata;
- else what is left is shared pro rata to what each request still asks beyond its first tier.

So every share is at most its request and the shares add up to the envelope exactly (or are the
requests themselves when they fit). Cents go by ``commands.split.largest_remainder`` (ties: the
larger request, then the caller's ``order``, then the key).

- ``prorata``: no first tier, everything pro rata;
- ``base``: an equal base (``param`` basis points of the envelope, 30 % by default) shared
  equally, then pro rata;
- ``median``: everyone up to the median request, then pro rata beyond it;
- ``floor``: every request protected up to a floor (``param`` cents, 100 € by default), then pro
  rata.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from commands.split import K, largest_remainder

PRORATA, BASE, MEDIAN, FLOOR = "prorata", "base", "median", "floor"
OPTIONS = (PRORATA, BASE, MEDIAN, FLOOR)
DEFAULT_BASE_BP = 3000  # 30 % of the envelope
DEFAULT_FLOOR = 10000  # 100 € in cents


@dataclass(frozen=True)
class Option:
    """One way to land: its name and its parameter (``base``: basis points of the envelope;
    ``floor``: cents; else ``None``)."""

    name: str
    param: int | None = None

    @property
    def number(self) -> int:
        return OPTIONS.index(self.name) + 1

    def key(self) -> str:
        """How the option is stored: ``prorata``, ``base:3000``, ``median``, ``floor:10000``."""
        return self.name if self.param is None else f"{self.name}:{self.param}"

    @classmethod
    def parse(cls, key: str) -> Option:
        name, _, param = key.partition(":")
        if name not in OPTIONS:
            raise ValueError(f"unknown landing option {key!r}")
        return cls(name, int(param) if param else None)

    def shares(
        self, requests: Mapping[K, int], total: int, order: Mapping[K, Any] | None = None
    ) -> dict[K, int]:
        if self.name == BASE:
            bp = DEFAULT_BASE_BP if self.param is None else self.param
            return equal_base(requests, total, bp, order)
        if self.name == MEDIAN:
            return median_cap(requests, total, order)
        if self.name == FLOOR:
            floor = DEFAULT_FLOOR if self.param is None else self.param
            return protected_floor(requests, total, floor, order)
        return pro_rata(requests, total, order)


def options(base_bp: int = DEFAULT_BASE_BP, floor: int = DEFAULT_FLOOR) -> list[Option]:
    """The four options, in the order they are shown (numbered from 1)."""
    return [Option(PRORATA), Option(BASE, base_bp), Option(MEDIAN), Option(FLOOR, floor)]


def tiered(
    requests: Mapping[K, int],
    total: int,
    first: Mapping[K, Fraction],
    order: Mapping[K, Any] | None = None,
) -> dict[K, int]:
    """``requests`` landed on ``total`` after a first tier (``first[k] <= requests[k]``)."""
    if any(v < 0 for v in requests.values()) or total < 0:
        raise ValueError("requests and total must not be negative")
    asked = sum(requests.values())
    if asked <= total:
        return dict(requests)
    tier = sum(first.values(), Fraction(0))
    exact: dict[K, Fraction]
    if tier >= total:
        exact = {k: first[k] * total / tier if tier else Fraction(0) for k in requests}
    else:
        level = Fraction(total - tier) / (asked - tier)
        exact = {k: first[k] + (requests[k] - first[k]) * level for k in requests}
    return largest_remainder(exact, total, requests, order)


def pro_rata(
    requests: Mapping[K, int], total: int, order: Mapping[K, Any] | None = None
) -> dict[K, int]:
    """Each request times ``total / sum(requests)``."""
    return tiered(requests, total, {k: Fraction(0) for k in requests}, order)


def equal_base(
    requests: Mapping[K, int], total: int, base_bp: int, order: Mapping[K, Any] | None = None
) -> dict[K, int]:
    """``base_bp`` of ``total`` shared equally (nobody above their request), the rest pro rata to
    what each still asks."""
    if not 0 <= base_bp <= 10000:
        raise ValueError("the base is a share of the envelope, 0 to 100 %")
    if not requests:
        return {}
    each = Fraction(total * base_bp, 10000 * len(requests))
    return tiered(requests, total, {k: min(Fraction(v), each) for k, v in requests.items()}, order)


def median(values: list[int]) -> Fraction:
    """The median of ``values`` (the mean of the two middle ones for an even count)."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return Fraction(0)
    mid = n // 2
    return Fraction(ordered[mid]) if n % 2 else Fraction(ordered[mid - 1] + ordered[mid], 2)


def median_cap(
    requests: Mapping[K, int], total: int, order: Mapping[K, Any] | None = None
) -> dict[K, int]:
    """Everyone up to the median request; what is left, pro rata to what goes beyond it."""
    cap = median(list(requests.values()))
    return tiered(requests, total, {k: min(Fraction(v), cap) for k, v in requests.items()}, order)


def protected_floor(
    requests: Mapping[K, int], total: int, floor: int, order: Mapping[K, Any] | None = None
) -> dict[K, int]:
    """Every request protected up to ``floor`` cents first; the rest pro rata beyond it."""
    if floor < 0:
        raise ValueError("the floor must not be negative")
    return tiered(requests, total, {k: Fraction(min(v, floor)) for k, v in requests.items()}, order)
