"""The transition functions of ``commands.lifecycle``, as pure functions: each rule of each
record's table, and properties over every state (an undo gives back the state before the action;
nothing changes in a closed or ended round or in a closed envelope)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.lifecycle import ABSENT, Act, Actor, Refusal, act, undo
from commands.lifecycle import budget as b
from commands.lifecycle import campaign as k
from commands.lifecycle import cobudget as c
from commands.lifecycle.contrib import LOGGED, Contribution, contribution_step
from commands.lifecycle.settings import (
    EXISTS,
    Project,
    Setting,
    default_back,
    project_step,
    setting_step,
)

NOON = dt.datetime(2026, 11, 26, 11, tzinfo=dt.UTC)  # Thursday 26 Nov 2026 in Paris
LATE = dt.datetime(2026, 11, 30, 23, 5, tzinfo=dt.UTC)  # already 1 December in Paris
ADMIN, AUTHOR, OTHER, BOT = Actor("@root", True), Actor("@bob"), Actor("@carol"), Actor("bot", True)

OPEN = c.Round("open", "Hiver", dt.date(2026, 11, 30))
CLOSED = c.Round("closed", "Hiver", dt.date(2026, 11, 30))


def key(result: object) -> str:
    return result.key if isinstance(result, Refusal) else result.status  # type: ignore[attr-defined]


def bucket(status: str = "open", held: int = 0, rnd: c.Round = OPEN, fundings: int = 0) -> c.Bucket:
    return c.Bucket(status, rnd, 1, "Café", "@bob", 5000, 8000, held, fundings)


# --------------------------------------------------------------------------- the tables


@pytest.mark.parametrize(
    ("state", "action", "who", "now", "expected"),
    [
        (c.Round(ABSENT), act(Act.CREATE), ADMIN, NOON, "open"),
        (c.Round(ABSENT), act(Act.CREATE), AUTHOR, NOON, "lifecycle.admin_only"),
        (OPEN, act(Act.CLOSE), ADMIN, NOON, "closed"),
        (OPEN, act(Act.CLOSE), ADMIN, LATE, "closed"),  # an admin may close an ended round
        (CLOSED, act(Act.CLOSE), ADMIN, NOON, "lifecycle.round.closed"),
        (OPEN, act(Act.DEADLINE), BOT, NOON, "lifecycle.round.not_due"),
        (OPEN, act(Act.DEADLINE), BOT, LATE, "closed"),
        (OPEN, act(Act.SET), ADMIN, NOON, "open"),
        (OPEN, act(Act.SET), ADMIN, LATE, "lifecycle.round.ended"),
        (CLOSED, act(Act.SET), ADMIN, NOON, "lifecycle.round.closed"),
        (OPEN, undo(Act.CREATE), ADMIN, NOON, ABSENT),
        (c.Round("open", buckets=1), undo(Act.CREATE), ADMIN, NOON, "lifecycle.round.in_use"),
        (c.Round("open", allocations=2), undo(Act.CREATE), ADMIN, NOON, "lifecycle.round.in_use"),
        (OPEN, undo(Act.CREATE), AUTHOR, NOON, "lifecycle.admin_only"),
        (CLOSED, undo(Act.CREATE), ADMIN, NOON, "lifecycle.round.closed"),
        (CLOSED, undo(Act.CLOSE), ADMIN, NOON, "lifecycle.round.close_kept"),
        (CLOSED, undo(Act.DEADLINE), ADMIN, NOON, "lifecycle.round.close_kept"),
    ],
    ids=str,
)
def test_round(state, action, who, now, expected):
    assert key(c.round_step(state, action, who, now)) == expected


@pytest.mark.parametrize(
    ("state", "action", "who", "now", "expected"),
    [
        (bucket(ABSENT), act(Act.CREATE), OTHER, NOON, "open"),
        (bucket(ABSENT), act(Act.CREATE), OTHER, LATE, "lifecycle.round.ended"),
        (bucket(ABSENT, rnd=CLOSED), act(Act.CREATE), OTHER, NOON, "lifecycle.round.closed"),
        (bucket("open"), act(Act.CANCEL), AUTHOR, NOON, "cancelled"),
        (bucket("funded", 5000), act(Act.CANCEL), ADMIN, NOON, "cancelled"),
        (bucket("open"), act(Act.CANCEL), OTHER, NOON, "buckets.error.not_author"),
        (bucket("funded", 5000, CLOSED), act(Act.CANCEL), AUTHOR, NOON, "lifecycle.round.closed"),
        (bucket("funded", 5000), act(Act.CANCEL), AUTHOR, LATE, "lifecycle.round.ended"),
        (bucket("completed", 5000), act(Act.CANCEL), AUTHOR, NOON, "buckets.error.cannot_cancel"),
        (bucket("funded", 5000), act(Act.COMPLETE), AUTHOR, NOON, "completed"),
        (bucket("open"), act(Act.COMPLETE), AUTHOR, NOON, "buckets.error.cannot_complete"),
        (bucket("funded", 5000, CLOSED), act(Act.COMPLETE), AUTHOR, NOON, "lifecycle.round.closed"),
        (bucket("open"), undo(Act.CREATE), AUTHOR, NOON, ABSENT),
        (bucket("open", fundings=1), undo(Act.CREATE), AUTHOR, NOON, "lifecycle.bucket.in_use"),
        (
            bucket("funded", 5000, fundings=1),
            undo(Act.CREATE),
            AUTHOR,
            NOON,
            "lifecycle.bucket.in_use",
        ),
        (bucket("open", rnd=CLOSED), undo(Act.CREATE), AUTHOR, NOON, "lifecycle.round.closed"),
        (bucket("cancelled"), undo(Act.CANCEL), AUTHOR, NOON, "open"),
        (bucket("cancelled", rnd=CLOSED), undo(Act.CANCEL), AUTHOR, NOON, "lifecycle.round.closed"),
        (bucket("open"), undo(Act.CANCEL), AUTHOR, NOON, "lifecycle.changed_since"),
        (bucket("completed", 5000), undo(Act.COMPLETE), AUTHOR, NOON, "funded"),
        (bucket("completed", 5000), undo(Act.COMPLETE), AUTHOR, LATE, "lifecycle.round.ended"),
        (bucket("open"), act(Act.REFUND), BOT, LATE, "refunded"),
    ],
    ids=str,
)
def test_bucket(state, action, who, now, expected):
    assert key(c.bucket_step(state, action, who, now)) == expected


def funding(status: str, b_: c.Bucket, cents: int = 500, balance: int = 5000) -> c.Funding:
    return c.Funding(status, b_, cents, "@carol", 10_000, balance)


@pytest.mark.parametrize(
    ("state", "action", "now", "expected"),
    [
        (funding(ABSENT, bucket()), act(Act.CREATE), NOON, "active"),
        (funding(ABSENT, bucket()), act(Act.CREATE), LATE, "buckets.error.round_ended"),
        (funding(ABSENT, bucket(rnd=CLOSED)), act(Act.CREATE), NOON, "buckets.error.round_closed"),
        (
            funding(ABSENT, bucket(), balance=100),
            act(Act.CREATE),
            NOON,
            "buckets.error.over_balance",
        ),
        (
            funding(ABSENT, bucket("funded", 8000)),
            act(Act.CREATE),
            NOON,
            "buckets.error.bucket_full",
        ),
        (funding("active", bucket("open", 500)), undo(Act.CREATE), NOON, ABSENT),
        (
            funding("active", bucket("open", 500)),
            undo(Act.CREATE),
            LATE,
            "lifecycle.funding.withdraw_ended",
        ),
        (
            funding("active", bucket("funded", 5000, CLOSED)),
            undo(Act.CREATE),
            NOON,
            "buckets.error.withdraw_closed",
        ),
        (
            funding("active", bucket("completed", 5000)),
            undo(Act.CREATE),
            NOON,
            "buckets.error.withdraw_completed",
        ),
        (
            funding("refunded", bucket("cancelled")),
            undo(Act.CREATE),
            NOON,
            "lifecycle.funding.refunded",
        ),
        (funding("refunded", bucket("open")), undo(Act.REFUND), NOON, "active"),
        (
            funding("refunded", bucket("open"), balance=100),
            undo(Act.REFUND),
            NOON,
            "lifecycle.funding.spent",
        ),
        (funding("active", bucket("funded", 5000)), act(Act.REFUND), NOON, "refunded"),
    ],
    ids=str,
)
def test_funding(state, action, now, expected):
    assert key(c.funding_step(state, action, OTHER, now)) == expected


def test_a_funding_moves_its_bucket_between_open_and_funded():
    step = c.funding_step(funding(ABSENT, bucket("open", 4800), 200), act(Act.CREATE), OTHER, NOON)
    assert isinstance(step, c.Funding) and (step.bucket.status, step.bucket.held) == (
        "funded",
        5000,
    )
    back = c.funding_step(step, undo(Act.CREATE), OTHER, NOON)
    assert isinstance(back, c.Funding) and (back.bucket.status, back.bucket.held) == ("open", 4800)


@pytest.mark.parametrize(
    ("state", "action", "who", "now", "expected"),
    [
        (c.Allocation(ABSENT, OPEN), act(Act.CREATE), ADMIN, NOON, "given"),
        (c.Allocation(ABSENT, OPEN), act(Act.CREATE), AUTHOR, NOON, "lifecycle.admin_only"),
        (c.Allocation(ABSENT, OPEN), act(Act.CREATE), ADMIN, LATE, "lifecycle.round.ended"),
        (c.Allocation("given", OPEN, (("@bob", 5000, 5000),)), undo(Act.CREATE), ADMIN, NOON, ABSENT),
        (c.Allocation("given", OPEN, (("@bob", 5000, 100),)), undo(Act.CREATE), ADMIN, NOON,
         "buckets.error.allocation_spent"),
        (c.Allocation("given", CLOSED), undo(Act.CREATE), ADMIN, NOON, "lifecycle.round.closed"),
    ],
    ids=str,
)  # fmt: skip
def test_allocation(state, action, who, now, expected):
    assert key(c.allocation_step(state, action, who, now)) == expected


ENV = b.Envelope("open", "KPA (novembre 2026)", "KPA")
SHUT = b.Envelope("closed", "KPA (novembre 2026)", "KPA")


@pytest.mark.parametrize(
    ("state", "action", "who", "expected"),
    [
        (b.Envelope(ABSENT, code="KPA"), act(Act.CREATE), ADMIN, "open"),
        (ENV, act(Act.CLOSE), ADMIN, "closed"),
        (ENV, act(Act.CLOSE), AUTHOR, "lifecycle.admin_only"),
        (SHUT, act(Act.CLOSE), ADMIN, "lifecycle.envelope.closed"),
        (SHUT, undo(Act.CLOSE), ADMIN, "lifecycle.envelope.close_kept"),
        (ENV, undo(Act.CREATE), ADMIN, ABSENT),
        (b.Envelope("open", requests=1), undo(Act.CREATE), ADMIN, "lifecycle.envelope.in_use"),
        (SHUT, undo(Act.CREATE), ADMIN, "lifecycle.envelope.closed"),
    ],
    ids=str,
)
def test_envelope(state, action, who, expected):
    assert key(b.envelope_step(state, action, who, NOON)) == expected


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    [
        (b.Request(ABSENT, ENV), act(Act.CREATE), "active"),
        (b.Request(ABSENT, SHUT), act(Act.CREATE), "lifecycle.envelope.closed"),
        (b.Request("active", ENV), act(Act.EDIT), "active"),
        (b.Request("active", SHUT), act(Act.EDIT), "lifecycle.envelope.closed"),
        (b.Request("withdrawn", ENV), act(Act.EDIT), "lifecycle.request.withdrawn"),
        (b.Request("active", ENV), act(Act.WITHDRAW), "withdrawn"),
        (b.Request("active", ENV), undo(Act.CREATE), ABSENT),
        (b.Request("active", ENV, answers=1), undo(Act.CREATE), "lifecycle.request.in_use"),
        (b.Request("active", ENV, granted=True), undo(Act.CREATE), "lifecycle.request.in_use"),
        (b.Request("withdrawn", ENV), undo(Act.CREATE), "lifecycle.request.withdrawn"),
        (b.Request("active", ENV), undo(Act.EDIT), "active"),
        (b.Request("active", ENV, unchanged=False), undo(Act.EDIT), "lifecycle.changed_since"),
        (b.Request("withdrawn", ENV), undo(Act.WITHDRAW), "active"),
        (
            b.Request("withdrawn", ENV, other_active=True),
            undo(Act.WITHDRAW),
            "lifecycle.request.replaced",
        ),
        (b.Request("withdrawn", SHUT), undo(Act.WITHDRAW), "lifecycle.envelope.closed"),
    ],
    ids=str,
)
def test_request(state, action, expected):
    assert key(b.request_step(state, action, AUTHOR, NOON)) == expected


@pytest.mark.parametrize(
    ("fn", "state", "action", "who", "expected"),
    [
        (b.answer_step, b.Answer(ABSENT, ENV), act(Act.CREATE), OTHER, "given"),
        (b.answer_step, b.Answer(ABSENT, SHUT), act(Act.CREATE), OTHER, "lifecycle.envelope.closed"),
        (b.answer_step, b.Answer("given", ENV), undo(Act.CREATE), OTHER, ABSENT),
        (b.answer_step, b.Answer("given", SHUT), undo(Act.CREATE), OTHER, "lifecycle.envelope.closed"),
        (b.agreement_step, b.Agreement(ABSENT, ENV), act(Act.CREATE), ADMIN, "given"),
        (b.agreement_step, b.Agreement(ABSENT, ENV), act(Act.CREATE), OTHER, "lifecycle.admin_only"),
        (b.agreement_step, b.Agreement("given", ENV), undo(Act.CREATE), ADMIN, ABSENT),
        (b.agreement_step, b.Agreement("given", ENV, unchanged=False), undo(Act.CREATE), ADMIN,
         "lifecycle.changed_since"),
        (b.agreement_step, b.Agreement("given", SHUT), undo(Act.CREATE), ADMIN,
         "lifecycle.envelope.closed"),
    ],
    ids=lambda v: v.__name__ if callable(v) and hasattr(v, "__name__") else str(v),
)  # fmt: skip
def test_answers_and_agreements(fn, state, action, who, expected):
    assert key(fn(state, action, who, NOON)) == expected


@pytest.mark.parametrize(
    ("state", "action", "who", "expected"),
    [
        (Contribution(ABSENT), act(Act.CREATE), OTHER, LOGGED),
        (Contribution(LOGGED, 1, "@bob", "@bob"), act(Act.WITHDRAW), AUTHOR, ABSENT),
        (Contribution(LOGGED, 1, "@bob", "@bob"), act(Act.WITHDRAW), OTHER, "contrib.error.not_yours"),
        (Contribution(LOGGED, 1, "@bob", "@bob"), act(Act.WITHDRAW), ADMIN, ABSENT),
        (Contribution(LOGGED), undo(Act.CREATE), AUTHOR, ABSENT),
        (Contribution(ABSENT), undo(Act.WITHDRAW), AUTHOR, LOGGED),
        (Contribution(ABSENT, source_taken=True), undo(Act.WITHDRAW), AUTHOR,
         "lifecycle.contribution.logged_again"),
    ],
    ids=str,
)  # fmt: skip
def test_contribution(state, action, who, expected):
    assert key(contribution_step(state, action, who, NOON)) == expected


def test_settings_and_projects():
    s = Setting("langue", "en", "fr", "en")
    assert setting_step(s, undo(Act.SET), ADMIN, NOON).current == "fr"  # type: ignore[union-attr]
    assert key(setting_step(s, undo(Act.SET), AUTHOR, NOON)) == "lifecycle.admin_only"
    moved = Setting("langue", "de", "fr", "en")
    assert key(setting_step(moved, undo(Act.SET), ADMIN, NOON)) == "lifecycle.changed_since"
    assert key(project_step(Project(EXISTS, "KPA"), undo(Act.CREATE), ADMIN, NOON)) == ABSENT
    used = Project(EXISTS, "KPA", 3)
    assert key(project_step(used, undo(Act.CREATE), ADMIN, NOON)) == "lifecycle.project.in_use"
    # the default project before a change comes back only if it still can be the default
    assert default_back(Project(EXISTS, "KPA")) is None
    assert key(default_back(Project(ABSENT))) == "lifecycle.project.default_gone"
    archived = Project(EXISTS, "KPA", archived=True)
    assert key(default_back(archived)) == "lifecycle.project.default_archived"


# --------------------------------------------------------------------------- properties

STATES = ("open", "funded", "completed", "cancelled", "refunded")
rounds = st.builds(
    c.Round,
    status=st.sampled_from(("open", "closed")),
    deadline=st.sampled_from((None, dt.date(2026, 11, 30))),
    allocations=st.integers(0, 3),
    buckets=st.integers(0, 3),
)
instants = st.sampled_from((NOON, LATE))
actors = st.sampled_from((ADMIN, AUTHOR, OTHER))
actions = st.sampled_from(
    [act(k) for k in Act if k is not Act.UNDO] + [undo(k) for k in Act if k is not Act.UNDO]
)


@given(rnd=rounds, status=st.sampled_from(STATES), held=st.integers(0, 9000), who=actors,
       action=actions, now=instants, cents=st.integers(1, 3000), balance=st.integers(0, 5000))  # fmt: skip
def test_nothing_in_a_closed_or_ended_round_changes(
    rnd, status, held, who, action, now, cents, balance
):
    """Once a round is closed, or past its deadline, every action on what it holds is refused:
    only the round's own close (by an admin or its deadline) and the refunds it makes go on."""
    frozen = c.frozen(rnd, now) is not None
    b_ = bucket(status, held, rnd, fundings=1)
    results = [
        c.bucket_step(b_, action, who, now),
        c.funding_step(c.Funding("active", b_, cents, "@carol", 5000, balance), action, who, now),
        c.allocation_step(
            c.Allocation("given", rnd, (("@bob", cents, balance),)), action, who, now
        ),
    ]
    if frozen and action.kind is not Act.REFUND:
        assert all(isinstance(r, Refusal) for r in results), results


@given(status=st.sampled_from(("open", "funded")), held=st.integers(0, 7900), cents=st.integers(1, 3000),
       balance=st.integers(0, 5000))  # fmt: skip
def test_undoing_a_funding_gives_back_the_bucket_before_it(status, held, cents, balance):
    if (status == "funded") != (held >= 5000):
        status = "funded" if held >= 5000 else "open"
    before = bucket(status, held)
    made = c.funding_step(funding(ABSENT, before, cents, balance), act(Act.CREATE), OTHER, NOON)
    if isinstance(made, Refusal):
        assert cents > balance or held + cents > before.max_cents
        return
    back = c.funding_step(made, undo(Act.CREATE), OTHER, NOON)
    assert isinstance(back, c.Funding) and back.status == ABSENT
    assert back.bucket == before


@given(status=st.sampled_from(("open", "funded")), held=st.integers(0, 8000), who=actors)
def test_undoing_a_cancel_gives_back_the_bucket_before_it(status, held, who):
    status = "funded" if held >= 5000 else "open"
    before = bucket(status, held)
    cancelled = c.bucket_step(before, act(Act.CANCEL), who, NOON)
    if isinstance(cancelled, Refusal):
        assert who is OTHER
        return
    again = c.bucket_step(cancelled, undo(Act.CANCEL), who, NOON)
    assert isinstance(again, c.Bucket)
    if held:
        step = c.funding_step(funding("refunded", again, held, held), undo(Act.REFUND), who, NOON)
        assert isinstance(step, c.Funding)
        again = step.bucket
    assert again == before


@given(env=st.sampled_from((ENV, SHUT)), who=actors, action=actions)
def test_nothing_in_a_closed_envelope_changes(env, who, action):
    results = [
        b.request_step(b.Request("active", env), action, who, NOON),
        b.answer_step(b.Answer("given", env), action, who, NOON),
        b.agreement_step(b.Agreement("given", env), action, who, NOON),
        b.source_step(b.Source("given", env), action, who, NOON),
        b.source_step(b.Source(ABSENT, env), action, who, NOON),
    ]
    if env.status == "closed":
        assert all(isinstance(r, Refusal) for r in results)


# --------------------------------------------------------------------------- sources


@pytest.mark.parametrize(
    ("state", "action", "who", "expected"),
    [
        (b.Source(ABSENT, ENV), act(Act.CREATE), ADMIN, "given"),
        (b.Source(ABSENT, ENV), act(Act.CREATE), OTHER, "lifecycle.admin_only"),
        (b.Source(ABSENT, SHUT), act(Act.CREATE), ADMIN, "lifecycle.envelope.closed"),
        (b.Source("given", ENV), undo(Act.CREATE), ADMIN, ABSENT),
        (b.Source("given", ENV), undo(Act.CREATE), OTHER, "lifecycle.admin_only"),
        (b.Source("given", SHUT), undo(Act.CREATE), ADMIN, "lifecycle.envelope.closed"),
        (b.Source("given", ENV, initial=True), undo(Act.CREATE), ADMIN, "lifecycle.not_allowed"),
        (b.Source("given", ENV), act(Act.EDIT), ADMIN, "lifecycle.not_allowed"),
    ],
    ids=str,
)
def test_source(state, action, who, expected):
    """The owner of an envelope acts as an admin of it (``Actor(user, admin=True)``)."""
    assert key(b.source_step(state, action, who, NOON)) == expected


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    [
        (b.Envelope("open", sources=1), undo(Act.CREATE), "budget_sources.error.in_use"),
        (b.Envelope("open"), act(Act.SET), "open"),
        (b.Envelope("open"), undo(Act.SET), "open"),
        (b.Envelope("closed"), act(Act.SET), "lifecycle.envelope.closed"),
    ],
    ids=str,
)
def test_an_envelope_with_sources_and_its_owner(state, action, expected):
    assert key(b.envelope_step(state, action, ADMIN, NOON)) == expected
    assert key(b.envelope_step(state, action, OTHER, NOON)) == "lifecycle.admin_only"


# --------------------------------------------------------------------------- lazy consensus

CONSENT_OPEN = b.Envelope("open", "KPA", "KPA")
CONSENT_CLOSED = b.Envelope("closed", "KPA", "KPA")


def objection(status: str = b.RAISED, env: b.Envelope = CONSENT_OPEN) -> b.Objection:
    return b.Objection(status, env, 3, "@carol")


CAROL, BOB = OTHER, AUTHOR


@pytest.mark.parametrize(
    ("state", "action", "who", "expected"),
    [
        (objection(ABSENT), act(Act.CREATE), CAROL, b.RAISED),
        (objection(), act(Act.WITHDRAW), CAROL, b.LIFTED),
        (objection(), act(Act.WITHDRAW), BOB, "budget.consent.error.not_yours"),
        (objection(), act(Act.WITHDRAW), ADMIN, "budget.consent.error.not_yours"),
        (objection(b.LIFTED), act(Act.WITHDRAW), CAROL, "budget.consent.error.not_open"),
        (objection(), act(Act.CLOSE), ADMIN, b.SETTLED),
        (objection(), act(Act.CLOSE), CAROL, "lifecycle.admin_only"),
        (objection(b.SETTLED), act(Act.CLOSE), ADMIN, "budget.consent.error.not_open"),
        (objection(b.LIFTED), undo(Act.WITHDRAW), CAROL, b.RAISED),
        (objection(b.SETTLED), undo(Act.CLOSE), ADMIN, b.RAISED),
        (objection(b.RAISED), undo(Act.CLOSE), ADMIN, "lifecycle.changed_since"),
        (objection(), undo(Act.CREATE), CAROL, ABSENT),
        (objection(env=CONSENT_CLOSED), act(Act.WITHDRAW), CAROL, "lifecycle.envelope.closed"),
        (objection(b.SETTLED, CONSENT_CLOSED), undo(Act.CLOSE), ADMIN, "lifecycle.envelope.closed"),
    ],
    ids=str,
)
def test_objection(state, action, who, expected):
    result = b.objection_step(state, action, who, NOON)
    assert (result.key if isinstance(result, Refusal) else result.status) == expected


@given(
    st.sampled_from([b.RAISED, b.LIFTED, b.SETTLED]),
    st.sampled_from([(Act.WITHDRAW, CAROL), (Act.CLOSE, ADMIN)]),
)
def test_undoing_a_lift_or_a_settlement_gives_back_the_state_before(status, how):
    kind, who = how
    before = objection(status)
    done = b.objection_step(before, act(kind), who, NOON)
    if isinstance(done, Refusal):
        return
    assert b.objection_step(done, undo(kind), who, NOON) == before


@pytest.mark.parametrize(
    ("state", "now", "expected"),
    [
        (b.Consent(CONSENT_OPEN, 5, NOON), NOON + dt.timedelta(days=5), True),
        (b.Consent(CONSENT_OPEN, 5, NOON), NOON + dt.timedelta(days=5, seconds=-1), False),
        (b.Consent(CONSENT_OPEN, 5, NOON, objections=1), NOON + dt.timedelta(days=9), False),
        (b.Consent(CONSENT_OPEN, 5, NOON, validated=True), NOON + dt.timedelta(days=9), False),
        (b.Consent(CONSENT_OPEN, 5, NOON, active=False), NOON + dt.timedelta(days=9), False),
        (b.Consent(CONSENT_OPEN, None, NOON), NOON + dt.timedelta(days=99), False),
        (b.Consent(CONSENT_CLOSED, 5, NOON), NOON + dt.timedelta(days=9), False),
    ],
    ids=str,
)
def test_consent(state, now, expected):
    result = b.consent_step(state, act(Act.DEADLINE), BOT, now)
    assert (not isinstance(result, Refusal)) == expected
    if expected:
        assert result.validated  # type: ignore[union-attr]
    # only the timed job acts on it
    assert isinstance(b.consent_step(state, act(Act.CREATE), BOT, now), Refusal)


# --------------------------------------------------------------------------- hour-reading campaigns


DUE = NOON + dt.timedelta(days=7)


def campaign(status: str = k.OPEN, *, env_open: bool = True, others: int = 0) -> k.Campaign:
    return k.Campaign(status, "KPA", DUE, env_open, others)


@pytest.mark.parametrize(
    ("state", "action", "who", "now", "expected"),
    [
        (campaign(ABSENT), act(Act.CREATE), ADMIN, NOON, k.OPEN),
        (campaign(ABSENT), act(Act.CREATE), AUTHOR, NOON, "lifecycle.admin_only"),
        (campaign(ABSENT), act(Act.CREATE), ADMIN, DUE, "budget.campaign.error.deadline_passed"),
        (campaign(ABSENT, others=1), act(Act.CREATE), ADMIN, NOON, "budget.campaign.error.already"),
        (
            campaign(ABSENT, env_open=False),
            act(Act.CREATE),
            ADMIN,
            NOON,
            "budget.campaign.error.envelope_closed",
        ),
        (campaign(), act(Act.CANCEL), ADMIN, NOON, k.CANCELLED),
        (campaign(), act(Act.CANCEL), AUTHOR, NOON, "lifecycle.admin_only"),
        (campaign(k.ENDED), act(Act.CANCEL), ADMIN, NOON, "budget.campaign.error.not_open"),
        (campaign(), act(Act.DEADLINE), BOT, NOON, "budget.campaign.error.not_due"),
        (campaign(), act(Act.DEADLINE), BOT, DUE, k.ENDED),
        (campaign(k.CANCELLED), act(Act.DEADLINE), BOT, DUE, "budget.campaign.error.not_due"),
        (campaign(), undo(Act.CREATE), ADMIN, NOON, k.REMOVED),
        (campaign(), undo(Act.CREATE), AUTHOR, NOON, "lifecycle.admin_only"),
        (campaign(), undo(Act.CREATE), ADMIN, DUE, "budget.campaign.error.ended"),
        (campaign(k.CANCELLED), undo(Act.CREATE), ADMIN, NOON, "lifecycle.changed_since"),
        (campaign(k.CANCELLED), undo(Act.CANCEL), ADMIN, NOON, k.OPEN),
        (
            campaign(k.CANCELLED, others=1),
            undo(Act.CANCEL),
            ADMIN,
            NOON,
            "budget.campaign.error.already",
        ),
        (campaign(k.CANCELLED), undo(Act.CANCEL), ADMIN, DUE, "budget.campaign.error.ended"),
        (campaign(k.ENDED), undo(Act.CREATE), ADMIN, NOON, "budget.campaign.error.ended"),
    ],
    ids=str,
)
def test_campaign(state, action, who, now, expected):
    result = k.campaign_step(state, action, who, now)
    assert (result.key if isinstance(result, Refusal) else result.status) == expected


@given(
    st.sampled_from([k.OPEN, k.CANCELLED, k.ENDED, k.REMOVED]),
    st.sampled_from([Act.CANCEL, Act.DEADLINE]),
    st.integers(0, 10),
)
def test_past_its_deadline_a_campaign_only_ends(status, kind, days):
    now = NOON + dt.timedelta(days=days)
    who = BOT if kind is Act.DEADLINE else ADMIN
    before = campaign(status)
    done = k.campaign_step(before, act(kind), who, now)
    if now >= DUE:
        for how in (Act.CREATE, Act.CANCEL):
            assert isinstance(k.campaign_step(before, undo(how), ADMIN, now), Refusal)
        assert isinstance(
            k.confirmation_step(k.Confirmation(ABSENT, before), act(Act.CREATE), AUTHOR, now),
            Refusal,
        )
    if kind is Act.CANCEL and not isinstance(done, Refusal) and now < DUE:
        assert k.campaign_step(done, undo(Act.CANCEL), ADMIN, now) == before


@pytest.mark.parametrize(
    ("state", "action", "now", "expected"),
    [
        (k.Confirmation(ABSENT, campaign()), act(Act.CREATE), NOON, k.GIVEN),
        (k.Confirmation(k.GIVEN, campaign()), undo(Act.CREATE), NOON, ABSENT),
        (k.Confirmation(k.GIVEN, campaign()), undo(Act.CREATE), DUE, "budget.campaign.error.ended"),
        (
            k.Confirmation(ABSENT, campaign(k.CANCELLED)),
            act(Act.CREATE),
            NOON,
            "budget.campaign.error.ended",
        ),
    ],
    ids=str,
)
def test_confirmation(state, action, now, expected):
    result = k.confirmation_step(state, action, AUTHOR, now)
    assert (result.key if isinstance(result, Refusal) else result.status) == expected


# --------------------------------------------------------------------------- landing votes

DEADLINE = NOON + dt.timedelta(days=3)
AFTER = DEADLINE + dt.timedelta(seconds=1)


def vote(status: str = b.VOTING, env: b.Envelope = CONSENT_OPEN, others: bool = False) -> b.Vote:
    return b.Vote(status, env, DEADLINE, others)


@pytest.mark.parametrize(
    ("state", "action", "who", "now", "expected"),
    [
        (vote(ABSENT), act(Act.CREATE), ADMIN, NOON, b.VOTING),
        (vote(ABSENT), act(Act.CREATE), OTHER, NOON, "lifecycle.admin_only"),
        (vote(ABSENT), act(Act.CREATE), ADMIN, AFTER, "budget.landing.vote.error.past"),
        (vote(ABSENT, others=True), act(Act.CREATE), ADMIN, NOON, "budget.landing.vote.error.already"),
        (vote(ABSENT, CONSENT_CLOSED), act(Act.CREATE), ADMIN, NOON, "lifecycle.envelope.closed"),
        (vote(), act(Act.CANCEL), ADMIN, NOON, b.CANCELLED),
        (vote(), act(Act.CANCEL), OTHER, NOON, "lifecycle.admin_only"),
        (vote(), act(Act.CANCEL), ADMIN, AFTER, "budget.landing.vote.error.none_open"),
        (vote(b.DECIDED), act(Act.CANCEL), ADMIN, NOON, "budget.landing.vote.error.none_open"),
        (vote(), act(Act.DEADLINE), BOT, NOON, "budget.landing.vote.error.not_due"),
        (vote(), act(Act.DEADLINE), BOT, DEADLINE, b.DECIDED),
        (vote(b.DECIDED), act(Act.DEADLINE), BOT, AFTER, "budget.landing.vote.error.not_due"),
        (vote(b.CANCELLED), act(Act.DEADLINE), BOT, AFTER, "budget.landing.vote.error.not_due"),
        (vote(), undo(Act.CREATE), ADMIN, NOON, ABSENT),
        (vote(), undo(Act.CREATE), OTHER, NOON, "lifecycle.admin_only"),
        (vote(), undo(Act.CREATE), ADMIN, AFTER, "budget.landing.vote.error.counted"),
        (vote(b.DECIDED), undo(Act.CREATE), ADMIN, NOON, "budget.landing.vote.error.counted"),
        (vote(b.CANCELLED), undo(Act.CANCEL), ADMIN, NOON, b.VOTING),
        (vote(b.CANCELLED), undo(Act.CANCEL), ADMIN, AFTER, "budget.landing.vote.error.past"),
        (vote(b.CANCELLED, others=True), undo(Act.CANCEL), ADMIN, NOON,
         "budget.landing.vote.error.already"),
        (vote(), undo(Act.CANCEL), ADMIN, NOON, "lifecycle.changed_since"),
        (vote(b.CANCELLED, CONSENT_CLOSED), undo(Act.CANCEL), ADMIN, NOON,
         "lifecycle.envelope.closed"),
    ],
    ids=str,
)  # fmt: skip
def test_landing_vote(state, action, who, now, expected):
    result = b.vote_step(state, action, who, now)
    assert (result.key if isinstance(result, Refusal) else result.status) == expected


def ballot(status: str = b.CAST, v: b.Vote | None = None) -> b.Ballot:
    return b.Ballot(status, v or vote(), "@carol")


@pytest.mark.parametrize(
    ("state", "action", "who", "now", "expected"),
    [
        (ballot(ABSENT), act(Act.CREATE), CAROL, NOON, b.CAST),
        (ballot(ABSENT), act(Act.CREATE), CAROL, DEADLINE, "budget.landing.vote.error.closed"),
        (ballot(ABSENT, vote(b.CANCELLED)), act(Act.CREATE), CAROL, NOON,
         "budget.landing.vote.error.closed"),
        (ballot(), act(Act.EDIT), CAROL, NOON, b.REPLACED),
        (ballot(b.REPLACED), act(Act.EDIT), CAROL, NOON, "lifecycle.changed_since"),
        (ballot(), undo(Act.CREATE), CAROL, NOON, b.TAKEN_BACK),
        (ballot(), undo(Act.CREATE), BOB, NOON, "budget.landing.vote.error.not_yours"),
        (ballot(), undo(Act.CREATE), ADMIN, NOON, b.TAKEN_BACK),
        (ballot(b.REPLACED), undo(Act.CREATE), CAROL, NOON, "lifecycle.changed_since"),
        (ballot(), undo(Act.CREATE), CAROL, AFTER, "budget.landing.vote.error.closed"),
        (ballot(v=vote(b.DECIDED)), undo(Act.CREATE), CAROL, NOON,
         "budget.landing.vote.error.closed"),
    ],
    ids=str,
)  # fmt: skip
def test_landing_ballot(state, action, who, now, expected):
    result = b.ballot_step(state, action, who, now)
    assert (result.key if isinstance(result, Refusal) else result.status) == expected


@given(st.sampled_from([NOON, DEADLINE - dt.timedelta(seconds=1)]))
def test_cancelling_a_vote_then_undoing_that_gives_back_the_running_vote(now):
    before = vote()
    done = b.vote_step(before, act(Act.CANCEL), ADMIN, now)
    assert not isinstance(done, Refusal)
    assert b.vote_step(done, undo(Act.CANCEL), ADMIN, now) == before


@given(st.sampled_from([b.VOTING, b.DECIDED, b.CANCELLED]), st.sampled_from(list(Act)))
def test_past_its_deadline_no_ballot_enters_or_leaves(status, kind):
    for action in (act(kind), undo(kind)):
        result = b.ballot_step(ballot(v=vote(status)), action, CAROL, AFTER)
        assert isinstance(result, Refusal)
