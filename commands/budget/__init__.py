"""Contributive budget: an envelope of money for a project and a period, shared among the people
who contributed to it, in the room, transparently.

- ``!budget KPA 2000€ novembre [libre|proportionnel] [plafond 600€] [taux 20€/h] [commun 10%]
  [min 5h] [validations 2] [consentement 5j]`` (admins) creates an envelope;
- ``!budget KPA`` shows the requests (mode libre) or the provisional split (mode proportionnel);
- ``!demande KPA 120€ [message]`` asks for an amount (mode libre); ``!question 3 [why]`` or a ❓
  reaction questions a request; ``!valider 3`` or ✅ reactions validate it;
- ``!budget KPA prorata`` / ``!budget KPA accord 3 80€`` (admins) settle requests that exceed the
  envelope; ``!budget KPA je-donne 50%`` gives part of one's share back to the commons;
- ``!budget KPA clore`` (admins) freezes the split, posts it and exports it as CSV;
  ``!budget KPA csv`` exports a closed envelope again; ``!budgets`` lists envelopes.

The package, by concern: ``common`` (words, small helpers), ``rules`` (pure), ``queries`` (batch
loaders), ``envelopes`` (``!budget`` and creating an envelope), ``tables`` (an envelope shown),
``requests`` (``!demande``, ``!question``, ``!valider``), ``settle`` (giving back, prorata,
agreements, closing), ``undo``, ``recap``, and ``handlers`` (the registered commands and their
undo hook). Beside them: ``rates``/``rate_rules`` (ranges of pay), ``campaign``/
``campaign_reading`` (hour-reading campaigns), ``sources``/``envelope_refs`` (sources, owners,
``#N``), ``landing``/``landing_view``/``revision`` (landing a shortfall), ``vote``/
``vote_open``/``vote_rules`` (choosing a landing by reaction), ``consent``/``objections`` (lazy
consensus).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commands.budget import (
    campaign,
    common,
    consent,
    handlers,
    landing,
    rates,
    recap,
    settle,
    sources,
    undoing,
    vote,
)
from commands.budget.common import PROPORTIONAL, envelope_period, per_hour_cents, rules_text
from commands.budget.settle import csv_rows
from commands.budget.tables import envelope_left, libre_view, proportional_view

if TYPE_CHECKING:
    from commands.core import Registry

__all__ = [
    "PROPORTIONAL",
    "csv_rows",
    "envelope_left",
    "envelope_period",
    "libre_view",
    "per_hour_cents",
    "proportional_view",
    "register",
    "rules_text",
]


def register(reg: Registry) -> None:
    reg.command("budget", family=common.FAMILY, aliases=("enveloppe", "envelope"))(
        handlers.budget_command
    )
    reg.command("budgets", family=common.FAMILY, aliases=("enveloppes", "envelopes"))(
        handlers.list_envelopes
    )
    reg.command("demande", family=common.FAMILY, aliases=("request", "demander"), editable=True)(
        handlers.request_command
    )
    reg.command("question", family=common.FAMILY, aliases=("questionner",))(
        handlers.question_command
    )
    reg.command("valider", family=common.FAMILY, aliases=("validate", "approve"))(
        handlers.validate_command
    )
    reg.on_reaction("request")(handlers.on_request_reaction)
    reg.on_undo(handlers.undo_by_event)
    reg.on_tick(consent.auto_validate)
    vote.register(reg)
    reg.on_undo(vote.undo_by_event)
    reg.on_kept(undoing.kept_by_event)
    reg.recap_section("budget", 30)(recap.recap_section)
    reg.on_contribution_change(undoing.on_contribution_change)
    reg.renderer(common.BUDGET_CSV)(settle.budget_csv)
    rates.register(reg)
    campaign.register(reg)
    sources.register(reg)
    reg.renderer(common.CLOSED)(settle.render_closed)
    reg.renderer(landing.APPLIED)(landing.render_applied)
