"""No room waits on another: one room asks ``!recap`` in a loop (200 members, 100,000
contributions over a year: text, chart drawn in the drawing process) while another room logs
``!contrib`` every 20 ms. Prints the latency of the second room's commands (the event handed to
the runtime until its transaction is committed), quiet and while the first room recaps.

    .venv/bin/python bench/cross_room.py [--commands 300] [--every 20]

Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.recap import ROOM as BIG
from bench.recap import populate
from bot.adapters.base import Outgoing
from bot.app import tune_interpreter
from bot.render import DRAWER
from bot.runtime import Runtime
from commands import build_registry
from commands.core import Settings
from commands.events import Message, Role
from storage import clock
from storage.db import open_database, sqlite_url

NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)
SMALL = "!small:example.org"


class Sink:
    platform = "console"

    def __init__(self) -> None:
        self.count = 0
        self.files = 0

    async def deliver(self, item: Outgoing) -> str | None:
        self.count += 1
        self.files += item.kind == "file"
        return f"m{self.count}"

    async def close(self) -> None:
        pass


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


async def main(commands: int, every: float) -> None:
    folder = Path(tempfile.mkdtemp(prefix="cagnotte-rooms-"))
    populate(folder / "bot.db", 100_000, 200)
    engine = open_database(sqlite_url(folder / "bot.db"))
    runtime = Runtime(engine, build_registry(), Settings(), clock=lambda: NOW)
    sink = Sink()
    runtime.add_adapter(sink)  # type: ignore[arg-type]
    ids = iter(range(10**9))

    def msg(room: str, sender: str, body: str, admin: bool = False) -> Message:
        return Message(
            platform="console",
            event_id=f"$x{next(ids)}",
            room_id=room,
            sender=sender,
            sender_name=sender[1:6],
            body=body,
            role=Role.ADMIN if admin else Role.MEMBER,
        )

    await runtime.handle(msg(SMALL, "@ann", '!projet ajouter KPA "KPA"', admin=True))
    await runtime.handle(msg(BIG, "@person000:example.org", "!recap"))  # warm: the drawing process
    await runtime.flush(timeout=120)

    async def small_room() -> list[float]:
        took = []
        for i in range(commands):
            t0 = time.perf_counter()
            await runtime.handle(msg(SMALL, f"@p{i % 5}", f"!contrib {i % 5 + 1}h atelier KPA"))
            took.append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(every / 1000)
        return took

    quiet = await small_room()
    stop = asyncio.Event()
    recaps = 0

    async def big_room() -> None:
        nonlocal recaps
        while not stop.is_set():
            await runtime.handle(msg(BIG, "@person001:example.org", "!recap"))
            await runtime.renders.wait()  # its text and chart, made after the transaction
            recaps += 1

    recapping = asyncio.create_task(big_room())
    busy = await small_room()
    stop.set()
    await recapping
    await runtime.flush(timeout=120)
    await runtime.close()
    engine.dispose()
    print(
        f"!contrib in a small room, {commands} commands, one every {every:g} ms "
        "(event in -> transaction committed):"
    )
    print(
        f"  quiet:                 median {statistics.median(quiet):6.1f} ms  p95 {p95(quiet):6.1f} ms"
    )
    print(
        f"  while another room recaps: median {statistics.median(busy):6.1f} ms  "
        f"p95 {p95(busy):6.1f} ms  ({recaps} recaps of 100,000 contributions meanwhile)"
    )
    print(f"  p95 difference: {p95(busy) - p95(quiet):+.1f} ms (target: within 20 ms)")
    print(
        f"drawing process: peak resident memory {DRAWER.peak_rss_kib / 1024:.0f} MiB "
        f"({sink.files} charts delivered)"
    )
    DRAWER.stop()


if __name__ == "__main__":
    tune_interpreter()  # as the bot does (bot.app.build_runtime)
    clock.install(lambda: NOW)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=300)
    parser.add_argument("--every", type=float, default=20.0, help="ms between two commands")
    args = parser.parse_args()
    asyncio.run(main(args.commands, args.every))
