"""Text helpers of the grammar: folding, whole numbers typed for a record, words (quotes kept together)."""

from __future__ import annotations

import re
import unicodedata


def fold(text: str) -> str:
    """Case- and accent-insensitive form: ``Février`` -> ``fevrier``."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def foreign_digits(text: str) -> bool:
    """Whether ``text`` holds a digit other than 0-9 (``²``, ``٣``, ``３``, ``½``). Numbers are
    written with 0-9 only: folding would turn ``²`` into ``2``, and ``int()`` reads ``٣``."""
    return any(ch.isnumeric() and not "0" <= ch <= "9" for ch in text)


_RE_INT = re.compile(r"#?([0-9]{1,18})")
MAX_ID = 2**31 - 1  # numbers people type for a record (#12): what every database column holds


def parse_int(text: str, *, maximum: int = MAX_ID, minimum: int = 0) -> int | None:
    """A whole number written with 0-9 (``12``, ``#12``) between ``minimum`` and ``maximum``;
    ``None`` for anything else (``²``, ``-1``, ``1.5``, 20 digits)."""
    m = _RE_INT.fullmatch(text.strip())
    if m is None:
        return None
    value = int(m.group(1))
    return value if minimum <= value <= maximum else None


_RE_TOKEN = re.compile(r'"([^"]*)"|“([^”]*)”|«\s*([^»]*?)\s*»|(\S+)')


def tokenize(text: str) -> list[str]:
    """Split on white space, keeping double-quoted runs (``"KPA Cités"``) as one token."""
    return [tok for tok, _, _ in tokenize_spans(text)]


def tokenize_spans(text: str) -> list[tuple[str, int, int]]:
    """Like ``tokenize``, with where each token stands in ``text`` (quotes included)."""
    out: list[tuple[str, int, int]] = []
    for match in _RE_TOKEN.finditer(text):
        quoted = next((g for g in match.groups()[:3] if g is not None), None)
        out.append((quoted if quoted is not None else match.group(4), match.start(), match.end()))
    return out


def join_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """The original text of ``spans``, kept together where they touched."""
    out = ""
    last_end: int | None = None
    for start, end in spans:
        if out and last_end != start:
            out += " "
        out += text[start:end]
        last_end = end
    return out


def alternatives(words: tuple[str, ...]) -> str:
    """A regular expression's alternatives for ``words`` (longest first)."""
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
