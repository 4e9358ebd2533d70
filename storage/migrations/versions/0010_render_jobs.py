"""render jobs: what the bot renders after a command's transaction; indexes for undo lookups

A command that answers with something slow to make (a recap, a chart, a CSV file) writes its
answer to the outbox as a placeholder with a ``render_job`` row in its transaction; the
runtime renders it afterwards, outside the write transaction, writes the result into the
outbox row and deletes the job. A job left by a crash is rendered at the next start.

Two indexes: a person's latest contribution in a room (``!annuler`` with no number), and the
actions an event confirmed (``pending_action.resolved_event_id``).

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "render_job",
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["message_id"], ["botmessage.id"]),
        sa.PrimaryKeyConstraint("message_id"),
    )
    op.create_index("ix_contribution_creator", "contribution", ["room_id", "created_by", "id"])
    op.create_index("ix_pending_action_resolved", "pending_action", ["resolved_event_id"])


def downgrade() -> None:
    op.drop_index("ix_pending_action_resolved", table_name="pending_action")
    op.drop_index("ix_contribution_creator", table_name="contribution")
    op.drop_table("render_job")
