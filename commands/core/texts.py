"""Texts, money, durations, dates and names in a room's language; what a recap section
reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session

from commands import i18n
from commands.core.settings import Settings
from storage.forget import pseudonym_number
from storage.models import Room
from storage.queries import room_names


class RoomTexts:
    """Texts, money, durations, dates and names in a room's language (needs ``db`` and ``room``)."""

    db: Session
    room: Room

    @property
    def lang(self) -> str:
        return self.room.language

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.room.timezone)

    def t(self, key: str, /, **params: Any) -> str:
        return i18n.t(self.lang, key, **params)

    def money(self, cents: int) -> str:
        return i18n.format_money(cents, self.room.currency, self.lang)

    def duration(self, minutes: int) -> str:
        return i18n.format_minutes(minutes, self.lang)

    def hours(self, minutes: int) -> str:
        return i18n.format_hours(minutes, self.lang)

    def date(self, day: dt.date) -> str:
        return i18n.format_day(day, self.lang)

    def long_date(self, day: dt.date) -> str:
        """A date in full words, as it reads at the start of a sentence: ``jeudi 3 décembre
        2026`` (the French text writes ``Le`` before it)."""
        return i18n.format_long_day(day, self.lang)

    def name(self, user_id: str) -> str:
        """How the room's texts name a person: their display name as last seen, else their id;
        ``Name (@id)`` when someone else of the room could be taken for them (the same display
        name, or a display name that is another's id)."""
        return self.names((user_id,))[user_id]

    def names(self, user_ids: Iterable[str]) -> dict[str, str]:
        """``name`` of many people at once. The first call of a transaction names everyone of
        the room (one query), and later calls reuse it: a table of 200 people costs no more
        than one name."""
        rooms: dict[str, dict[str, str]] = self.db.info.setdefault("names", {})
        known = rooms.get(self.room.id)
        wanted = set(user_ids)
        if known is None or not wanted <= known.keys():
            # everyone asked so far is named again with the newcomers: who else is named can
            # change how a name is told apart
            known = room_names(self.db, self.room.id, wanted | set(known or ()))
            for user_id in known:
                number = pseudonym_number(user_id)
                if number is not None:
                    known[user_id] = self.t("people.forgotten", number=number)
            rooms[self.room.id] = known
        return {u: known[u] for u in wanted}


@dataclass
class RecapScope(RoomTexts):
    """What a family's recap section gets: the room, the period and the one before, the language.
    Sections read only; they return ``None`` when they have nothing to say."""

    db: Session
    room: Room
    start: dt.date
    end: dt.date  # exclusive
    previous_start: dt.date
    previous_end: dt.date
    settings: Settings
