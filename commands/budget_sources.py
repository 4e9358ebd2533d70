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

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar
from decimal import ROUND_HALF_UP, Decimal

from sqlmodel import col, func, select

from commands import budget as b
from commands import budget_landing as landing
from commands.core import Context, Registry, UserError
from commands.deferred import RenderScope
from commands.grammar import Period, fold, match_amount, parse_percent, tokenize
from commands.lifecycle import ABSENT, Act, act, require, tell_undo, undo
from commands.lifecycle import budget as life
from commands.numbers import read_number
from commands.people import resolve_person
from commands.projects import find_project, resolve_project
from commands.render import Rich, lines, table
from storage.models import Audit, BudgetEnvelope, BudgetSource, Project
from storage.numbers import LARGEST

FAMILY = "budget_sources"
INITIAL, SOURCE, PRESTATION = "initial", "source", "prestation"
SOURCE_WORDS = ("source", "sources", "apport", "abonder", "abondement", "top-up", "topup")
OWNER_WORDS = ("soucieux", "soucieuse", "owner", "responsable")
LABEL_WORDS = ("mission", "evenement", "event", "libelle", "label")
NOBODY_WORDS = ("aucun", "aucune", "personne", "none", "nobody", "-")
LABEL_MAX = 120

# the envelope a ``#N`` named, for the command being handled (``pick_envelope`` returns it)
CHOSEN: ContextVar[BudgetEnvelope | None] = ContextVar("chosen_envelope", default=None)


def register(reg: Registry) -> None:
    reg.command("prestation", family=FAMILY, aliases=("service",))(prestation_command)
    reg.on_undo(undo_by_event)


# --------------------------------------------------------------------------- #N and owners


def envelope_ref(ctx: Context, token: str) -> BudgetEnvelope | None:
    """The envelope ``#3`` names in this room; ``None`` when ``token`` is no ``#N``."""
    if not token.startswith("#"):
        return None
    number = read_number(token[1:])
    if number is None:
        raise UserError("budget_sources.error.bad_ref", token=token, prefix=ctx.settings.prefix)
    env = (
        ctx.db.exec(
            select(BudgetEnvelope).where(
                BudgetEnvelope.room_id == ctx.room.id, BudgetEnvelope.number == number
            )
        ).first()
        if 0 < number < LARGEST
        else None
    )
    if env is None:
        raise UserError(
            "budget_sources.error.no_such_envelope", id=number, prefix=ctx.settings.prefix
        )
    return env


def project_of(ctx: Context, token: str) -> tuple[Project, BudgetEnvelope | None]:
    """The project a command's first word names (a code, or ``#N``: that envelope's project),
    and the envelope ``#N`` named."""
    env = envelope_ref(ctx, token)
    if env is not None:
        return b._project(ctx.db, env), env
    project = find_project(ctx, token)
    if project is None:
        resolve_project(ctx, token)  # raises the "unknown project" answer
        raise AssertionError("unreachable")
    return project, None


@contextlib.contextmanager
def choosing(env: BudgetEnvelope | None) -> Iterator[None]:
    """While handling one command: the envelope ``#N`` named, if any."""
    token = CHOSEN.set(env)
    try:
        yield
    finally:
        CHOSEN.reset(token)


def chosen(project: Project) -> BudgetEnvelope | None:
    env = CHOSEN.get()
    return env if env is not None and env.project_id == project.id else None


def settles(ctx: Context, env: BudgetEnvelope | None) -> bool:
    """Whether the sender settles ``env`` like an admin: an admin, or its owner."""
    return ctx.is_admin or (env is not None and env.owner is not None and env.owner == ctx.sender)


def which_one(ctx: Context, project: Project, opened: list[BudgetEnvelope]) -> UserError:
    """Several open envelopes of ``project``: the question that lists them."""
    listed = ", ".join(f"#{e.number} {b._label(ctx, e)}" for e in opened)
    return UserError(
        "budget_sources.error.which",
        project=project.code,
        envelopes=listed,
        example=_with_ref(ctx, project, opened[0].number),
    )


def _with_ref(ctx: Context, project: Project, number: int) -> str:
    """The command as it was typed, with ``#number`` in place of the project's code
    (``!releve #1 avant le 30/11``); ``!budget #1`` when it cannot be said so."""
    words = ctx.typed_command().split(" ")
    for i, word in enumerate(words[1:], start=1):
        if fold(word) == fold(project.code):
            words[i] = f"#{number}"
            return " ".join(words)
    return f"{ctx.settings.prefix}budget #{number}"


def take_label_and_owner(
    ctx: Context, tokens: list[str]
) -> tuple[str | None, str | None, list[str]]:
    """``mission "Fête"`` and ``soucieux @bob`` among the words that create an envelope: (its
    label, its owner, the other words)."""
    label: str | None = None
    owner: str | None = None
    rest: list[str] = []
    i = 0
    while i < len(tokens):
        word = fold(tokens[i])
        if word in LABEL_WORDS:
            label, used = read_label(ctx, tokens, i + 1)
            i += 1 + used
        elif word in OWNER_WORDS:
            owner, used = read_owner(ctx, tokens, i + 1)
            i += 1 + used
        else:
            rest.append(tokens[i])
            i += 1
    return label, owner, rest


def default_period(ctx: Context, label: str | None) -> Period | None:
    """An envelope for a mission without a period covers this year."""
    if label is None:
        return None
    year = ctx.today.year
    return Period(dt.date(year, 1, 1), dt.date(year + 1, 1, 1), "year")


def needs_hours(label: str | None, proportional: bool) -> bool:
    """Whether creating the envelope needs contributions in its period: a mission's envelope in
    rétribution libre may come before the work."""
    return label is None or proportional


def read_label(ctx: Context, tokens: list[str], i: int) -> tuple[str, int]:
    """The label after ``mission`` at ``tokens[i]`` (one word, or a quoted run): (label, used)."""
    if i >= len(tokens) or not tokens[i].strip():
        raise UserError("budget_sources.error.label", prefix=ctx.settings.prefix)
    label = tokens[i].strip()
    if len(label) > LABEL_MAX:
        raise UserError(
            "budget_sources.error.label_long", most=LABEL_MAX, prefix=ctx.settings.prefix
        )
    return label, 1


def read_owner(ctx: Context, tokens: list[str], i: int) -> tuple[str, int]:
    """The person after ``soucieux`` at ``tokens[i]``: (user id, used)."""
    if i >= len(tokens):
        raise UserError("budget_sources.error.owner", prefix=ctx.settings.prefix)
    return resolve_person(ctx, tokens[i]), 1


def created_note(ctx: Context, env: BudgetEnvelope) -> str:
    """What creating an envelope says of its label and owner (``""`` for neither)."""
    parts = []
    if env.label:
        parts.append(
            ctx.t(
                "budget_sources.label_note",
                label=env.label,
                id=env.number,
                prefix=ctx.settings.prefix,
            )
        )
    if env.owner:
        parts.append(ctx.t("budget_sources.owner_note", who=ctx.name(env.owner)))
    return ("\n" + " · ".join(parts)) if parts else ""


def owner_command(ctx: Context, project: Project, tokens: list[str]) -> None:
    """``!budget #3 soucieux @bob`` (admins): who settles the envelope; ``soucieux aucun``."""
    p = ctx.settings.prefix
    if not ctx.is_admin:
        raise UserError("core.admin_only", command=ctx.typed_command(2))
    if len(tokens) != 1:
        raise UserError("budget_sources.error.owner", prefix=p)
    env = b.pick_envelope(ctx, project, None, open_only=True)
    require(ctx, life.envelope_step(_life(ctx, env), act(Act.SET), b.actor(ctx), ctx.now))
    before = env.owner
    owner = None if fold(tokens[0]) in NOBODY_WORDS else resolve_person(ctx, tokens[0])
    env.owner = owner
    ctx.db.flush()
    ctx.audit("owner", "budget_envelope", env.id, before=before, after=owner)
    if owner is None:
        ctx.reply(ctx.t("budget_sources.owner_cleared", id=env.number, envelope=b._label(ctx, env)))
    else:
        ctx.reply(
            ctx.t(
                "budget_sources.owner_set",
                id=env.number,
                envelope=b._label(ctx, env),
                who=ctx.name(owner),
                prefix=p,
            )
        )


# --------------------------------------------------------------------------- sources


def _life(ctx: Context, env: BudgetEnvelope) -> life.Envelope:
    """The envelope as the rules of its sources and owner see it (its state, label and code:
    what it holds does not matter to them)."""
    return life.Envelope(env.state, b._label(ctx, env), b._project(ctx.db, env).code)


def share_of(service: int, percent_bp: int) -> int:
    """``percent_bp`` basis points of ``service`` cents, to the cent, half a cent up (10 % of
    33,35 € is 3,335 €: 3,34 €)."""
    exact = Decimal(service) * Decimal(percent_bp) / Decimal(10000)
    return int(exact.quantize(Decimal(1), ROUND_HALF_UP))


def record_initial(ctx: Context, env: BudgetEnvelope) -> None:
    """A new envelope: its amount is its first source."""
    ctx.db.add(
        BudgetSource(
            envelope_id=b._id(env),
            kind=INITIAL,
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
                BudgetSource.envelope_id == env.id, BudgetSource.kind != INITIAL
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
    cents, _ = b._amount(ctx, tokens, i, "budget_sources.error.source_usage")
    label = " ".join(tokens[:i] + tokens[i + used :]).strip()
    if not label:
        raise UserError("budget_sources.error.source_label", project=project.code, prefix=p)
    if len(label) > LABEL_MAX:
        raise UserError(
            "budget_sources.error.label_long", most=LABEL_MAX, prefix=ctx.settings.prefix
        )
    env = b.pick_envelope(ctx, project, None, open_only=True)
    _add(ctx, env, SOURCE, label, cents, None, None)


def prestation_command(ctx: Context, args: str) -> None:
    """``!prestation KPA 3000€ 10% "formation X"``: a paid service, a share of which goes into
    the envelope."""
    p = ctx.settings.prefix
    tokens = tokenize(args)
    if not tokens:
        raise UserError("budget_sources.error.prestation_usage", project="KPA", prefix=p)
    project, env_named = project_of(ctx, tokens[0])
    rest = tokens[1:]
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
    service, _ = b._amount(ctx, others, k, "budget_sources.error.prestation_usage")
    label = " ".join(others[:k] + others[k + used :]).strip()
    if len(label) > LABEL_MAX:
        raise UserError(
            "budget_sources.error.label_long", most=LABEL_MAX, prefix=ctx.settings.prefix
        )
    cents = share_of(service, bp)
    if cents <= 0:
        raise UserError(
            "budget_sources.error.prestation_nothing",
            service=ctx.money(service),
            pct=b.percent(bp, ctx.lang),
            **usage,
        )
    with choosing(env_named):
        env = b.pick_envelope(ctx, project, None, open_only=True)
    _add(ctx, env, PRESTATION, label, cents, service, bp)


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
            life.Source(ABSENT, _life(ctx, env)),
            act(Act.CREATE),
            b.actor(ctx, env),
            ctx.now,
        ),
    )
    before = env.amount
    source = BudgetSource(
        envelope_id=b._id(env),
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
            pct=b.percent(percent_bp, ctx.lang),
            label=label or ctx.t("budget_sources.kind.prestation"),
        )
        if service is not None and percent_bp is not None
        else label
    )
    ctx.reply(
        ctx.t(
            "budget_sources.added",
            id=env.number,
            envelope=b._label(ctx, env),
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
    if source.kind == INITIAL:
        return False
    env = ctx.db.get(BudgetEnvelope, source.envelope_id)
    assert env is not None
    require(
        ctx,
        life.source_step(
            life.Source(life.GIVEN, _life(ctx, env)),
            undo(Act.CREATE),
            b.actor(ctx, env),
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
            envelope=b._label(ctx, env),
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
    require(ctx, life.envelope_step(_life(ctx, env), undo(Act.SET), b.actor(ctx), ctx.now))
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
            envelope=b._label(ctx, env),
            who=ctx.name(env.owner) if env.owner else "—",
        ),
    )
    return True


# --------------------------------------------------------------------------- showing


def body(ctx: Context | RenderScope, env: BudgetEnvelope) -> Rich | None:
    """The envelope's sources (label, amount, who, date), when it has more than the amount it
    was created with."""
    sources = list(
        ctx.db.exec(
            select(BudgetSource)
            .where(BudgetSource.envelope_id == env.id)
            .order_by(col(BudgetSource.id))
        ).all()
    )
    if len(sources) < 2:
        return None
    ctx.names(s.user_id for s in sources)
    rows = []
    for s in sources:
        if s.kind == PRESTATION and s.service is not None and s.percent_bp is not None:
            what = ctx.t(
                "budget_sources.prestation_what",
                service=ctx.money(s.service),
                pct=b.percent(s.percent_bp, ctx.lang),
                label=s.label or ctx.t("budget_sources.kind.prestation"),
            )
        else:
            what = s.label or ctx.t(f"budget_sources.kind.{s.kind}")
        day = s.created_at.astimezone(ctx.tz).date()
        rows.append([what, ctx.money(s.amount), ctx.name(s.user_id), ctx.date(day)])
    headers = [ctx.t(f"budget_sources.col.{c}") for c in ("source", "amount", "who", "date")]
    return lines(
        ctx.t("budget_sources.title", count=len(sources), total=ctx.money(env.amount)),
        table(headers, rows, align="lrll"),
    )
