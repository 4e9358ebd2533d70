"""``!export csv [période] [projet]``: a CSV file of contributions that a spreadsheet opens with
its accents right (UTF-8 with a byte-order mark; in French, ``;`` between fields and a decimal
comma, as French spreadsheets expect)."""

from __future__ import annotations

from sqlmodel import col, select

from commands.contrib import parse_filters, period_label
from commands.core import Context, Registry, UserError
from commands.csvfile import (  # noqa: F401 - the CSV rules, named here too
    FORMULA_STARTS,
    NEUTRALISED,
    csv_bytes,
    hours_cell,
    money_cell,
    neutralise,
)
from commands.grammar import fold
from storage.models import Person
from storage.queries import list_contributions, room_projects

FAMILY = "export"


def register(reg: Registry) -> None:
    @reg.command("export", family=FAMILY, aliases=("exporter",))
    def export(ctx: Context, args: str) -> None:
        words = args.split(maxsplit=1)
        if not words or fold(words[0]) != "csv":
            raise UserError("export.usage", prefix=ctx.settings.prefix)
        user, _everyone, project, period = parse_filters(ctx, words[1] if len(words) > 1 else "")
        entries = list_contributions(
            ctx.db,
            ctx.room.id,
            period.start,
            period.end,
            user_id=user,
            project_id=project.id if project else None,
        )
        label = period_label(ctx, period)
        if not entries:
            ctx.reply(ctx.t("export.empty", period=label))
            return
        people = {c.user_id for c in entries}
        names = {
            p.user_id: p.display_name
            for p in ctx.db.exec(select(Person).where(col(Person.user_id).in_(people))).all()
        }
        codes = {p.id: p.code for p in room_projects(ctx.db, ctx.room.id)}
        header = [
            ctx.t(f"export.col.{c}")
            for c in (
                "number",
                "date",
                "person",
                "user",
                "minutes",
                "hours",
                "project",
                "description",
                "event",
            )
        ]
        rows: list[list[object]] = [
            [
                c.number,
                c.day.isoformat(),
                names.get(c.user_id) or c.user_id,
                c.user_id,
                c.minutes,
                hours_cell(c.minutes),
                codes.get(c.project_id, "") if c.project_id else "",
                c.description,
                c.event_id,
            ]
            for c in reversed(entries)
        ]
        data = csv_bytes(header, rows, ctx.lang)
        suffix = f"-{project.code}" if project else ""
        name = f"contributions-{period.start.isoformat()}{suffix}.csv"
        ctx.send_file(
            name, "text/csv", data, ctx.t("export.caption", count=len(rows), period=label)
        )
