"""Pseudonyms and the report of a forgetting: ``forgotten:7`` stands for forgotten person 7
(``forgotten-7`` inside event ids), who may never be forgotten, and what forgetting did."""

from __future__ import annotations

from dataclasses import dataclass, field

PREFIX = "forgotten:"
# who may never be forgotten: what the bot names itself or the command line in the audit
NOT_PEOPLE = frozenset({"", "bot", "cli"})


class ForgetError(ValueError):
    """This user id cannot be forgotten (unknown, the bot itself, already a pseudonym)."""


def pseudonym(number: int) -> str:
    """The id that stands for forgotten person ``number``."""
    return f"{PREFIX}{number}"


def pseudonym_number(user_id: str) -> int | None:
    """``forgotten:7`` -> 7; ``None`` for anyone else."""
    if not user_id.startswith(PREFIX):
        return None
    rest = user_id[len(PREFIX) :]
    return int(rest) if rest.isdigit() and len(rest) < 12 else None


def token(number: int) -> str:
    """What replaces a Mattermost user id inside event ids (no ``:``, which separates parts)."""
    return f"forgotten-{number}"


@dataclass
class Forgetting:
    """What forgetting a person did: their pseudonym, the rooms they were in, rows per table."""

    user_id: str
    number: int
    pseudonym: str
    rooms: list[str]
    changed: dict[str, int] = field(default_factory=dict)

    def count(self, table: str, n: int) -> None:
        if n:
            self.changed[table] = self.changed.get(table, 0) + n
