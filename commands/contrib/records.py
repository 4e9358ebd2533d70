"""What a contribution is in the ledger: stored, summarised, removed and restored, with its audit
rows and its life (``commands.lifecycle.contrib``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert
from sqlmodel import select

from commands.core import Context
from commands.lifecycle import ABSENT, Act, Actor, act, instant, require, tell_undo, undo
from commands.lifecycle.contrib import LOGGED, contribution_step
from commands.lifecycle.contrib import Contribution as Life
from commands.render import Rich, esc
from storage.db import connection_of
from storage.models import Contribution, Project
from storage.numbers import CONTRIBUTION, next_number
from storage.prepared import Prepared

FAMILY = "contrib"


_INSERT_CONTRIBUTION = insert(Contribution.__table__)  # type: ignore[attr-defined]
# a new contribution, the bot's hot path: a statement compiled once (``storage.prepared``)
_NEW_CONTRIBUTION = Prepared.whole_rows(_INSERT_CONTRIBUTION, key=True)


EVERYONE = ("tous", "tout-le-monde", "all", "everyone", "salle", "room")


KIND_WITHOUT_PROJECT = "contrib_no_project"  # a pending action: record with the words as text


def _changed(ctx: Context, *touched: tuple[int | None, dt.date]) -> None:
    """Tell other families (a closed envelope says its frozen split does not change)."""
    for listener in ctx.registry.contribution_listeners:
        listener(ctx, list(touched))


def _by_event(ctx: Context, event_id: str) -> Contribution | None:
    return ctx.db.exec(select(Contribution).where(Contribution.event_id == event_id)).first()


def _store(
    ctx: Context,
    existing: Contribution | None,
    *,
    user: str,
    minutes: int,
    day: dt.date,
    project: Project | None,
    description: str,
    event_id: str,
    created_by: str,
) -> tuple[Contribution, str]:
    """Create the contribution of ``event_id``, or update ``existing``; audit it and tell the
    other families. Returns it and the key of the text that says so."""
    if existing is not None:
        before = _snapshot(existing)
        touched_before = (existing.project_id, existing.day)
        existing.user_id = user
        existing.minutes = minutes
        existing.day = day
        existing.project_id = project.id if project else None
        existing.description = description
        existing.updated_at = ctx.now
        ctx.db.flush()
        ctx.audit("update", "contribution", existing.id, before=before, after=_snapshot(existing))
        _changed(ctx, touched_before, (existing.project_id, existing.day))
        return existing, "contrib.updated"
    now = ctx.now
    values: dict[str, Any] = {
        "room_id": ctx.room.id,
        "number": next_number(ctx.db, ctx.room.id, CONTRIBUTION),
        "user_id": user,
        "minutes": minutes,
        "day": day,
        "project_id": project.id if project else None,
        "description": description,
        "event_id": event_id,
        "created_by": created_by,
        "created_at": now,
        "updated_at": now,
    }
    # the hot path of the bot: one compiled insert; the row is read back only by later commands
    ctx.db.flush()
    new = _NEW_CONTRIBUTION.insert(connection_of(ctx.db), values)
    contribution = Contribution.model_construct(id=new, **values)  # to word the answer
    ctx.audit("create", "contribution", contribution.id, **_snapshot(contribution))
    _changed(ctx, (contribution.project_id, contribution.day))
    return contribution, "contrib.saved"


def _snapshot(c: Contribution) -> dict[str, object]:
    return {
        "number": c.number,
        "user": c.user_id,
        "minutes": c.minutes,
        "day": c.day.isoformat(),
        "project_id": c.project_id,
        "description": c.description,
    }


def _summary(ctx: Context, key: str, c: Contribution, project: Project | None) -> Rich:
    who = ctx.name(c.user_id)
    proj = _project_label(ctx, project)
    desc = c.description or ctx.t("contrib.no_description")
    text = ctx.t(
        key,
        id=c.number,
        who=who,
        duration=ctx.duration(c.minutes),
        date=ctx.date(c.day),
        project=proj,
        description=desc,
        prefix=ctx.settings.prefix,
    )
    html = ctx.t(
        key,
        id=c.number,
        who=f"<b>{esc(who)}</b>",
        duration=f"<b>{esc(ctx.duration(c.minutes))}</b>",
        date=esc(ctx.date(c.day)),
        project=f"<b>{esc(proj)}</b>",
        description=f"<i>{esc(desc)}</i>",
        prefix=esc(ctx.settings.prefix),
    ).replace("\n", "<br/>\n")
    return Rich(text, html)


def _project_label(ctx: Context, project: Project | None, *, short: bool = False) -> str:
    """``projet KPA (KPA-Cités)`` (``short``: ``projet KPA``), or ``sans projet``."""
    if project is None:
        return ctx.t("contrib.without_project")
    if project.name and project.name != project.code and not short:
        return ctx.t("contrib.in_project", project=f"{project.code} ({project.name})")
    return ctx.t("contrib.in_project", project=project.code)


def _life(c: Contribution, status: str = LOGGED, source_taken: bool = False) -> Life:
    return Life(status, c.number, c.user_id, c.created_by, source_taken)


def _remove(ctx: Context, c: Contribution, key: str, how: Act) -> str:
    """Delete ``c`` (``how``: ``!annuler``, or its message removed); the text that says so."""
    action = act(how) if how is Act.WITHDRAW else undo(how)
    require(ctx, contribution_step(_life(c), action, Actor(ctx.sender, ctx.is_admin), ctx.now))
    _delete(ctx, c)
    return ctx.t(
        key,
        id=c.number,
        duration=ctx.duration(c.minutes),
        date=ctx.date(c.day),
        who=ctx.name(c.user_id),
        cause=ctx.removal(),
    )


_COLUMNS = (
    "id",
    "room_id",
    "number",
    "user_id",
    "minutes",
    "day",
    "project_id",
    "description",
    "event_id",
    "created_by",
    "created_at",
    "updated_at",
)


def _delete(ctx: Context, c: Contribution) -> None:
    """Remove ``c``; the audit row keeps the whole row, so that undoing the removal (deleting
    ``!annuler``) puts it back exactly as it was."""
    row = {name: getattr(c, name) for name in _COLUMNS}
    row["created_at"], row["updated_at"] = instant(c.created_at), instant(c.updated_at)
    ctx.audit("delete", "contribution", c.id, **_snapshot(c), row=row)
    ctx.db.delete(c)
    ctx.db.flush()
    _changed(ctx, (c.project_id, c.day))


def _restore(ctx: Context, row: dict[str, Any]) -> None:
    values = {
        **row,
        "day": dt.date.fromisoformat(str(row["day"])),
        "created_at": dt.datetime.fromisoformat(str(row["created_at"])),
        "updated_at": dt.datetime.fromisoformat(str(row["updated_at"])),
    }
    taken = _by_event(ctx, str(values["event_id"])) is not None
    gone = values["project_id"] is not None and ctx.db.get(Project, values["project_id"]) is None
    back = Contribution.model_construct(**values)
    require(
        ctx,
        contribution_step(
            _life(back, ABSENT, taken or gone),
            undo(Act.WITHDRAW),
            Actor(ctx.sender, ctx.is_admin),
            ctx.now,
        ),
    )
    ctx.db.flush()
    ctx.db.connection().execute(_INSERT_CONTRIBUTION, values)
    ctx.audit("restore", "contribution", back.id, **_snapshot(back))
    _changed(ctx, (back.project_id, back.day))
    tell_undo(
        ctx,
        ctx.t(
            "lifecycle.contribution.restored",
            id=back.number,
            duration=ctx.duration(back.minutes),
            date=ctx.date(back.day),
            who=ctx.name(back.user_id),
        ),
    )
