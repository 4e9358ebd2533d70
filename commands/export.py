"""``!export csv [période] [projet]``: a CSV file of contributions that a spreadsheet opens with
its accents right (UTF-8 with a byte-order mark; in French, ``;`` between fields and a decimal
comma, as French spreadsheets expect)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import select as sa_select
from sqlmodel import col, select

from commands.contrib import parse_filters, period_label
from commands.core import Context, Registry, UserError
from commands.deferred import Rendered, RenderScope, defer
from commands.grammar import Period, fold
from storage.models import Contribution, Person
from storage.queries import room_projects

FAMILY = "export"

# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISED = "'"  # the mark put in front of such a text cell


def neutralise(text: str) -> str:
    """A text cell that no spreadsheet reads as a formula: one ``'`` in front of text that starts
    with ``= + - @``, a tab, a carriage return, or ``'`` itself. To read the bot's own exports
    back, drop one leading ``'`` from every text cell that has one (see ``csv_bytes``)."""
    if text.startswith((*FORMULA_STARTS, NEUTRALISED)):
        return NEUTRALISED + text
    return text


def _cell(value: object, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        text = format(value, "f")
        return text.replace(".", ",") if lang == "fr" else text
    return neutralise(str(value))


def hours_cell(minutes: int) -> Decimal:
    """Minutes as decimal hours for a CSV cell (``90`` -> ``1,5`` in French), to 1/100 h."""
    return (Decimal(minutes) / 60).quantize(Decimal("0.01")).normalize()


def money_cell(cents: int) -> Decimal:
    """Cents as a CSV amount with its two decimals (``-150`` -> ``-1,50`` in French)."""
    return Decimal(cents).scaleb(-2)


def csv_bytes(header: Sequence[str], rows: Sequence[Sequence[object]], lang: str) -> bytes:
    """Rows as CSV for spreadsheets in ``lang``'s conventions: UTF-8 with a byte-order mark, CRLF
    lines; in French ``;`` between fields and a decimal comma, else ``,`` and a decimal point.

    Every CSV the bot writes goes through here, so that no cell starts a formula:

    - ``int`` and ``Decimal`` cells are numbers the bot computed (minutes, hours, amounts):
      written as they are, negative ones included (``-1,50``), so spreadsheets read numbers;
      use ``hours_cell`` and ``money_cell`` for hours and money;
    - every other cell is text (what people typed: descriptions, display names, titles, project
      names; also user ids, dates, rules in words) and goes through ``neutralise``: a text
      starting with ``= + - @``, a tab or a carriage return gets one ``'`` in front, and so does
      a text starting with ``'``, so that the mark is unambiguous. Reading an export of the bot
      back: a text cell that starts with ``'`` loses exactly that one ``'``, and nothing else
      changes (a number never starts with ``'``).
    """
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if lang == "fr" else ",", lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in header])
    writer.writerows([_cell(v, lang) for v in row] for row in rows)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


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

    reg.renderer(EXPORT_CSV)(contributions_csv)


def contributions_csv(scope: RenderScope) -> Rendered:
    """The CSV file of the contributions ``scope.params`` asks for (or a line saying there are
    none), read in one query."""
    params = scope.params
    period = Period(
        dt.date.fromisoformat(params["start"]), dt.date.fromisoformat(params["end"]), params["kind"]
    )
    c = Contribution.__table__  # type: ignore[attr-defined]
    query = sa_select(
        c.c.number, c.c.day, c.c.user_id, c.c.minutes, c.c.project_id, c.c.description, c.c.event_id
    ).where(c.c.room_id == scope.room.id, c.c.day >= period.start, c.c.day < period.end)
    if params.get("user") is not None:
        query = query.where(c.c.user_id == params["user"])
    if params.get("project") is not None:
        query = query.where(c.c.project_id == params["project"])
    entries = scope.db.execute(query.order_by(c.c.day, c.c.id)).all()
    label = period_label(scope, period)
    if not entries:
        return Rendered(text=scope.t("export.empty", period=label))
    people = list({e.user_id for e in entries})
    names: dict[str, str] = {}
    for i in range(0, len(people), 500):
        names.update(
            scope.db.exec(
                select(Person.user_id, Person.display_name).where(
                    col(Person.user_id).in_(people[i : i + 500])
                )
            ).all()
        )
    codes = {p.id: p.code for p in room_projects(scope.db, scope.room.id)}
    header = [
        scope.t(f"export.col.{c}")
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
            e.number,
            e.day.isoformat(),
            names.get(e.user_id) or e.user_id,
            e.user_id,
            e.minutes,
            hours_cell(e.minutes),
            codes.get(e.project_id, "") if e.project_id else "",
            e.description,
            e.event_id,
        ]
        for e in entries
    ]
    suffix = f"-{params['code']}" if params.get("code") else ""
    return Rendered(
        text=scope.t("export.caption", count=len(rows), period=label),
        file_name=f"contributions-{period.start.isoformat()}{suffix}.csv",
        mime="text/csv",
        data=csv_bytes(header, rows, scope.lang),
    )
