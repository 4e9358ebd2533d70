"""``!contrib`` is declared (``commands.declare``): its declaration reads every text as the
grammar's ``parse_contrib`` does, the same values or the same refusal of the same words."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from commands.contrib.handlers import CONTRIB
from commands.core import Context, UserError
from commands.grammar import IMPOSSIBLE, NEEDS_YEAR, OUT_OF_RANGE, parse_contrib, tokenize
from commands.projects import known_codes
from tests.conftest import Chat
from tests.test_declare import _context, _room_with_state

# words of every kind the grammar reads, and those it refuses, so that they meet in any order
WORDS = [
    "3h",
    "1h30",
    "1,5h",
    "45",
    "min",
    "h",
    "0h",
    "-2h",
    "−1h",
    "2j",
    "90min",
    "10H",
    "+1h",
    "3",
    "hier",
    "avant-hier",
    "lundi",
    "le",
    "12/11",
    "12/01",
    "12/01/2026",
    "01/01/1990",
    "32/01",
    "31/04",
    "2026-13-01",
    "01/01/0001",
    "12",
    "novembre",
    "31",
    "avril",
    "2025",
    "1er",
    "mai",
    "#KPA",
    "KPA",
    "kpa",
    "ATL",
    "#X",
    "#compta",
    "KAP",
    "@bob",
    "@alice:localhost",
    "@everyone",
    "atelier",
    "du",
    "soir",
    '"AG"',
    "«réunion»",
    "“KPA”",
    "12.50",
    "50/50",
]
REFUSALS = {
    "negative": "contrib.error.negative",
    "missing_duration": "contrib.error.missing_duration",
    NEEDS_YEAR: "grammar.date.needs_year",
    IMPOSSIBLE: "grammar.date.impossible",
    OUT_OF_RANGE: "grammar.date.out_of_range",
}
TEXTS = st.one_of(
    st.lists(st.sampled_from(WORDS), max_size=8).map(" ".join),
    st.lists(st.sampled_from(WORDS) | st.text(max_size=6), max_size=6).map("  ".join),
)


def _by_the_grammar(ctx: Context, text: str) -> tuple[Any, ...]:
    p = parse_contrib(
        text,
        today=ctx.today,
        known_codes=known_codes(ctx),
        day_minutes=ctx.room.day_minutes,
        max_past_days=ctx.room.max_past_days,
    )
    if p.error is not None:
        return (REFUSALS[p.error], p.bad_token)
    return (p.user, p.minutes, p.day, p.project_token, p.description)


def _by_the_declaration(ctx: Context, text: str) -> tuple[Any, ...]:
    try:
        _sub, v = CONTRIB.read(ctx, tokenize(text), text)
    except UserError as err:
        return (err.key, err.params.get("token"))
    day = v["day"] or ctx.today
    return (v["user"], v["minutes"], day, v["project_word"], v["description"] or "")


async def test_the_declaration_of_contrib_reads_as_the_grammar(chat: Chat) -> None:
    await _room_with_state(chat, "fr")  # projects KPA and ATL
    with Session(chat.runtime.engine) as db:
        ctx = _context(db, chat, chat.runtime.registry)
        ctx.room.max_past_days = 30  # a date without its year may need it

        @settings(max_examples=400, deadline=None, derandomize=True, database=None)
        @given(TEXTS)
        def reads_the_same(text: str) -> None:
            assert _by_the_declaration(ctx, text) == _by_the_grammar(ctx, text), text

        reads_the_same()
        for text, expected in (
            ('atelier hier #KPA 3h30 "avec" Bob', ("#KPA", 'atelier "avec" Bob')),
            ("hier @bob 2h", ("@bob", "")),
            ("3h hier 31/04", ("grammar.date.impossible", "31/04")),
        ):
            got = _by_the_declaration(ctx, text)
            assert expected[0] in got and expected[1] in got, (text, got)
        db.rollback()
