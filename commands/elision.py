"""French elision before a name: « de Bob » but « d'Alice », « le projet » but « l'atelier ».

Neither Fluent nor Babel elides; the catalogue calls these as functions (``{ DE($who) }``,
``{ LE($word) }``, see ``commands/i18n/``). A word elides when it starts with a vowel
(accented or not) or with a mute h; not before an aspirated h (the words listed below), a
consonant, a ``y`` that sounds like one (« Yann »), a digit, a mention or a symbol. The name
itself is never changed.
"""

from __future__ import annotations

import unicodedata

VOWELS = frozenset("aeiouæœ")
# words and names whose h is aspirated: no elision (« de Hugo », « le hangar »)
ASPIRATED_H = frozenset(
    {
        "hache", "haie", "haine", "hall", "halle", "hamac", "hameau", "hanche", "handicap",
        "hangar", "hareng", "haricot", "harpe", "hasard", "haut", "hauteur", "hérisson",
        "héros", "hibou", "hockey", "hollande", "homard", "hongrie", "honte", "hors", "houx",
        "hublot", "huit", "hugo", "hugues", "hurlement", "hutte",
    }
)  # fmt: skip


def _base(ch: str) -> str:
    """``É`` -> ``e``: the letter without its accent, in lower case."""
    return unicodedata.normalize("NFD", ch)[0].lower()


def elides(word: str) -> bool:
    """Whether « de » / « le » before ``word`` becomes « d' » / « l' »."""
    if not word:
        return False
    first = _base(word[0])
    if first in VOWELS:
        return True
    if first == "y":
        # « Yves », « Ysé »: a vowel sound; « Yann », « Yasmine »: a consonant one
        return len(word) < 2 or _base(word[1]) not in VOWELS
    if first == "h":
        # the first word, in lower case: a listed word or one of its forms (« haricots »)
        head = word.lower().split(maxsplit=1)[0]
        return not any(head.startswith(listed) for listed in ASPIRATED_H)
    return False


def de_elided(name: str) -> str:
    """``Bob`` -> ``de Bob``; ``Alice`` -> ``d'Alice``; ``Hélène`` -> ``d'Hélène``."""
    return ("d'" if elides(name) else "de ") + name


def le_elided(word: str) -> str:
    """``projet`` -> ``le projet``; ``atelier`` -> ``l'atelier``."""
    return ("l'" if elides(word) else "le ") + word
