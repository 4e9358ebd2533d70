"""``!releve``: opening, showing and cancelling an hour-reading campaign, its ✅ reactions and their undo."""

from __future__ import annotations

import datetime as dt
from contextlib import suppress

from sqlmodel import func, select

from commands.args import Choice, EnvelopeRef, Words
from commands.budget import campaign_jobs, campaign_reading, envelope_refs, envelopes
from commands.core import (
    Context,
    Registry,
    UserError,
    room_members,
)
from commands.declare import Arg, Declared
from commands.grammar import fold, match_date
from commands.i18n import format_hours
from commands.lifecycle import ABSENT, Act, Actor, act, require, tell_undo, undo
from commands.lifecycle import campaign as life
from commands.refusals import checked_date
from storage.models import (
    BotMessage,
    BudgetCampaign,
    BudgetCampaignConfirm,
    BudgetEnvelope,
    Contribution,
    Project,
)
from storage.queries import contribution_totals

# --------------------------------------------------------------------------- the command


def _usage(ctx: Context, tokens: list[str]) -> None:
    if not tokens:
        raise UserError("budget.campaign.error.usage", project="KPA", prefix=ctx.settings.prefix)


READING = Declared(
    "releve",
    family=campaign_reading.FAMILY,
    before=_usage,
)
_ENVELOPE = Arg("ref", EnvelopeRef())


def register(reg: Registry) -> None:
    READING.register(reg)
    reg.on_reaction(campaign_reading.REF)(on_reaction)
    reg.on_undo(undo_by_event)
    reg.on_tick(campaign_jobs.campaign_duty)


def _actor(ctx: Context) -> Actor:
    return Actor(ctx.sender, ctx.is_admin)


@READING.sub("show", _ENVELOPE, path=())
def show_campaign(ctx: Context, ref: tuple[Project, BudgetEnvelope | None]) -> None:
    project, named = ref
    with envelope_refs.choosing(named):
        show(ctx, envelopes.pick_envelope(ctx, project, None), project.code)


@READING.sub("cancel", _ENVELOPE, Arg("word", Choice("sub.releve.cancel")), path=(), admin=True)
def cancel_campaign(ctx: Context, ref: tuple[Project, BudgetEnvelope | None], word: str) -> None:
    project, named = ref
    with envelope_refs.choosing(named):
        cancel(ctx, envelopes.pick_envelope(ctx, project, None), project.code)


@READING.sub("open", _ENVELOPE, Arg("words", Words(), shown="deadline"), path=(), admin=True)
def start_campaign(
    ctx: Context, ref: tuple[Project, BudgetEnvelope | None], words: list[str]
) -> None:
    project, named = ref
    day = read_deadline(ctx, words, project.code)
    with envelope_refs.choosing(named):
        env = envelopes.pick_envelope(ctx, project, None, open_only=True)
    open_campaign(ctx, env, project.code, day)


def read_deadline(ctx: Context, tokens: list[str], code: str) -> dt.date:
    """``avant le 15/12`` · ``15/12`` · ``jusqu'au 15 décembre``: a day after today."""
    p = ctx.settings.prefix
    i = 0
    while i < len(tokens) - 1 and fold(tokens[i]) in campaign_reading.DEADLINE_WORDS:
        i += 1
    found = match_date(tokens, i, ctx.today)
    if found is None or i + found.used != len(tokens):
        raise UserError("budget.campaign.error.usage", project=code, prefix=p)
    day = checked_date(found, " ".join(tokens[i:]))
    if day < ctx.today and not found.year_given:
        with suppress(ValueError):  # "avant le 15/01" said in December: next year's
            later = day.replace(year=day.year + 1)
            if (later - ctx.today).days <= campaign_reading.MAX_DAYS:
                day = later
    if day <= ctx.today:
        raise UserError(
            "budget.campaign.error.past", project=code, date=ctx.long_date(day), prefix=p
        )
    if (day - ctx.today).days > campaign_reading.MAX_DAYS:
        raise UserError(
            "budget.campaign.error.too_far", project=code, days=campaign_reading.MAX_DAYS, prefix=p
        )
    return day


def open_campaign(ctx: Context, env: BudgetEnvelope, code: str, day: dt.date) -> None:
    deadline_at = campaign_reading.deadline_instant(day, ctx.room.timezone)
    remind_at = campaign_reading.reminder_instant(ctx.now, deadline_at, ctx.room.timezone)
    # the campaigns already open and the latest contribution, in one statement
    opened, last = ctx.db.exec(
        select(
            campaign_reading._open_count_of(env),
            select(func.max(Contribution.id)).scalar_subquery(),
        )
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
    found = campaign_reading.standing(
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
    remind = campaign_reading._utc(campaign.remind_at).astimezone(ctx.tz).date()
    ctx.reply(
        ctx.t(
            f"budget.campaign.opened.{env.mode}",
            envelope=campaign_jobs._envelope_label(ctx, env, code),
            deadline=ctx.long_date(campaign.deadline),
            with_hours=with_hours or ctx.t("budget.campaign.nobody"),
            without=(ctx.t("budget.campaign.without", people=without) if without else ""),
            remind=ctx.long_date(remind),
            project=code,
            prefix=p,
        ),
        ref=(campaign_reading.REF, campaign.id),
        mentions=found.asked,
    )


def show(ctx: Context, env: BudgetEnvelope, code: str) -> None:
    campaign = campaign_reading.latest_of(ctx, env)
    if campaign is None:
        ctx.reply(ctx.t("budget.campaign.none", project=code, prefix=ctx.settings.prefix))
        return
    ctx.reply(campaign_reading.state_text(ctx, campaign, env, code))


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
            campaign_reading._life(ctx.db, campaign, env, code),
            act(Act.CANCEL),
            _actor(ctx),
            ctx.now,
        ),
    )
    campaign.state = life.CANCELLED
    campaign.cancelled_by, campaign.cancel_event_id = ctx.sender, ctx.source_event_id
    ctx.db.flush()
    ctx.audit("campaign_cancel", "budget_campaign", campaign.id)
    ctx.reply(ctx.t("budget.campaign.cancelled", project=code, who=ctx.name(ctx.sender)))


# --------------------------------------------------------------------------- ✅ on its message


def on_reaction(ctx: Context, target: BotMessage, key: str) -> bool:
    if key not in campaign_reading.CONFIRM_KEYS or target.ref_id is None:
        return False
    campaign = ctx.db.get(BudgetCampaign, int(target.ref_id))
    if campaign is None:
        return False
    env = ctx.db.get(BudgetEnvelope, campaign.envelope_id)
    if env is None:
        return False
    code = campaign_reading._project_code(ctx.db, env)
    require(
        ctx,
        life.confirmation_step(
            life.Confirmation(ABSENT, campaign_reading._life(ctx.db, campaign, env, code)),
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
        code = campaign_reading._project_code(ctx.db, env)
        require(
            ctx,
            life.confirmation_step(
                life.Confirmation(life.GIVEN, campaign_reading._life(ctx.db, campaign, env, code)),
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
    code = campaign_reading._project_code(ctx.db, env)
    how = Act.CREATE if opened is not None else Act.CANCEL
    if campaign.state == life.REMOVED:
        return False
    after = require(
        ctx,
        life.campaign_step(
            campaign_reading._life(ctx.db, campaign, env, code), undo(how), _actor(ctx), ctx.now
        ),
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
