"""Start fails clearly: every setting is checked at start, a bad one is named with its value and
what is expected (exit code 2); a database or data directory that cannot be used says so (exit
code 4). No traceback either way."""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import EXIT_CONFIG, EXIT_STORAGE
from bot.config import ConfigError, load_config
from bot.platforms import check_configuration, load_checked

NOW = "2026-11-26T11:00:00+00:00"  # a Thursday, whatever the calendar says


def cagnotte(
    tmp_path: Path,
    *args: str,
    config: str | None = None,
    env: dict[str, str] | None = None,
    stdin: str = "/quit\n",
) -> subprocess.CompletedProcess[str]:
    """``python -m bot.cli`` in ``tmp_path``, with no CAGNOTTE_ variable but ``env``'s."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CAGNOTTE_")}
    command = [sys.executable, "-m", "bot.cli", "--now", NOW]
    if config is not None:
        (tmp_path / "config.toml").write_text(config)
        command += ["-c", str(tmp_path / "config.toml")]
    return subprocess.run(
        [*command, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**clean, "PYTHONPATH": str(Path(__file__).parents[1]), **(env or {})},
        timeout=60,
        cwd=tmp_path,
    )


def problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "config.toml"
    path.write_text(text)
    try:
        load_checked(path)
    except ConfigError as err:
        return err.problems
    return []


# -- each rule, in this process ---------------------------------------------------------------
BAD = [
    ('[bot]\ntimezone = "Mars/Olympus"', "[bot] timezone: 'Mars/Olympus' is not a time zone"),
    ("[bot]\nprefix = 3", "[bot] prefix: 3 is not text"),
    ('[bot]\nprefix = ""', "[bot] prefix: '' is not a command prefix"),
    ('[bot]\nprefix = "! "', "[bot] prefix: '! ' is not a command prefix"),
    ('[bot]\nlanguage = "de"', "[bot] language: 'de' is not a language of the bot (fr or en)"),
    ('[bot]\ncurrency = "ZZZ"', "[bot] currency: 'ZZZ' is not an ISO 4217 currency code"),
    ('[bot]\ncurrency = "euro"', "[bot] currency: 'euro' is not an ISO 4217 currency code"),
    ('[bot]\nlog_level = "LOUD"', "[bot] log_level: 'LOUD' is not a log level (DEBUG, INFO"),
    ('[bot]\ndata_dir = ""', "[bot] data_dir: '' is empty"),
    ("[bot]\ntmezone = 1", "[bot] tmezone: unknown setting (did you mean timezone?"),
    ('[console]\nadmins = "alice"', "[console] admins: 'alice' is not a list"),
    ('[console]\nadmins = ["alice", 2]', "[console] admins[1]: 2 is not text"),
    ("[recap]\ngrace_hours = -1", "[recap] grace_hours: -1 is too small (at least 0"),
    ("[recap]\ngrace_hours = 1e300", "[recap] grace_hours: 1e+300 is too large (at most 8784"),
    ("[recap]\npoll_seconds = inf", "[recap] poll_seconds: inf is not a finite number"),
    ('[recap]\npoll_seconds = "often"', "[recap] poll_seconds: 'often' is not a number"),
    ('[database]\nurl = "mysql://u:hunter22@h/db"', "[database] url: 'mysql://u:***@h/db' is not"),
    ('[database]\nurl = "no url"', "[database] url: the value is not a database URL"),
    ("[matrx]\n", "[matrx]: unknown section (did you mean [matrix]?"),
    ('[web]\nlisten = "8080"', "[web] listen: '8080' is not an address to listen on"),
    ('[web]\nlisten = "127.0.0.1:99999"', "[web] listen: '127.0.0.1:99999' is not an address"),
    ('[web]\npublic_url = "example.org"', "[web] public_url: 'example.org' is not a web address"),
    ("[web]\nrequests_per_minute = 0", "[web] requests_per_minute: 0 is too small (at least 1"),
    ('[web]\ntrust_forwarded = "yes"', "[web] trust_forwarded: 'yes' is not true or false"),
    ("bot = 3", "bot: a section is expected"),
]
MATRIX = '[matrix]\nhomeserver = "https://m.example.org"\nuser_id = "@bot:example.org"\n'
BAD_MATRIX = [
    ('homeserver = "not a url"', "[matrix] homeserver: 'not a url' is not a web address"),
    ('homeserver = "https://"', "[matrix] homeserver: 'https://' is not a web address"),
    ('homeserver = "http://h:99999"', "[matrix] homeserver: 'http://h:99999' is not a web"),
    ('user_id = "bot"', "[matrix] user_id: 'bot' is not a Matrix user id"),
    ("admin_level = 50.5", "[matrix] admin_level: 50.5 is not a whole number"),
    ("admin_level = true", "[matrix] admin_level: True is not a whole number"),
    ('encryption = "yes"', "[matrix] encryption: 'yes' is not true or false"),
    ("timeline_limit = 0", "[matrix] timeline_limit: 0 is too small (at least 1"),
    ('admins = ["alice"]', "[matrix] admins[0]: 'alice' is not a Matrix user id"),
    ("password = 12345678", "[matrix] password: the value is not text"),
]
MATTERMOST = '[mattermost]\nurl = "https://chat.example.org"\ntoken = "tok-tok-tok"\n'
BAD_MATTERMOST = [
    ('url = "chat.example.org"', "[mattermost] url: 'chat.example.org' is not a web address"),
    ("ping_interval = 0", "[mattermost] ping_interval: 0 is too small (more than 0"),
    ("min_backoff = 10\nmax_backoff = 5", "[mattermost] max_backoff: 5.0 is too small"),
]


@pytest.mark.parametrize(("text", "expected"), BAD)
def test_a_bad_setting_is_named_with_its_value_and_what_is_expected(tmp_path, text, expected):
    found = problems(tmp_path, text)
    assert any(p.startswith(expected) for p in found), found


@pytest.mark.parametrize(("line", "expected"), BAD_MATRIX)
def test_a_bad_matrix_setting_is_named(tmp_path, line, expected):
    text = MATRIX.replace(line.split(" =")[0] + " =", "# was:") + line + '\npassword = "pw-pw-pw"'
    if line.startswith("password"):
        text = MATRIX + line
    found = problems(tmp_path, text)
    assert any(p.startswith(expected) for p in found), found
    assert not any("12345678" in p or "pw-pw-pw" in p for p in found)


@pytest.mark.parametrize(("line", "expected"), BAD_MATTERMOST)
def test_a_bad_mattermost_setting_is_named(tmp_path, line, expected):
    text = MATTERMOST.replace(line.split(" =")[0] + " =", "# was:") + line
    found = problems(tmp_path, text)
    assert any(p.startswith(expected) for p in found), found


def test_missing_credentials_are_named_with_their_variable(tmp_path):
    assert problems(tmp_path, '[mattermost]\nurl = "https://c.example.org"') == [
        "[mattermost] token: missing (in the file, or in CAGNOTTE_MATTERMOST_TOKEN)"
    ]
    assert problems(tmp_path, MATRIX) == [
        "[matrix] password or access_token: missing (best in CAGNOTTE_MATRIX_PASSWORD or "
        "CAGNOTTE_MATRIX_ACCESS_TOKEN)"
    ]


def test_good_values_are_read_and_normalised(tmp_path, monkeypatch):
    monkeypatch.setenv("CAGNOTTE_CONSOLE_ADMINS", "alice, bob")
    monkeypatch.setenv("CAGNOTTE_RECAP_GRACE_HOURS", "6")
    path = tmp_path / "config.toml"
    path.write_text(
        '[bot]\ntimezone = "europe/paris"\ncurrency = "chf"\nlog_level = "debug"\n'
        'language = "EN"\n[recap]\npoll_seconds = 5\n' + MATRIX + "homeserver_x = 1\n"
    )
    assert problems(tmp_path, path.read_text()) == [
        "[matrix] homeserver_x: unknown setting (did you mean homeserver? known: homeserver, "
        "user_id, password, access_token, device_id, device_name, store_path, allowed_inviters, "
        "allowed_homeservers, encryption, admin_level, admins, sync_timeout_ms, timeline_limit, "
        "reconnect_max_seconds, send_retry_seconds)"
    ]
    path.write_text(path.read_text().replace("homeserver_x = 1", 'password = "pw-pw-pw"'))
    config = load_config(path)
    assert (config.bot.timezone, config.bot.currency, config.bot.log_level) == (
        "Europe/Paris",
        "CHF",
        "DEBUG",
    )
    assert config.bot.language == "en" and config.console.admins == ["alice", "bob"]
    platforms = check_configuration(config)
    assert platforms["matrix"].homeserver == "https://m.example.org"


def test_environment_values_are_checked_and_named_by_their_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("CAGNOTTE_BOT_TIMEZONE", "Mars/Olympus")
    monkeypatch.setenv("CAGNOTTE_RECAP_POLL_SECONDS", "soon")
    monkeypatch.setenv("CAGNOTTE_MATRIX_ADMIN_LEVEL", "high")
    monkeypatch.setenv("CAGNOTTE_MATRIX_PASSWORD", "pw-pw-pw")
    found = problems(tmp_path, MATRIX)
    assert found == [
        "[bot] timezone (CAGNOTTE_BOT_TIMEZONE): 'Mars/Olympus' is not a time zone (for "
        "example Europe/Paris)",
        "[recap] poll_seconds (CAGNOTTE_RECAP_POLL_SECONDS): 'soon' is not a number",
        "[matrix] admin_level (CAGNOTTE_MATRIX_ADMIN_LEVEL): 'high' is not a whole number",
    ]


# -- the command, as a user runs it -----------------------------------------------------------
def test_bad_configuration_exits_2_naming_every_bad_setting(tmp_path):
    result = cagnotte(
        tmp_path,
        "console",
        config=(
            '[bot]\ntimezone = "Mars/Olympus"\nprefix = 3\n[console]\nadmins = "alice"\n'
            '[recap]\ngrace_hours = -1\n[matrix]\nhomeserver = "not a url"\n'
            'user_id = "@cagnotte:example.org"\npassword = 12345678\n'
        ),
    )
    assert result.returncode == EXIT_CONFIG
    assert "Traceback" not in result.stderr and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines == [
        "cagnotte: configuration: [bot] prefix: 3 is not text (write it in quotes)",
        "cagnotte: configuration: [bot] timezone: 'Mars/Olympus' is not a time zone (for "
        "example Europe/Paris)",
        "cagnotte: configuration: [console] admins: 'alice' is not a list (for example "
        '["a", "b"])',
        "cagnotte: configuration: [recap] grace_hours: -1 is too small (at least 0 is expected)",
        "cagnotte: configuration: [matrix] homeserver: 'not a url' is not a web address "
        "(http:// or https://, then a host, for example https://chat.example.org)",
        "cagnotte: configuration: [matrix] password: the value is not text (write it in "
        "quotes) (not shown: it is a secret)",
    ]
    assert not (tmp_path / "data").exists()  # nothing was created


def test_bad_environment_value_exits_2(tmp_path):
    result = cagnotte(tmp_path, "console", env={"CAGNOTTE_RECAP_GRACE_HOURS": "12h"})
    assert result.returncode == EXIT_CONFIG, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr == (
        "cagnotte: configuration: [recap] grace_hours (CAGNOTTE_RECAP_GRACE_HOURS): '12h' is "
        "not a number\n"
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_storage_that_cannot_be_used_exits_4_with_a_clear_message(tmp_path, template_db):
    cases: list[tuple[dict[str, str], list[str], str]] = []
    # a data directory that cannot be created
    cases.append(({"CAGNOTTE_BOT_DATA_DIR": "/proc/cagnotte/data"}, [], "/proc/cagnotte/data"))
    # a file where the data directory should be
    (tmp_path / "taken").write_text("")
    cases.append(({"CAGNOTTE_BOT_DATA_DIR": "taken"}, [], "a file is in the way"))
    # a folder where the database file should be
    (tmp_path / "d1" / "cagnotte.db").mkdir(parents=True)
    cases.append(
        ({"CAGNOTTE_BOT_DATA_DIR": "d1"}, [], "a folder is where the database file should be")
    )
    # a database that can be read but not written
    ro = tmp_path / "ro.db"
    shutil.copy(template_db, ro)
    cases.append(
        ({}, ["--db", f"sqlite:///file:{ro}?mode=ro&uri=true"], "attempt to write a readonly")
    )
    # PostgreSQL refusing the connection (nothing listens there); its password is never shown
    pg = f"postgresql://cagnotte:pg-hunter22@127.0.0.1:{_free_port()}/cagnotte"
    cases.append(({"CAGNOTTE_DATABASE_URL": pg}, [], "cagnotte:***@127.0.0.1"))
    for env, options, expected in cases:
        result = cagnotte(tmp_path, "console", *options, env=env)
        assert result.returncode == EXIT_STORAGE, (env, options, result.stderr)
        assert "Traceback" not in result.stderr, result.stderr
        said = [line for line in result.stderr.splitlines() if line.startswith("cagnotte: ")]
        assert len(said) == 1 and said[0].startswith("cagnotte: storage: "), result.stderr
        assert expected in said[0] and "pg-hunter22" not in result.stderr, result.stderr
    # at DEBUG the log may tell more, but never the password
    debug = cagnotte(
        tmp_path, "console", env={"CAGNOTTE_DATABASE_URL": pg, "CAGNOTTE_BOT_LOG_LEVEL": "DEBUG"}
    )
    assert debug.returncode == EXIT_STORAGE and "pg-hunter22" not in debug.stderr + debug.stdout


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files anyway")
def test_a_read_only_database_file_exits_4(tmp_path, template_db):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(template_db, data / "cagnotte.db")
    with sqlite3.connect(data / "cagnotte.db") as conn:
        conn.execute("PRAGMA journal_mode=DELETE")
    (data / "cagnotte.db").chmod(0o400)
    data.chmod(0o500)
    try:
        result = cagnotte(tmp_path, "console")
    finally:
        data.chmod(0o700)
    assert result.returncode == EXIT_STORAGE, result.stderr
    assert "Traceback" not in result.stderr and "cagnotte: storage:" in result.stderr


def test_help_lists_the_exit_codes(tmp_path):
    result = cagnotte(tmp_path, "--help")
    assert result.returncode == 0
    for code in ("0  ", "1  ", "2  ", "3  ", "4  "):
        assert f"\n  {code}" in result.stdout


def test_the_example_configuration_documents_every_setting_and_is_valid(tmp_path):
    """config.example.toml with every commented setting switched on passes the checks, and
    documents each setting of each section, with a comment just above."""
    from dataclasses import fields

    from bot.backups import BackupSettings
    from bot.config import BotSection, ConsoleSection, DatabaseSection, WebSection
    from bot.matrix.settings import MatrixSettings
    from bot.mattermost.settings import MattermostSettings
    from bot.scheduler import SchedulerSettings

    example = (Path(__file__).parents[1] / "config.example.toml").read_text()
    setting = re.compile(r"^# (\[\w+\]|\w+ = .+)$")
    lines = [setting.sub(r"\1", line) for line in example.splitlines()]
    text = "\n".join(lines).replace('token = ""', 'token = "t0k3n-t0k3n"')
    text = text.replace('password = ""', 'password = "p4ss-p4ss"')
    assert problems(tmp_path, text) == []
    sections = {
        "bot": BotSection,
        "database": DatabaseSection,
        "console": ConsoleSection,
        "recap": SchedulerSettings,
        "backup": BackupSettings,
        "matrix": MatrixSettings,
        "mattermost": MattermostSettings,
        "web": WebSection,
    }
    current = ""
    documented: dict[str, set[str]] = {name: set() for name in sections}
    for before, line in zip(["", *lines], lines, strict=False):
        if re.fullmatch(r"\[\w+\]", line):
            current = line[1:-1]
        elif re.match(r"\w+ = ", line):
            key = line.split(" =")[0]
            documented[current].add(key)
            assert before.startswith("#") or re.match(r"\w+ = ", before), line
    for name, cls in sections.items():
        assert documented[name] == {f.name for f in fields(cls)}, name


def test_the_web_section_turns_the_page_on(tmp_path, monkeypatch):
    from bot.config import load_config

    path = tmp_path / "config.toml"
    path.write_text("")
    assert load_config(path).web is None
    assert load_config(path).settings().page_url == ""
    monkeypatch.setenv("CAGNOTTE_WEB_LISTEN", "127.0.0.1:8099")
    config = load_config(path)
    assert config.web is not None and config.settings().page_url == "http://127.0.0.1:8099"
    path.write_text('[web]\nlisten = "[::1]:0"\npublic_url = "https://example.org/cagnotte/"\n')
    monkeypatch.delenv("CAGNOTTE_WEB_LISTEN")
    config = load_config(path)
    assert config.web is not None and config.web.host == "::1" and config.web.port == 0
    assert config.settings().page_url == "https://example.org/cagnotte"
