"""Pure translation between Matrix events (raw JSON dicts, as the homeserver sends them) and the
neutral events/outgoing items of the runtime. No I/O here, so every rule is unit-tested.

The rules live by concern, and every name is also read from here:
- ``bot.matrix.state``: a room's state, power levels and roles, invites, recent events;
- ``bot.matrix.mentions``: pills read as user ids, the people a message names, pills written;
- ``bot.matrix.incoming``: raw events as neutral events (messages, edits, reactions, ...);
- ``bot.matrix.outgoing``: outgoing items as event contents.
"""

from __future__ import annotations

from bot.lru import Lru
from bot.matrix.incoming import PLATFORM, Malformed, file_source, is_redacted, to_neutral
from bot.matrix.mentions import (
    HTML_FORMAT,
    Said,
    html_of,
    mentioned,
    mentions_of,
    pill,
    user_ids_in,
    with_pills,
    with_user_ids,
)
from bot.matrix.outgoing import (
    edit_content,
    file_content,
    message_content,
    png_size,
    reaction_content,
)
from bot.matrix.state import (
    CREATOR_POWER_VERSIONS,
    INFINITE,
    Recent,
    RoomState,
    invite_allowed,
    inviter_of,
    power_level,
    role_for,
)

__all__ = [
    "CREATOR_POWER_VERSIONS",
    "HTML_FORMAT",
    "INFINITE",
    "PLATFORM",
    "Lru",
    "Malformed",
    "Recent",
    "RoomState",
    "Said",
    "edit_content",
    "file_content",
    "file_source",
    "html_of",
    "invite_allowed",
    "inviter_of",
    "is_redacted",
    "mentioned",
    "mentions_of",
    "message_content",
    "pill",
    "png_size",
    "power_level",
    "reaction_content",
    "role_for",
    "to_neutral",
    "user_ids_in",
    "with_pills",
    "with_user_ids",
]
