"""Choosing a landing option by reaction before a deadline (``commands.budget_landing`` shows and
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
  ``budget_landing.apply``, computed on the requests validated at that moment, and followed as
  any applied landing; on a tie an admin applies one of the tied options; nobody voted: nothing
  is applied;
- ``!budget KPA atterrissage`` shows the running vote; ``… vote annuler`` (admins) cancels it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from sqlalchemy import and_, update
from sqlmodel import Session, col, select

from commands import budget as b
from commands import budget_landing as landing
from commands.core import Context, Queued, Registry, Settings, UserError, system_context
from commands.grammar import WEEKDAYS, fold, match_date, parse_days
from commands.landing import OPTIONS, Option, options
from commands.lifecycle import ABSENT, Act, Actor, Refusal, act, require, tell_undo, undo
from commands.lifecycle import budget as life
from commands.refusals import checked_date
from storage.db import connection_of, lock_rooms
from storage.models import (
    BotMessage,
    BudgetEnvelope,
    BudgetLandingBallot,
    BudgetLandingVote,
    Member,
    Project,
    Room,
)

VOTE_WORDS = ("vote", "voter", "votes", "scrutin", "poll")
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
                envelope=b._label(ctx, env),
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
    return life.Envelope(env.state, b._label(ctx, env), project.code)


def _vote_life(
    ctx: Context,
    vote: BudgetLandingVote,
    env: BudgetEnvelope,
    project: Project,
    others_open: bool = False,
) -> life.Vote:
    status = {OPEN: life.VOTING, CANCELLED: life.CANCELLED}.get(vote.state, life.DECIDED)
    return life.Vote(status, _env_life(ctx, env, project), _aware(vote.deadline), others_open)


# --------------------------------------------------------------------------- the command


def read_deadline(ctx: Context, code: str, tokens: list[str]) -> dt.datetime:
    """``jusqu'au 15/12`` (to the end of that day in the room's time zone), ``3j``, ``1
    semaine`` (from now), ``vendredi`` (the next one): the instant the vote ends."""
    p = ctx.settings.prefix
    rest = list(tokens)
    while rest and fold(rest[0]) in UNTIL_WORDS and len(rest) > 1:
        rest = rest[1:]
    usage = UserError("budget.landing.vote.error.usage", project=code, prefix=p)
    if not rest:
        raise usage
    days = parse_days(" ".join(rest)) if len(rest) <= 2 else None
    if days is not None:
        if days < 1:
            raise usage
        if days > MAX_DAYS:
            raise UserError(
                "budget.landing.vote.error.too_far", days=MAX_DAYS, project=code, prefix=p
            )
        return ctx.now + dt.timedelta(days=days)
    found = match_date(rest, 0, ctx.today)
    if found is None or found.used != len(rest):
        raise usage
    day = checked_date(found, " ".join(rest))
    word = fold(rest[0])
    if day < ctx.today and not found.year_given:
        if word in WEEKDAYS:
            day += dt.timedelta(days=7)  # "vendredi": the next one
        elif rest[0][:1].isdigit() and not word.startswith("-"):
            try:  # "jusqu'au 31/01" said in December: next year's
                day = day.replace(year=day.year + 1)
            except ValueError:  # 29 February
                day = day.replace(year=day.year + 1, day=28)
    if day < ctx.today:
        raise UserError(
            "budget.landing.vote.error.past_date", date=ctx.date(day), project=code, prefix=p
        )
    if (day - ctx.today).days > MAX_DAYS:
        raise UserError("budget.landing.vote.error.too_far", days=MAX_DAYS, project=code, prefix=p)
    return end_of_day(day, ctx.room.timezone)


def vote_command(
    ctx: Context,
    env: BudgetEnvelope,
    project: Project,
    tokens: list[str],
    base_bp: int,
    floor: int,
) -> None:
    """``… atterrissage vote jusqu'au 15/12`` / ``vote 3j`` / ``vote annuler`` (admins)."""
    b._require_admin(ctx, "atterrissage vote")
    if tokens and fold(tokens[0]) in CANCEL_WORDS and len(tokens) == 1:
        cancel(ctx, env, project)
        return
    deadline = read_deadline(ctx, project.code, tokens)
    validated = landing._validated(ctx, env)
    asked = sum(r.amount for r in validated.values())
    if asked <= env.amount:
        raise UserError(
            "budget.landing.fits",
            asked=ctx.money(asked),
            amount=ctx.money(env.amount),
            project=project.code,
        )
    latest = latest_vote(ctx.db, env)
    running = latest is not None and latest.state == OPEN
    require(
        ctx,
        life.vote_step(
            life.Vote(ABSENT, _env_life(ctx, env, project), deadline, running),
            act(Act.CREATE),
            b.actor(ctx),
            ctx.now,
        ),
    )
    vote = BudgetLandingVote(
        envelope_id=b._id(env),
        room_id=ctx.room.id,
        event_id=ctx.source_event_id,
        opened_by=ctx.sender,
        opened_at=ctx.now,
        deadline=deadline,
        base_bp=base_bp,
        floor=floor,
        requests_key=requests_key({rid: r.amount for rid, r in validated.items()}),
    )
    ctx.db.add(vote)
    ctx.db.flush()
    ctx.audit(
        "vote_open",
        "budget_envelope",
        env.id,
        vote=vote.id,
        deadline=deadline.isoformat(),
        base_bp=base_bp,
        floor=floor,
    )
    empty = dict.fromkeys(OPTIONS, 0)
    message = ctx.reply(card(ctx, vote, env, project, empty), ref=(REF, vote.id))
    _put_keys(ctx, message)


def _put_keys(ctx: Context, message: Queued) -> None:
    """The bot puts the four reactions on its vote message (in one statement)."""
    rows = [
        ctx._row(room_id=message.room_id, kind="react", reaction_key=key, target_id=message.id)
        for key in KEYS.values()
    ]
    ctx._insert_rows(rows, "reaction_key")


def cancel(ctx: Context, env: BudgetEnvelope, project: Project) -> None:
    latest = latest_vote(ctx.db, env)
    if latest is None or latest.state != OPEN:
        raise UserError("budget.landing.vote.error.none_open", project=project.code)
    require(
        ctx,
        life.vote_step(
            _vote_life(ctx, latest, env, project), act(Act.CANCEL), b.actor(ctx), ctx.now
        ),
    )
    latest.state, latest.closed_at, latest.closed_by = CANCELLED, ctx.now, ctx.sender
    latest.close_event_id = ctx.source_event_id
    ctx.db.flush()
    ctx.audit("vote_cancel", "budget_envelope", env.id, vote=latest.id)
    ctx.reply(
        ctx.t(
            "budget.landing.vote.cancelled",
            envelope=b._label(ctx, env),
            project=project.code,
            prefix=ctx.settings.prefix,
        )
    )


# --------------------------------------------------------------------------- what others see


def status_lines(ctx: Context, env: BudgetEnvelope, code: str) -> list[str]:
    """Under ``!budget KPA atterrissage``: the running vote (counts, deadline), or the tie an
    admin has to break."""
    vote = latest_vote(ctx.db, env)
    p = ctx.settings.prefix
    if vote is None:
        return []
    if vote.state == OPEN:
        counts, voters = current(ctx.db, vote)
        return [
            ctx.t(
                "budget.landing.vote.running",
                deadline=deadline_text(ctx, vote.deadline),
                counts=counts_text(ctx, counts),
                voters=voters,
                keys=" ".join(KEYS.values()),
                project=code,
                prefix=p,
            )
        ]
    if vote.state == TIED and vote.result:
        tied = vote.result.split(",")
        return [
            ctx.t(
                "budget.landing.vote.tied_pending",
                options=_numbers(tied),
                first=OPTIONS.index(tied[0]) + 1,
                project=code,
                prefix=p,
            )
        ]
    return []


def guard_apply(ctx: Context, env: BudgetEnvelope, option: Option) -> None:
    """An admin applies an option: not while a vote runs; after a tie, one of the tied
    options."""
    vote = latest_vote(ctx.db, env)
    if vote is None:
        return
    code = b._project(ctx.db, env).code
    if vote.state == OPEN:
        raise UserError(
            "budget.landing.vote.error.running",
            deadline=deadline_text(ctx, vote.deadline),
            project=code,
        )
    if vote.state == TIED and vote.result and option.name not in vote.result.split(","):
        tied = vote.result.split(",")
        raise UserError(
            "budget.landing.vote.error.not_tied",
            options=_numbers(tied),
            first=OPTIONS.index(tied[0]) + 1,
            project=code,
        )


# --------------------------------------------------------------------------- ballots


def on_vote_reaction(ctx: Context, target: BotMessage, key: str) -> bool:
    """A reaction on a vote's message: 1️⃣ to 4️⃣ is a vote (the latest one of a person
    counts)."""
    option = option_of(key)
    if option is None or target.ref_id is None or not target.ref_id.isdigit():
        return False
    if ctx.sender == BOT or len(target.ref_id) > 18:
        return False
    found = _load(ctx.db, int(target.ref_id))
    if found is None or found[0].room_id != ctx.room.id:
        return False
    vote, env, project = found
    require(
        ctx,
        life.ballot_step(
            life.Ballot(ABSENT, _vote_life(ctx, vote, env, project), ctx.sender),
            act(Act.CREATE),
            b.actor(ctx),
            ctx.now,
        ),
    )
    # the person's vote so far, if any, is replaced (``ballot_step``: active → replaced)
    replaced = (
        connection_of(ctx.db)
        .execute(
            update(BudgetLandingBallot)
            .where(
                col(BudgetLandingBallot.vote_id) == vote.id,
                col(BudgetLandingBallot.user_id) == ctx.sender,
                col(BudgetLandingBallot.state) == ACTIVE,
            )
            .values(state=REPLACED)
            .returning(col(BudgetLandingBallot.id))
        )
        .scalar()
    )
    ctx.db.add(
        BudgetLandingBallot(
            vote_id=int(vote.id or 0),
            user_id=ctx.sender,
            option=option,
            event_id=ctx.event.event_id,
            created_at=ctx.now,
        )
    )
    ctx.db.flush()
    ctx.audit(
        "vote",
        "budget_envelope",
        env.id,
        vote=vote.id,
        user=ctx.sender,
        option=option,
        replaced=replaced,
    )
    ctx.edit(target, card(ctx, vote, env, project))
    return True


def _card_of(ctx: Context, vote: BudgetLandingVote) -> BotMessage | None:
    return ctx.db.exec(
        select(BotMessage).where(
            BotMessage.ref_kind == REF,
            BotMessage.ref_id == str(vote.id),
            BotMessage.kind == "text",
        )
    ).first()


def undo_by_event(ctx: Context, target_event_id: str) -> bool:
    """A vote's reaction taken back (the vote withdrawn, if it was that person's latest), the
    message that opened a vote deleted (the vote goes, while it runs), or the message that
    cancelled one deleted (it runs again, before its deadline)."""
    row = ctx.db.exec(
        select(BudgetLandingBallot, BudgetLandingVote, BudgetEnvelope, Project)
        .join(BudgetLandingVote, col(BudgetLandingVote.id) == col(BudgetLandingBallot.vote_id))
        .join(BudgetEnvelope, col(BudgetEnvelope.id) == col(BudgetLandingVote.envelope_id))
        .join(Project, col(Project.id) == col(BudgetEnvelope.project_id))
        .where(BudgetLandingBallot.event_id == target_event_id)
    ).first()
    if row is not None:
        return _withdraw(ctx, *row)
    vote = ctx.db.exec(
        select(BudgetLandingVote).where(
            (col(BudgetLandingVote.event_id) == target_event_id)
            | (col(BudgetLandingVote.close_event_id) == target_event_id)
        )
    ).first()
    if vote is None or vote.room_id != ctx.room.id:
        return False
    env = ctx.db.get(BudgetEnvelope, vote.envelope_id)
    assert env is not None
    project = b._project(ctx.db, env)
    if vote.close_event_id == target_event_id and vote.state == CANCELLED:
        latest = latest_vote(ctx.db, env)
        others = latest is not None and latest.id != vote.id and latest.state == OPEN
        require(
            ctx,
            life.vote_step(
                _vote_life(ctx, vote, env, project, others),
                undo(Act.CANCEL),
                b.actor(ctx),
                ctx.now,
            ),
        )
        vote.state, vote.closed_at, vote.closed_by, vote.close_event_id = OPEN, None, None, None
        ctx.db.flush()
        ctx.audit("vote_uncancel", "budget_envelope", env.id, vote=vote.id)
        tell_undo(
            ctx,
            ctx.t(
                "budget.landing.vote.uncancelled",
                envelope=b._label(ctx, env),
                deadline=deadline_text(ctx, vote.deadline),
            ),
        )
        return True
    if vote.event_id != target_event_id:
        return False
    require(
        ctx,
        life.vote_step(
            _vote_life(ctx, vote, env, project), undo(Act.CREATE), b.actor(ctx), ctx.now
        ),
    )
    ballots = ctx.db.exec(
        select(BudgetLandingBallot).where(BudgetLandingBallot.vote_id == vote.id)
    ).all()
    for ballot in ballots:
        ctx.db.delete(ballot)
    ctx.db.flush()
    ctx.db.delete(vote)
    ctx.db.flush()
    ctx.audit("vote_unopen", "budget_envelope", env.id, vote=vote.id, ballots=len(ballots))
    tell_undo(ctx, ctx.t("budget.landing.vote.unopened", envelope=b._label(ctx, env)))
    return True


def _withdraw(
    ctx: Context,
    ballot: BudgetLandingBallot,
    vote: BudgetLandingVote,
    env: BudgetEnvelope,
    project: Project,
) -> bool:
    if vote.room_id != ctx.room.id:
        return False
    if ballot.state != ACTIVE and vote.state == OPEN:
        return False  # an earlier reaction, replaced by a later one: nothing changes
    require(
        ctx,
        life.ballot_step(
            life.Ballot(
                life.CAST if ballot.state == ACTIVE else ballot.state,
                _vote_life(ctx, vote, env, project),
                ballot.user_id,
            ),
            undo(Act.CREATE),
            b.actor(ctx),
            ctx.now,
        ),
    )
    ballot.state = WITHDRAWN
    ctx.db.flush()
    ctx.audit("unvote", "budget_envelope", env.id, vote=vote.id, user=ballot.user_id)
    message = _card_of(ctx, vote)
    if message is not None:
        ctx.edit(message, card(ctx, vote, env, project))
    else:
        tell_undo(ctx, ctx.t("budget.landing.vote.withdrawn", who=ctx.name(ballot.user_id)))
    return True


# --------------------------------------------------------------------------- the timed job


def close_votes(
    db: Session, registry: Registry, settings: Settings, now: dt.datetime
) -> list[Queued]:
    """Count every open vote whose deadline has passed, once: the vote leaves ``open`` in one
    guarded update (a second process, or a run after a restart, finds it counted already) in the
    same transaction as what it applies and says."""
    due = list(
        db.exec(
            select(BudgetLandingVote)
            .where(BudgetLandingVote.state == OPEN, col(BudgetLandingVote.deadline) <= now)
            .order_by(col(BudgetLandingVote.id))
        ).all()
    )
    if not due:
        return []
    lock_rooms(db, {v.room_id for v in due})
    sent: list[Queued] = []
    for vote in due:
        db.refresh(vote)
        room = db.get(Room, vote.room_id)
        env = db.get(BudgetEnvelope, vote.envelope_id)
        if vote.state != OPEN or room is None or env is None:
            continue
        ctx = system_context(db, room, registry, settings, now, f"landing-vote:{vote.id}")
        sent.extend(_count(ctx, vote, env))
    return sent


def _count(ctx: Context, vote: BudgetLandingVote, env: BudgetEnvelope) -> list[Queued]:
    db = ctx.db
    project = b._project(db, env)
    code = project.code
    refused = life.vote_step(
        _vote_life(ctx, vote, env, project), act(Act.DEADLINE), Actor(BOT, True), ctx.now
    )
    if isinstance(refused, Refusal):
        return []
    p = ctx.settings.prefix
    counts, _ = current(db, vote)
    state, best = outcome(counts)
    validated = landing._validated(ctx, env)
    asked = sum(r.amount for r in validated.values())
    label = b._label(ctx, env)
    said = counts_text(ctx, counts)
    if state == APPLIED and (env.state != "open" or asked <= env.amount):
        state = VOID
    # the one guarded change: whoever makes it counts the vote, nobody else
    changed = connection_of(db).execute(
        update(BudgetLandingVote)
        .where(col(BudgetLandingVote.id) == vote.id, col(BudgetLandingVote.state) == OPEN)
        .values(
            state=state,
            result=",".join(best) or None,
            counts=",".join(f"{n}:{c}" for n, c in enumerate(counts.values(), start=1)),
            closed_at=ctx.now,
            closed_by=BOT,
        )
    )
    if changed.rowcount != 1:
        return []
    db.expire(vote)
    ctx.audit(
        "vote_count",
        "budget_envelope",
        env.id,
        vote=vote.id,
        state=state,
        counts=counts,
        result=best,
    )
    again = requests_key({rid: r.amount for rid, r in validated.items()}) != vote.requests_key
    note = ctx.t("budget.landing.vote.recomputed" if again else "budget.landing.vote.unchanged")
    if state == APPLIED:
        option = _choices(vote)[best[0]]
        head = "\n".join(
            (
                ctx.t(
                    "budget.landing.vote.won",
                    envelope=label,
                    number=option.number,
                    option=landing.option_label(ctx, option),
                    counts=said,
                ),
                note,
            )
        )
        follows = ctx.t("budget.landing.vote.follows", project=code, prefix=p)
        landing.apply(ctx, env, option, head=head, follows=follows)
    elif state == TIED:
        ctx.reply(
            ctx.t(
                "budget.landing.vote.tie",
                envelope=label,
                options=_numbers(best),
                counts=said,
                first=OPTIONS.index(best[0]) + 1,
                project=code,
                prefix=p,
            )
        )
    elif state == EMPTY:
        ctx.reply(ctx.t("budget.landing.vote.empty", envelope=label, project=code, prefix=p))
    elif env.state != "open":
        ctx.reply(ctx.t("budget.landing.vote.frozen", envelope=label))
    else:
        ctx.reply(
            ctx.t(
                "budget.landing.vote.fits",
                envelope=label,
                asked=ctx.money(asked),
                amount=ctx.money(env.amount),
            )
        )
    ctx.flush_audits()
    return ctx.sent


def register(reg: Registry) -> None:
    reg.on_reaction(REF)(on_vote_reaction)
    reg.on_tick(close_votes)


__all__ = [
    "KEYS",
    "VOTE_WORDS",
    "close_votes",
    "guard_apply",
    "on_vote_reaction",
    "outcome",
    "register",
    "status_lines",
    "tally",
    "undo_by_event",
    "vote_command",
]
