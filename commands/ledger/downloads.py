"""What the page offers to download: contributions and envelopes as CSV."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from commands.budget import envelope_period
from commands.contrib import period_label
from commands.csvfile import csv_bytes
from commands.export import contribution_entries, entries_csv, entry_labels
from commands.grammar import Period
from commands.ledger.envelopes import _room_envelopes
from commands.ledger.overview import period_of
from commands.ledger.reader import PERIODS, Link, Reader
from storage.queries import room_projects


@dataclass
class Downloads:
    contributions: list[Link]
    envelopes: list[Link]
    example: str


def downloads(r: Reader) -> Downloads:
    projects = {p.id: p for p in room_projects(r.db, r.room.id)}
    closed = [e for e in _room_envelopes(r) if e.state == "closed"]
    return Downloads(
        contributions=[
            Link(
                r.w("contributions_csv", period=period_label(r, period_of(k, r.today))),
                f"contributions.csv?periode={k}",
            )
            for k in PERIODS
        ],
        envelopes=[
            Link(
                r.w(
                    "envelope_csv",
                    id=e.number,
                    project=projects[e.project_id].code if e.project_id in projects else "?",
                    period=period_label(r, envelope_period(e)),
                ),
                f"enveloppe-{e.number}.csv",
            )
            for e in closed
        ],
        example=f"{r.settings.prefix}export csv",
    )


def contributions_file(
    r: Reader,
    key: str | None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    project_id: int | None = None,
) -> tuple[str, bytes]:
    """The contributions of a period (a key, or ``start <= day < end``) as ``!export csv``."""
    if start is not None and end is not None and start < end:
        period = Period(start, end)
    else:
        period = period_of(key or PERIODS[0], r.today)
    span = (period.start, period.end, project_id)
    entries = r.derived(
        "contributions",
        span,
        lambda: contribution_entries(r.db, r.room.id, period, project_id=project_id),
        large=True,
    )
    if entries:
        # the file again when neither the ledger nor a name or a project code changed
        names, codes = entry_labels(r, entries)
        labels = (r.lang, tuple(sorted(names.items())), tuple(sorted(codes.items(), key=str)))
        data = r.derived(
            "contributions.csv",
            (span, labels),
            lambda: entries_csv(r, entries, names, codes),
            large=True,
        )
    else:
        data = csv_bytes(*_empty_csv(r), r.lang)
    return f"contributions-{period.start.isoformat()}.csv", data


def _empty_csv(r: Reader) -> tuple[list[str], list[list[object]]]:
    cols = ("number", "date", "person", "user", "minutes", "hours", "project", "description")
    return [r.t(f"export.col.{c}") for c in (*cols, "event")], []
