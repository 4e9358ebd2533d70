"""On Mattermost, what people typed comes back in the bot's posts without pinging anyone and
without links or images: the fake server finds mentions as the real one does, in every post and
edit, and only the people a command means to notify are notified."""

from __future__ import annotations

import pytest

from bot.mattermost.markdown import WORD_JOINER
from tests.mm_harness import mattermost_world
from tests.test_mattermost_markdown import rendered

AT = f"{WORD_JOINER}@{WORD_JOINER}"  # an "@" that pings nobody
HOSTILE = "@all [clic](http://x) ![i](http://x/i.png) <http://x> @alice &#64;here www.x.org"


@pytest.fixture
async def mm(runtime):
    async with mattermost_world(runtime) as world:
        # a member whose display name is "@channel"
        mallory = world.fake.add_user("mallory", first_name="@channel")
        world.fake.join_team(world.team, mallory)
        await world.fake.add_member(world.channel, mallory)
        world.people["mallory"] = mallory
        await world.start()
        yield world


async def test_echoed_text_never_pings_links_or_loads(mm):
    fake = mm.fake
    await mm.say("alice", "!projet ajouter KPA")
    answers = await mm.say("mallory", f"!contrib 2h KPA {HOSTILE}")
    assert "Contribution #1" in answers[0]
    await mm.edit("mallory", mm.last_id, f"!contrib 3h KPA {HOSTILE} ?")
    await mm.say("bob", "!contribs tous")
    await mm.say("alice", "!budget KPA 500€ novembre")
    await mm.say("mallory", f"!demande KPA 100€ {HOSTILE}")
    [question] = await mm.say("bob", f"!question 1 {HOSTILE}")
    await mm.say("alice", '!tour ouvrir "Hiver" 300€')
    card = await mm.say("mallory", f'!bucket "{HOSTILE}" 50€ {HOSTILE}')
    await mm.say("alice", "!allouer @mallory 100€")
    await mm.say("mallory", "!financer 1 10€")  # the card is edited
    await mm.say("bob", "!aide allouer")  # the help's examples name @bob
    await mm.say("bob", "!export csv")

    posts = fake.posts_by(mm.bot)
    [card_post] = [p for p in posts if p["message"].startswith("**🪣 Bucket #1")]
    assert card_post["edit_at"] and "10,00" in card_post["message"]
    text = "\n".join(p["message"] for p in posts)
    # the echoes are there, shown as typed
    for shown in ("@channel", "\\[clic](http://x)", "!\\[i](http://x/i.png)", "\\<http://x>"):
        assert shown in text.replace(WORD_JOINER, ""), shown
    assert "\\[clic]" in card[0]
    for post in posts:
        out = rendered(post["message"])
        assert "<a" not in out and "<img" not in out, post["message"]
    # the only notifications: the request's author and the envelope's creator, told of the
    # question by name
    notified = {p["message"]: fake.mentions[p["id"]] for p in posts if fake.mentions[p["id"]]}
    assert notified == {question: {mm.uid("mallory"), mm.uid("alice")}}
    assert "Pour info : @mallory, @alice." in question
    # "@alice" typed by mallory is read as alice's id, and shown as her name without a ping
    assert f"@{mm.uid('alice')}" not in text
    assert f"— {AT}all \\[clic](http:/{WORD_JOINER}/x)" in answers[0]
    assert f"\\<http:/{WORD_JOINER}/x> {AT}alice \\&#64;here" in answers[0]
