"""The ``[matrix]`` section of the configuration."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any


class MatrixConfigError(ValueError):
    pass


@dataclass
class MatrixSettings:
    homeserver: str = ""
    user_id: str = ""
    password: str = ""
    access_token: str = ""
    device_id: str = ""
    device_name: str = "cagnotte"
    store_path: str = ""
    allowed_inviters: list[str] = field(default_factory=list)
    allowed_homeservers: list[str] = field(default_factory=list)
    encryption: bool = False
    admin_level: int = 50
    admins: list[str] = field(default_factory=list)
    sync_timeout_ms: int = 30_000
    timeline_limit: int = 50
    reconnect_max_seconds: float = 30.0
    send_retry_seconds: float = 300.0

    @classmethod
    def from_section(cls, data: dict[str, Any], data_dir: str = "data") -> MatrixSettings:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise MatrixConfigError(f"[matrix] {', '.join(unknown)}: unknown setting")
        defaults = cls()
        values = {k: _coerce(v, getattr(defaults, k)) for k, v in data.items()}
        settings = cls(**values)
        if not settings.homeserver or not settings.user_id:
            raise MatrixConfigError("[matrix] homeserver and user_id are required")
        if not settings.password and not settings.access_token:
            raise MatrixConfigError("[matrix] give a password or an access_token")
        if not settings.user_id.startswith("@") or ":" not in settings.user_id:
            raise MatrixConfigError("[matrix] user_id looks like @name:example.org")
        if not settings.store_path:
            settings.store_path = str(Path(data_dir) / "matrix-store")
        settings.homeserver = settings.homeserver.rstrip("/")
        return settings


def _coerce(value: Any, like: Any) -> Any:
    """Values from environment variables arrive as text: make them the setting's type."""
    if not isinstance(value, str):
        return value
    if isinstance(like, bool):
        return value.strip().lower() in ("1", "true", "yes", "on", "oui")
    if isinstance(like, int | float):
        return type(like)(value)
    if isinstance(like, list):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value
