"""read paths: fundings indexed without their state, monthly totals stored in their key's order

- ``cobudget_funding``: its two indexes no longer hold ``state``, so that closing a round, which
  gives back thousands of fundings at once, changes their rows and no index entry. The readers
  of active fundings find a bucket's or a funder's few rows by the index and read their state
  from the row.
- ``contribution_month``: on SQLite a ``WITHOUT ROWID`` table, its rows stored in the order of its
  key (room, month, person, project), so that totals over a year read one b-tree instead of an
  index then every row; on PostgreSQL its key index includes ``minutes`` and ``count`` (reads
  from the index alone). Rebuilding the table on SQLite drops nothing on ``contribution``: its
  triggers are dropped first and created again, as 0007 made them.

Revision ID: 0021
Revises: 0020
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | Sequence[str] | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

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

_MONTH_TABLE = """
CREATE TABLE {name} (
    room_id VARCHAR(255) NOT NULL,
    month DATE NOT NULL,
    user_id VARCHAR(255) NOT NULL,
    project_key INTEGER NOT NULL,
    minutes INTEGER NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (room_id, month, user_id, project_key)
){options}"""
_COLUMNS = "room_id, month, user_id, project_key, minutes, count"
_PG_KEY = "contribution_month_pkey"


def _sqlite() -> bool:
    return bool(op.get_context().dialect.name == "sqlite")


def _month_table(options: str) -> None:
    """contribution_month rebuilt on SQLite (``options``: after its columns), its rows and
    the triggers on ``contribution`` kept."""
    for name in ("ins", "del", "upd"):
        op.execute(f"DROP TRIGGER contribution_month_{name}")
    op.execute(_MONTH_TABLE.format(name="contribution_month_new", options=options))
    op.execute(
        f"INSERT INTO contribution_month_new ({_COLUMNS}) SELECT {_COLUMNS} FROM contribution_month"
    )
    op.execute("DROP TABLE contribution_month")
    op.execute("ALTER TABLE contribution_month_new RENAME TO contribution_month")
    for trigger in SQLITE_TRIGGERS:
        op.execute(trigger)


def _funding_indexes(state: bool) -> None:
    """The two indexes of ``cobudget_funding``, with ``state`` or without."""
    if state:
        op.drop_index("ix_cobudget_funding_bucket", table_name="cobudget_funding")
        op.drop_index("ix_cobudget_funding_round_funder", table_name="cobudget_funding")
        op.create_index(
            "ix_cobudget_funding_bucket_state", "cobudget_funding", ["bucket_id", "state"]
        )
        op.create_index(
            "ix_cobudget_funding_round_funder_state",
            "cobudget_funding",
            ["round_id", "funder", "state"],
        )
    else:
        op.drop_index("ix_cobudget_funding_bucket_state", table_name="cobudget_funding")
        op.drop_index("ix_cobudget_funding_round_funder_state", table_name="cobudget_funding")
        op.create_index("ix_cobudget_funding_bucket", "cobudget_funding", ["bucket_id"])
        op.create_index(
            "ix_cobudget_funding_round_funder", "cobudget_funding", ["round_id", "funder"]
        )


def upgrade() -> None:
    _funding_indexes(state=False)
    if _sqlite():
        _month_table(" WITHOUT ROWID")
    else:
        op.execute(
            f"ALTER TABLE contribution_month DROP CONSTRAINT {_PG_KEY}, "
            f"ADD CONSTRAINT {_PG_KEY} PRIMARY KEY (room_id, month, user_id, project_key) "
            "INCLUDE (minutes, count)"
        )


def downgrade() -> None:
    if _sqlite():
        _month_table("")
    else:
        op.execute(
            f"ALTER TABLE contribution_month DROP CONSTRAINT {_PG_KEY}, "
            f"ADD CONSTRAINT {_PG_KEY} PRIMARY KEY (room_id, month, user_id, project_key)"
        )
    _funding_indexes(state=True)
