"""The room pages: each page of a link built in a reading thread (the link checked, the room's
ledger read by ``commands.ledger``, the HTML rendered with Jinja2), and the chart kept until the
room's ledger changes."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from jinja2 import Environment
from sqlmodel import Session

from commands import ledger
from commands.page import Access, open_link
from storage.models import Room

if TYPE_CHECKING:
    from bot.runtime import Runtime

CHARTS_KEPT = 64
NAV = (
    ("overview", ""),
    ("round", "tour"),
    ("envelopes", "enveloppes"),
    ("journal", "journal"),
    ("downloads", "telechargements"),
)


class NotFound(Exception):
    """The link opens nothing, or what it names does not exist: a plain 404."""


@dataclass
class Page:
    """What a page request produced in the reading thread."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html"
    filename: str = ""


@dataclass(frozen=True)
class Asked:
    """One page asked for, as its builder gets it: the room's ledger, the link's access, the
    token, the number in the address (a round's, an envelope's) and the query."""

    reader: ledger.Reader
    access: Access
    token: str
    number: int | None
    query: dict[str, str]


class Pages:
    """Builds the pages (``build``), in the reading thread."""

    def __init__(self, runtime: Runtime, jinja: Environment, prefix: str) -> None:
        self.runtime = runtime
        self.engine = runtime.engine
        self.settings = runtime.settings
        self.jinja = jinja
        self.prefix = prefix
        self._charts: OrderedDict[tuple[Any, ...], tuple[bool, str, bytes | None]] = OrderedDict()
        self._charts_lock = threading.Lock()
        self._kept = ledger.Kept()

    def build(self, name: str, token: str, number: int | None, query: dict[str, str]) -> Page:
        """Check the link and build the page, in one session (in the reading thread)."""
        with Session(self.engine) as db:
            access = open_link(db, token)
            if access is None:
                raise NotFound
            room = db.get(Room, access.room_id)
            if room is None:
                raise NotFound
            reader = ledger.Reader(db, room, self.settings, self.runtime.clock(), kept=self._kept)
            builder = getattr(self, f"_build_{name}")
            page: Page = builder(Asked(reader, access, token, number, query))
            return page

    def _html(self, template: str, a: Asked, current: str, **values: Any) -> Page:
        r = a.reader
        root = f"{self.prefix}/p/{a.token}/"
        context = {
            "lang": r.lang,
            "w": r.w,
            "room": r.room.name or r.room.id,
            "root": root,
            "static": f"{self.prefix}/static/",
            "events": f"{root}evenements",
            "nav": [(r.w(key), f"{root}{path}", key == current) for key, path in NAV],
            "updated": r.w("updated", time=r.when(r.now)),
            "whose": r.w("as_member" if a.access.user_id else "as_public"),
            **values,
        }
        html = self.jinja.get_template(template).render(context)
        return Page(body=html.encode("utf-8"))

    def _build_overview(self, a: Asked) -> Page:
        key = a.query.get("periode", ledger.PERIODS[0])
        view = ledger.overview(a.reader, key, chart=self._chart(a.reader, key)[:2])
        return self._html("overview.html", a, "overview", view=view)

    def _build_round(self, a: Asked) -> Page:
        view = ledger.round_view(a.reader, a.number, _int(a.query.get("page")) or 1)
        if view is None and a.number is not None:
            raise NotFound
        return self._html("round.html", a, "round", view=view)

    def _build_envelopes(self, a: Asked) -> Page:
        rows = ledger.envelopes_table(a.reader)
        return self._html("envelopes.html", a, "envelopes", rows=rows)

    def _build_envelope(self, a: Asked) -> Page:
        assert a.number is not None
        view = ledger.envelope_view(a.reader, a.number)
        if view is None:
            raise NotFound
        return self._html("envelope.html", a, "envelopes", view=view)

    def _build_journal(self, a: Asked) -> Page:
        view = ledger.journal_view(
            a.reader,
            person=a.query.get("personne", ""),
            project=a.query.get("projet", ""),
            kind=a.query.get("type", ""),
            before=_int(a.query.get("avant")),
            after=_int(a.query.get("apres")),
        )
        return self._html("journal.html", a, "journal", view=view)

    def _build_downloads(self, a: Asked) -> Page:
        view = ledger.downloads(a.reader)
        return self._html("downloads.html", a, "downloads", view=view)

    def _build_chart(self, a: Asked) -> Page:
        _, _, png = self._chart(a.reader, a.query.get("periode", ledger.PERIODS[0]), image=True)
        if png is None:
            raise NotFound
        return Page(body=png, content_type="image/png")

    def _chart(
        self, r: ledger.Reader, key: str, *, image: bool = False
    ) -> tuple[bool, str, bytes | None]:
        """(has a chart, its text alternative, the PNG when ``image``), kept until the room's
        ledger changes (or the day does)."""
        key = key if key in ledger.PERIODS else ledger.PERIODS[0]
        cache_key = (r.room.id, key, r.lang, r.today, r.version)
        with self._charts_lock:
            found = self._charts.get(cache_key)
        if found is None or (image and found[0] and found[2] is None):
            has, alt = ledger.chart_title(r, key)
            png = ledger.chart_png(r, key) if has and image else None
            found = (has, alt, png)
            with self._charts_lock:
                self._charts[cache_key] = found
                while len(self._charts) > CHARTS_KEPT:
                    self._charts.popitem(last=False)
        return found

    def _build_contributions_csv(self, a: Asked) -> Page:
        name, data = ledger.contributions_file(
            a.reader,
            a.query.get("periode"),
            start=_day(a.query.get("du")),
            end=_day(a.query.get("au")),
            project_id=_int(a.query.get("projet")),
        )
        return Page(body=data, content_type="text/csv", filename=name)

    def _build_envelope_csv(self, a: Asked) -> Page:
        assert a.number is not None
        found = ledger.envelope_csv(a.reader, a.number)
        if found is None:
            raise NotFound
        return Page(body=found[1], content_type="text/csv", filename=found[0])


def _int(value: str | None) -> int | None:
    if value is None or not value.isdigit() or len(value) > 12:
        return None
    return int(value)


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
