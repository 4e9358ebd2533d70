"""Landing a shortfall and sharing percentages: pure functions, worked examples and properties.

One rounding for the whole project (``commands.split.largest_remainder``): every split adds up
exactly, each part is within one unit of its exact value, and ties always go the same way."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from commands.distribution import split_proportional
from commands.landing import (
    Option,
    equal_base,
    median,
    median_cap,
    options,
    pro_rata,
    protected_floor,
)
from commands.split import largest_remainder, percent_shares, scale

EUR = 100

requests_st = st.dictionaries(
    st.integers(1, 500), st.integers(1, 5_000_000), min_size=1, max_size=30
)
envelope_st = st.integers(1, 20_000_000)


# --------------------------------------------------------------------------- percentages


def test_percentages_are_rounded_not_truncated():
    assert percent_shares({"a": 600, "b": 300}) == {"a": 6667, "b": 3333}
    assert percent_shares({"a": 1200, "b": 300, "c": 300}) == {"a": 6667, "b": 1667, "c": 1666}


def test_percentages_tie_break_is_the_order_then_the_key():
    assert percent_shares({"b": 1, "a": 1, "c": 1}) == {"b": 3333, "a": 3334, "c": 3333}
    assert percent_shares({"b": 1, "a": 1, "c": 1}, {"c": 0, "b": 1, "a": 2}) == {
        "b": 3333,
        "a": 3333,
        "c": 3334,
    }


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 10**6), min_size=1))
def test_percentages_sum_to_100_and_are_each_within_one_hundredth(weights):
    shares = percent_shares(weights)
    whole = sum(weights.values())
    if whole == 0:
        assert set(shares.values()) == {0}
        return
    assert sum(shares.values()) == 10000
    for k, w in weights.items():
        assert abs(shares[k] - Fraction(w * 10000, whole)) < 1


@given(st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 10**6), min_size=1))
def test_percentages_do_not_depend_on_the_order_of_the_input(weights):
    backwards = dict(reversed(list(weights.items())))
    assert percent_shares(weights) == percent_shares(backwards)


# --------------------------------------------------------------------------- one rounding


@given(
    st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 10**6), min_size=1),
    st.integers(0, 10**7),
)
def test_largest_remainder_is_exact_within_one_and_deterministic(weights, total):
    whole = sum(weights.values())
    if whole == 0:
        return
    exact = {k: Fraction(total * w, whole) for k, w in weights.items()}
    out = largest_remainder(exact, total, weights)
    assert sum(out.values()) == total
    assert all(abs(out[k] - exact[k]) < 1 for k in weights)
    backwards = dict(reversed(list(exact.items())))
    assert largest_remainder(backwards, total, weights) == out
    # ties: the larger weight first, then the smaller key
    ranked = sorted(weights, key=lambda k: (-(exact[k] - int(exact[k])), -weights[k], k))
    extra = {k for k in weights if out[k] > exact[k]}
    assert extra == set(ranked[: len(extra)])


@given(
    st.dictionaries(st.text(min_size=1, max_size=3), st.integers(0, 10**6), min_size=1),
    st.integers(0, 10**7),
)
def test_the_cobudget_split_and_the_envelope_scale_round_the_same_way(weights, total):
    if sum(weights.values()) == 0:
        return
    assert split_proportional(total, weights) == largest_remainder(
        {k: Fraction(total * w, sum(weights.values())) for k, w in weights.items()},
        total,
        weights,
    )
    positive = {k: w for k, w in weights.items() if w}
    if sum(positive.values()) > total:
        assert scale(positive, total) == pro_rata(positive, total)


# --------------------------------------------------------------------------- landing options


def test_the_issue_example_prorata():
    assert pro_rata({1: 25 * EUR, 2: 100 * EUR}, 100 * EUR) == {1: 20 * EUR, 2: 80 * EUR}
    assert pro_rata({1: 25 * EUR, 2: 75 * EUR}, 100 * EUR) == {1: 25 * EUR, 2: 75 * EUR}


def test_worked_example_four_options():
    asked = {1: 6000 * EUR, 2: 4000 * EUR, 3: 3000 * EUR, 4: 1500 * EUR, 5: 500 * EUR}
    total = 10_000 * EUR
    landed = {o.name: o.shares(asked, total) for o in options()}
    for shares in landed.values():
        assert sum(shares.values()) == total
        assert all(shares[k] <= asked[k] for k in asked)
    assert landed["prorata"] == {1: 400000, 2: 266667, 3: 200000, 4: 100000, 5: 33333}
    # 3 000 € shared equally (600 € each, 500 € for #5), the rest pro rata beyond it
    assert landed["base"] == {1: 376860, 2: 259504, 3: 200826, 4: 112810, 5: 50000}
    # up to the median (3 000 €): 11 000 € > 10 000 €, so the capped amounts are scaled
    assert landed["median"] == {1: 272727, 2: 272727, 3: 272727, 4: 136364, 5: 45455}
    # 100 € each first, the rest pro rata beyond it
    assert landed["floor"] == {1: 396552, 2: 265517, 3: 200000, 4: 101724, 5: 36207}


def test_requests_that_fit_are_kept():
    for o in options():
        assert o.shares({1: 300, 2: 200}, 1000) == {1: 300, 2: 200}


def test_median_of_an_even_count_is_the_middle_mean():
    assert median([1, 2, 3, 10]) == Fraction(5, 2)
    assert median([7]) == 7


def test_option_keys_round_trip():
    for o in options(4000, 5000):
        assert Option.parse(o.key()) == o
    assert [o.key() for o in options()] == ["prorata", "base:3000", "median", "floor:10000"]


@given(requests_st, envelope_st, st.integers(0, 10000), st.integers(0, 1_000_000))
def test_every_option_lands_exactly_within_each_request(asked, total, base_bp, floor):
    for shares in (
        pro_rata(asked, total),
        equal_base(asked, total, base_bp),
        median_cap(asked, total),
        protected_floor(asked, total, floor),
    ):
        assert set(shares) == set(asked)
        assert sum(shares.values()) == min(total, sum(asked.values()))
        assert all(0 <= shares[k] <= asked[k] for k in asked)


@given(requests_st, envelope_st, st.integers(0, 1_000_000))
def test_a_protected_floor_is_kept_when_the_floors_fit(asked, total, floor):
    shares = protected_floor(asked, total, floor)
    if sum(min(v, floor) for v in asked.values()) <= total:
        assert all(shares[k] >= min(v, floor) for k, v in asked.items())


@given(requests_st, envelope_st)
def test_median_cap_gives_everyone_their_request_up_to_the_median_when_that_fits(asked, total):
    shares = median_cap(asked, total)
    cap = median(list(asked.values()))
    if sum(min(v, cap) for v in asked.values()) <= total:
        assert all(shares[k] >= min(Fraction(v), cap) - 1 for k, v in asked.items())


@given(requests_st, envelope_st, st.integers(0, 10000))
def test_options_are_deterministic_whatever_the_input_order(asked, total, base_bp):
    backwards = dict(reversed(list(asked.items())))
    for o in options(base_bp):
        assert o.shares(asked, total) == o.shares(backwards, total)
