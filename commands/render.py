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

    def __add__(self, other: Rich) -> Rich:
        return Rich(
            f"{self.text}\n{other.text}",
            f"{self.html_or_text()}<br/>\n{other.html_or_text()}",
        )

    def html_or_text(self) -> str:
        return self.html if self.html is not None else esc(self.text).replace("\n", "<br/>\n")


def plain(text: str) -> Rich:
    return Rich(text, None)


def bold(text: str) -> Rich:
    """A line in bold (the text is user-safe: it is escaped for HTML)."""
    return Rich(f"**{text}**", f"<b>{esc(text)}</b>")


def lines(*parts: Rich | str) -> Rich:
    items = [p if isinstance(p, Rich) else plain(p) for p in parts]
    if not items:
        return plain("")
    out = items[0]
    for item in items[1:]:
        out = out + item
    return out


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
        "\n".join(text_rows), f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"
    )
