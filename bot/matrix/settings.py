"""The ``[matrix]`` section of the configuration (checked as ``bot.config`` says)."""

from __future__ import annotations

from dataclasses import field
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field
from pydantic.dataclasses import dataclass

from bot.config import STRICT, ConfigError, HttpUrl, MatrixUserId, Text, build_section

# canonical JSON (what Matrix power levels are) only holds integers of this size
MAX_POWER_LEVEL = 2**53 - 1


class MatrixConfigError(ConfigError, ValueError):
    pass


@dataclass(config=STRICT)
class MatrixSettings:
    homeserver: HttpUrl = ""
    user_id: MatrixUserId = ""
    password: str = ""
    access_token: str = ""
    device_id: str = ""
    device_name: Text = "cagnotte"
    store_path: str = ""
    allowed_inviters: list[MatrixUserId] = field(default_factory=list)
    allowed_homeservers: list[Text] = field(default_factory=list)
    encryption: bool = False
    admin_level: Annotated[int, Field(ge=0, le=MAX_POWER_LEVEL)] = 50
    admins: list[MatrixUserId] = field(default_factory=list)
    sync_timeout_ms: Annotated[int, Field(ge=0, le=600_000)] = 30_000
    timeline_limit: Annotated[int, Field(ge=1, le=1000)] = 50
    reconnect_max_seconds: Annotated[float, Field(gt=0, le=3600)] = 30.0
    send_retry_seconds: Annotated[float, Field(ge=0, le=7 * 24 * 3600)] = 300.0

    @classmethod
    def from_section(cls, data: dict[str, Any], data_dir: str = "data") -> MatrixSettings:
        """Raises ``MatrixConfigError`` (a ``ConfigError``) naming every bad setting."""
        try:
            settings = build_section(cls, "matrix", data)
        except ConfigError as err:
            raise MatrixConfigError(*err.problems) from None
        missing = [key for key in ("homeserver", "user_id") if not getattr(settings, key)]
        if missing:
            raise MatrixConfigError(
                *(
                    f"[matrix] {key}: missing (in the file, or in CAGNOTTE_MATRIX_{key.upper()})"
                    for key in missing
                )
            )
        if not settings.password and not settings.access_token:
            raise MatrixConfigError(
                "[matrix] password or access_token: missing (best in CAGNOTTE_MATRIX_PASSWORD "
                "or CAGNOTTE_MATRIX_ACCESS_TOKEN)"
            )
        if not settings.store_path:
            settings.store_path = str(Path(data_dir) / "matrix-store")
        return settings
