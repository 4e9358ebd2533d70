"""The cobudget family's words (what a command's arguments may say), its constants, and the
parsing of amounts and deadlines they share.
"""

from __future__ import annotations

import datetime as dt

from commands.core import Context, UserError
from commands.grammar import Amount, match_amount, match_date
from commands.refusals import check_amount, checked_date
from storage.models.cobudget import (
    BUCKET_CANCELLED,
    BUCKET_COMPLETED,
    BUCKET_FUNDED,
    BUCKET_OPEN,
    BUCKET_REFUNDED,
)

FAMILY = "buckets"
DEFAULT_REACTIONS: dict[str, int] = {"💶": 500, "💰": 2000}
CLOSE_TO_GOAL_PERCENT = 75
BAR_CELLS = 10

_OPEN_WORDS = ("ouvrir", "open", "nouveau", "new", "creer", "create")
_CLOSE_WORDS = ("fermer", "close", "clore", "cloturer", "terminer", "end")
_REACTION_WORDS = ("reactions", "reaction", "valeurs", "values")
_SHOW_WORDS = ("voir", "show", "info")
_DEADLINE_WORDS = ("jusqu'au", "jusqu’au", "jusquau", "until", "till", "deadline", "fin", "avant")
_EVERYONE_WORDS = ("tous", "tout-le-monde", "everyone", "all", "membres", "members")
_HOURS_WORDS = ("contributions", "contribution", "heures", "hours", "contribs", "temps")
_MAX_WORDS = ("max", "maximum", "jusqu'a", "jusqu’à", "jusqua", "up-to")
_MIN_WORDS = ("min", "minimum", "objectif", "goal")
_COMPLETE_WORDS = ("termine", "terminer", "fini", "finir", "realise", "fait", "done", "complete")
_CANCEL_WORDS = ("annuler", "annule", "cancel", "supprimer", "delete")


# the order in which a round's buckets are counted: from the living to the ended
STATE_ORDER = (BUCKET_OPEN, BUCKET_FUNDED, BUCKET_COMPLETED, BUCKET_CANCELLED, BUCKET_REFUNDED)

BUCKET_LIST = "bucket_list"  # the render job of ``!buckets`` (``commands.deferred``)
CLOSE_ANSWER = "round_closed"  # the render job of ``!tour fermer``: its cards and answer
ALLOCATED = "allocated"  # the render job of ``!allouer tous`` / ``contributions``

BOT_ACTOR = "bot"  # who the audit names for what the bot does on its own (a deadline)


# --------------------------------------------------------------------------- parsing


def _require_admin(ctx: Context) -> None:
    if not ctx.is_admin:
        raise UserError("core.admin_only", command=ctx.typed_command(1))


def _amount(ctx: Context, tokens: list[str], i: int) -> tuple[Amount, int] | None:
    found = match_amount(tokens, i)
    if found is None:
        return None
    amount, used = found
    check_amount(ctx, amount, " ".join(tokens[i : i + used]))
    if amount.currency and amount.currency != ctx.room.currency:
        raise UserError(
            "buckets.error.currency", currency=amount.currency, room_currency=ctx.room.currency
        )
    if amount.negative:
        raise UserError("buckets.error.negative", prefix=ctx.settings.prefix)
    return amount, used


def _deadline(ctx: Context, tokens: list[str], i: int) -> tuple[dt.date, int] | None:
    found = match_date(tokens, i, ctx.today)
    if found is None:
        return None
    day = checked_date(found, " ".join(tokens[i : i + found.used]))
    if day < ctx.today and not found.year_given:
        # "jusqu'au 31/01" said in December: next year's
        try:
            day = day.replace(year=day.year + 1)
        except ValueError:
            return None
    return day, found.used
