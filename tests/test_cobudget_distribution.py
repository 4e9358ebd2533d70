"""Splitting a pot: exact to the cent, deterministic, fair (hypothesis properties)."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.distribution import split_equal, split_proportional

people = st.text(alphabet="abcdefghij@:.", min_size=1, max_size=8)
weights = st.dictionaries(people, st.integers(min_value=0, max_value=10_000), min_size=1)
totals = st.integers(min_value=0, max_value=10_000_000)


@given(totals, weights.filter(lambda w: sum(w.values()) > 0))
def test_proportional_adds_up_exactly_and_stays_within_a_cent(total, w):
    shares = split_proportional(total, w)
    assert set(shares) == set(w)
    assert sum(shares.values()) == total
    whole = sum(w.values())
    for key, cents in shares.items():
        exact = Fraction(total * w[key], whole)
        assert exact - 1 < cents < exact + 1
        if w[key] == 0:
            assert cents == 0


@given(totals, weights.filter(lambda w: sum(w.values()) > 0))
def test_proportional_is_the_same_whatever_the_order(total, w):
    reversed_w = dict(reversed(list(w.items())))
    assert split_proportional(total, w) == split_proportional(total, reversed_w)


@given(totals, weights.filter(lambda w: sum(w.values()) > 0))
def test_more_weight_never_gets_less(total, w):
    shares = split_proportional(total, w)
    for a in w:
        for b in w:
            if w[a] > w[b]:
                assert shares[a] >= shares[b]


@given(totals, st.lists(people, min_size=1, max_size=50))
def test_equal_split_differs_by_at_most_one_cent(total, keys):
    shares = split_equal(total, keys)
    assert sum(shares.values()) == total
    assert max(shares.values()) - min(shares.values()) <= 1


def test_remainders_go_to_the_largest_fractions_then_by_key():
    # 100 cents for 3 equal weights: 33 each, one cent left, to the first key in sorted order
    assert split_equal(100, ["@carol", "@alice", "@bob"]) == {
        "@alice": 34,
        "@bob": 33,
        "@carol": 33,
    }
    # 10 € for 1h, 2h, 4h: exact shares 1.4285…, 2.857…, 5.714… € -> largest remainders
    assert split_proportional(1000, {"a": 60, "b": 120, "c": 240}) == {"a": 143, "b": 286, "c": 571}


def test_refuses_what_cannot_be_shared():
    with pytest.raises(ValueError):
        split_proportional(100, {"a": 0, "b": 0})
    with pytest.raises(ValueError):
        split_equal(100, [])
    with pytest.raises(ValueError):
        split_proportional(-1, {"a": 1})
    assert split_proportional(0, {"a": 0}) == {"a": 0}
