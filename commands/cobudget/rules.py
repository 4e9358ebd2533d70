"""The states the pure rules of ``commands.lifecycle.cobudget`` read, built from the rows, and
the round's reaction values.
"""

from __future__ import annotations

from commands.cobudget.queries import Figures, allocated_and_spent, figures
from commands.cobudget.words import DEFAULT_REACTIONS
from commands.core import Context
from commands.lifecycle import Actor
from commands.lifecycle import cobudget as life
from storage.models.cobudget import Bucket, CobudgetRound

# The rules of each record are the pure functions of ``commands.lifecycle.cobudget``; what follows
# builds their states from the rows (what applies what they return is in ``funding``,
# ``buckets``, ``rounds``, ``closing`` and ``undo``).


def round_life(ctx: Context, rnd: CobudgetRound, found: Figures | None = None) -> life.Round:
    assert rnd.id is not None
    f = found or figures(ctx, rnd.id)
    return life.Round(
        rnd.state, rnd.title, rnd.deadline, ctx.room.timezone, f.allocations, f.buckets
    )


def bucket_life(
    ctx: Context, bucket: Bucket, rnd: life.Round | None = None, found: Figures | None = None
) -> life.Bucket:
    assert bucket.id is not None
    f = found or figures(ctx, bucket.round_id, bucket.id)
    if rnd is None:
        row = ctx.db.get(CobudgetRound, bucket.round_id)
        assert row is not None
        rnd = round_life(ctx, row, f)
    return life.Bucket(
        bucket.state,
        rnd,
        bucket.number,
        bucket.title,
        bucket.author,
        bucket.min_cents,
        bucket.max_cents,
        f.held,
        f.fundings,
    )


def funding_life(
    ctx: Context, bucket: life.Bucket, round_id: int, funder: str, cents: int, status: str
) -> life.Funding:
    given, used = allocated_and_spent(ctx.db, round_id, funder)
    return life.Funding(status, bucket, cents, funder, given, given - used)


def actor(ctx: Context) -> Actor:
    return Actor(ctx.sender, ctx.is_admin)


def reaction_values(rnd: CobudgetRound) -> dict[str, int]:
    return dict(rnd.reaction_values) if rnd.reaction_values else dict(DEFAULT_REACTIONS)


def _key(key: str) -> str:
    """Reaction keys compare without emoji variation selectors (``💶`` = ``💶️``)."""
    return key.replace("\ufe0f", "").strip()


def reaction_value(rnd: CobudgetRound, key: str) -> int | None:
    wanted = _key(key)
    for k, cents in reaction_values(rnd).items():
        if _key(k) == wanted:
            return cents
    return None
