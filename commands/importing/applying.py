"""Applying a plan in the caller's transaction, and the preview that says what it would do."""

from __future__ import annotations

from sqlalchemy import insert

from commands.core import Context
from commands.importing.fields import (
    ALLOCATIONS,
    CONTRIBUTIONS,
    SHOWN_REFUSALS_CHAT,
    SHOWN_ROWS,
    Plan,
    Row,
)
from commands.importing.planning import _short
from commands.render import Rich, lines, table
from storage.models import Allocation, Contribution
from storage.numbers import CONTRIBUTION, next_number


def apply(ctx: Context, result: Plan) -> list[Row]:
    """Write the plan's new rows (in the caller's transaction) with an audit row each; returns
    them. Raises ``ValueError`` on a plan that refuses rows (nothing is half-imported)."""
    if not result.ok:
        raise ValueError("a plan with refused rows is not applied")
    written = [r for r in result.new]
    if result.kind == CONTRIBUTIONS:
        table_ = Contribution.__table__  # type: ignore[attr-defined]
        for row in written:
            assert row.day is not None
            values = {
                "room_id": ctx.room.id,
                "number": next_number(ctx.db, ctx.room.id, CONTRIBUTION),
                "user_id": row.user_id,
                "minutes": row.minutes,
                "day": row.day,
                "project_id": row.project.id if row.project else None,
                "description": row.description,
                "event_id": row.import_id,
                "created_by": ctx.sender,
                "created_at": ctx.now,
                "updated_at": ctx.now,
            }
            key = ctx.db.connection().execute(insert(table_), values).inserted_primary_key
            assert key is not None
            ctx.audit(
                "import",
                "contribution",
                int(key[0]),
                file=result.file_name,
                line=row.line,
                import_id=row.import_id,
                number=values["number"],
                user=row.user_id,
                minutes=row.minutes,
                day=row.day,
                project=row.project.code if row.project else None,
                description=row.description,
            )
    else:
        rnd = result.round
        assert rnd is not None and rnd.id is not None
        for row in written:
            allocation = Allocation(
                round_id=rnd.id,
                room_id=ctx.room.id,
                user_id=row.user_id,
                cents=row.cents,
                method="import",
                details={"file": result.file_name, "line": row.line},
                created_by=ctx.sender,
                event_id=row.import_id,
                created_at=ctx.now,
            )
            ctx.db.add(allocation)
            ctx.db.flush()
            ctx.audit(
                "allocate",
                "round",
                rnd.id,
                user=row.user_id,
                cents=row.cents,
                method="import",
                file=result.file_name,
                line=row.line,
                import_id=row.import_id,
            )
    return written


def preview(ctx: Context, result: Plan, *, all_refusals: bool = False) -> Rich:
    """What importing would do, in the room's language (also the command line's output)."""
    parts: list[Rich | str] = [
        ctx.t(
            "data.import.title",
            kind=ctx.t(f"data.import.kind.{result.kind}"),
            file=result.file_name,
            format=ctx.t(
                "data.import.format.own"
                if result.own_export
                else "data.import.format.cobudget"
                if result.kind == ALLOCATIONS
                else "data.import.format.sheet"
            ),
            columns=", ".join(f"{k} = {v}" for k, v in result.columns.items()),
        )
    ]
    parts += result.problems
    new = result.new
    if new:
        if result.kind == CONTRIBUTIONS:
            minutes = sum(r.minutes for r in new)
            parts.append(
                ctx.t(
                    "data.import.would_contributions",
                    rows=len(new),
                    duration=ctx.duration(minutes),
                    people=len({r.user_id for r in new}),
                )
            )
            shown = [
                [
                    str(r.line),
                    ctx.date(r.day) if r.day else "",
                    ctx.name(r.user_id),
                    ctx.duration(r.minutes),
                    r.project.code if r.project else "",
                    _short(r.description, 30),
                ]
                for r in new[:SHOWN_ROWS]
            ]
            heads: tuple[str, ...] = (
                "line",
                "date",
                "person",
                "duration",
                "project",
                "description",
            )
            align = "llllll"
        else:
            parts.append(
                ctx.t(
                    "data.import.would_allocations",
                    rows=len(new),
                    total=ctx.money(sum(r.cents for r in new)),
                    title=result.round.title if result.round else "",
                )
            )
            shown = [
                [str(r.line), ctx.name(r.user_id), ctx.money(r.cents)] for r in new[:SHOWN_ROWS]
            ]
            heads = ("line", "person", "amount")
            align = "llr"
        parts.append(table([ctx.t(f"data.import.col.{h}") for h in heads], shown, align=align))
        if len(new) > SHOWN_ROWS:
            parts.append(ctx.t("data.import.more", more=len(new) - SHOWN_ROWS))
    already = len(result.rows) - len(new)
    if already:
        parts.append(ctx.t("data.import.already", rows=already))
    if result.refused:
        parts += _refused_lines(ctx, result, all_refusals)
    if result.unknown:
        parts.append(
            ctx.t(
                "data.import.unknown",
                people=", ".join(result.unknown[:30]),
                count=len(result.unknown),
            )
        )
    if not result.ok:
        parts.append(ctx.t("data.import.nothing"))
    elif not new:
        parts.append(ctx.t("data.import.nothing_new"))
    return lines(*parts)


def _refused_lines(ctx: Context, result: Plan, all_refusals: bool) -> list[str]:
    """The preview's refused rows: each with its line and reason (in the room, the first
    ``SHOWN_REFUSALS_CHAT``, then how many more)."""
    said = [ctx.t("data.import.refused_title", rows=len(result.refused))]
    limit = None if all_refusals else SHOWN_REFUSALS_CHAT
    for line, reason in result.refused[:limit]:
        said.append(ctx.t("data.import.refused_row", line=line, reason=reason))
    if limit is not None and len(result.refused) > limit:
        said.append(ctx.t("data.import.more_refused", more=len(result.refused) - limit))
    return said
