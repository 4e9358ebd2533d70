"""Every text lives in the catalogues, in both languages, with the same placeholders; every command
has its help line."""

from __future__ import annotations

import re
from pathlib import Path

import commands
from commands import build_registry, i18n
from commands.core import Settings

PREFIX = Settings().prefix
# what a refusal that says what to type contains: a command with its prefix, or an example
SAYS_WHAT_TO_TYPE = re.compile(
    rf"{re.escape(PREFIX)}\w|\bex(?:emples?|amples?)\b|\bex\.|\be\.g\.|écris|\btype\b|essaie|\btry\b",
    re.IGNORECASE,
)


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
    for path in Path("commands").rglob("*.py"):
        used |= set(
            re.findall(r"""(?:\.t|UserError)\(\s*["']([a-z_]+\.[a-z_.]+)["']""", path.read_text())
        )
    missing = [k for k in used if k not in i18n.catalogue("fr")]
    assert not missing, missing


def test_every_refusal_says_what_to_type():
    """Every text a command can refuse with, in both languages, names a command or gives an
    example (``{prefix}`` is filled in for every refusal)."""
    keys: set[str] = set()
    for path in Path(commands.__file__).parent.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        keys |= set(
            re.findall(r"""(?:UserError|Refusal)\(\s*["']([a-z_]+\.[a-z_.]+)["']""", source)
        )
    keys |= {k for k in i18n.catalogue("fr") if k.startswith(("grammar.amount.", "grammar.date."))}
    keys -= {"grammar.amount.or"}
    # reasons told inside another sentence, after a reaction or a message was removed
    keys -= {"buckets.error.withdraw_closed", "buckets.error.withdraw_completed"}
    keys -= {"lifecycle.funding.refunded", "lifecycle.funding.withdraw_ended"}
    assert len(keys) > 60
    for lang in i18n.LANGUAGES:
        for key in sorted(keys):
            template = i18n.catalogue(lang)[key]
            # {command} is the command itself, with its prefix (core.admin_only)
            text = template.replace("{ $prefix }", PREFIX).replace("{ $command }", f"{PREFIX}tour")
            assert SAYS_WHAT_TO_TYPE.search(text), (lang, key, template)


def test_money_and_numbers_follow_the_language():
    assert i18n.format_money(1250, "EUR", "fr") == "12,50\u00a0€"
    assert i18n.format_money(1250, "EUR", "en") == "€12.50"
    assert i18n.format_hours(90, "fr") == "1,5"
    assert i18n.format_minutes(65) == "1h05"


def test_every_command_has_its_words_in_every_language():
    """``commands.ftl``: the word help shows and the other words, in each language; every one
    of them calls its command, whatever the room's language."""
    reg = build_registry()
    for lang in i18n.LANGUAGES:
        words = i18n.command_words(lang)
        assert set(words) == set(reg.by_name), (lang, set(words) ^ set(reg.by_name))
        for name, said in words.items():
            for word in said:
                found = reg.find(word)
                assert found is not None and found.name == name, (lang, name, word)


def test_help_lists_a_commands_other_words_from_the_catalogue_the_rooms_first():
    """``!aide budget`` ends with the other words that call it: the room's language's first,
    then the others', never the word the help itself shows."""
    assert i18n.other_words("fr", "budget") == ("enveloppe", "envelope")
    assert i18n.other_words("en", "budget") == ("envelope", "enveloppe")
    assert i18n.other_words("en", "financer") == ("financer",)
    assert "fund" in i18n.other_words("fr", "financer")
    for lang in i18n.LANGUAGES:
        for name in i18n.command_words(lang):
            others = i18n.other_words(lang, name)
            assert i18n.command_name(lang, name) not in others
            assert len(set(others)) == len(others)


def test_a_language_is_a_folder_of_files():
    assert i18n.LANGUAGES[0] == i18n.DEFAULT_LANGUAGE
    for lang in i18n.LANGUAGES:
        assert (i18n.MESSAGES_DIR / lang / "language.ftl").is_file()
    assert i18n.locale_of("fr") == "fr_FR" and i18n.locale_of("en") == "en_GB"
    assert i18n.command_name("en", "annuler") == "undo"
    assert i18n.command_name("fr", "annuler") == "annuler"


def test_texts_written_directly_read_as_fluent_writes_them():
    """Messages made of text and parameters only skip Fluent's resolver: the same text."""
    for lang in i18n.LANGUAGES:
        texts = i18n._bundle(lang)
        assert len(texts.simple) > 500
        for fid in texts.simple:
            names = i18n.placeholders(i18n.catalogue(lang)[i18n.message_key(fid)])
            for sample in ("<{}>", 1234, -5, "  {} {{x}} "):
                args = {
                    n: i18n._argument(sample.format(n) if isinstance(sample, str) else sample)
                    for n in names
                }
                fast = i18n._format(texts, fid, args)
                assert fast == i18n._format(texts, fid, args, resolver=True), (lang, fid)
