"""The input vocabulary read from the catalogues: the words of each command
(``commands.ftl``: the one help shows, then its aliases) and the words of the grammar
(``words.ftl``: units, dates, periods, subcommands), in one language or in all of them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from fluent.syntax import FluentParser
from fluent.syntax import ast as ftl

from commands.i18n.bundles import message_id
from commands.i18n.languages import LANGUAGES, base_folder, folder_of


def _plain(pattern: ftl.Pattern) -> str:
    return "".join(e.value for e in pattern.elements if isinstance(e, ftl.TextElement))


@cache
def _word_file(folder: Path, name: str) -> dict[str, tuple[str, dict[str, str]]]:
    """The messages of a file of words (``commands.ftl``, ``words.ftl``): Fluent id -> (its
    text, its attributes' texts)."""
    path = folder / name
    if not path.exists():
        return {}
    out: dict[str, tuple[str, dict[str, str]]] = {}
    for entry in FluentParser().parse(path.read_text(encoding="utf-8")).body:
        if isinstance(entry, ftl.Message) and entry.value is not None:
            attributes = {a.id.name: _plain(a.value) for a in entry.attributes}
            out[entry.id.name] = (_plain(entry.value), attributes)
    return out


def _split(text: str) -> tuple[str, ...]:
    return tuple(w.strip() for w in text.split(",") if w.strip())


def command_words(lang: str) -> dict[str, tuple[str, ...]]:
    """The words of ``lang`` for each command (``commands.ftl``): the one help shows first, then
    the other words that call it. ``{"annuler": ("undo", "delete"), ...}`` in English."""
    return {
        fid.removeprefix("commands-"): (text.strip(), *_split(attributes.get("aliases", "")))
        for fid, (text, attributes) in _word_file(folder_of(lang), "commands.ftl").items()
    }


def words(key: str) -> tuple[str, ...]:
    """The words every language reads for ``key`` (``words.ftl``), French first:
    ``words("unit_days")`` -> ``("j", "jour", ..., "d", "day", "days")``."""
    out: list[str] = []
    for lang in LANGUAGES:
        text, _ = _word_file(base_folder(lang), "words.ftl").get(
            message_id(f"words.{key}"), ("", {})
        )
        out += [w for w in _split(text) if w not in out]
    return tuple(out)


def words_of(lang: str, key: str) -> tuple[str, ...]:
    """The words of ``lang`` alone for ``key`` (``words.ftl``), the one help shows first."""
    text, _ = _word_file(folder_of(lang), "words.ftl").get(message_id(f"words.{key}"), ("", {}))
    return _split(text)


def ordered_words(key: str) -> list[tuple[str, int]]:
    """A list in order (weekdays, months) in every language: ``(word, index)``, ``fevr/fev``
    giving two words for one place."""
    out: list[tuple[str, int]] = []
    for lang in LANGUAGES:
        text, _ = _word_file(base_folder(lang), "words.ftl").get(
            message_id(f"words.{key}"), ("", {})
        )
        for i, item in enumerate(_split(text)):
            out += [(w.strip(), i) for w in item.split("/") if w.strip()]
    return out


def command_name(lang: str, name: str) -> str:
    """The word help shows for the command ``name`` in ``lang`` (``annuler`` -> ``undo``)."""
    words = command_words(lang).get(name)
    return words[0] if words else name


def other_words(lang: str, name: str) -> tuple[str, ...]:
    """The other words that call the command ``name`` (``commands.ftl``), in every language,
    those of ``lang`` first, without the one help shows in ``lang``: ``!aide`` lists them."""
    shown = command_name(lang, name)
    out: list[str] = []
    for each in (lang, *(other for other in LANGUAGES if other != lang)):
        for word in command_words(each).get(name, ()):
            if word != shown and word not in out:
                out.append(word)
    return tuple(out)
