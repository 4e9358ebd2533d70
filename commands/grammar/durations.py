"""Durations: ``3h``, ``1h30``, ``45min``, ``1,5h``, ``2j`` (a day is the room's working day)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from commands import i18n
from commands.grammar.text import alternatives, fold, foreign_digits

_NUM = r"[0-9]{1,6}(?:[.,][0-9]{1,4})?"


# the words of every language (the catalogues' words.ftl), understood in every room
_H_UNITS = alternatives(i18n.words("unit_hours"))
_M_UNITS = alternatives(i18n.words("unit_minutes"))
_D_UNITS = alternatives(i18n.words("unit_days"))
_RE_HM = re.compile(rf"^([0-9]{{1,4}})\s*(?:{_H_UNITS})\s*([0-9]{{1,2}})\s*(?:{_M_UNITS})?$")
_RE_H = re.compile(rf"^({_NUM})\s*(?:{_H_UNITS})$")
_RE_M = re.compile(rf"^({_NUM})\s*(?:{_M_UNITS})$")
_RE_D = re.compile(rf"^({_NUM})\s*(?:{_D_UNITS})$")
RE_NUMBER = re.compile(rf"^[-+−]?{_NUM}$")
RE_UNIT = re.compile(rf"^(?:{_H_UNITS}|{_M_UNITS}|{_D_UNITS})$")


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", "."))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class Duration:
    minutes: int
    negative: bool = False


def parse_duration(text: str, day_minutes: int = 7 * 60) -> Duration | None:
    """Read one duration (``3h``, ``3h30``, ``1h05``, ``1,5h``, ``90min``, ``45 min``, ``2j``).

    Returns ``None`` when ``text`` is not a duration; a ``negative`` result for ``-2h`` so that
    the handler can say why it refuses it. Fractions are rounded to the nearest minute.
    """
    if foreign_digits(text):
        return None
    raw = fold(text.strip())
    negative = False
    if raw[:1] in "-−":
        negative, raw = True, raw[1:].strip()
    elif raw[:1] == "+":
        raw = raw[1:].strip()
    if not raw or len(raw) > 24:
        return None
    minutes: Decimal | None = None
    if m := _RE_HM.match(raw):
        rest = int(m.group(2))
        if rest >= 60:
            return None
        minutes = Decimal(int(m.group(1)) * 60 + rest)
    elif m := _RE_H.match(raw):
        minutes = _decimal(m.group(1))
        minutes = None if minutes is None else minutes * 60
    elif m := _RE_M.match(raw):
        minutes = _decimal(m.group(1))
    elif m := _RE_D.match(raw):
        minutes = _decimal(m.group(1))
        minutes = None if minutes is None else minutes * day_minutes
    if minutes is None:
        return None
    value = int(minutes.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    return Duration(value, negative)
