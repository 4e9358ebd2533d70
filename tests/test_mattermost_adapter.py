"""The Mattermost adapter against the fake server: what people see in the channel."""

from __future__ import annotations

import pytest

from tests.mm_harness import mattermost_world


@pytest.fixture
async def mm(runtime):
    async with mattermost_world(runtime) as world:
        await world.start()
        yield world


async def test_a_command_is_answered_in_its_thread(mm):
    answers = await mm.say("bob", "!contrib 2h compta")
    assert len(answers) == 1 and "Contribution #1" in answers[0]
    reply = mm.fake.posts_by(mm.bot)[0]
    assert reply["root_id"] == mm.ids[mm.last_id]
