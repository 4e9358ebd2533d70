"""All tables. Each family of features keeps its tables in a module of its own; importing this
package registers every table on ``SQLModel.metadata`` (used by the migrations' env)."""

from storage.models.core import (
    Audit,
    BotMessage,
    ChatEvent,
    Contribution,
    Member,
    Person,
    Project,
    Room,
    utcnow,
)
from storage.models.cobudget import Allocation, Bucket, CobudgetRound, Funding

__all__ = [
    "Allocation",
    "Audit",
    "Bucket",
    "BotMessage",
    "ChatEvent",
    "CobudgetRound",
    "Contribution",
    "Funding",
    "Member",
    "Person",
    "Project",
    "Room",
    "utcnow",
]
