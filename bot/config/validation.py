"""Reading one section: environment text read as each setting's type, the section validated, and
every problem told as one line that names the setting, the value (never a secret's) and what is
expected (``ConfigError``)."""

from __future__ import annotations

import difflib
import typing
from collections.abc import Mapping
from dataclasses import fields
from typing import Annotated, Any, TypeVar

from pydantic import TypeAdapter, ValidationError
from sqlalchemy import make_url
from sqlalchemy.exc import ArgumentError

from bot.config.sections import ENV_PREFIX, SECRET_SETTINGS, EnvText

T = TypeVar("T")


class ConfigError(Exception):
    """One or more bad settings; each problem is one line that names the setting."""

    def __init__(self, *problems: str) -> None:
        super().__init__("\n".join(problems))
        self.problems = list(problems)


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
