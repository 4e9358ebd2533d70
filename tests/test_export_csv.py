"""Every CSV the bot writes is safe to open in a spreadsheet: no text cell starts a formula, the
numbers the bot computed stay numbers (negative ones too), and the neutralisation can be undone
when the bot's own exports are read back."""

from __future__ import annotations

import csv
import io

import pytest
from babel.numbers import NumberFormatError, parse_decimal
from hypothesis import given
from hypothesis import strategies as st

from commands.export import csv_bytes, hours_cell, money_cell, neutralise


def read(data: bytes, lang: str = "fr") -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=";" if lang == "fr" else ","))


def reads_as_number(cell: str, lang: str) -> bool:
    """What a spreadsheet in ``lang`` does with a cell: a number if the locale parses it whole
    (``-1,50`` in French), text otherwise (a leading ``'`` is never part of a number)."""
    try:
        parse_decimal(cell, locale="fr_FR" if lang == "fr" else "en_US", strict=True)
    except NumberFormatError:
        return False
    return True


def restore(cell: str) -> str:
    """How an import of the bot's own export undoes the neutralisation (see ``csv_bytes``)."""
    return cell[1:] if cell.startswith("'") else cell


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "'"])
def test_text_that_starts_a_formula_gets_a_quote(start):
    assert neutralise(f"{start}1+1") == f"'{start}1+1"


@pytest.mark.parametrize(
    "text", ["", "atelier", "Épicerie « solidaire »", "12 h", " =1+1", "a=b", "#KPA", "1-1"]
)
def test_other_text_is_left_as_it_is(text):
    assert neutralise(text) == text


@pytest.mark.parametrize(
    ("lang", "amount", "hours"), [("fr", "-1,50", "1,5"), ("en", "-1.50", "1.5")]
)
def test_numbers_the_bot_writes_stay_numbers_and_people_text_does_not(lang, amount, hours):
    header = ["personne", "identifiant", "minutes", "heures", "montant", "description"]
    row = ["-1+1", "@bob:example.org", -90, hours_cell(90), money_cell(-150), "=HYPERLINK(1)"]
    [head, cells] = read(csv_bytes(header, [row], lang), lang)
    assert head == header
    assert cells == ["'-1+1", "'@bob:example.org", "-90", hours, amount, "'=HYPERLINK(1)"]
    assert [reads_as_number(c, lang) for c in cells] == [False, False, True, True, True, False]
    assert reads_as_number("-1+1", lang) is False  # a formula, not a number: hence the quote


def test_hours_and_money_cells():
    assert [str(hours_cell(m)) for m in (0, 20, 60, 90, 6000, 60_000)] == [
        "0",
        "0.33",
        "1",
        "1.5",
        "1E+2",
        "1E+3",
    ]
    data = csv_bytes(["h"], [[hours_cell(6000)], [hours_cell(60_000)], [hours_cell(61)]], "fr")
    assert [r[0] for r in read(data)[1:]] == ["100", "1000", "1,02"]  # no grouping, no exponent
    assert [str(money_cell(c)) for c in (0, 5, -150, 123456)] == [
        "0.00",
        "0.05",
        "-1.50",
        "1234.56",
    ]


@given(st.lists(st.text(max_size=12), min_size=1, max_size=4))
def test_no_text_cell_starts_a_formula_and_reading_back_gives_the_text(texts):
    for lang in ("fr", "en"):
        [_, cells] = read(csv_bytes(["x"] * len(texts), [texts], lang), lang)
        for cell, text in zip(cells, texts, strict=True):
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
            assert restore(cell) == text
