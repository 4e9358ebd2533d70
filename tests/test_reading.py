"""What people read, rule by rule (the transcripts in tests/transcripts/ show it whole): one notice
per change, a refused edit that says what stays, long tables summed up with the whole table as a
file, numbers and dates as a French reader writes them, the console in the room's language."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from bot.adapters.console import ConsoleAdapter
from commands.csvfile import LONG_TABLE, SHOWN_ROWS
from commands.events import MemberChanged
from storage.models import BotMessage
from tests.conftest import Chat


def n(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


async def test_a_command_edited_into_plain_text_gets_one_notice_that_says_so(chat: Chat):
    await chat.say("bob", "!contrib 2h compta")
    command = chat.last_id
    assert command is not None
    answers = await chat.edit("bob", command, "finalement non")
    assert answers == [
        "✏️ Message modifié, ce n'est plus une commande : contribution #1 annulée "
        "(Bob, 2h le jeu. 26 nov. 2026)."
    ]
    await chat.say("bob", "!contrib 1h accueil")
    answers = await chat.delete("bob", chat.last_id or "")
    assert answers == [
        "🗑️ Message supprimé : contribution #2 annulée (Bob, 1h le jeu. 26 nov. 2026)."
    ]


async def test_a_refused_edit_says_what_stays_as_it_was(chat: Chat):
    await chat.say("alice", '!projet ajouter KPA "KPA-Cités"')
    await chat.say("bob", "!contrib 2h KPA atelier")
    command = chat.last_id or ""
    [answer] = await chat.edit("bob", command, "!contrib atelier KPA")
    assert answer.startswith("⚠️ Il manque la durée.")
    assert answer.endswith(
        "\nRien n'a changé : la contribution #1 reste telle quelle "
        "(2h le jeu. 26 nov. 2026, projet KPA)."
    )
    # a command that is not corrected by editing it says so, and what stays
    await chat.say("alice", '!tour ouvrir "Hiver" 100€')
    [answer] = await chat.edit("alice", chat.last_id or "", '!tour ouvrir "Hiver" 200€')
    assert "ne se corrige pas en modifiant le message" in answer
    assert answer.endswith("\nRien n'a changé : le tour #1 « Hiver » reste tel quel.")


async def test_dates_that_start_a_sentence_are_written_out(chat: Chat):
    answer = await chat.one("bob", "!contrib 2h 03/12/2026")
    assert answer.startswith("⚠️ Le jeudi 3 décembre 2026 est dans le futur")
    await chat.say("alice", "!langue en")
    answer = await chat.one("bob", "!contrib 2h 03/12/2026")
    assert answer.startswith("⚠️ Thursday 3 December 2026 is in the future")


async def test_rates_per_hour_are_rounded_to_the_cent(chat: Chat):
    await chat.say("alice", "!projet ajouter ATL Atelier")
    await chat.say("bob", "!contrib 3h 10/11 ATL réparations")
    answers = await chat.say("alice", "!budget ATL 50€ novembre proportionnel")
    assert "| Bob | 3 | 100,00 % | 50,00 € | 16,67 €/h |" in n(answers[0])  # not 16,66


async def test_a_bucket_past_its_minimum_shows_no_percentage_above_100(chat: Chat):
    await chat.join("bob")
    await chat.say("alice", '!tour ouvrir "Hiver" 200€')
    await chat.say("alice", "!allouer @alice @bob 100€")
    await chat.say("bob", '!bucket "Four" 60€ max 90€')
    await chat.say("alice", "!financer 1 40€")
    answers = await chat.say("bob", "!financer 1 45€")
    card = [s.text for s in chat.bot_messages if s.kind == "edit"][-1]
    assert "minimum atteint · 85,00 € sur 90,00 € max · 2 financeurs" in n(card), card
    assert "%" not in card.splitlines()[2]
    assert any("est financé" in a for a in answers)


async def test_round_counts_its_buckets_in_words(chat: Chat):
    await chat.say("alice", '!tour ouvrir "Hiver" 200€')
    for title in ("A", "B", "C"):
        await chat.say("alice", f'!bucket "{title}" 10€')
    await chat.say("alice", "!bucket 1 annuler")
    await chat.say("alice", "!bucket 2 annuler")
    answer = await chat.one("bob", "!tour")
    assert "Buckets : 1 ouvert, 2 annulés." in answer


async def test_projects_show_the_default_mark_only_when_there_is_one(chat: Chat):
    await chat.say("alice", "!projet ajouter KPA Cités")
    assert "★" not in await chat.one("bob", "!projets")
    await chat.say("alice", "!projet defaut KPA")
    listing = await chat.one("bob", "!projets")
    assert "KPA ★" in listing and listing.endswith(
        "★ = projet par défaut : une contribution qui ne cite aucun projet y est comptée."
    )


async def test_settings_have_no_empty_header(chat: Chat):
    answer = await chat.one("bob", "!reglages")
    assert "|" not in answer
    assert answer.splitlines()[:2] == ["⚙️ Réglages du salon :", "• Langue : français"]


async def test_a_long_table_is_summed_up_and_comes_whole_as_a_file(chat: Chat):
    """``!allouer tous`` with 1,000 members: the chat gets the first rows and a line that says
    where the rest is; the whole table comes as a CSV file, right after, in the same place."""
    runtime = chat.runtime
    people = [f"@m{i:04d}" for i in range(999)]  # and Alice
    for uid in people:
        await runtime.handle(
            MemberChanged(
                event_id=f"join-{uuid.uuid4().hex}",
                room_id="coroutine",
                sender=uid,
                user_id=uid,
                display_name=f"Membre {uid[2:]}",
                platform="console",
            )
        )
    await chat.say("alice", '!tour ouvrir "Hiver" 10000€')
    said = await chat.said("alice", "!allouer tous")
    text, csv = said
    assert n(text.text).startswith("✅ 10 000,00 € alloués à 1000 personnes")
    assert text.text.count("\n| ") == SHOWN_ROWS + 1  # the header and the first rows
    assert text.text.endswith(
        "… et 990 autres lignes : le tableau complet (1000 lignes) est dans le fichier joint, "
        "allocations-1.csv."
    )
    assert (csv.kind, csv.file_name, csv.reply_to) == ("file", "allocations-1.csv", text.reply_to)
    assert csv.data is not None
    rows = csv.data.decode("utf-8-sig").splitlines()
    assert rows[0] == "Personne;Identifiant;Alloué;Solde" and len(rows) == 1001
    assert rows[1:3] == ["Alice;'@alice;10,00;10,00", "Membre 0000;'@m0000;10,00;10,00"]
    assert LONG_TABLE < 1000
    # a short table stays whole in the chat, with no file
    answer = await chat.one("alice", "!solde @m0001")
    assert "10,00 €" in n(answer)
    with Session(chat.runtime.engine) as db:
        files = db.exec(select(BotMessage).where(BotMessage.kind == "file")).all()
    assert [f.file_name for f in files] == ["allocations-1.csv"]


async def test_the_console_speaks_the_rooms_language(runtime, tmp_path):
    shown: list[str] = []
    adapter = ConsoleAdapter(
        user="alice", room="coroutine", admins=("alice",), out=shown.append, language="fr"
    )
    adapter.attach(runtime)
    await adapter.command_line("/who")
    await adapter.command_line("/edit u99 !contrib 1h")
    await adapter.command_line("!langue en")
    await runtime.flush()
    await adapter.command_line("/as bob")
    await adapter.command_line("/edit u1 !contrib 2h")
    await adapter.command_line("/who")
    await adapter.command_line("/nimportequoi")
    assert shown[0] == "alice (admin) dans coroutine"
    assert shown[1] == "⚠️ u99 n'est pas un message tapé dans cette console."
    english = shown[shown.index("You are now bob.") :]
    assert english[1] == "⚠️ Only @alice can change u1."
    assert english[2:] == [
        "bob (member) in coroutine",
        "⚠️ Unknown console command. /help for the list.",
    ]
