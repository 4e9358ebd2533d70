"""Reading a file: its text, its rows, its columns, its kind; the people mapping."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

from commands.csvfile import NEUTRALISED
from commands.importing.fields import (
    ALLOCATIONS,
    CONTRIBUTIONS,
    FIELDS,
    HEADERS,
    OWN_EXPORT,
    ImportFileError,
    header_key,
)
from commands.people import name_key


def decode(data: bytes) -> str:
    """The file's text: UTF-8 (with or without a byte-order mark), else Windows-1252 (what
    spreadsheets in French write when they are not asked for UTF-8)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_rows(text: str) -> list[list[str]]:
    """The CSV's rows (``;``, ``,`` or a tab between fields, whichever the header uses most)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(";,\t", key=lambda d: (first.count(d), d == ";"))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [row for row in reader if any(cell.strip() for cell in row)]


def parse_map(items: Iterable[str]) -> dict[str, str]:
    """``--map date=Jour,hours=Durée`` (or repeated): field -> header. Raises
    ``ImportFileError`` for an unknown field."""
    known = {f for fields in FIELDS.values() for f in fields}
    out: dict[str, str] = {}
    for item in items:
        for part in item.split(","):
            if not part.strip():
                continue
            name, sep, header = part.partition("=")
            name = name.strip().lower()
            if not sep or not header.strip() or name not in known:
                raise ImportFileError(
                    f"--map {part.strip()!r}: write FIELD=Header, FIELD one of "
                    f"{', '.join(sorted(known))}"
                )
            out[name] = header.strip()
    return out


def parse_people(text: str) -> dict[str, str]:
    """A mapping file: one ``name or email or old id, user id`` per line (CSV, ``;`` or ``,``;
    a header line and lines starting with ``#`` are skipped). Keys compare without case,
    accents or punctuation."""
    out: dict[str, str] = {}
    for row in read_rows(text):
        if len(row) < 2 or row[0].lstrip().startswith("#"):
            continue
        key, user = row[0].strip(), row[1].strip()
        if not key or not user or header_key(user) in ("userid", "identifiant", "id", "compte"):
            continue
        out[_person_key(key)] = user
    return out


def _person_key(text: str) -> str:
    return name_key(text) or text.strip().casefold()


def columns_of(kind: str, header: list[str], mapping: Mapping[str, str]) -> dict[str, int]:
    """Field -> column index, from ``mapping`` first, then the headers' usual names."""
    keys = [header_key(h) for h in header]
    found: dict[str, int] = {}
    for name, wanted in mapping.items():
        if name not in FIELDS[kind]:
            continue
        if header_key(wanted) not in keys:
            raise ImportFileError(
                f"--map {name}={wanted}: the file has no column {wanted!r} "
                f"(its columns: {', '.join(header)})"
            )
        found[name] = keys.index(header_key(wanted))
    for name in FIELDS[kind]:
        if name in found:
            continue
        for i, key in enumerate(keys):
            if i not in found.values() and key in HEADERS[name]:
                found[name] = i
                break
    return found


def is_own_export(header: list[str]) -> bool:
    """Whether ``header`` is this bot's contribution export's, in either language."""
    from commands import i18n

    keys = [header_key(_unneutralise(h)) for h in header]
    return any(
        keys == [header_key(i18n.t(lang, f"export.col.{c}")) for c in OWN_EXPORT]
        for lang in i18n.LANGUAGES
    )


def _unneutralise(cell: str) -> str:
    """Undo ``commands.export.neutralise``: one leading ``'`` goes, nothing else changes."""
    return cell[1:] if cell.startswith(NEUTRALISED) else cell


def guess_kind(header: list[str]) -> str:
    """Allocations when there is an amount column and no duration, else contributions."""
    keys = {header_key(h) for h in header}
    has_amount = bool(keys & set(HEADERS["amount"]))
    has_time = bool(keys & (set(HEADERS["hours"]) | set(HEADERS["minutes"])))
    return ALLOCATIONS if has_amount and not has_time else CONTRIBUTIONS
