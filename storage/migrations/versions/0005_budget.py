"""budget: envelopes, frozen shares, requests, questions, validations, give-backs

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "budget_envelope",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Date(), nullable=False),
        sa.Column("end", sa.Date(), nullable=False),
        sa.Column("period_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("currency", sqlmodel.sql.sqltypes.AutoString(length=3), nullable=False),
        sa.Column("mode", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("cap", sa.Integer(), nullable=True),
        sa.Column("rate", sa.Integer(), nullable=True),
        sa.Column("commons_bp", sa.Integer(), nullable=False),
        sa.Column("min_minutes", sa.Integer(), nullable=False),
        sa.Column("validations_needed", sa.Integer(), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("commons_amount", sa.Integer(), nullable=True),
        sa.Column("remainder", sa.Integer(), nullable=True),
        sa.Column("created_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.Column("close_event_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
        ),
        sa.ForeignKeyConstraint(
            ["room_id"],
            ["room.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("budget_envelope", schema=None) as batch_op:
        batch_op.create_index(
            "ix_budget_envelope_room_project", ["room_id", "project_id"], unique=False
        )

    op.create_table(
        "budget_giveback",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("envelope_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("percent_bp", sa.Integer(), nullable=True),
        sa.Column("cents", sa.Integer(), nullable=True),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["envelope_id"],
            ["budget_envelope.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("budget_giveback", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_giveback_envelope_id"), ["envelope_id"], unique=False
        )

    op.create_table(
        "budget_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("envelope_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("message", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("granted", sa.Integer(), nullable=True),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["envelope_id"],
            ["budget_envelope.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("budget_request", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_request_envelope_id"), ["envelope_id"], unique=False
        )

    op.create_table(
        "budget_share",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("envelope_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("gross", sa.Integer(), nullable=False),
        sa.Column("given_back", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("limited", sa.Boolean(), nullable=False),
        sa.Column("note", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["envelope_id"],
            ["budget_envelope.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("envelope_id", "user_id", name="uq_budget_share_person"),
    )
    with op.batch_alter_table("budget_share", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_share_envelope_id"), ["envelope_id"], unique=False
        )

    op.create_table(
        "budget_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["budget_request.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
    )
    with op.batch_alter_table("budget_question", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_question_request_id"), ["request_id"], unique=False
        )

    op.create_table(
        "budget_validation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("by_admin", sa.Boolean(), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["budget_request.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
        sa.UniqueConstraint("request_id", "user_id", name="uq_budget_validation_person"),
    )
    with op.batch_alter_table("budget_validation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_budget_validation_request_id"), ["request_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("budget_validation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_validation_request_id"))

    op.drop_table("budget_validation")
    with op.batch_alter_table("budget_question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_question_request_id"))

    op.drop_table("budget_question")
    with op.batch_alter_table("budget_share", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_share_envelope_id"))

    op.drop_table("budget_share")
    with op.batch_alter_table("budget_request", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_request_envelope_id"))

    op.drop_table("budget_request")
    with op.batch_alter_table("budget_giveback", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_budget_giveback_envelope_id"))

    op.drop_table("budget_giveback")
    with op.batch_alter_table("budget_envelope", schema=None) as batch_op:
        batch_op.drop_index("ix_budget_envelope_room_project")

    op.drop_table("budget_envelope")
