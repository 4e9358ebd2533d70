"""page: links to the room pages (token hashes), pages turned off, direct conversations, and the
recipient of a direct message in the outbox

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TEXT = sqlmodel.sql.sqltypes.AutoString
_TIME = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "page_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("room_id", _TEXT(length=255), nullable=False),
        sa.Column("kind", _TEXT(length=16), nullable=False),
        sa.Column("user_id", _TEXT(length=255), nullable=True),
        sa.Column("token_hash", _TEXT(length=64), nullable=False),
        sa.Column("created_by", _TEXT(length=255), nullable=False),
        sa.Column("event_id", _TEXT(length=255), nullable=False),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.Column("revoked_at", _TIME(), nullable=True),
        sa.Column("revoked_event_id", _TEXT(length=255), nullable=True),
        sa.ForeignKeyConstraint(["room_id"], ["room.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("token_hash"),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_page_link_room_user", "page_link", ["room_id", "user_id"])
    op.create_index("ix_page_link_event_id", "page_link", ["event_id"])
    op.create_table(
        "page_room",
        sa.Column("room_id", _TEXT(length=255), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("changed_by", _TEXT(length=255), nullable=False),
        sa.Column("event_id", _TEXT(length=255), nullable=False),
        sa.Column("updated_at", _TIME(), nullable=False),
        sa.ForeignKeyConstraint(["room_id"], ["room.id"]),
        sa.PrimaryKeyConstraint("room_id"),
    )
    op.create_table(
        "direct_room",
        sa.Column("platform", _TEXT(length=32), nullable=False),
        sa.Column("user_id", _TEXT(length=255), nullable=False),
        sa.Column("room_id", _TEXT(length=255), nullable=False),
        sa.Column("created_at", _TIME(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "user_id"),
    )
    # a plain ADD COLUMN (no table rebuild on SQLite: the outbox keeps everything it has)
    op.add_column("botmessage", sa.Column("recipient", _TEXT(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("botmessage") as batch:
        batch.drop_column("recipient")
    op.drop_table("direct_room")
    op.drop_table("page_room")
    op.drop_index("ix_page_link_event_id", table_name="page_link")
    op.drop_index("ix_page_link_room_user", table_name="page_link")
    op.drop_table("page_link")
