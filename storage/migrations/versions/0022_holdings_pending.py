"""read paths: a round's fundings from one index; a room's pending messages from their own

Closing a round no longer writes its fundings: the buckets it refunds give them back by their own
state (``storage.models.cobudget.holding``). What a round's buckets hold is then read from an
index alone, ``(round_id, bucket_id, state, cents)``, in bucket order: closing a round with a
thousand buckets and ten thousand fundings, its ``!buckets`` and its balances read no funding row.
A funding's state changes one row at a time (a withdrawal, a cancelled bucket's refund), so that
keeping ``state`` in this index costs little.

Before each delivery the runtime reads a room's messages still to send. They were found through
the room's index, reading every message the room ever had to keep the unsent ones: a room's
whole history, at each delivery. ``ix_bot_message_room_pending`` (``room_id``, ``id``) holds only
the messages still to deliver (a partial index, ``WHERE sent_at IS NULL``, on SQLite and
PostgreSQL): a message leaves it when it is sent.

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022"
down_revision: str | Sequence[str] | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_cobudget_funding_round_bucket",
        "cobudget_funding",
        ["round_id", "bucket_id", "state", "cents"],
    )
    pending = sa.text("sent_at IS NULL")
    op.create_index(
        "ix_bot_message_room_pending",
        "botmessage",
        ["room_id", "id"],
        sqlite_where=pending,
        postgresql_where=pending,
    )


def downgrade() -> None:
    op.drop_index("ix_bot_message_room_pending", table_name="botmessage")
    op.drop_index("ix_cobudget_funding_round_bucket", table_name="cobudget_funding")
