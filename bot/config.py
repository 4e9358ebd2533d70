"""Configuration: a TOML file (see ``config.example.toml``) plus environment variables.

Every setting has a default, so the bot runs with no file at all. Secrets can come from the
environment: ``CAGNOTTE_DATABASE_URL``, ``CAGNOTTE_MATRIX_PASSWORD``,
``CAGNOTTE_MATRIX_ACCESS_TOKEN``, ``CAGNOTTE_MATTERMOST_TOKEN`` and, in general,
``CAGNOTTE_<SECTION>_<KEY>`` for any key of any section.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from commands.core import Settings


class ConfigError(Exception):
    pass


@dataclass
class BotSection:
    prefix: str = "!"
    language: str = "fr"
    timezone: str = "Europe/Paris"
    currency: str = "EUR"
    log_level: str = "INFO"
    data_dir: str = "data"


@dataclass
class DatabaseSection:
    url: str = ""  # empty: a SQLite file in data_dir

    def resolved(self, data_dir: str) -> str:
        return self.url or f"sqlite:///{Path(data_dir) / 'cagnotte.db'}"


@dataclass
class ConsoleSection:
    user: str = "alice"
    room: str = "general"
    admins: list[str] = field(default_factory=lambda: ["alice"])


@dataclass
class Config:
    bot: BotSection = field(default_factory=BotSection)
    database: DatabaseSection = field(default_factory=DatabaseSection)
    console: ConsoleSection = field(default_factory=ConsoleSection)
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
        )

    def section(self, name: str) -> dict[str, Any]:
        """A section as a dict, with ``CAGNOTTE_<SECTION>_<KEY>`` environment overrides."""
        data = dict(self.raw.get(name, {}))
        prefix = f"CAGNOTTE_{name.upper()}_"
        for key, value in os.environ.items():
            if key.startswith(prefix):
                data[key[len(prefix) :].lower()] = _coerce(
                    value, data.get(key[len(prefix) :].lower())
                )
        return data


def _coerce(value: str, like: Any) -> Any:
    if isinstance(like, bool):
        return value.strip().lower() in ("1", "true", "yes", "on", "oui")
    if isinstance(like, int):
        return int(value)
    if isinstance(like, list):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


def _fill(obj: Any, data: dict[str, Any], section: str) -> None:
    known = {f.name: f for f in fields(obj)}
    for key, value in data.items():
        if key not in known:
            raise ConfigError(f"[{section}] {key}: unknown setting")
        setattr(obj, key, value)


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read ``path`` (or ``$CAGNOTTE_CONFIG``, or ``./config.toml`` if present)."""
    candidate = path or os.environ.get("CAGNOTTE_CONFIG")
    if candidate is None and Path("config.toml").exists():
        candidate = "config.toml"
    raw: dict[str, Any] = {}
    if candidate is not None:
        p = Path(candidate)
        if not p.exists():
            raise ConfigError(f"{p}: no such configuration file")
        try:
            with p.open("rb") as fh:
                raw = tomllib.load(fh)
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(f"{p}: {err}") from err
    cfg = Config(raw=raw, path=Path(candidate) if candidate else None)
    _fill(cfg.bot, cfg.section("bot"), "bot")
    _fill(cfg.database, cfg.section("database"), "database")
    _fill(cfg.console, cfg.section("console"), "console")
    return cfg
