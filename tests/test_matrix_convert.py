"""Matrix event conversion, power levels, outgoing content, backoff and settings (no server)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.adapters.base import Edit, File, Reaction, Text
from bot.matrix import convert
from bot.matrix.backoff import Backoff
from bot.matrix.settings import MatrixConfigError, MatrixSettings
from commands.events import MemberChanged, Message, ReactionAdded, Redacted, Role

BOT = "@cagnotte:example.org"
ALICE = "@alice:example.org"


def room(version: str = "12", levels: dict[str, Any] | None = None) -> convert.RoomState:
    r = convert.RoomState("!r:example.org")
    r.apply(
        {
            "type": "m.room.create",
            "state_key": "",
            "sender": ALICE,
            "content": {"room_version": version},
        }
    )
    if levels is not None:
        r.apply({"type": "m.room.power_levels", "state_key": "", "content": levels})
    r.apply(
        {
            "type": "m.room.member",
            "state_key": "@bob:example.org",
            "content": {"membership": "join", "displayname": "Bob"},
        }
    )
    return r


def event(content: dict[str, Any], kind: str = "m.room.message", **extra: Any) -> dict[str, Any]:
    return {
        "event_id": "$e1",
        "sender": "@bob:example.org",
        "type": kind,
        "origin_server_ts": 1_795_000_000_000,
        "content": content,
        **extra,
    }


def neutral(raw: dict[str, Any], r: convert.RoomState | None = None, **kw: Any) -> Any:
    return convert.to_neutral(raw, r or room(), bot_user_id=BOT, admin_level=50, **kw)


def test_v12_creator_has_unlimited_power_without_being_listed():
    r = room("12", {"users": {}, "users_default": 0})
    assert r.level(ALICE) == convert.INFINITE
    assert r.level("@bob:example.org") == 0


def test_older_rooms_use_the_power_levels_list():
    r = room("10", {"users": {ALICE: 100, "@bob:example.org": 50}, "users_default": 0})
    assert r.level(ALICE) == 100
    assert convert.role_for(r.level("@bob:example.org"), 50) == Role.ADMIN
    assert convert.role_for(r.level("@bob:example.org"), 75) == Role.MODERATOR
    assert convert.role_for(r.level("@carol:example.org"), 50) == Role.MEMBER


def test_no_power_levels_event_gives_the_creator_100():
    assert room("10").level(ALICE) == 100
    assert room("10").level("@bob:example.org") == 0


def test_additional_creators_of_v12_rooms():
    r = room("12", {"users": {}})
    r.create["additional_creators"] = ["@dora:example.org"]
    assert r.level("@dora:example.org") == convert.INFINITE


def test_message_with_reply_and_sender_details():
    msg = neutral(
        event(
            {
                "msgtype": "m.text",
                "body": "!contrib 1h",
                "m.relates_to": {"m.in_reply_to": {"event_id": "$q"}},
            }
        )
    )
    assert isinstance(msg, Message)
    assert (msg.body, msg.reply_to, msg.thread_id, msg.edit_of) == ("!contrib 1h", "$q", None, None)
    assert (msg.sender_name, msg.platform, msg.role) == ("Bob", "matrix", Role.MEMBER)
    assert msg.timestamp.year == 2026


def test_thread_fallback_reply_is_not_a_reply():
    rel = {
        "rel_type": "m.thread",
        "event_id": "$root",
        "is_falling_back": True,
        "m.in_reply_to": {"event_id": "$last"},
    }
    msg = neutral(event({"msgtype": "m.text", "body": "!contrib 1h", "m.relates_to": rel}))
    assert (msg.thread_id, msg.reply_to) == ("$root", None)


def test_edit_carries_the_new_content_and_the_original_thread():
    recent = convert.Recent()
    recent.add("$orig", "@bob:example.org", "$root")
    raw = event(
        {
            "msgtype": "m.text",
            "body": "* !contrib 2h",
            "m.new_content": {"msgtype": "m.text", "body": "!contrib 2h"},
            "m.relates_to": {"rel_type": "m.replace", "event_id": "$orig"},
        }
    )
    msg = neutral(raw, recent=recent)
    assert (msg.body, msg.edit_of, msg.thread_id) == ("!contrib 2h", "$orig", "$root")


def test_reaction_redaction_and_membership():
    reaction = neutral(
        event(
            {"m.relates_to": {"rel_type": "m.annotation", "event_id": "$b", "key": "💶"}},
            "m.reaction",
        )
    )
    assert isinstance(reaction, ReactionAdded)
    assert (reaction.event_id, reaction.target_event_id, reaction.key) == ("$e1", "$b", "💶")
    v11 = neutral(event({"redacts": "$x"}, "m.room.redaction"))
    old = neutral(event({}, "m.room.redaction", redacts="$y"))
    assert isinstance(v11, Redacted) and v11.target_event_id == "$x"
    assert old.target_event_id == "$y"
    left = neutral(event({"membership": "leave"}, "m.room.member", state_key="@bob:example.org"))
    assert isinstance(left, MemberChanged) and not left.joined


@pytest.mark.parametrize(
    "raw",
    [
        event({"msgtype": "m.text"}),
        event({"msgtype": "m.text", "body": 42}),
        event({"msgtype": "m.text", "body": "x", "m.relates_to": "oops"}),
        event({"body": "!contrib 1h"}),
        event({"msgtype": "m.text", "body": "* x", "m.relates_to": {"rel_type": "m.replace"}}),
        event(
            {
                "msgtype": "m.text",
                "body": "* x",
                "m.relates_to": {"rel_type": "m.replace", "event_id": "$o"},
            }
        ),
        event({"m.relates_to": {"rel_type": "m.annotation", "event_id": "$b"}}, "m.reaction"),
        event({"redacts": 5}, "m.room.redaction"),
        event("not an object"),  # type: ignore[arg-type]
        {"type": "m.room.message", "content": {}},
    ],
)
def test_malformed_events_raise(raw):
    with pytest.raises(convert.Malformed):
        neutral(raw)


def test_ignored_events():
    assert neutral(event({"msgtype": "m.notice", "body": "!contrib 1h"})) is None
    assert neutral({**event({"msgtype": "m.text", "body": "!x"}), "sender": BOT}) is None
    redacted = event({}, unsigned={"redacted_because": {}})
    assert neutral(redacted) is None
    assert neutral(event({"topic": "x"}, "m.room.topic", state_key="")) is None


def test_configured_admins_are_admins_everywhere():
    raw = event({"msgtype": "m.text", "body": "!x"})
    assert neutral(raw, admins=frozenset({"@bob:example.org"})).role == Role.ADMIN


def test_reply_content_escapes_plain_text_and_pings_nobody_about_their_own_command():
    item = Text(id=1, room_id="!r", body="<b>hi</b>\nthere", reply_to="$cmd")
    content = convert.message_content(item)
    assert content["msgtype"] == "m.notice"
    assert content["formatted_body"] == "&lt;b&gt;hi&lt;/b&gt;<br>there"
    assert content["m.relates_to"] == {"m.in_reply_to": {"event_id": "$cmd"}}
    assert content["m.mentions"] == {"user_ids": []}  # the command's author is not pinged


def test_mentions_are_pills_with_the_display_name():
    """A person the bot notifies is named in the text by their id; Matrix shows a pill: the
    display name in ``body``, a matrix.to link around it in ``formatted_body``, the id in
    ``m.mentions``. Ids that only look alike are left as they are."""
    carol = "@carol:example.org"
    item = Text(
        id=1,
        room_id="!r",
        body=f"Pour info : {ALICE}, {carol}. ({ALICE}x:y et {carol}.org restent)",
        mentions=(ALICE, carol),
    )
    content = convert.message_content(item, {ALICE: "Alice <Dupont>"})
    assert content["body"] == (
        f"Pour info : Alice <Dupont>, carol. ({ALICE}x:y et {carol}.org restent)"
    )
    assert content["formatted_body"].startswith(
        f'Pour info : <a href="https://matrix.to/#/{ALICE}">Alice &lt;Dupont&gt;</a>, '
        f'<a href="https://matrix.to/#/{carol}">carol</a>.'
    )
    assert content["m.mentions"] == {"user_ids": [ALICE, carol]}


def test_thread_reply_and_safe_html_kept():
    item = Text(id=1, room_id="!r", body="ok", html="<b>ok</b>", reply_to="$c", thread_id="$t")
    content = convert.message_content(item)
    assert content["formatted_body"] == "<b>ok</b>"
    assert content["m.relates_to"] == {
        "rel_type": "m.thread",
        "event_id": "$t",
        "is_falling_back": False,
        "m.in_reply_to": {"event_id": "$c"},
    }


def test_edit_reaction_and_file_contents():
    edit = convert.edit_content(Edit(id=2, room_id="!r", body="new", target_platform_id="$mine"))
    assert edit["m.new_content"]["body"] == "new" and edit["body"] == "* new"
    assert edit["m.relates_to"] == {"rel_type": "m.replace", "event_id": "$mine"}
    react = convert.reaction_content(
        Reaction(id=3, room_id="!r", target_event="$c", reaction_key="✅")
    )
    assert react["m.relates_to"]["key"] == "✅"
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + (16).to_bytes(4, "big") * 2 + b"rest"
    image = convert.file_content(
        File(
            id=4,
            room_id="!r",
            body="chart.png",
            file_name="chart.png",
            mime="image/png",
            data=png,
        ),
        "mxc://x/y",
    )
    assert (image["msgtype"], image["info"]["w"], image["info"]["h"]) == ("m.image", 16, 16)
    csv = convert.file_content(
        File(
            id=5,
            room_id="!r",
            body="3 lignes",
            file_name="a.csv",
            mime="text/csv",
            data=b"x",
        ),
        "mxc://x/z",
    )
    assert (csv["msgtype"], csv["filename"], csv["body"]) == ("m.file", "a.csv", "3 lignes")


def test_invites():
    state = [
        {
            "type": "m.room.member",
            "state_key": BOT,
            "sender": ALICE,
            "content": {"membership": "invite"},
        }
    ]
    assert convert.inviter_of(state, BOT) == ALICE
    assert convert.invite_allowed(ALICE, BOT, [], [])  # same homeserver by default
    assert not convert.invite_allowed("@eve:evil.example", BOT, [], [])
    assert convert.invite_allowed("@eve:evil.example", BOT, [], ["evil.example"])
    assert not convert.invite_allowed(ALICE, BOT, ["@bob:example.org"], [])
    assert not convert.invite_allowed(None, BOT, [], [])


def test_backoff_grows_is_capped_and_resets():
    b = Backoff(base=1, cap=8, rand=lambda: 1.0)
    assert [b.next() for _ in range(6)] == [1, 2, 4, 8, 8, 8]
    low = Backoff(base=1, cap=8, rand=lambda: 0.0)
    assert [low.next() for _ in range(3)] == [0.5, 1, 2]
    b.reset()
    assert b.next() == 1


def test_settings_need_credentials_and_reject_unknown_keys():
    ok = MatrixSettings.from_section(
        {"homeserver": "https://m.example.org/", "user_id": BOT, "password": "x"}, "d"
    )
    assert ok.homeserver == "https://m.example.org" and ok.store_path.endswith("matrix-store")
    with pytest.raises(MatrixConfigError):
        MatrixSettings.from_section({"homeserver": "https://h", "user_id": BOT}, "d")
    with pytest.raises(MatrixConfigError):
        MatrixSettings.from_section(
            {"homeserver": "https://h", "user_id": BOT, "pasword": "x"}, "d"
        )


def test_settings_from_environment_text_get_their_types(monkeypatch):
    from bot.config import Config

    for key, value in {
        "HOMESERVER": "https://h.example.org",
        "USER_ID": BOT,
        "ACCESS_TOKEN": "t",
        "ENCRYPTION": "false",
        "ADMIN_LEVEL": "75",
        "ALLOWED_INVITERS": "@a:x, @b:x",
    }.items():
        monkeypatch.setenv(f"CAGNOTTE_MATRIX_{key}", value)
    s = MatrixSettings.from_section(Config().section("matrix"))
    assert (s.encryption, s.admin_level, s.allowed_inviters) == (False, 75, ["@a:x", "@b:x"])


def test_user_text_never_pings_every_body_carries_its_mentions():
    """With ``m.mentions`` present, Matrix servers and clients do not notify from the body (the
    legacy rules that read ``@room`` or a name in the body are skipped): every event the bot sends
    with a body carries it, and it names only the people the command meant."""
    typed = '@room @bob:example.org <a href="https://x">clic</a> <img src="https://x/i.png">'
    base: dict[str, Any] = {"room_id": "!r", "body": typed}
    contents = [
        convert.message_content(Text(id=1, **base)),
        convert.message_content(Text(id=2, reply_to="$cmd", **base)),
        convert.message_content(Text(id=3, mentions=("@carol:example.org",), **base)),
        convert.edit_content(Edit(id=4, target_platform_id="$mine", **base)),
        convert.file_content(
            File(id=5, file_name="a.csv", mime="text/csv", data=b"x", **base),
            "mxc://x/z",
        ),
    ]
    wanted = [[], [], ["@carol:example.org"], [], []]
    for content, users in zip(contents, wanted, strict=True):
        assert content["m.mentions"] == {"user_ids": users} or (
            users == [] and content["m.mentions"] == {}
        )
        assert "room" not in content["m.mentions"]
        assert "<a" not in content["formatted_body"] and "<img" not in content["formatted_body"]
    assert contents[3]["m.new_content"]["m.mentions"] == {}
