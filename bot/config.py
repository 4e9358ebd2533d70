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
"""

from __future__ import annotations

import difflib
import os
import tomllib
import typing
from collections.abc import Mapping
from dataclasses import dataclass as std_dataclass
from dataclasses import field, fields
from functools import cache
from pathlib import Path
from typing import Annotated, Any, TypeVar
from urllib.parse import urlsplit
from zoneinfo import available_timezones

from babel.numbers import list_currencies
from pydantic import AfterValidator, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic.dataclasses import dataclass
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from commands import i18n
from commands.core import Settings

T = TypeVar("T")

ENV_PREFIX = "CAGNOTTE_"
SECTIONS = ("bot", "database", "console", "recap", "backup", "matrix", "mattermost", "web")
# the settings that hold secrets: never shown in a message, hidden from every log
SECRET_SETTINGS: dict[str, tuple[str, ...]] = {
    "database": ("url",),
    "matrix": ("password", "access_token"),
    "mattermost": ("token",),
}
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
DATABASES = ("sqlite", "postgresql")

# strict: a value of the wrong type is refused, not converted; no unknown keys; no inf or nan
STRICT = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class ConfigError(Exception):
    """One or more bad settings; each problem is one line that names the setting."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


class EnvText(str):
    """A value from an environment variable (text), with the variable's name."""

    variable: str

    def __new__(cls, value: str, variable: str) -> EnvText:
        text = super().__new__(cls, value)
        text.variable = variable
        return text


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
                    try:
                        password = make_url(value).password
                    except ArgumentError:
                        password = None
                    found.extend(str(p) for p in (password, value) if p)
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
                    try:
                        value = make_url(value).password if value else None
                    except ArgumentError:
                        value = None
                if value:
                    out.append(f"[{name}] {key}")
        return out


# -- reading a section ---------------------------------------------------------------------------
def _base(hint: Any) -> Any:
    while typing.get_origin(hint) is Annotated:
        hint = typing.get_args(hint)[0]
    return hint


_TRUE = {"1", "true", "yes", "on", "oui"}
_FALSE = {"0", "false", "no", "off", "non", ""}


def _from_text(text: str, hint: Any) -> Any:
    """An environment variable's text read as the type ``hint``; when it cannot be, the text
    itself (the strict validation then says what is wrong)."""
    base = _base(hint)
    if typing.get_origin(base) is list:
        return [part.strip() for part in text.split(",") if part.strip()]
    if base is bool:
        word = text.strip().lower()
        return True if word in _TRUE else False if word in _FALSE else text
    if base in (int, float):
        try:
            return TypeAdapter(base).validate_python(text.strip(), strict=False)
        except ValidationError:
            return text
    return text


def _where(section: str, key: str, value: Any) -> str:
    if isinstance(value, EnvText):
        return f"[{section}] {key} ({value.variable})"
    return f"[{section}] {key}"


def _show(section: str, key: str, value: Any) -> str:
    if key in SECRET_SETTINGS.get(section, ()):
        if section == "database" and isinstance(value, str):
            try:
                return repr(make_url(value).render_as_string(hide_password=True))
            except ArgumentError:
                pass
        return "the value"
    return repr(value)


_EXPECTED = {
    "string_type": "is not text (write it in quotes)",
    "list_type": 'is not a list (for example ["a", "b"])',
    "int_type": "is not a whole number",
    "int_parsing": "is not a whole number",
    "int_from_float": "is not a whole number",
    "float_type": "is not a number",
    "float_parsing": "is not a number",
    "bool_type": "is not true or false",
    "bool_parsing": "is not true or false",
    "finite_number": "is not a finite number",
}


def _describe(section: str, error: Any, data: Mapping[str, Any]) -> str:
    loc = [str(part) for part in error.get("loc", ())]
    key = loc[0] if loc else "?"
    raw = data.get(key, error.get("input"))
    where = _where(section, key, raw)
    if len(loc) > 1:
        where += "".join(f"[{part}]" for part in loc[1:])
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("missing", "missing_argument"):
        variable = f"{ENV_PREFIX}{section.upper()}_{key.upper()}"
        return f"{where}: missing (in the file, or in {variable})"
    if kind == "value_error" and "error" in ctx:
        expected = str(ctx["error"])
    elif kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bound = next(iter(ctx.values()), "")
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        expected = {
            "greater_than": f"is too small (more than {bound} is expected)",
            "greater_than_equal": f"is too small (at least {bound} is expected)",
            "less_than": f"is too large (less than {bound} is expected)",
            "less_than_equal": f"is too large (at most {bound} is expected)",
        }[kind]
    else:
        expected = _EXPECTED.get(kind, str(error.get("msg", "is not valid")).lower())
    shown = _show(section, key, error.get("input"))
    note = " (not shown: it is a secret)" if shown == "the value" else ""
    return f"{where}: {shown} {expected}{note}"


def build_section(cls: type[T], section: str, data: Mapping[str, Any]) -> T:
    """``cls(**data)``, validated; environment text first read as each setting's type. Raises
    ``ConfigError`` with every problem of the section."""
    hints = typing.get_type_hints(cls, include_extras=True)
    known = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    problems: list[str] = []
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            problems.append(
                f"{_where(section, key, value)}: unknown setting ({hint}known: {', '.join(known)})"
            )
            continue
        values[key] = _from_text(value, hints[key]) if isinstance(value, EnvText) else value
    if not problems:
        try:
            return cls(**values)
        except ValidationError as err:
            problems.extend(_describe(section, e, data) for e in err.errors())
    raise ConfigError(*problems)


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
