"""What every view of a room's page reads with: the room's texts, its ledger's version and the
figures kept under it, tables and links."""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from sqlmodel import Session

from commands import i18n
from commands.core import RoomTexts, Settings
from storage.ledger import latest_change, utc
from storage.models import Room

PERIODS = ("semaine", "semaine-derniere", "mois", "mois-dernier", "annee")


PERIOD_LABELS = {
    "semaine": "period_week",
    "semaine-derniere": "period_last_week",
    "mois": "period_month",
    "mois-dernier": "period_last_month",
    "annee": "period_year",
}


JOURNAL_PAGE = 50


BUCKETS_PAGE = 100


MONEY_KEYS = {
    "cents",
    "pot",
    "amount",
    "min",
    "max",
    "held",
    "allocated",
    "in_buckets",
    "refunded",
    "granted",
    "restored",
}


PEOPLE_KEYS = {"user", "funder", "author"}


_format_money = lru_cache(maxsize=16_384)(i18n.format_money)


T = TypeVar("T")


class Kept:
    """Figures derived from rooms' ledgers (totals, lists of ids, rows; names change without
    the ledger: what shows them is kept under the names it shows), each kept under the version
    of its room's ledger it was read at
    (``storage.ledger.latest_change``, which every change moves): once the ledger changes, the
    next page reads a new version and computes them again. At most ``size`` of them, and
    ``large`` of the large ones (a file's rows)."""

    def __init__(self, size: int = 256, large: int = 16) -> None:
        self._bounds = (size, large)
        self._kept: tuple[OrderedDict[Hashable, Any], ...] = (OrderedDict(), OrderedDict())
        self._lock = threading.Lock()

    def get(self, key: Hashable, make: Callable[[], T], *, large: bool = False) -> T:
        kept, bound = self._kept[large], self._bounds[large]
        with self._lock:
            if key in kept:
                kept.move_to_end(key)
                found: T = kept[key]
                return found
        value = make()
        with self._lock:
            kept[key] = value
            while len(kept) > bound:
                kept.popitem(last=False)
        return value


@dataclass
class Reader(RoomTexts):
    """The room, read at ``now`` (``today`` in the room's time zone); ``kept`` keeps what it
    derives from the ledger until the ledger changes."""

    db: Session
    room: Room
    settings: Settings
    now: dt.datetime
    kept: Kept | None = None
    _version: int | None = field(default=None, init=False, repr=False)

    @property
    def version(self) -> int:
        """The version of the room's ledger, read once (before anything derived from it)."""
        if self._version is None:
            self._version = latest_change(self.db, self.room.id)
        return self._version

    def derived(
        self, name: str, args: tuple[Hashable, ...], make: Callable[[], T], *, large: bool = False
    ) -> T:
        """``make()``, or what it gave for the same ``name`` and ``args`` at this version of
        the room's ledger."""
        if self.kept is None:
            return make()
        return self.kept.get((self.room.id, self.version, name, args), make, large=large)

    @property
    def today(self) -> dt.date:
        return self.now.astimezone(ZoneInfo(self.room.timezone)).date()

    def money(self, cents: int) -> str:
        # a page shows the same amounts again and again: formatting is its dearest part
        return _format_money(cents, self.room.currency, self.lang)

    def w(self, key: str, /, **params: Any) -> str:
        """A text of the page itself (``page.web.*``)."""
        return self.t(f"page.web.{key}", **params)

    def when(self, instant: dt.datetime) -> str:
        return format_datetime(
            utc(instant),
            "EEE d MMM y, HH:mm",
            tzinfo=ZoneInfo(self.room.timezone),
            locale=i18n.locale_of(self.lang),
        )


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]
    align: str = ""  # one letter per column: l or r

    def right(self, index: int) -> bool:
        return index < len(self.align) and self.align[index] == "r"


@dataclass
class Link:
    label: str
    path: str  # relative to the page's root (``tour/3``)
    current: bool = False
