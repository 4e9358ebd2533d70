"""``!contribs``: the time given in a period, by person and by project, and someone's latest
contributions; the filters (a person, ``tous``, a project, a period) stand in any order
(``commands.contrib.listing``). It only reads: no undo hook concerns it."""

from __future__ import annotations

from commands.args import Words
from commands.contrib.listing import _project_names, period_label, read_filters
from commands.contrib.records import FAMILY
from commands.core import Context
from commands.csvfile import FullTable, hours_cell, long_table
from commands.declare import Arg, Declared
from commands.render import Rich, esc, lines, table
from storage.queries import contribution_totals, list_contributions

CONTRIBS = Declared("contribs", family=FAMILY)


# the filters stand in any order, each refused in words of its own: commands.contrib.listing
@CONTRIBS.sub("show", Arg("filters", Words(), optional=True, shown="contrib_filters"), path=())
def show_contributions(ctx: Context, filters: list[str] | None) -> None:
    user, everyone, project, period = read_filters(ctx, filters or [])
    if user is None and not everyone and project is None:
        user = ctx.sender
    totals = contribution_totals(
        ctx.db,
        ctx.room.id,
        period.start,
        period.end,
        user_id=user,
        project_id=project.id if project else None,
    )
    label = period_label(ctx, period)
    scope_is_room = user is None and project is None
    scope = ctx.name(user) if user else (project.code if project else ctx.t("contrib.scope_room"))
    if project and user:
        scope = f"{scope} · {project.code}"
    if totals.count == 0:
        ctx.reply(ctx.t("contrib.list.empty", scope=scope, period=label))
        return
    head = ctx.t(
        "contrib.list.headline",
        scope=ctx.t("contrib.scope_room_title") if scope_is_room else scope,
        period=label,
        total=ctx.duration(totals.minutes),
        count=totals.count,
        people=len(totals.by_person),
    )
    parts: list[Rich | str] = [Rich(head, f"<b>{esc(head)}</b>")]
    full: FullTable | None = None
    if user is None:
        people = ctx.names(u for u, _, _ in totals.by_person)
        rows = [[people[u], ctx.duration(m), c] for u, m, c in totals.by_person]
        shown, full = long_table(
            ctx,
            [ctx.t("contrib.col.person"), ctx.t("contrib.col.time"), ctx.t("contrib.col.count")],
            rows,
            align="lrr",
            name=f"totaux-{period.start.isoformat()}.csv"
            if ctx.lang == "fr"
            else f"totals-{period.start.isoformat()}.csv",
            csv_header=[ctx.t(f"export.col.{c}") for c in ("person", "user", "minutes", "hours")]
            + [ctx.t("contrib.col.count")],
            csv_rows=[[people[u], u, m, hours_cell(m), c] for u, m, c in totals.by_person],
        )
        parts.append(shown)
    if project is None:
        names = _project_names(ctx, [pid for pid, _, _ in totals.by_project])
        rows = [
            [names.get(pid, ctx.t("contrib.no_project")), ctx.duration(m), c]
            for pid, m, c in totals.by_project
        ]
        parts.append(
            table(
                [
                    ctx.t("contrib.col.project"),
                    ctx.t("contrib.col.time"),
                    ctx.t("contrib.col.count"),
                ],
                rows,
                align="lrr",
            )
        )
    if user is not None:
        entries = list_contributions(
            ctx.db,
            ctx.room.id,
            period.start,
            period.end,
            user_id=user,
            project_id=project.id if project else None,
            limit=10,
        )
        names = _project_names(ctx, [c.project_id for c in entries])
        rows = [
            [
                f"#{c.number}",
                ctx.date(c.day),
                ctx.duration(c.minutes),
                names.get(c.project_id, "—"),
                c.description,
            ]
            for c in entries
        ]
        parts.append(ctx.t("contrib.list.latest", shown=len(entries), count=totals.count))
        parts.append(
            table(
                [
                    "#",
                    ctx.t("contrib.col.date"),
                    ctx.t("contrib.col.time"),
                    ctx.t("contrib.col.project"),
                    ctx.t("contrib.col.description"),
                ],
                rows,
                align="llrll",
            )
        )
    ctx.reply(lines(*parts))
    if full is not None:
        full.post(ctx)
