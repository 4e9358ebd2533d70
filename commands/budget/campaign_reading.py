"""Hour-reading campaigns (*relevé des compteurs*) on an open envelope.

- ``!releve KPA avant le 15/12`` (admins) opens one on the project's open envelope: the bot
  posts ONE message that mentions everyone who logged hours on the project in the envelope's
  period, and the room's members who logged none, asking them to complete their hours and post
  their request (or react ✅ when all is there);
- one reminder goes out before the deadline, as a reply in that message's thread, mentioning only
  those who have not confirmed;
- at the deadline the bot says who confirmed and who did not; ``!budget KPA`` shows it;
- ``!releve KPA`` shows where it stands; ``!releve KPA annuler`` (admins) cancels it.

Rules chosen here:

- "avant le 15/12": the campaign ends on the 15th at ``REPORT_HOUR`` (9:00) in the room's time
  zone, when the report goes out; a deadline must be a day after today (at most
  ``MAX_DAYS`` ahead). A date without a year that has passed this year is next year's when that
  is no more than ``MAX_DAYS`` ahead ("avant le 15/01" said in December); else it is refused as
  past.
- The reminder goes out the day before the deadline at the same hour, or half-way between the
  opening and the deadline when that comes later (a short campaign); never before
  ``QUIET_BEFORE`` o'clock (moved to that hour, still before the deadline).
- Someone has confirmed when, after the campaign opened, they logged hours on the project for a
  day of the envelope's period, or reacted ✅ to its message; or when they have a request in the
  envelope (whenever they posted it). Only what happened before the deadline counts.
- Who is asked is read when needed: the contributors of the envelope's period and the room's
  current members (so that someone who joins during the campaign is asked too).
- The reminder and the report are keyed records (one per campaign and kind): each goes out once,
  whatever the number of processes or restarts. A reminder that the bot could not send before
  the deadline (it was down) is not sent late: the report goes out instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import literal_column, union
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from commands.core import (
    Context,
)
from commands.deferred import RenderScope
from commands.grammar import Period
from commands.lifecycle import campaign as life
from storage.models import (
    BudgetCampaign,
    BudgetCampaignConfirm,
    BudgetEnvelope,
    BudgetRequest,
    Contribution,
    Member,
    Project,
)
from storage.queries import contribution_totals

FAMILY = "budget"
BOT = "bot"
REPORT_HOUR = 9
QUIET_BEFORE = 8
MAX_DAYS = 90
REMINDER, DEADLINE = "reminder", "deadline"
CONFIRM_KEYS = ("✅", "✔", "☑", "✔️", "☑️")
DEADLINE_WORDS = ("avant", "before", "jusqu'au", "jusquau", "jusqu'a", "until", "au", "by", "d'ici")
REF = "campaign"


# --------------------------------------------------------------------------- pure rules


def deadline_instant(day: dt.date, timezone: str) -> dt.datetime:
    """When a campaign "avant le ``day``" ends: that day at ``REPORT_HOUR``, local time."""
    local = dt.datetime(day.year, day.month, day.day, REPORT_HOUR, tzinfo=ZoneInfo(timezone))
    return local.astimezone(dt.UTC)


def reminder_instant(opened: dt.datetime, deadline: dt.datetime, timezone: str) -> dt.datetime:
    """When the one reminder goes out: the day before the deadline, or half-way for a short
    campaign (whichever is later), not before ``QUIET_BEFORE`` o'clock local time."""
    at = max(deadline - dt.timedelta(days=1), opened + (deadline - opened) / 2)
    local = at.astimezone(ZoneInfo(timezone))
    if local.hour < QUIET_BEFORE:
        morning = local.replace(hour=QUIET_BEFORE, minute=0, second=0, microsecond=0)
        at = morning.astimezone(dt.UTC)
    return at.astimezone(dt.UTC)


@dataclass(frozen=True)
class Standing:
    """Who a campaign asks, and who of them confirmed."""

    hours: dict[str, int]  # minutes logged in the period, per contributor
    members: list[str]  # the room's members who logged none
    confirmed: set[str]

    @property
    def asked(self) -> list[str]:
        return sorted(self.hours) + [m for m in self.members if m not in self.hours]

    @property
    def missing(self) -> list[str]:
        return [u for u in self.asked if u not in self.confirmed]

    @property
    def done(self) -> list[str]:
        return [u for u in self.asked if u in self.confirmed]


def standing(hours: dict[str, int], members: list[str], confirmed: set[str]) -> Standing:
    people = {u: m for u, m in hours.items() if u != BOT}
    others = sorted({m for m in members if m not in people and m != BOT})
    asked = set(people) | set(others)
    return Standing(people, others, {u for u in confirmed if u in asked})


def due_notice(
    state: str, remind_at: dt.datetime, deadline_at: dt.datetime, sent: set[str], now: dt.datetime
) -> str | None:
    """What the timed job sends for a campaign at ``now``: ``deadline``, ``reminder`` or
    nothing; ``sent``: the kinds sent already."""
    if state != life.OPEN:
        return None
    if now >= deadline_at:
        return DEADLINE if DEADLINE not in sent else None
    if now >= remind_at and REMINDER not in sent:
        return REMINDER
    return None


# --------------------------------------------------------------------------- reading the rows


def _project_code(db: Session, env: BudgetEnvelope) -> str:
    project = db.get(Project, env.project_id)
    return project.code if project is not None else "?"


def _period(env: BudgetEnvelope) -> Period:
    return Period(env.start, env.end, env.period_kind)


def read_standing(
    db: Session,
    campaign: BudgetCampaign,
    env: BudgetEnvelope,
    hours: Callable[[], dict[str, int]] | None = None,
) -> Standing:
    """Who ``campaign`` asks and who confirmed (what happened before its deadline); ``hours``:
    the minutes per person in the envelope, when the caller reads them anyway."""
    if hours is None:
        totals = contribution_totals(db, env.room_id, env.start, env.end, project_id=env.project_id)
        found_hours = {u: m for u, m, _ in totals.by_person}
    else:
        found_hours = hours()
    until = campaign.deadline_at
    # the three ways to confirm, and the room's members, in one statement
    logged = (
        select(col(Contribution.user_id), _CONFIRMED)
        .where(
            Contribution.room_id == env.room_id,
            Contribution.project_id == env.project_id,
            Contribution.day >= env.start,
            Contribution.day < env.end,
            # (the ids of the project's index, where the day's rows are: no row is read)
            col(Contribution.id) > campaign.last_contribution,
            col(Contribution.created_at) < until,
        )
        .distinct()
    )
    asked = select(col(BudgetRequest.user_id), _CONFIRMED).where(
        BudgetRequest.envelope_id == env.id,
        BudgetRequest.state == "active",
        col(BudgetRequest.created_at) < until,
    )
    reacted = select(col(BudgetCampaignConfirm.user_id), _CONFIRMED).where(
        BudgetCampaignConfirm.campaign_id == campaign.id,
        col(BudgetCampaignConfirm.created_at) < until,
    )
    members = select(col(Member.user_id), _MEMBER).where(
        Member.room_id == env.room_id,
        col(Member.joined).is_(True),
        col(Member.is_bot).is_(False),
    )
    rows = db.execute(union(logged, asked, reacted, members)).all()
    confirmed = {str(u) for u, kind in rows if kind == 0}
    return standing(found_hours, sorted(str(u) for u, kind in rows if kind == 1), confirmed)


# which branch of ``read_standing``'s statement a row comes from
_CONFIRMED: Any = literal_column("0").label("kind")
_MEMBER: Any = literal_column("1").label("kind")


def latest(db: Session, env: BudgetEnvelope) -> BudgetCampaign | None:
    """The envelope's latest campaign that was not removed."""
    return db.exec(
        select(BudgetCampaign)
        .where(BudgetCampaign.envelope_id == env.id, BudgetCampaign.state != life.REMOVED)
        .order_by(col(BudgetCampaign.id).desc())
    ).first()


def latest_id(env: Any) -> Any:
    """The id of ``latest`` (a scalar subquery; ``env`` the envelope table, for a column
    correlated to the query it is in)."""
    c: Any = aliased(BudgetCampaign)
    return (
        sa_select(c.id)
        .where(c.envelope_id == env.id, c.state != life.REMOVED)
        .order_by(c.id.desc())
        .limit(1)
        .scalar_subquery()
    )


def latest_of(ctx: Context | RenderScope, env: BudgetEnvelope) -> BudgetCampaign | None:
    """``latest``, unless the event read it along with the envelope (``keep_ahead``)."""
    kept = ctx.read_ahead(("campaign", env.id)) if isinstance(ctx, Context) else None
    return kept[0] if kept is not None else latest(ctx.db, env)


def _open_count(db: Session, env: BudgetEnvelope, but: int | None = None) -> int:
    return int(db.exec(select(_open_count_of(env, but))).one())


def _open_count_of(env: Any, but: int | None = None) -> Any:
    """The envelope's open campaigns but ``but``, counted (a scalar subquery; ``env`` an
    envelope, or the envelope table for a count correlated to the query it is in)."""
    return (
        select(func.count())
        .select_from(BudgetCampaign)
        .where(
            BudgetCampaign.envelope_id == env.id,
            BudgetCampaign.state == life.OPEN,
            BudgetCampaign.id != (but or 0),
        )
        .scalar_subquery()
    )


def _life(
    db: Session, c: BudgetCampaign, env: BudgetEnvelope, code: str, others: int | None = None
) -> life.Campaign:
    """The life of ``c``; ``others``: the envelope's other open campaigns, if read already."""
    deadline = c.deadline_at if c.deadline_at.tzinfo else c.deadline_at.replace(tzinfo=dt.UTC)
    if others is None:
        others = _open_count(db, env, c.id)
    return life.Campaign(c.state, code, deadline, env.state == "open", others)


def _utc(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


def _names(ctx: Context | RenderScope, people: list[str]) -> str:
    ctx.names(people)
    return ", ".join(ctx.name(u) for u in people) or ctx.t("budget.campaign.nobody")


def state_text(
    ctx: Context | RenderScope,
    campaign: BudgetCampaign,
    env: BudgetEnvelope,
    code: str,
    hours: Callable[[], dict[str, int]] | None = None,
) -> str:
    found = read_standing(ctx.db, campaign, env, hours)
    state = campaign.state
    if state == life.OPEN and ctx.now >= _utc(campaign.deadline_at):
        state = life.ENDED
    return ctx.t(
        f"budget.campaign.state.{state}",
        project=code,
        deadline=ctx.long_date(campaign.deadline),
        confirmed=_names(ctx, found.done),
        missing=_names(ctx, found.missing),
        done=len(found.done),
        asked=len(found.asked),
        prefix=ctx.settings.prefix,
    )


def envelope_line(
    ctx: Context | RenderScope,
    env: BudgetEnvelope,
    hours: Callable[[], dict[str, int]] | None = None,
) -> str | None:
    """Under an envelope's table: its latest campaign and who confirmed (``hours``: the minutes
    per person in the envelope, when the caller reads them anyway)."""
    campaign = latest_of(ctx, env)
    if campaign is None or campaign.state == life.CANCELLED:
        return None
    return state_text(ctx, campaign, env, _project_code(ctx.db, env), hours)
