"""The funding rules as a pure function, and the buckets section of the recap."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from sqlmodel import Session

from commands.cobudget import progress_bar, recap_section
from commands.core import RecapScope, Settings
from commands.lifecycle.cobudget import check_funding
from storage.models import Room

cents = st.integers(min_value=0, max_value=1_000_000)


def _ok(**overrides):
    args = {
        "round_state": "open",
        "past_deadline": False,
        "bucket_state": "open",
        "held": 0,
        "max_cents": 10_000,
        "allocated_cents": 5_000,
        "balance_cents": 5_000,
        "amount": 500,
    }
    args.update(overrides)
    return check_funding(**args)


def test_each_rule_names_its_reason():
    assert _ok() is None
    assert _ok(amount=0).key == "buckets.error.zero_amount"
    assert _ok(round_state="closed").key == "buckets.error.round_closed"
    assert _ok(past_deadline=True).key == "buckets.error.round_ended"
    assert _ok(bucket_state="cancelled").key == "buckets.error.bucket_cancelled"
    assert _ok(bucket_state="refunded").key == "buckets.error.bucket_cancelled"
    assert _ok(bucket_state="completed").key == "buckets.error.bucket_completed"
    assert _ok(held=10_000).key == "buckets.error.bucket_full"
    refusal = _ok(held=9_800)
    assert refusal.key == "buckets.error.beyond_max" and refusal.money["room"] == 200
    assert _ok(allocated_cents=0, balance_cents=0).key == "buckets.error.no_allocation"
    refusal = _ok(balance_cents=400)
    assert refusal.key == "buckets.error.over_balance" and refusal.money["balance"] == 400
    assert _ok(bucket_state="funded", held=9_500) is None


@given(held=cents, max_cents=cents, balance_cents=cents, amount=cents)
def test_an_accepted_funding_never_overspends_nor_overfills(held, max_cents, balance_cents, amount):
    refusal = check_funding(
        round_state="open",
        past_deadline=False,
        bucket_state="open",
        held=held,
        max_cents=max_cents,
        allocated_cents=balance_cents + 1,
        balance_cents=balance_cents,
        amount=amount,
    )
    if refusal is None:
        assert 0 < amount <= balance_cents
        assert held + amount <= max_cents
    else:
        assert amount <= 0 or amount > balance_cents or held + amount > max_cents


def test_progress_bar():
    assert progress_bar(0, 100) == "░" * 10
    assert progress_bar(55, 100) == "█████░░░░░"
    assert progress_bar(250, 100) == "█" * 10


async def test_recap_section_lists_funded_close_and_new_buckets(chat, engine):
    await chat.say("alice", '!tour ouvrir "Hiver" 300€')
    await chat.say("alice", "!allouer @alice 300€")
    await chat.say("alice", "!bucket Four 50€")
    await chat.say("alice", "!bucket Tapis 100€")
    await chat.say("alice", "!bucket Radio 100€")
    await chat.say("alice", "!financer 1 50€")
    await chat.say("alice", "!financer 2 80€")
    with Session(engine) as db:
        room = db.get(Room, "coroutine")
        week = dt.date(2026, 11, 23)
        scope = RecapScope(
            db=db,
            room=room,
            start=week,
            end=week + dt.timedelta(days=7),
            previous_start=week - dt.timedelta(days=7),
            previous_end=week,
            settings=Settings(),
        )
        section = recap_section(scope)
        earlier = RecapScope(
            db=db,
            room=room,
            start=dt.date(2026, 11, 2),
            end=dt.date(2026, 11, 9),
            previous_start=dt.date(2026, 10, 26),
            previous_end=dt.date(2026, 11, 2),
            settings=Settings(),
        )
        quiet = recap_section(earlier)
        db.rollback()
    text = section.text.replace("\xa0", " ")
    assert "#1 « Four » financé (50,00 €)" in text
    assert "#2 « Tapis » presque financé : 80,00 € sur 100,00 €, il manque 20,00 €" in text
    assert "#3 « Radio » proposé par Alice (objectif 100,00 €)" in text
    assert "Radio » presque" not in text
    # a week with nothing new still shows buckets close to their goal
    assert quiet is not None and "#1" not in quiet.text and "Tapis" in quiet.text


def test_the_section_is_registered_between_contributions_and_envelopes():
    from commands import build_registry

    sections = [(order, name) for order, name, _ in build_registry().recap_sections]
    assert (20, "buckets") in sections
