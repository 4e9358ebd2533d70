"""No input crashes a command: a fuzzer drives every command of every family through the
dispatcher, as a member and as an admin, in rooms that hold some state (projects, contributions,
an open round with buckets, allocations and fundings, envelopes with requests, schedules), so
that deep paths are reached.

Every command word comes from the registry and every subcommand word from the family modules'
own source or, for a declared command, from its declaration's catalogue words, so a new command or a new word is fuzzed without editing this file. Each input runs
in a transaction that is rolled back afterwards: every example sees the same rooms.

Asserted for every input: no internal error (the dispatcher's "crash" outcome), and every refusal
says what to type (a command with its prefix, or an example).

In CI the search is derandomized with a fixed number of examples per command. ``./dev fuzz`` runs
a longer random search (``CAGNOTTE_FUZZ_EXAMPLES``); whatever it finds goes into ``KNOWN``.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import os
import re
import shutil
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session

import commands
from commands import build_registry, i18n, recap
from commands.args import Choice
from commands.core import OUTCOME_CRASH, OUTCOME_ERROR, Dispatcher, Queued, Settings
from commands.declare import Options, declaration_of
from commands.deferred import pending_jobs, render
from commands.events import Message, Role
from storage import clock as process_clock
from storage.db import make_engine, open_database, sqlite_url
from storage.models import ChatEvent
from tests.postgres import PostgresServer
from tests.test_catalogues import SAYS_WHAT_TO_TYPE

NOW = dt.datetime(2026, 11, 26, 11, 0, tzinfo=dt.UTC)  # Thursday 26 Nov 2026, 12:00 in Paris
PREFIX = Settings().prefix
REGISTRY = build_registry()
COMMANDS = sorted(REGISTRY.by_name)

LONG_RUN = int(os.environ.get("CAGNOTTE_FUZZ_EXAMPLES", "0") or 0)
EXAMPLES = LONG_RUN or 20  # per command; CI: derandomized, a few seconds in all
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=not LONG_RUN,
    deadline=None,
    database=None if not LONG_RUN else settings.default.database,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

ADMIN, MEMBER, OTHER, NEWCOMER = "@alice:localhost", "@bob:localhost", "@carol:localhost", "@dave"
SENDERS = (ADMIN, MEMBER, OTHER, NEWCOMER)

INTERNAL_ERROR = tuple(
    i18n.t(lang, "core.internal_error", ref="@@").split("@@")[0] for lang in i18n.LANGUAGES
)


# --------------------------------------------------------------------------- the vocabulary


def _lines(block: str) -> list[str]:
    return [line for line in block.strip("\n").split("\n") if line]


UNICODE_DIGITS = _lines("""
²
³
¹
٣
۳
١٢
１２
０
５€
³h
²/¹¹
½
Ⅻ
१०
𝟙𝟚
""")
BIG_NUMBERS = _lines("""
99999999999999999999
#99999999999999999999
-99999999999999999999
9223372036854775807
9223372036854775808
18446744073709551616
99999999999999999999€
99999999999999999999h
999999h
4294967296
2147483648
10000000€
10000000,01€
""")
DATES = _lines("""
31/12/9999
0000-01
12/9999
01/01/0001
9999-12-31
0001-01-01
0000-01-01
31/12/0000
00/00/0000
01/0000
9999
0000
1969
1970
1900
29/02/2025
29/02/2028
29/02
32/01
31/04
00/11
12/13
13/13/2026
12/11
12/11/2025
12/11/26
12.11.26
01/01/1990
2026-11-12
2026-13-01
hier
avant-hier
demain
lundi
dimanche
yesterday
novembre
octobre 2025
décembre 9999
janvier 0
12 novembre 9999
1er mai 0001
du 01/01/0001 au 31/12/9999
du 01/01/1970 au 31/12/2999
depuis 01/01/0001
01/01/0001-31/12/9999
01/11-15/11
semaine dernière
mois dernier
tout
2026-11
11/2026
9999-12
le
du
au
jusqu'au
""")
AMOUNTS = _lines("""
1.500€
1,500€
2.000
0.001€
0,001€
1e3€
1E3
1e308€
1 000,50 €
1 000 €
1\u00a0000€
1\u202f000,50\u00a0€
12,50€
12.50 €
EUR 12
12€50
1500€
1.500.000€
1,500.50€
1.500,50€
5€
20€
-5€
−5€
+5€
0€
0
€
EUR
$5
5 USD
CHF
nan€
inf€
Infinity
NaN
1_000€
1'000€
12..5€
€12€
50%
100%
0%
%
1e3%
1e999999999%
NaN%
-5%
150%
20€/h
20€/heure
/h
💶=5€
💰=20€
=5€
💶=
""")
DURATIONS = _lines("""
3h
1,5h
1.5h
3h30
90min
45
min
2j
-2h
0h
24h
25h
9h
9h30
17:00
99:99
5pm
25h61
""")
IDS = _lines("""
1
#1
2
#2
3
4
0
-1
#
#0
01
1.0
1,5
""")
MENTIONS = _lines("""
@bob
@bob:localhost
@alice:localhost
@carol:localhost
@everyone
@room
@channel
@
@@
@bob:
@dave
@ghost:example.org
""")
CODES = _lines("""
KPA
#KPA
kpa
#kpa
CIT
#CIT
OLD
KAP
#XYZ
AG
#
##
#KPA,
""")
QUOTES = _lines("""
"
“
”
«
»
"KPA Cités"
« Café »
'
''
""
"unclosed
“x
""")
CONTROLS = ["\x00", "\x07", "\x1b[31m", "\u200b", "\u200f", "\u202e", "\u2066", "\ufeff", "\r"]
CONTROLS += ["\t", "\u2028", "\ud800", "\udc00x", "\U0001f4b6"]
EMOJI = ["💶", "💰", "✅", "❓", "🪣", "👨‍👩‍👧", "🇫🇷", "☑"]
LONG = ["a" * 5000, "9" * 300, "9" * 40, "1" + "0" * 30 + "€", "€" * 100, "#" + "A" * 200]
LONG += ["@" + "b" * 300, "1" * 64 + "€"]
VOCABULARY = (
    UNICODE_DIGITS
    + BIG_NUMBERS
    + DATES
    + AMOUNTS
    + DURATIONS
    + IDS
    + MENTIONS
    + CODES
    + QUOTES
    + CONTROLS
    + EMOJI
    + LONG
)

_WORD = re.compile(r"^[^\W\d_][\w'’\-]{0,24}%?$")


def _module_words(module_name: str) -> set[str]:
    """Every short word written in a module's source (a package: in each of its modules): its
    subcommand words, among others."""
    module = importlib.import_module(module_name)
    folders = getattr(module, "__path__", None)
    files = (
        sorted(path for folder in folders for path in Path(folder).rglob("*.py"))
        if folders
        else [Path(module.__file__ or "")]
    )
    trees = [ast.parse(path.read_text(encoding="utf-8")) for path in files]
    # the names a package re-exports are not words anyone types
    exported = {
        id(node)
        for tree in trees
        for statement in tree.body
        if isinstance(statement, ast.Assign)
        and any(isinstance(t, ast.Name) and t.id == "__all__" for t in statement.targets)
        for node in ast.walk(statement.value)
    }
    return {
        node.value
        for tree in trees
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and _WORD.match(node.value)
        and id(node) not in exported
    }


def _declared_words(module: str) -> set[str]:
    """The catalogue's words of the subcommands (and word arguments) of the commands that
    ``module`` declares (``commands.declare``), or one of its modules when it is a package."""
    words: set[str] = set()
    for cmd in REGISTRY.by_name.values():
        decl = declaration_of(cmd)
        where = cmd.handler.__module__
        if decl is None or not (where == module or where.startswith(f"{module}.")):
            continue
        for sub in decl.subs:
            for key in sub.path:
                words |= set(i18n.words(f"sub.{decl.name}.{key}"))
            for arg in sub.args:
                if isinstance(arg.converter, Choice):
                    words |= set(i18n.words(arg.converter.key))
                if isinstance(arg.converter, Options):  # keyword options and flag-words
                    for opt in arg.converter.options:
                        words |= set(i18n.words(opt.words)) if opt.words else set()
    return words


FAMILY_MODULES = sorted({f.__name__ for f in commands.FAMILIES} | {"commands.schedules"})
FAMILY_WORDS = {
    name: sorted(_module_words(name) | _declared_words(name)) for name in FAMILY_MODULES
}
ALL_WORDS = sorted({w for words in FAMILY_WORDS.values() for w in words})


def command_words(name: str) -> list[str]:
    cmd = REGISTRY.by_name[name]
    return [cmd.name, *cmd.aliases]


def subcommand_words(name: str) -> list[str]:
    module = REGISTRY.by_name[name].handler.__module__
    # the family's words: its module's, or its package's when the handler is in one of its modules
    family = next((m for m in FAMILY_WORDS if module == m or module.startswith(f"{m}.")), None)
    return (FAMILY_WORDS[family] if family else []) or ALL_WORDS


def token(name: str, room: str) -> st.SearchStrategy[str]:
    numbers = sorted(set(NUMBERS[room].values()))
    return st.one_of(
        st.sampled_from(VOCABULARY),
        st.sampled_from(numbers + [f"#{n}" for n in numbers]),
        st.sampled_from(subcommand_words(name)),
        st.sampled_from(ALL_WORDS),
        st.text(max_size=12),
        st.from_regex(r"[0-9]{1,22}([.,/ -][0-9]{1,5}){0,3}[€%hj]?", fullmatch=True),
    )


@dataclass(frozen=True)
class Input:
    room: str
    sender: str
    body: str
    edit_of: str | None = None
    direct: bool = False  # the room is a direct conversation with the bot

    @property
    def role(self) -> Role:
        return Role.ADMIN if self.sender == ADMIN else Role.MEMBER


@st.composite
def inputs(draw: st.DrawFn, name: str) -> Input:
    room = draw(st.sampled_from(ROOMS))
    sender = draw(st.sampled_from(SENDERS))
    word = draw(st.sampled_from(command_words(name)))
    tokens = draw(st.lists(token(name, room), max_size=7))
    sep = draw(st.sampled_from([" ", " ", " ", "  ", "\n", "\u00a0"]))
    body = f"{PREFIX}{word} " + sep.join(tokens)
    edit_of = None
    if REGISTRY.by_name[name].editable and draw(st.booleans()):
        edit_of = draw(st.sampled_from(sorted(EDITABLE[room])))
    direct = REGISTRY.by_name[name].family in DIRECT_FAMILIES and draw(st.booleans())
    return Input(room, sender, body, edit_of, direct)


# --------------------------------------------------------------------------- the rooms

ROOMS = ("!fr", "!en")
# families whose commands answer in a direct conversation with the bot: fuzzed there too
DIRECT_FAMILIES = ("data", "statement")
# messages of the state that an editable command may be an edit of (their id -> sender)
EDITABLE: dict[str, dict[str, str]] = {room: {} for room in ROOMS}
# the numbers of what the state created, per room (contributions, buckets, envelopes, requests)
NUMBERS: dict[str, dict[str, str]] = {room: {} for room in ROOMS}

# (sender, command, name of the number it creates): the numbers are read from the answers, so
# that the state does not depend on how numbers are counted
STATE: list[tuple[str, str, str | None]] = [
    (ADMIN, "!projet ajouter KPA Kaléidoscope", None),
    (ADMIN, "!projet ajouter CIT Cités", None),
    (ADMIN, "!projet ajouter OLD Ancien", None),
    (ADMIN, "!projet archiver OLD", None),
    (ADMIN, "!contrib 3h hier atelier KPA", "c1"),
    (MEMBER, "!contrib 2h 02/11 #KPA compta", "c2"),
    (MEMBER, "!contrib 4h 15/10 KPA rangement", "c3"),
    (OTHER, "!contrib 1h30 lundi #CIT accueil", "c4"),
    (OTHER, "!contrib 2h 12/10 CIT permanence", None),
    (OTHER, "!contrib 1h 12/11 #KPA atelier", None),
    (ADMIN, "!contrib 2h 12/10 CIT réunion", None),
    (ADMIN, "!tour ouvrir Printemps 1000€ jusqu'au 31/12", None),
    (ADMIN, "!allouer tous 100€", None),
    (MEMBER, "!bucket Vélos 50€ max 80€ pour l'atelier", "b1"),
    (OTHER, "!bucket Café 20€", "b2"),
    (MEMBER, '!bucket "Machine à coudre" 300€', "b3"),
    (OTHER, "!financer {b1} 20€", None),
    (ADMIN, "!financer {b2} 20€", None),
    (MEMBER, "!financer {b3} 10€", None),
    (ADMIN, "!budget KPA 500€ novembre", "e1"),
    (MEMBER, "!demande KPA 120€ outils", "d1"),
    (OTHER, "!demande KPA 30€ affiches", "d2"),
    (ADMIN, "!question {d1} pourquoi ce montant ?", None),
    (OTHER, "!valider {d1}", None),
    (ADMIN, "!budget CIT 300€ octobre proportionnel plafond 200€ commun 10%", "e2"),
    (OTHER, "!budget CIT je-donne 10%", None),
    (ADMIN, "!recap planifier lundi 9h", None),
    (ADMIN, "!rappel vendredi 17h", None),
]


def _build(engine: Engine) -> None:
    d = Dispatcher(engine, REGISTRY, Settings(), clock=lambda: NOW)
    for room in ROOMS:
        if room == "!en":
            d.handle(
                Message(
                    platform="console",
                    event_id="$en",
                    room_id=room,
                    sender=ADMIN,
                    body="!langue en",
                    role=Role.ADMIN,
                    timestamp=NOW,
                ),
                NOW,
            )
        numbers = NUMBERS[room]
        for n, (sender, template, label) in enumerate(STATE):
            body = template.format(**numbers)
            event_id = f"$s{room[1:]}{n}"
            role = Role.ADMIN if sender == ADMIN else Role.MEMBER
            name = sender.split(":")[0].lstrip("@").title()
            sent = d.handle(
                Message(
                    platform="console",
                    event_id=event_id,
                    room_id=room,
                    sender=sender,
                    sender_name=name,
                    body=body,
                    role=role,
                    timestamp=NOW,
                ),
                NOW,
            )
            with Session(engine) as db:
                row = db.get(ChatEvent, event_id)
            assert row is not None and row.command not in (OUTCOME_ERROR, OUTCOME_CRASH), (
                room,
                body,
                [q.body for q in sent],
            )
            if label is not None:
                found = re.search(r"#(\d+)", " ".join(q.body for q in sent))
                assert found, (room, body, [q.body for q in sent])
                numbers[label] = found.group(1)
            word = body.split()[0][1:]
            cmd = REGISTRY.find(word)
            if cmd is not None and cmd.editable:
                EDITABLE[room][event_id] = sender


@pytest.fixture(scope="module")
def fuzz_db(tmp_path_factory: pytest.TempPathFactory, template_db: Path) -> Iterator[Engine]:
    # the recap's chart is drawn by matplotlib in 0.2 s: its own tests draw it; here a stand-in
    # keeps the fuzzer fast (what the recap reads and says still runs)
    patch = pytest.MonkeyPatch()
    patch.setattr(recap, "render", lambda _data: b"\x89PNG")
    path = tmp_path_factory.mktemp("fuzz") / "fuzz.db"
    shutil.copy(template_db, path)
    engine = make_engine(sqlite_url(path))
    with process_clock.using(lambda: NOW):
        _build(engine)
    yield engine
    engine.dispose()
    patch.undo()


@dataclass
class Outcome:
    command: str | None
    answers: list[Queued]

    @property
    def texts(self) -> list[str]:
        return [q.body for q in self.answers]


def run(engine: Engine, given: Input, event_id: str = "$fuzz") -> Outcome:
    """Handle one input through the dispatcher, in a transaction that is then rolled back."""
    with process_clock.using(lambda: NOW), engine.connect() as conn:
        outer = conn.begin()
        try:
            dispatcher = Dispatcher(conn, REGISTRY, Settings(), clock=lambda: NOW)  # type: ignore[arg-type]
            event = Message(
                platform="console",
                event_id=event_id,
                room_id=given.room,
                sender=given.sender,
                sender_name=given.sender.split(":")[0].lstrip("@").title(),
                body=given.body,
                role=given.role,
                timestamp=NOW,
                edit_of=given.edit_of,
                edit_of_sender=given.sender if given.edit_of else None,
                is_direct=given.direct,
            )
            sent = dispatcher.handle(event, NOW)
            with Session(conn) as db:
                row = db.get(ChatEvent, event_id)
                command = row.command if row else None
                if given.direct:  # what is rendered after the transaction is fuzzed too
                    for job in pending_jobs(db, given.room):
                        render(db, REGISTRY, Settings(), job, NOW)
        finally:
            outer.rollback()
    return Outcome(command, sent)


def check(engine: Engine, given: Input) -> Outcome:
    out = run(engine, given)
    assert out.command != OUTCOME_CRASH, (given, out.texts)
    for text in out.texts:
        assert not text.startswith(INTERNAL_ERROR), (given, text)
    if out.command == OUTCOME_ERROR:
        refusal = out.texts[-1]
        assert SAYS_WHAT_TO_TYPE.search(refusal), (given, refusal)
    return out


# --------------------------------------------------------------------------- the fuzzer


@pytest.mark.parametrize("name", COMMANDS)
def test_no_input_crashes_a_command(fuzz_db: Engine, name: str) -> None:
    @FUZZ
    @given(inputs(name))
    def fuzz(given: Input) -> None:
        check(fuzz_db, given)

    fuzz()


# every input that once crashed a command (the list, and what the fuzzer found since):
# (room, sender, message)
KNOWN: list[tuple[str, str, str]] = [
    ("!fr", MEMBER, "!annuler ²"),
    ("!fr", MEMBER, "!financer ³ 5€"),
    ("!fr", MEMBER, "!annuler 99999999999999999999"),
    ("!fr", MEMBER, "!bucket Gros 99999999999999999999€"),
    ("!fr", MEMBER, "!bucket Gros 20€ max 99999999999999999999€"),
    ("!fr", ADMIN, "!tour réactions 💶=99999999999999999999€"),
    ("!fr", ADMIN, "!reglages admin 99999999999999999999"),
    ("!fr", MEMBER, "!contribs 31/12/9999"),
    ("!fr", MEMBER, "!recap 0000-01"),
    ("!fr", MEMBER, "!export csv 12/9999"),
    ("!fr", MEMBER, "!recap tout"),
    ("!fr", MEMBER, "!recap 01/01/0001"),
    ("!fr", MEMBER, "!recap du 01/01/1970 au 31/12/2999"),
    ("!fr", MEMBER, "!contribs décembre 9999"),
    ("!en", MEMBER, "!contribs 9999-12-31"),
    ("!fr", ADMIN, "!allouer contributions 0000-01"),
    ("!fr", ADMIN, "!allouer tous 99999999999999999999€"),
    ("!fr", ADMIN, "!budget KPA 99999999999999999999€ octobre"),
    ("!fr", ADMIN, "!budget CIT 500€ 0000-01"),
    ("!fr", ADMIN, "!budget KPA 500€ novembre commun 1e999999999%"),
    ("!fr", ADMIN, "!budget KPA 500€ novembre validations ²"),
    ("!fr", OTHER, "!budget CIT je-donne 1e999999999%"),
    ("!fr", MEMBER, "!demande KPA 99999999999999999999€"),
    ("!fr", MEMBER, "!question ²"),
    ("!fr", MEMBER, "!valider ³"),
    ("!fr", MEMBER, "!valider 99999999999999999999"),
    ("!fr", MEMBER, "!bucket ²"),
    ("!fr", MEMBER, "!bucket 99999999999999999999 annuler"),
    ("!fr", ADMIN, "!tour ouvrir Été 100€ jusqu'au 31/12/9999"),
    ("!fr", ADMIN, "!rappel ³h vendredi"),
    ("!fr", MEMBER, "!bucket x 20€ \ud800"),
    ("!fr", MEMBER, "!contrib 2h \x00 nul"),
]


@pytest.mark.parametrize(("room", "sender", "body"), KNOWN)
def test_inputs_that_once_crashed_are_answered(
    fuzz_db: Engine, room: str, sender: str, body: str
) -> None:
    out = check(fuzz_db, Input(room, sender, body))
    assert out.texts and out.command != OUTCOME_CRASH


def test_every_command_and_family_is_fuzzed() -> None:
    assert len(COMMANDS) >= 20
    families = {REGISTRY.by_name[name].family for name in COMMANDS}
    assert families == set(REGISTRY.families)
    assert {"ouvrir", "fermer", "je-donne", "planifier", "ajouter"} <= set(ALL_WORDS)


@pytest.fixture(scope="module")
def fuzz_pg(postgres_server: PostgresServer) -> Iterator[Engine]:
    engine = open_database(postgres_server.new_database(f"fuzz{uuid.uuid4().hex[:12]}"))
    with process_clock.using(lambda: NOW):
        _build(engine)
    yield engine
    engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("room", "sender", "body"),
    [
        *KNOWN,
        ("!fr", MEMBER, "!bucket Grand 10000000€"),
        ("!fr", ADMIN, "!budget KPA 10 000 000,00 € octobre"),
        ("!fr", MEMBER, "!contrib 2h \x00 \ud800 nul"),
    ],
)
def test_inputs_that_once_crashed_are_answered_on_postgresql(
    fuzz_pg: Engine, room: str, sender: str, body: str
) -> None:
    """The same on PostgreSQL, whose columns are narrower (32-bit cents) and stricter (no NUL)."""
    out = check(fuzz_pg, Input(room, sender, body))
    assert out.texts and out.command != OUTCOME_CRASH
