"""Secrets stay private: the data directory is 0700, databases and the demo homeserver's files
0600 (tightened at start when older files are looser), and no token or password reaches a log,
at any level: the bot's start paths run with ``log_level = "DEBUG"`` (Matrix on the test
Synapse, Mattermost on the fake server) and their whole log is searched for every secret."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import shutil
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from nio import AsyncClient, LoginResponse, RoomSendResponse, SyncResponse

from bot.app import QUIET, setup_logging
from bot.matrix.synapse import Synapse, synapse_python
from bot.private import tighten_tree, write_private
from bot.redact import MASK, REDACTOR, Redactor
from storage.db import make_engine, sqlite_url
from tests.matrix_helpers import PASSWORD, Person, unique
from tests.mm_harness import BOT_TOKEN, mattermost_world, until

NOW = "2026-11-26T11:00:00+00:00"
with_synapse = pytest.mark.skipif(
    synapse_python() is None, reason="matrix-synapse not installed (./dev)"
)


def open_to_others(top: Path) -> list[str]:
    """Every file and folder under ``top`` (itself included) that others may read."""
    found = [top, *top.rglob("*")]
    return [
        f"{p} {stat.filemode(p.lstat().st_mode)}"
        for p in found
        if not p.is_symlink() and p.lstat().st_mode & 0o077
    ]


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    levels = {name: logging.getLogger(name).level for name in (*QUIET, "nio")}
    logging.getLogger("nio").setLevel(logging.NOTSET)  # a Matrix adapter may have quietened it
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
        handler.removeFilter(REDACTOR)
    root.setLevel(level)
    for name, old in levels.items():
        logging.getLogger(name).setLevel(old)


# -- the filter -------------------------------------------------------------------------------
def test_known_secrets_and_token_shapes_are_hidden():
    r = Redactor()
    r.register("hunter2-secret", "abc", None, "")
    cases = {
        "GET /_matrix/client/v3/sync?since=s1&access_token=AbC123xyz&timeout=0": "AbC123xyz",
        'POST /login {"type": "m.login.password", "password": "p\\"w d", "user": "bot"}': 'p\\"w d',
        "schema: {'user_id': '@b:l', 'access_token': 'randomtok', 'device_id': 'X'}": "randomtok",
        "{'Authorization': 'Bearer 7f3kq9z'}": "7f3kq9z",
        "Authorization: Bearer 7f3kq9z": "7f3kq9z",
        "postgresql+psycopg://bob:p%40ss@127.0.0.1:5432/db": "p%40ss",
        "the bot's password is hunter2-secret": "hunter2-secret",
        "form: password=hunter2%2Dsecret&x=1": "hunter2%2Dsecret",
        '{"action": "authentication_challenge", "data": {"token": "kq9z7f3kq9z7"}}': "kq9z7f3kq9z7",
        "Invalid token syt_Ym90_bHJkZ_2kJ0xm left": "syt_Ym90_bHJkZ_2kJ0xm",
        "registration_shared_secret: Zx-9_qq": "Zx-9_qq",
    }
    for text, secret in cases.items():
        hidden = r.redact(text)
        assert secret not in hidden and MASK in hidden, (text, hidden)
    # what is no secret stays readable
    for text in ("next_batch=s72595_4483_1934", "M_UNKNOWN_TOKEN: Invalid access token", "abc"):
        assert r.redact(text) == text


def test_every_record_goes_through_the_filter_even_libraries_and_tracebacks(
    caplog, restore_logging
):
    out = io.StringIO()
    setup_logging("DEBUG", secrets=["the-configured-pass"], stream=out)
    logging.getLogger("nio.responses").debug(
        "Validating response schema %r: %s", {"x": 1}, {"access_token": "tok-from-login"}
    )
    logging.getLogger("aiohttp.client").debug("login with %s", "the-configured-pass")
    try:
        raise RuntimeError("GET https://m.example.org/sync?access_token=tok-in-traceback failed")
    except RuntimeError:
        logging.getLogger("bot.adapters.matrix").exception("sync batch failed")
    logging.getLogger("sqlalchemy.engine.Engine").info("UPDATE matrixaccount SET tok-in-sql")
    written = out.getvalue()
    for text in (written, caplog.text):
        assert "tok-from-login" not in text and "the-configured-pass" not in text
        assert "tok-in-traceback" not in text and "tok-in-sql" not in text
    assert "Validating response schema" in written and "RuntimeError" in written


# -- files ------------------------------------------------------------------------------------
def test_a_new_database_and_its_wal_are_private_whatever_the_umask(tmp_path):
    before = os.umask(0o022)
    try:
        engine = make_engine(sqlite_url(tmp_path / "new" / "cagnotte.db"))
        with engine.begin() as conn:
            conn.exec_driver_sql("CREATE TABLE t (x)")
            conn.exec_driver_sql("INSERT INTO t VALUES (1)")
            files = sorted(p.name for p in (tmp_path / "new").iterdir())
            assert files == ["cagnotte.db", "cagnotte.db-shm", "cagnotte.db-wal"]
            assert open_to_others(tmp_path / "new") == []
        engine.dispose()
    finally:
        os.umask(before)


def test_write_private_tightens_an_existing_file_before_writing(tmp_path):
    path = tmp_path / "homeserver.yaml"
    path.write_text("old")
    path.chmod(0o644)
    write_private(path, "registration_shared_secret: new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.read_text().endswith("new")
    (tmp_path / "folder").mkdir(mode=0o755)
    (tmp_path / "folder" / "media").write_text("")
    (tmp_path / "folder" / "media").chmod(0o664)
    os.symlink("/etc/hostname", tmp_path / "folder" / "link")
    changed = tighten_tree([tmp_path / "folder"])
    assert sorted(p.name for p in changed) == ["folder", "media"]
    assert stat.S_IMODE(Path("/etc/hostname").stat().st_mode) & 0o044  # links are not followed


def cli(
    cwd: Path, *args: str, env: dict[str, str] | None = None, stdin: str = "/quit\n"
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CAGNOTTE_")}
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", "--now", NOW, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**clean, "PYTHONPATH": str(Path(__file__).parents[1]), **(env or {})},
        timeout=60,
        cwd=cwd,
    )


def test_start_makes_the_data_directory_private_and_says_so_once(tmp_path, template_db):
    data = tmp_path / "data"
    (data / "synapse").mkdir(parents=True, mode=0o755)
    data.chmod(0o755)
    shutil.copy(template_db, data / "cagnotte.db")
    (data / "cagnotte.db").chmod(0o644)
    (data / "synapse" / "homeserver.yaml").write_text("registration_shared_secret: x")
    (data / "synapse" / "homeserver.yaml").chmod(0o644)
    first = cli(tmp_path, "console")
    assert first.returncode == 0, first.stderr
    assert open_to_others(data) == []
    warnings = [line for line in first.stderr.splitlines() if "readable by other users" in line]
    assert len(warnings) == 1 and "4 files and folders" in warnings[0], first.stderr
    second = cli(tmp_path, "console", stdin="!contrib 1h essai\n/quit\n")
    assert second.returncode == 0 and "readable by other users" not in second.stderr
    assert open_to_others(data) == []  # and what this run wrote is private too


def test_a_fresh_start_creates_everything_private(tmp_path):
    result = cli(tmp_path, "console", stdin="!contrib 2h essai\n!export csv\n/quit\n")
    assert result.returncode == 0, result.stderr
    assert "readable by other users" not in result.stderr
    data = tmp_path / "data"
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert (data / "cagnotte.db").exists() and list((data / "files").iterdir())
    assert open_to_others(data) == []


def test_a_config_file_with_secrets_open_to_others_is_warned_about(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('[database]\nurl = "sqlite:///data/c.db"\n[console]\nuser = "bob"\n')
    config.chmod(0o644)
    assert "can read it" not in cli(tmp_path, "-c", str(config), "console").stderr
    config.write_text(
        '[mattermost]\nurl = "http://127.0.0.1:9"\ntoken = "mm-secret-token"\n'
        '[database]\nurl = "postgresql://u:pg-secret@127.0.0.1:9/x"\n'
    )
    result = cli(tmp_path, "-c", str(config), "migrate")
    assert "holds [database] url, [mattermost] token and other users can read it" in result.stderr
    assert "mm-secret-token" not in result.stderr and "pg-secret" not in result.stderr


# -- end to end, at DEBUG -----------------------------------------------------------------------
class BotProcess:
    """``cagnotte run`` as a child process; its output in files."""

    def __init__(self, cwd: Path, *args: str, env: dict[str, str]) -> None:
        clean = {k: v for k, v in os.environ.items() if not k.startswith("CAGNOTTE_")}
        keep = {k: v for k, v in os.environ.items() if k == "CAGNOTTE_SYNAPSE_PYTHON"}
        self.out = cwd / f"stdout-{unique('')}.log"
        self.err = cwd / f"stderr-{unique('')}.log"
        with self.out.open("wb") as out, self.err.open("wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "bot.cli", "--now", NOW, *args, "run"],
                stdout=out,
                stderr=err,
                stdin=subprocess.DEVNULL,
                cwd=cwd,
                env={
                    **clean,
                    **keep,
                    "PYTHONUNBUFFERED": "1",
                    "PYTHONPATH": str(Path(__file__).parents[1]),
                    "CAGNOTTE_BOT_LOG_LEVEL": "DEBUG",
                    **env,
                },
            )

    @property
    def stdout(self) -> str:
        return self.out.read_text(errors="replace")

    @property
    def log(self) -> str:
        return self.err.read_text(errors="replace")

    async def wait_output(self, pattern: str, timeout: float = 120) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = re.search(pattern, self.stdout + self.log)
            if found:
                return found
            if self.proc.poll() is not None:
                break
            await asyncio.sleep(0.1)
        raise AssertionError(f"no {pattern!r}; stdout:\n{self.stdout}\nlog:\n{self.log[-3000:]}")

    async def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        for _ in range(300):
            if self.proc.poll() is not None:
                return self.proc.returncode
            await asyncio.sleep(0.1)
        self.proc.kill()
        return self.proc.wait()


def assert_hidden(text: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret and secret not in text, f"a secret ({secret[:3]}…) is in the log"
    assert not re.search(r"\bsy[tr]_[A-Za-z0-9]", text), "a Synapse token is in the log"


def matrix_tokens(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT access_token FROM matrix_account") if row[0]]


async def reply_to(client: AsyncClient, room_id: str, event_id: str, since: str) -> dict:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        resp = await client.sync(timeout=2000, since=since)
        assert isinstance(resp, SyncResponse), resp
        since = resp.next_batch
        room = resp.rooms.join.get(room_id)
        for ev in room.timeline.events if room else []:
            rel = ev.source.get("content", {}).get("m.relates_to", {})
            if rel.get("m.in_reply_to", {}).get("event_id") == event_id:
                return ev.source
    raise AssertionError("no answer")


@pytest.mark.synapse
@with_synapse
async def test_the_matrix_demo_at_debug_logs_no_secret_and_keeps_its_files_private(tmp_path):
    """``cagnotte run`` with no platform: the demo homeserver, the bot's password login."""
    bot = BotProcess(tmp_path, env={"CAGNOTTE_BOT_DATA_DIR": str(tmp_path / "data")})
    client: AsyncClient | None = None
    try:
        ready = await bot.wait_output(r"(?s)homeserver URL : (\S+).*password *: (\S+)")
        url, demo_password = ready.group(1), ready.group(2)
        room_id = (await bot.wait_output(r"» (!\S+)")).group(1)
        client = AsyncClient(url, "@demo:localhost")
        assert isinstance(await client.login(demo_password), LoginResponse)
        first = await client.sync(timeout=0)
        assert isinstance(first, SyncResponse)
        for _ in range(600):
            members = await client.joined_members(room_id)
            if "@cagnotte:localhost" in [m.user_id for m in getattr(members, "members", [])]:
                break
            await asyncio.sleep(0.1)
        sent = await client.room_send(
            room_id, "m.room.message", {"msgtype": "m.text", "body": "!reglages"}
        )
        assert isinstance(sent, RoomSendResponse), sent
        answer = await reply_to(client, room_id, sent.event_id, first.next_batch)
    finally:
        if client is not None:
            await client.close()
        code = await bot.stop()
    assert code == 0, bot.log[-3000:]
    data = tmp_path / "data"
    state = json.loads((data / "synapse" / "demo.json").read_text())
    secrets = json.loads((data / "synapse" / "secrets.json").read_text())
    hidden = [
        state["bot_password"],
        state["demo_password"],
        secrets["registration_shared_secret"],
        secrets["macaroon_secret_key"],
        secrets["form_secret"],
        secrets["signing_key"].split()[-1],
        *matrix_tokens(data / "cagnotte.db"),
    ]
    assert len(hidden) == 7
    assert "Validating response schema" in bot.log  # nio's DEBUG records were there
    assert_hidden(bot.log, hidden)
    assert_hidden(bot.stdout, [s for s in hidden if s != state["demo_password"]])
    assert_hidden(json.dumps(answer), hidden)
    assert open_to_others(data) == []
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    assert stat.S_IMODE((data / "synapse" / "homeserver.yaml").stat().st_mode) == 0o600


@pytest.mark.synapse
@with_synapse
async def test_matrix_with_a_token_then_its_saved_session_at_debug_logs_no_secret(
    synapse: Synapse, tmp_path
):
    """``[matrix]`` configured: first with an access token from the environment, then, on
    restart, with the session the bot saved in its database."""
    name = unique("bot")
    synapse.register(name, PASSWORD)
    login = synapse._http(
        "POST",
        "/_matrix/client/v3/login",
        {
            "type": "m.login.password",
            "identifier": {"type": "m.id.user", "user": name},
            "password": PASSWORD,
        },
    )
    token = login["access_token"]
    bot_id = f"@{name}:localhost"
    config = tmp_path / "config.toml"
    config.write_text(
        f'[bot]\ndata_dir = "{tmp_path / "data"}"\n[matrix]\nhomeserver = "{synapse.base_url}"\n'
        f'user_id = "{bot_id}"\nsync_timeout_ms = 2000\n'
    )
    alice = await Person(synapse).start()
    logs: list[str] = []
    try:
        room = await alice.create_room([bot_id])
        for env in (
            {"CAGNOTTE_MATRIX_ACCESS_TOKEN": token},
            {"CAGNOTTE_MATRIX_PASSWORD": PASSWORD},
        ):
            bot = BotProcess(tmp_path, "-c", str(config), env=env)
            try:
                await alice.joined(room, bot_id, timeout=60)
                cmd = await alice.say(room, "!reglages")
                answer = await alice.reply_to(cmd, timeout=60)
            finally:
                assert await bot.stop() == 0, bot.log[-3000:]
            logs.append(bot.log + bot.stdout)
            assert_hidden(json.dumps(answer), [token, PASSWORD])
    finally:
        await alice.stop()
    hidden = [token, PASSWORD, *matrix_tokens(tmp_path / "data" / "cagnotte.db")]
    for log in logs:
        assert "Validating response schema" in log
        assert_hidden(log, hidden)
    assert open_to_others(tmp_path / "data") == []


async def test_mattermost_at_debug_logs_no_token(runtime, tmp_path):
    async with mattermost_world(runtime) as mm:
        config = tmp_path / "config.toml"
        config.write_text(
            f'[bot]\ndata_dir = "{tmp_path / "data"}"\n[mattermost]\nurl = "{mm.fake.url}"\n'
            'team = "coop"\n'
        )
        bot = BotProcess(tmp_path, "-c", str(config), env={"CAGNOTTE_MATTERMOST_TOKEN": BOT_TOKEN})
        try:
            await until(lambda: bool(mm.fake.conns) or bot.proc.poll() is not None, 60, "connect")
            post = await mm.fake.user_post(mm.uid("alice"), mm.channel, "!reglages", "")
            await until(
                lambda: any(p.get("root_id") == post["id"] for p in mm.fake.posts_by(mm.bot)),
                60,
                "the answer",
            )
        finally:
            code = await bot.stop()
        assert code == 0, bot.log[-3000:]
        answers = [p["message"] for p in mm.fake.posts_by(mm.bot)]
    assert "DEBUG" in bot.log and "mattermost: connected" in bot.log
    assert_hidden(bot.log + bot.stdout + json.dumps(answers), [BOT_TOKEN])
    assert open_to_others(tmp_path / "data") == []
