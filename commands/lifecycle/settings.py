"""The life of what admins set: a room's settings, a project's name, code and state, a round's
reaction values, a recap schedule. Setting one records the values before and after; undoing it
(deleting its message) puts the values before back, as long as nothing changed them since."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from commands.lifecycle.base import ABSENT, Act, Action, Actor, Refusal, admin_only

EXISTS = "exists"


@dataclass(frozen=True)
class Setting:
    command: str  # the command that sets it, without the prefix (``langue``)
    current: Any
    before: Any = None
    after: Any = None


def setting_step(s: Setting, action: Action, actor: Actor, now: dt.datetime) -> Setting | Refusal:
    refused = admin_only(actor, s.command)
    if refused is not None:
        return refused
    if action.kind is Act.SET:
        return replace(s, current=s.after)
    if action == Action(Act.UNDO, Act.SET):
        if s.current != s.after:
            return Refusal("lifecycle.changed_since")
        return replace(s, current=s.before)
    return Refusal("lifecycle.not_allowed", {"action": str(action)})


@dataclass(frozen=True)
class Project:
    status: str  # ABSENT | exists
    code: str = ""
    uses: int = 0  # contributions, envelopes and offers that name it; the room's default


def project_step(p: Project, action: Action, actor: Actor, now: dt.datetime) -> Project | Refusal:
    refused = admin_only(actor, "projet")
    if refused is not None:
        return refused
    if action.kind is Act.CREATE:
        return replace(p, status=EXISTS)
    if action == Action(Act.UNDO, Act.CREATE):
        if p.status != EXISTS:
            return Refusal("lifecycle.changed_since")
        if p.uses:
            return Refusal("lifecycle.project.in_use", {"code": p.code, "uses": p.uses})
        return replace(p, status=ABSENT)
    return Refusal("lifecycle.not_allowed", {"action": str(action)})
