"""Where an envelope's money comes from, and several envelopes per project.

- An envelope's amount is always the sum of its sources (``budget_source``): the amount it was
  created with (``initial``), top-ups (``!budget KPA source subvention 2000€``: a label and an
  amount) and shares of paid services (``!prestation KPA 3000€ 10% "formation X"``: the service
  is recorded and 10 % of it goes into the envelope, rounded to the cent, half a cent up). Admins
  or the envelope's owner add them while it is open; removing the message takes the money out
  again. A landing applied to the envelope is recomputed on the new amount.
- Envelopes for a mission or an event carry a label (``mission "Fête de quartier"``) and may
  have an owner (``soucieux @bob``), who settles that envelope like an admin (close, accord,
  prorata, apply a landing, add a source; not other envelopes). Several open envelopes of one
  project coexist when their labels differ; ``#N`` (the envelope's number in the room) names one
  wherever a project code does: ``!budget #3 clore``, ``!demande #3 50€``, ``!prestation #3 …``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import col, func, select

from commands.args import EnvelopeRef, Words
from commands.budget import common, envelope_refs, envelopes, landing
from commands.core import Context, Registry, UserError
from commands.declare import Arg, Declared
from commands.grammar import match_amount, parse_percent
from commands.lifecycle import ABSENT, Act, act, require, tell_undo, undo
from commands.lifecycle import budget as life
from storage.models import Audit, BudgetEnvelope, BudgetSource, Project

FAMILY = "budget_sources"


def _usage(ctx: Context, tokens: list[str]) -> None:
    if not tokens:
        raise UserError(
            "budget_sources.error.prestation_usage", project="KPA", prefix=ctx.settings.prefix
        )


PRESTATION = Declared("prestation", family=FAMILY, before=_usage)


def register(reg: Registry) -> None:
    PRESTATION.register(reg)
    reg.on_undo(undo_by_event)


def share_of(service: int, percent_bp: int) -> int:
    """``percent_bp`` basis points of ``service`` cents, to the cent, half a cent up (10 % of
    33,35 € is 3,335 €: 3,34 €)."""
    exact = Decimal(service) * Decimal(percent_bp) / Decimal(10000)
    return int(exact.quantize(Decimal(1), ROUND_HALF_UP))


def record_initial(ctx: Context, env: BudgetEnvelope) -> None:
    """A new envelope: its amount is its first source."""
    ctx.db.add(
        BudgetSource(
            envelope_id=common._id(env),
            kind=envelope_refs.INITIAL,
            label="",
            amount=env.amount,
            user_id=ctx.sender,
            event_id=ctx.source_event_id,
            created_at=ctx.now,
        )
    )


def topups(ctx: Context, env: BudgetEnvelope) -> int:
    """How many sources were added to ``env`` after it was created."""
    return int(
        ctx.db.exec(
            select(func.count(col(BudgetSource.id))).where(
                BudgetSource.envelope_id == env.id, BudgetSource.kind != envelope_refs.INITIAL
            )
        ).one()
    )


def forget_envelope(ctx: Context, env: BudgetEnvelope) -> None:
    """The envelope is deleted (its message was): its initial source goes with it."""
    for source in ctx.db.exec(select(BudgetSource).where(BudgetSource.envelope_id == env.id)):
        ctx.db.delete(source)
    ctx.db.flush()


def _split_amount(tokens: list[str]) -> tuple[int, int] | None:
    """Where the amount stands among ``tokens``: at the end (``subvention région 2000€``), else
    the first one (``2000€ subvention``): (index, tokens used)."""
    for i in range(len(tokens)):
        found = match_amount(tokens, i)
        if found is not None and i + found[1] == len(tokens):
            return i, found[1]
    for i in range(len(tokens)):
        found = match_amount(tokens, i)
        if found is not None:
            return i, found[1]
    return None


def source_command(ctx: Context, project: Project, tokens: list[str]) -> None:
    """``!budget KPA source subvention 2000€``: a top-up of the envelope."""
    p = ctx.settings.prefix
    where = _split_amount(tokens)
    if where is None:
        raise UserError("budget_sources.error.source_usage", project=project.code, prefix=p)
    i, used = where
    cents, _ = common._amount(ctx, tokens, i, "budget_sources.error.source_usage")
    label = " ".join(tokens[:i] + tokens[i + used :]).strip()
    if not label:
        raise UserError("budget_sources.error.source_label", project=project.code, prefix=p)
    if len(label) > envelope_refs.LABEL_MAX:
        raise UserError(
            "budget_sources.error.label_long",
            most=envelope_refs.LABEL_MAX,
            prefix=ctx.settings.prefix,
        )
    env = envelopes.pick_envelope(ctx, project, None, open_only=True)
    _add(ctx, env, envelope_refs.SOURCE, label, cents, None, None)


@PRESTATION.sub(
    "add",
    Arg("ref", EnvelopeRef()),
    Arg("rest", Words(), optional=True, shown="service_terms"),
    path=(),
    admin=False,  # admins or the envelope's owner: checked with the envelope (``_add``)
)
def prestation_command(
    ctx: Context, ref: tuple[Project, BudgetEnvelope | None], rest: list[str] | None
) -> None:
    """``!prestation KPA 3000€ 10% "formation X"``: a paid service, a share of which goes into
    the envelope (its price, its share and its name in any order)."""
    p = ctx.settings.prefix
    project, env_named = ref
    rest = rest or []
    usage = {"project": project.code, "prefix": p}
    percent_at = next(
        (k for k, tok in enumerate(rest) if tok.endswith("%") or rest[k + 1 : k + 2] == ["%"]),
        None,
    )
    if percent_at is None:
        raise UserError("budget_sources.error.prestation_percent", **usage)
    width = 1 if rest[percent_at].endswith("%") else 2
    bp = parse_percent("".join(rest[percent_at : percent_at + width]))
    if bp is None or not 0 < bp <= 10000:
        raise UserError(
            "budget_sources.error.prestation_percent_range",
            token="".join(rest[percent_at : percent_at + width]),
            **usage,
        )
    others = rest[:percent_at] + rest[percent_at + width :]
    found = next(
        ((k, m[1]) for k in range(len(others)) if (m := match_amount(others, k)) is not None),
        None,
    )
    if found is None:
        raise UserError("budget_sources.error.prestation_usage", **usage)
    k, used = found
    service, _ = common._amount(ctx, others, k, "budget_sources.error.prestation_usage")
    label = " ".join(others[:k] + others[k + used :]).strip()
    if len(label) > envelope_refs.LABEL_MAX:
        raise UserError(
            "budget_sources.error.label_long",
            most=envelope_refs.LABEL_MAX,
            prefix=ctx.settings.prefix,
        )
    cents = share_of(service, bp)
    if cents <= 0:
        raise UserError(
            "budget_sources.error.prestation_nothing",
            service=ctx.money(service),
            pct=common.percent(bp, ctx.lang),
            **usage,
        )
    with envelope_refs.choosing(env_named):
        env = envelopes.pick_envelope(ctx, project, None, open_only=True)
    _add(ctx, env, envelope_refs.PRESTATION, label, cents, service, bp)


def _add(
    ctx: Context,
    env: BudgetEnvelope,
    kind: str,
    label: str,
    cents: int,
    service: int | None,
    percent_bp: int | None,
) -> None:
    require(
        ctx,
        life.source_step(
            life.Source(ABSENT, envelope_refs._life(ctx, env)),
            act(Act.CREATE),
            common.actor(ctx, env),
            ctx.now,
        ),
    )
    before = env.amount
    source = BudgetSource(
        envelope_id=common._id(env),
        kind=kind,
        label=label,
        amount=cents,
        service=service,
        percent_bp=percent_bp,
        user_id=ctx.sender,
        event_id=ctx.source_event_id,
        created_at=ctx.now,
    )
    ctx.db.add(source)
    env.amount = before + cents
    ctx.db.flush()
    ctx.audit(
        kind,
        "budget_envelope",
        env.id,
        source=source.id,
        label=label,
        amount=cents,
        service=service,
        percent_bp=percent_bp,
        before=before,
        after=env.amount,
    )
    what = (
        ctx.t(
            "budget_sources.prestation_what",
            service=ctx.money(service),
            pct=common.percent(percent_bp, ctx.lang),
            label=label or ctx.t("budget_sources.kind.prestation"),
        )
        if service is not None and percent_bp is not None
        else label
    )
    ctx.reply(
        ctx.t(
            "budget_sources.added",
            id=env.number,
            envelope=common._label(ctx, env),
            amount=ctx.money(cents),
            what=what,
            total=ctx.money(env.amount),
        )
    )
    landing.reland(ctx, env)


def undo_by_event(ctx: Context, target_event_id: str) -> bool:
    """The message that added a source was removed: its money leaves the envelope (while it is
    open), and a landing applied to it is recomputed."""
    source = ctx.db.exec(
        select(BudgetSource).where(BudgetSource.event_id == target_event_id)
    ).first()
    if source is None:
        return _undo_owner(ctx, target_event_id)
    if source.kind == envelope_refs.INITIAL:
        return False
    env = ctx.db.get(BudgetEnvelope, source.envelope_id)
    assert env is not None
    require(
        ctx,
        life.source_step(
            life.Source(life.GIVEN, envelope_refs._life(ctx, env)),
            undo(Act.CREATE),
            common.actor(ctx, env),
            ctx.now,
        ),
    )
    before = env.amount
    env.amount = before - source.amount
    ctx.audit(
        f"un{source.kind}",
        "budget_envelope",
        env.id,
        source=source.id,
        label=source.label,
        amount=source.amount,
        user=source.user_id,
        before=before,
        after=env.amount,
    )
    ctx.db.delete(source)
    ctx.db.flush()
    tell_undo(
        ctx,
        ctx.t(
            "budget_sources.removed",
            cause=ctx.removal(),
            id=env.number,
            envelope=common._label(ctx, env),
            amount=ctx.money(source.amount),
            label=source.label or ctx.t(f"budget_sources.kind.{source.kind}"),
            total=ctx.money(env.amount),
        ),
    )
    landing.reland(ctx, env)
    return True


def _undo_owner(ctx: Context, target_event_id: str) -> bool:
    """``!budget #3 soucieux @bob`` was removed: the owner before it comes back, unless another
    message changed the owner since."""
    change = ctx.db.exec(
        select(Audit)
        .where(
            Audit.event_id == target_event_id,
            Audit.room_id == ctx.room.id,
            Audit.object_kind == "budget_envelope",
            Audit.action == "owner",
        )
        .order_by(col(Audit.id).desc())
    ).first()
    if change is None:
        return False
    env = ctx.db.get(BudgetEnvelope, int(change.object_id))
    if env is None or env.owner != change.details.get("after"):
        raise UserError("lifecycle.changed_since", prefix=ctx.settings.prefix)
    if not ctx.is_admin:
        raise UserError(
            "core.admin_only", command=f"{ctx.settings.prefix}budget #{env.number} soucieux"
        )
    require(
        ctx,
        life.envelope_step(
            envelope_refs._life(ctx, env), undo(Act.SET), common.actor(ctx), ctx.now
        ),
    )
    before = change.details.get("before")
    env.owner = None if before is None else str(before)
    ctx.db.flush()
    ctx.audit("unowner", "budget_envelope", env.id, restored=env.owner, undid=target_event_id)
    tell_undo(
        ctx,
        ctx.t(
            "budget_sources.owner_restored",
            cause=ctx.removal(),
            id=env.number,
            envelope=common._label(ctx, env),
            who=ctx.name(env.owner) if env.owner else "—",
        ),
    )
    return True
