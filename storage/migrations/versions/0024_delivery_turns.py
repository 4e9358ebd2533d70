"""delivery turns: each message to deliver keeps its place in the room's queue

The delivery reads a room's next messages in turns (the first message of each sender's queue,
then the second of each, ...). It used to work the turns out again, for every message still
queued, at each read: with thousands queued (a burst of commands), each read cost milliseconds
and more as the queue grew. Now a message is given its lane and its turn once, when the delivery
first sees it, and the next messages are read in order from ``ix_bot_message_turns``, whatever
the length of the queue; ``ix_bot_message_lanes`` gives each lane's last turn. It replaces
``ix_bot_message_room_pending`` (``room_id``, ``id``), which the new index serves as well.

Messages queued before this revision have no turn yet: the delivery gives them theirs at its
first read, in the order it would have sent them.

Revision ID: 0024
Revises: 0023
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024"
down_revision: str | Sequence[str] | None = "0023"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("botmessage", sa.Column("lane", sa.String(length=255), nullable=True))
    op.add_column("botmessage", sa.Column("turn", sa.Integer(), nullable=True))
    pending = sa.text("sent_at IS NULL")
    op.create_index(
        "ix_bot_message_turns",
        "botmessage",
        ["room_id", "turn", "id"],
        sqlite_where=pending,
        postgresql_where=pending,
    )
    op.create_index(
        "ix_bot_message_lanes",
        "botmessage",
        ["room_id", "lane", "turn"],
        sqlite_where=pending,
        postgresql_where=pending,
    )
    op.drop_index("ix_bot_message_room_pending", table_name="botmessage")


def downgrade() -> None:
    pending = sa.text("sent_at IS NULL")
    op.create_index(
        "ix_bot_message_room_pending",
        "botmessage",
        ["room_id", "id"],
        sqlite_where=pending,
        postgresql_where=pending,
    )
    op.drop_index("ix_bot_message_lanes", table_name="botmessage")
    op.drop_index("ix_bot_message_turns", table_name="botmessage")
    with op.batch_alter_table("botmessage") as batch:
        batch.drop_column("turn")
        batch.drop_column("lane")
