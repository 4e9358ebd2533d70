"""The bot's Markdown as it may reach a Mattermost channel: nothing in it pings, links or loads.

The bot's bodies are Markdown in which the bot itself writes bold, italics, tables and line
breaks, and never a link, an image or a mention: a person is meant to be notified only through
an outgoing item's ``mentions``. Everything else that could ping or link comes from what people
typed (descriptions, titles, display names, questions, project names, echoed tokens). So the
whole body is made safe here, whoever wrote which part, and the bot's own Markdown is kept:

- every ``@`` is put between two word joiners (U+2060, invisible). The server splits words on
  every character but letters, digits and ``.-_:@``, so ``@``, U+2060, ``channel`` is the two
  words ``@`` and ``channel``: no ``@channel``, ``@all``, ``@here`` or ``@username`` is left (a
  backslash would not do: ``\\@channel`` still notifies); the joiner before ``@`` keeps e-mail
  addresses from being links;
- ``[``, ``<`` and ``&`` are escaped with a backslash: no Markdown link, image, reference, autolink,
  HTML, or character reference (``&#64;channel`` would read as ``@channel``);
- ``//`` (as in ``https://``) and a word ``www.`` get a word joiner, so that no bare address
  becomes a link or a preview.

Then a user reference (``@<user id>``) of a known user shows as their username, still without a
ping; the users the item means to notify get a real ``@username``, where the body names them or on
a last line. Messages typed to the bot go through ``typed`` to drop the word joiners the bot added
(a person copying an example from the help).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping

WORD_JOINER = "\u2060"

_ESCAPE = re.compile(r"(\\*)([\[<&])")  # an opener, and the backslashes right before it
_SLASHES = re.compile(r"/(?=/)")
_WWW = re.compile(r"(?i)(?<![a-z0-9])(www)(\.)")  # "_www." too: "_" is no letter
_AT = WORD_JOINER + "@" + WORD_JOINER


def _escape(match: re.Match[str]) -> str:
    slashes, char = match.group(1), match.group(2)
    # an odd number of backslashes already escapes the character
    return f"{slashes}\\{char}" if len(slashes) % 2 == 0 else match.group(0)


def safe_markdown(
    body: str, usernames: Mapping[str, str] | None = None, notify: Collection[str] = ()
) -> str:
    """``body`` for Mattermost (see the module's docstring). ``usernames`` maps user references
    (``@<user id>``) to usernames: such a reference in the body shows as the username, without a
    ping, or with one when the reference is in ``notify``, the users the item means to notify
    (those the body does not name are put on a last line)."""
    text = _ESCAPE.sub(_escape, body)
    text = _SLASHES.sub("/" + WORD_JOINER, text)
    text = _WWW.sub(rf"\1{WORD_JOINER}\2", text)
    text = text.replace("@", _AT)
    names = usernames or {}
    missing: list[str] = []
    for ref, username in names.items():
        if not username:
            continue
        shown = f"@{username}" if ref in notify else f"{_AT}{username}"
        named = re.compile(re.escape(_AT + ref.removeprefix("@")) + r"(?![A-Za-z0-9])")
        text, count = named.subn(shown.replace("\\", "\\\\"), text)
        if ref in notify and not count:
            missing.append(shown)
    if missing:
        text = f"{text}\n{' '.join(missing)}"
    return text


def typed(message: str) -> str:
    """A person's message without the word joiners the bot puts around ``@``."""
    return message.replace(_AT, "@").replace("@" + WORD_JOINER, "@")
