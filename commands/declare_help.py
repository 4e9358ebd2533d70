"""The usage lines and help of declared commands (``commands.declare``), in the words of a
language: ``!reglages journee <durée>``, ``[plafond <montant>]``, the examples of the catalogue."""

from __future__ import annotations

from typing import TYPE_CHECKING

from commands import i18n
from commands.declare_options import Options

if TYPE_CHECKING:
    from commands.declare import Arg, Declared, Sub


def _shown_key(arg: Arg) -> str:
    return arg.shown or arg.converter.placeholder.split(":")[0]


def shown_arg(arg: Arg, lang: str) -> str:
    """An argument as a usage line shows it: ``<durée>``, ``[période]``, ``csv``."""
    if isinstance(arg.converter, Options):
        return arg.converter.shown(lang)
    placeholder = arg.converter.placeholder
    if placeholder.startswith("word:") and arg.shown is None:
        words = i18n.words_of(lang, placeholder.removeprefix("word:")) or i18n.words(
            placeholder.removeprefix("word:")
        )
        name = words[0]
        if not arg.optional and not arg.repeated:
            return name  # a word to type as it is: no brackets (``!bucket <numéro> terminé``)
    else:
        name = i18n.t(lang, f"declare.arg.{_shown_key(arg)}")
    form = "optional" if arg.optional else "required"
    if arg.repeated:
        form += "_repeated"
    return i18n.t(lang, f"declare.form.{form}", name=name)


def sub_word(command: str, key: str, lang: str) -> str:
    """The word of ``lang`` that help shows for a subcommand word."""
    words = i18n.words_of(lang, f"sub.{command}.{key}") or i18n.words(f"sub.{command}.{key}")
    return words[0] if words else key


def usage_line(decl: Declared, sub: Sub, lang: str, prefix: str) -> str:
    """``!reglages journee <durée>`` in the words of ``lang``."""
    parts = [prefix + i18n.command_name(lang, decl.name)]
    parts += [sub_word(decl.name, key, lang) for key in sub.path]
    parts += [shown_arg(arg, lang) for arg in sub.args]
    return " ".join(parts)


def examples(decl: Declared, sub: Sub, lang: str, prefix: str) -> list[str]:
    """The examples of a subcommand, in ``lang`` (a subcommand without arguments: its usage
    line, which is its own example)."""
    key = f"{decl.family}.ex.{decl.name}.{sub.name}"
    if not i18n.has(lang, key):
        return [usage_line(decl, sub, lang, prefix)] if not sub.args else []
    text = i18n.t(lang, key, prefix=prefix)
    return [line.strip() for line in text.splitlines() if line.strip()]
