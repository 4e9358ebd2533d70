"""retention: how long a room's handled events and delivered answers are kept

``room.retention_days`` (0: forever), the indexes the purge reads a room's oldest rows by, and
one on a message's edits (deleting a message checks that none points at it).

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | Sequence[str] | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a plain ADD COLUMN: the room table is not rebuilt (SQLite would drop its triggers)
    op.add_column(
        "room", sa.Column("retention_days", sa.Integer(), nullable=False, server_default="365")
    )
    op.create_index(
        "ix_chat_event_room_handled", "chatevent", ["room_id", "handled_at"], unique=False
    )
    op.create_index(
        "ix_bot_message_room_created", "botmessage", ["room_id", "created_at"], unique=False
    )
    op.create_index("ix_bot_message_target", "botmessage", ["target_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_bot_message_target", table_name="botmessage")
    op.drop_index("ix_bot_message_room_created", table_name="botmessage")
    op.drop_index("ix_chat_event_room_handled", table_name="chatevent")
    with op.batch_alter_table("room") as batch:
        batch.drop_column("retention_days")
