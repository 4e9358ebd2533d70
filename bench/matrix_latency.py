"""Matrix figures on one private Synapse (127.0.0.1):

* latency from a user's send to the bot's reply seen by that user, over N commands, for the
  cagnotte bot (``cagnotte run`` in a child process) and, in the same run, interleaved, for a
  bare matrix-nio echo bot (also a child process);
* time from the bot's start to its first answer;
* the bot's resident memory after joining 100 rooms and after a recap, and the memory of the
  process that draws the recap's chart (a child of the bot).

    .venv/bin/python bench/matrix_latency.py [-n 200] [--rooms 100]

Needs Synapse (``./dev`` installs it in .venv-synapse). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nio import AsyncClient, AsyncClientConfig, RoomMessageText, SyncResponse  # noqa: E402

from bot.clock import install_default  # noqa: E402
from bot.matrix.synapse import Synapse, process_rss_kib  # noqa: E402
from tests.matrix_helpers import PASSWORD, Person, SubprocessBot, reply_target  # noqa: E402


async def echo_bot(base_url: str, user_id: str) -> None:
    """The baseline: the least a nio bot can do (join invites, answer every text with a reply)."""
    client = AsyncClient(base_url, user_id, config=AsyncClientConfig(max_limit_exceeded=0))
    await client.login(password=PASSWORD)
    first = await client.sync(timeout=0)
    assert isinstance(first, SyncResponse)
    while True:
        resp = await client.sync(timeout=30_000)
        if not isinstance(resp, SyncResponse):
            await asyncio.sleep(0.1)
            continue
        for room_id in resp.rooms.invite:
            await client.join(room_id)
        for room_id, info in resp.rooms.join.items():
            for ev in info.timeline.events:
                if isinstance(ev, RoomMessageText) and ev.sender != user_id:
                    await client.room_send(
                        room_id,
                        "m.room.message",
                        {
                            "msgtype": "m.notice",
                            "body": f"echo {ev.body}",
                            "m.relates_to": {"m.in_reply_to": {"event_id": ev.event_id}},
                        },
                    )


def children(pid: int) -> list[int]:
    """The child processes of ``pid`` (Linux)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def round_trip(human: Person, room: str, body: str) -> float:
    t0 = time.perf_counter()
    event_id = await human.say(room, body)
    await human.wait_for(lambda raw, _r: reply_target(raw) == event_id, timeout=30)
    return (time.perf_counter() - t0) * 1000


async def main(n: int, rooms: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="cagnotte-bench-"))
    with Synapse() as server:
        print(f"Synapse {server.base_url} started in {server.startup_seconds:.2f}s")
        human = await Person(server).start()
        bot = SubprocessBot(server, work)
        server.register(bot.name, PASSWORD)
        echo_name = "echo" + bot.name[3:]
        server.register(echo_name, PASSWORD)
        echo_proc = await asyncio.create_subprocess_exec(
            sys.executable, __file__, "--echo", server.base_url, f"@{echo_name}:localhost"
        )
        try:
            bot.start()
            ours = await human.create_room([bot.user_id])
            await human.joined(ours, bot.user_id, timeout=60)
            theirs = await human.create_room([f"@{echo_name}:localhost"])
            await human.joined(theirs, f"@{echo_name}:localhost", timeout=60)
            for _ in range(5):  # warm up both
                await round_trip(human, ours, "!contrib 1min chauffe")
                await round_trip(human, theirs, "hello")
            lat_ours: list[float] = []
            lat_echo: list[float] = []
            for i in range(n):
                lat_ours.append(await round_trip(human, ours, f"!contrib {i % 50 + 1}min mesure"))
                lat_echo.append(await round_trip(human, theirs, f"hello {i}"))
            med_o, med_e = statistics.median(lat_ours), statistics.median(lat_echo)
            print(f"\nsend -> reply seen by the sender, n={n} each (ms):")
            print(f"  cagnotte : median {med_o:6.1f}  p90 {pct(lat_ours, 0.9):6.1f}")
            print(f"  nio echo : median {med_e:6.1f}  p90 {pct(lat_echo, 0.9):6.1f}")
            print(f"  ratio of medians: {med_o / med_e:.2f} (target <= 1.3)")

            # start to first answer: restart the bot with a command waiting for it
            bot.terminate()
            t0 = time.perf_counter()
            bot.start()
            first = await human.say(ours, "!contrib 1min premier")
            await human.wait_for(lambda raw, _r: reply_target(raw) == first, timeout=60)
            print(
                f"\nstart -> first answer: {time.perf_counter() - t0:.2f}s (process start included)"
            )

            # memory after joining many rooms
            assert bot.proc is not None
            before = process_rss_kib(bot.proc.pid)
            t0 = time.perf_counter()
            created = [await human.create_room([bot.user_id]) for _ in range(rooms)]
            for room_id in created:
                await human.joined(room_id, bot.user_id, timeout=120)
            joined_s = time.perf_counter() - t0
            await asyncio.sleep(2)
            probe = await human.say(created[-1], "!contrib 1min sonde")
            await human.wait_for(lambda raw, _r: reply_target(raw) == probe, timeout=60)
            after = process_rss_kib(bot.proc.pid)
            print(
                f"\nbot RSS: {before / 1024:.1f} MiB before, {after / 1024:.1f} MiB after joining "
                f"{rooms} more rooms (in {joined_s:.1f}s)"
            )
            # a recap with its chart: drawn in a child process of the bot
            asked = await human.say(ours, "!recap")
            await human.wait_all(lambda raw, _r: reply_target(raw) == asked, 2, timeout=120)
            await asyncio.sleep(1)
            drawing = children(bot.proc.pid)
            print(
                f"after a recap: bot RSS {process_rss_kib(bot.proc.pid) / 1024:.1f} MiB "
                f"(target < 150 MiB); drawing process RSS "
                + (
                    ", ".join(f"{process_rss_kib(pid) / 1024:.1f} MiB" for pid in drawing)
                    or "(stopped)"
                )
                + " (it stops after a minute without drawing)"
            )
            print(f"Synapse RSS: {server.rss_kib() / 1024:.1f} MiB")
        finally:
            bot.terminate()
            echo_proc.terminate()
            await echo_proc.wait()
            await human.stop()


if __name__ == "__main__":
    install_default()  # the process clock: the system one, or $CAGNOTTE_NOW
    if len(sys.argv) == 4 and sys.argv[1] == "--echo":
        asyncio.run(echo_bot(sys.argv[2], sys.argv[3]))
        raise SystemExit(0)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--rooms", type=int, default=100)
    args = parser.parse_args()
    asyncio.run(main(args.n, args.rooms))
