"""Batch loaders of the contributive budget: envelopes, requests and their answers, minutes per person, each in one query whatever the number of rows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    String,
    and_,
    cast,
    literal,
    literal_column,
    null,
    or_,
    union_all,
)
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from commands.budget import campaign_reading, common, rate_rules, rules
from commands.core import Context
from storage.ledger import RequestVotes
from storage.models import (
    BudgetCampaign,
    BudgetEnvelope,
    BudgetGiveBack,
    BudgetQuestion,
    BudgetRateGuide,
    BudgetRequest,
    BudgetValidation,
    Contribution,
    Project,
)
from storage.queries import contribution_totals


def minutes_by_person(db: Session, env: BudgetEnvelope) -> dict[str, int]:
    totals = contribution_totals(db, env.room_id, env.start, env.end, project_id=env.project_id)
    return {u: m for u, m, _ in totals.by_person}


def first_logged(db: Session, env: BudgetEnvelope) -> dict[str, int]:
    """Each contributor's first contribution in the envelope (its internal id): between two
    people with the same hours, the cent that cannot be split goes to who logged first (a rule
    that no id decides, so that forgetting someone changes no share)."""
    return _minutes_and_first(db, env)[1]


def envelope_numbered(ctx: Context, number: int) -> BudgetEnvelope | None:
    """The room's envelope ``#number`` (``envelope_refs.envelope_ref``), read in one query with
    what ``_envelopes`` reads along with each envelope: its project, its counts, its latest
    campaign, the project's envelope just before it and the project's range of pay."""
    requests, gifts = _envelope_counts(BudgetEnvelope)
    scope = literal("project:") + cast(col(BudgetEnvelope.project_id), String)
    earlier: Any = aliased(BudgetEnvelope)
    before = (
        sa_select(earlier.id)
        .where(
            earlier.room_id == BudgetEnvelope.room_id,
            earlier.project_id == BudgetEnvelope.project_id,
            earlier.start < BudgetEnvelope.start,
        )
        .order_by(earlier.start.desc())
        .limit(1)
        .correlate(BudgetEnvelope)
        .scalar_subquery()
    )
    previous: Any = aliased(BudgetEnvelope)
    rows = ctx.db.execute(
        sa_select(
            BudgetEnvelope, Project, requests, gifts, BudgetRateGuide, BudgetCampaign, previous
        )
        .join(Project, col(Project.id) == col(BudgetEnvelope.project_id))
        .outerjoin(
            BudgetRateGuide,
            and_(
                col(BudgetRateGuide.room_id) == col(BudgetEnvelope.room_id),
                or_(
                    col(BudgetRateGuide.scope) == rate_rules.ROOM_SCOPE,
                    col(BudgetRateGuide.scope) == scope,
                ),
            ),
        )
        .outerjoin(
            BudgetCampaign,
            col(BudgetCampaign.id) == campaign_reading.latest_id(BudgetEnvelope),
        )
        .outerjoin(previous, previous.id == before)
        .where(col(BudgetEnvelope.room_id) == ctx.room.id, col(BudgetEnvelope.number) == number)
    ).all()
    if not rows:
        return None
    env: BudgetEnvelope
    env, project, in_envelope, given_back, _, latest, earlier_env = rows[0]
    guides = {row[4].scope: row[4] for row in rows if row[4] is not None}
    ctx.keep_ahead(("envelope", env.id), (int(in_envelope), int(given_back)))
    ctx.keep_ahead(("campaign", env.id), (latest,))
    ctx.keep_ahead(("before", env.id), (earlier_env,))
    mine = rate_rules.scope_of(project)
    rate_rules.known(
        ctx, common._id(project), guides.get(mine) or guides.get(rate_rules.ROOM_SCOPE)
    )
    return env


def _envelopes(ctx: Context, project: Project) -> list[BudgetEnvelope]:
    """The project's envelopes, latest first, each with its counts (``envelope_life``), the
    one just before it (``rates.check_growth``) and its latest campaign, and the range of pay
    that applies to the project: one query."""
    requests, gifts = _envelope_counts(BudgetEnvelope)
    scopes = (rate_rules.ROOM_SCOPE, rate_rules.scope_of(project))
    rows = ctx.db.execute(
        sa_select(BudgetEnvelope, requests, gifts, BudgetRateGuide, BudgetCampaign)
        .outerjoin(
            BudgetRateGuide,
            and_(
                col(BudgetRateGuide.room_id) == col(BudgetEnvelope.room_id),
                col(BudgetRateGuide.scope).in_(scopes),
            ),
        )
        .outerjoin(
            BudgetCampaign, col(BudgetCampaign.id) == campaign_reading.latest_id(BudgetEnvelope)
        )
        .where(
            col(BudgetEnvelope.room_id) == ctx.room.id, col(BudgetEnvelope.project_id) == project.id
        )
        .order_by(col(BudgetEnvelope.start).desc())
    ).all()
    found: dict[int, BudgetEnvelope] = {}
    guides: dict[str, BudgetRateGuide] = {}
    for env, in_envelope, given_back, guide, latest in rows:
        if guide is not None:
            guides[guide.scope] = guide
        if common._id(env) in found:
            continue
        found[common._id(env)] = env
        ctx.keep_ahead(("envelope", env.id), (int(in_envelope), int(given_back)))
        ctx.keep_ahead(("campaign", env.id), (latest,))
    envs = list(found.values())
    for k, env in enumerate(envs):
        before = next((e for e in envs[k + 1 :] if e.start < env.start), None)
        ctx.keep_ahead(("before", env.id), (before,))
    if envs:
        rate_rules.known(ctx, common._id(project), guides.get(scopes[1]) or guides.get(scopes[0]))
    return envs


def _envelope_counts(env: Any) -> tuple[Any, Any]:
    """Its requests and its give-backs, counted (scalar subqueries; ``env`` an envelope, or the
    envelope table for counts correlated to the query they are in)."""
    counted = aliased(BudgetRequest)
    requests = select(func.count(col(counted.id))).where(counted.envelope_id == env.id)
    gifts = select(func.count(col(BudgetGiveBack.id))).where(BudgetGiveBack.envelope_id == env.id)
    return requests.scalar_subquery(), gifts.scalar_subquery()


def request_votes(db: Session, envelope_id: int) -> dict[int, RequestVotes]:
    """Request id -> its validations and questions, for every request of an envelope (one
    statement: the two kinds of answer side by side, each in the order it was given)."""
    validations: dict[int, list[tuple[str, bool]]] = {}
    questions: dict[int, list[tuple[str, str]]] = {}
    given: Any = (
        sa_select(
            literal_column("0").label("kind"),
            col(BudgetValidation.id).label("id"),
            col(BudgetValidation.request_id).label("request_id"),
            col(BudgetValidation.user_id).label("user_id"),
            col(BudgetValidation.by_admin).label("by_admin"),
            cast(null(), String).label("text"),
        )
        .join(BudgetRequest, col(BudgetRequest.id) == col(BudgetValidation.request_id))
        .where(col(BudgetRequest.envelope_id) == envelope_id)
    )
    asked: Any = (
        sa_select(
            literal_column("1").label("kind"),
            col(BudgetQuestion.id).label("id"),
            col(BudgetQuestion.request_id).label("request_id"),
            col(BudgetQuestion.user_id).label("user_id"),
            cast(null(), Boolean).label("by_admin"),
            col(BudgetQuestion.text).label("text"),
        )
        .join(BudgetRequest, col(BudgetRequest.id) == col(BudgetQuestion.request_id))
        .where(col(BudgetRequest.envelope_id) == envelope_id)
    )
    both = union_all(given, asked).subquery()
    for kind, _, request_id, user, admin, text in db.execute(
        sa_select(both).order_by(both.c.kind, both.c.id)
    ).all():
        if kind == 0:
            validations.setdefault(int(request_id), []).append((user, bool(admin)))
        else:
            questions.setdefault(int(request_id), []).append((user, text))
    return {
        rid: RequestVotes(validations.get(rid, []), questions.get(rid, []))
        for rid in set(validations) | set(questions)
    }


def _minutes_and_first(db: Session, env: BudgetEnvelope) -> tuple[dict[str, int], dict[str, int]]:
    """``minutes_by_person`` and ``first_logged`` of an envelope, in one query."""
    return hours_and_first(db, env.room_id, env.project_id, env.start, env.end)


def hours_and_first(
    db: Session, room_id: str, project_id: int | None, start: dt.date, end: dt.date
) -> tuple[dict[str, int], dict[str, int]]:
    """The minutes of each contributor to a project with ``start <= day < end`` and their first
    contribution's internal id, in one query: what a proportional envelope is shared by (an
    envelope about to be created has no row yet)."""
    rows = db.exec(
        select(Contribution.user_id, func.sum(Contribution.minutes), func.min(Contribution.id))
        .where(
            Contribution.room_id == room_id,
            Contribution.project_id == project_id,
            Contribution.day >= start,
            Contribution.day < end,
        )
        .group_by(col(Contribution.user_id))
    ).all()
    minutes = {user: int(total or 0) for user, total, _ in rows}
    return minutes, {user: int(first or 0) for user, _, first in rows}


def minutes_of(db: Session, env: BudgetEnvelope, users: set[str]) -> dict[str, int]:
    """The minutes of ``users`` in an envelope's project and period, in one query on the
    project's covering index: what closing a libre envelope shows beside each paid request."""
    if not users:
        return {}
    rows = db.exec(
        select(Contribution.user_id, func.sum(Contribution.minutes))
        .where(
            Contribution.room_id == env.room_id,
            Contribution.project_id == env.project_id,
            Contribution.day >= env.start,
            Contribution.day < env.end,
            col(Contribution.user_id).in_(sorted(users)),
        )
        .group_by(col(Contribution.user_id))
    ).all()
    return {user: int(total or 0) for user, total in rows}


def _givebacks(db: Session, envs: list[BudgetEnvelope]) -> dict[int, dict[str, BudgetGiveBack]]:
    """The latest give-back of each person in each of ``envs``, in one query."""
    if not envs:
        return {}
    out: dict[int, dict[str, BudgetGiveBack]] = {}
    for g in db.exec(
        select(BudgetGiveBack)
        .where(col(BudgetGiveBack.envelope_id).in_([e.id for e in envs]))
        .order_by(col(BudgetGiveBack.id))
    ).all():
        out.setdefault(g.envelope_id, {})[g.user_id] = g
    return out


def _latest_givebacks(db: Session, env: BudgetEnvelope) -> dict[str, BudgetGiveBack]:
    gifts = db.exec(
        select(BudgetGiveBack)
        .where(BudgetGiveBack.envelope_id == env.id)
        .order_by(col(BudgetGiveBack.id))
    ).all()
    return {g.user_id: g for g in gifts}


def _requests(db: Session, env: BudgetEnvelope) -> list[BudgetRequest]:
    return [req for req, _ in requests_with_states(db, [env])]


def requests_with_states(
    db: Session, envs: list[BudgetEnvelope]
) -> list[tuple[BudgetRequest, rules.RequestState]]:
    """The active requests of ``envs`` (in order), each with its validations and questions, in
    one query whatever their number."""
    if not envs:
        return []
    needed = {e.id: e.validations_needed for e in envs}
    votes, by_admin, questions = _vote_counts()
    rows = db.exec(
        select(BudgetRequest, votes, by_admin, questions)
        .where(col(BudgetRequest.envelope_id).in_(list(needed)), BudgetRequest.state == "active")
        .order_by(col(BudgetRequest.id))
    ).all()
    out = []
    for req, n, admins, asked in rows:
        state = rules.RequestState(
            admins > 0 or n >= needed[req.envelope_id], admins > 0, int(n), int(asked)
        )
        out.append((req, state))
    return out


def request_state(
    db: Session, env: BudgetEnvelope, req: BudgetRequest, user: str | None = None
) -> rules.RequestState:
    """Where a request stands, in one query; ``mine``: whether ``user`` validated it."""
    of_req = col(BudgetValidation.request_id) == req.id
    votes = select(func.count()).where(of_req)
    admins = select(func.count()).where(of_req, col(BudgetValidation.by_admin).is_(True))
    mine = select(func.count()).where(of_req, col(BudgetValidation.user_id) == (user or ""))
    asked = select(func.count()).where(col(BudgetQuestion.request_id) == req.id)
    n, a, m, q = db.exec(select(*(x.scalar_subquery() for x in (votes, admins, mine, asked)))).one()
    return rules.RequestState(a > 0 or n >= env.validations_needed, a > 0, int(n), int(q), m > 0)


def _request_minutes(db: Session, env: BudgetEnvelope, user_id: str) -> int:
    totals = contribution_totals(
        db, env.room_id, env.start, env.end, user_id=user_id, project_id=env.project_id
    )
    return totals.minutes


def envelope_minutes(db: Session, envs: list[BudgetEnvelope]) -> dict[int, dict[str, int]]:
    """Minutes per person in each envelope's project and period, in one query whatever the
    number of envelopes (the project index reads each period's days in order)."""
    return _per_envelope(db, envs, func.sum(Contribution.minutes))


def envelopes_first_logged(db: Session, envs: list[BudgetEnvelope]) -> dict[int, dict[str, int]]:
    """``first_logged`` of each envelope, in one query whatever the number of envelopes."""
    return _per_envelope(db, envs, func.min(Contribution.id))


def _per_envelope(db: Session, envs: list[BudgetEnvelope], value: Any) -> dict[int, dict[str, int]]:
    """``value`` (an aggregate of contributions) per person in each envelope's project and
    period."""
    if not envs:
        return {}
    env_table = BudgetEnvelope.__table__  # type: ignore[attr-defined]
    c = Contribution.__table__  # type: ignore[attr-defined]
    rows = db.exec(
        select(env_table.c.id, c.c.user_id, value)
        .select_from(
            env_table.join(
                c,
                and_(
                    c.c.room_id == env_table.c.room_id,
                    c.c.project_id == env_table.c.project_id,
                    c.c.day >= env_table.c.start,
                    c.c.day < env_table.c.end,
                ),
            )
        )
        .where(env_table.c.id.in_([e.id for e in envs]))
        .group_by(env_table.c.id, c.c.user_id)
    ).all()
    out: dict[int, dict[str, int]] = {common._id(e): {} for e in envs}
    for env_id, user, found in rows:
        out[env_id][user] = int(found or 0)
    return out


def _vote_counts() -> tuple[Any, Any, Any]:
    """A request's validations, those by an admin and its questions, counted (scalar
    subqueries correlated to the request table of the query they are in)."""
    votes = (
        select(func.count())
        .where(col(BudgetValidation.request_id) == col(BudgetRequest.id))
        .correlate(BudgetRequest)
        .scalar_subquery()
    )
    by_admin = (
        select(func.count())
        .where(
            col(BudgetValidation.request_id) == col(BudgetRequest.id),
            col(BudgetValidation.by_admin).is_(True),
        )
        .correlate(BudgetRequest)
        .scalar_subquery()
    )
    questions = (
        select(func.count())
        .where(col(BudgetQuestion.request_id) == col(BudgetRequest.id))
        .correlate(BudgetRequest)
        .scalar_subquery()
    )
    return votes, by_admin, questions
