"""Message catalogues and locale-aware formatting.

One catalogue per language, in Fluent: ``commands/messages/<lang>/*.ftl``; each file holds the
texts of one family. A text is called by its key, ``family.name`` (``contrib.saved``); its Fluent
id is the key with ``-`` for ``.`` (``contrib-saved``): keys are made of ``[a-z0-9_.]`` only, so
the two spellings map one to one. Plurals are Fluent selectors on a number
(``{ $n -> [one] ... *[other] ... }``); French elision is the catalogue function ``DE``
(``{ DE($who) }``: « de Bob », « d'Alice »), see ``commands/elision.py``. Numbers, money and dates
are formatted with Babel before they are given to a text.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale
from babel.dates import format_date as _babel_format_date
from babel.numbers import format_currency, format_decimal
from fluent.runtime import FluentBundle, FluentResource
from fluent.runtime.resolver import CurrentEnvironment, Pattern, ResolverEnvironment
from fluent.runtime.types import FluentInt, FluentNone
from fluent.syntax import FluentParser, FluentSerializer
from fluent.syntax import ast as ftl
from fluent.syntax.visitor import Visitor

from commands.elision import de_elided, le_elided

MESSAGES_DIR = Path(__file__).parent / "messages"
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
_EXTRA: dict[str, tuple[Path, str, dict[str, Callable[..., Any]]]] = {}


def message_id(key: str) -> str:
    """The Fluent id of the catalogue key ``key``: ``contrib.saved`` -> ``contrib-saved``."""
    return key.replace(".", "-")


def message_key(fluent_id: str) -> str:
    """The catalogue key of a Fluent id (the inverse of :func:`message_id`)."""
    return fluent_id.replace("-", ".")


class _Int(FluentInt):
    """A whole number given to a text: written as ``str.format`` writes it (``1234``, no
    grouping, ASCII minus), while selectors still see a number for its plural form."""

    def __str__(self) -> str:
        return str(int(self))

    def format(self, locale: Locale) -> str:
        if self.options.minimumIntegerDigits:
            return f"{int(self):0{self.options.minimumIntegerDigits}d}"
        return str(int(self))


class _Bundle(FluentBundle):
    """A bundle that takes the arguments as :func:`t` prepared them (fluent.runtime would turn
    every ``int`` back into its own number type, written with the locale's grouping)."""

    def format_pattern(
        self, pattern: Pattern, args: dict[str, Any] | None = None
    ) -> tuple[str | FluentNone, list[Exception]]:
        errors: list[Exception] = []
        env = ResolverEnvironment(
            context=self, current=CurrentEnvironment(args=dict(args or {})), errors=errors
        )
        try:
            result = pattern(env)
        except ValueError as e:
            errors.append(e)
            result = "{???}"
        return result, errors


def _de(value: Any) -> str:
    return de_elided(str(value))


def _le(value: Any) -> str:
    return le_elided(str(value))


FUNCTIONS: dict[str, Callable[..., Any]] = {"DE": _de, "LE": _le}


def folder_of(lang: str) -> Path:
    return _EXTRA[lang][0] if lang in _EXTRA else MESSAGES_DIR / lang


class _Selectors(Visitor):
    """The parameters a message chooses a form by (``{ $n -> ...}``), and those it gives to
    ``NUMBER()``: both are given to Fluent as numbers."""

    def __init__(self) -> None:
        self.names: set[str] = set()
        self.numbers: set[str] = set()

    def visit_SelectExpression(self, node: ftl.SelectExpression) -> None:
        if isinstance(node.selector, ftl.VariableReference):
            self.names.add(node.selector.id.name)
        self.generic_visit(node)

    def visit_FunctionReference(self, node: ftl.FunctionReference) -> None:
        if node.id.name == "NUMBER":
            for arg in node.arguments.positional:
                if isinstance(arg, ftl.VariableReference):
                    self.numbers.add(arg.id.name)
        self.generic_visit(node)


# a message made of text and parameters only (most are): its pieces, a parameter as (name,)
_Pieces = tuple[str | tuple[str], ...]


def _pieces(pattern: ftl.Pattern) -> _Pieces | None:
    out: list[str | tuple[str]] = []
    for element in pattern.elements:
        if isinstance(element, ftl.TextElement):
            out.append(element.value)
        elif isinstance(element.expression, ftl.VariableReference):
            out.append((element.expression.id.name,))
        elif isinstance(element.expression, ftl.StringLiteral):
            out.append(str(element.expression.parse()["value"]))
        else:
            return None  # a selector or a function: Fluent's resolver writes it
    return tuple(out)


@dataclass(frozen=True)
class _Texts:
    """A language's messages; for each message that has plural forms, the parameters they
    depend on (they must be given as numbers); the messages made of text and parameters only,
    written directly (ten times faster than the resolver, the same text: a test checks)."""

    bundle: FluentBundle
    selectors: dict[str, frozenset[str]]
    numbers: dict[str, frozenset[str]]  # the selectors and what NUMBER() formats
    simple: dict[str, _Pieces]


@cache
def _bundle(lang: str) -> _Texts:
    bundle = _Bundle(
        [locale_of(lang).replace("_", "-")],
        functions=_EXTRA[lang][2] if lang in _EXTRA else FUNCTIONS,
        use_isolating=False,
    )
    texts = _Texts(bundle, {}, {}, {})
    for path in sorted(folder_of(lang).glob("*.ftl")):
        resource = FluentResource(path.read_text(encoding="utf-8"))
        bundle.add_resource(resource)
        for entry in resource.body:
            if isinstance(entry, ftl.Message) and entry.value is not None:
                finder = _Selectors()
                finder.visit(entry)
                if finder.names:
                    texts.selectors[entry.id.name] = frozenset(finder.names)
                if finder.names or finder.numbers:
                    texts.numbers[entry.id.name] = frozenset(finder.names | finder.numbers)
                pieces = _pieces(entry.value)
                if pieces is not None:
                    texts.simple[entry.id.name] = pieces
    return texts


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every text of ``lang`` by key, as written in the catalogue (Fluent source)."""
    out: dict[str, str] = {}
    serializer = FluentSerializer()
    for path in sorted(folder_of(lang).glob("*.ftl")):
        resource = FluentParser().parse(path.read_text(encoding="utf-8"))
        for entry in resource.body:
            if isinstance(entry, ftl.Junk):
                raise ValueError(f"{path}: not Fluent: {(entry.content or '')[:200]!r}")
            if isinstance(entry, ftl.Message) and entry.value is not None:
                source = serializer.serialize_entry(entry)
                out[message_key(entry.id.name)] = source.split("=", 1)[1].strip()
    return out


_VARIABLE = re.compile(r"\$([a-zA-Z][a-zA-Z0-9_-]*)")


def placeholders(template: str) -> set[str]:
    """The parameters a text (Fluent source) uses: ``{ $who }`` -> ``who``."""
    return set(_VARIABLE.findall(template))


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
    _EXTRA[code] = (folder, locale, functions if functions is not None else FUNCTIONS)
    _bundle.cache_clear()
    catalogue.cache_clear()
    _word_file.cache_clear()


def uninstall_language(code: str) -> None:
    _EXTRA.pop(code, None)
    _bundle.cache_clear()
    catalogue.cache_clear()
    _word_file.cache_clear()


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
        text, _ = _word_file(MESSAGES_DIR / lang, "words.ftl").get(
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
        text, _ = _word_file(MESSAGES_DIR / lang, "words.ftl").get(
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


def language_name(code: str, lang: str) -> str:
    """The name of the language ``code`` in ``lang``: ``français``, ``anglais`` / ``French``."""
    return str(Locale.parse(code).get_display_name(locale_of(lang)))


def has(lang: str, key: str) -> bool:
    fid = message_id(key)
    return _bundle(lang).bundle.has_message(fid) or _bundle(DEFAULT_LANGUAGE).bundle.has_message(
        fid
    )


def locale_of(lang: str) -> str:
    if lang in _EXTRA:
        return _EXTRA[lang][1]
    return _LOCALES.get(lang, _LOCALES[DEFAULT_LANGUAGE])


def format_minutes(minutes: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """``210`` -> ``3h30`` (fr) / ``3h30`` (en); ``45`` -> ``45 min``; ``180`` -> ``3h``."""
    sign = "-" if minutes < 0 else ""
    minutes = abs(minutes)
    hours, rest = divmod(minutes, 60)
    if hours == 0:
        return f"{sign}{rest} min"
    if rest == 0:
        return f"{sign}{hours}h"
    return f"{sign}{hours}h{rest:02d}"


# Babel's formatting is the dearest part of an answer; its results never change for the same
# arguments (all of them immutable): remembered
@lru_cache(maxsize=16384)
def format_hours(minutes: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """Decimal hours with the locale's separator: ``90`` -> ``1,5`` (fr) / ``1.5`` (en)."""
    value = (Decimal(minutes) / 60).quantize(Decimal("0.01"))
    return format_decimal(value, format="#,##0.##", locale=locale_of(lang))


@lru_cache(maxsize=16384)
def format_money(cents: int, currency: str = "EUR", lang: str = DEFAULT_LANGUAGE) -> str:
    """``1250`` -> ``12,50 €`` (fr) / ``€12.50`` (en); whole amounts keep their cents."""
    return format_currency(Decimal(cents) / 100, currency, locale=locale_of(lang))


def format_share(bp: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """A share in basis points, always with two decimals: ``6667`` -> ``66,67`` (fr)."""
    return format_decimal(Decimal(bp) / 100, format="#,##0.00", locale=locale_of(lang))


def format_amount(value: Decimal, currency: str = "EUR", lang: str = DEFAULT_LANGUAGE) -> str:
    """An amount in units, never rounded: ``1.5`` -> ``1,50 €``, ``12.505`` -> ``12,505 €``."""
    return format_currency(value, currency, locale=locale_of(lang), decimal_quantization=False)


@lru_cache(maxsize=16384)
def format_date(day: dt.date, lang: str = DEFAULT_LANGUAGE, fmt: str = "medium") -> str:
    """A date for people: ``fmt`` is a Babel format (``short``, ``medium``, ``long`` or a pattern)."""
    return _babel_format_date(day, format=fmt, locale=locale_of(lang))


def format_day(day: dt.date, lang: str = DEFAULT_LANGUAGE) -> str:
    """``jeu. 12 nov. 2026`` / ``Thu 12 Nov 2026``."""
    return format_date(day, lang, "EEE d MMM y")


def format_long_day(day: dt.date, lang: str = DEFAULT_LANGUAGE) -> str:
    """``jeudi 12 novembre 2026`` / ``Thursday 12 November 2026``: a date that starts a
    sentence is written out in full."""
    return format_date(day, lang, "EEEE d MMMM y")
