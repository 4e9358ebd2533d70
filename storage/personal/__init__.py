"""A person's records, read for the person themselves: the one reader behind ``!mesdonnees`` and
``!moi``.

- ``contributions_of`` (or ``minutes_of``, summed per room and project) and ``paid_shares_of``:
  what they logged and what closed envelopes paid them, across every room (or the rooms of one
  platform, for ``!moi``);
- ``personal_data``: everything the bot holds about them (``!mesdonnees``), as a JSON-ready
  document: their display name, the rooms they are in, what they logged and what was logged for
  them, their allocations and balances, fundings, buckets, requests, questions, validations,
  give-backs, shares, actions waiting for their ✅, the audit rows where they are the actor, and
  the chat events of theirs the bot handled (ids and outcomes; the bot keeps no copy of what
  people type).

Pure reads. Every function takes the person's own id: nothing here lists other people. One module
per family of records: ``contributions``, ``cobudget``, ``budget``; the rest (rooms, pending
actions, audit, events) and the document's assembly are here."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, col, select

from storage.models import Audit, ChatEvent, Member, PendingAction, Person, Project, Room
from storage.personal.budget import PaidShare, budget_sections, paid_shares_of
from storage.personal.cobudget import cobudget_sections
from storage.personal.contributions import contribution_sections, contributions_of, minutes_of

SECTIONS = (
    "rooms",
    "contributions",
    "logged_for_others",
    "allocations",
    "balances",
    "fundings",
    "buckets",
    "requests",
    "questions",
    "validations",
    "give_backs",
    "sources",
    "shares",
    "landing_votes",
    "pending_actions",
    "audit",
    "events",
)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def personal_data(db: Session, user_id: str, *, now: dt.datetime) -> dict[str, Any]:
    """The document: ``person``, then one list per section of ``SECTIONS``."""
    person = db.get(Person, user_id)
    rooms = {r.id: r for r in db.exec(select(Room)).all()}
    projects = {p.id: p.code for p in db.exec(select(Project)).all()}

    def room(room_id: str) -> dict[str, str]:
        found = rooms.get(room_id)
        return {"id": room_id, "name": found.name if found is not None else ""}

    doc: dict[str, Any] = {
        "generated_at": now,
        "user_id": user_id,
        "person": {
            "display_name": person.display_name if person is not None else "",
            "updated_at": person.updated_at if person is not None else None,
        },
    }
    doc["rooms"] = [
        {
            **room(m.room_id),
            "member": m.joined,
            "first_seen": m.first_seen,
            "updated_at": m.updated_at,
        }
        for m in db.exec(
            select(Member).where(Member.user_id == user_id).order_by(col(Member.room_id))
        ).all()
    ]
    doc.update(contribution_sections(db, user_id, projects))
    doc.update(cobudget_sections(db, user_id))
    doc.update(budget_sections(db, user_id, projects))
    doc["pending_actions"] = [
        {
            "room": p.room_id,
            "kind": p.kind,
            "state": p.state,
            "payload": p.payload,
            "at": p.created_at,
        }
        for p in db.exec(
            select(PendingAction)
            .where(PendingAction.sender == user_id)
            .order_by(col(PendingAction.id))
        ).all()
    ]
    doc["audit"] = [
        {
            "at": a.at,
            "room": a.room_id,
            "action": a.action,
            "object": a.object_kind,
            "object_id": a.object_id,
            "details": a.details,
        }
        for a in db.exec(select(Audit).where(Audit.actor == user_id).order_by(col(Audit.id))).all()
    ]
    doc["events"] = [
        {"at": e.handled_at, "room": e.room_id, "kind": e.kind, "outcome": e.command}
        for e in db.exec(
            select(ChatEvent)
            .where(ChatEvent.sender == user_id)
            .order_by(col(ChatEvent.handled_at), col(ChatEvent.event_id))
        ).all()
    ]
    return dict(_plain(doc))


__all__ = [
    "SECTIONS",
    "PaidShare",
    "contributions_of",
    "minutes_of",
    "paid_shares_of",
    "personal_data",
]
