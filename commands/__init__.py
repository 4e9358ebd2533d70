"""What the bot understands and does. No platform library is imported here.

``build_registry()`` collects every family of commands; a family is a module with a
``register(reg)`` function.
"""

from __future__ import annotations

from commands import (
    admin,
    budget,
    cobudget,
    contrib,
    data,
    export,
    help,
    importing,
    page,
    pending,
    projects,
    recap,
)
from commands.core import Registry

# pending first: its undo hook marks an offer dropped before a family undoes what the offer did
FAMILIES = [
    pending,
    contrib,
    projects,
    cobudget,
    budget,
    export,
    recap,
    page,
    admin,
    data,
    importing,
    help,
]


def build_registry() -> Registry:
    reg = Registry()
    for family in FAMILIES:
        family.register(reg)
    return reg
