"""The life of an hour-reading campaign (*relevé des compteurs*) and of its ✅ confirmations.

Campaign: ``—`` → open → cancelled (an admin) / ended (its deadline, the timed job); deleting
the message that opened it removes it while it is open; deleting the message that cancelled it
opens it again while its deadline is still to come. Past its deadline nothing enters or leaves.
Confirmation (a ✅ on the campaign's message): ``—`` → given → ``—`` (the reaction taken back),
while the campaign is open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from commands.lifecycle.base import ABSENT, Act, Action, Actor, Refusal, admin_only

OPEN, CANCELLED, ENDED, REMOVED = "open", "cancelled", "ended", "removed"
GIVEN = "given"


@dataclass(frozen=True)
class Campaign:
    status: str  # ABSENT | open | cancelled | ended | removed
    code: str = ""  # its project's
    deadline_at: dt.datetime | None = None
    envelope_open: bool = True
    others_open: int = 0  # other open campaigns on its envelope


def campaign_step(
    c: Campaign, action: Action, actor: Actor, now: dt.datetime
) -> Campaign | Refusal:
    ids = {"project": c.code}
    if action.kind is Act.DEADLINE:
        if c.status != OPEN or c.deadline_at is None or now < c.deadline_at:
            return Refusal("budget.campaign.error.not_due", ids)
        return replace(c, status=ENDED)
    refused = admin_only(actor, f"releve {c.code}")
    if refused is not None:
        return refused
    if action.kind is Act.CREATE:
        if c.status != ABSENT:
            return Refusal("lifecycle.not_allowed", {"action": str(action)})
        if not c.envelope_open:
            return Refusal("budget.campaign.error.envelope_closed", ids)
        if c.others_open:
            return Refusal("budget.campaign.error.already", ids)
        if c.deadline_at is None or c.deadline_at <= now:
            return Refusal("budget.campaign.error.deadline_passed", ids)
        return replace(c, status=OPEN)
    if action.kind is Act.CANCEL:
        if c.status != OPEN:
            return Refusal("budget.campaign.error.not_open", ids)
        return replace(c, status=CANCELLED)
    if action in (Action(Act.UNDO, Act.CREATE), Action(Act.UNDO, Act.CANCEL)):
        wanted = OPEN if action.undoes is Act.CREATE else CANCELLED
        if c.status == ENDED or (c.deadline_at is not None and now >= c.deadline_at):
            return Refusal("budget.campaign.error.ended", ids)
        if c.status != wanted:
            return Refusal("lifecycle.changed_since")
        if action.undoes is Act.CANCEL and c.others_open:
            return Refusal("budget.campaign.error.already", ids)
        return replace(c, status=REMOVED if action.undoes is Act.CREATE else OPEN)
    return Refusal("lifecycle.not_allowed", {"action": str(action)})


@dataclass(frozen=True)
class Confirmation:
    status: str  # ABSENT | given
    campaign: Campaign


def confirmation_step(
    c: Confirmation, action: Action, actor: Actor, now: dt.datetime
) -> Confirmation | Refusal:
    campaign = c.campaign
    if campaign.status != OPEN or (
        campaign.deadline_at is not None and now >= campaign.deadline_at
    ):
        return Refusal("budget.campaign.error.ended", {"project": campaign.code})
    if action.kind is Act.CREATE and c.status == ABSENT:
        return replace(c, status=GIVEN)
    if action == Action(Act.UNDO, Act.CREATE) and c.status == GIVEN:
        return replace(c, status=ABSENT)
    return Refusal("lifecycle.not_allowed", {"action": str(action)})
