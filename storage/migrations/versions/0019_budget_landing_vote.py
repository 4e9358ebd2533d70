"""choosing a landing option by reaction before a deadline

A vote on the landing options of an envelope (``budget_landing_vote``: its deadline, the options'
parameters, what the validated requests were when it opened, and how it ended) and the reactions
that are its ballots (``budget_landing_ballot``: a person's latest reaction is their vote).

Revision ID: 0019
Revises: 0018
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0019"
down_revision: str | Sequence[str] | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_STR = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "budget_landing_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("envelope_id", sa.Integer(), nullable=False),
        sa.Column("room_id", _STR(length=255), nullable=False),
        sa.Column("event_id", _STR(length=255), nullable=False),
        sa.Column("opened_by", _STR(length=255), nullable=False),
        sa.Column("opened_at", _TIME(), nullable=False),
        sa.Column("deadline", _TIME(), nullable=False),
        sa.Column("base_bp", sa.Integer(), nullable=False),
        sa.Column("floor", sa.Integer(), nullable=False),
        sa.Column("requests_key", _STR(length=64), nullable=False),
        sa.Column("state", _STR(length=16), nullable=False),
        sa.Column("result", _STR(length=255), nullable=True),
        sa.Column("counts", _STR(length=255), nullable=True),
        sa.Column("closed_at", _TIME(), nullable=True),
        sa.Column("closed_by", _STR(length=255), nullable=True),
        sa.Column("close_event_id", _STR(length=255), nullable=True),
        sa.ForeignKeyConstraint(["envelope_id"], ["budget_envelope.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_budget_landing_vote_envelope_id", "budget_landing_vote", ["envelope_id"], unique=False
    )
    op.create_index(
        "ix_budget_landing_vote_close_event_id",
        "budget_landing_vote",
        ["close_event_id"],
        unique=False,
    )
    op.create_index(
        "ix_budget_landing_vote_open", "budget_landing_vote", ["state", "deadline"], unique=False
    )
    op.create_table(
        "budget_landing_ballot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("vote_id", sa.Integer(), nullable=False),
        sa.Column("user_id", _STR(length=255), nullable=False),
        sa.Column("option", _STR(length=16), nullable=False),
        sa.Column("event_id", _STR(length=255), nullable=False),
        sa.Column("state", _STR(length=16), nullable=False),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.ForeignKeyConstraint(["vote_id"], ["budget_landing_vote.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_budget_landing_ballot_vote", "budget_landing_ballot", ["vote_id", "user_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_budget_landing_ballot_vote", table_name="budget_landing_ballot")
    op.drop_table("budget_landing_ballot")
    op.drop_index("ix_budget_landing_vote_open", table_name="budget_landing_vote")
    op.drop_index("ix_budget_landing_vote_close_event_id", table_name="budget_landing_vote")
    op.drop_index("ix_budget_landing_vote_envelope_id", table_name="budget_landing_vote")
    op.drop_table("budget_landing_vote")
