"""Pure rules of the contributive budget: the split of a proportional envelope and where a request stands."""

from __future__ import annotations

from dataclasses import dataclass

from commands.budget import common
from commands.split import give_back, split
from storage.ledger import RequestVotes
from storage.models import (
    BudgetEnvelope,
    BudgetGiveBack,
    BudgetRequest,
)

# --------------------------------------------------------------------------- the split


@dataclass
class Row:
    user_id: str
    minutes: int
    gross: int
    given_back: int
    amount: int
    limited: bool
    note: str = ""


@dataclass
class View:
    """What an envelope looks like now: frozen rows if closed, else computed."""

    rows: list[Row]
    commons: int
    remainder: int
    redistributed: int
    excluded: list[str]
    total_minutes: int


def _view(
    env: BudgetEnvelope,
    minutes: dict[str, int],
    gifts: dict[str, BudgetGiveBack],
    first: dict[str, int],
) -> View:
    """The split of an open proportional envelope, from its minutes per person, the latest
    give-back of each and each one's first contribution in it (``first_logged``)."""
    result = split(minutes, env.amount, common.rules_of(env), first)
    rows: list[Row] = []
    commons = result.commons
    for user, gross in result.amounts.items():
        gift = gifts.get(user)
        given = give_back(gross, gift.percent_bp, gift.cents) if gift else 0
        commons += given
        rows.append(Row(user, minutes[user], gross, given, gross - given, user in result.limited))
    return View(
        rows,
        commons,
        result.remainder,
        result.redistributed,
        result.excluded,
        sum(r.minutes for r in rows),
    )


@dataclass
class RequestState:
    validated: bool
    by_admin: bool
    votes: int
    questions: int
    mine: bool = False  # ``request_state(..., user=)`` validated it


def _one_more(env: BudgetEnvelope, before: RequestState, by_admin: bool) -> RequestState:
    """The state of a request once one more person validated it."""
    admin = before.by_admin or by_admin
    votes = before.votes + 1
    return RequestState(
        admin or votes >= env.validations_needed, admin, votes, before.questions, True
    )


@dataclass
class RequestRow:
    """A request of an envelope in mode libre, with what decides it."""

    request: BudgetRequest
    minutes: int  # the person's hours in the envelope's project and period
    votes: RequestVotes
    validated: bool

    @property
    def planned(self) -> int:
        """What it would receive once validated: the agreed amount, else what was asked."""
        req = self.request
        return req.granted if req.granted is not None else req.amount
