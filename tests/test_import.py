"""Bringing data in: CSV files people have (a spreadsheet, this bot's exports, Cobudget
allocations), previewed, applied on ✅ in one transaction, never twice, never half."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlmodel import Session, col, select

from commands.importing import import_id
from storage.models import Allocation, Audit, Contribution, RoomCounter
from tests.test_people_data import norm

SHEET = (
    "Date;Personne;Heures;Projet;Description\n"
    "12/11/2026;Bob;1,5;KPA;atelier vélo\n"
    "2026-11-13;carol;2;KPA;rangement\n"
    "14/11/2026;@bob;0,5;;café\n"
    "14/11/2026;@bob;0,5;;café\n"
)


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


async def send(chat, user: str, path: Path, text: str = "!importer", room: str | None = None):
    before = len(chat.adapter.transcript)
    await chat.adapter.send_file(path, text, user=user, room=room)
    await chat.runtime.flush()
    return chat.adapter.transcript[before:]


async def a_room(chat):
    await chat.say("alice", '!projet ajouter KPA "KPA-Cités"')
    await chat.join("bob")
    await chat.join("carol")
    await chat.say("bob", "!contrib 1h 02/11 KPA avant l'import")


def contributions(engine):
    with Session(engine) as db:
        return [
            (c.number, c.user_id, c.day.isoformat(), c.minutes, c.description, c.event_id[:7])
            for c in db.exec(select(Contribution).order_by(col(Contribution.number))).all()
        ]


async def test_a_spreadsheet_is_previewed_then_imported_on_confirmation(chat, engine, tmp_path):
    await a_room(chat)
    path = write(tmp_path, "heures.csv", SHEET)
    said = await send(chat, "alice", path)
    preview = norm(said[0].text)
    assert "Aperçu de l'import : contributions, fichier « heures.csv » (tableur" in preview
    assert "4 lignes à importer : 4h30 pour 2 personnes." in preview
    assert "| 2 | jeu. 12 nov. 2026 | Bob | 1h30 | KPA | atelier vélo |" in preview
    assert "Réagis ✅" in preview
    assert len(contributions(engine)) == 1  # nothing yet
    # only the sender confirms
    assert await chat.react("bob", said[0].short_id, "✅") == []
    answers = await chat.react("alice", said[0].short_id, "✅")
    assert any("Import fait : 4 lignes enregistrées, 0 déjà là" in norm(a) for a in answers)
    rows = contributions(engine)
    assert [r[:5] for r in rows] == [
        (1, "@bob", "2026-11-02", 60, "avant l'import"),
        (2, "@bob", "2026-11-12", 90, "atelier vélo"),
        (3, "@carol", "2026-11-13", 120, "rangement"),
        (4, "@bob", "2026-11-14", 30, "café"),
        (5, "@bob", "2026-11-14", 30, "café"),
    ]
    assert {r[5] for r in rows[1:]} == {"import:"}
    with Session(engine) as db:
        assert db.get(RoomCounter, ("coroutine", "contribution")).last == 5
        audit = db.exec(select(Audit).where(Audit.action == "import")).all()
        assert len(audit) == 4 and {a.actor for a in audit} == {"@alice"}
        assert audit[0].details["line"] == 2 and audit[0].details["file"] == "heures.csv"
    # the same file again, its rows in another order: nothing new
    again = "\n".join([SHEET.splitlines()[0], *reversed(SHEET.splitlines()[1:])]) + "\n"
    said = await send(chat, "alice", write(tmp_path, "encore.csv", again))
    text = norm(said[0].text)
    assert "4 lignes déjà importées : ignorées." in text
    assert "Rien de nouveau à importer." in text and "Réagis" not in text
    assert len(contributions(engine)) == 5
    # removing the ✅ takes the import back
    answers = await chat.unreact("alice", (await _first_offer(chat)).short_id, "✅")
    assert any("Import retiré : 4 lignes" in norm(a) for a in answers)
    assert [r[0] for r in contributions(engine)] == [1]


async def _first_offer(chat):
    return next(s for s in chat.bot_messages if "Aperçu de l'import" in s.text)


async def test_bad_rows_are_refused_with_their_line_and_nothing_is_half_imported(
    chat, engine, tmp_path
):
    await a_room(chat)
    text = (
        "date,person,hours,project,description\n"
        "12/11/2026,bob,2,KPA,ok\n"
        "31/04/2026,bob,2,KPA,impossible\n"
        "13/11/2026,bob,-2,KPA,négatif\n"
        "13/11/2026,bob,2,XYZ,projet inconnu\n"
        "13/11/2026,bob,2,KPA,=cmd|' /C calc'!A0\n"
        "12/11,bob,2,KPA,sans année\n"
        "12/12/2026,bob,2,KPA,futur\n"
        "13/11/2026,zelda,2,KPA,inconnue\n"
        "13/11/2026,bob,deux,KPA,illisible\n"
        "13/11/2026,bob,30,KPA,trop long\n"
        "13/11/2026,bob,0,KPA,zéro\n"
    )
    said = await send(chat, "alice", write(tmp_path, "mauvais.csv", text))
    answer = norm(said[0].text)
    assert "⚠️ 10 lignes refusées :" in answer
    for expected in (
        "ligne 3 : « 31/04/2026 » : ce jour n'existe pas",
        "ligne 4 : « -2 » est négatif.",
        "ligne 5 : projet « XYZ » inconnu dans ce salon (codes : KPA)",
        "ligne 6 : « =cmd|' /C calc'!A0 » commence comme une formule de tableur",
        "ligne 7 : « 12/11 » n'a pas d'année",
        "ligne 8 : le sam. 12 déc. 2026 est dans le futur.",
        "ligne 9 : je ne connais personne « zelda » dans ce salon",
        "ligne 10 : « deux » n'est pas une durée",
        "ligne 11 : 30h, c'est plus que le maximum d'une entrée dans ce salon (24h).",
        "ligne 12 : une durée nulle ne se note pas.",
        "Personnes inconnues (1) : zelda.",
        "Rien n'est importé tant qu'une ligne est refusée",
    ):
        assert expected in answer, (expected, answer)
    assert "Réagis" not in answer
    assert len(contributions(engine)) == 1
    # a member may not import
    said = await send(chat, "bob", write(tmp_path, "ok.csv", SHEET))
    assert "réservé aux admins" in norm(said[0].text) or "admin" in said[0].text


async def test_the_bots_own_export_comes_back_exactly(chat, engine, tmp_path):
    await a_room(chat)
    for body in (
        "!contrib 2h 03/11 KPA =SOMME(A1)",
        "!contrib 1h 04/11 KPA 'déjà cité'",
        "!contrib 30min 05/11 KPA @carol et moi",
        "!contrib 1,25h 05/11 KPA -5 pour le pot",
    ):
        await chat.say("bob", body)
    said = await chat.said("alice", "!export csv novembre")
    exported = said[0].data
    assert b"'=SOMME(A1)" in exported
    before = [(r[1], r[2], r[3], r[4]) for r in contributions(engine)]
    # into another room with the same people
    await chat.say("alice", '!projet ajouter KPA "KPA"', room="autre")
    await chat.say("bob", "!solde", room="autre")
    path = write(tmp_path, "export.csv", exported.decode("utf-8"))
    said = await send(chat, "alice", path, room="autre")
    preview = norm(said[0].text)
    assert "(export de ce bot" in preview and "5 lignes à importer" in preview, preview
    await chat.react("alice", said[0].short_id, "✅", room="autre")
    with Session(engine) as db:
        after = [
            (c.user_id, c.day.isoformat(), c.minutes, c.description)
            for c in db.exec(
                select(Contribution)
                .where(Contribution.room_id == "autre")
                .order_by(col(Contribution.number))
            ).all()
        ]
    assert sorted(after) == sorted(before)
    assert ("@bob", "2026-11-03", 120, "=SOMME(A1)") in after
    assert ("@bob", "2026-11-04", 60, "'déjà cité'") in after


async def test_an_ambiguous_amount_in_an_allocations_file_is_refused_with_both_readings(
    chat, engine, tmp_path
):
    await a_room(chat)
    await chat.say("alice", '!tour ouvrir "Hiver" 3000€')
    text = "personne;montant\nbob;20\ncarol;1.500\n"
    said = await send(chat, "alice", write(tmp_path, "cobudget.csv", text), "!importer allocations")
    answer = norm(said[0].text)
    assert "ligne 3 : ❓ « 1.500 »" in answer and "1 500,00 €" in answer and "1,50 €" in answer
    text = "personne;montant\nbob;20\ncarol;12,50\nbob;20\n"
    said = await send(chat, "alice", write(tmp_path, "cobudget.csv", text))
    answer = norm(said[0].text)
    assert "3 allocations à importer : 52,50 € dans le tour « Hiver »" in answer, answer
    await chat.react("alice", said[0].short_id, "✅")
    with Session(engine) as db:
        rows = db.exec(select(Allocation).order_by(col(Allocation.id))).all()
        assert [(a.user_id, a.cents, a.method) for a in rows] == [
            ("@bob", 2000, "import"),
            ("@carol", 1250, "import"),
            ("@bob", 2000, "import"),
        ]
    answer = norm((await chat.say("bob", "!solde"))[0])
    assert "40,00 €" in answer


def test_import_ids_count_occurrences_not_positions():
    key = ("bob", "2026-11-12", "90", "kpa", "atelier")
    first, second = import_id("contributions", "r", key, 1), import_id("contributions", "r", key, 2)
    assert first != second and first.startswith("import:") and len(first) == 71
    assert import_id("contributions", "other", key, 1) != first
    assert dt.date(2026, 11, 12).isoformat() in key


async def test_the_words_of_the_import_command_are_read_before_the_file(chat, tmp_path):
    await a_room(chat)
    await chat.say("alice", '!tour ouvrir "Hiver" 3000€')
    usage = "Utilisation : envoie le fichier CSV avec !importer en légende"
    assert usage in norm(await chat.one("alice", "!importer n'importe quoi"))
    assert "📎" in await chat.one("alice", "!importer allocations")
    text = "personne;montant\nbob;20\n"
    said = await send(chat, "alice", write(tmp_path, "c.csv", text), "!importer heures bidon")
    assert usage in norm(said[0].text)
    # of several words of a kind, the last
    said = await send(chat, "alice", write(tmp_path, "c.csv", text), "!importer heures soldes")
    assert "1 allocation à importer" in norm(said[0].text), said[0].text
