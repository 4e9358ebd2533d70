"""contribution_month: monthly totals kept by triggers on contribution

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = "room_id = {row}.room_id AND month = {month} AND user_id = {row}.user_id AND project_key = coalesce({row}.project_id, 0)"

SQLITE_MONTH = "date({row}.day, 'start of month')"
SQLITE_ADD = """
    INSERT INTO contribution_month (room_id, month, user_id, project_key, minutes, count)
    VALUES (NEW.room_id, date(NEW.day, 'start of month'), NEW.user_id, coalesce(NEW.project_id, 0),
            NEW.minutes, 1)
    ON CONFLICT (room_id, month, user_id, project_key)
    DO UPDATE SET minutes = minutes + excluded.minutes, count = count + 1;"""
SQLITE_REMOVE = (
    "UPDATE contribution_month SET minutes = minutes - OLD.minutes, count = count - 1 WHERE "
    + _KEY.format(row="OLD", month=SQLITE_MONTH.format(row="OLD"))
    + ";"
)

PG_MONTH = "date_trunc('month', {row}.day)::date"
PG_FUNCTION = f"""
CREATE FUNCTION contribution_month_apply() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        UPDATE contribution_month SET minutes = minutes - OLD.minutes, count = count - 1
        WHERE {_KEY.format(row="OLD", month=PG_MONTH.format(row="OLD"))};
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO contribution_month (room_id, month, user_id, project_key, minutes, count)
        VALUES (NEW.room_id, {PG_MONTH.format(row="NEW")}, NEW.user_id,
                coalesce(NEW.project_id, 0), NEW.minutes, 1)
        ON CONFLICT (room_id, month, user_id, project_key)
        DO UPDATE SET minutes = contribution_month.minutes + EXCLUDED.minutes,
                      count = contribution_month.count + 1;
    END IF;
    RETURN NULL;
END
$$ LANGUAGE plpgsql;
"""


def upgrade() -> None:
    op.create_table(
        "contribution_month",
        sa.Column("room_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("user_id", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("project_key", sa.Integer(), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("room_id", "month", "user_id", "project_key"),
    )
    if op.get_context().dialect.name == "postgresql":
        month = PG_MONTH.format(row="contribution")
        op.execute(PG_FUNCTION)
        op.execute(
            "CREATE TRIGGER contribution_month_t AFTER INSERT OR DELETE OR UPDATE OF room_id, day, "
            "user_id, project_id, minutes ON contribution FOR EACH ROW "
            "EXECUTE FUNCTION contribution_month_apply()"
        )
    else:
        month = SQLITE_MONTH.format(row="contribution")
        op.execute(
            f"CREATE TRIGGER contribution_month_ins AFTER INSERT ON contribution BEGIN {SQLITE_ADD} END"
        )
        op.execute(
            f"CREATE TRIGGER contribution_month_del AFTER DELETE ON contribution BEGIN {SQLITE_REMOVE} END"
        )
        op.execute(
            "CREATE TRIGGER contribution_month_upd AFTER UPDATE OF room_id, day, user_id, project_id, "
            f"minutes ON contribution BEGIN {SQLITE_REMOVE} {SQLITE_ADD} END"
        )
    # what was logged before this migration
    op.execute(
        "INSERT INTO contribution_month (room_id, month, user_id, project_key, minutes, count) "
        f"SELECT room_id, {month}, user_id, coalesce(project_id, 0), sum(minutes), count(*) "
        f"FROM contribution GROUP BY room_id, {month}, user_id, coalesce(project_id, 0)"
    )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER contribution_month_t ON contribution")
        op.execute("DROP FUNCTION contribution_month_apply()")
    else:
        for name in ("ins", "del", "upd"):
            op.execute(f"DROP TRIGGER contribution_month_{name}")
    op.drop_table("contribution_month")
