"""people's data: the people the collective forgot, each with a pseudonym

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "forgotten_person",
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("pseudonym", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("by", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("forgotten_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("number"),
        sa.UniqueConstraint("pseudonym"),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("forgotten_person")
