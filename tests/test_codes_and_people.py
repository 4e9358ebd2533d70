"""The rules behind "nothing is misread", as pure functions: which words look like project
codes, which member a mention names, how look-alike names are told apart."""

from __future__ import annotations

import string

from hypothesis import assume, given
from hypothesis import strategies as st

from commands.grammar import fold
from commands.people import Candidate, is_group_mention, match_person
from commands.projects import close_codes, looks_like_code
from storage.queries import label_people

KNOWN = frozenset({"kpa", "ag", "compta"})

caps_code = st.text(string.ascii_uppercase + string.digits, min_size=2, max_size=10).filter(
    lambda w: any(c.isalpha() for c in w)
)
lower_word = st.text(string.ascii_lowercase, min_size=1, max_size=12)


# --------------------------------------------------------------------------- codes


def test_examples():
    yes = ["KAP", "KPA", "AG", "CA", "KPA2", "kap", "Kpa", "kpa", "comtpa", "compt", "KAP,", "(AG)"]
    no = ["atelier", "à", "au", "a", "la", "réunion", "10H", "2h30", "12", "2026", "Kp", "K"]
    assert [w for w in yes if not looks_like_code(w, KNOWN)] == []
    assert [w for w in no if looks_like_code(w, KNOWN)] == []


@given(caps_code)
def test_capital_letters_and_digits_look_like_a_code(word):
    from commands.grammar import parse_duration

    assume(parse_duration(word) is None)
    assert looks_like_code(word)


def _one_edit(word: str, data: st.DataObject) -> str:
    """``word`` after one insertion, deletion, substitution or swap of neighbours."""
    i = data.draw(st.integers(0, len(word) - 1))
    op = data.draw(st.sampled_from(["insert", "delete", "substitute", "swap"]))
    letter = data.draw(st.sampled_from(string.ascii_lowercase))
    if op == "insert":
        return word[:i] + letter + word[i:]
    if op == "delete":
        return word[:i] + word[i + 1 :]
    if op == "substitute":
        return word[:i] + letter + word[i + 1 :]
    if i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word


@given(st.text(string.ascii_lowercase, min_size=3, max_size=10), st.data())
def test_one_edit_from_a_known_code_looks_like_it(code, data):
    word = _one_edit(code, data)
    assume(len(word) >= 3)
    assert looks_like_code(word, frozenset({code}))
    assert looks_like_code(word.upper(), frozenset({code}))
    assert code in [fold(c) for c in close_codes(word, [code.upper()])]


@given(lower_word, st.sets(st.text(string.ascii_lowercase, min_size=3, max_size=8), max_size=4))
def test_lower_case_words_far_from_every_code_are_plain_text(word, codes):
    from rapidfuzz.distance import DamerauLevenshtein

    assume(all(DamerauLevenshtein.distance(word, c) >= 2 for c in codes))
    assert not looks_like_code(word, frozenset(codes))


@given(lower_word.filter(lambda w: len(w) <= 2))
def test_short_lower_case_words_are_never_codes_unless_known(word):
    assert not looks_like_code(word, frozenset({"ag", "ca"} - {word}))
    assert looks_like_code(word, frozenset({word}))


def test_close_codes_best_first():
    codes = ["KPA", "KPB", "APK", "COMPTA"]
    assert close_codes("KAP", codes) == ["KPA"]
    assert close_codes("KPZ", codes) == ["KPA", "KPB"]
    assert close_codes("comtpa", codes) == ["COMPTA"]
    assert close_codes("#kpa", codes)[0] == "KPA"
    assert close_codes("XYZ", codes) == []


# --------------------------------------------------------------------------- people

ROOM = [
    Candidate("@bob:server", "Bob", True),
    Candidate("@elodie:server", "Élodie Martin", True),
    Candidate("@sam1:server", "Sam", True),
    Candidate("@sam2:server", "Sam", True),
    Candidate("@nadia:other", "", True),
]


def test_full_ids_and_short_names():
    assert match_person("@bob:server", ROOM).user_id == "@bob:server"
    assert match_person("@BOB:server", ROOM).user_id == "@bob:server"
    assert match_person("@bob", ROOM).user_id == "@bob:server"
    assert match_person("@Bob,", ROOM).user_id == "@bob:server"
    assert match_person("@nadia", ROOM).user_id == "@nadia:other"
    for token in ("@elodie", "@Élodie.Martin", "@elodiemartin", "@ÉLODIE_MARTIN"):
        assert match_person(token, ROOM).user_id == "@elodie:server", token


def test_a_full_id_of_another_server_is_not_a_short_name():
    found = match_person("@bob:elsewhere", ROOM)
    assert found.user_id is None
    assert [c.user_id for c in found.close] == ["@bob:server"]


def test_ambiguous_and_unknown():
    found = match_person("@sam", ROOM)
    assert found.user_id is None
    assert {c.user_id for c in found.matches} == {"@sam1:server", "@sam2:server"}
    found = match_person("@elo", ROOM)
    assert found.user_id is None and [c.user_id for c in found.close] == ["@elodie:server"]
    found = match_person("@zoé", ROOM)
    assert found.user_id is None and found.close == ()


@given(st.sampled_from(["everyone", "room", "channel", "all", "here", "Everyone", "ROOM"]))
def test_group_mentions(word):
    assert is_group_mention(f"@{word}")
    assert is_group_mention(f"@{word}:")


@given(st.lists(st.sampled_from(ROOM), min_size=1, unique=True), st.data())
def test_a_member_is_always_found_by_full_id(members, data):
    member = data.draw(st.sampled_from(members))
    assert match_person(member.user_id, members).user_id == member.user_id


# --------------------------------------------------------------------------- names shown


def test_names_are_plain_when_nobody_else_could_be_meant():
    people = {"@alice:s": "Alice", "@bob:s": "Bob", "@carol:s": ""}
    assert label_people(people, people) == {
        "@alice:s": "Alice",
        "@bob:s": "Bob",
        "@carol:s": "@carol:s",
    }


def test_look_alike_names_show_their_ids():
    people = {
        "@alice:s": "Alice",
        "@mallory:s": "ALICE ",  # the same name, another case, a trailing space
        "@eve:s": "bob",  # someone else's local part
        "@bob:s": "Robert",
        "@trent:s": "@carol:s",  # looks like an id
        "@zed:s": "Ze\u200bd",  # an invisible character: still the same name as its own
        "@x:s": "Bob (@bob:s)",  # looks like someone's label
    }
    labels = label_people(people, people)
    assert labels["@alice:s"] == "Alice (@alice:s)"
    assert labels["@mallory:s"] == "ALICE (@mallory:s)"
    assert labels["@eve:s"] == "bob (@eve:s)"
    assert labels["@bob:s"] == "Robert"
    assert labels["@trent:s"] == "@carol:s (@trent:s)"
    assert labels["@zed:s"] == "Ze\u200bd"
    assert labels["@x:s"] == "Bob (@bob:s) (@x:s)"


@given(st.dictionaries(st.sampled_from(["@a:s", "@b:s", "@c:s", "@d:s"]), st.text(max_size=6)))
def test_two_people_never_show_the_same_label(people):
    labels = label_people(people, people)
    assert len(set(labels.values())) == len(labels)
