"""Mattermost names its emoji (``+1``, ``euro``); the commands use the characters (👍, 💶).
The emoji a collective is likely to use as votes and answers are translated both ways; any
other name passes through unchanged."""

from __future__ import annotations

import re

NAMES: dict[str, str] = {
    "+1": "👍",
    "-1": "👎",
    "euro": "💶",
    "dollar": "💵",
    "pound": "💷",
    "yen": "💴",
    "moneybag": "💰",
    "money_with_wings": "💸",
    "coin": "🪙",
    "white_check_mark": "✅",
    "heavy_check_mark": "✔️",
    "x": "❌",
    "question": "❓",
    "grey_question": "❔",
    "heart": "❤️",
    "tada": "🎉",
    "eyes": "👀",
    "pray": "🙏",
    "rocket": "🚀",
    "star": "⭐",
    "fire": "🔥",
    "hourglass": "⌛",
    "warning": "⚠️",
    "no_entry_sign": "🚫",
    "clap": "👏",
    "ok_hand": "👌",
    "raised_hands": "🙌",
    "one": "1️⃣",
    "two": "2️⃣",
    "three": "3️⃣",
    "four": "4️⃣",
}
ALIASES = {"thumbsup": "+1", "thumbsdown": "-1", "heavy_dollar_sign": "dollar"}
_CHARS = {char: name for name, char in NAMES.items()}
_VALID = re.compile(r"^[a-zA-Z0-9\-+_]+$")


def emoji_text(name: str) -> str:
    """The character for a Mattermost emoji name (the name itself when unknown)."""
    return NAMES.get(ALIASES.get(name, name), name)


def emoji_name(key: str) -> str:
    """The Mattermost emoji name for a character or name; ``""`` when there is none."""
    key = key.strip().strip(":")
    if key in _CHARS:
        return _CHARS[key]
    bare = key.replace("\ufe0f", "")
    for char, name in _CHARS.items():
        if char.replace("\ufe0f", "") == bare:
            return name
    return key if _VALID.match(key) else ""
