"""The ``[mattermost]`` section of the configuration, checked when it is read."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field
from pydantic.dataclasses import dataclass

from bot.config import STRICT, ConfigError, HttpUrl, Text, build_section


@dataclass(config=STRICT)
class MattermostSettings:
    url: HttpUrl
    token: Text
    team: str = ""  # team name: its channels are watched for missed posts after a restart
    ping_interval: Annotated[float, Field(gt=0, le=3600)] = 30.0
    min_backoff: Annotated[float, Field(ge=0, le=3600)] = 3.0
    max_backoff: Annotated[float, Field(gt=0, le=24 * 3600)] = 300.0
    jitter: Annotated[float, Field(ge=0, le=3600)] = 2.0
    role_cache_seconds: Annotated[float, Field(ge=0, le=24 * 3600)] = 60.0

    @classmethod
    def from_section(cls, data: dict[str, Any]) -> MattermostSettings:
        """Raises ``bot.config.ConfigError`` naming every bad setting."""
        settings = build_section(cls, "mattermost", data)
        if settings.max_backoff < settings.min_backoff:
            raise ConfigError(
                f"[mattermost] max_backoff: {settings.max_backoff} is too small (at least "
                f"min_backoff, {settings.min_backoff}, is expected)"
            )
        return settings
