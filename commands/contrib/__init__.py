"""Contributions: ``!contrib`` logs what someone gave, ``!annuler`` removes it, ``!contribs``
shows totals; edits and redactions of the command message update or undo what it created."""

from commands.contrib.handlers import (
    kept_by_event,
    log_contribution,
    register,
    undo_by_event,
    undo_command,
)
from commands.contrib.listing import parse_filters, period_label
from commands.contrib.records import EVERYONE, FAMILY, KIND_WITHOUT_PROJECT
from commands.contrib.totals import show_contributions

__all__ = [
    "EVERYONE",
    "FAMILY",
    "KIND_WITHOUT_PROJECT",
    "kept_by_event",
    "log_contribution",
    "parse_filters",
    "period_label",
    "register",
    "show_contributions",
    "undo_by_event",
    "undo_command",
]
