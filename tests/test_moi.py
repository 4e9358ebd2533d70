"""``!moi`` / ``!me``: a person's own statement across the rooms the bot shares with them, asked
in a direct message: hours per room and project, what closed envelopes paid them, and a CSV with
one row per envelope paid. Nobody sees another person's statement."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from sqlmodel import Session

from bot.runtime import Runtime
from commands import build_registry, statement
from commands.core import Settings
from commands.statement import read_statement, year_period
from tests.conftest import Chat
from tests.matrix_helpers import reply_target
from tests.test_scenarios_adapters import MatrixConversation


def n(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


async def two_rooms(chat: Chat) -> None:
    """Zoe works in two rooms; Bob in the first, Carol in the second. Both envelopes closed."""
    await chat.say("alice", '!projet ajouter KPA "KPA-Cités"')
    for who in ("zoe", "bob"):
        await chat.join(who)
    await chat.say("zoe", "!contrib 3h 20/11 KPA atelier")
    await chat.say("bob", "!contrib 1h 20/11 KPA")
    await chat.say("alice", "!budget KPA 100€ novembre proportionnel")
    await chat.say("zoe", "!budget KPA je-donne 10%")
    await chat.say("alice", "!budget KPA clore")
    room = "atelier"
    await chat.say("alice", '!projet ajouter JAR "Jardin"', room=room)
    for who in ("zoe", "carol"):
        await chat.join(who, room=room)
    await chat.say("zoe", "!contrib 2h 21/11 JAR", room=room)
    await chat.say("zoe", "!contrib 1h 22/11 réunion", room=room)
    await chat.say("carol", "!contrib 2h 21/11 JAR", room=room)
    await chat.say("alice", "!budget JAR 40€ novembre proportionnel", room=room)
    await chat.say("alice", "!budget JAR clore", room=room)


def rows_of(data: bytes, sep: str = ";") -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=sep))


async def test_one_statement_covers_both_rooms(chat):
    await two_rooms(chat)
    [answer] = await chat.say("zoe", "!moi", room="dm-zoe")
    text = n(answer)
    assert "Relevé de Zoe (@zoe), 2026" in text
    assert "2 salons, 6h de contributions, 87,50 € reçus." in text
    assert "| coroutine | KPA (KPA-Cités) | 3h |" in text
    assert "| atelier | JAR (Jardin) | 2h |" in text
    assert "| atelier | sans projet | 1h |" in text
    assert "| coroutine | #1 | KPA (KPA-Cités) | novembre 2026 |" in text
    assert "67,50 € (7,50 € laissés au commun)" in text
    assert "| atelier | #1 | JAR (Jardin) | novembre 2026 |" in text and "| 20,00 € |" in text
    assert "!moi csv" in text
    for other in ("Bob", "bob", "Carol", "carol"):
        assert other not in text, other


async def test_the_csv_has_one_row_per_envelope_paid_in_both_rooms(chat):
    await two_rooms(chat)
    said = await chat.said("zoe", "!moi csv 2026", room="dm-zoe")
    assert len(said) == 1 and said[0].kind == "file"
    assert n(said[0].text) == (
        "📎 Ton relevé, 2026 : 2 enveloppes payées dans 2 salons, 87,50 € au total."
    )
    assert said[0].file_name == "releve-2026.csv"
    # the word csv may come before or after the period
    after = await chat.said("zoe", "!moi 2026 csv", room="dm-zoe")
    assert [(s.kind, s.file_name, s.data) for s in after] == [
        ("file", "releve-2026.csv", said[0].data)
    ]
    rows = rows_of(said[0].data)
    assert rows == [
        [
            "personne",
            "identifiant",
            "salon",
            "id du salon",
            "enveloppe n°",
            "projet",
            "nom du projet",
            "début de la période",
            "fin de la période",
            "clôturée le",
            "heures",
            "part brute",
            "laissé au commun",
            "montant reçu",
            "devise",
        ],
        [
            "Zoe", "'@zoe", "atelier", "atelier", "1", "JAR", "Jardin", "2026-11-01",
            "2026-11-30", "2026-11-26", "2", "20,00", "0,00", "20,00", "EUR",
        ],
        [
            "Zoe", "'@zoe", "coroutine", "coroutine", "1", "KPA", "KPA-Cités", "2026-11-01",
            "2026-11-30", "2026-11-26", "3", "75,00", "7,50", "67,50", "EUR",
        ],
    ]  # fmt: skip


async def test_another_member_gets_only_their_own(chat):
    await two_rooms(chat)
    said = await chat.said("bob", "!moi csv", room="dm-bob")
    rows = rows_of(said[0].data)
    assert [r[:6] for r in rows[1:]] == [["Bob", "'@bob", "coroutine", "coroutine", "1", "KPA"]]
    assert rows[1][-2:] == ["25,00", "EUR"]
    [text] = await chat.say("carol", "!moi", room="dm-carol")
    assert "Relevé de Carol (@carol)" in text and "coroutine" not in text
    for said_text in (said[0].text, said[0].data.decode("utf-8"), text):
        for trace in ("zoe", "Zoe", "67,50", "7,50"):
            assert trace not in said_text, trace
    # nobody can name someone else
    for body in ("!moi @zoe", "!moi csv @zoe 2026", "!moi tous"):
        answer = n(await chat.one("bob", body, room="dm-bob"))
        assert answer.startswith("🔒 Un relevé ne montre que le tien"), answer
        assert "Zoe" not in answer


async def test_asked_in_a_room_it_says_to_ask_in_a_direct_message(chat):
    await two_rooms(chat)
    for body in ("!moi", "!moi csv 2026", "!me"):
        said = await chat.said("zoe", body)
        assert len(said) == 1 and said[0].kind == "text"
        assert n(said[0].text) == (
            "🔒 Ton relevé ne s'affiche pas dans un salon : écris-moi !moi en message privé, "
            "je te l'envoie là."
        )


async def test_periods(chat):
    await two_rooms(chat)
    dm = "dm-zoe"
    assert "Relevé de Zoe (@zoe), novembre 2026" in await chat.one("zoe", "!moi novembre", dm)
    empty = n(await chat.one("zoe", "!moi mois dernier", dm))
    assert empty.startswith("ℹ️ Rien pour toi (octobre 2026)"), empty
    empty = n(await chat.one("zoe", "!moi csv 2025", dm))
    assert empty.startswith("ℹ️ Aucune enveloppe ne t'a payé (2025)"), empty
    assert "!moi 2025" in empty
    for body in ("!moi n'importe quoi", "!moi 2026 KPA"):
        answer = n(await chat.one("zoe", body, dm))
        assert answer.startswith("Utilisation : !moi [csv] [période]"), answer
    answer = n(await chat.one("zoe", "!moi 32/01", dm))
    assert "32/01" in answer


async def test_hours_without_envelope_and_in_english(chat):
    await chat.say("alice", '!projet ajouter KPA "KPA-Cités"')
    await chat.say("alice", "!contrib 2h30 KPA")
    await chat.say("alice", "!langue en", room="dm-alice")
    [text] = await chat.say("alice", "!me", room="dm-alice")
    text = n(text)
    assert "Statement of Alice (@alice), 2026" in text
    assert "1 room, 2h30 of contributions, €0.00 received." in text
    assert "No envelope paid you in this period." in text
    answer = n(await chat.one("alice", "!me csv", room="dm-alice"))
    assert answer.startswith("ℹ️ No envelope paid you (2026)"), answer
    assert answer.endswith("Your hours: !me"), answer
    assert "For your CAE or your accountant, one row per envelope paid: !me csv" in text


async def test_the_csv_in_english(chat):
    await two_rooms(chat)
    chat.admin("zoe", "dm-zoe")  # her own direct room
    await chat.say("zoe", "!langue en", room="dm-zoe")
    said = await chat.said("zoe", "!me csv 2026", room="dm-zoe")
    assert said[0].file_name == "statement-2026.csv"
    rows = rows_of(said[0].data, ",")
    assert rows[0][:3] == ["person", "user id", "room"]
    assert rows[2][-5:] == ["3", "75.00", "7.50", "67.50", "EUR"]


async def test_names_that_look_like_formulas_are_neutralised(chat):
    await chat.say("alice", '!projet ajouter KPA "=HYPERLINK(1)"')
    await chat.say("alice", "!contrib 2h 20/11 KPA")
    await chat.say("alice", "!budget KPA 10€ novembre proportionnel")
    await chat.say("alice", "!budget KPA clore")
    said = await chat.said("alice", "!moi csv", room="dm-alice")
    rows = rows_of(said[0].data)
    assert rows[1][6] == "'=HYPERLINK(1)"


async def test_only_the_rooms_of_the_platform_asked_from(chat, engine):
    """The same user id on another platform is another account: its statement is empty."""
    await two_rooms(chat)
    period = year_period(dt.date(2026, 11, 26))
    with Session(engine) as db:
        here = read_statement(db, "@zoe", "console", period)
        elsewhere = read_statement(db, "@zoe", "mattermost", period)
    assert here.room_ids == {"coroutine", "atelier"} and len(here.paid) == 2
    assert elsewhere.room_ids == set() and elsewhere.paid == []


async def test_my_data_and_my_statement_read_the_same_shares(chat):
    """``!mesdonnees`` and ``!moi csv`` come from the one reader of a person's records."""
    await two_rooms(chat)
    [data] = await chat.said("zoe", "!mesdonnees", room="dm-zoe")
    shares = json.loads(data.data)["shares"]
    [statement] = await chat.said("zoe", "!moi csv tout", room="dm-zoe")
    rows = rows_of(statement.data)[1:]
    assert sorted(
        (s["room"], s["number"], s["project"], s["paid_cents"]) for s in shares
    ) == sorted((r[3], int(r[4]), r[5], int(r[13].replace(",", ""))) for r in rows)
    assert {s["given_back_cents"] for s in shares} == {0, 750}


# -- on a real Synapse ---------------------------------------------------------------------------


async def _ask(matrix: MatrixConversation, user: str, room: str, text: str) -> list[dict]:
    """``user`` says ``text`` in ``room`` (a direct room with the bot); the bot's answers, as
    that person's sync receives them."""
    person = matrix.people[user]
    mark = len(matrix.delivered)
    event_id = await person.say(room, text)
    await matrix._until(lambda: event_id in matrix.handled)
    await matrix.runtime.flush()
    wanted = {eid for _, eid in matrix.delivered[mark:]}
    assert wanted, text
    return await person.wait_all(lambda raw, _r: raw.get("event_id") in wanted, len(wanted))


async def _direct_room(matrix: MatrixConversation, user: str) -> str:
    """A direct room that ``user`` opens with the bot, as a client does (``is_direct``)."""
    person = matrix.people[user]
    room = await person.create_room([matrix.bot_user], is_direct=True)
    await person.joined(room, matrix.bot_user)
    return room


async def _file(matrix: MatrixConversation, user: str, raw: dict) -> tuple[str, bytes]:
    content = raw["content"]
    assert content["msgtype"] == "m.file", content
    download = await matrix.people[user].client.download(mxc=content["url"])
    data = getattr(download, "body", None)
    assert isinstance(data, bytes), download
    return content["filename"], data


@pytest.mark.synapse
async def test_on_synapse_one_csv_covers_two_rooms_and_nobody_sees_another(
    engine, clock, tmp_path, synapse
):
    runtime = Runtime(engine, build_registry(), Settings(), clock=clock)
    matrix = MatrixConversation(synapse, runtime, tmp_path / "store")
    try:
        await matrix.start()
        alice, bob = matrix.people["alice"], matrix.people["bob"]
        first = matrix.room
        await matrix.say("alice", '!projet ajouter KPA "KPA-Cités"')
        await matrix.say("bob", "!contrib 3h 20/11 KPA")
        await matrix.say("chloe", "!contrib 1h 20/11 KPA")
        await matrix.say("alice", "!budget KPA 100€ novembre proportionnel")
        await matrix.say("alice", "!budget KPA clore")
        # a second room, with a name, where Bob works too
        second = await alice.create_room([bob.user_id, matrix.bot_user], name="Jardin partagé")
        joined = await bob.client.join(second)
        assert getattr(joined, "room_id", None) == second, joined
        await alice.joined(second, matrix.bot_user)
        matrix.room = second
        await matrix.say("alice", '!projet ajouter JAR "Jardin"')
        await matrix.say("bob", "!contrib 2h 21/11 JAR")
        await matrix.say("alice", "!budget JAR 40€ novembre proportionnel")
        assert any("clôturée" in a for a in await matrix.say("alice", "!budget JAR clore"))
        # asked in a room: where to ask, and nothing else
        matrix.room = first
        [answer] = await matrix.say("bob", "!moi csv 2026")
        assert n(answer).startswith("🔒 Ton relevé ne s'affiche pas dans un salon")
        # Bob, in a direct room: one file covering both rooms
        dm = await _direct_room(matrix, "bob")
        [raw] = await _ask(matrix, "bob", dm, "!moi csv 2026")
        assert reply_target(raw) is not None
        name, data = await _file(matrix, "bob", raw)
        assert name == "releve-2026.csv"
        rows = rows_of(data)
        # rooms by their name (the first has none: its id)
        assert sorted((r[2], r[4], r[5], r[13]) for r in rows[1:]) == sorted(
            [("Jardin partagé", "1", "JAR", "40,00"), (first, "1", "KPA", "75,00")]
        )
        assert {r[1] for r in rows[1:]} == {f"'{bob.user_id}"}
        [raw] = await _ask(matrix, "bob", dm, "!moi")
        assert "2 salons, 5h de contributions, 115,00 € reçus." in n(raw["content"]["body"])
        # Chloe asks for hers: nothing about Bob
        dm = await _direct_room(matrix, "chloe")
        [raw] = await _ask(matrix, "chloe", dm, "!moi csv 2026")
        _, data = await _file(matrix, "chloe", raw)
        rows = rows_of(data)
        assert [(r[1], r[13]) for r in rows[1:]] == [(f"'{matrix.uid('chloe')}", "25,00")]
        text = data.decode("utf-8") + raw["content"]["body"]
        for trace in (bob.user_id, "Bob", "Jardin", "75,00"):
            assert trace not in text, trace
    finally:
        await matrix.stop()
        await runtime.close()


async def test_many_envelopes_point_to_the_csv(chat, monkeypatch):
    monkeypatch.setattr(statement, "SHOWN_ENVELOPES", 1)
    await two_rooms(chat)
    text = n(await chat.one("zoe", "!moi 2026", room="dm-zoe"))
    assert "… et 1 enveloppe de plus : toutes sont dans le fichier de !moi csv 2026" in text
    assert text.count("| #1 |") == 1
