"""``!export csv [période] [projet]``: a CSV file of contributions that a spreadsheet opens with
its accents right (UTF-8 with a byte-order mark; in French, ``;`` between fields and a decimal
comma, as French spreadsheets expect)."""

from __future__ import annotations

import datetime as dt
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
from commands.deferred import Rendered, RenderScope, defer
from commands.grammar import Period, fold
from storage.models import Contribution, Person
from storage.queries import room_projects

FAMILY = "export"


EXPORT_CSV = "export:csv"


def register(reg: Registry) -> None:
    @reg.command("export", family=FAMILY, aliases=("exporter",))
    def export(ctx: Context, args: str) -> None:
        words = args.split(maxsplit=1)
        if not words or fold(words[0]) != "csv":
            raise UserError("export.usage", prefix=ctx.settings.prefix)
        user, _everyone, project, period = parse_filters(ctx, words[1] if len(words) > 1 else "")
        # the rows are read and written out after this transaction (commands.deferred)
        params = {
            "user": user,
            "project": project.id if project else None,
            "code": project.code if project else None,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "kind": period.kind,
        }
        defer(ctx, EXPORT_CSV, params, file=True)

    reg.renderer(EXPORT_CSV)(export_file)


def export_file(scope: RenderScope) -> Rendered:
    """What ``!export csv`` sends: the CSV file of the contributions ``scope.params`` asks for,
    or a line saying there are none."""
    params = scope.params
    period = Period(
        dt.date.fromisoformat(params["start"]), dt.date.fromisoformat(params["end"]), params["kind"]
    )
    label = period_label(scope, period)
    found = contributions_csv(
        scope, period, user_id=params.get("user"), project_id=params.get("project")
    )
    if found is None:
        return Rendered(text=scope.t("export.empty", period=label))
    data, count = found
    suffix = f"-{params['code']}" if params.get("code") else ""
    return Rendered(
        text=scope.t("export.caption", count=count, period=label),
        file_name=f"contributions-{period.start.isoformat()}{suffix}.csv",
        mime="text/csv",
        data=data,
    )


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
    people = list({c.user_id for c in entries})
    names: dict[str, str] = {}
    for i in range(0, len(people), 500):
        names.update(
            s.db.exec(
                select(Person.user_id, Person.display_name).where(
                    col(Person.user_id).in_(people[i : i + 500])
                )
            ).all()
        )
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
