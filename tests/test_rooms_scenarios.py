"""Projects, listings, export, help and room settings, as conversations."""

from __future__ import annotations

import csv
import io

from sqlmodel import Session, select

from storage.models import Contribution


async def setup_projects(chat):
    await chat.say("alice", '!projet ajouter KPA "KPA-Cités"')
    await chat.say("alice", '!projet ajouter COMPTA "Comptabilité"')


async def test_projects_are_managed_by_admins(chat):
    assert "réservé aux admins" in await chat.one("bob", "!projet ajouter X")
    await setup_projects(chat)
    listing = await chat.one("bob", "!projets")
    assert "KPA" in listing and "Comptabilité" in listing
    assert "renommé" in await chat.one("alice", '!projet renommer KPA "KPA Cités 2027"')
    assert "archivé" in await chat.one("alice", "!projet archiver COMPTA")
    assert "archivé" in await chat.one("bob", "!contrib 1h #COMPTA factures")
    assert "existe déjà" in await chat.one("alice", "!projet ajouter kpa")
    # the archived ones listed too, however the word is written
    for word in ("archivés", "archivées", "archivé", "Archives", "archived"):
        assert "COMPTA" in await chat.one("bob", f"!projets {word}"), word
    assert "COMPTA" not in await chat.one("bob", "!projets")


async def test_unknown_project_lists_close_codes(chat):
    await setup_projects(chat)
    answer = await chat.one("bob", "!contrib 2h #KPB atelier")
    assert "KPB" in answer and "KPA" in answer


async def test_default_project_of_the_room(chat):
    await setup_projects(chat)
    await chat.say("alice", "!projet defaut KPA")
    assert "KPA (KPA-Cités)" in await chat.one("bob", "!contrib 1h atelier")


async def test_totals_per_person_and_per_project(chat):
    await setup_projects(chat)
    await chat.say("alice", "!contrib 3h atelier KPA")
    await chat.say("bob", "!contrib 1h30 #COMPTA")
    await chat.say("bob", "!contrib 2h lundi KPA")
    await chat.say("bob", "!contrib 1h 15/10 KPA")  # October: outside this month
    mine = await chat.one("bob", "!contribs")
    assert "3h30 en 2 contributions" in mine
    kpa = await chat.one("carol", "!contribs KPA novembre")
    assert "5h en 2 contributions, 2 personnes" in kpa
    assert "Alice" in kpa and "Bob" in kpa
    everyone = await chat.one("carol", "!contribs tous")
    assert "6h30" in everyone and "COMPTA" in everyone
    october = await chat.one("carol", "!contribs @bob octobre")
    assert "1h en 1 contribution" in october
    assert "Je ne comprends pas" in await chat.one("carol", "!contribs n'importe quoi")


async def test_undo_own_only_admins_any(chat, engine):
    await chat.say("bob", "!contrib 2h atelier")
    assert "n'est pas la tienne" in await chat.one("carol", "!annuler 1")
    assert "supprimée" in await chat.one("alice", "!annuler 1")
    await chat.say("carol", "!contrib 1h café")
    assert "supprimée" in await chat.one("carol", "!annuler")
    assert "Pas de contribution #9" in await chat.one("carol", "!annuler 9")
    with Session(engine) as db:
        assert db.exec(select(Contribution)).all() == []


async def test_rooms_are_separate(chat):
    await chat.say("bob", "!contrib 2h atelier", room="coroutine")
    answer = await chat.one("bob", "!contribs", room="autre-salon")
    assert "Aucune contribution" in answer


async def test_csv_export_opens_in_a_french_spreadsheet(chat):
    await setup_projects(chat)
    await chat.say("alice", "!contrib 1,5h hier KPA Épicerie « solidaire »; réunion")
    said = await chat.said("bob", "!export csv novembre")
    assert said[0].kind == "file"
    data = said[0].data
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == [
        "n°",
        "date",
        "personne",
        "identifiant",
        "minutes",
        "heures",
        "projet",
        "description",
        "id de l'événement",
    ]
    # the user id tells apart two people with the same name; a text starting with @ gets a '
    assert rows[1][:7] == ["1", "2026-11-25", "Alice", "'@alice", "90", "1,5", "KPA"]
    assert rows[1][7] == "Épicerie « solidaire »; réunion"


async def test_csv_export_carries_no_formula(chat):
    await chat.say("alice", '!contrib 2h hier =HYPERLINK("http://x";"clic")')
    await chat.say("=1+1", "!contrib 1h hier -1+1")
    await chat.say("+33", "!contrib 1h hier accueil")
    said = await chat.said("bob", "!export csv novembre")
    rows = list(csv.reader(io.StringIO(said[0].data.decode("utf-8-sig")), delimiter=";"))
    texts = [(r[2], r[3], r[7]) for r in rows[1:]]
    assert texts == [
        ("Alice", "'@alice", '\'=HYPERLINK("http://x";"clic")'),
        ("'=1+1", "'@=1+1", "'-1+1"),
        ("'+33", "'@+33", "accueil"),
    ]
    assert [r[4] for r in rows[1:]] == ["120", "60", "60"]


async def test_help_lists_every_command_and_details_one(chat, runtime):
    listing = await chat.one("bob", "!aide")
    for cmd in runtime.registry.by_name.values():
        assert f"!{cmd.name} " in listing
    full = await chat.one("bob", "!aide contrib")
    assert "1,5h" in full and "avant-hier" in full


async def test_language_switch_is_for_admins_and_changes_every_answer(chat):
    assert "réservé aux admins" in await chat.one("bob", "!langue en")
    assert "English" in await chat.one("alice", "!langue en")
    assert "The duration is missing" in await chat.one("bob", "!contrib workshop")
    listing = await chat.one("bob", "!help")
    assert "log a contribution" in listing
    assert "Contribution #1 saved" in await chat.one("bob", "!contrib 2h yesterday workshop")


async def test_settings_change_day_length_and_maximum(chat):
    assert "réservé aux admins" in await chat.one("bob", "!reglages journee 8h")
    await chat.say("alice", "!reglages journee 8h")
    assert "16h" in await chat.one("bob", "!contrib 2j chantier")
    await chat.say("alice", "!reglages max 4h")
    assert "maximum du salon" in await chat.one("bob", "!contrib 5h chantier")
    assert "Europe/Paris" in await chat.one("bob", "!fuseau")
