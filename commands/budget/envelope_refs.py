"""Naming an envelope (``#N``), its label and owner, and its sources shown."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from contextvars import ContextVar

from sqlmodel import col, select

from commands.budget import common, envelopes, queries
from commands.core import Context, UserError
from commands.deferred import RenderScope
from commands.grammar import Period, fold
from commands.lifecycle import Act, act, require
from commands.lifecycle import budget as life
from commands.numbers import read_number
from commands.people import resolve_person
from commands.projects import find_project, resolve_project
from commands.render import Rich, lines, table
from storage.models import BudgetEnvelope, BudgetSource, Project
from storage.numbers import LARGEST

INITIAL, SOURCE, PRESTATION = "initial", "source", "prestation"
NOBODY_WORDS = ("aucun", "aucune", "personne", "none", "nobody", "-")
LABEL_MAX = 120

# the envelope a ``#N`` named, for the command being handled (``pick_envelope`` returns it)
CHOSEN: ContextVar[BudgetEnvelope | None] = ContextVar("chosen_envelope", default=None)


# --------------------------------------------------------------------------- #N and owners


def envelope_ref(ctx: Context, token: str) -> BudgetEnvelope | None:
    """The envelope ``#3`` names in this room; ``None`` when ``token`` is no ``#N``."""
    if not token.startswith("#"):
        return None
    number = read_number(token[1:])
    if number is None:
        raise UserError("budget_sources.error.bad_ref", token=token, prefix=ctx.settings.prefix)
    env = queries.envelope_numbered(ctx, number) if 0 < number < LARGEST else None
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
        return common._project(ctx.db, env), env
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
    listed = ", ".join(f"#{e.number} {common._label(ctx, e)}" for e in opened)
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
    env = envelopes.pick_envelope(ctx, project, None, open_only=True)
    require(ctx, life.envelope_step(_life(ctx, env), act(Act.SET), common.actor(ctx), ctx.now))
    before = env.owner
    owner = None if fold(tokens[0]) in NOBODY_WORDS else resolve_person(ctx, tokens[0])
    env.owner = owner
    ctx.db.flush()
    ctx.audit("owner", "budget_envelope", env.id, before=before, after=owner)
    if owner is None:
        ctx.reply(
            ctx.t("budget_sources.owner_cleared", id=env.number, envelope=common._label(ctx, env))
        )
    else:
        ctx.reply(
            ctx.t(
                "budget_sources.owner_set",
                id=env.number,
                envelope=common._label(ctx, env),
                who=ctx.name(owner),
                prefix=p,
            )
        )


# --------------------------------------------------------------------------- sources


def _life(ctx: Context, env: BudgetEnvelope) -> life.Envelope:
    """The envelope as the rules of its sources and owner see it (its state, label and code:
    what it holds does not matter to them)."""
    return life.Envelope(env.state, common._label(ctx, env), common._project(ctx.db, env).code)


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
                pct=common.percent(s.percent_bp, ctx.lang),
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
