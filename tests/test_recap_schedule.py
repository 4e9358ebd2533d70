"""Scheduled recaps and reminders: due times in the room's time zone, catch-up after a stop,
never twice, daylight saving changes in Europe/Paris (with a settable clock, no sleeping)."""

from __future__ import annotations

import asyncio
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from bot.scheduler import RecapScheduler, SchedulerSettings, cron_trigger
from commands.schedules import (
    MONTHLY,
    REMINDER,
    WEEKLY,
    Spec,
    covered_period,
    latest_due,
    parse_recap_schedule,
    parse_time,
)
from storage.models import Audit, RecapSent

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.UTC


def paris(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS).astimezone(UTC)


# --------------------------------------------------------------------------- pure rules


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("9h", (9, 0)),
        ("9h30", (9, 30)),
        ("09:00", (9, 0)),
        ("17h05", (17, 5)),
        ("9", (9, 0)),
        ("9am", (9, 0)),
        ("5pm", (17, 0)),
        ("5:30pm", (17, 30)),
        ("12am", (0, 0)),
        ("24h", None),
        ("9h75", None),
        ("13pm", None),
        ("midi", None),
    ],
)
def test_parse_time(text, expected):
    assert parse_time(text) == expected


def test_parse_recap_schedule():
    assert parse_recap_schedule(["lundi", "9h"]).spec == Spec(WEEKLY, 9, 0, weekday=0)
    assert parse_recap_schedule(["Mensuel", "1er", "9h"]).spec == Spec(MONTHLY, 9, 0, month_day=1)
    assert parse_recap_schedule(["monthly", "last", "18:00"]).spec == Spec(
        MONTHLY, 18, 0, month_day=0
    )
    assert parse_recap_schedule(["chaque", "lundi", "à", "9", "h"]).spec == Spec(
        WEEKLY, 9, 0, weekday=0
    )
    assert parse_recap_schedule(["monthly", "on", "the", "1st", "at", "9am"]).spec == Spec(
        MONTHLY, 9, 0, month_day=1
    )
    off = parse_recap_schedule(["off"])
    assert off.off and off.kind is None
    assert parse_recap_schedule(["mensuel", "off"]).kind == MONTHLY
    assert parse_recap_schedule(["lundi"]).error == "bad_time"
    assert parse_recap_schedule(["mensuel", "29", "9h"]).error == "bad_month_day"


def test_covered_period_is_the_week_or_month_mostly_over():
    monday = dt.date(2026, 11, 30)
    assert covered_period(WEEKLY, monday)[1].start == dt.date(2026, 11, 23)
    assert covered_period(WEEKLY, dt.date(2026, 11, 27))[1].start == dt.date(2026, 11, 23)
    kind, period = covered_period(MONTHLY, dt.date(2026, 12, 1))
    assert (kind, period.start, period.end) == ("month", dt.date(2026, 11, 1), dt.date(2026, 12, 1))
    assert covered_period(MONTHLY, dt.date(2026, 11, 30))[1].start == dt.date(2026, 11, 1)


def test_latest_due_respects_grace_and_since():
    spec = Spec(WEEKLY, 9, 0, weekday=0)
    grace = dt.timedelta(hours=12)
    nine = paris(2026, 11, 30, 9, 0)
    assert latest_due(spec, PARIS, nine - dt.timedelta(seconds=1), grace) is None
    assert latest_due(spec, PARIS, nine, grace) == nine
    assert latest_due(spec, PARIS, nine + dt.timedelta(hours=12), grace) == nine
    assert latest_due(spec, PARIS, nine + dt.timedelta(hours=12, seconds=1), grace) is None
    # a schedule set after its time this week does not fire retroactively
    assert (
        latest_due(
            spec, PARIS, nine + dt.timedelta(hours=2), grace, since=nine + dt.timedelta(hours=1)
        )
        is None
    )


def test_monthly_last_day_and_skipped_wall_time():
    last = Spec(MONTHLY, 18, 0, month_day=0)
    assert latest_due(last, PARIS, paris(2027, 2, 28, 18, 5), dt.timedelta(hours=1)) == paris(
        2027, 2, 28, 18, 0
    )
    # 02:30 does not exist on 29 March 2026 in Paris: it fires at 03:30 summer time, once
    spec = Spec(WEEKLY, 2, 30, weekday=6)
    due = latest_due(
        spec, PARIS, dt.datetime(2026, 3, 29, 3, 0, tzinfo=UTC), dt.timedelta(hours=12)
    )
    assert due == dt.datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert due.astimezone(PARIS).strftime("%H:%M%z") == "03:30+0200"


def test_cron_trigger_keeps_wall_time_across_daylight_saving():
    trigger = cron_trigger(Spec(WEEKLY, 9, 0, weekday=0), "Europe/Paris")
    before = trigger.get_next_fire_time(None, dt.datetime(2026, 3, 20, tzinfo=UTC))
    after = trigger.get_next_fire_time(None, dt.datetime(2026, 3, 27, tzinfo=UTC))
    assert before.astimezone(UTC) == dt.datetime(2026, 3, 23, 8, 0, tzinfo=UTC)
    assert after.astimezone(UTC) == dt.datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    monthly = cron_trigger(Spec(MONTHLY, 9, 0, month_day=0), "Europe/Paris")
    assert monthly.get_next_fire_time(None, dt.datetime(2027, 2, 1, tzinfo=UTC)).day == 28


# --------------------------------------------------------------------------- with the bot


@pytest.fixture
async def scheduler(runtime):
    sched = RecapScheduler(runtime, SchedulerSettings(grace_hours=12))
    yield sched
    sched.stop()


def _sent(engine) -> list[RecapSent]:
    with Session(engine) as db:
        return list(db.exec(select(RecapSent).order_by(RecapSent.id)).all())


def _posts(chat, room="coroutine"):
    return [s for s in chat.bot_messages if s.room == room and s.reply_to is None]


async def test_scheduled_recap_is_posted_once(chat, clock, scheduler, engine):
    await chat.say("alice", "!contrib 3h atelier")
    await chat.say("alice", "!recap planifier lundi 9h")
    await scheduler.start()
    assert set(scheduler.jobs) == {("coroutine", WEEKLY)}
    clock.now = paris(2026, 11, 30, 8, 59)
    await scheduler.check_all()
    await chat.runtime.flush()
    assert _posts(chat) == []
    clock.now = paris(2026, 11, 30, 9, 0)
    await scheduler.check_all()
    await scheduler.check_all()
    await chat.runtime.flush()
    posts = _posts(chat)
    assert [p.kind for p in posts] == ["text", "file"]
    assert "semaine du 23 nov. au 29 nov. 2026**" in posts[0].text
    assert "3h données par 1 personne" in posts[0].text
    sent = _sent(engine)
    assert [(s.period_kind, s.period_start) for s in sent] == [("week", dt.date(2026, 11, 23))]
    with Session(engine) as db:
        assert db.exec(select(Audit).where(Audit.action == "post")).one().object_kind == "recap"


async def test_missed_recap_is_posted_when_back_within_grace_and_never_twice(
    chat, clock, runtime, engine
):
    await chat.say("alice", "!recap planifier lundi 9h")
    # the bot was down at 9:00 and comes back at 14:00
    clock.now = paris(2026, 11, 30, 14, 0)
    first = RecapScheduler(runtime, SchedulerSettings(grace_hours=12))
    await first.start()
    await runtime.flush()
    first.stop()
    assert len(_posts(chat)) == 1  # a quiet room: one line, no chart
    assert "rien à signaler" in _posts(chat)[0].text
    # a restart an hour later posts nothing more
    clock.now = paris(2026, 11, 30, 15, 0)
    second = RecapScheduler(runtime, SchedulerSettings(grace_hours=12))
    await second.start()
    await runtime.flush()
    second.stop()
    assert len(_posts(chat)) == 1
    assert len(_sent(engine)) == 1


async def test_missed_recap_beyond_grace_is_skipped(chat, clock, runtime, engine):
    await chat.say("alice", "!recap planifier lundi 9h")
    clock.now = paris(2026, 11, 30, 21, 1)  # 12 h 01 late
    sched = RecapScheduler(runtime, SchedulerSettings(grace_hours=12))
    await sched.start()
    await runtime.flush()
    sched.stop()
    assert _posts(chat) == []
    assert _sent(engine) == []


async def test_a_new_schedule_does_not_post_retroactively(chat, clock, scheduler, engine):
    clock.now = paris(2026, 11, 30, 10, 0)  # Monday 10:00
    await scheduler.start()
    await chat.say("alice", "!recap planifier lundi 9h")
    await scheduler.sync()
    await chat.runtime.flush()
    assert _posts(chat) == []
    assert ("coroutine", WEEKLY) in scheduler.jobs


async def test_schedule_changes_rebuild_the_timers(chat, clock, scheduler):
    await scheduler.start()
    assert scheduler.jobs == {}
    await chat.say("alice", "!recap planifier lundi 9h")
    await chat.say("alice", "!rappel vendredi 17h")
    await scheduler.sync()
    assert set(scheduler.jobs) == {("coroutine", WEEKLY), ("coroutine", REMINDER)}
    job = scheduler.aps.get_job("reminder:coroutine")
    nxt = job.trigger.get_next_fire_time(None, clock.now)
    assert nxt.astimezone(UTC) == paris(2026, 11, 27, 17, 0)
    await chat.say("alice", "!fuseau America/Montreal")
    await scheduler.sync()
    job = scheduler.aps.get_job("reminder:coroutine")
    nxt = job.trigger.get_next_fire_time(None, clock.now)
    assert nxt.astimezone(UTC) == dt.datetime(2026, 11, 27, 22, 0, tzinfo=UTC)
    await chat.say("alice", "!recap planifier off")
    await scheduler.sync()
    assert set(scheduler.jobs) == {("coroutine", REMINDER)}
    assert scheduler.aps.get_job("weekly:coroutine") is None


async def test_reminder_says_what_is_logged_so_far(chat, clock, scheduler):
    await chat.say("bob", "!contrib 2h lundi")
    await chat.say("alice", "!rappel vendredi 17h")
    await scheduler.start()
    clock.now = paris(2026, 11, 27, 17, 0)
    await scheduler.check_all()
    await chat.runtime.flush()
    posts = _posts(chat)
    assert len(posts) == 1
    assert "Pensez à noter vos contributions" in posts[0].text
    assert "Déjà noté cette semaine : 2h par 1 personne." in posts[0].text


async def _walk(clock, scheduler, start: dt.datetime, end: dt.datetime, step_minutes: int):
    """Advance the clock from ``start`` to ``end``, checking the schedules at every step, and
    return when each post was made (the clock's time)."""
    made: list[tuple[str, dt.datetime]] = []
    clock.now = start
    while clock.now <= end:
        before = len(scheduler.runtime.adapters["console"].transcript)
        await scheduler.check_all()
        await scheduler.runtime.flush()
        for said in scheduler.runtime.adapters["console"].transcript[before:]:
            if said.kind == "text":
                made.append((said.room, clock.now))
        clock.advance(minutes=step_minutes)
    return made


@pytest.mark.parametrize(
    ("sunday", "offset_before", "offset_after"),
    [(dt.date(2026, 3, 29), 1, 2), (dt.date(2026, 10, 25), 2, 1)],
    ids=["spring-forward", "fall-back"],
)
async def test_daylight_saving_neither_shifts_nor_duplicates(
    chat, clock, scheduler, sunday, offset_before, offset_after
):
    clock.now = dt.datetime.combine(sunday - dt.timedelta(days=3), dt.time(12), tzinfo=UTC)
    # in the middle of the night, right in the hour that is skipped or repeated
    await chat.say("alice", "!recap planifier dimanche 2h30", room="nuit")
    await chat.say("alice", "!rappel dimanche 2h30", room="nuit")
    # and at an ordinary time on the Monday after
    await chat.say("alice", "!recap planifier lundi 9h", room="matin")
    await scheduler.start()
    start = dt.datetime.combine(sunday - dt.timedelta(days=1), dt.time(12), tzinfo=UTC)
    made = await _walk(clock, scheduler, start, start + dt.timedelta(days=2), step_minutes=10)
    night = [at for room, at in made if room == "nuit"]
    morning = [at for room, at in made if room == "matin"]
    # the weekly recap and the reminder, once each, at the first occurrence of 02:30 (or at
    # 03:30 summer time when 02:30 does not exist)
    first_0230 = dt.datetime.combine(sunday, dt.time(2, 30)) - dt.timedelta(hours=offset_before)
    assert night == [first_0230.replace(tzinfo=UTC)] * 2
    # Monday 9:00 wall time, in the new offset
    monday_nine = dt.datetime.combine(sunday + dt.timedelta(days=1), dt.time(9))
    assert morning == [(monday_nine - dt.timedelta(hours=offset_after)).replace(tzinfo=UTC)]


async def test_apscheduler_fires_twice_at_fall_back_but_posts_once(chat, clock, scheduler):
    """When clocks go back, 02:30 happens twice and the cron trigger fires twice: the record of
    posts keeps it to one reminder."""
    clock.now = paris(2026, 10, 22, 12, 0)
    await chat.say("alice", "!rappel dimanche 2h30")
    await scheduler.start()
    trigger = scheduler.aps.get_job("reminder:coroutine").trigger
    first = trigger.get_next_fire_time(None, paris(2026, 10, 24, 12, 0))
    second = trigger.get_next_fire_time(first, first + dt.timedelta(seconds=1))
    # the trigger fires at 00:30 and again at 01:30 UTC
    assert first.astimezone(UTC) == dt.datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert second.astimezone(UTC) == dt.datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    for fire in (first, second):
        clock.now = fire.astimezone(UTC)
        await scheduler.check(*("coroutine", REMINDER))
    await chat.runtime.flush()
    assert len(_posts(chat)) == 1


async def test_the_timer_itself_posts_through_the_room_adapter(chat, clock, scheduler):
    """The APScheduler job (not a direct call) checks the schedule and the post is delivered by
    the console adapter: the job is made due now instead of waiting for Monday."""
    await chat.say("alice", "!contrib 2h")
    await chat.say("alice", "!recap planifier lundi 9h")
    await scheduler.start()
    clock.now = paris(2026, 11, 30, 9, 0)
    scheduler.aps.modify_job("weekly:coroutine", next_run_time=dt.datetime.now(UTC))
    for _ in range(200):  # the scheduler wakes up at once; wait at most 2 s
        await asyncio.sleep(0.01)
        await chat.runtime.flush()
        if len(_posts(chat)) >= 2:
            break
    posts = _posts(chat)
    assert [p.kind for p in posts] == ["text", "file"]
    assert "2h données par 1 personne" in posts[0].text
