"""The set-up script `dev`: what it installs, with uv and with pip when uv cannot be had.

Cheap: stubs on PATH record the commands `dev` would run instead of installing anything.
"""

from __future__ import annotations

import os
import stat
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STUB = """#!/bin/sh
echo "$(basename "$0") $*" >> "{log}"
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
    mkdir -p "$3/bin" && cp "$0" "$3/bin/python"
fi
if [ "$1" = "sync" ] && [ -n "$UV_PROJECT_ENVIRONMENT" ]; then
    mkdir -p "$UV_PROJECT_ENVIRONMENT/bin" && cp "$0" "$UV_PROJECT_ENVIRONMENT/bin/python"
fi
if [ "$1" = "venv" ]; then
    for last in "$@"; do :; done
    mkdir -p "$last/bin" && cp "$0" "$last/bin/python"
fi
exit 0
"""


def _stub(folder: Path, name: str, log: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(STUB.format(log=log))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def _dev(tmp_path: Path, *args: str, uv: bool) -> tuple[list[str], str]:
    log = tmp_path / "calls.log"
    stubs = tmp_path / "stubs"
    python = _stub(stubs, "python3", log)
    if uv:
        _stub(stubs, "uv", log)
    env = {
        "PATH": f"{stubs}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "PYTHON": str(python),
        "CAGNOTTE_VENV": str(tmp_path / "venv"),
        "CAGNOTTE_SYNAPSE_VENV": str(tmp_path / "synapse"),
        "CAGNOTTE_TOOLS_VENV": str(tmp_path / "tools"),
    }
    if not uv:
        env["CAGNOTTE_NO_UV"] = "1"
    result = subprocess.run(
        [str(ROOT / "dev"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    calls = log.read_text().splitlines() if log.exists() else []
    return calls, result.stderr


def test_without_uv_dev_installs_from_the_hashed_exports_with_pip(tmp_path: Path):
    calls, err = _dev(tmp_path, "setup", "test", uv=False)
    assert err.count("uv is not available") >= 1 and len(err.strip().splitlines()) <= 3
    assert any("-m venv" in c and str(tmp_path / "venv") in c for c in calls)
    assert "python -m pip install --quiet --require-hashes -r requirements/test.txt" in calls
    # hash-checking refuses editable installs: the project comes alone, without its deps
    assert "python -m pip install --quiet --no-deps -e ." in calls
    assert "python -m pip install --quiet --require-hashes -r requirements/synapse.txt" in calls
    # a second set-up with nothing changed installs nothing
    before = len(calls)
    calls, _ = _dev(tmp_path, "setup", "test", uv=False)
    assert len(calls) == before


def test_run_installs_what_running_needs_and_not_the_test_tools(tmp_path: Path):
    calls, _ = _dev(tmp_path, "setup", "run", uv=False)
    assert "python -m pip install --quiet --require-hashes -r requirements/run.txt" in calls
    assert not any("requirements/test.txt" in c for c in calls)


def test_with_uv_dev_syncs_from_the_lock(tmp_path: Path):
    calls, err = _dev(tmp_path, "setup", "test", uv=True)
    assert "uv is not available" not in err
    sync = [c for c in calls if c.startswith("uv sync")]
    assert len(sync) == 1
    assert "--locked" in sync[0] and "--extra test" in sync[0] and "--extra e2e" in sync[0]
    assert any(
        c.startswith("uv pip sync") and "--require-hashes" in c and "requirements/synapse.txt" in c
        for c in calls
    )
    assert not any("pip install" in c for c in calls)
    calls, _ = _dev(tmp_path / "again", "setup", "run", uv=True)
    sync = [c for c in calls if c.startswith("uv sync")]
    assert len(sync) == 1 and "--extra e2e" in sync[0] and "--extra test" not in sync[0]


def test_the_lock_files_are_committed_beside_the_project():
    for name in ("uv.lock", "requirements/run.txt", "requirements/test.txt"):
        assert (ROOT / name).is_file(), name
    synapse = (ROOT / "requirements" / "synapse.txt").read_text()
    pinned = (ROOT / "requirements" / "synapse.in").read_text().split("==")[1].strip()
    assert f"matrix-synapse=={pinned}" in synapse and "--hash=sha256:" in synapse
    assert os.access(ROOT / "dev", os.X_OK)


def test_fuzz_searches_the_commands_and_each_records_life(tmp_path: Path):
    calls, _ = _dev(tmp_path, "fuzz", "-x", uv=True)
    runs = [c for c in calls if "-m pytest" in c]
    assert len(runs) == 1, calls
    assert "tests/test_fuzz_commands.py tests/test_lifecycle_machines.py" in runs[0]
    assert "no_input_crashes or lives_by_its_rules" in runs[0] and runs[0].endswith("-x")


def test_the_dated_runs_halves_hold_every_test_once_and_do_not_move() -> None:
    """``CAGNOTTE_DATED_SHARD=k/n``: each test falls in one part, the same from run to run."""
    from types import SimpleNamespace

    import pytest

    from tests.conftest import in_shard

    items = [SimpleNamespace(nodeid=f"tests/test_x.py::test_{i}[{i % 7}]") for i in range(400)]
    first, second = in_shard(items, "0/2"), in_shard(items, "1/2")  # type: ignore[arg-type]
    assert first[0] == second[1] and first[1] == second[0]
    assert sorted(map(id, first[0] + second[0])) == sorted(map(id, items))
    assert 150 < len(first[0]) < 250  # both halves hold a fair share
    assert in_shard(list(reversed(items)), "0/2")[0] == list(reversed(first[0]))  # type: ignore[arg-type]
    with pytest.raises(pytest.UsageError):
        in_shard(items, "2/2")  # type: ignore[arg-type]
