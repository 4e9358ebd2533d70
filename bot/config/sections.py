"""The sections of the configuration that belong to no platform (``[bot]``, ``[database]``,
``[console]``, ``[web]``; the platforms and ``[recap]`` have theirs beside their code), and
``Config``: every section as read, the environment overrides of any of them, and the secrets
they hold."""

from __future__ import annotations

import os
from dataclasses import dataclass as std_dataclass
from dataclasses import field
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field
from pydantic.dataclasses import dataclass
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from bot.config.rules import (
    STRICT,
    Currency,
    DatabaseUrl,
    Language,
    Listen,
    LogLevel,
    Prefix,
    PublicUrl,
    Text,
    TimeZone,
)
from commands.core import Settings

ENV_PREFIX = "CAGNOTTE_"
# the settings that hold secrets: never shown in a message, hidden from every log
SECRET_SETTINGS: dict[str, tuple[str, ...]] = {
    "database": ("url",),
    "matrix": ("password", "access_token"),
    "mattermost": ("token",),
}


class EnvText(str):
    """A value from an environment variable (text), with the variable's name."""

    variable: str

    def __new__(cls, value: str, variable: str) -> EnvText:
        text = super().__new__(cls, value)
        text.variable = variable
        return text


# -- the sections of this module (the platforms and [recap] have theirs beside their code) --------
@dataclass(config=STRICT)
class BotSection:
    prefix: Prefix = "!"
    language: Language = "fr"
    timezone: TimeZone = "Europe/Paris"
    currency: Currency = "EUR"
    log_level: LogLevel = "INFO"
    data_dir: Text = "data"


@dataclass(config=STRICT)
class DatabaseSection:
    url: DatabaseUrl = ""  # empty: a SQLite file in data_dir
    # database threads (PostgreSQL: rooms are shared among them; SQLite always uses one)
    workers: Annotated[int, Field(ge=1, le=32)] = 1

    def resolved(self, data_dir: str) -> str:
        return self.url or f"sqlite:///{Path(data_dir) / 'cagnotte.db'}"


@dataclass(config=STRICT)
class ConsoleSection:
    user: Text = "alice"
    room: Text = "general"
    admins: list[Text] = field(default_factory=lambda: ["alice"])


@dataclass(config=STRICT)
class WebSection:
    """The room pages (``bot.web``): on only when the section is there."""

    listen: Listen = "127.0.0.1:8080"
    public_url: PublicUrl = ""  # empty: http://<listen>
    requests_per_minute: Annotated[int, Field(ge=1, le=100_000)] = 120
    trust_forwarded: bool = False

    @property
    def host(self) -> str:
        return self.listen.rpartition(":")[0].strip("[]")

    @property
    def port(self) -> int:
        return int(self.listen.rpartition(":")[2])

    def base_url(self, port: int | None = None) -> str:
        """The address the links point at (``port``: the one actually listened on)."""
        if self.public_url:
            return self.public_url
        host = self.host if ":" not in self.host else f"[{self.host}]"
        return f"http://{host}:{self.port if port is None else port}"


@std_dataclass
class Config:
    bot: BotSection = field(default_factory=BotSection)
    database: DatabaseSection = field(default_factory=DatabaseSection)
    console: ConsoleSection = field(default_factory=ConsoleSection)
    web: WebSection | None = None  # None: no [web] section, no page
    raw: dict[str, Any] = field(default_factory=dict)  # every section, for adapters' own settings
    path: Path | None = None

    @property
    def database_url(self) -> str:
        return self.database.resolved(self.bot.data_dir)

    def settings(self) -> Settings:
        return Settings(
            prefix=self.bot.prefix,
            default_language=self.bot.language,
            default_timezone=self.bot.timezone,
            default_currency=self.bot.currency,
            page_url=self.web.base_url() if self.web is not None else "",
        )

    def section(self, name: str) -> dict[str, Any]:
        """A section as a dict, with ``CAGNOTTE_<SECTION>_<KEY>`` environment overrides (as
        ``EnvText``: ``build_section`` reads them as the setting's type)."""
        data = dict(self.raw.get(name, {}))
        prefix = f"{ENV_PREFIX}{name.upper()}_"
        for key, value in os.environ.items():
            if key.startswith(prefix) and len(key) > len(prefix):
                data[key[len(prefix) :].lower()] = EnvText(value, key)
        return data

    def secrets(self) -> list[str]:
        """Every secret value of the configuration (file and environment)."""
        found: list[str] = []
        for name, keys in SECRET_SETTINGS.items():
            data = self.section(name)
            for key in keys:
                value = data.get(key)
                if not isinstance(value, str) or not value:
                    continue
                if name == "database":
                    found.extend(str(p) for p in (_password(value), value) if p)
                else:
                    found.append(value)
        return found

    def secrets_in_file(self) -> list[str]:
        """The secret settings written in the file itself (``[matrix] password``...)."""
        out = []
        for name, keys in SECRET_SETTINGS.items():
            section = self.raw.get(name)
            if not isinstance(section, dict):
                continue
            for key in keys:
                value = section.get(key)
                if name == "database" and isinstance(value, str):
                    value = _password(value) if value else None
                if value:
                    out.append(f"[{name}] {key}")
        return out


def _password(url: str) -> str | None:
    """The password in a database URL (``None``: none, or not a URL)."""
    try:
        return make_url(url).password
    except ArgumentError:
        return None
