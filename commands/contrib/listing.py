"""What ``!contribs`` reads: its filters, the label of a period, projects' names."""

from __future__ import annotations

from sqlmodel import col, select

from commands.contrib.records import EVERYONE
from commands.core import Context, RoomTexts, UserError
from commands.grammar import Period, fold, is_mention, match_period, month_period, tokenize
from commands.i18n import format_date
from commands.people import is_group_mention, resolve_person
from commands.projects import bare_word, find_project, known_codes, looks_like_code, resolve_project
from commands.refusals import checked_period
from storage.models import Project


def parse_filters(ctx: Context, args: str) -> tuple[str | None, bool, Project | None, Period]:
    """``[@user|tous] [PROJECT] [period]`` in any order -> (user, everyone, project, period)."""
    return read_filters(ctx, tokenize(args))


def read_filters(
    ctx: Context, tokens: list[str]
) -> tuple[str | None, bool, Project | None, Period]:
    """``parse_filters`` of words already read."""
    user: str | None = None
    everyone = False
    project: Project | None = None
    period: Period | None = None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if is_mention(tok) and user is None:
            if is_group_mention(tok):
                raise UserError("contrib.error.group_filter", token=tok, prefix=ctx.settings.prefix)
            user = resolve_person(ctx, tok, include_left=True)
            i += 1
            continue
        if fold(tok) in EVERYONE:
            everyone = True
            i += 1
            continue
        if period is None:
            found = match_period(tokens, i, ctx.today)
            if found is not None:
                period = checked_period(found, " ".join(tokens[i : i + found.used]))
                i += found.used
                continue
        if project is None and (tok.startswith("#") or find_project(ctx, tok) is not None):
            project = (
                resolve_project(ctx, tok)
                if find_project(ctx, tok) is None
                else find_project(ctx, tok)
            )
            i += 1
            continue
        if looks_like_code(tok, known_codes(ctx)):
            resolve_project(ctx, bare_word(tok))  # an unknown code: refused with close ones
        raise UserError("contrib.error.bad_filter", token=tok, prefix=ctx.settings.prefix)
    if period is None:
        period = month_period(ctx.today.year, ctx.today.month)
    return user, everyone, project, period


def period_label(ctx: RoomTexts, period: Period) -> str:
    if period.kind == "all":
        return ctx.t("core.period.all")
    if period.kind == "month":
        return format_date(period.start, ctx.lang, "MMMM y")
    if period.kind == "year":
        return str(period.start.year)
    if period.kind == "day":
        return ctx.date(period.start)
    return ctx.t("core.period.range", start=ctx.date(period.start), end=ctx.date(period.last_day))


def _project_names(ctx: Context, ids: list[int | None]) -> dict[int | None, str]:
    wanted = [i for i in set(ids) if i is not None]
    if not wanted:
        return {}
    projects = ctx.db.exec(select(Project).where(col(Project.id).in_(wanted))).all()
    return {p.id: p.code for p in projects}
