"""The life of a contributive-budget envelope and of what it holds: requests, the validations
and questions on them, the amounts agreed by admins, give-backs.

An envelope is open until an admin closes it; closing freezes its split, and nothing in a closed
envelope changes any more, through any path.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from commands.lifecycle.base import ABSENT, Act, Action, Actor, Refusal, admin_only

OPEN, CLOSED = "open", "closed"  # envelope
ACTIVE, WITHDRAWN = "active", "withdrawn"  # request
GIVEN = "given"  # validation, question, give-back, agreement


@dataclass(frozen=True)
class Envelope:
    status: str  # ABSENT | open | closed
    label: str = ""  # ``KPA (novembre 2026)``
    code: str = ""  # its project's code
    requests: int = 0  # requests made in it (active or withdrawn)
    givebacks: int = 0
    sources: int = 0  # money added after it was created (top-ups, prestations)


def frozen(env: Envelope) -> Refusal | None:
    if env.status == CLOSED:
        return Refusal("lifecycle.envelope.closed", {"envelope": env.label, "project": env.code})
    return None


def envelope_step(
    env: Envelope, action: Action, actor: Actor, now: dt.datetime
) -> Envelope | Refusal:
    if action == Action(Act.UNDO, Act.CLOSE):
        return Refusal(
            "lifecycle.envelope.close_kept", {"envelope": env.label, "project": env.code}
        )
    refused = admin_only(actor, f"budget {env.code}")
    if refused is not None:
        return refused
    if action.kind is Act.CREATE:
        return replace(env, status=OPEN)
    refused = frozen(env)
    if refused is not None:
        return refused
    if action.kind is Act.CLOSE:
        return replace(env, status=CLOSED)
    if action.kind is Act.SET or action == Action(Act.UNDO, Act.SET):  # its owner
        return env
    if action == Action(Act.UNDO, Act.CREATE):
        if env.sources:
            return Refusal(
                "budget_sources.error.in_use",
                {"envelope": env.label, "project": env.code, "sources": env.sources},
            )
        if env.requests or env.givebacks:
            return Refusal(
                "lifecycle.envelope.in_use",
                {
                    "envelope": env.label,
                    "project": env.code,
                    "requests": env.requests,
                    "givebacks": env.givebacks,
                },
            )
        return replace(env, status=ABSENT)
    return Refusal("lifecycle.not_allowed", {"action": str(action)})


@dataclass(frozen=True)
class Request:
    status: str  # ABSENT | active | withdrawn
    envelope: Envelope
    number: int = 0
    user: str = ""
    answers: int = 0  # validations and questions on it
    granted: bool = False  # an admin agreed an amount (or a pro rata) for it
    other_active: bool = False  # its person has another active request in the envelope
    unchanged: bool = True  # no other action changed it since the one being undone


def request_step(r: Request, action: Action, actor: Actor, now: dt.datetime) -> Request | Refusal:
    refused = frozen(r.envelope)
    if refused is not None:
        return refused
    kind, ids = action.kind, {"id": r.number, "project": r.envelope.code}
    if kind is Act.CREATE:
        return replace(r, status=ACTIVE)
    if kind is Act.EDIT:
        if r.status != ACTIVE:
            return Refusal("lifecycle.request.withdrawn", ids)
        return r
    if kind is Act.WITHDRAW:
        if r.status != ACTIVE:
            return Refusal("lifecycle.request.withdrawn", ids)
        return replace(r, status=WITHDRAWN)
    return _undo_request(r, action, ids)


def _undo_request(r: Request, action: Action, ids: dict[str, object]) -> Request | Refusal:
    """A request's undo steps (its creation, an edit, a withdrawal)."""
    if action == Action(Act.UNDO, Act.CREATE):
        if r.status == WITHDRAWN:
            return Refusal("lifecycle.request.withdrawn", ids)
        if r.answers or r.granted:
            return Refusal("lifecycle.request.in_use", {**ids, "answers": r.answers})
        if not r.unchanged:  # another message changed it since
            return Refusal("lifecycle.changed_since")
        return replace(r, status=ABSENT)
    if action == Action(Act.UNDO, Act.EDIT):
        if r.status != ACTIVE or not r.unchanged:
            return Refusal("lifecycle.changed_since")
        return r
    if action == Action(Act.UNDO, Act.WITHDRAW):
        if r.status != WITHDRAWN:
            return Refusal("lifecycle.changed_since")
        if r.other_active:
            return Refusal("lifecycle.request.replaced", ids)
        return replace(r, status=ACTIVE)
    return Refusal("lifecycle.not_allowed", {"action": str(action)})


@dataclass(frozen=True)
class Answer:
    """A validation or a question on a request, or a give-back in an envelope."""

    status: str  # ABSENT | given
    envelope: Envelope
    request_active: bool = True


def answer_step(a: Answer, action: Action, actor: Actor, now: dt.datetime) -> Answer | Refusal:
    refused = frozen(a.envelope)
    if refused is not None:
        return refused
    if action.kind is Act.CREATE:
        return replace(a, status=GIVEN)
    if action == Action(Act.UNDO, Act.CREATE):
        return replace(a, status=ABSENT)
    return Refusal("lifecycle.not_allowed", {"action": str(action)})


@dataclass(frozen=True)
class Agreement:
    """Amounts an admin set on requests (``accord`` on one, ``prorata`` on all)."""

    status: str  # ABSENT | given
    envelope: Envelope
    word: str = "accord"
    unchanged: bool = True  # every amount it set is still the one it set


def agreement_step(
    a: Agreement, action: Action, actor: Actor, now: dt.datetime
) -> Agreement | Refusal:
    refused = admin_only(actor, f"budget {a.envelope.code} {a.word}") or frozen(a.envelope)
    if refused is not None:
        return refused
    if action.kind is Act.CREATE:
        return replace(a, status=GIVEN)
    if action == Action(Act.UNDO, Act.CREATE):
        if not a.unchanged:
            return Refusal("lifecycle.changed_since")
        return replace(a, status=ABSENT)
    return Refusal("lifecycle.not_allowed", {"action": str(action)})


# --------------------------------------------------------------------------- lazy consensus

RAISED, LIFTED, SETTLED = "open", "lifted", "settled"  # objection


@dataclass(frozen=True)
class Objection:
    """A question on a request under lazy consensus (``!question N …`` or ❓): it holds the
    request's automatic validation back while open. Its author lifts it (``!question N levée``,
    or takes the ❓ back: the question goes), an admin settles it (``!question N close``)."""

    status: str  # ABSENT | open | lifted | settled
    envelope: Envelope
    number: int = 0  # the request's
    author: str = ""  # who raised it


def objection_step(
    o: Objection, action: Action, actor: Actor, now: dt.datetime
) -> Objection | Refusal:
    refused = frozen(o.envelope)
    if refused is not None:
        return refused
    ids = {"id": o.number, "project": o.envelope.code}
    if action.kind is Act.CREATE:
        return replace(o, status=RAISED)
    if action.kind is Act.WITHDRAW:  # its author lifts it
        if actor.user != o.author:
            return Refusal("budget.consent.error.not_yours", ids)
        if o.status != RAISED:
            return Refusal("budget.consent.error.not_open", ids)
        return replace(o, status=LIFTED)
    if action.kind is Act.CLOSE:  # an admin settles it
        refused = admin_only(actor, f"question {o.number} close")
        if refused is not None:
            return refused
        if o.status != RAISED:
            return Refusal("budget.consent.error.not_open", ids)
        return replace(o, status=SETTLED)
    if action in (Action(Act.UNDO, Act.WITHDRAW), Action(Act.UNDO, Act.CLOSE)):
        wanted = LIFTED if action.undoes is Act.WITHDRAW else SETTLED
        if o.status != wanted:
            return Refusal("lifecycle.changed_since")
        return replace(o, status=RAISED)
    if action == Action(Act.UNDO, Act.CREATE):
        return replace(o, status=ABSENT)
    return Refusal("lifecycle.not_allowed", {"action": str(action)})


@dataclass(frozen=True)
class Consent:
    """Where a request stands under its envelope's lazy consensus: the timed job validates it
    once the delay is over and no objection is open (``Act.DEADLINE``)."""

    envelope: Envelope
    days: int | None  # the envelope's delay; None: no lazy consensus
    since: dt.datetime  # when the delay started (made, or its amount changed)
    active: bool = True
    validated: bool = False
    objections: int = 0  # open objections, by others than its author

    @property
    def due_at(self) -> dt.datetime | None:
        return None if self.days is None else self.since + dt.timedelta(days=self.days)


def consent_step(c: Consent, action: Action, actor: Actor, now: dt.datetime) -> Consent | Refusal:
    refused = frozen(c.envelope)
    if refused is not None:
        return refused
    if action.kind is not Act.DEADLINE:
        return Refusal("lifecycle.not_allowed", {"action": str(action)})
    due = c.due_at
    if due is None or not c.active or c.validated:
        return Refusal("budget.consent.error.not_due")
    if c.objections:
        return Refusal("budget.consent.error.objected")
    if now < due:
        return Refusal("budget.consent.error.not_due")
    return replace(c, validated=True)


# --------------------------------------------------------------------------- sources


@dataclass(frozen=True)
class Source:
    """Money put into an envelope after it was created: a top-up (``!budget KPA source
    subvention 2000€``) or a share of a paid service (``!prestation KPA 3000€ 10%``). Its
    envelope's amount goes up by it, and back down when it is undone. The actor settles the
    envelope: an admin, or the envelope's owner (``soucieux``)."""

    status: str  # ABSENT | given
    envelope: Envelope
    initial: bool = False  # the amount the envelope was created with: it goes with the envelope


def source_step(s: Source, action: Action, actor: Actor, now: dt.datetime) -> Source | Refusal:
    refused = admin_only(actor, f"budget {s.envelope.code} source") or frozen(s.envelope)
    if refused is not None:
        return refused
    if action.kind is Act.CREATE:
        return replace(s, status=GIVEN)
    if action == Action(Act.UNDO, Act.CREATE):
        if s.initial:  # deleting the envelope's message deletes the envelope (its own rules)
            return Refusal("lifecycle.not_allowed", {"action": str(action)})
        return replace(s, status=ABSENT)
    return Refusal("lifecycle.not_allowed", {"action": str(action)})


# --------------------------------------------------------------------------- landing votes

VOTING, DECIDED, CANCELLED = "open", "decided", "cancelled"  # vote
CAST, REPLACED, TAKEN_BACK = "active", "replaced", "withdrawn"  # ballot


@dataclass(frozen=True)
class Vote:
    """The room chooses a landing option by reaction before a deadline (``!budget KPA
    atterrissage vote jusqu'au 15/12``): open until the deadline, when the timed job counts it
    once (decided: applied, tied, nobody voted, or nothing left to land), unless an admin
    cancels it first."""

    status: str  # ABSENT | open | decided | cancelled
    envelope: Envelope
    deadline: dt.datetime
    others_open: bool = False  # another vote of the envelope is open


def vote_step(v: Vote, action: Action, actor: Actor, now: dt.datetime) -> Vote | Refusal:
    code = v.envelope.code
    if action.kind is Act.DEADLINE:  # the timed job, once
        if v.status != VOTING or now < v.deadline:
            return Refusal("budget.landing.vote.error.not_due")
        return replace(v, status=DECIDED)
    refused = admin_only(actor, f"budget {code} atterrissage vote") or frozen(v.envelope)
    if refused is not None:
        return refused
    ids = {"project": code}
    if action.kind is Act.CREATE:
        if v.others_open:
            return Refusal("budget.landing.vote.error.already", ids)
        if v.deadline <= now:
            return Refusal("budget.landing.vote.error.past", ids)
        return replace(v, status=VOTING)
    if action.kind is Act.CANCEL:
        if v.status != VOTING or now >= v.deadline:
            return Refusal("budget.landing.vote.error.none_open", ids)
        return replace(v, status=CANCELLED)
    if action == Action(Act.UNDO, Act.CREATE):
        if v.status != VOTING or now >= v.deadline:
            return Refusal("budget.landing.vote.error.counted", ids)
        return replace(v, status=ABSENT)
    if action == Action(Act.UNDO, Act.CANCEL):
        if v.status != CANCELLED:
            return Refusal("lifecycle.changed_since")
        if now >= v.deadline:
            return Refusal("budget.landing.vote.error.past", ids)
        if v.others_open:
            return Refusal("budget.landing.vote.error.already", ids)
        return replace(v, status=VOTING)
    return Refusal("lifecycle.not_allowed", {"action": str(action)})


@dataclass(frozen=True)
class Ballot:
    """A reaction on a vote's message (1️⃣ to 4️⃣): its sender's latest one is their vote, an
    earlier one is replaced by it; taking the latest back withdraws the vote (taking back a
    replaced one changes nothing). Only before the deadline of an open vote, by a member of the
    room, never the bot."""

    status: str  # ABSENT | active | replaced | withdrawn
    vote: Vote
    voter: str


def ballot_step(b: Ballot, action: Action, actor: Actor, now: dt.datetime) -> Ballot | Refusal:
    v = b.vote
    if v.status != VOTING or now >= v.deadline:
        return Refusal("budget.landing.vote.error.closed", {"project": v.envelope.code})
    if action.kind is Act.CREATE:
        return replace(b, status=CAST)
    if action.kind is Act.EDIT:  # a later reaction of the same person
        if b.status != CAST:
            return Refusal("lifecycle.changed_since")
        return replace(b, status=REPLACED)
    if action == Action(Act.UNDO, Act.CREATE):
        if actor.user != b.voter and not actor.admin:
            return Refusal("budget.landing.vote.error.not_yours", {"project": v.envelope.code})
        if b.status != CAST:
            return Refusal("lifecycle.changed_since")
        return replace(b, status=TAKEN_BACK)
    return Refusal("lifecycle.not_allowed", {"action": str(action)})
