"""A throw-away PostgreSQL server for tests: initdb in a temporary folder, listening on
127.0.0.1 on a free port, stopped at the end. Uses the server binaries of Debian's packages."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def find_bindir() -> Path | None:
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.tmp = Path(tempfile.mkdtemp(prefix="cagnotte-pg-"))
        self.data = self.tmp / "data"
        self.port = _free_port()
        self._as: list[str] = []
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root: run it as the packages' postgres user
            user = pwd.getpwnam("postgres")
            os.chown(self.tmp, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return self.database_url("cagnotte")

    def database_url(self, name: str) -> str:
        return f"postgresql+psycopg://cagnotte@127.0.0.1:{self.port}/{name}"

    def new_database(self, name: str) -> str:
        """Create an empty database and return its URL."""
        self._run(
            str(self.bindir / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "cagnotte",
            name,
        )
        return self.database_url(name)

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self._as, *args], check=True, capture_output=True, stdin=subprocess.DEVNULL
        )

    def start(self) -> PostgresServer:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "cagnotte",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.tmp / "log"),
            "-w",
            "-o",
            f"-h 127.0.0.1 -p {self.port} -k {self.tmp} -F",
            "start",
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                self._run(
                    str(self.bindir / "createdb"),
                    "-h",
                    "127.0.0.1",
                    "-p",
                    str(self.port),
                    "-U",
                    "cagnotte",
                    "cagnotte",
                )
                return self
            except subprocess.CalledProcessError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        try:
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.tmp, ignore_errors=True)
