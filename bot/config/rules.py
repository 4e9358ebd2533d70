"""The rules of the settings that types cannot say (time zones, languages, currencies, URLs,
addresses...), each as a check that raises ``ValueError`` saying what is expected (the caller
shows the value), and the annotated types that apply them in a section."""

from __future__ import annotations

from functools import cache
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from babel.numbers import list_currencies
from pydantic import AfterValidator, ConfigDict
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from commands import i18n

LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DATABASES = ("sqlite", "postgresql")

# strict: a value of the wrong type is refused, not converted; no unknown keys; no inf or nan
STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


# -- the rules (each raises ValueError saying what is expected; the value is shown by the caller)
@cache
def _zones() -> dict[str, str]:
    return {z.lower(): z for z in available_timezones()}


def check_time_zone(value: str) -> str:
    zone = _zones().get(value.strip().lower())
    if zone is None:
        raise ValueError("is not a time zone (for example Europe/Paris)")
    return zone


def check_language(value: str) -> str:
    if value.strip().lower() not in i18n.LANGUAGES:
        raise ValueError(f"is not a language of the bot ({' or '.join(i18n.LANGUAGES)})")
    return value.strip().lower()


def check_currency(value: str) -> str:
    code = value.strip().upper()
    if len(code) != 3 or code not in list_currencies():
        raise ValueError("is not an ISO 4217 currency code (for example EUR, CHF, USD)")
    return code


def check_log_level(value: str) -> str:
    level = value.strip().upper()
    if level not in LOG_LEVELS:
        raise ValueError(f"is not a log level ({', '.join(LOG_LEVELS)})")
    return level


def check_prefix(value: str) -> str:
    if not value or len(value) > 5 or any(c.isspace() for c in value):
        raise ValueError('is not a command prefix (1 to 5 characters, no space, for example "!")')
    return value


def check_http_url(value: str) -> str:
    """An http(s) URL with a host; returned without its trailing slash."""
    problem = "is not a web address (http:// or https://, then a host, for example https://chat.example.org)"
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 (a bad port raises here)
    except ValueError:
        raise ValueError(problem) from None
    if parts.scheme not in ("http", "https") or not parts.hostname or " " in value.strip():
        raise ValueError(problem)
    return value.strip().rstrip("/")


def check_database_url(value: str) -> str:
    """Empty (the SQLite file in the data directory), or a SQLite or PostgreSQL URL."""
    if not value:
        return value
    problem = (
        "is not a database URL (for example sqlite:///data/cagnotte.db or "
        "postgresql://user:password@127.0.0.1:5432/cagnotte)"
    )
    try:
        backend = make_url(value).get_backend_name()
    except ArgumentError:
        raise ValueError(problem) from None
    if backend not in DATABASES:
        raise ValueError(problem)
    return value


def check_matrix_user_id(value: str) -> str:
    local, sep, server = value.strip().partition(":")
    if not local.startswith("@") or len(local) < 2 or not sep or not server:
        raise ValueError("is not a Matrix user id (for example @cagnotte:example.org)")
    return value.strip()


def check_text(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty")
    return value


def check_listen(value: str) -> str:
    """``host:port`` (``[::1]:8080`` for IPv6), the port from 0 (any free one) to 65535."""
    problem = "is not an address to listen on (host:port, for example 127.0.0.1:8080)"
    host, sep, port = value.strip().rpartition(":")
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535 or " " in host:
        raise ValueError(problem)
    return value.strip()


def check_public_url(value: str) -> str:
    """Empty (``http://`` and the address listened on), or an http(s) URL."""
    return check_http_url(value) if value.strip() else ""


TimeZone = Annotated[str, AfterValidator(check_time_zone)]
Language = Annotated[str, AfterValidator(check_language)]
Currency = Annotated[str, AfterValidator(check_currency)]
LogLevel = Annotated[str, AfterValidator(check_log_level)]
Prefix = Annotated[str, AfterValidator(check_prefix)]
HttpUrl = Annotated[str, AfterValidator(check_http_url)]
DatabaseUrl = Annotated[str, AfterValidator(check_database_url)]
MatrixUserId = Annotated[str, AfterValidator(check_matrix_user_id)]
Text = Annotated[str, AfterValidator(check_text)]
Listen = Annotated[str, AfterValidator(check_listen)]
PublicUrl = Annotated[str, AfterValidator(check_public_url)]
