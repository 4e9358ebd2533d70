"""The split of an envelope, a pure function: worked examples and properties."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from commands.split import Rules, give_back, scale, split

H = 60  # minutes in an hour
EUR = 100  # cents in a euro


# --------------------------------------------------------------------------- worked example


def test_worked_example_with_a_cap():
    result = split(
        {"alice": 30 * H, "bob": 10 * H, "carol": 10 * H}, 1000 * EUR, Rules(cap=400 * EUR)
    )
    assert result.amounts == {"alice": 400 * EUR, "bob": 300 * EUR, "carol": 300 * EUR}
    assert result.limited == ["alice"]
    assert result.redistributed == 200 * EUR
    assert result.remainder == 0


def test_worked_example_with_a_rate_of_20_nobody_is_limited():
    result = split(
        {"alice": 30 * H, "bob": 10 * H, "carol": 10 * H}, 1000 * EUR, Rules(rate=20 * EUR)
    )
    assert result.amounts == {"alice": 600 * EUR, "bob": 200 * EUR, "carol": 200 * EUR}
    assert result.limited == []
    assert result.remainder == 0


def test_worked_example_with_a_rate_of_15_the_rest_stays_in_the_envelope():
    result = split(
        {"alice": 30 * H, "bob": 10 * H, "carol": 10 * H}, 1000 * EUR, Rules(rate=15 * EUR)
    )
    assert result.amounts == {"alice": 450 * EUR, "bob": 150 * EUR, "carol": 150 * EUR}
    assert result.limited == ["alice", "bob", "carol"]
    assert result.remainder == 250 * EUR
    assert result.redistributed == 0


def test_plain_proportional_and_cents_distributed_deterministically():
    result = split({"a": 60, "b": 60, "c": 60}, 100)
    assert sorted(result.amounts.values()) == [33, 33, 34]
    assert result.amounts["a"] == 34  # equal weight: the tie goes to the smaller id
    assert result.distributed == 100


def test_commons_and_minimum_hours():
    result = split(
        {"alice": 10 * H, "bob": 10 * H, "dan": 1 * H},
        1000 * EUR,
        Rules(commons_bp=1000, min_minutes=2 * H),
    )
    assert result.commons == 100 * EUR
    assert result.excluded == ["dan"]
    assert result.amounts == {"alice": 450 * EUR, "bob": 450 * EUR}


def test_iterative_redistribution_needs_several_rounds():
    # Alice is capped first; what she leaves pushes Bob over the cap in the second round.
    result = split(
        {"alice": 50 * H, "bob": 30 * H, "carol": 20 * H}, 1000 * EUR, Rules(cap=350 * EUR)
    )
    assert result.amounts == {"alice": 350 * EUR, "bob": 350 * EUR, "carol": 300 * EUR}
    assert result.limited == ["alice", "bob"]


def test_nobody_included_keeps_everything():
    result = split({"alice": 30}, 500 * EUR, Rules(min_minutes=H))
    assert result.amounts == {}
    assert result.remainder == 500 * EUR
    assert result.excluded == ["alice"]


def test_scale_pro_rata_sum_exact():
    scaled = scale({1: 120 * EUR, 2: 80 * EUR, 3: 100 * EUR}, 200 * EUR)
    assert sum(scaled.values()) == 200 * EUR
    assert scaled == {1: 8000, 2: 5333, 3: 6667}
    assert scale({1: 50, 2: 50}, 1000) == {1: 50, 2: 50}


def test_give_back():
    assert give_back(30001, percent_bp=5000) == 15000
    assert give_back(300, cents=500) == 300
    assert give_back(300) == 0


# --------------------------------------------------------------------------- properties

people = st.dictionaries(
    st.text(alphabet="abcdefghij", min_size=1, max_size=3),
    st.integers(min_value=0, max_value=200 * H),
    min_size=1,
    max_size=12,
)
rules = st.builds(
    Rules,
    cap=st.none() | st.integers(min_value=1, max_value=2_000 * EUR),
    rate=st.none() | st.integers(min_value=1, max_value=100 * EUR),
    commons_bp=st.integers(min_value=0, max_value=5000),
    min_minutes=st.integers(min_value=0, max_value=20 * H),
)
amounts = st.integers(min_value=0, max_value=100_000 * EUR)


@settings(max_examples=300)
@given(people, amounts, rules)
def test_never_loses_or_creates_a_cent(minutes, amount, r):
    result = split(minutes, amount, r)
    assert result.distributed + result.commons + result.remainder == amount
    assert all(v >= 0 for v in result.amounts.values())
    assert result.remainder >= 0


@settings(max_examples=300)
@given(people, amounts, rules)
def test_nobody_exceeds_the_cap_or_the_rate(minutes, amount, r):
    result = split(minutes, amount, r)
    for person, cents in result.amounts.items():
        if r.cap is not None:
            assert cents <= r.cap
        if r.rate is not None:
            assert cents * 60 <= r.rate * minutes[person]


@settings(max_examples=300)
@given(people, amounts, rules)
def test_more_hours_never_means_less(minutes, amount, r):
    result = split(minutes, amount, r)
    got = {p: result.amounts.get(p, 0) for p in minutes}
    for a in minutes:
        for b in minutes:
            if minutes[a] > minutes[b]:
                assert got[a] >= got[b], (a, b, got)


@settings(max_examples=200)
@given(people, amounts, rules, st.randoms())
def test_order_of_contributions_does_not_matter(minutes, amount, r, rnd):
    items = list(minutes.items())
    rnd.shuffle(items)
    assert split(dict(items), amount, r) == split(minutes, amount, r)


@settings(max_examples=200)
@given(people, amounts, rules)
def test_remainder_only_when_everyone_is_limited(minutes, amount, r):
    result = split(minutes, amount, r)
    if result.remainder and result.amounts:
        assert set(result.limited) == set(result.amounts)


@given(
    st.dictionaries(st.integers(1, 50), st.integers(1, 10_000 * EUR), min_size=1, max_size=20),
    st.integers(min_value=0, max_value=50_000 * EUR),
)
def test_scale_sum_exact_and_never_above_the_request(requests, total):
    scaled = scale(requests, total)
    assert sum(scaled.values()) == min(total, sum(requests.values()))
    assert all(0 <= scaled[k] <= requests[k] for k in requests)
