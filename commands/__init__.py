"""What the bot understands and does. No platform library is imported here.

``build_registry()`` collects every family of commands; a family is a module with a
``register(reg)`` function. The families are imported on first use, so that a process that
only needs one module of the package (the drawing process needs ``recap_chart``) loads no more.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from commands.core import Registry


def _families() -> list[ModuleType]:
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
        statement,
    )

    # pending first: its undo hook marks an offer dropped before a family undoes what the offer did
    return [
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
        statement,
        importing,
        help,
    ]


def __getattr__(name: str) -> Any:
    if name == "FAMILIES":
        return _families()
    raise AttributeError(name)


def build_registry() -> Registry:
    from commands.core import Registry

    reg = Registry()
    for family in _families():
        family.register(reg)
    return reg
