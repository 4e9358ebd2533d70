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

The package itself holds the family's words and registers it. ``handlers`` declares its commands
(``commands.declare``) and holds the reactions to a request and the undo hook that runs for the
events they handled (the dispatcher runs a module's undo hooks for the events of that module's
handlers). Beside them, by concern: ``common`` (small helpers), ``rules``
(pure), ``queries`` (batch loaders), ``lives`` (records as their lifecycle rules see them),
``envelopes`` (creating an envelope, choosing the one a command means), ``tables`` (an envelope shown), ``requests``
(``!demande``), ``answers`` (``!question``, ``!valider``), ``settle`` (giving back, prorata,
agreements, closing), ``terms`` (an envelope's terms), ``undoing``/``undo_events``, ``recap``; ``rates``/``rate_rules`` (ranges of pay),
``campaign``/``campaign_reading``/``campaign_jobs`` (hour-reading campaigns),
``sources``/``envelope_refs`` (sources, owners, ``#N``), ``landing``/``landing_view``/``revision``
(landing a shortfall), ``vote``/``vote_open``/``vote_rules`` (choosing a landing by reaction),
``consent``/``consent_job``/``objections`` (lazy consensus).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from commands.budget import (
    campaign,
    common,
    consent_job,
    handlers,
    landing,
    rates,
    recap,
    settle,
    sources,
    undoing,
    vote,
)
from commands.budget.common import envelope_period, per_hour_cents, rules_text
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


FAMILY = "budget"
LIBRE, PROPORTIONAL = "libre", "proportionnel"
ALL_WORDS = ("tout", "tous", "all", "100%")


def register(reg: Registry) -> None:
    for declared in (
        handlers.BUDGET,
        handlers.BUDGETS,
        handlers.REQUEST,
        handlers.QUESTION,
        handlers.VALIDATE,
    ):
        declared.register(reg)
    reg.on_reaction("request")(handlers.on_request_reaction)
    reg.on_undo(handlers.undo_by_event)
    reg.on_tick(consent_job.auto_validate)
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
