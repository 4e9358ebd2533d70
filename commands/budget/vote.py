"""Landing votes: the reactions that cast a ballot, their undo and the timed count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select as sa_select
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from commands.budget import common, landing, lives, queries, vote_rules
from commands.core import Context, Queued, Registry, Settings, system_context
from commands.landing import OPTIONS
from commands.lifecycle import ABSENT, Act, Actor, Refusal, act, require, tell_undo, undo
from commands.lifecycle import budget as life
from storage.db import connection_of, lock_rooms
from storage.models import (
    BotMessage,
    BudgetEnvelope,
    BudgetLandingBallot,
    BudgetLandingVote,
    Project,
    Room,
)

# --------------------------------------------------------------------------- ballots


def on_vote_reaction(ctx: Context, target: BotMessage, key: str) -> bool:
    """A reaction on a vote's message: 1️⃣ to 4️⃣ is a vote (the latest one of a person
    counts)."""
    option = vote_rules.option_of(key)
    if option is None or target.ref_id is None or not target.ref_id.isdigit():
        return False
    if ctx.sender == vote_rules.BOT or len(target.ref_id) > 18:
        return False
    found = vote_rules._load(ctx.db, int(target.ref_id))
    if found is None or found[0].room_id != ctx.room.id:
        return False
    vote, env, project = found
    require(
        ctx,
        life.ballot_step(
            life.Ballot(ABSENT, vote_rules._vote_life(ctx, vote, env, project), ctx.sender),
            act(Act.CREATE),
            common.actor(ctx),
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
                col(BudgetLandingBallot.state) == vote_rules.ACTIVE,
            )
            .values(state=vote_rules.REPLACED)
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
    ctx.edit(target, vote_rules.card(ctx, vote, env, project))
    return True


def _card_of(ctx: Context, vote: BudgetLandingVote) -> BotMessage | None:
    return ctx.db.exec(
        select(BotMessage).where(
            BotMessage.ref_kind == vote_rules.REF,
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
    project = common._project(ctx.db, env)
    if vote.close_event_id == target_event_id and vote.state == vote_rules.CANCELLED:
        latest = vote_rules.latest_vote(ctx.db, env)
        others = latest is not None and latest.id != vote.id and latest.state == vote_rules.OPEN
        require(
            ctx,
            life.vote_step(
                vote_rules._vote_life(ctx, vote, env, project, others),
                undo(Act.CANCEL),
                common.actor(ctx),
                ctx.now,
            ),
        )
        vote.state, vote.closed_at, vote.closed_by, vote.close_event_id = (
            vote_rules.OPEN,
            None,
            None,
            None,
        )
        ctx.db.flush()
        ctx.audit("vote_uncancel", "budget_envelope", env.id, vote=vote.id)
        tell_undo(
            ctx,
            ctx.t(
                "budget.landing.vote.uncancelled",
                envelope=common._label(ctx, env),
                deadline=vote_rules.deadline_text(ctx, vote.deadline),
            ),
        )
        return True
    if vote.event_id != target_event_id:
        return False
    require(
        ctx,
        life.vote_step(
            vote_rules._vote_life(ctx, vote, env, project),
            undo(Act.CREATE),
            common.actor(ctx),
            ctx.now,
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
    tell_undo(ctx, ctx.t("budget.landing.vote.unopened", envelope=common._label(ctx, env)))
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
    if ballot.state != vote_rules.ACTIVE and vote.state == vote_rules.OPEN:
        return False  # an earlier reaction, replaced by a later one: nothing changes
    require(
        ctx,
        life.ballot_step(
            life.Ballot(
                life.CAST if ballot.state == vote_rules.ACTIVE else ballot.state,
                vote_rules._vote_life(ctx, vote, env, project),
                ballot.user_id,
            ),
            undo(Act.CREATE),
            common.actor(ctx),
            ctx.now,
        ),
    )
    ballot.state = vote_rules.WITHDRAWN
    ctx.db.flush()
    ctx.audit("unvote", "budget_envelope", env.id, vote=vote.id, user=ballot.user_id)
    message = _card_of(ctx, vote)
    if message is not None:
        ctx.edit(message, vote_rules.card(ctx, vote, env, project))
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
            .where(
                BudgetLandingVote.state == vote_rules.OPEN, col(BudgetLandingVote.deadline) <= now
            )
            .order_by(col(BudgetLandingVote.id))
        ).all()
    )
    if not due:
        return []
    lock_rooms(db, {v.room_id for v in due})
    sent: list[Queued] = []
    for vote, room, env, in_envelope, given_back, _project in _locked(db, [v.id for v in due]):
        ctx = system_context(db, room, registry, settings, now, f"landing-vote:{vote.id}")
        ctx.keep_ahead(("envelope", env.id), (int(in_envelope), int(given_back)))
        sent.extend(_count(ctx, vote, env))
    return sent


def _locked(db: Session, ids: list[int | None]) -> list[Any]:
    """The votes ``ids`` still open once their rooms are locked, read again, each with its room,
    its envelope and the envelope's project and counts (``lives.envelope_life``): one query."""
    in_envelope, given_back = queries._envelope_counts(BudgetEnvelope)
    return list(
        db.execute(
            sa_select(BudgetLandingVote, Room, BudgetEnvelope, in_envelope, given_back, Project)
            .join(Room, col(Room.id) == col(BudgetLandingVote.room_id))
            .join(BudgetEnvelope, col(BudgetEnvelope.id) == col(BudgetLandingVote.envelope_id))
            .join(Project, col(Project.id) == col(BudgetEnvelope.project_id))
            .where(
                col(BudgetLandingVote.id).in_(ids),
                col(BudgetLandingVote.state) == vote_rules.OPEN,
            )
            .order_by(col(BudgetLandingVote.id))
            .execution_options(populate_existing=True)
        ).all()
    )


def _count(ctx: Context, vote: BudgetLandingVote, env: BudgetEnvelope) -> list[Queued]:
    db = ctx.db
    project = common._project(db, env)
    code = project.code
    refused = life.vote_step(
        vote_rules._vote_life(ctx, vote, env, project),
        act(Act.DEADLINE),
        Actor(vote_rules.BOT, True),
        ctx.now,
    )
    if isinstance(refused, Refusal):
        return []
    p = ctx.settings.prefix
    counts, _ = vote_rules.current(db, vote)
    state, best = vote_rules.outcome(counts)
    validated = landing._validated(ctx, env)
    asked = sum(r.amount for r in validated.values())
    label = common._label(ctx, env)
    said = vote_rules.counts_text(ctx, counts)
    if state == vote_rules.APPLIED and (env.state != "open" or asked <= env.amount):
        state = vote_rules.VOID
    # the one guarded change: whoever makes it counts the vote, nobody else
    changed = connection_of(db).execute(
        update(BudgetLandingVote)
        .where(
            col(BudgetLandingVote.id) == vote.id, col(BudgetLandingVote.state) == vote_rules.OPEN
        )
        .values(
            state=state,
            result=",".join(best) or None,
            counts=",".join(f"{n}:{c}" for n, c in enumerate(counts.values(), start=1)),
            closed_at=ctx.now,
            closed_by=vote_rules.BOT,
        )
    )
    if changed.rowcount != 1:
        return []
    for name, value in (
        ("state", state),
        ("result", ",".join(best) or None),
        ("counts", ",".join(f"{n}:{c}" for n, c in enumerate(counts.values(), start=1))),
        ("closed_at", ctx.now),
        ("closed_by", vote_rules.BOT),
    ):  # what the update wrote, known to the session without reading the row again
        set_committed_value(vote, name, value)
    env_life = lives.envelope_life(ctx, env)  # read along with the vote, nothing changed yet
    ctx.audit(
        "vote_count",
        "budget_envelope",
        env.id,
        vote=vote.id,
        state=state,
        counts=counts,
        result=best,
    )
    again = (
        vote_rules.requests_key({rid: r.amount for rid, r in validated.items()})
        != vote.requests_key
    )
    note = ctx.t("budget.landing.vote.recomputed" if again else "budget.landing.vote.unchanged")
    if state == vote_rules.APPLIED:
        option = vote_rules._choices(vote)[best[0]]
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
        landing.apply(
            ctx, env, option, head=head, follows=follows, validated=validated, life_now=env_life
        )
    elif state == vote_rules.TIED:
        ctx.reply(
            ctx.t(
                "budget.landing.vote.tie",
                envelope=label,
                options=vote_rules._numbers(best),
                counts=said,
                first=OPTIONS.index(best[0]) + 1,
                project=code,
                prefix=p,
            )
        )
    elif state == vote_rules.EMPTY:
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
    reg.on_reaction(vote_rules.REF)(on_vote_reaction)
    reg.on_tick(close_votes)
