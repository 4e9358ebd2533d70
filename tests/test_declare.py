"""Commands declared once (``commands.declare``): what help shows is what parses.

- every example that help shows of a declared command, in both languages, reads as the
  subcommand it illustrates;
- every command is declared;
- the README's "Adding a command" example registers and parses.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session

from commands import build_registry, i18n
from commands.args import Day, DurationArg, Mention, Rest, Text
from commands.core import Context, Registry, Settings, UserError, split_command
from commands.declare import Arg, Declared, declaration_of, examples, usage_line
from commands.events import Message, Role
from commands.grammar import tokenize
from storage.models import Room
from tests.conftest import Chat

REGISTRY = build_registry()
PREFIX = Settings().prefix
DECLARED = sorted(name for name, cmd in REGISTRY.by_name.items() if declaration_of(cmd))
UNDECLARED = sorted(name for name in REGISTRY.by_name if name not in DECLARED)
README = Path(__file__).parent.parent / "README.md"


def _declared(name: str) -> Declared:
    found = declaration_of(REGISTRY.by_name[name])
    assert found is not None
    return found


async def _room_with_state(chat: Chat, lang: str) -> None:
    """A room where the examples find what they name: projects KPA and ATL, Bob a member."""
    await chat.join("alice")
    await chat.join("bob")
    await chat.say("alice", "!projet ajouter KPA Cités")
    await chat.say("alice", "!projet ajouter ATL Atelier")
    if lang != "fr":
        await chat.say("alice", f"!langue {lang}")


def _context(db: Session, chat: Chat, registry: Registry) -> Context:
    room = db.get(Room, chat.adapter.room)
    assert room is not None
    event = Message(
        platform="console",
        event_id=f"probe-{uuid.uuid4().hex}",
        room_id=room.id,
        sender=chat.adapter.user_id("alice"),
        role=Role.ADMIN,
        body="",
        is_direct=True,
    )
    return Context(db, event, room, Settings(), registry=registry)


def test_commands_are_declared() -> None:
    wanted = {"langue", "fuseau", "reglages", "projets", "projet", "moi", "mesdonnees"}
    wanted |= {"oubliemoi", "export", "page", "aide", "recap", "rappel", "annuler", "contribs"}
    wanted |= {"contrib", "importer"}
    wanted |= {"tour", "allouer", "bucket", "buckets", "financer", "solde"}
    wanted |= {"budgets", "question", "valider", "taux", "releve", "prestation", "demande"}
    wanted |= {"budget"}
    assert wanted <= set(DECLARED)


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
async def test_every_example_of_a_declared_command_reads_as_its_subcommand(
    lang: str, chat: Chat
) -> None:
    await _room_with_state(chat, lang)
    with Session(chat.runtime.engine) as db:
        ctx = _context(db, chat, REGISTRY)
        for name in DECLARED:
            decl = _declared(name)
            help_text = decl.help_text(lang, PREFIX)
            for sub in decl.subs:
                assert usage_line(decl, sub, lang, PREFIX) in help_text, (name, sub.name)
                shown = examples(decl, sub, lang, PREFIX)
                assert shown, (lang, name, sub.name, "no example")
                for example in shown:
                    parts = split_command(example, PREFIX)
                    assert parts is not None, example
                    cmd = REGISTRY.find(parts[0])
                    assert cmd is not None and cmd.name == name, example
                    try:
                        found, _values = decl.read(ctx, tokenize(parts[1]))
                    except UserError as err:  # pragma: no cover - the failure says why
                        pytest.fail(f"{lang}: {example!r} is refused: {ctx.refusal(err)}")
                    assert found is sub, (lang, example, found.name, sub.name)
            # the one line of the list (``!aide``) may show an example too: it reads as well
            for example in help_examples(name, lang):
                parts = split_command(example, PREFIX)
                assert parts is not None, example
                try:
                    decl.read(ctx, tokenize(parts[1]))
                except UserError as err:  # pragma: no cover - the failure says why
                    pytest.fail(f"{lang}: {example!r} is refused: {ctx.refusal(err)}")


def test_declared_help_has_no_hand_written_syntax() -> None:
    """A declared command's syntax is written from its declaration only."""
    for name in DECLARED:
        cmd = REGISTRY.by_name[name]
        for lang in i18n.LANGUAGES:
            assert cmd.help_full_key not in i18n.catalogue(lang), (lang, cmd.help_full_key)


async def test_a_wrong_argument_says_what_to_type(chat: Chat) -> None:
    await _room_with_state(chat, "fr")
    answer = await chat.one("alice", "!projet renommer KPA")
    assert answer.startswith("⚠️ Il manque un nom.")
    assert "!projet renommer <projet> <nom>" in answer
    assert '!projet renommer KPA "Nouveau nom"' in answer
    assert "!reglages journee <durée>" in await chat.one("alice", "!reglages journee")
    assert "réservé aux admins" in await chat.one("bob", "!reglages devise EUR")
    await chat.say("alice", "!langue en")
    answer = await chat.one("alice", "!project rename KPA")
    assert answer.startswith("⚠️ Missing: a name.")
    assert "!project rename <project> <name>" in answer


async def test_help_of_a_declared_command_is_its_declaration(chat: Chat) -> None:
    await _room_with_state(chat, "fr")
    answer = await chat.one("bob", "!aide projet")
    assert "!projet ajouter <CODE> [nom] — crée un projet" in answer
    assert '  ex. !projet ajouter KPA "KPA-Cités" · !projet ajouter ATL Atelier vélo' in answer
    assert answer.endswith("Aussi : !project")


def test_a_word_typed_as_it_is_shows_bare() -> None:
    """A required word (``levée``) is no placeholder: usage shows it bare; optional, in
    brackets."""
    question = _declared("question")
    lift = next(s for s in question.subs if s.name == "lift")
    assert usage_line(question, lift, "fr", PREFIX) == "!question <n°> levée"
    assert usage_line(question, lift, "en", PREFIX) == "!question <no.> lifted"
    rates = _declared("taux")
    off = next(s for s in rates.subs if s.name == "off")
    assert usage_line(rates, off, "fr", PREFIX) == "!taux [projet] aucun"


# --------------------------------------------------------------------------- anywhere and the rest


def _with_rest() -> Declared:
    """A command read as ``!contrib`` is: a leading mention, a duration required anywhere, a
    date anywhere, the rest as typed."""
    decl = Declared("jouet", family="help")

    @decl.sub(
        "log",
        Arg("who", Mention(), optional=True, anywhere=True, leading=True),
        Arg("length", DurationArg(), anywhere=True, refusal="contrib.error.missing_duration"),
        Arg("day", Day(), optional=True, anywhere=True),
        Arg("what", Rest(), optional=True, shown="text"),
        path=(),
    )
    def log(ctx: Context, **values: Any) -> None:  # pragma: no cover - read only
        pass

    return decl


def _read(ctx: Context, decl: Declared, text: str) -> dict[str, Any]:
    _sub, values = decl.read(ctx, tokenize(text), text)
    return values


async def test_arguments_stand_anywhere_and_the_rest_is_the_text_as_typed(chat: Chat) -> None:
    await _room_with_state(chat, "fr")
    decl = _with_rest()
    with Session(chat.runtime.engine) as db:
        ctx = _context(db, chat, REGISTRY)
        yesterday = ctx.today - dt.timedelta(days=1)
        values = _read(ctx, decl, 'atelier  hier 3h "AG" du soir')
        assert values["length"].minutes == 180 and values["day"] == yesterday
        # the words left, in their order, as typed: quotes kept, spaces between words one
        assert values["what"] == 'atelier "AG" du soir'
        values = _read(ctx, decl, "3h")
        assert (values["who"], values["day"], values["what"]) == (None, None, None)
        # without the text as typed (a test, say): the words joined
        _sub, values = decl.read(ctx, ["2h", "un mot", "hier"])
        assert values["what"] == "un mot" and values["day"] == yesterday
        # only the first value of each: a second date is text
        assert _read(ctx, decl, "hier 2h avant-hier")["what"] == "avant-hier"


async def test_a_leading_argument_reads_only_before_the_required_ones_and_the_rest(
    chat: Chat,
) -> None:
    await _room_with_state(chat, "fr")
    decl = _with_rest()
    with Session(chat.runtime.engine) as db:
        ctx = _context(db, chat, REGISTRY)
        assert _read(ctx, decl, "@bob 3h atelier")["who"] == "@bob"
        assert _read(ctx, decl, "hier @bob 3h atelier")["who"] == "@bob"  # after an optional one
        for text, what in (
            ("3h @bob atelier", "@bob atelier"),
            ("atelier @bob 3h", "atelier @bob"),
        ):
            values = _read(ctx, decl, text)
            assert (values["who"], values["what"]) == (None, what), text


async def test_a_required_argument_that_may_stand_anywhere_is_missing_or_read(chat: Chat) -> None:
    await _room_with_state(chat, "fr")
    decl = _with_rest()
    plain = Declared("jouet", family="help")  # without a Rest: the others read in their place

    @plain.sub("log", Arg("length", DurationArg(), anywhere=True), Arg("name", Text()), path=())
    def log(ctx: Context, **values: Any) -> None:  # pragma: no cover - read only
        pass

    with Session(chat.runtime.engine) as db:
        ctx = _context(db, chat, REGISTRY)
        # its refusal says more than the generated one: it answers the missing argument
        with pytest.raises(UserError) as refused:
            _read(ctx, decl, "atelier hier")
        assert refused.value.key == "contrib.error.missing_duration"
        assert _read(ctx, plain, "atelier 2h du soir") == {
            "length": _read(ctx, plain, "2h atelier du soir")["length"],
            "name": "atelier du soir",
        }
        with pytest.raises(UserError) as refused:
            _read(ctx, plain, "atelier du soir")
        assert refused.value.key == "declare.error.missing"
        assert ctx.refusal(refused.value).startswith("⚠️ Il manque une durée.")


def test_the_usage_of_a_command_with_a_rest() -> None:
    decl = _with_rest()
    [sub] = decl.subs
    assert usage_line(decl, sub, "fr", "!") == "!jouet [@personne] <durée> [date] [texte]"
    assert usage_line(decl, sub, "en", "!") == "!jouet [@person] <duration> [date] [text]"


def test_with_a_rest_the_other_arguments_stand_anywhere() -> None:
    decl = Declared("jouet", family="help")
    with pytest.raises(ValueError, match="anywhere"):
        decl.sub("log", Arg("length", DurationArg()), Arg("what", Rest()), path=())


def test_a_word_to_type_as_it_is_is_shown_bare() -> None:
    """A required choice of words stands in the usage line as the word to type; an optional one
    in brackets."""
    bucket = _declared("bucket")
    complete = next(s for s in bucket.subs if s.name == "complete")
    assert usage_line(bucket, complete, "fr", PREFIX) == "!bucket <numéro> terminé"
    assert usage_line(bucket, complete, "en", PREFIX) == "!bucket <number> done"
    me = _declared("moi")
    assert "[csv]" in " ".join(usage_line(me, s, "fr", PREFIX) for s in me.subs)


# --------------------------------------------------------------------------- the one line of help

_FRAGMENT = re.compile(rf"{re.escape(PREFIX)}[^\W\d_][^·—;()\n:]*")


def help_examples(name: str, lang: str) -> list[str]:
    """The commands that the help of ``name`` shows as they would be typed (syntax lines, with
    placeholders or choices, left out)."""
    cmd = REGISTRY.by_name[name]
    texts = [i18n.t(lang, cmd.help_key, prefix=PREFIX)]
    if i18n.has(lang, cmd.help_full_key):
        texts.append(i18n.t(lang, cmd.help_full_key, prefix=PREFIX))
    found: list[str] = []
    for text in texts:
        for fragment in _FRAGMENT.findall(text.replace(f", {PREFIX}", f" · {PREFIX}")):
            example = fragment.strip().rstrip(",.")
            parts = split_command(example, PREFIX)
            if parts is None or any(c in example for c in "<>[]|…"):
                continue
            if re.search(r"\b[A-Z]{4,}\b", example):  # CODE, PERSON: placeholders
                continue
            owner = REGISTRY.find(parts[0])
            if owner is not None and owner.name == name and example not in found:
                found.append(example)
    return found


def test_every_command_is_declared() -> None:
    """No command reads its own words: each is declared, so its help is written from what
    parses (and the examples above read)."""
    assert UNDECLARED == []


# --------------------------------------------------------------------------- the README


def _readme_section() -> str:
    text = README.read_text(encoding="utf-8")
    return text.split("## Adding a command", 1)[1].split("\n## ", 1)[0]


def _readme_blocks() -> dict[str, str]:
    section = _readme_section()
    blocks = re.findall(r"```(\w+)\n(.*?)```", section, re.DOTALL)
    return {kind: code for kind, code in blocks}


def _clear_catalogue_caches() -> None:
    i18n._bundle.cache_clear()
    i18n.catalogue.cache_clear()
    i18n._word_file.cache_clear()


@pytest.fixture
def readme_language(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The catalogues with the README's lines added to the French files (and, as they are, to
    the English ones)."""
    folder = tmp_path / "messages"
    shutil.copytree(i18n.MESSAGES_DIR, folder)
    parts = re.split(r"^# file: (\S+)\n", _readme_blocks()["ftl"], flags=re.MULTILINE)
    for lang in i18n.LANGUAGES:
        for name, body in zip(parts[1::2], parts[2::2], strict=True):
            path = folder / lang / name
            old = path.read_text(encoding="utf-8") if path.exists() else ""
            path.write_text(old.rstrip("\n") + "\n" + body, encoding="utf-8")
    monkeypatch.setattr(i18n, "MESSAGES_DIR", folder)
    _clear_catalogue_caches()
    yield "fr"
    monkeypatch.undo()
    _clear_catalogue_caches()


async def test_the_readme_example_registers_and_parses(readme_language: str, chat: Chat) -> None:
    code = _readme_blocks()["python"]
    namespace: dict[str, Any] = {"__name__": "readme_example"}
    exec(compile(code, str(README), "exec"), namespace)
    registry = Registry()
    namespace["register"](registry)
    [name] = registry.by_name
    decl = declaration_of(registry.by_name[name])
    assert decl is not None and len(decl.subs) == 2
    assert all(sub.args for sub in decl.subs)
    await _room_with_state(chat, "fr")
    with Session(chat.runtime.engine) as db:
        ctx = _context(db, chat, registry)
        for sub in decl.subs:
            shown = examples(decl, sub, readme_language, PREFIX)
            assert shown and usage_line(decl, sub, readme_language, PREFIX), sub.name
            for example in shown:
                parts = split_command(example, PREFIX)
                assert parts is not None and registry.find(parts[0]) is not None, example
                found, values = decl.read(ctx, tokenize(parts[1]))
                assert found is sub, example
                assert all(v is not None for v in values.values()), (example, values)
        help_text = decl.help_text(readme_language, PREFIX)
        assert all(usage_line(decl, s, readme_language, PREFIX) in help_text for s in decl.subs)
        # what the README says help and a refusal write
        section = _readme_section()
        assert f"```\n{help_text}\n```" in section
        with pytest.raises(UserError) as refused:
            decl.read(ctx, tokenize("donner @bob"))
        assert f"« {ctx.refusal(refused.value)} »" in " ".join(section.split())
        db.rollback()
