"""The Fluent catalogues: each language's messages in a bundle, with the parameters that pick a
plural form, the messages written without the resolver, the catalogue functions (``DE``/``LE``:
French elision, ``commands/elision.py``), and the catalogue as written (Fluent source), by key."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from babel import Locale
from fluent.runtime import FluentBundle, FluentResource
from fluent.runtime.resolver import CurrentEnvironment, Pattern, ResolverEnvironment
from fluent.runtime.types import FluentInt, FluentNone
from fluent.syntax import FluentParser, FluentSerializer
from fluent.syntax import ast as ftl
from fluent.syntax.visitor import Visitor

from commands.elision import de_elided, le_elided
from commands.i18n.languages import EXTRA, folder_of, locale_of


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
        functions=EXTRA[lang][2] if lang in EXTRA else FUNCTIONS,
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
