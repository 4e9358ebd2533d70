"""``!export csv [période] [projet]``: a CSV file of contributions that a spreadsheet opens with
its accents right (UTF-8 with a byte-order mark; in French, ``;`` between fields and a decimal
comma, as French spreadsheets expect)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from commands.args import Text
from commands.contrib import parse_filters, period_label
from commands.core import Context, Registry, RoomTexts
from commands.csvfile import (  # noqa: F401 - the CSV rules, named here too
    CONTRIBUTION_COLUMNS,
    FORMULA_STARTS,
    NEUTRALISED,
    cell,
    csv_bytes,
    csv_of_cells,
    hours_cell,
    money_cell,
    neutralise,
)
from commands.declare import Arg, Declared
from commands.deferred import Rendered, RenderScope, defer
from commands.grammar import Period
from storage.models import Contribution, Person
from storage.queries import room_projects

FAMILY = "export"


EXPORT_CSV = "export:csv"


def register(reg: Registry) -> None:
    EXPORT.register(reg)
    reg.renderer(EXPORT_CSV)(export_file)


EXPORT = Declared("export", family=FAMILY, refusal="export.usage")


@EXPORT.sub("csv", Arg("filters", Text(), optional=True, shown="filters"))
def export(ctx: Context, filters: str | None) -> None:
    user, _everyone, project, period = parse_filters(ctx, filters or "")
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


Entry = tuple[int, dt.date, str, int, int | None, str, str]


def contribution_entries(
    db: Session,
    room_id: str,
    period: Period,
    *,
    user_id: str | None = None,
    project_id: int | None = None,
) -> list[Entry]:
    """(number, day, person, minutes, project id, description, event id) of each contribution
    of ``period`` (of one person, one project), oldest first: what ``contributions_csv`` writes."""
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
        col(Contribution.room_id) == room_id,
        col(Contribution.day) >= period.start,
        col(Contribution.day) < period.end,
    )
    if user_id is not None:
        query = query.where(col(Contribution.user_id) == user_id)
    if project_id is not None:
        query = query.where(col(Contribution.project_id) == project_id)
    # plain rows (a long period has thousands: no object per row)
    return [
        tuple(row)
        for row in db.execute(query.order_by(col(Contribution.day), col(Contribution.id)))
    ]


def contributions_csv(
    s: RoomTexts,
    period: Period,
    *,
    user_id: str | None = None,
    project_id: int | None = None,
    entries: list[Entry] | None = None,
) -> tuple[bytes, int] | None:
    """The contributions of ``period`` (of one person, one project) as the CSV that
    ``!export csv`` sends, and how many rows it has; ``None`` when there are none.
    ``entries``: their ``contribution_entries``, when already read."""
    if entries is None:
        entries = contribution_entries(
            s.db, s.room.id, period, user_id=user_id, project_id=project_id
        )
    if not entries:
        return None
    names, codes = entry_labels(s, entries)
    return entries_csv(s, entries, names, codes), len(entries)


def entry_labels(
    s: RoomTexts, entries: list[Entry]
) -> tuple[dict[str, str | None], dict[int | None, str]]:
    """The display names of the people of ``entries`` and the codes of the room's projects:
    with the entries, all that their CSV depends on."""
    people = list({entry[2] for entry in entries})
    names: dict[str, str | None] = {}
    # a few hundred ids per query: a year of a large room names thousands of people
    for i in range(0, len(people), 500):
        names.update(
            s.db.exec(
                select(Person.user_id, Person.display_name).where(
                    col(Person.user_id).in_(people[i : i + 500])
                )
            ).all()
        )
    return names, {p.id: p.code for p in room_projects(s.db, s.room.id)}


def entries_csv(
    s: RoomTexts,
    entries: list[Entry],
    names: dict[str, str | None],
    codes: dict[int | None, str],
) -> bytes:
    """The CSV of ``entries`` (``contributions_csv``), people and projects named by
    ``names`` and ``codes`` (``entry_labels``)."""
    people = {entry[2] for entry in entries}
    header = [s.t(f"export.col.{c}") for c in CONTRIBUTION_COLUMNS]
    # each cell as csv_bytes writes it; the values a column repeats (people, projects, days,
    # durations) converted once, not once per row
    lang = s.lang
    people_cells = {u: (cell(names.get(u) or u, lang), cell(u, lang)) for u in people}
    project_cells = {pid: cell(code, lang) for pid, code in codes.items()}
    days: dict[object, str] = {}
    hours: dict[int, str] = {}
    rows: list[list[str]] = []
    for number, day, user, minutes, pid, description, event_id in entries:
        day_cell = days.get(day)
        if day_cell is None:
            day_cell = days[day] = cell(day.isoformat(), lang)
        hours_text = hours.get(minutes)
        if hours_text is None:
            hours_text = hours[minutes] = cell(hours_cell(minutes), lang)
        person, user_text = people_cells[user]
        rows.append(
            [
                str(number),
                day_cell,
                person,
                user_text,
                str(minutes),
                hours_text,
                project_cells.get(pid, "") if pid else "",
                neutralise(description),
                neutralise(event_id),
            ]
        )
    return csv_of_cells(header, rows, lang)
