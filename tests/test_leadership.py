"""Several processes on one database: one leads, the others wait as standbys; a leader that
loses its lock stops acting at once (its units of work are refused at commit)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from bot.leader import Leadership, LeadershipLost
from storage.db import make_engine, set_fence, sqlite_url, transaction
from storage.models import Person

QUICK = {"poll": 0.1, "check_every": 0.1, "check_timeout": 2.0, "grace": 0.2}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def shared(request, db_path):
    if request.param == "sqlite":
        eng = make_engine(sqlite_url(db_path))
        yield eng
        eng.dispose()
    else:
        yield request.getfixturevalue("postgres_engine")


async def test_one_process_leads_the_other_waits_then_takes_over(shared):
    first, second = Leadership(shared, **QUICK), Leadership(shared, **QUICK)
    await asyncio.wait_for(first.acquire(), 30)
    waiting = asyncio.create_task(second.acquire())
    await asyncio.sleep(0.5)
    assert not waiting.done()  # a standby while the first leads
    await first.release()
    await asyncio.wait_for(waiting, 30)
    assert second.held and not first.held
    await second.release()


@pytest.mark.postgres
async def test_a_leader_that_loses_its_lock_stops_writing(postgres_engine):
    leader = Leadership(postgres_engine, **QUICK)
    await asyncio.wait_for(leader.acquire(), 30)
    set_fence(leader.fence)
    try:
        with transaction(postgres_engine, rooms=()) as db:  # it leads: it writes
            db.add(Person(user_id="@before", display_name="Before"))
        watching = asyncio.create_task(leader.watch())
        # the server ends the lock's session (a restart, an administrator, a network cut)
        with postgres_engine.connect() as conn:
            conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE application_name = 'cagnotte-leader'"
                )
            )
            conn.commit()
        await asyncio.wait_for(watching, 30)
        assert leader.lost
        with pytest.raises(LeadershipLost), transaction(postgres_engine, rooms=()) as db:
            db.add(Person(user_id="@after", display_name="After"))
        with Session(postgres_engine) as db:
            assert db.exec(select(func.count()).select_from(Person)).one() == 1
        # another process takes over
        other = Leadership(postgres_engine, **QUICK)
        await asyncio.wait_for(other.acquire(), 30)
        await other.release()
    finally:
        set_fence(None)
        await leader.release()


async def test_a_stop_always_ends_the_watch_whenever_it_comes(shared):
    """SIGTERM cancels the watch at any point of its check: the cancellation is never lost (a
    lost one left the process running until it was killed)."""
    leader = Leadership(shared, **{**QUICK, "check_every": 0})
    await asyncio.wait_for(leader.acquire(), 30)
    try:
        for steps in range(40):
            watch = asyncio.create_task(leader.watch())
            for _ in range(steps):
                await asyncio.sleep(0)
            watch.cancel()
            done, _ = await asyncio.wait({watch}, timeout=5)
            assert done, f"the watch went on after a stop {steps} loop turns in"
            assert watch.cancelled()
    finally:
        await leader.release()
