"""The family's commands and their undo: ``!projets`` lists the room's projects; admins add,
rename, archive, reopen them and choose the room's default project with ``!projet``; removing
such a message undoes what it did. (Undo hooks run for the commands of their own module: they
live here together.)"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select

from commands.args import Choice, Either, ProjectRef, Text, Token, Words
from commands.core import Context, Registry, UserError
from commands.declare import Arg, Declared
from commands.grammar import fold
from commands.lifecycle import ABSENT, Act, Actor, refuse, require, tell_undo, undo, undone_before
from commands.lifecycle.settings import (
    EXISTS,
    Setting,
    default_back,
    project_step,
    setting_step,
)
from commands.lifecycle.settings import Project as Life
from commands.projects.room import find_project, projects_changed
from commands.render import lines, table
from storage.models import Audit, BudgetEnvelope, Contribution, Project
from storage.queries import room_projects

FAMILY = "projects"
_CODE = re.compile(r"^[A-Za-z0-9][\w\-]{0,31}$")


def register(reg: Registry) -> None:
    reg.on_undo(undo_by_event)
    PROJECTS.register(reg)
    PROJECT.register(reg)


PROJECTS = Declared("projets", family=FAMILY)
PROJECT = Declared("projet", family=FAMILY, refusal="projects.usage")


@PROJECTS.sub("list", path=())
def list_projects(ctx: Context) -> None:
    _list(ctx, include_archived=False)


@PROJECTS.sub("archived")
def list_all_projects(ctx: Context) -> None:
    _list(ctx, include_archived=True)


def _list(ctx: Context, *, include_archived: bool) -> None:
    projects = room_projects(ctx.db, ctx.room.id, include_archived=include_archived)
    if not projects:
        ctx.reply(ctx.t("projects.none", prefix=ctx.settings.prefix))
        return
    default_id = ctx.room.default_project_id
    rows = [
        [
            p.code + (" ★" if p.id == default_id else ""),
            p.name,
            ctx.t("projects.archived") if p.archived else ctx.t("projects.active"),
        ]
        for p in projects
    ]
    headers = [
        ctx.t("projects.col.code"),
        ctx.t("projects.col.name"),
        ctx.t("projects.col.state"),
    ]
    legend = [ctx.t("projects.default_legend")] if any(p.id == default_id for p in projects) else []
    ctx.reply(lines(ctx.t("projects.title", count=len(projects)), table(headers, rows), *legend))


_CODE_ARG = Arg("code", Token(), shown="code")
_ANY_PROJECT = Arg("project", ProjectRef(archived=True))


@PROJECT.sub("add", _CODE_ARG, Arg("name", Text(), optional=True, shown="name"), admin=True)
def add_project(ctx: Context, code: str, name: str | None) -> None:
    _add(ctx, code.lstrip("#"), (name or "").strip())


@PROJECT.sub("rename", Arg("project", ProjectRef()), Arg("new", Words(), shown="name"), admin=True)
def rename_project(ctx: Context, project: Project, new: list[str]) -> None:
    _rename(ctx, project, new)


@PROJECT.sub("archive", _ANY_PROJECT, admin=True)
def archive_project(ctx: Context, project: Project) -> None:
    _set_archived(ctx, project, True)


@PROJECT.sub("reopen", _ANY_PROJECT, admin=True)
def reopen_project(ctx: Context, project: Project) -> None:
    _set_archived(ctx, project, False)


@PROJECT.sub("default", Arg("project", Either(Choice("none"), ProjectRef())), admin=True)
def default_of_room(ctx: Context, project: Project | str) -> None:
    _set_default(ctx, project if isinstance(project, Project) else None)


@PROJECT.sub("show", Arg("project", ProjectRef(strict=False, archived=True)), path=())
def show_project(ctx: Context, project: Project) -> None:
    ctx.reply(ctx.t("projects.show", code=project.code, name=project.name or project.code))


def undo_by_event(ctx: Context, target_event_id: str) -> bool:
    """A ``!projet`` message was removed: what it did is undone (a project it added goes, if
    nothing uses it yet; a name, a state or the default project is as before), unless it
    changed since."""
    change = ctx.db.exec(
        select(Audit)
        .where(
            Audit.event_id == target_event_id,
            Audit.room_id == ctx.room.id,
            col(Audit.action).in_(("create", "rename", "archive", "reopen", "default_project")),
            col(Audit.object_kind).in_(("project", "room")),
        )
        .order_by(col(Audit.id))
    ).first()
    if change is None or undone_before(ctx, change):
        return False
    who = Actor(ctx.sender, ctx.is_admin)
    if change.action == "default_project":
        _undo_default(ctx, change, who)
        return True
    project = ctx.db.get(Project, int(change.object_id)) if change.object_id.isdigit() else None
    if project is None:
        require(ctx, project_step(Life("absent"), undo(Act.CREATE), who, ctx.now))
        return False
    if change.action == "create":
        _undo_add(ctx, project, who)
    elif change.action == "rename":
        _undo_rename(ctx, project, change, who)
    else:
        _undo_state(ctx, project, change, who)
    return True


def _undo_rename(ctx: Context, project: Project, change: Audit, who: Actor) -> None:
    now = {"code": project.code, "name": project.name}
    back = _setting_back(ctx, change, who, now)
    other = find_project(ctx, str(back["code"]))
    if other is not None and other.id != project.id:
        raise UserError("projects.error.exists", code=back["code"], prefix=ctx.settings.prefix)
    project.code, project.code_key, project.name = (
        str(back["code"]),
        fold(str(back["code"])),
        str(back["name"]),
    )
    projects_changed(ctx)
    ctx.audit(
        "rename",
        "project",
        project.id,
        before=now,
        after=back,
        undo=True,
        undoes=change.event_id,
    )
    tell_undo(ctx, ctx.t("lifecycle.project.renamed_back", code=project.code, name=project.name))


def _undo_state(ctx: Context, project: Project, change: Audit, who: Actor) -> None:
    """An archive or a reopening undone: the project's state and the room's default as before."""
    now_state = [project.archived, ctx.room.default_project_id]
    back = _setting_back(ctx, change, who, now_state)
    project.archived, ctx.room.default_project_id = bool(back[0]), back[1]
    projects_changed(ctx)
    ctx.audit(
        change.action,
        "project",
        project.id,
        before=now_state,
        after=back,
        undo=True,
        undoes=change.event_id,
    )
    key = (
        "lifecycle.project.archived_back" if project.archived else "lifecycle.project.reopened_back"
    )
    tell_undo(ctx, ctx.t(key, code=project.code))


def _undo_add(ctx: Context, project: Project, who: Actor) -> None:
    uses = sum(
        int(ctx.db.exec(select(func.count()).where(cond)).one())
        for cond in (
            col(Contribution.project_id) == project.id,
            col(BudgetEnvelope.project_id) == project.id,
        )
    ) + (1 if ctx.room.default_project_id == project.id else 0)
    require(ctx, project_step(Life(EXISTS, project.code, uses), undo(Act.CREATE), who, ctx.now))
    ctx.audit("delete", "project", project.id, code=project.code, name=project.name)
    ctx.db.delete(project)
    ctx.db.flush()
    projects_changed(ctx)
    tell_undo(ctx, ctx.t("lifecycle.project.removed", code=project.code))


def _setting_back(ctx: Context, change: Audit, who: Actor, now: Any) -> Any:
    """The value an undone project setting goes back to, if the setting still holds the value
    the change gave it (refused otherwise, by the lifecycle's rule)."""
    step = setting_step(
        Setting("projet", now, change.details.get("before"), change.details.get("after")),
        undo(Act.SET),
        who,
        ctx.now,
    )
    return require(ctx, step).current


def _undo_default(ctx: Context, change: Audit, who: Actor) -> None:
    now = ctx.room.default_project_id
    back = _setting_back(ctx, change, who, now)
    project = ctx.db.get(Project, back) if back is not None else None
    if back is not None:
        state = Life(EXISTS, project.code, archived=project.archived) if project else Life(ABSENT)
        refuse(ctx, default_back(state))
    ctx.room.default_project_id = back
    ctx.audit(
        "default_project",
        "room",
        ctx.room.id,
        before=now,
        after=back,
        undo=True,
        undoes=change.event_id,
    )
    if project is None:
        tell_undo(ctx, ctx.t("projects.default_none"))
    else:
        tell_undo(ctx, ctx.t("projects.default_set", code=project.code))


def _add(ctx: Context, code: str, name: str) -> None:
    if not _CODE.match(code):
        raise UserError("projects.error.bad_code", code=code)
    if find_project(ctx, code) is not None:
        raise UserError("projects.error.exists", code=code)
    name = name or code
    project = Project(
        room_id=ctx.room.id,
        code=code,
        code_key=fold(code),
        name=name,
        event_id=ctx.source_event_id,
        created_at=ctx.now,
    )
    ctx.db.add(project)
    ctx.db.flush()
    projects_changed(ctx)
    ctx.audit("create", "project", project.id, code=code, name=name)
    ctx.reply(ctx.t("projects.added", code=code, name=name))


def _rename(ctx: Context, project: Project, tokens: list[str]) -> None:
    new_name = " ".join(tokens).strip()
    new_code = project.code
    # "!projet renommer KPA KPB" renames the code when the new name is a single valid code
    if len(tokens) == 1 and _CODE.match(tokens[0]) and tokens[0].upper() == tokens[0]:
        new_code = tokens[0]
        other = find_project(ctx, new_code)
        if other is not None and other.id != project.id:
            raise UserError("projects.error.exists", code=new_code)
        new_name = project.name if project.name != project.code else new_code
    old = {"code": project.code, "name": project.name}
    project.code, project.code_key, project.name = new_code, fold(new_code), new_name
    projects_changed(ctx)
    ctx.audit(
        "rename", "project", project.id, before=old, after={"code": new_code, "name": new_name}
    )
    ctx.reply(ctx.t("projects.renamed", old=old["code"], code=new_code, name=new_name))


def _set_archived(ctx: Context, project: Project, archived: bool) -> None:
    before = (project.archived, ctx.room.default_project_id)
    project.archived = archived
    projects_changed(ctx)
    if archived and ctx.room.default_project_id == project.id:
        ctx.room.default_project_id = None
    ctx.audit(
        "archive" if archived else "reopen",
        "project",
        project.id,
        code=project.code,
        before=list(before),
        after=[project.archived, ctx.room.default_project_id],
    )
    ctx.reply(
        ctx.t("projects.archived_now" if archived else "projects.reopened", code=project.code)
    )


def _set_default(ctx: Context, project: Project | None) -> None:
    before = ctx.room.default_project_id
    if project is None:
        ctx.room.default_project_id = None
        ctx.audit("default_project", "room", ctx.room.id, project=None, before=before, after=None)
        ctx.reply(ctx.t("projects.default_none"))
        return
    ctx.room.default_project_id = project.id
    ctx.audit(
        "default_project",
        "room",
        ctx.room.id,
        project=project.code,
        before=before,
        after=project.id,
    )
    ctx.reply(ctx.t("projects.default_set", code=project.code))
