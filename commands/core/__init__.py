"""The command machinery: registry, context handed to handlers, and the dispatcher that turns a
neutral event into one database transaction (state change + audit rows + outgoing messages).

Exactly once: a handled event's id is stored in ``ChatEvent`` in the same transaction as what it
changed and what the bot answers (``BotMessage`` rows, delivered afterwards by the runtime), so
handling the same event twice changes nothing and answers nothing twice.

The modules, by concern: ``errors`` and ``settings`` (what handlers raise and read), ``texts``
(a room's language), ``outbox`` (the rows the bot's answers are), ``context`` (what a handler
gets: answers and audit), ``registry`` (commands and hooks), ``rooms`` (rooms, members, names),
``record`` (a handled event's record), ``dispatcher`` and ``handling`` (events into
transactions), ``system`` (what the bot does on its own).
"""

from commands.core.context import Context
from commands.core.dispatcher import Dispatcher
from commands.core.errors import UserError
from commands.core.outbox import ANSWERS, Queued, pending_messages
from commands.core.record import (
    NOT_A_COMMAND,
    OUTCOME_CRASH,
    OUTCOME_ERROR,
    OUTCOME_FORGED,
    error_reference,
)
from commands.core.registry import (
    Command,
    ContributionListener,
    EditHook,
    Handler,
    KeptHook,
    PendingApply,
    PendingKind,
    PendingUndo,
    ReactionHandler,
    RecapSection,
    Registry,
    TickHook,
    UndoHook,
    split_command,
)
from commands.core.rooms import get_room, remember_member, remember_person, room_members
from commands.core.settings import Settings
from commands.core.system import SYSTEM, system_context
from commands.core.texts import RecapScope, RoomTexts

__all__ = [
    "ANSWERS",
    "NOT_A_COMMAND",
    "OUTCOME_CRASH",
    "OUTCOME_ERROR",
    "OUTCOME_FORGED",
    "SYSTEM",
    "Command",
    "Context",
    "ContributionListener",
    "Dispatcher",
    "EditHook",
    "Handler",
    "KeptHook",
    "PendingApply",
    "PendingKind",
    "PendingUndo",
    "Queued",
    "ReactionHandler",
    "RecapScope",
    "RecapSection",
    "Registry",
    "RoomTexts",
    "Settings",
    "TickHook",
    "UndoHook",
    "UserError",
    "error_reference",
    "get_room",
    "pending_messages",
    "remember_member",
    "remember_person",
    "room_members",
    "split_command",
    "system_context",
]
