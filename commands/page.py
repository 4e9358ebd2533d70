"""``!page``: the room's page, a read-only web view of its ledger (served by ``bot.web``).

- ``!page``: the sender's own link, sent by direct message. Its token is long and random, tied
  to that member and that room; it stops working when they leave the room.
- ``!page public`` / ``!page public off`` (admins): one open link for the whole room, posted in it.
- ``!page nouveau-lien``: the sender's links stop working, a new one comes by direct message;
  ``!page nouveau-lien tous`` (admins): every link of the room stops working.
- ``!page off`` / ``!page on`` (admins): the room's page closed (every link stops working) or open.

Only the SHA-256 of a token is stored; a request is looked up by that hash and confirmed with
``hmac.compare_digest``. The message that carries a link is an outbox row marked secret: once
delivered, the runtime keeps it with the token hidden.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from commands.core import Context, Registry, UserError
from commands.declare import Declared
from storage.models import Audit, PageLink, PageRoom
from storage.models.page import LINK_MEMBER, LINK_PUBLIC
from storage.pages import active_links, link_by_hash, page_enabled

FAMILY = "page"
TOKEN_PREFIX = "cgp_"  # a page token is recognisable (the log filter hides it)
TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 80
MAX_MEMBER_LINKS = 5  # a member's links that work at once (a phone, a laptop...)
SECRET = "secret"  # ``BotMessage.ref_kind`` of a message that carries a token


def register(reg: Registry) -> None:
    PAGE.register(reg)
    reg.on_undo(undo_by_event)


# --------------------------------------------------------------------------- tokens


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Access:
    """Who opened a room's page: through a member's link (``user_id``) or the public one."""

    room_id: str
    link_id: int
    kind: str
    user_id: str | None


def open_link(db: Session, token: str) -> Access | None:
    """The page that ``token`` opens, or ``None``: unknown, revoked, the room's page off, or the
    member it was given to no longer in the room (or left it since, and came back)."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_LENGTH:
        return None
    digest = token_hash(token)
    link = link_by_hash(db, digest)
    if link is None or not hmac.compare_digest(link.token_hash, digest):
        return None
    if link.revoked or not link.page_on:
        return None
    if link.kind == LINK_MEMBER:
        # gone, or gone and back since the link was given: a leave ends the link for good
        if not link.member_joined or link.member_since is None:
            return None
        if link.member_since > link.created_at:
            return None
    return Access(link.room_id, link.id, link.kind, link.user_id)


def link_url(ctx: Context, token: str) -> str:
    return f"{ctx.settings.page_url}/p/{token}/"


# --------------------------------------------------------------------------- !page


def _page_served(ctx: Context, tokens: list[str]) -> None:
    if not ctx.settings.page_url:
        raise UserError("page.error.no_server", prefix=ctx.settings.prefix)


PAGE = Declared("page", family=FAMILY, refusal="page.usage", before=_page_served)


@PAGE.sub("link", path=())
def send_link(ctx: Context) -> None:
    _need_page_on(ctx)
    _send_member_link(ctx)
    ctx.reply(ctx.t("page.sent"))


@PAGE.sub("renew")
def renew_link(ctx: Context) -> None:
    _need_page_on(ctx)
    revoked = _revoke(ctx, active_links(ctx.db, ctx.room.id, user_id=ctx.sender))
    _send_member_link(ctx)
    ctx.reply(ctx.t("page.renewed", count=revoked))


@PAGE.sub("renew_all", path=("renew", "all"), admin=True)
def renew_all_links(ctx: Context) -> None:
    _need_page_on(ctx)
    links = active_links(ctx.db, ctx.room.id)
    had_public = any(link.kind == LINK_PUBLIC for link in links)
    revoked = _revoke(ctx, links)
    _send_member_link(ctx)
    ctx.reply(ctx.t("page.renewed_all", count=revoked, prefix=ctx.settings.prefix))
    if had_public:
        _public_link(ctx)


@PAGE.sub("public", admin=True)
def open_public(ctx: Context) -> None:
    _need_page_on(ctx)
    _public_link(ctx)


@PAGE.sub("public_off", path=("public", "off"), admin=True)
def close_public(ctx: Context) -> None:
    closed = _revoke(ctx, active_links(ctx.db, ctx.room.id, kind=LINK_PUBLIC))
    key = "page.public_closed" if closed else "page.public_none"
    ctx.reply(ctx.t(key, prefix=ctx.settings.prefix))


@PAGE.sub("off", admin=True)
def turn_off(ctx: Context) -> None:
    revoked = _revoke(ctx, active_links(ctx.db, ctx.room.id))
    changed = _set_enabled(ctx, False)
    key = "page.turned_off" if changed or revoked else "page.already_off"
    ctx.reply(ctx.t(key, count=revoked, prefix=ctx.settings.prefix))


@PAGE.sub("on", admin=True)
def turn_on(ctx: Context) -> None:
    changed = _set_enabled(ctx, True)
    key = "page.turned_on" if changed else "page.already_on"
    ctx.reply(ctx.t(key, prefix=ctx.settings.prefix))


def _need_page_on(ctx: Context) -> None:
    if not page_enabled(ctx.db, ctx.room.id):
        raise UserError("page.error.off", prefix=ctx.settings.prefix)


def _issue(ctx: Context, kind: str, user_id: str | None) -> tuple[PageLink, str]:
    token = new_token()
    link = PageLink(
        room_id=ctx.room.id,
        kind=kind,
        user_id=user_id,
        token_hash=token_hash(token),
        created_by=ctx.sender,
        event_id=ctx.source_event_id,
        created_at=ctx.now,
    )
    ctx.db.add(link)
    ctx.db.flush()
    ctx.audit("issue", "page_link", link.id, kind=kind, user=user_id)
    return link, token


def _send_member_link(ctx: Context) -> None:
    """A new link for the sender, by direct message; their oldest links beyond
    ``MAX_MEMBER_LINKS`` stop working."""
    current = active_links(ctx.db, ctx.room.id, kind=LINK_MEMBER, user_id=ctx.sender)
    _revoke(ctx, current[: max(0, len(current) - MAX_MEMBER_LINKS + 1)])
    link, token = _issue(ctx, LINK_MEMBER, ctx.sender)
    room = ctx.room.name or ctx.room.id
    ctx.direct(
        ctx.sender,
        ctx.t("page.direct", room=room, url=link_url(ctx, token), prefix=ctx.settings.prefix),
        ref=(SECRET, link.id),
    )


def _public_link(ctx: Context) -> None:
    """The room's one public link: a new one, posted in the room (the earlier one stops)."""
    _revoke(ctx, active_links(ctx.db, ctx.room.id, kind=LINK_PUBLIC))
    link, token = _issue(ctx, LINK_PUBLIC, None)
    ctx.reply(
        ctx.t("page.public", url=link_url(ctx, token), prefix=ctx.settings.prefix),
        ref=(SECRET, link.id),
    )


def _revoke(ctx: Context, links: list[PageLink]) -> int:
    for link in links:
        link.revoked_at = ctx.now
        link.revoked_event_id = ctx.event.event_id
        ctx.audit("revoke", "page_link", link.id, kind=link.kind, user=link.user_id)
    ctx.db.flush()
    return len(links)


def _set_enabled(ctx: Context, enabled: bool) -> bool:
    row = ctx.db.get(PageRoom, ctx.room.id)
    before = row is None or row.enabled
    if row is None:
        row = PageRoom(room_id=ctx.room.id)
    changed = before != enabled
    row.enabled = enabled
    row.changed_by, row.event_id, row.updated_at = ctx.sender, ctx.event.event_id, ctx.now
    ctx.db.add(row)
    ctx.db.flush()
    if changed:
        ctx.audit("on" if enabled else "off", "page", ctx.room.id, before=before, after=enabled)
    return changed


# --------------------------------------------------------------------------- undo


def undo_by_event(ctx: Context, target_event_id: str) -> bool:
    """The message of a ``!page`` command was deleted: the links it gave stop working, and a
    page it turned off or on is back as it was. Links it revoked stay revoked (their tokens
    are kept nowhere): the answer says so."""
    links = list(
        ctx.db.exec(
            select(PageLink).where(
                PageLink.room_id == ctx.room.id,
                PageLink.event_id == target_event_id,
                col(PageLink.revoked_at).is_(None),
            )
        ).all()
    )
    switched = ctx.db.exec(
        select(Audit).where(
            Audit.room_id == ctx.room.id,
            Audit.event_id == target_event_id,
            Audit.object_kind == "page",
        )
    ).first()
    if not links and switched is None:
        return False
    # undoing what an admin's !page did is for an admin too
    if links and any(link.kind == LINK_PUBLIC for link in links):
        PAGE.require_admin(ctx, "public")
    if switched is not None:
        PAGE.require_admin(ctx, switched.action)  # the subcommand that switched it: on, off
    _revoke(ctx, links)
    if switched is not None:
        _set_enabled(ctx, bool(switched.details.get("before", True)))
    ctx.reply(ctx.t("page.undone", count=len(links), prefix=ctx.settings.prefix))
    return True
