"""lighter writes: indexes that only repeated others are dropped

Every command writes a handled event and an answer, and every delivery marks its messages sent.
Three indexes made each of these writes dearer without serving any read that another index does
not serve as well:

- ``ix_botmessage_room_id`` (``room_id``): ``ix_bot_message_room_created`` (``room_id``,
  ``created_at``) and ``ix_bot_message_room_pending`` start with the room too;
- ``ix_chatevent_room_id`` (``room_id``): ``ix_chat_event_room_handled`` (``room_id``,
  ``handled_at``) starts with it;
- ``ix_bot_message_pending`` (``sent_at``, ``id``) held every message ever sent, and marking a
  message sent moved it within the index. What it served (the messages still to deliver, in
  order; how many there are) is served by ``ix_bot_message_unsent`` (``id``), which holds only
  the messages still to deliver (``WHERE sent_at IS NULL``): a message leaves it when it is
  sent.

Revision ID: 0023
Revises: 0022
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0023"
down_revision: str | Sequence[str] | None = "0022"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pending = sa.text("sent_at IS NULL")
    op.create_index(
        "ix_bot_message_unsent",
        "botmessage",
        ["id"],
        sqlite_where=pending,
        postgresql_where=pending,
    )
    op.drop_index("ix_bot_message_pending", table_name="botmessage")
    op.drop_index("ix_botmessage_room_id", table_name="botmessage")
    op.drop_index("ix_chatevent_room_id", table_name="chatevent")


def downgrade() -> None:
    op.create_index("ix_chatevent_room_id", "chatevent", ["room_id"])
    op.create_index("ix_botmessage_room_id", "botmessage", ["room_id"])
    op.create_index("ix_bot_message_pending", "botmessage", ["sent_at", "id"])
    op.drop_index("ix_bot_message_unsent", table_name="botmessage")
