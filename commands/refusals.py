"""What the grammar refused, in words: one answer per problem, the same in every family.

The grammar (``commands.grammar``) never raises: an amount or a date that could be misread comes
back with an ``error`` and, for an ambiguous amount, its readings. The families hand it here, and
the person gets the same question whatever the command: ``1.500€`` is ``1 500,00 € ou 1,50 € ?
Écris 1500€ ou 1,50€.``
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from commands import grammar
from commands.core import RoomTexts, UserError
from commands.grammar import Amount, DateMatch, Period, PeriodMatch
from commands.i18n import format_amount


def typed_amount(value: Decimal, currency: str, lang: str) -> str:
    """How to type ``value`` so that nothing can misread it: ``1500€``, ``1,50€`` (fr),
    ``1.50€`` (en); no thousands separator, the cents only when there are some."""
    cents = int(value * 100)
    whole, frac = divmod(cents, 100)
    number = f"{whole}{',' if lang == 'fr' else '.'}{frac:02d}" if frac else str(whole)
    return f"{number}€" if currency == "EUR" else f"{number} {currency}"


def check_amount(texts: RoomTexts, amount: Amount, token: str) -> None:
    """Refuse ``amount`` (written ``token``) if the grammar did: the shared answers
    ``grammar.amount.*``. Nothing happens for an amount that was read without doubt."""
    if amount.error is None:
        return
    currency = amount.currency or texts.room.currency
    lang = texts.lang
    if amount.error == grammar.AMBIGUOUS:
        first, second = amount.readings
        typed = [
            typed_amount(value, currency, lang)
            for value in amount.readings
            if value == value.quantize(Decimal("0.01"))  # 12,505 is no amount in cents
        ]
        raise UserError(
            "grammar.amount.ambiguous",
            token=token,
            first=format_amount(first, currency, lang),
            second=format_amount(second, currency, lang),
            typed=texts.t("grammar.amount.or").join(typed),
        )
    if amount.error == grammar.TOO_BIG:
        raise UserError("grammar.amount.too_big", token=token, most=texts.money(grammar.MAX_CENTS))
    raise UserError(f"grammar.amount.{amount.error}", token=token)


def date_refusal(error: str | None, token: str) -> UserError:
    """The answer to a date or a period the grammar refused (``IMPOSSIBLE``, ``OUT_OF_RANGE``)."""
    if error == grammar.OUT_OF_RANGE:
        return UserError(
            "grammar.date.out_of_range",
            token=token,
            first=grammar.EARLIEST_DAY.year,
            last=grammar.LATEST_DAY.year,
        )
    return UserError("grammar.date.impossible", token=token)


def checked_date(found: DateMatch, token: str) -> dt.date:
    """The day of ``found``, or the shared refusal."""
    if found.day is None:
        raise date_refusal(found.error, token)
    return found.day


def checked_period(found: PeriodMatch, token: str) -> Period:
    """The period of ``found``, or the shared refusal."""
    if found.period is None:
        raise date_refusal(found.error, token)
    return found.period


def needs_year(texts: RoomTexts, token: str, day: dt.date) -> UserError:
    """A date without its year, further back than the room allows: asked again with its year."""
    return UserError(
        "grammar.date.needs_year",
        token=token,
        date=texts.date(day),
        days=texts.room.max_past_days,
        typed=day.strftime("%d/%m/%Y"),
    )
