"""The languages: every folder of ``commands/messages`` with a ``language.ftl`` is one (adding a
language is adding files), the Babel locale each names, the languages added at run time (a
pseudo-locale in the tests), and where each one's catalogue is read from."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from babel import Locale

import commands.i18n as _package  # read for MESSAGES_DIR at each call: see base_folder

MESSAGES_DIR = Path(__file__).parent.parent / "messages"
DEFAULT_LANGUAGE = "fr"


def _languages() -> tuple[str, ...]:
    found = sorted(p.name for p in MESSAGES_DIR.iterdir() if (p / "language.ftl").is_file())
    return (DEFAULT_LANGUAGE, *(code for code in found if code != DEFAULT_LANGUAGE))


def _locale_in(folder: Path) -> str:
    """The Babel locale a catalogue names (``language.ftl``: ``language-locale = fr_FR``)."""
    text = (folder / "language.ftl").read_text(encoding="utf-8")
    found = re.search(r"^language-locale\s*=\s*(\S+)\s*$", text, re.MULTILINE)
    if found is None:
        raise ValueError(f"{folder}/language.ftl names no locale")
    return found.group(1)


# every folder of commands/messages with a language.ftl is a language: adding one is adding files
LANGUAGES = _languages()
_LOCALES = {code: _locale_in(MESSAGES_DIR / code) for code in LANGUAGES}
# languages added at run time (a pseudo-locale in the tests): code -> (folder, locale, functions)
EXTRA: dict[str, tuple[Path, str, dict[str, Callable[..., Any]]]] = {}


def base_folder(lang: str) -> Path:
    """The folder of ``lang`` in ``commands.i18n.MESSAGES_DIR``, read at each call so that it
    can be pointed at another copy of the catalogues."""
    return _package.MESSAGES_DIR / lang


def folder_of(lang: str) -> Path:
    return EXTRA[lang][0] if lang in EXTRA else base_folder(lang)


def locale_of(lang: str) -> str:
    if lang in EXTRA:
        return EXTRA[lang][1]
    return _LOCALES.get(lang, _LOCALES[DEFAULT_LANGUAGE])


def language_name(code: str, lang: str) -> str:
    """The name of the language ``code`` in ``lang``: ``français``, ``anglais`` / ``French``."""
    return str(Locale.parse(code).get_display_name(locale_of(lang)))
