"""Reading the numbers people type (``!annuler 12``, ``!valider #3``): each room counts its own
records (see ``storage.numbers``), so a number is only ever looked up in the room it is typed in."""

from __future__ import annotations

from commands.grammar import parse_int


def read_number(token: str) -> int | None:
    """``12`` or ``#12`` (ASCII digits) as 12; anything else (``²``, ``abc``, a number too large
    to have been handed out) as ``None``."""
    return parse_int(token)
