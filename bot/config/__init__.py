"""Configuration: a TOML file (see ``config.example.toml``) plus environment variables.

Every setting has a default, so the bot runs with no file at all. Secrets can come from the
environment: ``CAGNOTTE_DATABASE_URL``, ``CAGNOTTE_MATRIX_PASSWORD``,
``CAGNOTTE_MATRIX_ACCESS_TOKEN``, ``CAGNOTTE_MATTERMOST_TOKEN`` and, in general,
``CAGNOTTE_<SECTION>_<KEY>`` for any key of any section.

Everything is checked at start, with pydantic: each section is a pydantic dataclass in strict
mode (a number where text is expected is an error, not a conversion), with the rules that types
cannot say (time zones, URLs, ranges) as validators. Environment variables are text: they are
first read as the setting's type (``75``, ``true``, ``a, b`` for a list). A bad value is a
``ConfigError`` that names the setting, the value (never a secret's) and what is expected.

The package: the rules of the values (``rules``), the sections and ``Config`` (``sections``),
reading a section and telling its problems (``validation``), loading the file (``loading``).
Every name is read from ``bot.config``.
"""

from __future__ import annotations

from bot.config.loading import (
    SECTIONS,
    load_config,
    read_config,
)
from bot.config.rules import (
    DATABASES,
    LOG_LEVELS,
    STRICT,
    Currency,
    DatabaseUrl,
    HttpUrl,
    Language,
    Listen,
    LogLevel,
    MatrixUserId,
    Prefix,
    PublicUrl,
    Text,
    TimeZone,
    check_currency,
    check_database_url,
    check_http_url,
    check_language,
    check_listen,
    check_log_level,
    check_matrix_user_id,
    check_prefix,
    check_public_url,
    check_text,
    check_time_zone,
)
from bot.config.sections import (
    ENV_PREFIX,
    SECRET_SETTINGS,
    BotSection,
    Config,
    ConsoleSection,
    DatabaseSection,
    EnvText,
    WebSection,
)
from bot.config.validation import (
    ConfigError,
    build_section,
)

__all__ = [
    "DATABASES",
    "ENV_PREFIX",
    "LOG_LEVELS",
    "SECRET_SETTINGS",
    "SECTIONS",
    "STRICT",
    "BotSection",
    "Config",
    "ConfigError",
    "ConsoleSection",
    "Currency",
    "DatabaseSection",
    "DatabaseUrl",
    "EnvText",
    "HttpUrl",
    "Language",
    "Listen",
    "LogLevel",
    "MatrixUserId",
    "Prefix",
    "PublicUrl",
    "Text",
    "TimeZone",
    "WebSection",
    "build_section",
    "check_currency",
    "check_database_url",
    "check_http_url",
    "check_language",
    "check_listen",
    "check_log_level",
    "check_matrix_user_id",
    "check_prefix",
    "check_public_url",
    "check_text",
    "check_time_zone",
    "load_config",
    "read_config",
]
