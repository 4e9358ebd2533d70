"""where the answers to a handled event go

Each handled chat event records the message its answers reply to (``answer_to``: the command
itself, the original of an edit, the message a reaction was put on) and that message's thread
(``thread_id``), so that what the bot says when it is later deleted or removed (a deletion
notice, a reaction taken back) replies to the same message, in the same thread, whatever the
platform still remembers of it.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0013"
down_revision: str | Sequence[str] | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain added columns: SQLite adds them in place (no rebuild, the triggers of other tables
    # are untouched)
    op.add_column(
        "chatevent",
        sa.Column("answer_to", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    )
    op.add_column(
        "chatevent",
        sa.Column("thread_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    )


def downgrade() -> None:
    with op.batch_alter_table("chatevent", schema=None) as batch_op:
        batch_op.drop_column("thread_id")
        batch_op.drop_column("answer_to")
