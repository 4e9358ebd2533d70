"""adapter cursors

Each chat adapter keeps what it remembers between runs in one key–value table of its own
(``adapter_cursor``: platform, key → value), instead of tables and queries of the core: the
Mattermost read positions move there from ``mattermostcursor`` (key ``channel:<id>``, the post
time in milliseconds), and so does what the Mattermost adapter read from the handled events to
undo a removed reaction: the event id of the latest reaction each person put on each post
(key ``reaction:<post>:<user>:<emoji>``). The Matrix power level from which a member is a
room's admin leaves the core's ``room`` table for the Matrix adapter's keys (key
``admin_level:<room>``, every room's value as it was).

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0017"
down_revision: str | Sequence[str] | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MATTERMOST = "mattermost"
MATRIX = "matrix"


def _cursor_table() -> sa.Table:
    return sa.table(
        "adapter_cursor",
        sa.column("platform", sa.String),
        sa.column("key", sa.String),
        sa.column("value", sa.String),
        sa.column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime()),
    )


def upgrade() -> None:
    op.create_table(
        "adapter_cursor",
        sa.Column("platform", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("value", sqlmodel.sql.sqltypes.AutoString(length=1024), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("platform", "key"),
    )
    conn = op.get_bind()
    rows: list[dict[str, object]] = []
    old = sa.table(
        "mattermostcursor",
        sa.column("channel_id", sa.String),
        sa.column("last_post_at", sa.BigInteger),
        sa.column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime()),
    )
    for channel_id, post_at, updated_at in conn.execute(
        sa.select(old.c.channel_id, old.c.last_post_at, old.c.updated_at)
    ):
        rows.append(
            {
                "platform": MATTERMOST,
                "key": f"channel:{channel_id}",
                "value": str(post_at),
                "updated_at": updated_at,
            }
        )
    # the latest reaction of each person on each post, in the Mattermost rooms (its event id is
    # "<post>:<user>:<emoji>:<created at>")
    events = sa.table(
        "chatevent",
        sa.column("event_id", sa.String),
        sa.column("room_id", sa.String),
        sa.column("kind", sa.String),
        sa.column("handled_at", sqlmodel.sql.sqltypes.UTCDateTime()),
    )
    rooms = sa.table("room", sa.column("id", sa.String), sa.column("platform", sa.String))
    latest: dict[str, tuple[object, str]] = {}
    for event_id, handled_at in conn.execute(
        sa.select(events.c.event_id, events.c.handled_at)
        .select_from(events.join(rooms, rooms.c.id == events.c.room_id))
        .where(events.c.kind == "ReactionAdded", rooms.c.platform == MATTERMOST)
        .order_by(events.c.handled_at, events.c.event_id)
    ):
        key = str(event_id).rsplit(":", 1)[0]
        if key.count(":") == 2:
            latest[key] = (handled_at, str(event_id))
    for key, (handled_at, event_id) in latest.items():
        rows.append(
            {
                "platform": MATTERMOST,
                "key": f"reaction:{key}",
                "value": event_id,
                "updated_at": handled_at,
            }
        )
    room_levels = sa.table(
        "room",
        sa.column("id", sa.String),
        sa.column("admin_level", sa.Integer),
        sa.column("created_at", sqlmodel.sql.sqltypes.UTCDateTime()),
    )
    for room_id, level, created_at in conn.execute(
        sa.select(room_levels.c.id, room_levels.c.admin_level, room_levels.c.created_at)
    ):
        rows.append(
            {
                "platform": MATRIX,
                "key": f"admin_level:{room_id}",
                "value": str(level),
                "updated_at": created_at,
            }
        )
    if rows:
        op.bulk_insert(_cursor_table(), rows)
    op.drop_table("mattermostcursor")
    # a plain dropped column: SQLite drops it in place (no rebuild; the room table has no
    # trigger anyway)
    op.drop_column("room", "admin_level")


def downgrade() -> None:
    op.create_table(
        "mattermostcursor",
        sa.Column("channel_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("last_post_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("channel_id"),
    )
    conn = op.get_bind()
    cursors = _cursor_table()
    old = sa.table(
        "mattermostcursor",
        sa.column("channel_id", sa.String),
        sa.column("last_post_at", sa.BigInteger),
        sa.column("updated_at", sqlmodel.sql.sqltypes.UTCDateTime()),
    )
    back = [
        {"channel_id": key.removeprefix("channel:"), "last_post_at": int(value), "updated_at": at}
        for key, value, at in conn.execute(
            sa.select(cursors.c.key, cursors.c.value, cursors.c.updated_at).where(
                cursors.c.platform == MATTERMOST, cursors.c.key.startswith("channel:")
            )
        )
    ]
    if back:
        op.bulk_insert(old, back)
    op.add_column(
        "room", sa.Column("admin_level", sa.Integer(), nullable=False, server_default="50")
    )
    for key, value in conn.execute(
        sa.select(cursors.c.key, cursors.c.value).where(
            cursors.c.platform == MATRIX, cursors.c.key.startswith("admin_level:")
        )
    ):
        conn.execute(
            sa.text("UPDATE room SET admin_level = :level WHERE id = :id"),
            {"level": int(value), "id": key.removeprefix("admin_level:")},
        )
    op.drop_table("adapter_cursor")
