"""Reading the arguments of a declared subcommand (``commands.declare``): each in its place, those
that stand ``anywhere`` first; with a ``Rest`` argument, its words from left to right, each to
the first argument not read yet that reads it there, the others to the rest, kept as typed
(quotes and all) and in order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from commands.args import Rest
from commands.core import Context
from commands.grammar import join_spans, tokenize_spans

if TYPE_CHECKING:
    from commands.declare import Arg, Sub


class _Mismatch(Exception):
    """An argument did not read: which, and the word found instead (``None``: none left)."""

    def __init__(
        self, arg: Arg | None, value: str | None, read: dict[str, Any] | None = None
    ) -> None:
        super().__init__(value)
        self.arg = arg
        self.value = value
        self.read = read or {}  # the arguments read before it


@dataclass(frozen=True)
class Source:
    """The words as typed: the text and where each word stands in it."""

    text: str
    spans: tuple[tuple[int, int], ...]

    @staticmethod
    def of(tokens: list[str], text: str | None) -> Source:
        found = tokenize_spans(text) if text is not None else []
        if text is not None and [tok for tok, _, _ in found] == tokens:
            return Source(text, tuple((start, end) for _, start, end in found))
        spans, at = [], 0  # the tokens joined by spaces
        for tok in tokens:
            spans.append((at, at + len(tok)))
            at += len(tok) + 1
        return Source(" ".join(tokens), tuple(spans))

    def after(self, path: tuple[str, ...]) -> Source:
        return Source(self.text, self.spans[len(path) :])

    def words(self, indexes: list[int]) -> str:
        return join_spans(self.text, [self.spans[i] for i in indexes]).strip()


def read_with_rest(
    ctx: Context, sub: Sub, tokens: list[str], source: Source
) -> tuple[dict[str, Any], Arg | None]:
    """Read from left to right: each word goes to the first argument not read yet that reads
    it there (a leading one: before the required ones and the rest), else to the rest. Gives
    the values, and the first required argument missing (``None``: none is)."""
    rest_arg = next(a for a in sub.args if isinstance(a.converter, Rest))
    others = [a for a in sub.args if a is not rest_arg]
    values: dict[str, Any] = {a.name: None for a in sub.args}
    typed: dict[str, str] = {a.name: "" for a in sub.args}
    rest: list[int] = []
    read: set[str] = set()
    i = 0
    while i < len(tokens):
        closed = bool(rest) or any(a.name in read for a in others if not a.optional)
        for arg in others:
            if arg.name in read or (arg.leading and closed):
                continue
            found = arg.converter.take(ctx, tokens, i)
            if found is not None:
                values[arg.name], typed[arg.name] = found[0], " ".join(tokens[i : i + found[1]])
                read.add(arg.name)
                i += max(found[1], 1)
                break
        else:
            taken = rest_arg.converter.take(ctx, tokens, i)
            used = max(taken[1], 1) if taken is not None else 1
            rest += range(i, min(i + used, len(tokens)))
            i += used
    if rest:
        values[rest_arg.name] = typed[rest_arg.name] = source.words(rest)
        read.add(rest_arg.name)
    if sub.typed:
        values["typed"] = typed
    missing = next((a for a in sub.args if not a.optional and a.name not in read), None)
    return values, missing


def _take_anywhere(
    ctx: Context, sub: Sub, tokens: list[str], values: dict[str, Any], typed: dict[str, str]
) -> list[str]:
    """Read the arguments that may stand anywhere (the first place each reads at); what is
    left, in order, is read by the others."""
    left = list(tokens)
    for arg in sub.args:
        if not arg.anywhere:
            continue
        values[arg.name], typed[arg.name] = None, ""
        for j in range(len(left)):
            found = arg.converter.take(ctx, left, j)
            if found is not None:
                values[arg.name], typed[arg.name] = found[0], " ".join(left[j : j + found[1]])
                del left[j : j + found[1]]
                break
        else:
            if not arg.optional:  # a required one: missing
                raise _Mismatch(arg, None)
    return left


def _read_args(
    ctx: Context, sub: Sub, tokens: list[str], source: Source | None = None
) -> dict[str, Any]:
    if any(isinstance(a.converter, Rest) for a in sub.args):
        read, missing = read_with_rest(ctx, sub, tokens, source or Source.of(tokens, None))
        if missing is not None:
            raise _Mismatch(missing, None)
        return read
    values: dict[str, Any] = {}
    typed: dict[str, str] = {}
    tokens = _take_anywhere(ctx, sub, tokens, values, typed)
    i = 0
    for arg in sub.args:
        if arg.anywhere:
            continue
        start = i
        if arg.repeated:
            got: list[Any] = []
            while i < len(tokens) and (taken := arg.converter.take(ctx, tokens, i)) is not None:
                got.append(taken[0])
                i += taken[1]
            if not got and not arg.optional:
                raise _Mismatch(arg, " ".join(tokens[i:]) or None)
            values[arg.name] = got
        else:
            found = arg.converter.take(ctx, tokens, i) if i < len(tokens) else None
            # an optional argument with a refusal of its own answers it for words it cannot read
            refused = arg.refusal is not None and i < len(tokens)
            if found is None and (not arg.optional or refused):
                raise _Mismatch(arg, " ".join(tokens[i:]) or None, values)
            values[arg.name] = found[0] if found is not None else None
            i += found[1] if found is not None else 0
        typed[arg.name] = " ".join(tokens[start:i])
    if i < len(tokens):
        raise _Mismatch(None, " ".join(tokens[i:]))
    if sub.typed:
        values["typed"] = typed
    return values
