"""``!budget KPA atterrissage vote 3j``: opening and cancelling a landing vote, and its state."""

from __future__ import annotations

import datetime as dt

from commands.budget import common, landing, vote_rules
from commands.core import Context, Queued, UserError
from commands.grammar import WEEKDAYS, fold, match_date, parse_days
from commands.landing import OPTIONS, Option
from commands.lifecycle import ABSENT, Act, act, require
from commands.lifecycle import budget as life
from commands.refusals import checked_date
from storage.models import (
    BudgetEnvelope,
    BudgetLandingVote,
    Project,
)

# --------------------------------------------------------------------------- the command


def read_deadline(ctx: Context, code: str, tokens: list[str]) -> dt.datetime:
    """``jusqu'au 15/12`` (to the end of that day in the room's time zone), ``3j``, ``1
    semaine`` (from now), ``vendredi`` (the next one): the instant the vote ends."""
    p = ctx.settings.prefix
    rest = list(tokens)
    while rest and fold(rest[0]) in vote_rules.UNTIL_WORDS and len(rest) > 1:
        rest = rest[1:]
    usage = UserError("budget.landing.vote.error.usage", project=code, prefix=p)
    if not rest:
        raise usage
    days = parse_days(" ".join(rest)) if len(rest) <= 2 else None
    if days is not None:
        if days < 1:
            raise usage
        if days > vote_rules.MAX_DAYS:
            raise UserError(
                "budget.landing.vote.error.too_far",
                days=vote_rules.MAX_DAYS,
                project=code,
                prefix=p,
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
    if (day - ctx.today).days > vote_rules.MAX_DAYS:
        raise UserError(
            "budget.landing.vote.error.too_far", days=vote_rules.MAX_DAYS, project=code, prefix=p
        )
    return vote_rules.end_of_day(day, ctx.room.timezone)


def vote_command(
    ctx: Context,
    env: BudgetEnvelope,
    project: Project,
    tokens: list[str],
    base_bp: int,
    floor: int,
) -> None:
    """``… atterrissage vote jusqu'au 15/12`` / ``vote 3j`` / ``vote annuler`` (admins: the
    declaration of ``!budget`` says so)."""
    if tokens and fold(tokens[0]) in vote_rules.CANCEL_WORDS and len(tokens) == 1:
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
    latest = vote_rules.latest_vote(ctx.db, env)
    running = latest is not None and latest.state == vote_rules.OPEN
    require(
        ctx,
        life.vote_step(
            life.Vote(ABSENT, vote_rules._env_life(ctx, env, project), deadline, running),
            act(Act.CREATE),
            common.actor(ctx),
            ctx.now,
        ),
    )
    vote = BudgetLandingVote(
        envelope_id=common._id(env),
        room_id=ctx.room.id,
        event_id=ctx.source_event_id,
        opened_by=ctx.sender,
        opened_at=ctx.now,
        deadline=deadline,
        base_bp=base_bp,
        floor=floor,
        requests_key=vote_rules.requests_key({rid: r.amount for rid, r in validated.items()}),
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
    message = ctx.reply(
        vote_rules.card(ctx, vote, env, project, empty), ref=(vote_rules.REF, vote.id)
    )
    _put_keys(ctx, message)


def _put_keys(ctx: Context, message: Queued) -> None:
    """The bot puts the four reactions on its vote message (in one statement)."""
    rows = [
        ctx._row(room_id=message.room_id, kind="react", reaction_key=key, target_id=message.id)
        for key in vote_rules.KEYS.values()
    ]
    ctx._insert_rows(rows, "reaction_key")


def cancel(ctx: Context, env: BudgetEnvelope, project: Project) -> None:
    latest = vote_rules.latest_vote(ctx.db, env)
    if latest is None or latest.state != vote_rules.OPEN:
        raise UserError("budget.landing.vote.error.none_open", project=project.code)
    require(
        ctx,
        life.vote_step(
            vote_rules._vote_life(ctx, latest, env, project),
            act(Act.CANCEL),
            common.actor(ctx),
            ctx.now,
        ),
    )
    latest.state, latest.closed_at, latest.closed_by = vote_rules.CANCELLED, ctx.now, ctx.sender
    latest.close_event_id = ctx.source_event_id
    ctx.db.flush()
    ctx.audit("vote_cancel", "budget_envelope", env.id, vote=latest.id)
    ctx.reply(
        ctx.t(
            "budget.landing.vote.cancelled",
            envelope=common._label(ctx, env),
            project=project.code,
            prefix=ctx.settings.prefix,
        )
    )


# --------------------------------------------------------------------------- what others see


def status_lines(ctx: Context, env: BudgetEnvelope, code: str) -> list[str]:
    """Under ``!budget KPA atterrissage``: the running vote (counts, deadline), or the tie an
    admin has to break."""
    vote = vote_rules.latest_vote(ctx.db, env)
    p = ctx.settings.prefix
    if vote is None:
        return []
    if vote.state == vote_rules.OPEN:
        counts, voters = vote_rules.current(ctx.db, vote)
        return [
            ctx.t(
                "budget.landing.vote.running",
                deadline=vote_rules.deadline_text(ctx, vote.deadline),
                counts=vote_rules.counts_text(ctx, counts),
                voters=voters,
                keys=" ".join(vote_rules.KEYS.values()),
                project=code,
                prefix=p,
            )
        ]
    if vote.state == vote_rules.TIED and vote.result:
        tied = vote.result.split(",")
        return [
            ctx.t(
                "budget.landing.vote.tied_pending",
                options=vote_rules._numbers(tied),
                first=OPTIONS.index(tied[0]) + 1,
                project=code,
                prefix=p,
            )
        ]
    return []


def guard_apply(ctx: Context, env: BudgetEnvelope, option: Option) -> None:
    """An admin applies an option: not while a vote runs; after a tie, one of the tied
    options."""
    vote = vote_rules.latest_vote(ctx.db, env)
    if vote is None:
        return
    code = common._project(ctx.db, env).code
    if vote.state == vote_rules.OPEN:
        raise UserError(
            "budget.landing.vote.error.running",
            deadline=vote_rules.deadline_text(ctx, vote.deadline),
            project=code,
        )
    if vote.state == vote_rules.TIED and vote.result and option.name not in vote.result.split(","):
        tied = vote.result.split(",")
        raise UserError(
            "budget.landing.vote.error.not_tied",
            options=vote_rules._numbers(tied),
            first=OPTIONS.index(tied[0]) + 1,
            project=code,
        )
