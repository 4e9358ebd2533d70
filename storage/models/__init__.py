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
from storage.models.matrix import MatrixAccount

__all__ = [
    "Audit",
    "BotMessage",
    "ChatEvent",
    "Contribution",
    "MatrixAccount",
    "Member",
    "Person",
    "Project",
    "Room",
    "utcnow",
]
