"""How an envelope is shared: pure functions, integer cents, no I/O.

``split`` shares an amount in proportion to minutes, under optional rules (a cap per person, a
maximum hourly rate, a share kept for the commons, a minimum of hours to be included). What a cap
or a rate leaves over goes to the people who are not limited, in proportion to their minutes,
again and again until nobody goes over their limit; if everyone is limited, it stays in the
envelope. Cents are handed out by largest remainder with a fixed tie-break (more minutes first,
then the caller's ``order``: who logged first, for an envelope; else the user id), so that the
result never depends on the order of the input, nor on the ids (forgetting someone replaces their
id), and the amounts always add up: ``sum(amounts) + commons + remainder == amount``.

``scale`` shrinks requested amounts pro rata to fit an envelope, with the same rounding.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, TypeVar

K = TypeVar("K", str, int)


@dataclass(frozen=True)
class Rules:
    cap: int | None = None  # cents per person
    rate: int | None = None  # cents per hour
    commons_bp: int = 0  # share kept for the commons, in basis points (1000 = 10 %)
    min_minutes: int = 0  # fewer minutes than this: not included

    def limit(self, minutes: int) -> int | None:
        """The most one person with ``minutes`` may receive (``None``: no limit)."""
        limits = []
        if self.cap is not None:
            limits.append(self.cap)
        if self.rate is not None:
            limits.append(self.rate * minutes // 60)
        return min(limits) if limits else None


@dataclass
class Split:
    amounts: dict[str, int]  # every included person -> cents
    commons: int  # kept for the commons (the rule's share)
    remainder: int  # left in the envelope because everyone reached their limit
    limited: list[str] = field(default_factory=list)  # who got their cap or rate limit
    excluded: list[str] = field(default_factory=list)  # under the minimum of hours
    redistributed: int = 0  # cents that limits left over and that went to the others

    @property
    def distributed(self) -> int:
        return sum(self.amounts.values())


def _order(minutes: Mapping[str, int], order: Mapping[str, Any] | None = None) -> list[str]:
    """People by minutes (most first), then ``order`` (else the id): the tie-break for
    leftover cents."""
    return sorted(minutes, key=lambda p: (-minutes[p], *_tie(p, order)))


def _tie(key: K, order: Mapping[K, Any] | None) -> tuple[Any, ...]:
    """What breaks a tie between equals: ``order``'s value for ``key`` (those without one after
    the others), then the key itself."""
    if order is None:
        return (key,)
    return (key not in order, order.get(key, 0), key)


def largest_remainder(
    exact: Mapping[K, Fraction],
    total: int,
    weight: Mapping[K, int],
    order: Mapping[K, Any] | None = None,
) -> dict[K, int]:
    """Round ``exact`` shares (which add up to ``total``) to integers adding up to ``total``:
    floors first, then one more cent to the largest fractional parts; ties go to the larger
    ``weight``, then the smaller ``order`` (else the smaller key)."""
    floors = {p: int(v // 1) for p, v in exact.items()}
    left = total - sum(floors.values())
    ranked = sorted(exact, key=lambda p: (-(exact[p] - floors[p]), -weight[p], *_tie(p, order)))
    for p in ranked[:left]:
        floors[p] += 1
    return floors


def percent_shares(weights: Mapping[K, int], order: Mapping[K, Any] | None = None) -> dict[K, int]:
    """Each weight's share of their sum, in basis points (0,01 %), adding up to exactly 10 000
    (100,00 %) by ``largest_remainder`` (a 10h / 5h split: 6667 and 3333); all zero when the
    weights are."""
    whole = sum(weights.values())
    if whole <= 0:
        return {k: 0 for k in weights}
    exact = {k: Fraction(w * 10000, whole) for k, w in weights.items()}
    return largest_remainder(exact, 10000, weights, order)


def commons_share(amount: int, commons_bp: int) -> int:
    """The commons' part of ``amount`` (rounded half up, to the cent)."""
    return (amount * commons_bp + 5000) // 10000


def split(
    minutes: Mapping[str, int],
    amount: int,
    rules: Rules = Rules(),
    order: Mapping[str, Any] | None = None,
) -> Split:
    """Share ``amount`` cents among people in proportion to ``minutes`` under ``rules``;
    ``order`` breaks ties between people with the same minutes (else their ids)."""
    if amount < 0:
        raise ValueError("amount must not be negative")
    commons = commons_share(amount, rules.commons_bp)
    to_share = amount - commons
    floor_minutes = max(rules.min_minutes, 1)
    included = {p: m for p, m in minutes.items() if m >= floor_minutes}
    excluded = sorted(p for p, m in minutes.items() if 0 < m < floor_minutes)
    if not included:
        return Split({}, commons, to_share, excluded=excluded)

    limits = {p: rules.limit(m) for p, m in included.items()}
    active = _order(included, order)
    fixed: dict[str, int] = {}
    remaining = Fraction(to_share)
    while active:
        level = remaining / sum(included[p] for p in active)
        over = [p for p in active if (lim := limits[p]) is not None and level * included[p] > lim]
        if not over:
            break
        for p in over:
            lim = limits[p]
            assert lim is not None
            fixed[p] = lim
            remaining -= lim
        active = [p for p in active if p not in fixed]

    amounts = dict(fixed)
    remainder = 0
    if active:
        level = remaining / sum(included[p] for p in active)
        exact = {p: level * included[p] for p in active}
        amounts.update(largest_remainder(exact, int(remaining), included, order))
    else:
        remainder = int(remaining)
    # what the unlimited received beyond their plain proportional share
    total_minutes = sum(included.values())
    plain = sum(Fraction(to_share * included[p], total_minutes) for p in active)
    redistributed = round(sum(amounts[p] for p in active) - plain) if fixed and active else 0
    ordered = {p: amounts[p] for p in _order(included, order)}
    return Split(
        ordered,
        commons,
        remainder,
        limited=sorted(fixed),
        excluded=excluded,
        redistributed=redistributed,
    )


def scale(requests: Mapping[K, int], total: int) -> dict[K, int]:
    """Each request times ``total / sum(requests)``, to the cent, adding up to ``total`` exactly
    (when the requests exceed ``total``; otherwise they are returned unchanged)."""
    asked = sum(requests.values())
    if asked <= total or asked == 0:
        return dict(requests)
    exact = {k: Fraction(v * total, asked) for k, v in requests.items()}
    return largest_remainder(exact, total, requests)


def give_back(share: int, percent_bp: int | None = None, cents: int | None = None) -> int:
    """How much of ``share`` a person gives back to the commons: a percentage (basis points,
    rounded down) or a fixed amount, never more than the share."""
    if percent_bp is not None:
        return share * min(percent_bp, 10000) // 10000
    if cents is not None:
        return min(cents, share)
    return 0
