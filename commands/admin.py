"""Room settings: language, time zone, day length, maximum entry, admin level."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from babel.core import get_global
from babel.numbers import get_territory_currencies
from sqlmodel import Session, col, select

from commands import i18n
from commands.args import Choice, Days, DurationArg, Either, Number, Text, Token
from commands.contrib import period_label
from commands.core import Context, Queued, Registry, Settings, UserError
from commands.declare import Arg, Declared
from commands.grammar import Duration, Period, fold
from commands.lifecycle import Act, Actor, require, tell_undo, undo, undone_before
from commands.lifecycle.settings import Setting, setting_step
from commands.render import lines
from storage import cursors, retention
from storage.models import Audit, BudgetEnvelope, Project, Room
from storage.models.cobudget import ROUND_OPEN, CobudgetRound

FAMILY = "admin"
# how far back a date without its year may go (``!reglages passé 2ans``), in days: a week at least,
# so that "lundi" always passes; ten years at most
MIN_PAST_DAYS = 7
MAX_PAST_DAYS = 3650
MAX_ADMIN_LEVEL = 1_000_000  # Matrix power levels are usually 0-100
# how long handled events and the bot's delivered answers are kept (``!reglages conservation
# 90j``; ``toujours``: forever): a week at least, so that a fresh edit or removal is still
# recognised; a hundred years at most
MIN_RETENTION_DAYS = retention.MIN_DAYS
MAX_RETENTION_DAYS = 36_500


# the command that sets each setting (what an undo refused to a member names)
COMMAND_OF = {"language": "langue", "timezone": "fuseau"}


ADMIN_LEVEL = "admin_level"  # the setting kept among the Matrix adapter's keys


# where each room's purge stopped (the rows before it are named by others and stay): a hint
# only, lost at a restart, when the purge starts again from the oldest row
_purged_to: dict[str, tuple[dt.datetime, str] | None] = {}
PURGE_ROWS_PER_TICK = 4 * retention.BATCH


def purge_old(
    db: Session, registry: Registry, settings: Settings, now: dt.datetime
) -> list[Queued]:
    """The retention duty: one bounded batch per room whose limit is passed (``storage.retention``)
    and a few rooms per tick at most, so that its transaction is short. It says nothing: what it
    deletes was already delivered or handled. Running it again, or in two processes, deletes
    nothing twice."""
    done = 0
    rooms = db.exec(
        select(Room).where(col(Room.retention_days) > retention.FOREVER).order_by(col(Room.id))
    ).all()
    for room in rooms:
        step, position = retention.purge_step(db, room, now, _purged_to.get(room.id))
        _purged_to[room.id] = position if step.more else None
        done += step.events + step.messages
        if done >= PURGE_ROWS_PER_TICK:
            break
    return []


def register(reg: Registry) -> None:
    reg.on_undo(undo_setting)
    reg.on_tick(purge_old)
    LANGUAGE.register(reg)
    TIMEZONE.register(reg)
    SETTINGS.register(reg)


LANGUAGE = Declared("langue", family=FAMILY)
TIMEZONE = Declared("fuseau", family=FAMILY)
SETTINGS = Declared(
    "reglages",
    family=FAMILY,
    refusal="admin.error.setting",
)


@LANGUAGE.sub("show", path=())
def show_language(ctx: Context) -> None:
    choices = ", ".join(f"{code} ({i18n.language_name(code, ctx.lang)})" for code in i18n.LANGUAGES)
    ctx.reply(
        ctx.t(
            "admin.language_is",
            lang=i18n.language_name(ctx.lang, ctx.lang),
            choices=choices,
            prefix=ctx.settings.prefix,
        )
    )


@LANGUAGE.sub("set", Arg("typed", Text(), shown="language"), path=(), admin=True)
def set_language(ctx: Context, typed: str) -> None:
    aliases = {"francais": "fr", "french": "fr", "anglais": "en", "english": "en"}
    wanted = aliases.get(fold(typed), fold(typed))
    if wanted not in i18n.LANGUAGES:
        raise UserError(
            "admin.error.language",
            lang=typed,
            choices=", ".join(i18n.LANGUAGES),
            prefix=ctx.settings.prefix,
        )
    before = ctx.room.language
    ctx.room.language = wanted
    ctx.audit("set", "room", ctx.room.id, setting="language", before=before, after=wanted)
    ctx.reply(ctx.t("admin.language_set"))


@TIMEZONE.sub("show", path=())
def show_timezone(ctx: Context) -> None:
    ctx.reply(ctx.t("admin.timezone_is", tz=ctx.room.timezone))


@TIMEZONE.sub("set", Arg("wanted", Text(), shown="timezone"), path=(), admin=True)
def set_timezone(ctx: Context, wanted: str) -> None:
    zones = {fold(z): z for z in available_timezones()}
    zone = zones.get(fold(wanted))
    if zone is None:
        raise UserError("admin.error.timezone", tz=wanted)
    ZoneInfo(zone)
    before = ctx.room.timezone
    ctx.room.timezone = zone
    ctx.audit("set", "room", ctx.room.id, setting="timezone", before=before, after=zone)
    ctx.reply(ctx.t("admin.timezone_set", tz=zone))


@SETTINGS.sub("show", path=())
def show_settings(ctx: Context) -> None:
    rows = [
        [ctx.t("admin.setting.language"), i18n.language_name(ctx.lang, ctx.lang)],
        [ctx.t("admin.setting.timezone"), ctx.room.timezone],
        [ctx.t("admin.setting.currency"), ctx.room.currency],
        [ctx.t("admin.setting.day"), ctx.duration(ctx.room.day_minutes)],
        [ctx.t("admin.setting.max_entry"), ctx.duration(ctx.room.max_entry_minutes)],
        [ctx.t("admin.setting.admin_level"), str(_current(ctx, ADMIN_LEVEL))],
        [ctx.t("admin.setting.max_past_days"), ctx.t("admin.days", days=ctx.room.max_past_days)],
        [ctx.t("admin.setting.retention_days"), _kept(ctx, ctx.room.retention_days)],
    ]
    ctx.reply(
        lines(
            ctx.t("admin.settings_title"),
            *(ctx.t("admin.setting_line", setting=name, value=value) for name, value in rows),
        )
    )


_DURATION = "admin.error.duration"


@SETTINGS.sub("day", Arg("length", DurationArg(most=24 * 60), refusal=_DURATION), admin=True)
def set_day(ctx: Context, length: Duration) -> None:
    _set(ctx, "day_minutes", length.minutes, ctx.duration(length.minutes))


@SETTINGS.sub("max", Arg("length", DurationArg(most=7 * 24 * 60), refusal=_DURATION), admin=True)
def set_max(ctx: Context, length: Duration) -> None:
    _set(ctx, "max_entry_minutes", length.minutes, ctx.duration(length.minutes))


@SETTINGS.sub(
    "admin",
    Arg(
        "level",
        Number(maximum=MAX_ADMIN_LEVEL),
        shown="level",
        refusal="admin.error.admin_level",
        params=(("most", MAX_ADMIN_LEVEL),),
    ),
    admin=True,
)
def set_admin_level(ctx: Context, level: int) -> None:
    _set(ctx, ADMIN_LEVEL, level, str(level))


_PAST = (("least", MIN_PAST_DAYS), ("most", MAX_PAST_DAYS))


@SETTINGS.sub(
    "past",
    Arg(
        "days",
        Days(least=MIN_PAST_DAYS, most=MAX_PAST_DAYS),
        refusal="admin.error.past_days",
        params=(("least", MIN_PAST_DAYS), ("most", MAX_PAST_DAYS)),
    ),
    admin=True,
)
def set_past(ctx: Context, days: int) -> None:
    _set(ctx, "max_past_days", days, ctx.t("admin.days", days=days))


@SETTINGS.sub(
    "retention",
    Arg(
        "days",
        Either(Choice("forever"), Days(least=MIN_RETENTION_DAYS, most=MAX_RETENTION_DAYS)),
        shown="days",
        refusal="admin.error.retention",
        params=(("least", MIN_RETENTION_DAYS), ("most", MAX_RETENTION_DAYS)),
    ),
    admin=True,
)
def set_retention(ctx: Context, days: int | str) -> None:
    kept = retention.FOREVER if days == "forever" else int(days)
    _set(ctx, "retention_days", kept, _kept(ctx, kept))


@SETTINGS.sub(
    "currency", Arg("code", Token(), shown="currency", refusal="admin.error.currency"), admin=True
)
def set_currency(ctx: Context, code: str) -> None:
    wanted = code.strip().upper()
    if wanted not in currencies_in_use(ctx.today):
        raise UserError("admin.error.currency", value=code, prefix=ctx.settings.prefix)
    if wanted != ctx.room.currency:
        _refuse_if_money_is_open(ctx)
    _set(ctx, "currency", wanted, wanted)


@lru_cache(maxsize=4)
def currencies_in_use(day: dt.date) -> frozenset[str]:
    """ISO 4217 codes that Babel knows as legal tender somewhere on ``day`` (``EUR``, ``CHF``,
    ``XOF``...; not ``XXX``, ``XAU`` or ``FRF``)."""
    codes: set[str] = set()
    for territory in get_global("territory_currencies"):
        codes.update(get_territory_currencies(territory, start_date=day, tender=True))
    return frozenset(codes)


def _refuse_if_money_is_open(ctx: Context) -> None:
    """Balances and envelopes are amounts in the room's currency: it cannot change under an
    open round or envelope."""
    rnd = ctx.db.exec(
        select(CobudgetRound).where(
            CobudgetRound.room_id == ctx.room.id, CobudgetRound.state == ROUND_OPEN
        )
    ).first()
    if rnd is not None:
        raise UserError(
            "admin.error.currency_round",
            title=rnd.title,
            currency=ctx.room.currency,
            prefix=ctx.settings.prefix,
        )
    env = ctx.db.exec(
        select(BudgetEnvelope)
        .where(BudgetEnvelope.room_id == ctx.room.id, BudgetEnvelope.state == "open")
        .order_by(col(BudgetEnvelope.id))
    ).first()
    if env is not None:
        project = ctx.db.get(Project, env.project_id)
        code = project.code if project is not None else "?"
        period = Period(env.start, env.end, env.period_kind)
        raise UserError(
            "admin.error.currency_envelope",
            envelope=f"{code} ({period_label(ctx, period)})",
            code=code,
            currency=ctx.room.currency,
            prefix=ctx.settings.prefix,
        )


def undo_setting(ctx: Context, target_event_id: str) -> bool:
    """A message that changed a room setting was removed: the setting is as before it, unless
    it changed since."""
    change = ctx.db.exec(
        select(Audit).where(
            Audit.event_id == target_event_id,
            Audit.room_id == ctx.room.id,
            Audit.object_kind == "room",
            Audit.action == "set",
        )
    ).first()
    if change is None or undone_before(ctx, change):
        return False
    field = str(change.details.get("setting"))
    now = _current(ctx, field)
    back = require(
        ctx,
        setting_step(
            Setting(
                COMMAND_OF.get(field, "reglages"),
                now,
                change.details.get("before"),
                change.details.get("after"),
            ),
            undo(Act.SET),
            Actor(ctx.sender, ctx.is_admin),
            ctx.now,
        ),
    ).current
    if field == "currency" and back != now:
        _refuse_if_money_is_open(ctx)
    _put(ctx, field, back)
    ctx.audit(
        "set",
        "room",
        ctx.room.id,
        setting=field,
        before=now,
        after=back,
        undo=True,
        undoes=target_event_id,
    )
    tell_undo(
        ctx,
        ctx.t(
            "lifecycle.setting_back",
            setting=_field_name(ctx, field),
            value=_shown(ctx, field, back),
        ),
    )
    return True


def _current(ctx: Context, field: str) -> object:
    """A room setting's value (the admin power level is the Matrix adapter's, not the room's)."""
    if field == ADMIN_LEVEL:
        return cursors.admin_level(ctx.db, ctx.room.id)
    return getattr(ctx.room, field)


def _put(ctx: Context, field: str, value: object) -> None:
    if field == ADMIN_LEVEL:
        cursors.set_admin_level(ctx.db, ctx.room.id, int(str(value)))
    else:
        setattr(ctx.room, field, value)


def _field_name(ctx: Context, field: str) -> str:
    if field in ("language", "timezone"):
        return ctx.t(f"admin.setting.{field}")
    return ctx.t(f"admin.field.{field}")


def _shown(ctx: Context, field: str, value: object) -> str:
    if field in ("day_minutes", "max_entry_minutes") and isinstance(value, int):
        return ctx.duration(value)
    if field == "max_past_days":
        return ctx.t("admin.days", days=value)
    if field == "retention_days" and isinstance(value, int):
        return _kept(ctx, value)
    return str(value)


def _kept(ctx: Context, days: int) -> str:
    if days == retention.FOREVER:
        return ctx.t("admin.forever")
    return ctx.t("admin.days", days=days)


def _set(ctx: Context, field: str, value: object, shown: str) -> None:
    before = _current(ctx, field)
    _put(ctx, field, value)
    ctx.audit("set", "room", ctx.room.id, setting=field, before=before, after=value)
    ctx.reply(ctx.t("admin.setting_set", setting=ctx.t(f"admin.field.{field}"), value=shown))
