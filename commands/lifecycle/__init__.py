"""The life of each record, as pure functions.

Every record type has a transition function ``step(state, action, actor, now)`` that returns the
record's new state, or a ``Refusal`` that says why the action may not happen now. The functions
read nothing but their arguments (no database, no clock): a handler builds the state from its
rows, asks the function, and applies what it returns (or raises the refusal as a ``UserError``).
The same rules hold on every path that reaches a record: its command, an edit of that command, a
deletion of its message, a reaction added or removed, a scheduled job.

The rules they share (``docs/lifecycle.md`` has each record's table):

- closed is frozen: nothing in a closed round or envelope changes;
- a deadline binds every path: past a round's deadline nothing enters or leaves it;
- undo is exact: undoing an action gives back the state before it, or is refused with a reason;
- an edit keeps the scope of the original (same envelope, same round).
"""

from commands.lifecycle.base import (
    ABSENT,
    Act,
    Action,
    Actor,
    Refusal,
    act,
    instant,
    keep_scope,
    refuse,
    require,
    tell_undo,
    undo,
)

__all__ = [
    "ABSENT",
    "Act",
    "Action",
    "Actor",
    "Refusal",
    "act",
    "instant",
    "keep_scope",
    "refuse",
    "require",
    "tell_undo",
    "undo",
]
