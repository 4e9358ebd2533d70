"""``!taux``: showing and changing a range of pay, and its undo."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from commands import i18n
from commands.args import Choice, ProjectRef, Taken, Words
from commands.budget import rate_rules
from commands.core import Context, Registry, UserError
from commands.declare import Arg, Declared
from commands.grammar import fold
from commands.lifecycle import Act, Actor, act, require, tell_undo, undo, undone_before
from commands.lifecycle.settings import Setting, setting_step
from storage.models import Audit, BudgetRateGuide, Project

# --------------------------------------------------------------------------- the command


RATES = Declared("taux", family=rate_rules.FAMILY)


def register(reg: Registry) -> None:
    RATES.register(reg)
    reg.on_undo(undo_by_event)


@dataclass(frozen=True)
class RateProject:
    """The project before a range (``KPA`` in ``!taux KPA 15-25€/h``): words that read as a
    range or as ``aucun`` name none; an unknown code is refused with the close ones."""

    placeholder: str = "project"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if start >= len(tokens):
            return None
        rest = tokens[start:]
        if rest[0][:1].isdigit() or rate_rules.read_guide(rest) is not None:
            return None
        if fold(rest[0]) in {fold(w) for w in i18n.words("sub.taux.off")}:
            return None
        return ProjectRef().take(ctx, tokens, start)


_PROJECT = Arg("project", RateProject(), optional=True)


@RATES.sub("show", _PROJECT, path=())
def show_range(ctx: Context, project: Project | None) -> None:
    show(ctx, project)


@RATES.sub("off", _PROJECT, Arg("off", Choice("sub.taux.off")), path=(), admin=True)
def remove_range(ctx: Context, project: Project | None, off: str) -> None:
    change(ctx, project, None)


@RATES.sub("set", _PROJECT, Arg("words", Words(), shown="range"), path=(), admin=True)
def set_range(ctx: Context, project: Project | None, words: list[str]) -> None:
    guide = rate_rules.read_guide(words)
    if guide is None:
        code = project.code if project is not None else "KPA"
        raise UserError("budget.rates.error.usage", project=code, token=" ".join(words))
    change(ctx, project, guide)


def _where(ctx: Context, project: Project | None) -> str:
    if project is None:
        return ctx.t("budget.rates.the_room")
    return ctx.t("budget.rates.the_project", project=project.code)


def show(ctx: Context, project: Project | None) -> None:
    p = ctx.settings.prefix
    cur = ctx.room.currency
    if project is not None:
        assert project.id is not None
        guide, from_room = rate_rules.guide_for(ctx.db, ctx.room.id, project.id)
        if guide is None:
            ctx.reply(
                ctx.t(
                    "budget.rates.none", where=_where(ctx, project), project=project.code, prefix=p
                )
            )
            return
        key = "budget.rates.shown_room" if from_room else "budget.rates.shown"
        ctx.reply(
            ctx.t(
                key,
                where=_where(ctx, project),
                range=rate_rules.range_text(ctx.lang, guide, cur),
                hourly=_hourly(ctx, guide, cur),
                project=project.code,
            )
        )
        return
    rows = list(
        ctx.db.exec(
            select(BudgetRateGuide)
            .where(BudgetRateGuide.room_id == ctx.room.id)
            .order_by(col(BudgetRateGuide.id))
        ).all()
    )
    if not rows:
        ctx.reply(ctx.t("budget.rates.none", where=_where(ctx, None), project="KPA", prefix=p))
        return
    codes = {
        pr.id: pr.code
        for pr in ctx.db.exec(select(Project).where(Project.room_id == ctx.room.id)).all()
    }
    listed = []
    for row in sorted(
        rows, key=lambda r: (r.scope != rate_rules.ROOM_SCOPE, codes.get(r.project_id, ""))
    ):
        where = (
            ctx.t("budget.rates.the_room")
            if row.scope == rate_rules.ROOM_SCOPE
            else codes.get(row.project_id, "?")
        )
        guide = rate_rules._guide(row)
        listed.append(
            ctx.t(
                "budget.rates.item",
                where=where,
                range=rate_rules.range_text(ctx.lang, guide, cur),
                hourly=_hourly(ctx, guide, cur),
            )
        )
    ctx.reply(ctx.t("budget.rates.list", items="\n".join(listed), prefix=p))


def _hourly(ctx: Context, guide: rate_rules.Guide, currency: str) -> str:
    """For a range per day, the same per hour (the room's day); else nothing."""
    if guide.unit != rate_rules.DAY:
        return ""
    low, high = rate_rules.hourly_bounds(guide, ctx.room.day_minutes)
    return " " + ctx.t(
        "budget.rates.per_hour",
        low=ctx.money(round(low)),
        high=ctx.money(round(high)),
        day=ctx.hours(ctx.room.day_minutes),
    )


def change(ctx: Context, project: Project | None, guide: rate_rules.Guide | None) -> None:
    """Set (or remove, ``guide`` None) the range of ``project`` (None: the room's)."""
    scope = rate_rules.scope_of(project)
    row = rate_rules._find_row(ctx.db, ctx.room.id, scope)
    before = rate_rules._row_value(row)
    after = (
        None
        if guide is None
        else {
            "low": guide.low,
            "high": guide.high,
            "unit": guide.unit,
            "growth_bp": guide.growth_bp,
        }
    )
    command = "taux" if project is None else f"taux {project.code}"
    require(
        ctx,
        setting_step(
            Setting(command, before, before, after),
            act(Act.SET),
            Actor(ctx.sender, ctx.is_admin),
            ctx.now,
        ),
    )
    if guide is None and row is None:
        raise UserError(
            "budget.rates.error.nothing_to_remove",
            where=_where(ctx, project),
            project=project.code if project is not None else "KPA",
        )
    _write(ctx, project, scope, row, after)
    ctx.audit("rate_guide", "budget_rate_guide", scope, before=before, after=after)
    _tell(ctx, project, guide, tell=ctx.reply)


def _write(
    ctx: Context,
    project: Project | None,
    scope: str,
    row: BudgetRateGuide | None,
    value: dict[str, Any] | None,
) -> None:
    if value is None:
        if row is not None:
            ctx.db.delete(row)
        ctx.db.flush()
        return
    if row is None:
        row = BudgetRateGuide(
            room_id=ctx.room.id,
            scope=scope,
            project_id=project.id if project is not None else None,
            low=int(value["low"]),
            high=int(value["high"]),
            set_by=ctx.sender,
            event_id=ctx.source_event_id,
            updated_at=ctx.now,
        )
        ctx.db.add(row)
    row.low, row.high, row.unit = int(value["low"]), int(value["high"]), str(value["unit"])
    growth = value.get("growth_bp")
    row.growth_bp = None if growth is None else int(growth)
    row.set_by, row.event_id, row.updated_at = ctx.sender, ctx.source_event_id, ctx.now
    ctx.db.flush()


def _tell(ctx: Context, project: Project | None, guide: rate_rules.Guide | None, tell: Any) -> None:
    where = _where(ctx, project)
    if guide is None:
        tell(ctx.t("budget.rates.removed", where=where))
        return
    cur = ctx.room.currency
    tell(
        ctx.t(
            "budget.rates.set",
            where=where,
            range=rate_rules.range_text(ctx.lang, guide, cur),
            hourly=_hourly(ctx, guide, cur),
        )
    )


def undo_by_event(ctx: Context, target_event_id: str) -> bool:
    """The message that set or removed a range was deleted (or edited into text): the range
    before it comes back, unless a later message changed it since."""
    change_row = ctx.db.exec(
        select(Audit).where(
            Audit.event_id == target_event_id,
            Audit.room_id == ctx.room.id,
            Audit.object_kind == "budget_rate_guide",
            Audit.action == "rate_guide",
        )
    ).first()
    if change_row is None or undone_before(ctx, change_row):
        return False
    scope = change_row.object_id
    row = rate_rules._find_row(ctx.db, ctx.room.id, scope)
    project = None
    if scope != rate_rules.ROOM_SCOPE:
        project = ctx.db.get(Project, int(scope.removeprefix("project:")))
    before, after = change_row.details.get("before"), change_row.details.get("after")
    command = "taux" if project is None else f"taux {project.code}"
    require(
        ctx,
        setting_step(
            Setting(command, rate_rules._row_value(row), before, after),
            undo(Act.SET),
            Actor(ctx.sender, ctx.is_admin),
            ctx.now,
        ),
    )
    _write(ctx, project, scope, row, before)
    ctx.audit("unrate_guide", "budget_rate_guide", scope, restored=before, undoes=target_event_id)
    guide = (
        None
        if before is None
        else rate_rules.Guide(
            int(before["low"]), int(before["high"]), str(before["unit"]), before["growth_bp"]
        )
    )
    _tell(ctx, project, guide, tell=lambda text: tell_undo(ctx, text))
    return True
