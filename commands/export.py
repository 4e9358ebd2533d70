"""``!export csv [période] [projet]``: a CSV file of contributions that a spreadsheet opens with
its accents right (UTF-8 with a byte-order mark; in French, ``;`` between fields and a decimal
comma, as French spreadsheets expect)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import col, select

from commands.contrib import parse_filters, period_label
from commands.core import Context, Registry, RoomTexts, UserError
from commands.csvfile import (  # noqa: F401 - the CSV rules, named here too
    FORMULA_STARTS,
    NEUTRALISED,
    csv_bytes,
    hours_cell,
    money_cell,
    neutralise,
)
from commands.grammar import Period, fold
from storage.models import Contribution, Person
from storage.queries import room_projects

FAMILY = "export"


def register(reg: Registry) -> None:
    @reg.command("export", family=FAMILY, aliases=("exporter",))
    def export(ctx: Context, args: str) -> None:
        words = args.split(maxsplit=1)
        if not words or fold(words[0]) != "csv":
            raise UserError("export.usage", prefix=ctx.settings.prefix)
        user, _everyone, project, period = parse_filters(ctx, words[1] if len(words) > 1 else "")
        found = contributions_csv(
            ctx, period, user_id=user, project_id=project.id if project else None
        )
        label = period_label(ctx, period)
        if found is None:
            ctx.reply(ctx.t("export.empty", period=label))
            return
        data, count = found
        suffix = f"-{project.code}" if project else ""
        name = f"contributions-{period.start.isoformat()}{suffix}.csv"
        ctx.send_file(name, "text/csv", data, ctx.t("export.caption", count=count, period=label))


def contributions_csv(
    s: RoomTexts,
    period: Period,
    *,
    user_id: str | None = None,
    project_id: int | None = None,
) -> tuple[bytes, int] | None:
    """The contributions of ``period`` (of one person, one project) as the CSV that
    ``!export csv`` sends, and how many rows it has; ``None`` when there are none."""
    columns: list[Any] = [
        Contribution.number,
        Contribution.day,
        Contribution.user_id,
        Contribution.minutes,
        Contribution.project_id,
        Contribution.description,
        Contribution.event_id,
    ]
    query = sa_select(*columns).where(
        col(Contribution.room_id) == s.room.id,
        col(Contribution.day) >= period.start,
        col(Contribution.day) < period.end,
    )
    if user_id is not None:
        query = query.where(col(Contribution.user_id) == user_id)
    if project_id is not None:
        query = query.where(col(Contribution.project_id) == project_id)
    # plain rows, oldest first (a long period has thousands: no object per row)
    entries = s.db.execute(query.order_by(col(Contribution.day), col(Contribution.id))).all()
    if not entries:
        return None
    people = {c.user_id for c in entries}
    names = {
        p.user_id: p.display_name
        for p in s.db.exec(select(Person).where(col(Person.user_id).in_(people))).all()
    }
    codes = {p.id: p.code for p in room_projects(s.db, s.room.id)}
    header = [
        s.t(f"export.col.{c}")
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
        for c in entries
    ]
    return csv_bytes(header, rows, s.lang), len(rows)
