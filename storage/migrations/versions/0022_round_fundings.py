"""a round's fundings read from one index: round, bucket, state and amount

Closing a round no longer writes its fundings: the buckets it refunds give them back by their own
state (``storage.models.cobudget.holding``). What a round's buckets hold is then read from an
index alone, ``(round_id, bucket_id, state, cents)``, in bucket order: closing a round with a
thousand buckets and ten thousand fundings, its ``!buckets`` and its balances read no funding row.
A funding's state changes one row at a time (a withdrawal, a cancelled bucket's refund), so that
keeping ``state`` in this index costs little.

Revision ID: 0022
Revises: 0021
"""

from collections.abc import Sequence

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


def downgrade() -> None:
    op.drop_index("ix_cobudget_funding_round_bucket", table_name="cobudget_funding")
