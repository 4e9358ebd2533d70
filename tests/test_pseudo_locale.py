"""Every answer comes from the catalogue: a pseudo-locale, made here from the French catalogue
(every text accented and bracketed, placeholders kept), is installed as the room's output
language; the families' conversations are played with French input words, and every answer must
be made of bracketed text and of the values given to the texts (names, amounts, dates, what
people typed, the command names they type) only: a word outside the brackets that is none of
those was not translated."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from babel import Locale
from fluent.syntax import FluentParser, FluentSerializer
from fluent.syntax import ast as ftl
from fluent.syntax.visitor import Transformer
from sqlalchemy.engine import Engine

from bot.adapters.console import ConsoleAdapter
from bot.render import LocalDrawer
from bot.runtime import Runtime
from commands import build_registry, i18n
from commands.core import Settings
from storage.clock import Clock
from tests.conftest import Chat
from tests.families import FAMILIES
from tests.test_transcripts import PEOPLE, ConsoleRoom

PSEUDO = "qps"
OPEN, CLOSE = "⟦", "⟧"
ACCENTS = str.maketrans("aeiouycnAEIOUYCN", "áéíóúýçñÁÉÍÓÚÝÇÑ")
BRACKETED = re.compile(f"{OPEN}[^{CLOSE}]*{CLOSE}")
WORD = re.compile(r"[^\W\d_]+")
# the words people type (the input stays French) and the language's locale: not transformed
INPUT_FILES = ("commands.ftl", "language.ftl", "words.ftl")


def pseudo(text: str) -> str:
    return f"{OPEN}{text.translate(ACCENTS)}{CLOSE}" if text else text


class _Pseudo(Transformer):  # type: ignore[misc]
    def visit_TextElement(self, node: ftl.TextElement) -> ftl.TextElement:
        node.value = pseudo(node.value)
        return node


def write_pseudo_catalogue(folder: Path) -> None:
    """The French catalogue with every text element transformed (placeables untouched), except
    the command words, which stay those people type."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted((i18n.MESSAGES_DIR / "fr").glob("*.ftl")):
        if path.name in INPUT_FILES:
            (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
            continue
        resource = FluentParser().parse(path.read_text(encoding="utf-8"))
        _Pseudo().visit(resource)
        (folder / path.name).write_text(FluentSerializer().serialize(resource), encoding="utf-8")


def _de(value: Any) -> str:
    return pseudo("dé ") + str(value)


def _le(value: Any) -> str:
    return pseudo("lé ") + str(value)


@pytest.fixture
def pseudo_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[set[str]]:
    """The pseudo-locale installed; yields the words of every value given to a text (except
    the texts of another language given as values: those must not excuse anything)."""
    write_pseudo_catalogue(tmp_path / "qps")
    i18n.install_language(PSEUDO, tmp_path / "qps", "fr_FR", {"DE": _de, "LE": _le})
    values: set[str] = set()
    foreign: set[str] = set()
    argument = i18n._argument
    format_text = i18n._format

    def recording(value: Any) -> Any:
        out = argument(value)
        if str(out) not in foreign:
            values.update(WORD.findall(BRACKETED.sub(" ", str(out))))
        return out

    def formatting(texts: Any, fid: str, args: dict[str, Any], *, resolver: bool = False) -> str:
        text = format_text(texts, fid, args, resolver=resolver)
        if texts is not i18n._bundle(PSEUDO):
            foreign.add(text)
        return text

    monkeypatch.setattr(i18n, "_argument", recording)
    monkeypatch.setattr(i18n, "_format", formatting)
    try:
        yield values
    finally:
        i18n.uninstall_language(PSEUDO)


@pytest.fixture
async def pseudo_chat(
    engine: Engine, clock: Clock, tmp_path: Path, pseudo_language: set[str]
) -> AsyncIterator[Chat]:
    settings = Settings(default_language=PSEUDO)
    rt = Runtime(engine, build_registry(), settings, clock=clock, drawer=LocalDrawer())
    adapter = ConsoleAdapter(
        user="alice",
        room="coroutine",
        admins=("alice",),
        out=lambda _l: None,
        files_dir=tmp_path / "files",
        language=PSEUDO,
    )
    adapter.attach(rt)
    yield Chat(rt, adapter)
    await rt.close()


def _dates_words() -> set[str]:
    """The words Babel writes in a French date (month and day names, abbreviated or not)."""
    locale = Locale.parse("fr_FR")
    words: set[str] = set()
    for table in (locale.months, locale.days):
        for context in table.values():
            for width in context.values():
                for name in width.values():
                    words.update(WORD.findall(name))
    return words


def test_the_pseudo_catalogue_keeps_every_message_and_placeholder(
    pseudo_language: set[str],
) -> None:
    fr, qps = i18n.catalogue("fr"), i18n.catalogue(PSEUDO)
    assert set(fr) == set(qps)
    for key in fr:
        assert i18n.placeholders(fr[key]) == i18n.placeholders(qps[key]), key
    assert i18n.t(PSEUDO, "budget.withdrawn", id=3, who="Alice") == (
        "⟦↩️ Démáñdé #⟧3⟦ ⟧⟦dé ⟧Alice⟦ rétíréé.⟧"
    )
    assert i18n.t(PSEUDO, "export.caption", count=2, period="x") == (
        "⟦📎 Éxpórt ÇSV : ⟧2⟦ çóñtríbútíóñs⟧⟦, ⟧x⟦.⟧"
    )


@pytest.mark.parametrize("family", sorted(FAMILIES))
async def test_every_answer_is_translated(
    family: str, pseudo_chat: Chat, pseudo_language: set[str]
) -> None:
    chat = pseudo_chat
    chat.adapter.session = "transcript"
    for person in PEOPLE:
        await chat.join(person)
    room = ConsoleRoom(chat, "fr")  # the words typed stay French
    await FAMILIES[family](room)
    typed = {w for line in room.lines if line.startswith(">") for w in WORD.findall(line)}
    # the command names are input words: they stay those people type
    reg = build_registry()
    commands = {w for cmd in reg.by_name.values() for w in (cmd.name, *cmd.aliases)}
    allowed = (
        pseudo_language
        | typed
        | commands
        | {p.capitalize() for p in PEOPLE}
        | _dates_words()
        | {"h", "min"}  # durations: 3h30, 45 min
    )
    answers = [s for s in chat.adapter.transcript if s.kind in ("text", "file", "edit")]
    assert answers
    untranslated = []
    for said in answers:
        outside = BRACKETED.sub(" ", said.text)
        words = [w for w in WORD.findall(outside) if w not in allowed]
        if words:
            untranslated.append((said.short_id, words, said.text[:300]))
    assert not untranslated, untranslated
