"""French elision in the catalogue: « de » before a name becomes « d' » before a vowel (accented
or not) or a mute h, never before a consonant, an aspirated h, a « y » that sounds like a
consonant, a digit or a mention; the name itself is never changed."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands import i18n
from commands.elision import ASPIRATED_H, de_elided, elides, le_elided


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Alice", "d'Alice"),  # a vowel
        ("Eve", "d'Eve"),
        ("Ursula", "d'Ursula"),
        ("Élodie", "d'Élodie"),  # an accented vowel
        ("Èlia", "d'Èlia"),
        ("Îsa", "d'Îsa"),
        ("Œdipe", "d'Œdipe"),
        ("alice", "d'alice"),  # whatever the case
        ("Hélène", "d'Hélène"),  # a mute h
        ("Hortense", "d'Hortense"),
        ("Hugo", "de Hugo"),  # an aspirated h
        ("Hugues", "de Hugues"),
        ("Bob", "de Bob"),  # a consonant
        ("Chloé", "de Chloé"),
        ("Yves", "d'Yves"),  # y before a consonant: a vowel sound
        ("Yann", "de Yann"),  # y before a vowel: a consonant sound
        ("@alice", "de @alice"),  # a mention
        ("42", "de 42"),
        ("", "de "),
    ],
)
def test_de_before_names(name: str, expected: str) -> None:
    assert de_elided(name) == expected


@pytest.mark.parametrize("word", sorted(ASPIRATED_H))
def test_no_elision_before_the_listed_aspirated_h(word: str) -> None:
    assert de_elided(word) == f"de {word}"
    assert de_elided(word.capitalize()) == f"de {word.capitalize()}"
    assert le_elided(word) == f"le {word}"


def test_the_article_le() -> None:
    assert le_elided("atelier") == "l'atelier"
    assert le_elided("hiver") == "l'hiver"
    assert le_elided("hangar") == "le hangar"
    assert le_elided("projet") == "le projet"


@given(st.text(max_size=30))
def test_the_name_itself_is_never_changed(name: str) -> None:
    for written in (de_elided(name), le_elided(name)):
        assert written.endswith(name)
        assert written[: len(written) - len(name)] in ("de ", "d'", "le ", "l'")
    assert de_elided(name).startswith("d'") == elides(name) == le_elided(name).startswith("l'")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("Alice", "↩️ Demande #12 d'Alice retirée."),
        ("Hélène", "↩️ Demande #12 d'Hélène retirée."),
        ("Hugo", "↩️ Demande #12 de Hugo retirée."),
        ("Bob", "↩️ Demande #12 de Bob retirée."),
    ],
)
def test_the_catalogue_elides(who: str, expected: str) -> None:
    assert i18n.t("fr", "budget.withdrawn", id=12, who=who) == expected
    assert i18n.t("en", "budget.withdrawn", id=12, who=who) == f"↩️ Request #12 by {who} withdrawn."


def test_numbers_are_written_as_before_and_choose_the_plural_form() -> None:
    # no grouping, no locale minus: as str.format wrote them
    assert i18n.t("fr", "budget.withdrawn", id=1234, who="Bob") == "↩️ Demande #1234 de Bob retirée."
    assert i18n.t("en", "export.caption", count=1, period="2026") == (
        "📎 CSV export: 1 contribution, 2026."
    )
    assert i18n.t("en", "export.caption", count=0, period="2026") == (
        "📎 CSV export: 0 contributions, 2026."
    )
    assert i18n.t("fr", "export.caption", count=0, period="2026") == (
        "📎 Export CSV : 0 contribution, 2026."
    )
    assert i18n.t("fr", "export.caption", count=12345, period="2026") == (
        "📎 Export CSV : 12345 contributions, 2026."
    )
    assert i18n.t("fr", "recap.time", hour=9, minute=5) == "9h05"
    assert i18n.t("en", "recap.time", hour=9, minute=5) == "09:05"


def test_a_count_must_be_given_as_a_number() -> None:
    with pytest.raises(TypeError, match="count"):
        i18n.t("fr", "export.caption", count="2", period="2026")
