"""A request revised after a landing (``!demande KPA revise``) and its undo."""

from __future__ import annotations

from sqlmodel import col, select

from commands.budget import common, lives, requests, undoing
from commands.core import Context, UserError
from commands.grammar import match_amount
from commands.lifecycle import (
    Act,
    act,
    require,
    tell_undo,
    undo,
    undone_before,
)
from commands.lifecycle import budget as life
from storage.models import Audit

# --------------------------------------------------------------------------- revised amounts


def revise_command(ctx: Context, tokens: list[str]) -> None:
    p = ctx.settings.prefix
    req, env = requests._load_request(ctx, tokens[0])
    found = match_amount(tokens, 2)
    if found is None or len(tokens) > 2 + found[1]:
        raise UserError("budget.landing.error.revise_usage", id=req.number, prefix=p)
    common._check_amount(ctx, found[0], " ".join(tokens[2 : 2 + found[1]]))
    cents = found[0].cents
    if req.user_id != ctx.sender:
        raise UserError("budget.landing.error.revise_own", id=req.number, prefix=p)
    require(
        ctx,
        life.request_step(
            lives.request_life(ctx, req, env), act(Act.EDIT), common.actor(ctx), ctx.now
        ),
    )
    if cents > req.amount:
        raise UserError(
            "budget.landing.error.revise_more",
            id=req.number,
            asked=ctx.money(req.amount),
            project=common._project(ctx.db, env).code,
            amount=ctx.money(cents),
            prefix=p,
        )
    before = req.revised
    req.revised = cents
    ctx.db.flush()
    ctx.audit("revise", "budget_request", req.id, before=before, after=cents)
    ctx.reply(
        ctx.t(
            "budget.landing.revised",
            id=req.number,
            who=ctx.name(req.user_id),
            amount=ctx.money(cents),
            asked=ctx.money(req.amount),
            project=common._project(ctx.db, env).code,
            prefix=p,
        )
    )


def undo_revision(ctx: Context, changes: list[Audit]) -> bool:
    """The message that revised a request (and its edits) was deleted: the revised amount before
    it comes back, unless another message revised it since."""
    first, last = changes[0], changes[-1]
    req, env = undoing._request_of(ctx, int(first.object_id))
    later = ctx.db.exec(
        select(Audit.id).where(
            Audit.object_kind == "budget_request",
            Audit.object_id == first.object_id,
            Audit.action == "revise",
            col(Audit.id) > last.id,
        )
    ).first()
    unchanged = (
        req.revised == last.details.get("after") and later is None and not undone_before(ctx, first)
    )
    require(
        ctx,
        life.request_step(
            lives.request_life(ctx, req, env, unchanged=unchanged),
            undo(Act.EDIT),
            common.actor(ctx),
            ctx.now,
        ),
    )
    restored = first.details.get("before")
    req.revised = None if restored is None else int(restored)
    ctx.db.flush()
    ctx.audit("unrevise", "budget_request", req.id, restored=req.revised, undoes=first.event_id)
    tell_undo(
        ctx,
        ctx.t(
            "budget.landing.unrevised",
            id=req.number,
            who=ctx.name(req.user_id),
            amount=ctx.money(req.revised) if req.revised is not None else "—",
        ),
    )
    return True
