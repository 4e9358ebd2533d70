"""numbers per room, never reused; internal ids never reused on SQLite either

Contributions, rounds, buckets, envelopes and requests get a ``number`` unique in their room
(what people read and type: ``#12``, ``!valider 3``). Existing records keep the number they
showed (their id); each room's counter in ``room_counter`` continues after the highest number it
ever gave (a record deleted before this migration is still named by its audit row). Requests get
their envelope's ``room_id``.

On SQLite, every table with an integer id is rebuilt with AUTOINCREMENT, so that an id freed by
a deletion is never given again (the audit trail and bot messages name records by id); the
sequences start after the highest id the audit trail names. Rebuilding ``contribution`` drops its
``contribution_month`` triggers (migration 0007): they are created again. PostgreSQL's sequences
never go back: its tables stay as they are.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table -> (counter kind, how the audit names the creation of one: object_kind, action)
NUMBERED = {
    "contribution": ("contribution", "contribution", "create"),
    "cobudget_round": ("round", "round", "open"),
    "cobudget_bucket": ("bucket", "bucket", "create"),
    "budget_envelope": ("envelope", "budget_envelope", "create"),
    "budget_request": ("request", "budget_request", "create"),
}

# every table with an integer id (rebuilt on SQLite with AUTOINCREMENT)
WITH_IDS = (
    "audit",
    "botmessage",
    "project",
    "contribution",
    "cobudget_round",
    "cobudget_allocation",
    "cobudget_bucket",
    "cobudget_funding",
    "recapsent",
    "budget_envelope",
    "budget_share",
    "budget_request",
    "budget_question",
    "budget_validation",
    "budget_giveback",
    "pending_action",
)

# the contribution_month triggers of migration 0007 (SQLite), as they were created there
_KEY = (
    "room_id = OLD.room_id AND month = date(OLD.day, 'start of month') AND user_id = OLD.user_id "
    "AND project_key = coalesce(OLD.project_id, 0)"
)
SQLITE_ADD = """
    INSERT INTO contribution_month (room_id, month, user_id, project_key, minutes, count)
    VALUES (NEW.room_id, date(NEW.day, 'start of month'), NEW.user_id, coalesce(NEW.project_id, 0),
            NEW.minutes, 1)
    ON CONFLICT (room_id, month, user_id, project_key)
    DO UPDATE SET minutes = minutes + excluded.minutes, count = count + 1;"""
SQLITE_REMOVE = (
    "UPDATE contribution_month SET minutes = minutes - OLD.minutes, count = count - 1 WHERE "
    + _KEY
    + ";"
)
SQLITE_TRIGGERS = (
    f"CREATE TRIGGER contribution_month_ins AFTER INSERT ON contribution BEGIN {SQLITE_ADD} END",
    f"CREATE TRIGGER contribution_month_del AFTER DELETE ON contribution BEGIN {SQLITE_REMOVE} END",
    "CREATE TRIGGER contribution_month_upd AFTER UPDATE OF room_id, day, user_id, project_id, "
    f"minutes ON contribution BEGIN {SQLITE_REMOVE} {SQLITE_ADD} END",
)


def _sqlite() -> bool:
    return bool(op.get_context().dialect.name == "sqlite")


def _audited(object_kind: str, action: str) -> str:
    """``SELECT room_id, n``: the ids that audit rows say were created (numbers before 0009)."""
    if _sqlite():
        digits = "object_id <> '' AND object_id NOT GLOB '*[^0-9]*' AND length(object_id) <= 9"
    else:
        digits = "object_id ~ '^[0-9]{1,9}$'"
    return (
        "SELECT room_id, CAST(object_id AS INTEGER) AS n FROM audit "
        f"WHERE object_kind = '{object_kind}' AND action = '{action}' AND {digits}"
    )


def upgrade() -> None:
    sqlite = _sqlite()
    op.create_table(
        "room_counter",
        sa.Column("room_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["room_id"], ["room.id"]),
        sa.PrimaryKeyConstraint("room_id", "kind"),
    )
    op.add_column(
        "budget_request",
        sa.Column("room_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=True),
    )
    op.execute(
        "UPDATE budget_request SET room_id = (SELECT budget_envelope.room_id FROM budget_envelope "
        "WHERE budget_envelope.id = budget_request.envelope_id)"
    )
    for table, (kind, object_kind, action) in NUMBERED.items():
        op.add_column(table, sa.Column("number", sa.Integer(), nullable=True))
        op.execute(f"UPDATE {table} SET number = id")
        op.execute(
            "INSERT INTO room_counter (room_id, kind, last) "
            f"SELECT room_id, '{kind}', max(n) FROM ("
            f"SELECT room_id, number AS n FROM {table} UNION ALL {_audited(object_kind, action)}"
            ") AS given WHERE room_id IN (SELECT id FROM room) GROUP BY room_id"
        )

    if not sqlite:
        for table in NUMBERED:
            op.alter_column(table, "number", existing_type=sa.Integer(), nullable=False)
            op.create_unique_constraint(f"uq_{table}_number", table, ["room_id", "number"])
        op.alter_column(
            "budget_request",
            "room_id",
            existing_type=sqlmodel.sql.sqltypes.AutoString(length=255),
            nullable=False,
        )
        op.create_foreign_key(
            "budget_request_room_id_fkey", "budget_request", "room", ["room_id"], ["id"]
        )
        return

    # SQLite: rebuild with AUTOINCREMENT (foreign keys are off while migrating: storage.db)
    for table in WITH_IDS:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": True}
        ) as batch:
            if table in NUMBERED:
                batch.alter_column("number", existing_type=sa.Integer(), nullable=False)
                batch.create_unique_constraint(f"uq_{table}_number", ["room_id", "number"])
            if table == "budget_request":
                batch.alter_column(
                    "room_id",
                    existing_type=sqlmodel.sql.sqltypes.AutoString(length=255),
                    nullable=False,
                )
                batch.create_foreign_key("budget_request_room_id_fkey", "room", ["room_id"], ["id"])
    # ids that the audit trail names but that were deleted before: not given again
    for table, (_kind, object_kind, action) in NUMBERED.items():
        op.execute(
            f"INSERT INTO sqlite_sequence (name, seq) SELECT '{table}', 0 "
            f"WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = '{table}')"
        )
        op.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, "
            f"coalesce((SELECT max(n) FROM ({_audited(object_kind, action)})), 0)) "
            f"WHERE name = '{table}'"
        )
    for trigger in SQLITE_TRIGGERS:
        op.execute(trigger)


def downgrade() -> None:
    sqlite = _sqlite()
    if not sqlite:
        op.drop_constraint("budget_request_room_id_fkey", "budget_request", type_="foreignkey")
        for table in NUMBERED:
            op.drop_constraint(f"uq_{table}_number", table, type_="unique")
            op.drop_column(table, "number")
        op.drop_column("budget_request", "room_id")
        op.drop_table("room_counter")
        return
    for table in WITH_IDS:
        with op.batch_alter_table(
            table, recreate="always", table_kwargs={"sqlite_autoincrement": False}
        ) as batch:
            if table == "budget_request":
                batch.drop_constraint("budget_request_room_id_fkey", type_="foreignkey")
                batch.drop_column("room_id")
            if table in NUMBERED:
                batch.drop_constraint(f"uq_{table}_number", type_="unique")
                batch.drop_column("number")
    op.drop_table("room_counter")
    for trigger in SQLITE_TRIGGERS:
        op.execute(trigger)
