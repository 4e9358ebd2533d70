"""Two ``cagnotte run`` on one PostgreSQL (end to end, on Synapse): the leader is killed in the
middle of a burst of 200 commands; the standby takes over; every command is answered once and
the scheduled recap is posted once."""

from __future__ import annotations

import uuid

import pytest

from tests.failover import leader_killed_in_a_burst

pytestmark = [pytest.mark.synapse, pytest.mark.postgres]


async def test_the_standby_takes_over_when_the_leader_is_killed(synapse, postgres_server, tmp_path):
    url = postgres_server.new_database(f"fo{uuid.uuid4().hex[:10]}")
    run = await leader_killed_in_a_burst(synapse, url, tmp_path)
    assert len(run.sent) == 200
    assert 0 < run.answered_before_kill < 200  # the leader died with work left
    assert [e for e in run.sent if run.replies[e] != 1] == []  # each answered, once
    assert max(run.replies.values()) == 1, [e for e, n in run.replies.items() if n > 1]
    assert sorted(run.stored) == sorted(run.sent)
    assert run.recaps == 1
    print(f"takeover: {run.takeover_seconds:.1f} s after the kill")
