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
from contextlib import suppress
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import literal_column, union
from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from commands.contrib import period_label
from commands.core import (
    Context,
    Queued,
    Registry,
    Settings,
    UserError,
    room_members,
    system_context,
)
from commands.deferred import RenderScope
from commands.grammar import Period, fold, match_date, tokenize
from commands.i18n import format_hours
from commands.lifecycle import ABSENT, Act, Actor, act, require, tell_undo, undo
from commands.lifecycle import campaign as life
from commands.refusals import checked_date
from storage.db import lock_rooms
from storage.models import (
    BotMessage,
    BudgetCampaign,
    BudgetCampaignConfirm,
    BudgetCampaignNotice,
    BudgetEnvelope,
    BudgetRequest,
    Contribution,
    Member,
    Project,
    Room,
)
from storage.queries import contribution_totals

FAMILY = "budget"
BOT = "bot"
REPORT_HOUR = 9
QUIET_BEFORE = 8
MAX_DAYS = 90
REMINDER, DEADLINE = "reminder", "deadline"
CONFIRM_KEYS = ("✅", "✔", "☑", "✔️", "☑️")
CANCEL_WORDS = ("annuler", "annule", "cancel", "stop", "arreter", "fermer")
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


def _open_count_of(env: BudgetEnvelope, but: int | None = None) -> Any:
    """The envelope's open campaigns but ``but``, counted (a scalar subquery)."""
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


def _life(db: Session, c: BudgetCampaign, env: BudgetEnvelope, code: str) -> life.Campaign:
    deadline = c.deadline_at if c.deadline_at.tzinfo else c.deadline_at.replace(tzinfo=dt.UTC)
    return life.Campaign(c.state, code, deadline, env.state == "open", _open_count(db, env, c.id))


def _utc(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=dt.UTC)


# --------------------------------------------------------------------------- the command


def register(reg: Registry) -> None:
    reg.command("releve", family=FAMILY, aliases=("releves", "reading", "readings"))(
        campaign_command
    )
    reg.on_reaction(REF)(on_reaction)
    reg.on_undo(undo_by_event)
    reg.on_tick(campaign_duty)


def _actor(ctx: Context) -> Actor:
    return Actor(ctx.sender, ctx.is_admin)


def campaign_command(ctx: Context, args: str) -> None:
    """``!releve KPA [avant le 15/12 | annuler]`` (or ``#N``, the envelope's number)."""
    from commands import budget_sources as sources

    p = ctx.settings.prefix
    tokens = tokenize(args)
    if not tokens:
        raise UserError("budget.campaign.error.usage", project="KPA", prefix=p)
    project, named = sources.project_of(ctx, tokens[0])
    with sources.choosing(named):
        _campaign_command(ctx, project, tokens[1:])


def _campaign_command(ctx: Context, project: Project, rest: list[str]) -> None:
    from commands.budget import pick_envelope

    p = ctx.settings.prefix
    if not rest:
        env = pick_envelope(ctx, project, None)
        show(ctx, env, project.code)
        return
    if fold(rest[0]) in CANCEL_WORDS and len(rest) == 1:
        if not ctx.is_admin:
            raise UserError("core.admin_only", command=ctx.typed_command(2) or f"{p}releve")
        env = pick_envelope(ctx, project, None)
        cancel(ctx, env, project.code)
        return
    if not ctx.is_admin:
        raise UserError("core.admin_only", command=ctx.typed_command(1) or f"{p}releve")
    day = read_deadline(ctx, rest, project.code)
    env = pick_envelope(ctx, project, None, open_only=True)
    open_campaign(ctx, env, project.code, day)


def read_deadline(ctx: Context, tokens: list[str], code: str) -> dt.date:
    """``avant le 15/12`` · ``15/12`` · ``jusqu'au 15 décembre``: a day after today."""
    p = ctx.settings.prefix
    i = 0
    while i < len(tokens) - 1 and fold(tokens[i]) in DEADLINE_WORDS:
        i += 1
    found = match_date(tokens, i, ctx.today)
    if found is None or i + found.used != len(tokens):
        raise UserError("budget.campaign.error.usage", project=code, prefix=p)
    day = checked_date(found, " ".join(tokens[i:]))
    if day < ctx.today and not found.year_given:
        with suppress(ValueError):  # "avant le 15/01" said in December: next year's
            later = day.replace(year=day.year + 1)
            if (later - ctx.today).days <= MAX_DAYS:
                day = later
    if day <= ctx.today:
        raise UserError(
            "budget.campaign.error.past", project=code, date=ctx.long_date(day), prefix=p
        )
    if (day - ctx.today).days > MAX_DAYS:
        raise UserError("budget.campaign.error.too_far", project=code, days=MAX_DAYS, prefix=p)
    return day


def open_campaign(ctx: Context, env: BudgetEnvelope, code: str, day: dt.date) -> None:
    deadline_at = deadline_instant(day, ctx.room.timezone)
    remind_at = reminder_instant(ctx.now, deadline_at, ctx.room.timezone)
    # the campaigns already open and the latest contribution, in one statement
    opened, last = ctx.db.exec(
        select(_open_count_of(env), select(func.max(Contribution.id)).scalar_subquery())
    ).one()
    require(
        ctx,
        life.campaign_step(
            life.Campaign(ABSENT, code, deadline_at, env.state == "open", int(opened)),
            act(Act.CREATE),
            _actor(ctx),
            ctx.now,
        ),
    )
    campaign = BudgetCampaign(
        room_id=ctx.room.id,
        envelope_id=int(env.id or 0),
        deadline=day,
        deadline_at=deadline_at,
        remind_at=remind_at,
        opened_by=ctx.sender,
        event_id=ctx.source_event_id,
        opened_at=ctx.now,
        last_contribution=int(last or 0),
    )
    ctx.db.add(campaign)
    ctx.db.flush()
    ctx.audit(
        "campaign_open",
        "budget_campaign",
        campaign.id,
        envelope=env.id,
        deadline=day.isoformat(),
        remind_at=remind_at,
    )
    _post(ctx, campaign, env, code)


def _post(ctx: Context, campaign: BudgetCampaign, env: BudgetEnvelope, code: str) -> None:
    p = ctx.settings.prefix
    totals = contribution_totals(ctx.db, env.room_id, env.start, env.end, project_id=env.project_id)
    found = standing(
        {u: m for u, m, _ in totals.by_person}, room_members(ctx.db, env.room_id), set()
    )
    ctx.names([ctx.sender])

    def named(user: str) -> str:
        # each person asked by their id (an adapter shows a mention), the opener by their name
        return ctx.name(user) if user == ctx.sender else user

    with_hours = ", ".join(
        ctx.t(
            "budget.campaign.person_hours",
            who=named(u),
            hours=format_hours(found.hours[u], ctx.lang),
        )
        for u in sorted(found.hours)
    )
    without = ", ".join(named(u) for u in found.members)
    remind = _utc(campaign.remind_at).astimezone(ctx.tz).date()
    ctx.reply(
        ctx.t(
            f"budget.campaign.opened.{env.mode}",
            envelope=_envelope_label(ctx, env, code),
            deadline=ctx.long_date(campaign.deadline),
            with_hours=with_hours or ctx.t("budget.campaign.nobody"),
            without=(ctx.t("budget.campaign.without", people=without) if without else ""),
            remind=ctx.long_date(remind),
            project=code,
            prefix=p,
        ),
        ref=(REF, campaign.id),
        mentions=found.asked,
    )


def _names(ctx: Context | RenderScope, people: list[str]) -> str:
    ctx.names(people)
    return ", ".join(ctx.name(u) for u in people) or ctx.t("budget.campaign.nobody")


def show(ctx: Context, env: BudgetEnvelope, code: str) -> None:
    campaign = latest_of(ctx, env)
    if campaign is None:
        ctx.reply(ctx.t("budget.campaign.none", project=code, prefix=ctx.settings.prefix))
        return
    ctx.reply(state_text(ctx, campaign, env, code))


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


def cancel(ctx: Context, env: BudgetEnvelope, code: str) -> None:
    campaign = ctx.db.exec(
        select(BudgetCampaign).where(
            BudgetCampaign.envelope_id == env.id, BudgetCampaign.state == life.OPEN
        )
    ).first()
    if campaign is None:
        raise UserError("budget.campaign.error.none_open", project=code, prefix=ctx.settings.prefix)
    require(
        ctx,
        life.campaign_step(
            _life(ctx.db, campaign, env, code), act(Act.CANCEL), _actor(ctx), ctx.now
        ),
    )
    campaign.state = life.CANCELLED
    campaign.cancelled_by, campaign.cancel_event_id = ctx.sender, ctx.source_event_id
    ctx.db.flush()
    ctx.audit("campaign_cancel", "budget_campaign", campaign.id)
    ctx.reply(ctx.t("budget.campaign.cancelled", project=code, who=ctx.name(ctx.sender)))


# --------------------------------------------------------------------------- ✅ on its message


def on_reaction(ctx: Context, target: BotMessage, key: str) -> bool:
    if key not in CONFIRM_KEYS or target.ref_id is None:
        return False
    campaign = ctx.db.get(BudgetCampaign, int(target.ref_id))
    if campaign is None:
        return False
    env = ctx.db.get(BudgetEnvelope, campaign.envelope_id)
    if env is None:
        return False
    code = _project_code(ctx.db, env)
    require(
        ctx,
        life.confirmation_step(
            life.Confirmation(ABSENT, _life(ctx.db, campaign, env, code)),
            act(Act.CREATE),
            _actor(ctx),
            ctx.now,
        ),
    )
    ctx.db.add(
        BudgetCampaignConfirm(
            campaign_id=int(campaign.id or 0),
            user_id=ctx.sender,
            event_id=ctx.event.event_id,
            created_at=ctx.now,
        )
    )
    ctx.db.flush()
    ctx.audit("campaign_confirm", "budget_campaign", campaign.id)
    return True


# --------------------------------------------------------------------------- undo


def undo_by_event(ctx: Context, target_event_id: str) -> bool:
    """A ✅ taken back; the message that opened a campaign deleted (it is removed) or the one
    that cancelled it (it is open again), while its deadline is still to come."""
    confirm = ctx.db.exec(
        select(BudgetCampaignConfirm).where(BudgetCampaignConfirm.event_id == target_event_id)
    ).first()
    if confirm is not None:
        campaign = ctx.db.get(BudgetCampaign, confirm.campaign_id)
        env = ctx.db.get(BudgetEnvelope, campaign.envelope_id) if campaign is not None else None
        if campaign is None or env is None:
            return False
        code = _project_code(ctx.db, env)
        require(
            ctx,
            life.confirmation_step(
                life.Confirmation(life.GIVEN, _life(ctx.db, campaign, env, code)),
                undo(Act.CREATE),
                Actor(confirm.user_id),
                ctx.now,
            ),
        )
        ctx.db.delete(confirm)
        ctx.db.flush()
        ctx.audit("campaign_unconfirm", "budget_campaign", campaign.id, who=confirm.user_id)
        tell_undo(
            ctx, ctx.t("budget.campaign.unconfirmed", who=ctx.name(confirm.user_id), project=code)
        )
        return True
    opened = ctx.db.exec(
        select(BudgetCampaign).where(BudgetCampaign.event_id == target_event_id)
    ).first()
    cancelled = (
        None
        if opened is not None
        else ctx.db.exec(
            select(BudgetCampaign).where(BudgetCampaign.cancel_event_id == target_event_id)
        ).first()
    )
    campaign = opened or cancelled
    if campaign is None:
        return False
    env = ctx.db.get(BudgetEnvelope, campaign.envelope_id)
    if env is None:
        return False
    code = _project_code(ctx.db, env)
    how = Act.CREATE if opened is not None else Act.CANCEL
    if campaign.state == life.REMOVED:
        return False
    after = require(
        ctx,
        life.campaign_step(_life(ctx.db, campaign, env, code), undo(how), _actor(ctx), ctx.now),
    )
    campaign.state = after.status
    if how is Act.CANCEL:
        campaign.cancelled_by = campaign.cancel_event_id = None
    ctx.db.flush()
    ctx.audit(
        "campaign_remove" if how is Act.CREATE else "campaign_reopen",
        "budget_campaign",
        campaign.id,
        undoes=target_event_id,
    )
    key = "budget.campaign.removed" if how is Act.CREATE else "budget.campaign.reopened"
    tell_undo(ctx, ctx.t(key, project=code, deadline=ctx.long_date(campaign.deadline)))
    return True


# --------------------------------------------------------------------------- the timed job


def _sent(db: Session, campaign_id: int) -> set[str]:
    return set(
        db.exec(
            select(BudgetCampaignNotice.kind).where(BudgetCampaignNotice.campaign_id == campaign_id)
        ).all()
    )


def _due(db: Session, now: dt.datetime) -> list[tuple[BudgetCampaign, str]]:
    found = []
    for c in db.exec(
        select(BudgetCampaign)
        .where(BudgetCampaign.state == life.OPEN, col(BudgetCampaign.remind_at) <= now)
        .order_by(col(BudgetCampaign.id))
    ).all():
        kind = due_notice(
            c.state, _utc(c.remind_at), _utc(c.deadline_at), _sent(db, int(c.id or 0)), now
        )
        if kind is not None:
            found.append((c, kind))
    return found


def campaign_duty(
    db: Session, registry: Registry, settings: Settings, now: dt.datetime
) -> list[Queued]:
    """Send each campaign's reminder and report once, when due."""
    if not _due(db, now):
        return []
    found = _due(db, now)
    lock_rooms(db, {c.room_id for c, _ in found})
    sent: list[Queued] = []
    for campaign, _ in found:
        db.refresh(campaign)
        kind = due_notice(
            campaign.state,
            _utc(campaign.remind_at),
            _utc(campaign.deadline_at),
            _sent(db, int(campaign.id or 0)),
            now,
        )
        room = db.get(Room, campaign.room_id)
        env = db.get(BudgetEnvelope, campaign.envelope_id)
        if kind is None or room is None or env is None:
            continue
        sent.extend(_notice(db, registry, settings, now, campaign, env, room, kind))
    return sent


def _notice(
    db: Session,
    registry: Registry,
    settings: Settings,
    now: dt.datetime,
    campaign: BudgetCampaign,
    env: BudgetEnvelope,
    room: Room,
    kind: str,
) -> list[Queued]:
    posted = db.exec(
        select(BotMessage).where(
            BotMessage.ref_kind == REF,
            BotMessage.ref_id == str(campaign.id),
            BotMessage.kind == "text",
        )
    ).first()
    root = posted.platform_id if posted is not None else None
    # the reminder goes in the campaign message's thread (the one it is in, or starts); the
    # report replies to the message where it is (the room, or its thread)
    thread = posted.thread_id if posted is not None else None
    if kind == REMINDER:
        thread = thread or root
    ctx = system_context(
        db, room, registry, settings, now, f"campaign:{campaign.id}:{kind}", anchor=(root, thread)
    )
    code = _project_code(db, env)
    found = read_standing(db, campaign, env)
    # (an envelope closed meanwhile takes no more hours nor requests: no reminder then)
    named = found.missing if kind == REMINDER and env.state == "open" else []
    db.add(
        BudgetCampaignNotice(
            campaign_id=int(campaign.id or 0),
            kind=kind,
            event_id=ctx.event.event_id,
            named=len(named),
            sent_at=now,
        )
    )
    if kind == DEADLINE:
        require(
            ctx,
            life.campaign_step(
                _life(db, campaign, env, code), act(Act.DEADLINE), Actor(BOT, True), now
            ),
        )
        campaign.state, campaign.ended_at = life.ENDED, now
    db.flush()
    ctx.audit(f"campaign_{kind}", "budget_campaign", campaign.id, named=len(named))
    p = settings.prefix
    if kind == REMINDER:
        if named:
            ctx.reply(
                ctx.t(
                    "budget.campaign.reminder",
                    people=", ".join(named),
                    deadline=ctx.long_date(campaign.deadline),
                    project=code,
                    prefix=p,
                ),
                mentions=named,
            )
    else:
        ctx.reply(
            ctx.t(
                "budget.campaign.report",
                envelope=_envelope_label(ctx, env, code),
                confirmed=_names(ctx, found.done),
                missing=_names(ctx, found.missing),
                done=len(found.done),
                asked=len(found.asked),
                project=code,
                prefix=p,
            )
        )
    ctx.flush_audits()
    return list(ctx.sent)


def _envelope_label(ctx: Context, env: BudgetEnvelope, code: str) -> str:
    """``KPA (novembre 2026)``, or ``KPA · Fête de quartier (2026)`` for a mission envelope."""
    named = f" · {env.label}" if env.label else ""
    return f"{code}{named} ({period_label(ctx, _period(env))})"
