"""Lazy consensus on the requests of an envelope (*consentement*): a request nobody objects to is
validated on its own a number of days after it was made.

- ``!budget KPA 2000€ novembre consentement 5j`` (creation) or ``!budget KPA consentement 5j``
  (admins, later; ``consentement non`` turns it off; English ``consent 5d``);
- a ❓ reaction or ``!question N …`` is an objection: it holds the request back until its author
  lifts it (takes the ❓ back, or ``!question N levée``) or an admin settles it
  (``!question N close``);
- the timed job (``consent_job``, ``on_tick``) validates every request whose delay is over and that no open
  objection holds back, and tells the room in one message per envelope and local day (a record
  per envelope and day makes sure of it, whatever the number of processes or restarts);
- a changed amount (``!demande`` again, or its message edited) starts the delay again.

Rules chosen here:

- Nobody validates their own request: the automatic validation is the room's silence, recorded
  as the bot's (``BOT``), never as the requester's. The requester's own question is no
  objection (they change or withdraw their request instead), so it holds nothing back.
- Validations by members (``validations N``) and admins work as before, alongside: whichever
  comes first validates the request.
- Lifting an objection does not start the delay again: the request is validated at the next
  round of the job once the delay is over. The job runs no earlier than ``QUIET_BEFORE`` o'clock
  in the room's time zone, and at most once a day per envelope: a request that falls due after
  that day's message waits for the next day's.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from commands import i18n
from commands.core import Context, UserError
from commands.grammar import fold
from commands.i18n import t
from commands.lifecycle import Act, Actor, Refusal, act, require
from commands.lifecycle import budget as life
from commands.lifecycle.settings import Setting, setting_step
from commands.schedules import OFF_WORDS
from storage.models import (
    BudgetEnvelope,
    BudgetQuestion,
    BudgetRequest,
    BudgetValidation,
    Project,
)

MAX_DAYS = 90
QUIET_BEFORE = 8  # the job says nothing before 8:00 in the room's time zone
BOT = "bot"  # who the audit and the validation name for what the room's silence decided
LIBRE = "libre"


def words() -> set[str]:
    """The words of lazy consensus (``consentement``), folded, in every language."""
    return {fold(w) for w in i18n.words("sub.budget.consent")}


_DAYS = re.compile(r"^([0-9]{1,3})\s*(j|jour|jours|d|day|days)?$")
_UNIT = ("j", "jour", "jours", "d", "day", "days")


# --------------------------------------------------------------------------- pure rules


def read_delay(tokens: list[str], start: int = 0) -> tuple[int | None, int]:
    """The delay said at ``tokens[start]``: (days, tokens used); 0 days means off (``non``,
    ``off``); (None, 0) when it cannot be read. ``5j`` ``5 jours`` ``5d`` ``5 days`` ``5``."""
    if start >= len(tokens):
        return None, 0
    word = fold(tokens[start])
    if word in OFF_WORDS:
        return 0, 1
    found = _DAYS.match(word)
    if found is None:
        return None, 0
    days = int(found.group(1))
    used = 1
    if found.group(2) is None and start + 1 < len(tokens) and fold(tokens[start + 1]) in _UNIT:
        used = 2
    if not 1 <= days <= MAX_DAYS:
        return None, 0
    return days, used


@dataclass(frozen=True)
class Candidate:
    """A request as lazy consensus sees it."""

    request_id: int
    number: int
    author: str
    amount: int
    since: dt.datetime  # when its delay started
    validated: bool  # by members or an admin already
    objections: int  # open, by others than its author


def open_objections(questions: list[tuple[str, str | None]], author: str) -> int:
    """How many of a request's questions (asker, how it was closed) hold it back: those still
    open, by someone else than the request's author."""
    return sum(1 for who, closed in questions if closed is None and who != author)


def due(
    candidates: list[Candidate], env: life.Envelope, days: int | None, now: dt.datetime
) -> list[Candidate]:
    """The requests that lazy consensus validates at ``now`` (the timed job's verdict)."""
    found = []
    for c in candidates:
        state = life.Consent(env, days, c.since, True, c.validated, c.objections)
        if not isinstance(
            life.consent_step(state, act(Act.DEADLINE), Actor(BOT, True), now), Refusal
        ):
            found.append(c)
    return found


def may_run(now: dt.datetime, timezone: str, last_day: dt.date | None) -> bool:
    """Whether the job may tell an envelope's room today: not before ``QUIET_BEFORE`` o'clock,
    and not if it told it already today (``last_day``: the latest day it did)."""
    local = now.astimezone(ZoneInfo(timezone))
    return local.hour >= QUIET_BEFORE and last_day != local.date()


def due_day(since: dt.datetime, days: int, timezone: str) -> dt.date:
    """The local day from which a request is validated (at ``QUIET_BEFORE`` o'clock at the
    earliest)."""
    return (since + dt.timedelta(days=days)).astimezone(ZoneInfo(timezone)).date()


def delay_text(lang: str, days: int) -> str:
    return t(lang, "budget.consent.days", n=days)


# --------------------------------------------------------------------------- reading the rows


def since_of(req: BudgetRequest) -> dt.datetime:
    since = req.consent_from or req.created_at
    return since if since.tzinfo is not None else since.replace(tzinfo=dt.UTC)


def objections_of(db: Session, requests: list[BudgetRequest]) -> dict[int, int]:
    """Open objections of each request (by others than its author), in one query."""
    ids = [r.id for r in requests]
    if not ids:
        return {}
    asked: dict[int, list[tuple[str, str | None]]] = defaultdict(list)
    for request_id, who, closed in db.exec(
        select(BudgetQuestion.request_id, BudgetQuestion.user_id, BudgetQuestion.closed_kind).where(
            col(BudgetQuestion.request_id).in_(ids)
        )
    ).all():
        asked[int(request_id)].append((who, closed))
    return {r.id: open_objections(asked.get(r.id, []), r.user_id) for r in requests if r.id}


def candidates(db: Session, env: BudgetEnvelope) -> list[Candidate]:
    """The active requests of ``env`` with what decides their automatic validation."""
    requests = list(
        db.exec(
            select(BudgetRequest)
            .where(BudgetRequest.envelope_id == env.id, BudgetRequest.state == "active")
            .order_by(col(BudgetRequest.id))
        ).all()
    )
    if not requests:
        return []
    votes: dict[int, list[bool]] = defaultdict(list)
    for request_id, admin in db.exec(
        select(BudgetValidation.request_id, BudgetValidation.by_admin).where(
            col(BudgetValidation.request_id).in_([r.id for r in requests])
        )
    ).all():
        votes[int(request_id)].append(bool(admin))
    objections = objections_of(db, requests)
    out = []
    for r in requests:
        assert r.id is not None
        v = votes.get(r.id, [])
        validated = any(v) or len(v) >= env.validations_needed
        out.append(
            Candidate(r.id, r.number, r.user_id, r.amount, since_of(r), validated, objections[r.id])
        )
    return out


def _envelope_life(env: BudgetEnvelope, code: str) -> life.Envelope:
    return life.Envelope(env.state, code, code)


# --------------------------------------------------------------------------- the setting


def setting(ctx: Context, env: BudgetEnvelope, label: str, tokens: list[str]) -> None:
    """``!budget KPA consentement 5j`` / ``consentement non`` (admins): the envelope's delay."""
    p = ctx.settings.prefix
    project = ctx.db.get(Project, env.project_id)
    assert project is not None
    days, used = read_delay(tokens)
    if days is None or used != len(tokens):
        raise UserError("budget.consent.error.delay", project=project.code, prefix=p)
    if env.mode != LIBRE:
        raise UserError("budget.consent.error.proportional", project=project.code, prefix=p)
    after = days or None
    refused = life.frozen(_envelope_life(env, project.code))
    if refused is not None:
        require(ctx, refused)
    require(
        ctx,
        setting_step(
            Setting(
                f"budget {project.code} consentement", env.consent_days, env.consent_days, after
            ),
            act(Act.SET),
            Actor(ctx.sender, ctx.is_admin),
            ctx.now,
        ),
    )
    before = env.consent_days
    env.consent_days = after
    ctx.db.flush()
    ctx.audit("consent", "budget_envelope", env.id, before=before, after=after)
    if after is None:
        ctx.reply(ctx.t("budget.consent.off", envelope=label))
    else:
        ctx.reply(
            ctx.t(
                "budget.consent.on",
                envelope=label,
                delay=delay_text(ctx.lang, after),
                prefix=p,
            )
        )


def rule_text(lang: str, env: BudgetEnvelope) -> str | None:
    """The envelope's delay among its rules (``consentement 5 jours``), if it has one."""
    if env.consent_days is None:
        return None
    return t(lang, "budget.consent.rule", delay=delay_text(lang, env.consent_days))


# --------------------------------------------------------------------------- what requests say


def request_note(ctx: Context, env: BudgetEnvelope, req: BudgetRequest) -> str:
    """A line under a request's message: from when silence validates it."""
    if env.consent_days is None:
        return ""
    day = due_day(since_of(req), env.consent_days, ctx.room.timezone)
    return "\n" + ctx.t(
        "budget.consent.request_note",
        delay=delay_text(ctx.lang, env.consent_days),
        date=ctx.date(day),
        id=req.number,
    )


def question_note(ctx: Context, env: BudgetEnvelope, req: BudgetRequest) -> str:
    """A line under a question: under lazy consensus, it is an objection (unless the request's
    author asked it)."""
    if env.consent_days is None:
        return ""
    if ctx.sender == req.user_id:
        return "\n" + ctx.t("budget.consent.own_question")
    return "\n" + ctx.t("budget.consent.objection", id=req.number, prefix=ctx.settings.prefix)


def restart(ctx: Context, req: BudgetRequest, cents: int) -> dict[str, str | None]:
    """A request's amount changes to ``cents``: its delay starts again (nothing happens for a
    change of its message only). Returns what an undo puts back (``restore``)."""
    before = {"consent_from": None if req.consent_from is None else req.consent_from.isoformat()}
    if cents != req.amount:
        req.consent_from = ctx.now
    return before


def restore(req: BudgetRequest, before: dict[str, object]) -> None:
    """Undoing a change of a request's amount: its delay is as before it."""
    if "consent_from" in before:
        value = before["consent_from"]
        req.consent_from = None if value is None else dt.datetime.fromisoformat(str(value))
