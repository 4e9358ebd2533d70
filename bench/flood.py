"""Benchmark: one person floods a room; how long does another person wait for an answer?

Alice sends 1,000 commands in one room of the console adapter while Bob, in the same room, sends
one command every ``--every`` ms until the flood is answered. The console's delivery takes
``--send-ms`` per message (a chat server's round trip), and with ``--per-second`` it is also held
to that many sends per second (a homeserver's rate limit).

Two shapes of flood:

* ``typed``: Alice's commands reach the bot one after the other (each handed over once the one
  before is stored), as a platform's event stream hands them;
* ``burst``: all of them reach the bot at once (a catch-up after a restart, a script).

For Bob's commands it prints the time until the command is stored ("handled") and until its
answer is delivered ("answered"): median and max.

    .venv/bin/python bench/flood.py [--flood 1000] [--send-ms 5] [--per-second 0] [--every 50]

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

from bot.adapters.base import Outgoing
from bot.adapters.console import ConsoleAdapter
from bot.app import tune_interpreter
from bot.runtime import Runtime
from commands import build_registry
from commands.core import Settings
from storage.db import open_database, sqlite_url

NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)


class SlowConsole(ConsoleAdapter):
    """The console, with a delivery that takes ``send_ms`` and at most ``per_second`` sends per
    second; notes when each of Bob's answers is delivered (his answers name him; they come in
    the order of his commands)."""

    def __init__(self, send_ms: float, per_second: float) -> None:
        super().__init__(out=lambda _line: None, room="flood")
        self.send_s = send_ms / 1000
        self.gap = 1 / per_second if per_second > 0 else 0.0
        self.next_send = 0.0
        self.bob_answers: list[float] = []  # when each of Bob's answers was delivered
        self.flood_answers = 0

    async def deliver(self, item: Outgoing) -> str | None:
        now = time.perf_counter()
        if self.gap and now < self.next_send:
            await asyncio.sleep(self.next_send - now)
        self.next_send = max(now, self.next_send) + self.gap
        await asyncio.sleep(self.send_s)
        platform_id = await super().deliver(item)
        if "pour Bob" in item.body:
            self.bob_answers.append(time.perf_counter())
        elif "pour Alice" in item.body:
            self.flood_answers += 1
        return platform_id


async def flood(workdir: Path, shape: str, args: argparse.Namespace) -> None:
    engine = open_database(sqlite_url(workdir / f"{shape}.db"))
    runtime = Runtime(engine, build_registry(), Settings(), clock=lambda: NOW)
    console = SlowConsole(args.send_ms, args.per_second)
    console.attach(runtime)
    await console.say("!aide", user="bob")  # the room exists, both people are known
    await console.say("!aide", user="alice")
    await runtime.flush(timeout=60)
    sent: list[float] = []  # when Bob sent each command
    handled: list[float] = []  # how long until it was stored
    done = asyncio.Event()

    async def alice() -> None:
        texts = [f"!contrib {1 + i % 5}h flood {i}" for i in range(args.flood)]
        if shape == "typed":
            for text in texts:
                await console.say(text, user="alice")
        else:
            await asyncio.gather(*(console.say(text, user="alice") for text in texts))

    async def bob() -> None:
        i = 0
        while not done.is_set():
            i += 1
            sent.append(time.perf_counter())
            await console.say(f"!contrib 30min bob {i}", user="bob")
            handled.append(time.perf_counter() - sent[-1])
            await asyncio.sleep(args.every / 1000)

    start = time.perf_counter()
    bob_task = asyncio.create_task(bob())
    await asyncio.sleep(0.01)  # Bob is already typing when the flood starts
    await alice()
    stored = time.perf_counter() - start
    while console.flood_answers < args.flood:
        await asyncio.sleep(0.01)
    total = time.perf_counter() - start
    done.set()
    await bob_task
    await runtime.flush(timeout=600)
    await runtime.close()
    engine.dispose()
    answered = [a - s for s, a in zip(sent, console.bob_answers, strict=True)]

    def figures(values: list[float]) -> str:
        ms = sorted(v * 1000 for v in values)
        return f"median {statistics.median(ms):,.0f} ms, max {ms[-1]:,.0f} ms"

    print(
        f"{shape:5} flood of {args.flood}: stored in {stored:.1f} s, answered in {total:.1f} s; "
        f"Bob's {len(sent)} commands meanwhile: stored after {figures(handled)}; "
        f"answered after {figures(answered)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--flood", type=int, default=1000, help="Alice's commands")
    parser.add_argument("--send-ms", type=float, default=5.0, help="time per delivered message")
    parser.add_argument(
        "--per-second", type=float, default=0.0, help="at most this many sends per second"
    )
    parser.add_argument("--every", type=float, default=50.0, help="ms between Bob's commands")
    parser.add_argument("--shape", choices=["typed", "burst", "both"], default="both")
    args = parser.parse_args()
    limit = f", at most {args.per_second:g} sends/s" if args.per_second else ""
    print(f"delivery: {args.send_ms:g} ms per message{limit}; Bob every {args.every:g} ms")
    shapes = ["typed", "burst"] if args.shape == "both" else [args.shape]
    with tempfile.TemporaryDirectory() as tmp:
        for shape in shapes:
            asyncio.run(flood(Path(tmp), shape, args))


if __name__ == "__main__":
    tune_interpreter()  # as the bot does (bot.app.build_runtime)
    main()
