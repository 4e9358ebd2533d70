"""The room's projects, read once per transaction: found by code (``#KPA`` or ``KPA``, ignoring
case and accents), refused with close codes when unknown or archived, and the room's default."""

from __future__ import annotations

import difflib

from commands.core import Context, UserError
from commands.grammar import fold
from commands.projects.codes import close_codes
from storage.models import Project
from storage.queries import room_projects


def _projects(ctx: Context) -> dict[str, Project]:
    """The room's projects by folded code, read once per transaction (project commands clear
    this cache when they change a project)."""
    key = f"projects:{ctx.room.id}"
    cached = ctx.db.info.get(key)
    if cached is None:
        cached = {p.code_key: p for p in room_projects(ctx.db, ctx.room.id)}
        ctx.db.info[key] = cached
    return cached


def projects_changed(ctx: Context) -> None:
    """A project command changed one: the next reading reads them again."""
    ctx.db.info.pop(f"projects:{ctx.room.id}", None)


def known_codes(ctx: Context) -> set[str]:
    return {code for code, p in _projects(ctx).items() if not p.archived}


def find_project(ctx: Context, code: str) -> Project | None:
    return _projects(ctx).get(fold(code.lstrip("#")))


def resolve_project(ctx: Context, token: str) -> Project:
    """The project named by ``#KPA`` or ``KPA``; refuse unknown or archived ones, listing close
    codes."""
    project = find_project(ctx, token)
    code = token.lstrip("#")
    if project is None:
        names = suggest_codes(ctx, code)
        if names:
            raise UserError("projects.error.unknown_hint", code=code, codes=", ".join(names))
        raise UserError("projects.error.unknown_none", code=code, prefix=ctx.settings.prefix)
    if project.archived:
        raise UserError("projects.error.archived", code=project.code)
    return project


def active_codes(ctx: Context) -> list[str]:
    """The room's codes that accept contributions, sorted."""
    return sorted(p.code for p in _projects(ctx).values() if not p.archived)


def suggest_codes(ctx: Context, word: str) -> list[str]:
    """Codes to offer for an unknown ``word``: the close ones, else a few of the room's."""
    codes = active_codes(ctx)
    close = close_codes(word, codes)
    if not close:
        wanted = fold(word).upper()
        matches = difflib.get_close_matches(wanted, [c.upper() for c in codes], n=3, cutoff=0.4)
        close = [c for c in codes if c.upper() in matches]
    return close or codes[:8]


def default_project(ctx: Context) -> Project | None:
    if ctx.room.default_project_id is None:
        return None
    project = ctx.db.get(Project, ctx.room.default_project_id)
    return project if project is not None and not project.archived else None
