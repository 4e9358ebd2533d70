"""Project codes, the pure rule: what a word looks like once its punctuation is set aside,
whether it could be meant as a code, and the codes close to a mistyped one."""

from __future__ import annotations

import re

from rapidfuzz.distance import DamerauLevenshtein

from commands.grammar import fold, parse_duration

_CODE_SHAPE = re.compile(r"[A-Z0-9]{2,10}")
_WORD_EDGES = ",;:.!?()[]{}'’\"«»“”"


def bare_word(token: str) -> str:
    """``token`` without the punctuation around it (``KAP,`` -> ``KAP``)."""
    return token.strip(_WORD_EDGES)


def looks_like_code(word: str, known: set[str] | frozenset[str] = frozenset()) -> bool:
    """Whether ``word`` could be meant as a project code, so that it is never stored silently
    as plain text: 2 to 10 capital letters or digits with at least one letter (``KAP``, ``AG``,
    ``KPA2``), or, ignoring case and accents, a ``known`` code (folded) or a word within
    Damerau-Levenshtein distance 1 of one (``kap`` for ``KPA``). The distance counts only when
    the word and the code both have three characters or more, so that ``à`` or ``au`` are not
    taken for a code ``AG``; a duration (``10H``) is not a code."""
    w = bare_word(word)
    if not w or parse_duration(w) is not None:
        return False
    if _CODE_SHAPE.fullmatch(w) and any(c.isalpha() for c in w):
        return True
    folded = fold(w)
    if folded in known:
        return True
    if len(folded) < 3:
        return False
    return any(
        len(code) >= 3 and DamerauLevenshtein.distance(folded, code, score_cutoff=1) <= 1
        for code in known
    )


def close_codes(word: str, codes: list[str], limit: int = 3) -> list[str]:
    """The ``codes`` closest to ``word`` ignoring case and accents, best first: within
    Damerau-Levenshtein distance 1, or 2 for words of five characters or more."""
    folded = fold(bare_word(word).lstrip("#"))
    reach = 2 if len(folded) >= 5 else 1
    scored = sorted(
        (DamerauLevenshtein.distance(folded, fold(code), score_cutoff=reach), code)
        for code in codes
    )
    return [code for dist, code in scored if dist <= reach][:limit]
