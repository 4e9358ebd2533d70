"""``!export csv [période] [projet]``: a CSV file of contributions that a spreadsheet opens with
its accents right (UTF-8 with a byte-order mark; in French, ``;`` between fields and a decimal
comma, as French spreadsheets expect)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import col, select

from commands.contrib import parse_filters, period_label
from commands.core import Context, Registry, RoomTexts, UserError
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
