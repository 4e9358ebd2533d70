"""Reads for the room pages' links: one query finds a link by the hash of its token, with what
decides whether it still opens the page (revoked, the room's page off, its member gone)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlmodel import Session, col
from sqlmodel import select as model_select

from storage.models import Member, PageLink, PageRoom


@dataclass(frozen=True)
class LinkRow:
    id: int
    room_id: str
    kind: str
    user_id: str | None
    token_hash: str
    revoked: bool
    page_on: bool
    member_joined: bool
    created_at: dt.datetime
    member_since: dt.datetime | None  # when the member last joined (or left)


def link_by_hash(db: Session, digest: str) -> LinkRow | None:
    """The link whose token hashes to ``digest`` (hex SHA-256), looked up by that hash."""
    columns: list[Any] = [
        PageLink.id,
        PageLink.room_id,
        PageLink.kind,
        PageLink.user_id,
        PageLink.token_hash,
        PageLink.revoked_at,
        PageRoom.enabled,
        Member.joined,
        Member.is_bot,
        PageLink.created_at,
        Member.updated_at,
    ]
    row = db.execute(
        select(*columns)
        .select_from(PageLink)
        .join(PageRoom, col(PageRoom.room_id) == col(PageLink.room_id), isouter=True)
        .join(
            Member,
            and_(
                col(Member.room_id) == col(PageLink.room_id),
                col(Member.user_id) == col(PageLink.user_id),
            ),
            isouter=True,
        )
        .where(col(PageLink.token_hash) == digest)
    ).first()
    if row is None:
        return None
    (
        link_id,
        room_id,
        kind,
        user_id,
        token_hash,
        revoked_at,
        enabled,
        joined,
        is_bot,
        at,
        since,
    ) = row
    return LinkRow(
        id=int(link_id),
        room_id=room_id,
        kind=kind,
        user_id=user_id,
        token_hash=token_hash,
        revoked=revoked_at is not None,
        page_on=enabled is not False,
        member_joined=bool(joined) and not bool(is_bot),
        created_at=_aware(at),
        member_since=_aware(since) if since is not None else None,
    )


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


def page_enabled(db: Session, room_id: str) -> bool:
    row = db.get(PageRoom, room_id)
    return row is None or row.enabled


def active_links(
    db: Session, room_id: str, *, kind: str | None = None, user_id: str | None = None
) -> list[PageLink]:
    """The room's links that still work (oldest first)."""
    query = model_select(PageLink).where(
        PageLink.room_id == room_id, col(PageLink.revoked_at).is_(None)
    )
    if kind is not None:
        query = query.where(PageLink.kind == kind)
    if user_id is not None:
        query = query.where(PageLink.user_id == user_id)
    return list(db.exec(query.order_by(col(PageLink.id))).all())
