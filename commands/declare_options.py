"""Keyword options of declared commands (``commands.declare``): words that may come in any order,
each at most once, such as the terms of a new budget envelope
(``2000€ novembre proportionnel plafond 600€ taux 20€/h commun 10%``).

An option is one of three kinds:

- a keyword followed by a typed value (``plafond 600€``): ``Opt("cap", words="budget.cap",
  converter=Money())``, its words the catalogue's ``words-budget-cap`` (``words.ftl``, every
  language);
- a flag-word, a word alone that sets a value (``proportionnel``): ``Opt("mode",
  words="budget.mode.proportional", value="proportionnel")``; the flags of one name exclude
  each other (``[libre|proportionnel]``);
- a value alone, without a keyword (the envelope's amount): ``Opt("amount",
  converter=Money())``; one marked ``first`` is read before the others, at the first place it
  reads at (a period among the terms, whatever stands around it).

``Options(...)`` is a converter (``commands.args``) that reads every word left into a dict
(``name`` -> value, ``None`` for an option not given). It refuses, in the room's language and
saying what to type: a keyword given twice, a keyword without its value, a value that does not
read (an option's own ``refusal`` key instead, given ``value``, ``token``, ``prefix`` and the
``params`` of ``read``), a word it does not know (``unknown``, given the same). With
``deferred``, the framework hands the words over as they are and the handler reads them with
``read`` when it is ready (after its own checks); the usage line shows the options either way.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from commands import i18n
from commands.args import Converter, Taken
from commands.core import Context, UserError
from commands.grammar import fold


@dataclass(frozen=True)
class Opt:
    """One option: ``name`` is its key in what is read. ``words``: the ``words.ftl`` key of its
    keyword (``None``: a value alone); ``converter``: what reads its value (``None``: a
    flag-word, which gives ``value``); ``shown``: the catalogue key suffix of its placeholder
    (``declare-arg-<shown>``, the converter's by default); ``refusal``: the catalogue key
    answered when its value is missing or does not read; ``first``: a value alone read before
    the other words, at the first place it reads at; ``required``: a value alone that must be
    there (shown ``<…>``; its absence is the handler's to refuse)."""

    name: str
    words: str | None = None
    converter: Converter | None = None
    value: Any = True
    shown: str | None = None
    refusal: str | None = None
    first: bool = False
    required: bool = False

    def __post_init__(self) -> None:
        if self.words is None and self.converter is None:
            raise ValueError(f"option {self.name!r}: a keyword, a value, or both")

    @property
    def flag(self) -> bool:
        return self.converter is None

    def said_by(self, word: str) -> bool:
        return self.words is not None and fold(word) in _folded(self.words)


def _folded(key: str) -> frozenset[str]:
    return frozenset(fold(w) for w in i18n.words(key))


@dataclass(frozen=True)
class Options:
    """Options in any order, each at most once (see the module's docstring). ``command``: the
    declared command whose help the refusals point to; ``unknown``: the catalogue key answered
    for a word no option reads."""

    options: tuple[Opt, ...]
    command: str = ""
    unknown: str | None = None
    deferred: bool = False
    placeholder: str = "options"

    def take(self, ctx: Context, tokens: list[str], start: int) -> Taken:
        if start >= len(tokens):
            return None
        if self.deferred:
            return list(tokens[start:]), len(tokens) - start
        return self.read(ctx, tokens[start:]), len(tokens) - start

    # -- reading ----------------------------------------------------------------------------
    def read(self, ctx: Context, tokens: list[str], **params: Any) -> dict[str, Any]:
        """Every word of ``tokens`` read as one of the options, or a refusal; ``params`` go to
        the options' own refusals."""
        values: dict[str, Any] = {o.name: None for o in self.options}
        given: dict[str, str] = {}  # the options read: the word that said each
        left = self._read_first(ctx, list(tokens), values, given)
        i = 0
        while i < len(left):
            i = self._read_at(ctx, left, i, values, given, params)
        return values

    def _read_first(
        self, ctx: Context, tokens: list[str], values: dict[str, Any], given: dict[str, str]
    ) -> list[str]:
        for opt in self.options:
            if not opt.first or opt.converter is None:
                continue
            for j in range(len(tokens)):
                found = opt.converter.take(ctx, tokens, j)
                if found is not None and found[1] > 0:
                    values[opt.name], given[opt.name] = found[0], tokens[j]
                    del tokens[j : j + found[1]]
                    break
        return tokens

    def _read_at(
        self,
        ctx: Context,
        tokens: list[str],
        i: int,
        values: dict[str, Any],
        given: dict[str, str],
        params: dict[str, Any],
    ) -> int:
        """Read the option at ``tokens[i]``; the index of the next word."""
        word = tokens[i]
        said = next((o for o in self.options if o.said_by(word)), None)
        if said is not None:
            if said.name in given:
                raise self._refused(ctx, "declare.option.twice", said, word, params)
            given[said.name] = word
            if said.converter is None:
                values[said.name] = said.value
                return i + 1
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            found = None if after is None else said.converter.take(ctx, tokens, i + 1)
            if found is None or found[1] == 0:
                missing = after is None or self._is_keyword(after)
                key = "declare.option.missing" if missing else "declare.option.wrong"
                raise self._refused(ctx, key, said, word, params, value=after or "")
            values[said.name] = found[0]
            return i + 1 + found[1]
        for opt in self.options:
            if opt.words is None and opt.converter is not None and opt.name not in given:
                found = opt.converter.take(ctx, tokens, i)
                if found is not None and found[1] > 0:
                    values[opt.name], given[opt.name] = found[0], word
                    return i + found[1]
        raise self._refused(ctx, "declare.option.unknown", None, word, params, value=word)

    def _is_keyword(self, word: str) -> bool:
        return any(o.said_by(word) for o in self.options if o.words is not None)

    def _refused(
        self,
        ctx: Context,
        key: str,
        opt: Opt | None,
        word: str,
        params: dict[str, Any],
        value: str = "",
    ) -> UserError:
        p = ctx.settings.prefix
        own = self.unknown if opt is None else opt.refusal
        if own is not None and key != "declare.option.twice":
            return UserError(own, value=value, token=value, prefix=p, **params)
        lang = ctx.lang
        shown = self.shown(lang) if opt is None else self.shown_option(opt, lang, bare=True)
        what = i18n.t(lang, f"declare.what.{_key(opt)}") if opt is not None else ""
        return UserError(
            key,
            word=word,
            value=value,
            what=what,
            usage=shown,
            help=i18n.command_name(lang, "aide"),
            command=i18n.command_name(lang, self.command) if self.command else "",
            prefix=p,
        )

    # -- usage ------------------------------------------------------------------------------
    def shown(self, lang: str) -> str:
        """The options as a usage line shows them: ``<montant> [libre|proportionnel]
        [plafond <montant>]``; the flags of one name together."""
        parts: list[str] = []
        done: set[str] = set()
        for opt in self.options:
            if opt.name in done:
                continue
            done.add(opt.name)
            if opt.flag:
                flags = [o for o in self.options if o.name == opt.name]
                words = "|".join(_word(o, lang) for o in flags)
                parts.append(i18n.t(lang, "declare.form.optional", name=words))
            else:
                parts.append(self.shown_option(opt, lang))
        return " ".join(parts)

    def shown_option(self, opt: Opt, lang: str, *, bare: bool = False) -> str:
        """``[plafond <montant>]`` (``bare``: ``plafond <montant>``), ``<montant>``."""
        value = i18n.t(lang, "declare.form.required", name=i18n.t(lang, f"declare.arg.{_key(opt)}"))
        if opt.flag:
            return _word(opt, lang)
        if opt.words is None:
            if opt.required or bare:
                return value
            return i18n.t(
                lang, "declare.form.optional", name=i18n.t(lang, f"declare.arg.{_key(opt)}")
            )
        said = f"{_word(opt, lang)} {value}"
        return said if bare else i18n.t(lang, "declare.form.optional", name=said)


def _key(opt: Opt) -> str:
    if opt.shown is not None:
        return opt.shown
    return opt.converter.placeholder.split(":")[0] if opt.converter is not None else "word"


def _word(opt: Opt, lang: str) -> str:
    assert opt.words is not None
    words = i18n.words_of(lang, opt.words) or i18n.words(opt.words)
    return words[0]
