"""Two ``cagnotte run`` on one PostgreSQL and one private Synapse: the leader is killed
(SIGKILL) in the middle of a burst of commands; prints how long the standby took to answer in
its place, and whether every command was answered once and the scheduled recap posted once.

    .venv/bin/python bench/failover.py [--commands 200] [--runs 1]

Needs Synapse (``./dev`` installs it) and PostgreSQL's server binaries. Prints figures; asserts
nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.clock import install_default
from bot.matrix.synapse import Synapse
from tests.failover import leader_killed_in_a_burst
from tests.postgres import PostgresServer, find_bindir


async def main(commands: int, runs: int) -> None:
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL server binaries not found")
    pg = PostgresServer(bindir).start()
    try:
        with Synapse() as server:
            for n in range(runs):
                url = pg.new_database(f"fo{uuid.uuid4().hex[:10]}")
                work = Path(tempfile.mkdtemp(prefix="cagnotte-failover-"))
                run = await leader_killed_in_a_burst(server, url, work, commands)
                once = sum(1 for e in run.sent if run.replies[e] == 1)
                print(
                    f"run {n + 1}: leader killed after {run.answered_before_kill} of "
                    f"{commands} answers; the standby's first answer {run.takeover_seconds:.1f} s "
                    f"after the kill; {once}/{commands} commands answered exactly once, "
                    f"{len(run.stored)} stored, {run.recaps} scheduled recap(s) posted"
                )
    finally:
        pg.stop()


if __name__ == "__main__":
    install_default()
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(main(args.commands, args.runs))
