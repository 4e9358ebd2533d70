"""Mentions (``@bob``, ``@bob:example.org``) and project tags (``#KPA``)."""

from __future__ import annotations

import re

from commands.grammar.text import tokenize

_RE_MENTION = re.compile(r"^@[\w.=\-/+]+(?::[\w.\-]+(?::\d+)?)?$")


def is_mention(token: str) -> bool:
    return bool(_RE_MENTION.match(token.rstrip(",:;")))


def mention_id(token: str) -> str:
    return token.rstrip(",:;")


def typed_mentions(text: str) -> list[str]:
    """The words of ``text`` typed as mentions (``@bob``, ``@bob:server``), each once: what a
    platform that tells nothing more (the console) says its messages name."""
    return list(dict.fromkeys(mention_id(tok) for tok in tokenize(text) if is_mention(tok)))


def is_tag(token: str) -> bool:
    return (
        len(token) > 1
        and token.startswith("#")
        and re.fullmatch(r"#[\w\-]{1,32}", token) is not None
    )
