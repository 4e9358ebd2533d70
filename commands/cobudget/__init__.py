"""Cobudget in the room: rounds with a pot, balances given to members, buckets funded by reacting
to their card (or with ``!financer``), refunds when a bucket is cancelled or a round closes.

A member's balance is what they were allocated in the round minus what they put into buckets
that still hold it (a withdrawal or a refund gives it back). Every check-then-write happens in
the event's one transaction, and the database serialises writers, so concurrent reactions can
never overspend a balance or overfill a bucket.

The family is split by concern: ``words`` (amounts, deadlines, argument converters), ``queries``
(batch loaders), ``rules`` (the states the pure rules of ``commands.lifecycle.cobudget`` read),
``card`` (a bucket's message), ``rounds``, ``closing``, ``allocations``, ``buckets``,
``funding``, ``balance``, ``undo`` and ``recap`` (its section of the weekly recap).
"""

from __future__ import annotations

from commands.cobudget.allocations import ALLOCATE_COMMAND, render_allocated
from commands.cobudget.balance import BALANCE_COMMAND
from commands.cobudget.buckets import BUCKET_COMMAND, BUCKETS_COMMAND, render_bucket_list
from commands.cobudget.card import progress_bar
from commands.cobudget.closing import render_round_closed
from commands.cobudget.funding import FUND_COMMAND, on_card_reaction
from commands.cobudget.queries import (
    allocated,
    allocated_and_spent,
    balance,
    bucket_total,
    latest_round,
    open_round,
    spent,
)
from commands.cobudget.recap import recap_section
from commands.cobudget.rounds import ROUND_COMMAND, close_due_rounds
from commands.cobudget.undo import kept_by_event, undo_by_event
from commands.cobudget.words import ALLOCATED, BUCKET_LIST, CLOSE_ANSWER
from commands.core import Registry

__all__ = [
    "CLOSE_ANSWER",
    "allocated",
    "allocated_and_spent",
    "balance",
    "bucket_total",
    "latest_round",
    "open_round",
    "progress_bar",
    "recap_section",
    "register",
    "spent",
]


def register(reg: Registry) -> None:
    # the dispatcher gives an undo to the hooks of the module that handled the event
    # (``Registry.undo_hooks_for``): the family's handlers and its undo hook are the package's
    declared = (
        ROUND_COMMAND,
        ALLOCATE_COMMAND,
        BUCKET_COMMAND,
        BUCKETS_COMMAND,
        FUND_COMMAND,
        BALANCE_COMMAND,
    )
    for handler in (
        *(sub.handler for command in declared for sub in command.subs),
        on_card_reaction,
        undo_by_event,
    ):
        handler.__module__ = __name__
    for command in declared:
        command.register(reg)
    reg.on_reaction("bucket")(on_card_reaction)
    reg.on_undo(undo_by_event)
    reg.on_kept(kept_by_event)
    reg.recap_section("buckets", 20)(recap_section)
    reg.on_tick(close_due_rounds)
    reg.renderer(BUCKET_LIST)(render_bucket_list)
    reg.renderer(CLOSE_ANSWER)(render_round_closed)
    reg.renderer(ALLOCATED)(render_allocated)
