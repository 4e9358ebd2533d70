"""where envelope money comes from, and several envelopes per project

An envelope's amount is the sum of its sources (``budget_source``: the amount it was created
with, top-ups, shares of paid services); every existing envelope gets one ``initial`` source of
its amount, recorded by whoever created it, so that the rule holds on an upgraded database. An
envelope may carry a label (an envelope for a mission or an event) and an owner, who settles it
like an admin.

Revision ID: 0018
Revises: 0017
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0018"
down_revision: str | Sequence[str] | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain added columns: SQLite adds them in place (no rebuild, the triggers stay)
    op.add_column(
        "budget_envelope",
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=True),
    )
    op.add_column(
        "budget_envelope",
        sa.Column("owner", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    )
    op.create_table(
        "budget_source",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("envelope_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("label", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("service", sa.Integer(), nullable=True),
        sa.Column("percent_bp", sa.Integer(), nullable=True),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["envelope_id"], ["budget_envelope.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_budget_source_envelope_id"), "budget_source", ["envelope_id"], unique=False
    )
    # every envelope so far: one source, the amount it holds, keyed by the message that made it
    op.execute(
        "INSERT INTO budget_source"
        " (envelope_id, kind, label, amount, user_id, event_id, created_at)"
        " SELECT id, 'initial', '', amount, created_by, event_id, created_at"
        " FROM budget_envelope ORDER BY id"
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_budget_source_envelope_id"), table_name="budget_source")
    op.drop_table("budget_source")
    with op.batch_alter_table("budget_envelope", schema=None) as batch_op:
        batch_op.drop_column("owner")
        batch_op.drop_column("label")
