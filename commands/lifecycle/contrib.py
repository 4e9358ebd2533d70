"""The life of a contribution. A contribution in the period of a closed envelope may still be
logged, changed or removed: the envelope's split stays as it was frozen (and the room is told)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from commands.lifecycle.base import ABSENT, Act, Action, Actor, Refusal

LOGGED = "logged"


@dataclass(frozen=True)
class Contribution:
    status: str  # ABSENT | logged
    number: int = 0
    user: str = ""  # whom it counts for
    created_by: str = ""
    source_taken: bool = False  # its message logged another contribution since it was removed


def contribution_step(
    c: Contribution, action: Action, actor: Actor, now: dt.datetime
) -> Contribution | Refusal:
    kind = action.kind
    if kind in (Act.CREATE, Act.EDIT):
        return replace(c, status=LOGGED)
    if kind is Act.WITHDRAW:  # ``!annuler``
        if not (actor.admin or actor.user in (c.user, c.created_by)):
            return Refusal("contrib.error.not_yours", {"id": c.number})
        return replace(c, status=ABSENT)
    if action == Action(Act.UNDO, Act.CREATE):
        if c.status != LOGGED:
            return Refusal("lifecycle.changed_since")
        return replace(c, status=ABSENT)
    if action == Action(Act.UNDO, Act.WITHDRAW):
        if c.status != ABSENT:
            return Refusal("lifecycle.changed_since")
        if c.source_taken:
            return Refusal("lifecycle.contribution.logged_again", {"id": c.number})
        return replace(c, status=LOGGED)
    return Refusal("lifecycle.not_allowed", {"action": str(action)})
