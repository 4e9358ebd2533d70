"""Pure rules of the contributive budget: the split of a proportional envelope, whether it can
be shared, where a request stands and what closing a libre envelope pays."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from commands.budget import common
from commands.split import commons_share, give_back, split
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


# --------------------------------------------------------------------------- feasibility


@dataclass(frozen=True)
class Infeasible:
    """Why a proportional envelope cannot be shared: ``nobody`` has the minimum of hours, or the
    ``cap`` times the ``people`` eligible (``most``) is less than what is ``to_share``."""

    reason: str  # "nobody" or "cap"
    cap: int = 0
    people: int = 0
    most: int = 0
    to_share: int = 0


def feasibility(
    amount: int,
    minutes: Mapping[str, int],
    cap: int | None,
    commons_bp: int,
    min_minutes: int,
) -> Infeasible | None:
    """Whether ``split`` can share ``amount`` among people with ``minutes`` to the cent: someone
    has the minimum of hours, and the caps of those who do hold what is left once the commons
    took their part (rounded as ``split`` rounds it). ``None``: it can."""
    eligible = sum(1 for m in minutes.values() if m >= max(min_minutes, 1))
    if not eligible:
        return Infeasible("nobody")
    to_share = amount - commons_share(amount, commons_bp)
    if cap is not None and cap * eligible < to_share:
        return Infeasible("cap", cap, eligible, cap * eligible, to_share)
    return None


# --------------------------------------------------------------------------- libre settlement


@dataclass(frozen=True)
class Asked:
    """A request of a libre envelope, as settling it sees it."""

    key: int  # the request's id
    user_id: str
    amount: int  # what was asked
    granted: int | None  # what was agreed, if anything
    validated: bool


@dataclass(frozen=True)
class Settlement:
    """What closing a libre envelope pays: each validated request with its amount (in the
    requests' order), the requests left unpaid, and what stays in the envelope."""

    paid: list[tuple[Asked, int]]
    unpaid: list[int]
    total: int
    remainder: int  # amount - total (negative when over)

    @property
    def over(self) -> bool:
        """The validated requests add up to more than the envelope: it cannot close as is."""
        return self.remainder < 0


def settle_libre(amount: int, requests: Sequence[Asked]) -> Settlement:
    """Close a libre envelope of ``amount`` cents: every validated request receives what was
    agreed, else what it asked; the others nothing. No cent is rounded: the amounts are whole
    already (a prorata, which rounds, is applied before closing, by ``split.scale``)."""
    paid = [
        (req, req.granted if req.granted is not None else req.amount)
        for req in requests
        if req.validated
    ]
    unpaid = [req.key for req in requests if not req.validated]
    total = sum(cents for _, cents in paid)
    return Settlement(paid, unpaid, total, amount - total)
