"""The budget texts exist in both languages with the same placeholders, and every key the
family uses is in the catalogue."""

from __future__ import annotations

import re
from pathlib import Path

from commands import i18n

SOURCE = Path(__file__).parents[1] / "commands" / "budget"  # the package


def budget_keys(lang: str) -> dict[str, str]:
    return {k: v for k, v in i18n.catalogue(lang).items() if k.startswith("budget.")}


def test_same_keys_and_placeholders_in_french_and_english():
    fr, en = budget_keys("fr"), budget_keys("en")
    assert set(fr) == set(en)
    for key in fr:
        assert i18n.placeholders(fr[key]) == i18n.placeholders(en[key]), key


def test_every_literal_key_used_exists():
    text = "".join(path.read_text() for path in sorted(SOURCE.glob("*.py")))
    used = set(re.findall(r'"(budget\.[a-z_.]+)"', text))
    assert used, "the pattern finds the keys"
    # input words (``words.ftl``: ``words-budget-cap``) are read by their key too
    missing = sorted(k for k in used if k not in budget_keys("fr") and not i18n.words(k))
    assert missing == []


def test_help_lines_for_every_budget_command():
    from commands import build_registry

    reg = build_registry()
    for cmd in reg.by_name.values():
        if cmd.family == "budget":
            assert i18n.has("fr", cmd.help_key) and i18n.has("en", cmd.help_key), cmd.name
