"""The family's commands and hooks: ``!contrib``, ``!annuler``, the undo of a command message,
what an edit refused keeps, the contribution without a project confirmed by ✅. (Undo hooks run
for the commands of their own module: they live here together; ``!contribs``, which only reads,
is in ``commands.contrib.totals``.)"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from commands.args import Mention
from commands.contrib.arguments import ContribDay, ContribDuration, ContribProject, Description
from commands.contrib.records import (
    FAMILY,
    KIND_WITHOUT_PROJECT,
    _by_event,
    _delete,
    _project_label,
    _remove,
    _restore,
    _snapshot,
    _store,
    _summary,
)
from commands.contrib.totals import CONTRIBS
from commands.contrib.words import _offer_without_project, _project_in_words
from commands.core import Context, Registry, UserError
from commands.declare import Arg, Declared
from commands.lifecycle import Act, tell_undo
from commands.numbers import read_number
from commands.people import resolve_person
from commands.projects import default_project, resolve_project
from storage.models import Audit, BotMessage, Contribution, PendingAction, Project
from storage.numbers import by_number


def register(reg: Registry) -> None:
    CONTRIB.register(reg)
    UNDO.register(reg)
    CONTRIBS.register(reg)
    reg.on_undo(undo_by_event)
    reg.on_kept(kept_by_event)
    reg.on_pending(KIND_WITHOUT_PROJECT, _apply_without_project, _undo_without_project)


CONTRIB = Declared("contrib", family=FAMILY, editable=True)


# the duration, the date and the project in any order; the words left are the description
@CONTRIB.sub(
    "log",
    Arg("user", Mention(), optional=True, anywhere=True, leading=True),
    Arg("minutes", ContribDuration(), anywhere=True, refusal="contrib.error.missing_duration"),
    Arg("day", ContribDay(), optional=True, anywhere=True),
    Arg("project_word", ContribProject(), optional=True, anywhere=True),
    Arg("description", Description(), optional=True, shown="description"),
    path=(),
)
def log_contribution(
    ctx: Context,
    user: str | None,
    minutes: int,
    day: dt.date | None,
    project_word: str | None,
    description: str | None,
) -> None:
    day = day or ctx.today
    _checked(ctx, minutes, day)
    contributor = _contributor(ctx, user)
    description = description or ""
    project: Project | None
    if project_word is not None:
        project = resolve_project(ctx, project_word)
    else:
        project, description, doubtful = _project_in_words(ctx, description)
        if doubtful:
            _offer_without_project(ctx, contributor, minutes, day, description, doubtful)
            return
        if project is None:
            project = default_project(ctx)
    existing = None
    if ctx.edit_of is not None:
        existing = _by_event(ctx, ctx.source_event_id)
    contribution, key = _store(
        ctx,
        existing,
        user=contributor,
        minutes=minutes,
        day=day,
        project=project,
        description=description,
        event_id=ctx.source_event_id,
        created_by=ctx.sender,
    )
    ctx.reply(_summary(ctx, key, contribution, project))


def _checked(ctx: Context, minutes: int, day: dt.date) -> None:
    """Refuse a duration or a day that reads but cannot be logged, saying what is wrong."""
    if minutes <= 0:
        raise UserError("contrib.error.zero", prefix=ctx.settings.prefix)
    if minutes > ctx.room.max_entry_minutes:
        raise UserError(
            "contrib.error.too_long",
            duration=ctx.duration(minutes),
            limit=ctx.duration(ctx.room.max_entry_minutes),
        )
    if day > ctx.today:
        raise UserError("contrib.error.future", date=ctx.long_date(day))


def _contributor(ctx: Context, user: str | None) -> str:
    """Whose contribution it is: the sender's, or (an admin's command) the person it names."""
    if user is None:
        return ctx.sender
    named = resolve_person(ctx, user)
    if named != ctx.sender and not ctx.is_admin:
        raise UserError("contrib.error.not_admin_for_other", user=user, prefix=ctx.settings.prefix)
    return named


def _apply_without_project(ctx: Context, action: PendingAction, target: BotMessage) -> None:
    """The sender confirmed with ✅: record what was understood, tied to the command message."""
    data = action.payload
    project = None
    if data.get("project_id") is not None:
        project = ctx.db.get(Project, int(data["project_id"]))
        if project is None or project.archived:
            raise UserError("contrib.doubtful.default_gone")
    existing = _by_event(ctx, action.source_event_id) if data.get("existing", True) else None
    before = _snapshot(existing) if existing is not None else None
    contribution, key = _store_values(
        ctx, existing, data, project, event_id=action.source_event_id, created_by=action.sender
    )
    ctx.reply(_summary(ctx, key, contribution, project))
    # after the answer (which writes what it speaks of): the action's row is written once
    action.payload = {**data, "applied": {"id": contribution.id, "before": before}}


def _store_values(
    ctx: Context,
    existing: Contribution | None,
    values: dict[str, Any],
    project: Project | None,
    *,
    event_id: str,
    created_by: str,
) -> tuple[Contribution, str]:
    """``_store`` with the values an offer keeps (its payload, or a contribution's snapshot)."""
    return _store(
        ctx,
        existing,
        user=str(values["user"]),
        minutes=int(values["minutes"]),
        day=dt.date.fromisoformat(str(values["day"])),
        project=project,
        description=str(values["description"]),
        event_id=event_id,
        created_by=created_by,
    )


def _undo_without_project(ctx: Context, action: PendingAction) -> bool:
    """The sender took their ✅ back: what it recorded is undone (created: removed; updated:
    back as it was)."""
    applied = action.payload.get("applied") or {}
    try:
        contribution = _by_event(ctx, action.source_event_id)
        if contribution is None:
            return False
        before = applied.get("before")
        if not before:
            _delete(ctx, contribution)
            ctx.reply(
                ctx.t(
                    "contrib.removed_unconfirmed",
                    id=contribution.number,
                    duration=ctx.duration(contribution.minutes),
                    date=ctx.date(contribution.day),
                    who=ctx.name(contribution.user_id),
                )
            )
            return True
        project_id = before.get("project_id")
        project = ctx.db.get(Project, int(project_id)) if project_id is not None else None
        _store_values(
            ctx,
            contribution,
            before,
            project,
            event_id=action.source_event_id,
            created_by=contribution.created_by,
        )
        ctx.reply(_summary(ctx, "contrib.updated", contribution, project))
        return True
    finally:
        # once the rest is written: the action's row is written once
        action.payload = {k: v for k, v in action.payload.items() if k != "applied"}


def kept_by_event(ctx: Context, event_id: str) -> str | None:
    """What the command message ``event_id`` recorded, in one sentence (a refused edit of it
    leaves it as it was)."""
    c = _by_event(ctx, event_id)
    if c is None:
        return None
    project = ctx.db.get(Project, c.project_id) if c.project_id is not None else None
    return ctx.t(
        "contrib.kept",
        id=c.number,
        duration=ctx.duration(c.minutes),
        date=ctx.date(c.day),
        project=_project_label(ctx, project, short=True),
    )


# --------------------------------------------------------------------------- undo


@dataclass(frozen=True)
class ContributionNumber:
    """Every word left, as one contribution's number (``12``, ``#12``)."""

    placeholder: str = "number"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Any:
        rest = tokens[start:]
        text = " ".join(rest).lstrip("#")
        if rest and not text:
            return None, len(rest)  # a lone # reads as no number: the latest
        number = read_number(text) if rest else None
        return (number, len(rest)) if number is not None else None


UNDO = Declared("annuler", family=FAMILY)


@UNDO.sub(
    "one",
    Arg("number", ContributionNumber(), shown="contribution", refusal="contrib.error.bad_id"),
    path=(),
    typed=True,
)
def undo_command(ctx: Context, number: int | None, typed: dict[str, str]) -> None:
    if number is None:
        undo_last(ctx)
        return
    contribution = by_number(ctx.db, Contribution, ctx.room.id, number)
    if contribution is None:
        raise UserError(
            "contrib.error.no_such_id", id=typed["number"].lstrip("#"), prefix=ctx.settings.prefix
        )
    ctx.reply(_remove(ctx, contribution, "contrib.removed", Act.WITHDRAW))


@UNDO.sub("last", path=())
def undo_last(ctx: Context) -> None:
    contribution = ctx.db.exec(
        select(Contribution)
        .where(Contribution.room_id == ctx.room.id, Contribution.created_by == ctx.sender)
        .order_by(col(Contribution.id).desc())
        .limit(1)
    ).first()
    if contribution is None:
        raise UserError("contrib.error.nothing_to_undo", prefix=ctx.settings.prefix)
    ctx.reply(_remove(ctx, contribution, "contrib.removed", Act.WITHDRAW))


def undo_by_event(ctx: Context, target_event_id: str) -> bool:
    """The command message that logged a contribution was removed (the contribution goes), or
    the ``!annuler`` that removed one (it comes back, as it was)."""
    contribution = ctx.db.exec(
        select(Contribution).where(Contribution.event_id == target_event_id)
    ).first()
    if contribution is not None:
        tell_undo(ctx, _remove(ctx, contribution, "contrib.removed_by_redaction", Act.CREATE))
        return True
    removed = ctx.db.exec(
        select(Audit)
        .where(
            Audit.event_id == target_event_id,
            Audit.room_id == ctx.room.id,
            Audit.object_kind == "contribution",
            Audit.action == "delete",
        )
        .order_by(col(Audit.id))
    ).first()
    if removed is None or not removed.details.get("row"):
        return False
    _restore(ctx, removed.details["row"])
    return True
