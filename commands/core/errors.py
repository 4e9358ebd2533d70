"""A refusal of bad input, raised by handlers and answered by the dispatcher."""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """Bad input: the dispatcher rolls back what the handler did and answers ``key``, filled
    with ``params`` (and ``prefix``, the command prefix, that every refusal may use to say what
    to type instead)."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
