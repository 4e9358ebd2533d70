"""Message catalogues and locale-aware formatting.

One catalogue per language, in Fluent: ``commands/messages/<lang>/*.ftl``; each file holds the
texts of one family. A text is called by its key, ``family.name`` (``contrib.saved``); its Fluent
id is the key with ``-`` for ``.`` (``contrib-saved``): keys are made of ``[a-z0-9_.]`` only, so
the two spellings map one to one. Plurals are Fluent selectors on a number
(``{ $n -> [one] ... *[other] ... }``); French elision is the catalogue function ``DE``
(``{ DE($who) }``: « de Bob », « d'Alice »), see ``commands/elision.py``. Numbers, money and dates
are formatted with Babel before they are given to a text.

- ``languages``: the languages, their locales and folders (``MESSAGES_DIR``);
- ``bundles``: the Fluent bundles, the catalogue functions, the catalogue as written;
- ``formats``: numbers, money, durations and dates (Babel);
- ``words``: the input vocabulary, command words and grammar words;
- here: ``t``, the one way a text is filled, and the languages added at run time.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from commands.i18n.bundles import (
    FUNCTIONS,
    _bundle,
    _Int,
    _Texts,
    catalogue,
    message_id,
    message_key,
    placeholders,
)
from commands.i18n.formats import (
    format_amount,
    format_date,
    format_day,
    format_hours,
    format_long_day,
    format_minutes,
    format_money,
    format_share,
)
from commands.i18n.languages import (
    DEFAULT_LANGUAGE,
    EXTRA,
    LANGUAGES,
    MESSAGES_DIR,
    folder_of,
    language_name,
    locale_of,
)
from commands.i18n.words import (
    _word_file,
    command_name,
    command_words,
    ordered_words,
    other_words,
    words,
    words_of,
)


def _argument(value: Any) -> str:
    """A value as ``str.format`` wrote it (a number: ``1234``, no grouping)."""
    return value if type(value) is str else format(value, "")


def t(lang: str, key: str, /, **params: Any) -> str:
    """The text ``key`` in ``lang`` (falling back to French), filled with ``params``. A whole
    number is written as it is (no grouping); a text that depends on it picks its plural form."""
    fid = message_id(key)
    texts = _bundle(lang)
    if not texts.bundle.has_message(fid):
        texts = _bundle(DEFAULT_LANGUAGE)
        if not texts.bundle.has_message(fid):
            raise KeyError(f"no message {key!r} in the catalogues")
    for name in texts.selectors.get(fid, ()):
        if type(params.get(name)) is not int:
            raise TypeError(f"{key!r}: {name} chooses a plural form, give it as a whole number")
    args: dict[str, Any] = {name: _argument(value) for name, value in params.items()}
    for name in texts.numbers.get(fid, ()):
        if type(params.get(name)) is int:
            args[name] = _Int(params[name])  # Fluent picks the plural form of a number
    return _format(texts, fid, args)


def _format(texts: _Texts, fid: str, args: dict[str, Any], *, resolver: bool = False) -> str:
    """The message ``fid`` filled with ``args`` (prepared by :func:`_argument`)."""
    pieces = None if resolver else texts.simple.get(fid)
    if pieces is not None:
        try:
            return "".join(p if type(p) is str else str(args[p[0]]) for p in pieces)
        except KeyError as missing:
            raise KeyError(f"message {fid!r}: no value for {missing}") from None
    message = texts.bundle.get_message(fid)
    if message.value is None:
        raise KeyError(f"message {fid!r} has no text")
    text, errors = texts.bundle.format_pattern(message.value, args)
    if errors:
        raise KeyError(f"message {fid!r}: {errors}")
    return str(text)


def install_language(
    code: str,
    folder: Path,
    locale: str = "fr_FR",
    functions: dict[str, Callable[..., Any]] | None = None,
) -> None:
    """Add an output language read from ``folder`` (its ``*.ftl``), with the formats of
    ``locale`` and the catalogue functions ``functions`` (default: :data:`FUNCTIONS`). Used by
    the tests for a pseudo-locale; not one of :data:`LANGUAGES`."""
    EXTRA[code] = (folder, locale, functions if functions is not None else FUNCTIONS)
    _bundle.cache_clear()
    catalogue.cache_clear()
    _word_file.cache_clear()


def uninstall_language(code: str) -> None:
    EXTRA.pop(code, None)
    _bundle.cache_clear()
    catalogue.cache_clear()
    _word_file.cache_clear()


def has(lang: str, key: str) -> bool:
    fid = message_id(key)
    return _bundle(lang).bundle.has_message(fid) or _bundle(DEFAULT_LANGUAGE).bundle.has_message(
        fid
    )


__all__ = [
    "DEFAULT_LANGUAGE",
    "FUNCTIONS",
    "LANGUAGES",
    "MESSAGES_DIR",
    "catalogue",
    "command_name",
    "command_words",
    "folder_of",
    "format_amount",
    "format_date",
    "format_day",
    "format_hours",
    "format_long_day",
    "format_minutes",
    "format_money",
    "format_share",
    "has",
    "install_language",
    "language_name",
    "locale_of",
    "message_id",
    "message_key",
    "ordered_words",
    "other_words",
    "placeholders",
    "t",
    "uninstall_language",
    "words",
    "words_of",
]
