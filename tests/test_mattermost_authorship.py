"""Authorship on Mattermost, against the fake server that applies the server's permissions: a
member can neither edit nor delete someone else's command (the server refuses); those allowed to
delete others' posts undo what the post did; and what the bot can and cannot tell.

Mattermost tells the bot little about who acted: an edited post keeps its author and the
``post_edited`` event names nobody else; a deletion names its deleter (``delete_by``) only to
system admins. So the bot reads an edit as its author's, and a deletion as its author's unless
it is told otherwise. The server is then the guard: only the author, or someone holding
``edit_others_posts`` (system admins by default), edits a post; only the author, or someone
holding ``delete_others_posts`` (team and system admins by default; the bot counts them as
admins), deletes it."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from storage.models import Audit, ChatEvent, Contribution
from tests.mm_fake import ApiError
from tests.mm_harness import mattermost_world, until


def contributions(world) -> list[tuple[str, int]]:
    with Session(world.runtime.engine) as db:
        rows = db.exec(select(Contribution).order_by(Contribution.id)).all()
        return [(c.user_id, c.minutes) for c in rows]


def who(world, name: str) -> str:
    return f"@{world.uid(name)}"


def last_bot_post(world) -> str:
    """The short id of the bot's latest post."""
    return max((k for k in world.ids if k.startswith("b")), key=lambda k: int(k[1:]))


async def test_a_member_can_neither_edit_nor_delete_someone_elses_command(runtime):
    async with mattermost_world(runtime) as world:
        await world.start()
        await world.say("bob", "!contrib 3h atelier")
        command = world.ids[world.last_id]
        await world.say("alice", "!tour ouvrir Hiver 100€")
        await world.say("alice", "!allouer @bob 50€")
        await world.say("chloe", "!bucket Café 20€")
        card = last_bot_post(world)
        await world.react("bob", card, "euro")
        before = contributions(world)
        handled = len(world.adapter.handled)
        for attempt in (
            world.fake.user_edit(world.uid("chloe"), command, "!contrib 9h atelier"),
            world.fake.user_edit(world.uid("alice"), command, "rien"),  # a channel admin
            world.fake.user_delete(world.uid("chloe"), command),
            world.fake.user_delete(world.uid("alice"), command),
            world.fake.user_unreact(
                world.uid("chloe"), world.ids[card], "euro", of=world.uid("bob")
            ),
        ):
            with pytest.raises(ApiError) as refused:
                await attempt
            assert refused.value.status == 403
        await world.say("chloe", "!solde @bob")  # handled next: nothing came before it
        assert world.adapter.handled[handled:] == [world.ids[world.last_id]]
        assert contributions(world) == before


async def test_who_may_delete_others_posts_undoes_what_they_did(runtime):
    async with mattermost_world(runtime) as world:
        await world.start()
        await world.say("bob", "!contrib 3h atelier")
        first = world.last_id
        await world.say("bob", "!contrib 2h compta")
        second = world.last_id
        # a channel admin may not by default; a scheme may let them
        with pytest.raises(ApiError):
            await world.fake.user_delete(world.uid("alice"), world.ids[first])
        world.fake.grant("channel_admin", "delete_others_posts")
        answers = await world.delete("alice", first)
        assert any("annulée" in a for a in answers), answers
        # a team admin may by default
        world.fake.join_team(world.team, world.uid("chloe"), admin=True)
        world.adapter._roles.clear()
        answers = await world.delete("chloe", second)
        assert any("annulée" in a for a in answers), answers
        assert contributions(world) == []


@pytest.mark.parametrize("bot_is_system_admin", [True, False], ids=["told", "not-told"])
async def test_a_deletion_is_checked_against_its_deleter_when_the_server_names_them(
    runtime, bot_is_system_admin
):
    """A scheme that lets every member delete others' posts. A bot account that is a system
    admin is told who deleted a post, and keeps what a member's deletion of someone else's
    command did; a plain bot account is not told, and reads the deletion as the author's."""
    async with mattermost_world(runtime) as world:
        world.fake.set_system_admin(world.bot, bot_is_system_admin)
        world.fake.grant("channel_user", "delete_others_posts")
        await world.start()
        await world.say("bob", "!contrib 3h atelier")
        answers = await world.delete("chloe", world.last_id)
        if bot_is_system_admin:
            assert contributions(world) == [(who(world, "bob"), 180)]
            assert len(answers) == 1 and "rien n'est annulé" in answers[0], answers
        else:
            assert contributions(world) == []


async def test_a_system_admins_edit_reads_as_the_authors(runtime):
    """Mattermost keeps the author on an edited post and does not say who edited it: a system
    admin's edit of a member's command is applied as the member's own, and the audit trail
    shows the change under the member's name."""
    async with mattermost_world(runtime) as world:
        world.fake.set_system_admin(world.uid("chloe"))
        await world.start()
        await world.say("bob", "!contrib 3h atelier")
        command = world.ids[world.last_id]
        answers = await world.edit("chloe", world.last_id, "!contrib 5h atelier")
        assert any("mise à jour" in a for a in answers), answers
        assert contributions(world) == [(who(world, "bob"), 300)]
        with Session(world.runtime.engine) as db:
            update = db.exec(select(Audit).where(Audit.action == "update")).one()
            edit = db.get(ChatEvent, update.event_id)
        assert update.actor == who(world, "bob") and update.details["before"]["minutes"] == 180
        assert edit is not None and edit.sender == who(world, "bob")
        await until(lambda: world.fake.posts[command]["message"] == "!contrib 5h atelier")
