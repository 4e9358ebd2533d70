"""landing a shortfall: the landing applied to an envelope, a request's revised amount

``budget_envelope.landing`` names the way an envelope's validated requests are landed when they
ask for more than it holds (``prorata``, ``base:3000``, ``median``, ``floor:10000``), applied again
on every later change of a request; ``landing_event`` is the message that applied it.
``budget_request.revised`` is the amount its author now thinks fair (shown beside the request).

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0014"
down_revision: str | Sequence[str] | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain added columns: SQLite adds them in place (no rebuild, no trigger is dropped)
    op.add_column(
        "budget_envelope",
        sa.Column("landing", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    )
    op.add_column(
        "budget_envelope",
        sa.Column("landing_event", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    )
    op.add_column("budget_request", sa.Column("revised", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("budget_request", schema=None) as batch_op:
        batch_op.drop_column("revised")
    with op.batch_alter_table("budget_envelope", schema=None) as batch_op:
        batch_op.drop_column("landing_event")
        batch_op.drop_column("landing")
