"""What the bot posts on Mattermost pings only the people it means and holds no link or image,
whatever people typed; its own Markdown (bold, tables, line breaks) stays. The mention rule is
the server's, as the fake server applies it (``tests.mm_fake.explicit_mentions``)."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.mattermost.markdown import WORD_JOINER, safe_markdown, typed
from tests.mm_fake import explicit_mentions

USERS = {"alice": "id-alice", "bob": "id-bob", "all.team": "id-team"}

# Markdown as Mattermost renders it: no raw HTML, tables, bare addresses and e-mails made links
MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": True}).enable(
    ["table", "strikethrough", "linkify"]
)
MARKDOWN.linkify.set({"fuzzy_link": False})  # "example.org" alone is no link on Mattermost


def rendered(message: str) -> str:
    return MARKDOWN.render(message)


def visible(message: str) -> str:
    """The text a person reads (tags dropped, entities decoded, invisible joiners removed)."""
    import html

    return html.unescape(re.sub(r"<[^>]+>", "", rendered(message))).replace(WORD_JOINER, "")


def assert_harmless(message: str) -> None:
    out = rendered(message)
    assert "<a" not in out and "<img" not in out, out
    assert not re.search(r"(?i)\bwww\.", out), message  # Mattermost makes www.x.org a link
    assert explicit_mentions(message, USERS) == set(), message


# -- the server's rule, as the fake applies it -------------------------------------------------


@pytest.mark.parametrize(
    ("message", "found"),
    [
        ("@channel", {"@channel"}),
        ("hey @ALL!", {"@all"}),
        ("@here.", {"@here"}),
        ("\\@channel", {"@channel"}),  # a backslash does not stop it
        ("&#64;channel", {"@channel"}),
        ("x.@all", {"@all"}),
        ("**@alice**, @bob_", {"id-alice", "id-bob"}),
        ("@all.team", {"id-team"}),
        ("`@channel` and\n```\n@here\n```", set()),
        ("bob@example.org", set()),
        ("@carol", set()),
        ("@\u2060channel @\u200ball", set()),
        (":+1: @here:", {"@here"}),
    ],
)
def test_the_server_finds_mentions_in_words(message, found):
    assert explicit_mentions(message, USERS) == found


# -- what the adapter posts ----------------------------------------------------------------------

HOSTILE = (
    "@channel @all @here @alice &#64;here \\@all [clic](http://x) ![i](http://x/i.png) "
    "<http://x> <b>gras</b> https://x.org/a www.x.org bob@example.org \\[y](http://y) "
    '\\\\[z](http://z) [ref]\n\n[ref]: http://r "t"'
)


def test_people_text_neither_pings_nor_links_and_reads_the_same():
    out = safe_markdown(HOSTILE)
    assert_harmless(out)
    for words in ("@channel", "[clic](http:", "![i](http:", "<http:", "https:", "www.x.org"):
        assert words in visible(out).replace("\\", ""), words
    assert visible(safe_markdown("a [b](c) <d> & e@f")).strip() == "a [b](c) <d> & e@f"


def test_the_bots_own_markdown_stays():
    body = "**✅ Contribution #3**\n_atelier_\n| Personne | Heures |\n|:---|---:|\n| A \\| B | 2 |"
    out = safe_markdown(body)
    assert out == body
    html = rendered(out)
    assert "<strong>✅ Contribution #3</strong>" in html and "<em>atelier</em>" in html
    assert ">A | B</td>" in html


def test_intended_mentions_are_usernames_other_references_only_read_as_one():
    body = "❓ Pour info : @id1, @id12. @id3 @id4 @channel"
    names = {"@id1": "alice", "@id12": "bob", "@id3": "all.team"}
    out = safe_markdown(body, names, notify=["@id1", "@id12"])
    assert out.startswith("❓ Pour info : @alice, @bob. ")
    assert visible(out).strip() == "❓ Pour info : @alice, @bob. @all.team @id4 @channel"
    assert explicit_mentions(out, USERS) == {"id-alice", "id-bob"}
    out = safe_markdown("Bob : refusé.", {"@id2": "bob", "@gone": ""}, notify=["@id2", "@gone"])
    assert out == "Bob : refusé.\n@bob"
    assert explicit_mentions(out, USERS) == {"id-bob"}


def test_a_message_copied_from_the_bot_reads_as_typed():
    shown = safe_markdown("!allouer @bob 50€ · e@x")
    assert shown != "!allouer @bob 50€ · e@x"
    assert typed(shown) == "!allouer @bob 50€ · e@x"


PIECES = st.sampled_from(
    [
        "@",
        "channel",
        "all",
        "here",
        "alice",
        "\\",
        "[",
        "]",
        "(",
        ")",
        "!",
        "<",
        ">",
        "&",
        "#64;",
        "#x40;",
        "http:",
        "/",
        "www.",
        "x.org",
        ":",
        ".",
        "-",
        "_",
        "`",
        "*",
        " ",
        "\n",
        "|",
        "é",
        "\u2060",
    ]
)


@given(st.lists(PIECES, max_size=30).map("".join))
@example("_www._")  # found at random: "_" before "www" is no word boundary for \\b
def test_no_text_pings_or_links(text):
    assert_harmless(safe_markdown(text))
    assert_harmless(safe_markdown(f"**{text}**\n| a | b |\n|---|---|\n| {text} | 1 |"))
