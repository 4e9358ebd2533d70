"""Mentions on Matrix, both ways: the user "pills" of a message's HTML read back as user ids and
the people a message names (``m.mentions`` included); the people an answer notifies shown as
clients show a mention (display name in the plain body, a pill in the HTML one). No I/O here.
"""

from __future__ import annotations

import html
import re
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any

from bot.adapters.base import Direct, Edit, File, Reaction, Text
from commands.events import Mention

# what the bot writes (a body, an HTML body, people to notify)
Said = Text | File | Direct | Edit

HTML_FORMAT = "org.matrix.custom.html"


_PILL = re.compile(
    r"""<a\s[^>]*?href\s*=\s*["']https://matrix\.to/#/([^"'?/]+)[^"']*["'][^>]*>(.*?)</a>""",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(r"<[^>]*>")


def with_user_ids(body: str, content: dict[str, Any]) -> str:
    """``body`` with each user "pill" of ``formatted_body`` (a link to
    ``https://matrix.to/#/@user:server``, which clients such as Element send with only the
    display name in ``body``) replaced by the user id, so that a mention reads as one."""
    formatted = content.get("formatted_body")
    if content.get("format") != HTML_FORMAT or not isinstance(formatted, str):
        return body
    out: list[str] = []
    pos = 0
    for match in _PILL.finditer(formatted):
        user = urllib.parse.unquote(match[1])
        text = html.unescape(_TAG.sub("", match[2])).strip()
        if not user.startswith("@") or ":" not in user or not text:
            continue
        at = body.find(text, pos)
        if at < 0:
            continue
        start = at - 1 if at > pos and body[at - 1] == "@" and not text.startswith("@") else at
        out.append(body[pos:start])
        out.append(user)
        pos = at + len(text)
    return "".join(out) + body[pos:]


_USER_ID = re.compile(r"@[a-z0-9._=\-/+]+:[A-Za-z0-9.\-]+(?::[0-9]+)?(?<!\.)", re.IGNORECASE)


def user_ids_in(body: str) -> list[str]:
    """The Matrix user ids a message's body names, in order, each once."""
    return list(dict.fromkeys(_USER_ID.findall(body)))


def mentions_of(body: str, content: dict[str, Any]) -> tuple[Mention, ...]:
    """The people a message names: each user id of its ``body`` (where a pill became one, see
    ``with_user_ids``), then those ``m.mentions`` names without a word of the body, each once.
    Whether they are in the room and their names are the adapter's to add."""
    said = content.get("m.mentions")
    listed = said.get("user_ids") if isinstance(said, dict) else None
    found = dict.fromkeys(user_ids_in(body), True)
    for user in listed if isinstance(listed, list) else []:
        if isinstance(user, str) and _USER_ID.fullmatch(user):
            found.setdefault(user, False)
    return tuple(Mention(user_id=u, text=u if typed else "") for u, typed in found.items())


def html_of(item: Said) -> str:
    """The item's HTML (already safe, from the commands) or its body, escaped."""
    if item.html is not None:
        return item.html
    return html.escape(item.body).replace("\n", "<br>")


def mentioned(item: Said | Reaction) -> list[str]:
    """The Matrix users an item means to notify (each named in its text by their user id)."""
    if isinstance(item, Reaction):
        return []
    return [u for u in dict.fromkeys(item.mentions) if isinstance(u, str) and u.startswith("@")]


def _user_pattern(user_id: str) -> re.Pattern[str]:
    # a user id as a whole: ``@bob:x`` is not the start of ``@bob:xy`` nor of ``@bob:x.org``
    # (a full stop that ends a sentence is no part of it)
    return re.compile(re.escape(user_id) + r"(?![\w:=/+\-]|\.\w)")


def _literal(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement for ``re.sub`` that is ``text`` as it is (no backslash escapes)."""
    return lambda _match: text


def pill(user_id: str, name: str) -> str:
    """A link to a user as Matrix clients show a mention: a "pill" with the display name."""
    return (
        f'<a href="https://matrix.to/#/{html.escape(user_id, quote=True)}">{html.escape(name)}</a>'
    )


def with_pills(item: Said, names: Mapping[str, str]) -> tuple[str, str]:
    """The item's plain and HTML bodies with each user it notifies shown as clients show a
    mention: their display name in the plain body, a pill in the HTML one. ``names``: display
    names by user id (the user's local part when unknown)."""
    body, formatted = item.body, html_of(item)
    for user in mentioned(item):
        name = names.get(user) or user.removeprefix("@").split(":", 1)[0]
        body = _user_pattern(user).sub(_literal(name), body)
        formatted = _user_pattern(html.escape(user, quote=True)).sub(
            _literal(pill(user, name)), formatted
        )
    return body, formatted


def mentions_content(item: Said) -> dict[str, Any]:
    """``m.mentions``: exactly the people the item means to notify (never, say, the author of
    the command it answers: nobody is notified about their own action)."""
    return {"user_ids": mentioned(item)}
