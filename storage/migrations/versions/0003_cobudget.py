"""cobudget

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cobudget_round",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("pot_cents", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reaction_values", sa.JSON(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("closed_event_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["room.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("cobudget_round", schema=None) as batch_op:
        batch_op.create_index("ix_cobudget_round_room_state", ["room_id", "state"], unique=False)

    op.create_table(
        "cobudget_allocation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("cents", sa.Integer(), nullable=False),
        sa.Column("method", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["cobudget_round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "user_id", name="uq_cobudget_allocation_event_user"),
    )
    with op.batch_alter_table("cobudget_allocation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cobudget_allocation_event_id"), ["event_id"], unique=False
        )
        batch_op.create_index(
            "ix_cobudget_allocation_round_user", ["round_id", "user_id"], unique=False
        )

    op.create_table(
        "cobudget_bucket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("room_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("description", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("author", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("min_cents", sa.Integer(), nullable=False),
        sa.Column("max_cents", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("card_message_id", sa.Integer(), nullable=True),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("funded_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["card_message_id"],
            ["botmessage.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["cobudget_round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("cobudget_bucket", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cobudget_bucket_room_id"), ["room_id"], unique=False)
        batch_op.create_index("ix_cobudget_bucket_round_state", ["round_id", "state"], unique=False)

    op.create_table(
        "cobudget_funding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("bucket_id", sa.Integer(), nullable=False),
        sa.Column("funder", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("cents", sa.Integer(), nullable=False),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("reaction_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("ended_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("ended_event_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["bucket_id"],
            ["cobudget_bucket.id"],
        ),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["cobudget_round.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("cobudget_funding", schema=None) as batch_op:
        batch_op.create_index(
            "ix_cobudget_funding_bucket_state", ["bucket_id", "state"], unique=False
        )
        batch_op.create_index(
            "ix_cobudget_funding_round_funder_state", ["round_id", "funder", "state"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("cobudget_funding", schema=None) as batch_op:
        batch_op.drop_index("ix_cobudget_funding_round_funder_state")
        batch_op.drop_index("ix_cobudget_funding_bucket_state")

    op.drop_table("cobudget_funding")
    with op.batch_alter_table("cobudget_bucket", schema=None) as batch_op:
        batch_op.drop_index("ix_cobudget_bucket_round_state")
        batch_op.drop_index(batch_op.f("ix_cobudget_bucket_room_id"))

    op.drop_table("cobudget_bucket")
    with op.batch_alter_table("cobudget_allocation", schema=None) as batch_op:
        batch_op.drop_index("ix_cobudget_allocation_round_user")
        batch_op.drop_index(batch_op.f("ix_cobudget_allocation_event_id"))

    op.drop_table("cobudget_allocation")
    with op.batch_alter_table("cobudget_round", schema=None) as batch_op:
        batch_op.drop_index("ix_cobudget_round_room_state")

    op.drop_table("cobudget_round")
