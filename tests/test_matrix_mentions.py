"""Mentions as Matrix clients send them: Element puts a "pill" in ``formatted_body`` (a link to
``https://matrix.to/#/@user:server``) and only the display name in ``body``. The commands read
``body``; the adapter puts the user id back where the pill was."""

from __future__ import annotations

from typing import Any

from bot.matrix import convert
from commands.events import Message

BOT = "@cagnotte:example.org"
ALICE = "@alice:example.org"
BOB = "@bob:example.org"


def message(content: dict[str, Any]) -> Message:
    room = convert.RoomState("!r:example.org")
    event = convert.to_neutral(
        {
            "type": "m.room.message",
            "event_id": "$1",
            "sender": ALICE,
            "origin_server_ts": 1_700_000_000_000,
            "content": content,
        },
        room,
        bot_user_id=BOT,
        admin_level=50,
    )
    assert isinstance(event, Message)
    return event


def pill(user: str, text: str) -> str:
    return f'<a href="https://matrix.to/#/{user}">{text}</a>'


def test_a_pill_becomes_the_user_id_in_the_body():
    event = message(
        {
            "msgtype": "m.text",
            "body": "!contrib Bob 2h rangement",
            "format": "org.matrix.custom.html",
            "formatted_body": f"!contrib {pill(BOB, 'Bob')} 2h rangement",
            "m.mentions": {"user_ids": [BOB]},
        }
    )
    assert event.body == f"!contrib {BOB} 2h rangement"


def test_several_pills_in_order_same_names_and_odd_spellings():
    carol = "@carol:example.org"
    event = message(
        {
            "msgtype": "m.text",
            "body": "!allouer Bob, @Bob Dupont & Carol 10€ (Bob)",
            "format": "org.matrix.custom.html",
            "formatted_body": (
                f"!allouer {pill(BOB, 'Bob')}, "
                f'<a href="https://matrix.to/#/%40bobd%3Aexample.org?via=example.org">'
                f"@Bob Dupont</a> &amp; {pill(carol, 'Carol')} 10€ (Bob)"
            ),
        }
    )
    assert event.body == f"!allouer {BOB}, @bobd:example.org & {carol} 10€ (Bob)"


def test_an_edit_with_a_pill_and_links_that_are_not_users():
    event = message(
        {
            "msgtype": "m.text",
            "body": "* !contrib Bob 1h",
            "m.new_content": {
                "msgtype": "m.text",
                "body": "!contrib Bob 1h voir https://example.org",
                "format": "org.matrix.custom.html",
                "formatted_body": (
                    f"!contrib {pill(BOB, 'Bob')} 1h voir "
                    '<a href="https://example.org">https://example.org</a> '
                    '<a href="https://matrix.to/#/#salon:example.org">#salon</a>'
                ),
            },
            "m.relates_to": {"rel_type": "m.replace", "event_id": "$0"},
        }
    )
    assert event.body == f"!contrib {BOB} 1h voir https://example.org"


def test_plain_text_and_bodies_without_the_pill_text_are_left_alone():
    assert message({"msgtype": "m.text", "body": "!contrib @bob 1h"}).body == "!contrib @bob 1h"
    odd = message(
        {
            "msgtype": "m.text",
            "body": "!contrib 1h",
            "format": "org.matrix.custom.html",
            "formatted_body": f"!contrib {pill(BOB, 'Robert')} 1h",
        }
    )
    assert odd.body == "!contrib 1h"


def test_a_client_that_keeps_the_at_sign_before_the_name():
    event = message(
        {
            "msgtype": "m.text",
            "body": "!contrib @Bob 1h",
            "format": "org.matrix.custom.html",
            "formatted_body": f"!contrib @{pill(BOB, 'Bob')} 1h",
        }
    )
    assert event.body == f"!contrib {BOB} 1h"


def test_the_people_named_are_structured_on_the_message():
    """Each pill and each id typed stands for its user (the word of the body is the id the
    pill became); ``m.mentions`` adds who is named with no word of the body (a reply's author).
    The adapter then says who is in the room and their names."""
    carol, dave = "@carol:example.org", "@dave:example.org"
    event = message(
        {
            "msgtype": "m.text",
            "body": f"!allouer Bob {carol}: 5€",
            "format": "org.matrix.custom.html",
            "formatted_body": f"!allouer {pill(BOB, 'Bob')} {carol}: 5€",
            "m.mentions": {"user_ids": [BOB, dave, "not an id", 3]},
        }
    )
    assert [(m.user_id, m.text, m.member) for m in event.mentions] == [
        (BOB, BOB, False),
        (carol, carol, False),
        (dave, "", False),
    ]
    assert event.mention(f"{carol}:") is None  # the grammar strips the colon first
    assert event.mention(carol) is not None and event.mention("") is None
    assert message({"msgtype": "m.text", "body": "!contrib 1h"}).mentions == ()
