"""Reading a declared subcommand (``commands.declare``) that has a ``Rest`` argument: its words
from left to right, each to the first argument not read yet that reads it there, the others to
the rest, kept as typed (quotes and all) and in order."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from commands.args import Rest
from commands.core import Context
from commands.grammar import join_spans, tokenize_spans

if TYPE_CHECKING:
    from commands.declare import Arg, Sub


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
