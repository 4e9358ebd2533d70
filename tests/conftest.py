"""Shared fixtures: a migrated SQLite file per test, the runtime, and a console "room" to hold a
conversation with the bot."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import uuid
import zlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings
from sqlalchemy.engine import Engine

from bot.adapters.console import ConsoleAdapter, Said
from bot.render import LocalDrawer
from bot.runtime import Runtime
from commands import build_registry
from commands.core import Settings
from storage.db import make_engine, migrate, open_database, sqlite_url
from tests.postgres import PostgresServer, find_bindir

if TYPE_CHECKING:
    from bot.matrix.synapse import Synapse

# Property tests are deterministic in the suite: the same examples on every run, so that a run
# is never red by chance. HYPOTHESIS_PROFILE=explore searches at random (``./dev fuzz`` does so
# for the fuzzer); what it finds becomes an explicit example.
settings.register_profile("suite", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))

PARIS_NOON = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)  # Thursday 26 Nov 2026, 12:00 Paris

# what a test needs, and the mark that keeps it out of the fast tier
NEEDS_A_SERVER = {
    "synapse": "synapse",
    "stock_synapse": "synapse",
    "postgres_server": "postgres",
    "postgres_engine": "postgres",
}


# under pytest-xdist (``--dist loadgroup``), the tests of one server go to one worker, so that each
# server starts once per run; the other tests are shared among the workers
SERVER_MARKS = ("synapse", "postgres", "browser")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that starts Synapse or PostgreSQL carries the mark that the fast tier leaves out."""
    shard = os.environ.get("CAGNOTTE_DATED_SHARD")
    if shard:
        keep, left = in_shard(items, shard)
        if left:
            config.hook.pytest_deselected(items=left)
            items[:] = keep
    for item in items:
        for fixture, mark in NEEDS_A_SERVER.items():
            if fixture in getattr(item, "fixturenames", ()) and not item.get_closest_marker(mark):
                raise pytest.UsageError(f"{item.nodeid} uses {fixture}: mark it {mark}")
        for mark in SERVER_MARKS:
            if item.get_closest_marker(mark):
                item.add_marker(pytest.mark.xdist_group(mark))
                break


def in_shard(items: list[pytest.Item], shard: str) -> tuple[list[pytest.Item], list[pytest.Item]]:
    """``CAGNOTTE_DATED_SHARD=k/n`` (the dated runs of ``./dev test``): the tests whose id falls in
    part ``k`` of ``n``, by a hash of the id that does not change from run to run."""
    k, _, n = shard.partition("/")
    part, parts = int(k), int(n)
    if not 0 <= part < parts:
        raise pytest.UsageError(f"CAGNOTTE_DATED_SHARD={shard}: expected k/n with 0 <= k < n")
    keep: list[pytest.Item] = []
    left: list[pytest.Item] = []
    for item in items:
        (keep if zlib.crc32(item.nodeid.encode()) % parts == part else left).append(item)
    return keep, left


def not_in_the_fast_tier(what: str) -> None:
    """Fixtures reached through ``request.getfixturevalue`` escape the check above: fail in the
    fast tier's dated runs (``./dev test`` sets ``CAGNOTTE_FAST_TIER``) rather than start a server
    there."""
    if os.environ.get("CAGNOTTE_FAST_TIER"):
        pytest.fail(f"this test starts {what} but is not marked for it (synapse or postgres)")


@pytest.fixture(autouse=True)
def process_clock() -> Iterator[None]:
    """Every test starts on the system clock; a runtime given a test clock installs it."""
    from bot.clock import system_clock
    from storage import clock as process_clock

    with process_clock.using(system_clock):
        yield


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the session (Debian's server binaries, 127.0.0.1)."""
    not_in_the_fast_tier("PostgreSQL")
    bindir = find_bindir()
    if bindir is None:
        if os.environ.get("CAGNOTTE_REQUIRE_POSTGRES"):
            pytest.fail(
                "PostgreSQL server binaries not found, and CAGNOTTE_REQUIRE_POSTGRES is set"
            )
        pytest.skip("PostgreSQL server binaries not found (Debian package postgresql)")
    server = PostgresServer(bindir).start()
    try:
        yield server
    finally:
        server.stop()


def assert_ledger_sound(engine: Engine) -> None:
    """``cagnotte check`` on ``engine``: no row breaks an invariant of the ledger."""
    from sqlmodel import Session

    from storage.checks import check_ledger

    with Session(engine) as db:
        broken = check_ledger(db)
    assert not broken, "the ledger check failed:\n" + "\n".join(str(v) for v in broken)


def _check_after(request: pytest.FixtureRequest, engine: Engine) -> None:
    """After every test on a database, the ledger check passes (``unchecked_ledger`` marks the
    tests that break the ledger on purpose)."""
    failed = getattr(request.node, "rep_call", None)
    if request.node.get_closest_marker("unchecked_ledger") or (failed and failed.failed):
        return
    assert_ledger_sound(engine)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report


@pytest.fixture
def postgres_engine(
    postgres_server: PostgresServer, request: pytest.FixtureRequest
) -> Iterator[Engine]:
    """A fresh, migrated PostgreSQL database for one test."""
    engine = open_database(postgres_server.new_database(f"t{uuid.uuid4().hex[:12]}"))
    yield engine
    try:
        _check_after(request, engine)
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database file migrated once per test session; tests get copies of it."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(sqlite_url(path))
    migrate(engine)
    engine.dispose()
    return path


@pytest.fixture
def db_path(tmp_path: Path, template_db: Path) -> Path:
    path = tmp_path / "cagnotte.db"
    shutil.copy(template_db, path)
    return path


@pytest.fixture
def engine(db_path: Path, request: pytest.FixtureRequest) -> Iterator[Engine]:
    eng = make_engine(sqlite_url(db_path))
    yield eng
    try:
        _check_after(request, eng)
    finally:
        eng.dispose()


@pytest.fixture(scope="session")
def synapse() -> Iterator[Synapse]:
    """One Synapse on 127.0.0.1 (relaxed rate limits) for every end-to-end test of the session;
    tests keep apart by registering their own users and rooms."""
    not_in_the_fast_tier("Synapse")
    from bot.matrix.synapse import Synapse, synapse_python

    if synapse_python() is None:
        pytest.skip("matrix-synapse not installed (./dev)")
    with Synapse() as server:
        yield server


class Clock:
    """A settable clock for the runtime (aware UTC)."""

    def __init__(self, now: dt.datetime = PARIS_NOON) -> None:
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


class Chat:
    """A conversation in console rooms, for scenario tests.

    ``await chat.say("alice", "!contrib 3h")`` returns the bot's answers to that message, as
    text. Bot messages have short ids (``b12``) that ``react``/``edit``/``delete`` take.
    """

    def __init__(self, runtime: Runtime, adapter: ConsoleAdapter) -> None:
        self.runtime = runtime
        self.adapter = adapter
        self.last_id: str | None = None

    async def _collect(self, before: int) -> list[Said]:
        # answers rendered after their transaction (a recap's chart) are waited for too: a
        # first chart loads matplotlib, which takes seconds on a busy machine
        await self.runtime.flush(timeout=60)
        return self.adapter.transcript[before:]

    async def say(
        self, user: str, text: str, room: str | None = None, thread: str | None = None
    ) -> list[str]:
        return [s.text for s in await self.said(user, text, room, thread)]

    async def said(
        self, user: str, text: str, room: str | None = None, thread: str | None = None
    ) -> list[Said]:
        before = len(self.adapter.transcript)
        self.last_id = await self.adapter.say(text, user=user, room=room, thread=thread)
        return await self._collect(before)

    async def one(self, user: str, text: str, room: str | None = None) -> str:
        answers = await self.say(user, text, room)
        assert len(answers) == 1, answers
        return answers[0]

    async def react(self, user: str, target: str, key: str, room: str | None = None) -> list[str]:
        before = len(self.adapter.transcript)
        await self.adapter.react(target, key, user=user, room=room)
        return [s.text for s in await self._collect(before)]

    async def unreact(self, user: str, target: str, key: str, room: str | None = None) -> list[str]:
        before = len(self.adapter.transcript)
        await self.adapter.unreact(target, key, user=user, room=room)
        return [s.text for s in await self._collect(before)]

    async def edit(self, user: str, target: str, text: str, room: str | None = None) -> list[str]:
        before = len(self.adapter.transcript)
        await self.adapter.edit(target, text, user=user, room=room)
        return [s.text for s in await self._collect(before)]

    async def delete(self, user: str, target: str, room: str | None = None) -> list[str]:
        before = len(self.adapter.transcript)
        await self.adapter.delete(target, user=user, room=room)
        return [s.text for s in await self._collect(before)]

    async def join(
        self, user: str, name: str | None = None, room: str | None = None, joined: bool = True
    ) -> None:
        """``user`` joins the room (or leaves it: ``joined=False``), as the platform tells the
        bot, with the display name ``name`` (default: the console's, ``Bob`` for ``bob``)."""
        from commands.events import MemberChanged

        uid = self.adapter.user_id(user)
        await self.runtime.handle(
            MemberChanged(
                event_id=f"join-{uuid.uuid4().hex}",
                room_id=room or self.adapter.room,
                room_name=room or self.adapter.room,
                sender=uid,
                user_id=uid,
                display_name=name if name is not None else uid.lstrip("@").capitalize(),
                joined=joined,
                platform="console",
            )
        )
        await self.runtime.flush()

    def admin(self, user: str, room: str | None = None) -> None:
        from commands.events import Role

        self.adapter.set_role(user, Role.ADMIN, room)

    @property
    def bot_messages(self) -> list[Said]:
        return self.adapter.transcript


@pytest.fixture
async def runtime(engine: Engine, clock: Clock) -> AsyncIterator[Runtime]:
    # charts are drawn in this process: the drawing process has a test of its own
    rt = Runtime(engine, build_registry(), Settings(), clock=clock, drawer=LocalDrawer())
    yield rt
    await rt.close()


@pytest.fixture
async def chat(runtime: Runtime, tmp_path: Path) -> Chat:
    adapter = ConsoleAdapter(
        user="alice",
        room="coroutine",
        admins=("alice",),
        out=lambda _l: None,
        files_dir=tmp_path / "files",
    )
    adapter.attach(runtime)
    return Chat(runtime, adapter)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def any_engine(request: pytest.FixtureRequest, db_path: Path) -> Iterator[Engine]:
    """A migrated database on SQLite (a file), then on the suite's PostgreSQL."""
    if request.param == "sqlite":
        eng = make_engine(sqlite_url(db_path))
        yield eng
        eng.dispose()
    else:
        yield request.getfixturevalue("postgres_engine")
