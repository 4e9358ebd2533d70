"""Loading the configuration: the TOML file (``-c``, ``$CAGNOTTE_CONFIG`` or ``./config.toml``),
its sections known or refused, and the sections of this package checked."""

from __future__ import annotations

import difflib
import os
import tomllib
from pathlib import Path
from typing import Any

from bot.config.sections import (
    BotSection,
    Config,
    ConsoleSection,
    DatabaseSection,
    WebSection,
)
from bot.config.validation import ConfigError, build_section

SECTIONS = ("bot", "database", "console", "recap", "backup", "matrix", "mattermost", "web")


def load_config(path: str | os.PathLike[str] | None = None) -> Config:
    """Read ``path`` (or ``$CAGNOTTE_CONFIG``, or ``./config.toml`` if present) and check the
    sections ``[bot]``, ``[database]`` and ``[console]``; raises ``ConfigError``. The other
    sections are checked by their owners (``bot.platforms.check_configuration``)."""
    config, problems = read_config(path)
    if problems:
        raise ConfigError(*problems)
    return config


def read_config(path: str | os.PathLike[str] | None = None) -> tuple[Config, list[str]]:
    """``load_config`` that returns the problems of ``[bot]``, ``[database]`` and ``[console]``
    beside a configuration (with defaults in their place), so that the caller can add those of
    the other sections. A file that cannot be read raises ``ConfigError``."""
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
        except OSError as err:
            raise ConfigError(f"{p}: {err.strerror}") from err
    problems: list[str] = []
    for name, value in list(raw.items()):
        if name not in SECTIONS:
            close = difflib.get_close_matches(name, SECTIONS, n=1)
            hint = f"did you mean [{close[0]}]? " if close else ""
            problems.append(f"[{name}]: unknown section ({hint}known: {', '.join(SECTIONS)})")
            del raw[name]
        elif not isinstance(value, dict):
            problems.append(f"{name}: a section is expected ([{name}] and its settings below)")
            del raw[name]
    config = Config(raw=raw, path=Path(candidate) if candidate else None)
    try:
        config.bot = build_section(BotSection, "bot", config.section("bot"))
    except ConfigError as err:
        problems.extend(err.problems)
    try:
        config.database = build_section(DatabaseSection, "database", config.section("database"))
    except ConfigError as err:
        problems.extend(err.problems)
    try:
        config.console = build_section(ConsoleSection, "console", config.section("console"))
    except ConfigError as err:
        problems.extend(err.problems)
    web = config.section("web")
    if web:
        try:
            config.web = build_section(WebSection, "web", web)
        except ConfigError as err:
            problems.extend(err.problems)
    return config, problems
