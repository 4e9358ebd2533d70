"""Commands declared once: a command, its subcommands and their typed arguments, from which the
framework reads what was typed, checks admin rights, refuses what does not read (saying what to
type instead), and writes the usage lines and the ``!aide <commande>`` text. Help cannot drift
from what parses: both come from the same declaration, and a test parses every example.

    settings = Declared("reglages", family="admin")

    @settings.sub("show", path=())
    def show(ctx: Context) -> None: ...

    @settings.sub("day", Arg("length", DurationArg()), admin=True)
    def day(ctx: Context, length: Duration) -> None: ...

    settings.register(reg)

The words of a subcommand are the catalogue's ``words-sub-<command>-<word>`` (``words.ftl``, in
every language; the first of the room's language is the one help shows); ``path`` lists the
word keys (the subcommand's name by default; ``()`` for what the command does without a word).
What a subcommand does is ``<family>-sub-<command>-<name>``, its examples (one a line)
``<family>-ex-<command>-<name>``, a note under the help ``<family>-note-<command>``.

Reading: the subcommands with words are tried first, the longest words first; then those without
words, in the order declared, the first whose arguments read wholly. Each argument's converter
(``commands.args``) reads it or says it cannot; an optional argument may be left out; a repeated
one takes as many values as read; one ``anywhere`` may stand before or after the others.

A subcommand with a ``Rest`` argument (the words no other reads, as typed and in order) reads
its words from left to right: each is offered to the arguments not read yet, in the order
declared, and the first that reads it takes it (and the words after it that it needs); a word
none reads is the rest's. Its other arguments all stand ``anywhere``; a ``leading`` one reads
only before the required ones and before the rest (``!contrib [@personne] <durée> [date]
[projet] [description]``).

Keyword options (``commands.declare_options``: ``Arg("terms", Options(...))``) read words in
any order, each at most once: a keyword and its value (``plafond 600€``), a flag-word
(``proportionnel``), a value alone; usage shows them (``[plafond <montant>]``).

A required argument with a refusal of its own, after the subcommand's word (a ``Choice``),
answers that refusal when it is missing or does not read (``!demande 3 révisée``): the
subcommand is surely the one meant, so no other is tried.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from commands import i18n
from commands.args import Choice, Converter, Rest
from commands.core import Command, Context, Registry, UserError
from commands.declare_help import _shown_key, examples, shown_arg, sub_word, usage_line
from commands.declare_options import Opt, Options
from commands.declare_rest import Source, _Mismatch, _read_args
from commands.grammar import fold, tokenize

Handler = Callable[..., None]
__all__ = [
    "DECLARED",
    "Arg",
    "Declared",
    "Opt",
    "Options",
    "Sub",
    "declaration_of",
    "examples",
    "shown_arg",
    "sub_word",
    "sub_words",
    "usage_line",
]

# every declared command by name (the last registered)
DECLARED: dict[str, Declared] = {}


@dataclass(frozen=True)
class Arg:
    """One argument: the handler's keyword ``name``, read by ``converter``. ``shown``: the
    catalogue key suffix of its placeholder (``declare-arg-<shown>``), the converter's by
    default. ``refusal``: a catalogue key answered when it does not read (given ``value``,
    ``prefix`` and ``params``), instead of the generated answer; an optional one with a refusal
    answers it for the words that stand in its place and do not read; a required one that may
    stand anywhere (it has no place of its own) answers it when it is missing."""

    name: str
    converter: Converter
    optional: bool = False
    repeated: bool = False
    anywhere: bool = False  # a word that may stand before or after the others (csv)
    leading: bool = False  # with a Rest: read only before the required ones and the rest
    shown: str | None = None
    refusal: str | None = None
    params: tuple[tuple[str, Any], ...] = ()


@dataclass(frozen=True)
class Sub:
    name: str
    path: tuple[str, ...]
    args: tuple[Arg, ...]
    handler: Handler
    admin: bool = False
    typed: bool = False  # the handler also gets ``typed``: each argument's words as typed


@dataclass
class Declared:
    """A command and its subcommands (see the module's docstring). ``refusal``: a catalogue
    key answered (with ``prefix``) when nothing reads, instead of the generated answer;
    ``before(ctx, words)``: a check made before the words are read."""

    name: str
    family: str
    editable: bool = False
    hidden: bool = False
    refusal: str | None = None
    # checked before the words are read (answered in a direct conversation only, say)
    before: Callable[[Context, list[str]], None] | None = None
    subs: list[Sub] = field(default_factory=list)

    # -- declaring --------------------------------------------------------------------------
    def sub(
        self,
        name: str,
        *args: Arg,
        path: tuple[str, ...] | None = None,
        admin: bool = False,
        typed: bool = False,
    ) -> Callable[[Handler], Handler]:
        """Declare the subcommand ``name`` (its words: ``path``), handled by the function."""

        rest = [a for a in args if isinstance(a.converter, Rest)]
        if rest and (len(rest) > 1 or any(not a.anywhere for a in args if a not in rest)):
            raise ValueError(f"{self.name} {name}: with a Rest, the others stand anywhere")

        def deco(fn: Handler) -> Handler:
            words = (name,) if path is None else path
            self.subs.append(Sub(name, words, tuple(args), fn, admin, typed))
            return fn

        return deco

    def register(self, reg: Registry) -> Command:
        """Register the command through ``reg.command``: its handler reads the words with this
        declaration and calls the subcommand's function with the typed values."""
        if not self.subs:
            raise ValueError(f"command {self.name!r} declares no subcommand")
        decl = self

        def handle(ctx: Context, args: str) -> None:
            tokens = tokenize(args)
            if decl.before is not None:
                decl.before(ctx, tokens)
            sub, values = decl.read(ctx, tokens, args)
            sub.handler(ctx, **values)

        # undo hooks are chosen by the module of the handler: the declaring module's
        handle.__module__ = self.subs[0].handler.__module__
        handle.__qualname__ = handle.__name__ = f"declared_{self.name}"
        handle.declaration = self  # type: ignore[attr-defined]
        admin_only = all(s.admin for s in self.subs)
        reg.command(
            self.name,
            family=self.family,
            admin_only=admin_only,
            editable=self.editable,
            hidden=self.hidden,
        )(handle)
        DECLARED[self.name] = self
        return reg.by_name[self.name]

    def require_admin(self, ctx: Context, name: str) -> None:
        """The admin right of the subcommand ``name``, checked on another path than its
        command (undoing what it did when its message is deleted)."""
        sub = next(s for s in self.subs if s.name == name)
        if sub.admin and not ctx.is_admin:
            words = [sub_word(self.name, key, ctx.lang) for key in sub.path]
            command = " ".join([i18n.command_name(ctx.lang, self.name), *words])
            raise UserError("core.admin_only", command=ctx.settings.prefix + command)

    # -- reading ---------------------------------------------------------------------------
    def read(
        self, ctx: Context, tokens: list[str], text: str | None = None
    ) -> tuple[Sub, dict[str, Any]]:
        """The subcommand ``tokens`` ask for and its typed values, or a refusal. ``text``: the
        words as typed (a ``Rest`` argument gives them as typed; the tokens joined otherwise)."""
        source = Source.of(tokens, text)
        worded = sorted((s for s in self.subs if s.path), key=lambda s: -len(s.path))
        for sub in worded:
            if _starts_with(self.name, sub.path, tokens):
                return self._read_worded(ctx, sub, tokens, source)
        first: tuple[Sub, _Mismatch] | None = None
        for sub in self.subs:
            if sub.path:
                continue
            try:
                values = _read_args(ctx, sub, tokens, source)
            except _Mismatch as err:
                if _meant(sub, err):
                    raise self._refusal(ctx, sub, err) from None
                first = first or (sub, err)
                continue
            _check_admin(ctx, sub)
            return sub, values
        if first is not None and (
            len([s for s in self.subs if not s.path]) == len(self.subs)
            or (first[1].arg is not None and first[1].arg.refusal is not None)
        ):
            raise self._refusal(ctx, *first)
        raise self._refusal(ctx, None, _Mismatch(None, tokens[0] if tokens else None))

    def _read_worded(
        self, ctx: Context, sub: Sub, tokens: list[str], source: Source
    ) -> tuple[Sub, dict[str, Any]]:
        """``sub``'s words were typed: the first subcommand with those words whose arguments
        read wholly (one without arguments shows, one with them changes, say); the admin
        rights of the first are checked before its arguments when it is the only one."""
        same = [s for s in self.subs if s.path == sub.path]
        if len(same) == 1:
            _check_admin(ctx, sub)
        first: _Mismatch | None = None
        for each in same:
            try:
                values = _read_args(ctx, each, tokens[len(each.path) :], source.after(each.path))
            except _Mismatch as err:
                first = first or err
                continue
            _check_admin(ctx, each)
            return each, values
        assert first is not None
        raise self._refusal(ctx, sub, first)

    def _refusal(self, ctx: Context, sub: Sub | None, err: _Mismatch) -> UserError:
        p = ctx.settings.prefix
        arg = err.arg
        missing = arg is not None and err.value is None
        own = not missing or (arg is not None and (arg.anywhere or _meant(sub, err)))
        if arg is not None and arg.refusal is not None and own:
            said = {k: v for k, v in err.read.items() if isinstance(v, str | int)}
            return UserError(
                arg.refusal, **{**said, "value": err.value or "", "prefix": p}, **dict(arg.params)
            )
        if self.refusal is not None and not (missing and sub is not None and sub.path):
            return UserError(self.refusal, prefix=p)
        lang = ctx.lang
        if sub is None:
            shown = [ex for s in self.subs for ex in examples(self, s, lang, p)[:1]]
            return UserError(
                "declare.error.unknown",
                examples=" · ".join(shown),
                help=i18n.command_name(lang, "aide"),
                command=i18n.command_name(lang, self.name),
            )
        usage = usage_line(self, sub, lang, p)
        example = " · ".join(examples(self, sub, lang, p)[:2])
        if arg is None:
            return UserError(
                "declare.error.extra", value=err.value or "", usage=usage, example=example
            )
        what = i18n.t(lang, f"declare.what.{_shown_key(arg)}")
        if err.value is None:
            return UserError("declare.error.missing", what=what, usage=usage, example=example)
        return UserError(
            "declare.error.wrong", value=err.value, what=what, usage=usage, example=example
        )

    # -- help ------------------------------------------------------------------------------
    def help_text(self, lang: str, prefix: str) -> str:
        """What ``!aide <commande>`` says: each subcommand's usage, what it does, its
        examples; then the command's note, if it has one."""
        out: list[str] = []
        for sub in self.subs:
            does = i18n.t(lang, f"{self.family}.sub.{self.name}.{sub.name}", prefix=prefix)
            if sub.admin:
                does += " " + i18n.t(lang, "help.admin_mark")
            out.append(
                i18n.t(
                    lang, "declare.help.line", usage=usage_line(self, sub, lang, prefix), does=does
                )
            )
            shown = examples(self, sub, lang, prefix) if sub.args else []
            if shown:
                out.append(i18n.t(lang, "declare.help.examples", examples=" · ".join(shown)))
        note = f"{self.family}.note.{self.name}"
        if i18n.has(lang, note):
            out.append(i18n.t(lang, note, prefix=prefix))
        return "\n".join(out)


def declaration_of(cmd: Command) -> Declared | None:
    """The declaration a registered command was made from, if it was declared."""
    found = getattr(cmd.handler, "declaration", None)
    return found if isinstance(found, Declared) else None


# --------------------------------------------------------------------------- reading


def sub_words(command: str, key: str) -> set[str]:
    """Every language's words for the subcommand word ``key`` of ``command``, folded (the key
    itself while the catalogue has none)."""
    return {fold(w) for w in i18n.words(f"sub.{command}.{key}")} or {fold(key)}


def _starts_with(command: str, path: tuple[str, ...], tokens: list[str]) -> bool:
    if len(tokens) < len(path):
        return False
    return all(fold(tok) in sub_words(command, key) for key, tok in zip(path, tokens, strict=False))


def _meant(sub: Sub | None, err: _Mismatch) -> bool:
    """Whether ``sub`` is surely the subcommand meant: its own word (a ``Choice``) was read
    before the argument that did not read, which has a refusal of its own (answered, with the
    values read before it, such as the request's number)."""
    if sub is None or err.arg is None or err.arg.refusal is None:
        return False
    return any(isinstance(a.converter, Choice) and a.name in err.read for a in sub.args)


def _check_admin(ctx: Context, sub: Sub) -> None:
    if sub.admin and not ctx.is_admin:
        raise UserError("core.admin_only", command=ctx.typed_command(_naming_words(sub)))


def _naming_words(sub: Sub) -> int:
    """How many words name a subcommand as typed: its path's, or, said after other arguments
    (``!budget KPA consentement``), up to its word."""
    if sub.path:
        return len(sub.path)
    word = next((i for i, a in enumerate(sub.args) if isinstance(a.converter, Choice)), None)
    return 0 if word is None else word + 1
