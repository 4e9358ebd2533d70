"""Sharing a whole number of cents among people, exactly.

Pure functions, no I/O. Every split adds up to the total exactly: the floor of each exact share
is given first, then the cents left over go one each to the largest remainders
(``commands.split.largest_remainder``, the project's one rounding: ties go to the larger weight,
then the smaller key), so that the same inputs always give the same split whatever their order.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from fractions import Fraction

from commands.split import largest_remainder


def split_proportional(total: int, weights: Mapping[str, int]) -> dict[str, int]:
    """``total`` cents shared in proportion to ``weights`` (largest remainder method).

    Keys with a zero weight get nothing. Raises ``ValueError`` when ``total`` or a weight is
    negative, or when every weight is zero and there is something to share.
    """
    if total < 0:
        raise ValueError("total must not be negative")
    if any(w < 0 for w in weights.values()):
        raise ValueError("weights must not be negative")
    whole = sum(weights.values())
    if whole == 0:
        if total == 0:
            return {k: 0 for k in weights}
        raise ValueError("nothing to share in proportion to")
    exact = {k: Fraction(total * weights[k], whole) for k in sorted(weights)}
    return largest_remainder(exact, total, weights)


def split_equal(total: int, keys: Iterable[str]) -> dict[str, int]:
    """``total`` cents shared equally; the cents that do not divide go to the first keys in
    sorted order."""
    unique = sorted(set(keys))
    if not unique:
        if total == 0:
            return {}
        raise ValueError("nobody to share among")
    return split_proportional(total, {k: 1 for k in unique})
