"""Keyword options of declared commands (``commands.declare_options``): a keyword and its typed
value, or a flag-word, in any order, each at most once; what does not read is refused in the
room's language, saying what to type; usage shows every option."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from commands.args import DurationArg, Number, Percent
from commands.core import Settings, UserError
from commands.declare import Arg, Declared, Opt, Options, usage_line
from commands.declare_help import shown_arg
from commands.grammar import Duration
from tests.conftest import Chat

OPTIONS = Options(
    (
        Opt("amount", converter=Number(minimum=1), required=True),
        Opt("mode", words="budget.mode.libre", value="libre"),
        Opt("mode", words="budget.mode.proportional", value="proportionnel"),
        Opt("commons", words="budget.commons", converter=Percent(most=9999)),
        Opt("min", words="budget.min", converter=DurationArg()),
        Opt("validations", words="budget.validations", converter=Number(minimum=1, maximum=100)),
    ),
    command="budget",
)
# what each option says, as words, and what it reads as
CHUNKS: dict[str, tuple[list[str], Any]] = {
    "amount": (["300"], 300),
    "mode": (["proportionnel"], "proportionnel"),
    "commons": (["commun", "10", "%"], 1000),
    "min": (["min", "5h"], Duration(300)),
    "validations": (["validations", "3"], 3),
}


def _ctx(lang: str = "fr") -> Any:
    return SimpleNamespace(settings=Settings(), lang=lang, room=SimpleNamespace(day_minutes=420))


def _refusal(tokens: list[str], lang: str = "fr") -> UserError:
    with pytest.raises(UserError) as caught:
        OPTIONS.read(_ctx(lang), tokens)
    return caught.value


@given(st.permutations(sorted(CHUNKS)), st.data())
def test_options_read_in_any_order(order: list[str], data: st.DataObject) -> None:
    said = data.draw(st.lists(st.sampled_from(order), unique=True))
    tokens = [word for name in order if name in said for word in CHUNKS[name][0]]
    read = OPTIONS.read(_ctx(), tokens)
    assert read == {name: CHUNKS[name][1] if name in said else None for name in CHUNKS}


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_an_option_given_twice_is_refused(lang: str) -> None:
    err = _refusal(["300", "min", "5h", "validations", "2", "minimum", "3h"], lang)
    assert err.key == "declare.option.twice"
    assert err.params["word"] == "minimum"
    assert err.params["usage"] == ("min <durée>" if lang == "fr" else "min <duration>")
    # two flags of one name exclude each other
    assert _refusal(["libre", "300", "proportionnel"], lang).key == "declare.option.twice"
    # a value alone given twice is a word nobody reads
    assert _refusal(["300", "400"], lang).key == "declare.option.unknown"


def test_a_keyword_without_its_value_is_refused() -> None:
    err = _refusal(["300", "validations"])
    assert (err.key, err.params["word"]) == ("declare.option.missing", "validations")
    assert err.params["what"] == "un nombre"
    # the next word is another keyword: the value is missing, not wrong
    err = _refusal(["300", "commun", "min", "5h"])
    assert (err.key, err.params["word"]) == ("declare.option.missing", "commun")


def test_a_value_that_does_not_read_is_refused() -> None:
    err = _refusal(["300", "validations", "mille"])
    assert err.key == "declare.option.wrong"
    assert (err.params["value"], err.params["word"]) == ("mille", "validations")
    assert _refusal(["300", "commun", "100%"]).key == "declare.option.wrong"


def test_an_unknown_word_is_refused() -> None:
    err = _refusal(["300", "plafonds"])
    assert (err.key, err.params["value"]) == ("declare.option.unknown", "plafonds")
    assert err.params["usage"].startswith("<nombre> [libre|proportionnel] [commun <pourcentage>]")


def test_an_option_with_a_refusal_of_its_own_answers_it() -> None:
    own = Options(
        (Opt("min", words="budget.min", converter=DurationArg(), refusal="budget.error.min"),),
        unknown="budget.error.bad_token",
    )
    with pytest.raises(UserError) as caught:
        own.read(_ctx(), ["min", "beaucoup"])
    assert caught.value.key == "budget.error.min"
    with pytest.raises(UserError) as caught:
        own.read(_ctx(), ["plus"])
    assert (caught.value.key, caught.value.params["token"]) == ("budget.error.bad_token", "plus")


def test_usage_shows_the_options() -> None:
    demo = Declared("budget", family="budget")
    arg = Arg("terms", OPTIONS)
    assert shown_arg(arg, "en") == (
        "<number> [free|proportional] [commons <percentage>] [min <duration>]"
        " [validations <number>]"
    )

    @demo.sub("create", arg, path=())
    def create(ctx: Any, terms: dict[str, Any]) -> None: ...

    assert usage_line(demo, demo.subs[0], "fr", "!").startswith("!budget <nombre> [libre|")


@pytest.mark.parametrize("lang", ["fr", "en"])
async def test_an_envelope_term_given_twice_is_refused(chat: Chat, lang: str) -> None:
    await chat.join("alice")
    await chat.say("alice", "!projet ajouter KPA Cités")
    if lang == "en":
        await chat.say("alice", "!langue en")
    await chat.say("alice", "!contrib 10h KPA")
    cap, rate = ("plafond", "taux") if lang == "fr" else ("cap", "rate")
    said = "\n".join(await chat.say("alice", f"!budget KPA 1000€ mois {cap} 400€ {cap} 500€"))
    assert ("plafond <montant>" if lang == "fr" else "cap <amount>") in said
    assert ("deux fois" if lang == "fr" else "twice") in said
    # the same words in another order still create the envelope
    said = "\n".join(await chat.say("alice", f"!budget KPA {rate} 20€/h 1000€ {cap} 1000€ mois"))
    assert "#1" in said, said
