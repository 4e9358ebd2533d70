"""Neutral rich text: every answer has a plain/Markdown body and an HTML rendering.

Adapters choose: Matrix sends ``html`` as ``formatted_body``, Mattermost sends ``markdown``,
the console prints ``text``. User text is always escaped in HTML.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape


def esc(text: object) -> str:
    """Escape user text for HTML bodies."""
    return escape(str(text), quote=True)


@dataclass(frozen=True)
class Rich:
    """One message: ``text`` is plain text that also reads as Markdown; ``html`` the same content
    for clients that render HTML (``None``: the text is enough)."""

    text: str
    html: str | None = None
    # a Markdown table at the start or at the end of ``text`` (it needs a blank line beside
    # other text: ``lines`` puts it)
    starts_with_table: bool = False
    ends_with_table: bool = False

    def __add__(self, other: Rich) -> Rich:
        return lines(self, other)

    def html_or_text(self) -> str:
        return self.html if self.html is not None else esc(self.text).replace("\n", "<br/>\n")


def plain(text: str) -> Rich:
    return Rich(text, None)


def bold(text: str) -> Rich:
    """A line in bold (the text is user-safe: it is escaped for HTML)."""
    return Rich(f"**{text}**", f"<b>{esc(text)}</b>")


def lines(*parts: Rich | str) -> Rich:
    """Parts one under the other. In the plain text, a table gets a blank line before and
    after it, so that Markdown reads it as a table and the text around it as text."""
    items = [p if isinstance(p, Rich) else plain(p) for p in parts]
    if not items:
        return plain("")
    if len(items) == 1:
        return items[0]
    text: list[str] = []
    for i, item in enumerate(items):
        apart = item.starts_with_table or (i > 0 and items[i - 1].ends_with_table)
        if apart and text and text[-1] != "" and item.text != "":
            text.append("")
        text.append(item.text)
    return Rich(
        "\n".join(text),
        "<br/>\n".join(item.html_or_text() for item in items),
        starts_with_table=items[0].starts_with_table,
        ends_with_table=items[-1].ends_with_table,
    )


def table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, align: str = "") -> Rich:
    """A table: a Markdown table in ``text`` and an HTML table in ``html``. ``align`` holds one
    letter per column (``l`` or ``r``), left by default."""
    cols = len(headers)
    al = (align or "l" * cols).ljust(cols, "l")
    md_sep = ["---:" if a == "r" else ":---" for a in al]
    text_rows = [
        "| " + " | ".join(str(h) for h in headers) + " |",
        "|" + "|".join(md_sep) + "|",
    ]
    for row in rows:
        cells = [str(c).replace("|", "\\|").replace("\n", " ") for c in row]
        text_rows.append("| " + " | ".join(cells) + " |")
    th = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td align="right">{esc(c)}</td>' if al[i] == "r" else f"<td>{esc(c)}</td>"
            for i, c in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return Rich(
        "\n".join(text_rows),
        f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>",
        starts_with_table=True,
        ends_with_table=True,
    )
