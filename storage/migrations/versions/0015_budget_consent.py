"""lazy consensus on contributive-budget requests

An envelope may validate on its own a request nobody objects to after a number of days
(``consent_days``); a request records when that delay last started (``consent_from``: its amount
changed); a question is an objection that stays open until its author lifts it or an admin
settles it (``closed_kind``, ``closed_by``, ``closed_at``, ``close_event_id``); and each day on
which requests of an envelope were validated that way is recorded once (``budget_consent_day``).

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0015"
down_revision: str | Sequence[str] | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain added columns: SQLite adds them in place (no rebuild, the triggers stay)
    op.add_column("budget_envelope", sa.Column("consent_days", sa.Integer(), nullable=True))
    op.add_column(
        "budget_request",
        sa.Column("consent_from", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    )
    op.add_column(
        "budget_question",
        sa.Column("closed_kind", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    )
    op.add_column(
        "budget_question",
        sa.Column("closed_by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    )
    op.add_column(
        "budget_question",
        sa.Column("closed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    )
    op.add_column(
        "budget_question",
        sa.Column("close_event_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    )
    op.create_index(
        "ix_budget_question_close_event_id", "budget_question", ["close_event_id"], unique=False
    )
    op.create_table(
        "budget_consent_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("envelope_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("event_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("requests", sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column("sent_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["envelope_id"], ["budget_envelope.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("envelope_id", "day", name="uq_budget_consent_day"),
        sa.UniqueConstraint("event_id"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("budget_consent_day")
    op.drop_index("ix_budget_question_close_event_id", table_name="budget_question")
    with op.batch_alter_table("budget_question", schema=None) as batch_op:
        batch_op.drop_column("close_event_id")
        batch_op.drop_column("closed_at")
        batch_op.drop_column("closed_by")
        batch_op.drop_column("closed_kind")
    with op.batch_alter_table("budget_request", schema=None) as batch_op:
        batch_op.drop_column("consent_from")
    with op.batch_alter_table("budget_envelope", schema=None) as batch_op:
        batch_op.drop_column("consent_days")
