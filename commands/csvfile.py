"""CSV files for spreadsheets, the way every export of the bot writes them (UTF-8 with a byte-order
mark; in French, ``;`` between fields and a decimal comma, as French spreadsheets expect; no cell
starts a formula), and tables too long for the chat, posted as such a file."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from commands.core import Context, RoomTexts
from commands.render import Rich, lines, table

# a table longer than this is not posted whole in the chat: its first rows are, and the whole of
# it comes as a CSV file
LONG_TABLE = 25
SHOWN_ROWS = 10

# A spreadsheet reads a cell that starts with one of these as a formula (OWASP, "CSV injection")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISED = "'"  # the mark put in front of such a text cell

# the columns of the contributions export (``commands.export``), in its order: ``!importer``
# reads a file with these headers, in any language, as the bot's own export
CONTRIBUTION_COLUMNS = (
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


def neutralise(text: str) -> str:
    """A text cell that no spreadsheet reads as a formula: one ``'`` in front of text that starts
    with ``= + - @``, a tab, a carriage return, or ``'`` itself. To read the bot's own exports
    back, drop one leading ``'`` from every text cell that has one (see ``csv_bytes``)."""
    if text.startswith((*FORMULA_STARTS, NEUTRALISED)):
        return NEUTRALISED + text
    return text


def cell(value: object, lang: str) -> str:
    """The text ``csv_bytes`` writes for ``value`` (see there)."""
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
    return csv_of_cells(header, ([cell(v, lang) for v in row] for row in rows), lang)


def csv_of_cells(header: Sequence[str], cells: Iterable[Sequence[str]], lang: str) -> bytes:
    """``csv_bytes`` of rows whose every cell is already the text ``cell`` gives for its value
    (a long file whose columns repeat a few values converts each of them once)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";" if lang == "fr" else ",", lineterminator="\r\n")
    writer.writerow([neutralise(str(h)) for h in header])
    writer.writerows(cells)
    return ("\ufeff" + buf.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class FullTable:
    """A table too long for the chat, as the CSV file that holds it whole (``post`` sends it)."""

    name: str
    data: bytes
    caption: str

    def post(self, ctx: Context) -> None:
        ctx.send_file(self.name, "text/csv", self.data, self.caption)

    def post_after(self, ctx: Context, content: Rich | str) -> None:
        """Answer ``content`` (the table's first rows), then post the file: one statement."""
        ctx.reply_with_file(content, self.name, "text/csv", self.data, self.caption)


def long_table(
    ctx: RoomTexts,
    headers: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    align: str,
    name: str,
    csv_header: Sequence[str] | None = None,
    csv_rows: Sequence[Sequence[object]] | None = None,
) -> tuple[Rich, FullTable | None]:
    """``rows`` as a table for the chat; more than ``LONG_TABLE`` of them: the first
    ``SHOWN_ROWS``, a line that says the rest is in a file, and that file (a CSV of
    ``csv_rows``, numbers as numbers; ``rows`` by default), for the caller to post after its
    answer."""
    if len(rows) <= LONG_TABLE:
        return table(headers, rows, align=align), None
    full = FullTable(
        name,
        csv_bytes(csv_header or headers, csv_rows if csv_rows is not None else rows, ctx.lang),
        ctx.t("export.long_table_caption", count=len(rows)),
    )
    shown = lines(
        table(headers, rows[:SHOWN_ROWS], align=align),
        ctx.t("export.long_table", more=len(rows) - SHOWN_ROWS, count=len(rows), file=name),
    )
    return shown, full
