"""rate guidance and hour-reading campaigns on contributive budgets

A room or a project may say an indicative range of pay (``budget_rate_guide``: per hour or per
day, with an optional cap on how much a person's request may grow from one envelope to the
next); an open envelope may run an hour-reading campaign (``budget_campaign``), confirmed by ✅
reactions (``budget_campaign_confirm``), whose reminder and report are sent once
(``budget_campaign_notice``).

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0016"
down_revision: str | Sequence[str] | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_INSTANT = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "budget_rate_guide",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", _TEXT(length=255), nullable=False),
        sa.Column("scope", _TEXT(length=32), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=True),
        sa.Column("low", sa.Integer(), nullable=False),
        sa.Column("high", sa.Integer(), nullable=False),
        sa.Column("unit", _TEXT(length=4), nullable=False),
        sa.Column("growth_bp", sa.Integer(), nullable=True),
        sa.Column("set_by", _TEXT(length=255), nullable=False),
        sa.Column("event_id", _TEXT(length=255), nullable=False),
        sa.Column("updated_at", _INSTANT(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"]),
        sa.ForeignKeyConstraint(["room_id"], ["room.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("room_id", "scope", name="uq_budget_rate_guide_scope"),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "budget_campaign",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", _TEXT(length=255), nullable=False),
        sa.Column("envelope_id", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("deadline_at", _INSTANT(), nullable=False),
        sa.Column("remind_at", _INSTANT(), nullable=False),
        sa.Column("state", _TEXT(length=16), nullable=False),
        sa.Column("opened_by", _TEXT(length=255), nullable=False),
        sa.Column("event_id", _TEXT(length=255), nullable=False),
        sa.Column("opened_at", _INSTANT(), nullable=False),
        sa.Column("last_contribution", sa.Integer(), nullable=False),
        sa.Column("cancelled_by", _TEXT(length=255), nullable=True),
        sa.Column("cancel_event_id", _TEXT(length=255), nullable=True),
        sa.Column("ended_at", _INSTANT(), nullable=True),
        sa.ForeignKeyConstraint(["envelope_id"], ["budget_envelope.id"]),
        sa.ForeignKeyConstraint(["room_id"], ["room.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_budget_campaign_envelope_id", "budget_campaign", ["envelope_id"], unique=False
    )
    op.create_index(
        "ix_budget_campaign_cancel_event_id", "budget_campaign", ["cancel_event_id"], unique=False
    )
    op.create_table(
        "budget_campaign_confirm",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("user_id", _TEXT(length=255), nullable=False),
        sa.Column("event_id", _TEXT(length=255), nullable=False),
        sa.Column("created_at", _INSTANT(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["budget_campaign.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_budget_campaign_confirm_campaign_id",
        "budget_campaign_confirm",
        ["campaign_id"],
        unique=False,
    )
    op.create_table(
        "budget_campaign_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("kind", _TEXT(length=16), nullable=False),
        sa.Column("event_id", _TEXT(length=255), nullable=False),
        sa.Column("named", sa.Integer(), nullable=False),
        sa.Column("sent_at", _INSTANT(), nullable=False),
        sa.ForeignKeyConstraint(["campaign_id"], ["budget_campaign.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("campaign_id", "kind", name="uq_budget_campaign_notice"),
        sa.UniqueConstraint("event_id"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("budget_campaign_notice")
    op.drop_index("ix_budget_campaign_confirm_campaign_id", table_name="budget_campaign_confirm")
    op.drop_table("budget_campaign_confirm")
    op.drop_index("ix_budget_campaign_cancel_event_id", table_name="budget_campaign")
    op.drop_index("ix_budget_campaign_envelope_id", table_name="budget_campaign")
    op.drop_table("budget_campaign")
    op.drop_table("budget_rate_guide")
