"""The cobudget section of the weekly recap."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlmodel import col, select

from commands.cobudget.queries import bucket_total, open_round, round_buckets
from commands.cobudget.words import CLOSE_TO_GOAL_PERCENT
from commands.core import RecapScope
from commands.render import Rich, esc
from storage.models.cobudget import BUCKET_COMPLETED, BUCKET_FUNDED, BUCKET_OPEN, Bucket

# --------------------------------------------------------------------------- recap


def _utc_bounds(scope: RecapScope) -> tuple[dt.datetime, dt.datetime]:
    tz = ZoneInfo(scope.room.timezone)
    start = dt.datetime.combine(scope.start, dt.time(), tz).astimezone(dt.UTC)
    end = dt.datetime.combine(scope.end, dt.time(), tz).astimezone(dt.UTC)
    return start, end


def recap_section(scope: RecapScope) -> Rich | None:
    """Buckets funded in the period, new ones, and open ones close to their goal."""
    start, end = _utc_bounds(scope)
    db = scope.db
    room = scope.room.id
    funded = db.exec(
        select(Bucket)
        .where(
            Bucket.room_id == room,
            col(Bucket.funded_at) >= start,
            col(Bucket.funded_at) < end,
            col(Bucket.state).in_((BUCKET_FUNDED, BUCKET_COMPLETED)),
        )
        .order_by(col(Bucket.id))
    ).all()
    new = db.exec(
        select(Bucket)
        .where(Bucket.room_id == room, Bucket.created_at >= start, Bucket.created_at < end)
        .order_by(col(Bucket.id))
    ).all()
    rnd = open_round(db, room)
    close: list[tuple[Bucket, int]] = []
    if rnd is not None and rnd.id is not None:
        for bucket in round_buckets(db, rnd.id):
            if bucket.state != BUCKET_OPEN or bucket.id is None:
                continue
            held, _ = bucket_total(db, bucket.id)
            if held * 100 >= bucket.min_cents * CLOSE_TO_GOAL_PERCENT:
                close.append((bucket, held))
    if not funded and not new and not close:
        return None
    text: list[str] = [scope.t("buckets.recap.title")]
    html: list[str] = [f"<b>{esc(text[0])}</b>"]

    def add(line: str) -> None:
        text.append(line)
        html.append(esc(line))

    for bucket in funded:
        assert bucket.id is not None
        add(
            scope.t(
                "buckets.recap.funded",
                id=bucket.number,
                title=bucket.title,
                held=scope.money(bucket_total(db, bucket.id)[0]),
            )
        )
    for bucket, held in close:
        add(
            scope.t(
                "buckets.recap.close",
                id=bucket.number,
                title=bucket.title,
                held=scope.money(held),
                min=scope.money(bucket.min_cents),
                missing=scope.money(bucket.min_cents - held),
            )
        )
    for bucket in new:
        add(
            scope.t(
                "buckets.recap.new",
                id=bucket.number,
                title=bucket.title,
                who=scope.name(bucket.author),
                min=scope.money(bucket.min_cents),
            )
        )
    return Rich("\n".join(text), "<br/>\n".join(html))
