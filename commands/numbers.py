"""Reading the numbers people type (``!annuler 12``, ``!valider #3``): each room counts its own
records (see ``storage.numbers``), so a number is only ever looked up in the room it is typed in."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"#?([0-9]{1,40})")


def read_number(token: str) -> int | None:
    """``12`` or ``#12`` (ASCII digits) as 12; anything else (``²``, ``abc``) as ``None``. A number
    too large to have been handed out is read as it is, and found nowhere."""
    found = _NUMBER.fullmatch(token.strip())
    return int(found.group(1)) if found else None
