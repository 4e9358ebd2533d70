"""Choosing a landing option by reaction before a deadline (``commands.budget.landing`` shows and
applies the options):

- ``!budget KPA atterrissage vote jusqu'au 15/12`` or ``… vote 3j`` (admins; ``base 40%`` and
  ``plancher 150€`` may come before ``vote``) posts the four options, each with its reaction
  (1️⃣ 2️⃣ 3️⃣ 4️⃣, put on the message by the bot);
- members vote by reacting: a person's latest reaction is their vote, taking it back withdraws
  it (taking back an earlier, replaced one changes nothing); the bot's own reactions, people who
  left the room and reactions after the deadline do not count; the vote's message shows the
  counts as they go;
- at the deadline the timed job (``close_votes``) counts the votes once, whatever the number of
  processes or restarts (the vote leaves ``open`` in one guarded update, in the same
  transaction as what it applies and says): the option with the most votes is applied through
  ``landing.apply``, computed on the requests validated at that moment, and followed as
  any applied landing; on a tie an admin applies one of the tied options; nobody voted: nothing
  is applied;
- ``!budget KPA atterrissage`` shows the running vote; ``… vote annuler`` (admins) cancels it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import and_
from sqlmodel import Session, col, select

from commands import i18n
from commands.budget import common, landing
from commands.core import Context
from commands.grammar import fold
from commands.landing import OPTIONS, Option, options
from commands.lifecycle import budget as life
from storage.models import (
    BudgetEnvelope,
    BudgetLandingBallot,
    BudgetLandingVote,
    Member,
    Project,
)

VOTE_WORDS = tuple(fold(w) for w in i18n.words("budget.landing.vote"))
CANCEL_WORDS = ("annuler", "annule", "cancel", "arreter", "stop")
UNTIL_WORDS: tuple[str, ...] = (
    *("jusqu'au", "jusqu’au", "jusquau", "jusqu'a", "jusqu’à", "jusqua"),
    *("until", "till", "avant", "before", "le", "au"),
)
MAX_DAYS = 60
REF = "landing_vote"
BOT = "bot"
OPEN, APPLIED, TIED, EMPTY, VOID, CANCELLED = (
    "open",
    "applied",
    "tied",
    "empty",
    "void",
    "cancelled",
)
ACTIVE, REPLACED, WITHDRAWN = "active", "replaced", "withdrawn"
# the reaction of each option, in the options' order (keycap digits)
KEYS = {name: f"{n}\ufe0f\u20e3" for n, name in enumerate(OPTIONS, start=1)}
_BY_KEY = {key.replace("\ufe0f", ""): name for name, key in KEYS.items()}


# --------------------------------------------------------------------------- pure rules


def option_of(key: str) -> str | None:
    """The option a reaction votes for (``1️⃣``, with or without its variation selector)."""
    return _BY_KEY.get(key.replace("\ufe0f", ""))


def tally(ballots: Iterable[tuple[str, str]], voters: set[str]) -> dict[str, int]:
    """Votes per option (every option, in order) from ``(person, option)`` ballots in the order
    they were cast: each person's latest one counts, and only the people of ``voters``."""
    latest: dict[str, str] = {}
    for who, option in ballots:
        if who in voters and option in OPTIONS:
            latest[who] = option
    counts = dict.fromkeys(OPTIONS, 0)
    for option in latest.values():
        counts[option] += 1
    return counts


def outcome(counts: dict[str, int]) -> tuple[str, list[str]]:
    """``(empty, [])`` when nobody voted, ``(applied, [option])`` when one option has the most
    votes, ``(tied, options)`` when several share the most."""
    top = max(counts.values(), default=0)
    if top == 0:
        return EMPTY, []
    best = [o for o in OPTIONS if counts.get(o, 0) == top]
    return (APPLIED, best) if len(best) == 1 else (TIED, best)


def requests_key(amounts: dict[int, int]) -> str:
    """A fingerprint of the validated requests (id → amount): whether they changed since."""
    text = ",".join(f"{rid}:{cents}" for rid, cents in sorted(amounts.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def end_of_day(day: dt.date, timezone: str) -> dt.datetime:
    """The instant a day ends in a time zone (the next day's midnight), in UTC."""
    nxt = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=ZoneInfo(timezone))
    return nxt.astimezone(dt.UTC)


def _aware(value: dt.datetime) -> dt.datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)


# --------------------------------------------------------------------------- texts


def deadline_text(ctx: Context, deadline: dt.datetime) -> str:
    local = _aware(deadline).astimezone(ctx.tz)
    if local.time() == dt.time(0):
        return ctx.t(
            "budget.landing.vote.until_day", date=ctx.long_date(local.date() - dt.timedelta(1))
        )
    return ctx.t(
        "budget.landing.vote.until_time", date=ctx.long_date(local.date()), time=f"{local:%H:%M}"
    )


def counts_text(ctx: Context, counts: dict[str, int]) -> str:
    return " · ".join(
        ctx.t(
            "budget.landing.vote.count",
            number=n,
            votes=ctx.t("budget.landing.vote.votes", n=c),
        )
        for n, c in enumerate(counts.values(), start=1)
    )


def _numbers(names: list[str]) -> str:
    return ", ".join(str(OPTIONS.index(o) + 1) for o in names)


def _choices(vote: BudgetLandingVote) -> dict[str, Option]:
    return {o.name: o for o in options(vote.base_bp, vote.floor)}


def card(
    ctx: Context,
    vote: BudgetLandingVote,
    env: BudgetEnvelope,
    project: Project,
    counts: dict[str, int] | None = None,
) -> str:
    """The vote's message: the options with their reactions, and the votes so far."""
    p = ctx.settings.prefix
    counts = counts if counts is not None else current(ctx.db, vote)[0]
    listed = "\n".join(
        ctx.t(
            "budget.landing.vote.option",
            key=KEYS[o.name],
            option=f"{o.number}. " + landing.option_label(ctx, o),
        )
        for o in _choices(vote).values()
    )
    return "\n".join(
        (
            ctx.t(
                "budget.landing.vote.opened",
                envelope=common._label(ctx, env),
                deadline=deadline_text(ctx, vote.deadline),
            ),
            listed,
            ctx.t("budget.landing.vote.at_deadline", project=project.code, prefix=p),
            ctx.t(
                "budget.landing.vote.tally",
                counts=counts_text(ctx, counts),
                voters=sum(counts.values()),
            ),
        )
    )


# --------------------------------------------------------------------------- reading the rows


def current(db: Session, vote: BudgetLandingVote) -> tuple[dict[str, int], int]:
    """The votes so far, per option, and how many people voted (members of the room only)."""
    rows = db.exec(
        select(BudgetLandingBallot.user_id, BudgetLandingBallot.option)
        .join(
            Member,
            and_(
                col(Member.room_id) == vote.room_id,
                col(Member.user_id) == col(BudgetLandingBallot.user_id),
            ),
        )
        .where(
            BudgetLandingBallot.vote_id == vote.id,
            BudgetLandingBallot.state == ACTIVE,
            col(Member.joined).is_(True),
            col(Member.is_bot).is_(False),
        )
        .order_by(col(BudgetLandingBallot.id))
    ).all()
    ballots = [(str(who), str(option)) for who, option in rows]
    counts = tally(ballots, {who for who, _ in ballots} - {BOT})
    return counts, sum(counts.values())


def latest_vote(db: Session, env: BudgetEnvelope) -> BudgetLandingVote | None:
    return db.exec(
        select(BudgetLandingVote)
        .where(BudgetLandingVote.envelope_id == env.id)
        .order_by(col(BudgetLandingVote.id).desc())
        .limit(1)
    ).first()


def _load(db: Session, vote_id: int) -> tuple[BudgetLandingVote, BudgetEnvelope, Project] | None:
    """A vote with its envelope and project, in one query."""
    row = db.exec(
        select(BudgetLandingVote, BudgetEnvelope, Project)
        .join(BudgetEnvelope, col(BudgetEnvelope.id) == col(BudgetLandingVote.envelope_id))
        .join(Project, col(Project.id) == col(BudgetEnvelope.project_id))
        .where(BudgetLandingVote.id == vote_id)
    ).first()
    return None if row is None else (row[0], row[1], row[2])


def _env_life(ctx: Context, env: BudgetEnvelope, project: Project) -> life.Envelope:
    """The envelope as a vote's rules see it (open or closed; its name)."""
    return life.Envelope(env.state, common._label(ctx, env), project.code)


def _vote_life(
    ctx: Context,
    vote: BudgetLandingVote,
    env: BudgetEnvelope,
    project: Project,
    others_open: bool = False,
) -> life.Vote:
    status = {OPEN: life.VOTING, CANCELLED: life.CANCELLED}.get(vote.state, life.DECIDED)
    return life.Vote(status, _env_life(ctx, env, project), _aware(vote.deadline), others_open)
