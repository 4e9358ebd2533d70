"""The contributive budget's pure rules: settling a libre envelope and whether a proportional
envelope can be shared. Worked examples, then properties (hypothesis)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from commands.budget.rules import Asked, feasibility, settle_libre
from commands.split import Rules, commons_share, percent_shares, split

H = 60  # minutes in an hour
EUR = 100  # cents in a euro


# --------------------------------------------------------------------------- libre settlement


def test_a_libre_envelope_pays_its_validated_requests_and_keeps_the_rest():
    done = settle_libre(
        300 * EUR,
        [
            Asked(1, "alice", 80 * EUR, None, True),
            Asked(2, "bob", 80 * EUR, 50 * EUR, True),  # an amount agreed
            Asked(3, "carol", 200 * EUR, None, False),  # not validated: not paid
        ],
    )
    assert [(a.key, paid) for a, paid in done.paid] == [(1, 80 * EUR), (2, 50 * EUR)]
    assert done.unpaid == [3]
    assert done.total == 130 * EUR
    assert done.remainder == 170 * EUR
    assert not done.over


def test_a_libre_envelope_asked_for_more_than_it_holds_is_over():
    done = settle_libre(100 * EUR, [Asked(1, "a", 60 * EUR, None, True)] * 2)
    assert done.over
    assert done.total == 120 * EUR


def test_nothing_validated_pays_nothing():
    done = settle_libre(100 * EUR, [Asked(1, "a", 60 * EUR, None, False)])
    assert done.paid == []
    assert done.unpaid == [1]
    assert done.remainder == 100 * EUR


cents = st.integers(min_value=0, max_value=10**7)
asked = st.builds(
    Asked,
    key=st.integers(min_value=1, max_value=10**6),
    user_id=st.sampled_from(["a", "b", "c", "d"]),
    amount=st.integers(min_value=1, max_value=10**6),
    granted=st.none() | st.integers(min_value=0, max_value=10**6),
    validated=st.booleans(),
)


@given(cents, st.lists(asked, max_size=30))
def test_a_settlement_adds_up_to_the_envelope_to_the_cent(amount, requests):
    done = settle_libre(amount, requests)
    paid = [p for _, p in done.paid]
    assert sum(paid) == done.total
    assert done.over == (done.total > amount)
    if not done.over:
        assert done.total + done.remainder == amount
        assert done.remainder >= 0
    assert all(p >= 0 for p in paid)


@given(cents, st.lists(asked, max_size=30))
def test_a_settlement_pays_what_was_agreed_else_asked_and_only_the_validated(amount, requests):
    done = settle_libre(amount, requests)
    assert [a for a, _ in done.paid] == [r for r in requests if r.validated]
    assert all(p == (a.granted if a.granted is not None else a.amount) for a, p in done.paid)
    assert done.unpaid == [r.key for r in requests if not r.validated]


@given(cents, st.lists(asked, max_size=30))
def test_a_settlement_does_not_depend_on_who_asked(amount, requests):
    """Forgetting someone replaces their id: what is paid stays the same."""
    renamed = [Asked(r.key, f"x{r.user_id}", r.amount, r.granted, r.validated) for r in requests]
    assert [p for _, p in settle_libre(amount, renamed).paid] == [
        p for _, p in settle_libre(amount, requests).paid
    ]


# --------------------------------------------------------------------------- feasibility


def test_nobody_over_the_minimum_of_hours_cannot_receive_an_envelope():
    refused = feasibility(
        100 * EUR, {"a": 2 * H, "b": 0}, cap=None, commons_bp=0, min_minutes=3 * H
    )
    assert refused is not None and refused.reason == "nobody"


def test_a_cap_too_low_for_the_people_is_refused_with_the_most_it_allows():
    refused = feasibility(
        1000 * EUR, {"a": H, "b": H, "c": H}, cap=300 * EUR, commons_bp=0, min_minutes=0
    )
    assert refused is not None
    assert (refused.reason, refused.people, refused.most, refused.to_share) == (
        "cap",
        3,
        900 * EUR,
        1000 * EUR,
    )


def test_the_commons_part_is_kept_before_the_cap_is_checked():
    # 1000 € with 10 % for the commons: 900 € to share, three caps of 300 € suffice
    assert feasibility(1000 * EUR, {"a": H, "b": H, "c": H}, 300 * EUR, 1000, 0) is None


def test_the_commons_part_is_rounded_as_the_split_rounds_it():
    # 0,03 € with 50 % for the commons: the split keeps 0,02 € (half up) and shares 0,01 €
    assert commons_share(3, 5000) == 2
    assert feasibility(3, {"a": H}, cap=1, commons_bp=5000, min_minutes=0) is None


people = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d", "e", "f"]),
    st.integers(min_value=0, max_value=200 * H),
    max_size=6,
)


@given(
    cents,
    people,
    st.none() | st.integers(min_value=0, max_value=10**6),
    st.integers(min_value=0, max_value=9999),
    st.integers(min_value=0, max_value=10 * H),
)
def test_feasible_exactly_when_the_split_shares_it_all(amount, minutes, cap, commons_bp, least):
    """What the check accepts, the split shares to the cent (nothing left in the envelope, no
    one below zero); what it refuses, the split could not share."""
    refused = feasibility(amount, minutes, cap=cap, commons_bp=commons_bp, min_minutes=least)
    result = split(minutes, amount, Rules(cap=cap, commons_bp=commons_bp, min_minutes=least))
    assert sum(result.amounts.values()) + result.commons + result.remainder == amount
    assert all(v >= 0 for v in result.amounts.values())
    if refused is None:
        assert result.amounts
        assert result.remainder == 0
    elif refused.reason == "nobody":
        assert not result.amounts
    else:
        assert result.remainder == refused.to_share - refused.most > 0
        assert all(v == cap for v in result.amounts.values())


@given(st.integers(min_value=1, max_value=10 * H), st.integers(min_value=2, max_value=6))
def test_equal_hours_share_by_the_one_largest_remainder(each, n):
    """People with the same hours: the cents that do not divide go as ``largest_remainder``
    hands them out (who logged first, then the id), the same order as the percentages shown."""
    minutes = {f"p{i}": each for i in range(n)}
    first = {f"p{i}": n - i for i in range(n)}  # the last id logged first
    assert feasibility(101, minutes, cap=None, commons_bp=0, min_minutes=0) is None
    amounts = split(minutes, 101, Rules(), first).amounts
    assert sum(amounts.values()) == 101
    ranked = sorted(minutes, key=lambda p: first[p])
    extra = 101 % n
    assert [amounts[p] for p in ranked] == [101 // n + 1] * extra + [101 // n] * (n - extra)
    shares = percent_shares(minutes, first)
    assert [p for p in ranked if shares[p] > 10000 // n] == ranked[: 10000 % n]
