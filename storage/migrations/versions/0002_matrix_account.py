"""Matrix account: session and sync position

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "matrix_account",
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("device_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("access_token", sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=False),
        sa.Column("next_batch", sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=True),
        sa.Column("txn_prefix", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("user_id"),
    )


def downgrade() -> None:
    op.drop_table("matrix_account")
