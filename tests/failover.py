"""Two ``cagnotte run`` on one PostgreSQL, one Synapse: the leader is killed (SIGKILL) in the
middle of a burst of commands, the standby takes over. Shared by the end-to-end test (which
checks that every command is answered once and the recap posted once) and ``bench/failover.py``
(which prints how long the takeover took)."""

from __future__ import annotations

import asyncio
import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, func, select

from bot.matrix.synapse import Synapse
from storage.db import make_engine
from storage.models import BotMessage, Contribution, RecapSchedule
from tests.matrix_helpers import PASSWORD, Person, SubprocessBot, reply_target

RECAP_STARTS = ("📊 Récap", "📭 Récap")


@dataclass
class Failover:
    sent: list[str]  # the commands' event ids
    replies: Counter[str]  # command event id -> answers seen
    recaps: int  # scheduled recaps seen in the room
    stored: list[str]  # the contributions' event ids in the database
    answered_before_kill: int
    takeover_seconds: float  # from the kill to the first answer by the standby
    logs: str


async def leader_killed_in_a_burst(
    server: Synapse, database_url: str, workdir: Path, commands: int = 200
) -> Failover:
    name = f"failover{int(time.time() * 1000) % 100_000}"
    first = SubprocessBot(server, workdir / "a", name, database_url=database_url, log_level="INFO")
    second = SubprocessBot(server, workdir / "b", name, database_url=database_url, log_level="INFO")
    await asyncio.to_thread(server.register, name, PASSWORD)
    human = await Person(server).start()
    bot_id = first.user_id
    try:
        room = await human.create_room([bot_id])
        first.start()
        await human.joined(room, bot_id, timeout=60)
        hello = await human.say(room, "!aide")
        await human.reply_to(hello, timeout=60)  # the room is known to the bot
        # a weekly recap due five minutes ago, set a week ago: the leader posts it at start
        assert first.terminate() in (0, -15)
        _schedule_due_recap(database_url, room)
        first.start()
        await human.wait_for(lambda raw, rid: rid == room and _is_recap(raw, bot_id), timeout=60)
        second.start()  # a standby: it waits for the leader's lock
        await _wait_log(second, "another process leads", 60)
        sent: list[str] = []

        async def burst() -> None:
            for i in range(commands):
                sent.append(await human.say(room, f"!contrib {i % 50 + 1}min burst-{i}"))

        sending = asyncio.create_task(burst())
        # kill -9 once the leader is well into the burst
        await human.wait_all(
            lambda raw, rid: rid == room and raw.get("sender") == bot_id and reply_target(raw),
            commands // 4,
            timeout=120,
        )
        first.kill()
        killed_at = dt.datetime.now(dt.UTC)
        answered = set(_replies(human, room, bot_id))
        await sending
        await human.wait_all(
            lambda raw, rid: rid == room and raw.get("sender") == bot_id and reply_target(raw),
            commands,
            timeout=180,
        )
        await asyncio.sleep(1.5)  # a doubled answer would have arrived by now
        engine = make_engine(database_url)
        with Session(engine) as db:
            stored = [c.event_id for c in db.exec(select(Contribution)).all()]
            # the killed leader writes nothing more: what was delivered after the kill, the
            # standby delivered
            first_after = db.exec(
                select(func.min(BotMessage.sent_at)).where(col(BotMessage.sent_at) > killed_at)
            ).one()
        engine.dispose()
        takeover = (first_after - killed_at).total_seconds() if first_after else float("nan")
        recaps = sum(1 for _, rid, raw in human.events if rid == room and _is_recap(raw, bot_id))
        return Failover(
            sent=sent,
            replies=_replies(human, room, bot_id),
            recaps=recaps,
            stored=stored,
            answered_before_kill=len(answered),
            takeover_seconds=takeover,
            logs="",
        )
    finally:
        for bot in (first, second):
            bot.terminate()
        await human.stop()


def _replies(person: Person, room: str, bot_id: str) -> Counter[str]:
    return Counter(
        t for t in (reply_target(r) for r in person.replies(room, bot_id)) if t is not None
    )


def _is_recap(raw: dict, bot_id: str) -> bool:
    body = raw.get("content", {}).get("body", "")
    return raw.get("sender") == bot_id and isinstance(body, str) and body.startswith(RECAP_STARTS)


def _schedule_due_recap(database_url: str, room: str) -> None:
    tz = ZoneInfo("Europe/Paris")
    due = dt.datetime.now(tz) - dt.timedelta(minutes=5)
    engine = make_engine(database_url)
    with Session(engine) as db:
        db.add(
            RecapSchedule(
                room_id=room,
                kind="weekly",
                weekday=due.weekday(),
                hour=due.hour,
                minute=due.minute,
                changed_by="@test",
                updated_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=8),
            )
        )
        db.commit()
    engine.dispose()


async def _wait_log(bot: SubprocessBot, text: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while text not in bot.log.read_text(errors="replace"):
        if time.monotonic() > deadline:
            raise TimeoutError(f"{bot.name}: no {text!r} in its log")
        await asyncio.sleep(0.2)
