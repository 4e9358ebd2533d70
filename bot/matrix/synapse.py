"""A private Synapse homeserver on 127.0.0.1, for the zero-config demo and the end-to-end tests.

Synapse lives in its own virtual environment (``.venv-synapse``, made by ``./dev``), so its many
dependencies stay out of the bot's. The homeserver config is written as JSON (a subset of YAML):
no ``--generate-config`` step, an inline signing key, client API only (no federation), no
contact with any outside server. Users are created with the shared-secret admin API.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import hashlib
import hmac
import json
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from bot import redact
from bot.private import PRIVATE_UMASK, private_dir, private_umask, write_private

log = logging.getLogger(__name__)

SYNAPSE_VERSION = "1.163.2"
REPO_ROOT = Path(__file__).resolve().parents[2]

# Every client-side rate limit Synapse 1.163 reads, relaxed for tests and the local demo.
_WIDE = {"per_second": 1000, "burst_count": 10000}
RELAXED_LIMITS: dict[str, Any] = {
    "rc_message": _WIDE,
    "rc_registration": _WIDE,
    "rc_registration_token_validity": _WIDE,
    "rc_login": {"address": _WIDE, "account": _WIDE, "failed_attempts": _WIDE},
    "rc_joins": {"local": _WIDE, "remote": _WIDE},
    "rc_joins_per_room": _WIDE,
    "rc_invites": {"per_room": _WIDE, "per_user": _WIDE, "per_issuer": _WIDE},
    "rc_third_party_invite": _WIDE,
    "rc_room_creation": _WIDE,
    "rc_media_create": _WIDE,
    "rc_admin_redaction": _WIDE,
    "rc_3pid_validation": _WIDE,
    "rc_presence": {"per_user": _WIDE},
    "rc_delayed_event_mgmt": _WIDE,
    "rc_reports": _WIDE,
    "rc_user_directory": _WIDE,
    "rc_profile": _WIDE,
    "rc_key_requests": _WIDE,
}


def synapse_python() -> str | None:
    """The interpreter that has ``matrix-synapse``: ``$CAGNOTTE_SYNAPSE_PYTHON``, else the
    project's ``.venv-synapse``; ``None`` when neither exists."""
    configured = os.environ.get("CAGNOTTE_SYNAPSE_PYTHON")
    if configured:
        return configured
    default = REPO_ROOT / ".venv-synapse" / "bin" / "python"
    return str(default) if default.exists() else None


def free_port(preferred: int | None = None) -> int:
    """``preferred`` if nothing listens on it, else any free port on 127.0.0.1. The probe binds
    as the homeserver does (``SO_REUSEADDR``): the connections of a server just stopped, still
    in TIME_WAIT, do not make its port look taken (it would move at every restart)."""
    for port in (preferred, 0):
        if port is None:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return int(s.getsockname()[1])
    raise OSError("no free port on 127.0.0.1")


def _die_with_parent() -> None:  # pragma: no cover - runs in the child
    """In the child: get SIGTERM when the parent dies (Linux), so no Synapse is left behind."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


class Synapse:
    """One Synapse process. ``workdir=None``: a temporary directory removed on stop. A given
    ``workdir`` keeps the database, media and secrets across starts (the demo)."""

    def __init__(
        self,
        *,
        workdir: Path | None = None,
        python: str | None = None,
        relaxed_limits: bool = True,
        extra: dict[str, Any] | None = None,
        preferred_port: int | None = None,
    ) -> None:
        self.temporary = workdir is None
        self.workdir = private_dir(workdir or tempfile.mkdtemp(prefix="cagnotte-synapse-"))
        self.workdir = self.workdir.resolve()
        found = python or synapse_python()
        if not found:
            raise RuntimeError(
                "matrix-synapse is not installed: run ./dev (it makes .venv-synapse) or set "
                "CAGNOTTE_SYNAPSE_PYTHON"
            )
        self.python = found
        self.relaxed_limits = relaxed_limits
        self.extra = extra or {}
        self.preferred_port = preferred_port
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self.secrets = self._load_secrets()
        self.startup_seconds = 0.0

    # -- configuration ----------------------------------------------------------------------
    def _load_secrets(self) -> dict[str, str]:
        path = self.workdir / "secrets.json"
        if path.exists():
            data: dict[str, str] = json.loads(path.read_text())
            self._hide(data)
            return data
        seed = base64.b64encode(os.urandom(32)).decode().rstrip("=")
        data = {
            "signing_key": f"ed25519 a_{secrets.token_hex(2)} {seed}",
            "registration_shared_secret": secrets.token_urlsafe(32),
            "macaroon_secret_key": secrets.token_urlsafe(32),
            "form_secret": secrets.token_urlsafe(32),
        }
        write_private(path, json.dumps(data))
        self._hide(data)
        return data

    @staticmethod
    def _hide(data: dict[str, str]) -> None:
        """Keep the homeserver's secrets out of every log of this process."""
        redact.register(*data.values(), *(v.rsplit(" ", 1)[-1] for v in data.values()))

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.workdir / "homeserver.log"

    def config(self) -> dict[str, Any]:
        w = self.workdir
        cfg: dict[str, Any] = {
            "server_name": "localhost",
            "public_baseurl": f"{self.base_url}/",
            "pid_file": str(w / "homeserver.pid"),
            "listeners": [
                {
                    "port": self.port,
                    "bind_addresses": ["127.0.0.1"],
                    "type": "http",
                    "tls": False,
                    "x_forwarded": False,
                    "resources": [{"names": ["client"], "compress": False}],
                }
            ],
            "database": {"name": "sqlite3", "args": {"database": str(w / "homeserver.db")}},
            "media_store_path": str(w / "media_store"),
            "enable_registration": False,
            "report_stats": False,
            "trusted_key_servers": [],
            "suppress_key_server_warning": True,
            "enable_metrics": False,
            "presence": {"enabled": False},
            "url_preview_enabled": False,
            # the default 2 minutes would hand a restarted client a stale initial sync
            "caches": {"sync_response_cache_duration": 0},
            "bcrypt_rounds": 4,
            **self.secrets,
        }
        if self.relaxed_limits:
            cfg.update(RELAXED_LIMITS)
        cfg.update(self.extra)
        return cfg

    # -- process ------------------------------------------------------------------------------
    def start(self, timeout: float = 90.0, *, same_port: bool = False) -> str:
        """Start Synapse and wait until it answers; returns the base URL. ``same_port``: start
        again where it was (clients keep their URL)."""
        for attempt in range(1 if same_port else 3):
            if not same_port:
                self.port = free_port(self.preferred_port if attempt == 0 else None)
            path = self.workdir / "homeserver.yaml"  # holds the secrets: 0600
            write_private(path, json.dumps(self.config(), indent=1))
            t0 = time.monotonic()
            with private_umask(), self.log_path.open("ab") as logfile:
                self.proc = subprocess.Popen(
                    [self.python, "-m", "synapse.app.homeserver", "--config-path", str(path)],
                    cwd=self.workdir,
                    stdin=subprocess.DEVNULL,
                    stdout=logfile,
                    stderr=subprocess.STDOUT,
                    preexec_fn=_die_with_parent,
                    # its database, signing keys, media and logs: for their owner only
                    umask=PRIVATE_UMASK,
                )
            if self._wait_up(timeout):
                self.startup_seconds = time.monotonic() - t0
                return self.base_url
            if "Address already in use" not in self.log_tail():
                break
        tail = self.log_tail()
        self.stop()
        raise RuntimeError(f"Synapse did not start; end of its log:\n{tail}")

    def _wait_up(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        url = f"{self.base_url}/_matrix/client/versions"
        while time.monotonic() < deadline:
            if self.proc is None or self.proc.poll() is not None:
                self.proc = None
                return False
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        return True
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.05)
        return False

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "".join(self.log_path.read_text(errors="replace").splitlines(True)[-lines:])
        except OSError:
            return ""

    def rss_kib(self) -> int:
        return process_rss_kib(self.proc.pid) if self.proc else 0

    def stop(self, timeout: float = 20.0) -> None:
        """SIGTERM (Synapse shuts down cleanly in a few ms), SIGKILL if it hangs."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def cleanup(self) -> None:
        self.stop()
        if self.temporary:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self) -> Synapse:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.cleanup()

    # -- admin API ------------------------------------------------------------------------------
    def _http(
        self, method: str, path: str, body: Any = None, token: str | None = None
    ) -> dict[str, Any]:
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.base_url}{path}", data=data, method=method)
        req.add_header("Content-Type", "application/json")
        if token:
            req.add_header("Authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                result: dict[str, Any] = json.loads(r.read() or b"{}")
                return result
        except urllib.error.HTTPError as err:
            raise RuntimeError(f"{method} {path}: HTTP {err.code} {err.read()[:300]!r}") from err

    def register(self, username: str, password: str, *, admin: bool = False) -> dict[str, Any]:
        """Create a user with the shared secret; returns ``user_id``, ``access_token``,
        ``device_id``. Registering an existing name raises."""
        path = "/_synapse/admin/v1/register"
        nonce = self._http("GET", path)["nonce"]
        mac = hmac.new(self.secrets["registration_shared_secret"].encode(), digestmod=hashlib.sha1)
        mac.update(
            b"\x00".join(
                [
                    nonce.encode(),
                    username.encode(),
                    password.encode(),
                    b"admin" if admin else b"notadmin",
                ]
            )
        )
        body = {
            "nonce": nonce,
            "username": username,
            "password": password,
            "admin": admin,
            "mac": mac.hexdigest(),
        }
        return self._http("POST", path, body)

    def user_exists(self, username: str) -> bool:
        try:
            self._http("GET", f"/_matrix/client/v3/register/available?username={username}")
        except RuntimeError as err:
            if "M_USER_IN_USE" in str(err):
                return True
            raise
        return False

    def lift_rate_limits(self, user_id: str, admin_token: str) -> None:
        """Exempt ``user_id`` from message rate limits (needs a server admin's token)."""
        self._http(
            "POST",
            f"/_synapse/admin/v1/users/{user_id}/override_ratelimit",
            {"messages_per_second": 0, "burst_count": 0},
            token=admin_token,
        )


def process_rss_kib(pid: int) -> int:
    """Resident memory of a process (``VmRSS`` in /proc), KiB; 0 when unknown."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0
