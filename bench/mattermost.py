"""Mattermost adapter throughput against the fake server on 127.0.0.1: N commands posted by
people, each answered in its thread by the bot; prints commands per second and the time from a
post to its answer. Run: .venv/bin/python bench/mattermost.py [N]"""

from __future__ import annotations

import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import tune_interpreter
from bot.runtime import Runtime
from commands import build_registry
from storage.db import open_database, sqlite_url
from tests.mm_harness import mattermost_world, until


async def main(count: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_database(sqlite_url(Path(tmp) / "bench.db"))
        now = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)
        runtime = Runtime(engine, build_registry(), clock=lambda: now)
        async with mattermost_world(runtime) as mm:
            await mm.start()
            latencies = []
            started = time.perf_counter()
            for i in range(count):
                t0 = time.perf_counter()
                post = await mm.fake.user_post(
                    mm.uid("bob"), mm.channel, f"!contrib {i % 50 + 1}min b{i}"
                )
                await until(
                    lambda p=post: any(
                        r["root_id"] == p["id"] for r in mm.fake.posts_by(mm.bot)[-3:]
                    ),
                    timeout=30,
                )
                latencies.append(time.perf_counter() - t0)
            sequential = time.perf_counter() - started
            burst_posts = []
            started = time.perf_counter()
            for i in range(count):
                burst_posts.append(
                    await mm.fake.user_post(
                        mm.uid("chloe"), mm.channel, f"!contrib {i % 50 + 1}min c{i}"
                    )
                )
            await until(
                lambda: all(p["id"] in mm.adapter.handled for p in burst_posts), timeout=120
            )
            await runtime.flush(timeout=120)
            burst = time.perf_counter() - started
        await runtime.close()
    lat = sorted(latencies)
    print(f"mattermost: {count} commands one after the other: {count / sequential:.0f} commands/s")
    print(
        f"  post -> answer: median {statistics.median(lat) * 1000:.1f} ms, "
        f"p95 {lat[int(len(lat) * 0.95) - 1] * 1000:.1f} ms"
    )
    print(
        f"mattermost: {count} commands in a burst: {count / burst:.0f} commands/s handled and answered"
    )


if __name__ == "__main__":
    tune_interpreter()  # as the bot does (bot.app.build_runtime)
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
