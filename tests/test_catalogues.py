"""Every text lives in the catalogues, in both languages, with the same placeholders; every command
has its help line."""

from __future__ import annotations

import re
from pathlib import Path

from commands import build_registry, i18n


def test_languages_have_the_same_keys_and_placeholders():
    fr, en = i18n.catalogue("fr"), i18n.catalogue("en")
    assert set(fr) == set(en), sorted(set(fr) ^ set(en))
    for key in fr:
        assert i18n.placeholders(fr[key]) == i18n.placeholders(en[key]), key


def test_every_command_has_a_help_line_in_both_languages():
    reg = build_registry()
    for cmd in reg.by_name.values():
        for lang in i18n.LANGUAGES:
            assert cmd.help_key in i18n.catalogue(lang), (lang, cmd.help_key)


def test_every_key_used_in_the_code_exists():
    used: set[str] = set()
    for path in Path("commands").glob("*.py"):
        used |= set(
            re.findall(r"""(?:\.t|UserError)\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text())
        )
    missing = [k for k in used if k not in i18n.catalogue("fr")]
    assert not missing, missing


def test_money_and_numbers_follow_the_language():
    assert i18n.format_money(1250, "EUR", "fr") == "12,50\u00a0€"
    assert i18n.format_money(1250, "EUR", "en") == "€12.50"
    assert i18n.format_hours(90, "fr") == "1,5"
    assert i18n.format_minutes(65) == "1h05"
