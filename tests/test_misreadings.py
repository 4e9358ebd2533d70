"""Ambiguity gets a question, not a guess: amounts and dates that could be misread are refused
with what the bot sees, in every family, and nothing is stored. Conversations in a console room
(Alice is an admin; the day is Thursday 26 November 2026)."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import Audit, Bucket, Contribution, Funding

AMBIGUOUS_FR = "❓ « 1.500€ » : 1 500,00 € ou 1,50 € ? Je ne devine pas : écris 1500€ ou 1,50€."


def _n(text: str) -> str:
    return text.replace("\u202f", " ").replace("\u00a0", " ")


async def _setup(chat) -> None:
    await chat.say("alice", '!projet ajouter KPA "KPA-Cités"')
    for name in ("alice", "bob"):
        await chat.say(name, "!contrib 3h 02/11 atelier KPA")
    await chat.say("alice", '!tour ouvrir "Hiver" 1000€')
    await chat.say("alice", "!allouer tous 100€")
    await chat.say("alice", "!bucket Lampe 100€")
    await chat.say("alice", "!budget KPA 500€ novembre")


async def test_an_ambiguous_amount_gets_the_same_question_in_every_family(chat, engine):
    await _setup(chat)
    with Session(engine) as db:
        before = (len(db.exec(select(Audit)).all()), len(db.exec(select(Bucket)).all()))
    for user, text in [
        ("bob", "!financer 1 1.500€"),
        ("bob", "!bucket Vélos 1.500€"),
        ("bob", "!bucket Vélos 20€ max 1.500€"),
        ("alice", "!allouer @bob 1.500€"),
        ("alice", "!allouer tous 1.500€"),
        ("alice", "!tour réactions 💶=1.500€"),
        ("bob", "!demande KPA 1.500€ atelier"),
        ("alice", "!budget KPA 1.500€ octobre"),
        ("alice", "!budget KPA 1.500€ novembre proportionnel plafond 1.500€"),
    ]:
        answer = _n(await chat.one(user, text))
        assert answer == AMBIGUOUS_FR, (text, answer)
    with Session(engine) as db:
        after = (len(db.exec(select(Audit)).all()), len(db.exec(select(Bucket)).all()))
        assert db.exec(select(Funding)).all() == []
    assert after == before


async def test_amounts_that_could_be_misread_are_refused_with_what_to_type(chat):
    await _setup(chat)
    cases = {
        "!financer 1 1,500€": "1 500,00 € ou 1,50 € ? Je ne devine pas : écris 1500€ ou 1,50€",
        "!financer 1 2.000": "2 000,00 € ou 2,00 € ? Je ne devine pas : écris 2000€ ou 2€",
        "!financer 1 12,505€": "12 505,00 € ou 12,505 € ? Je ne devine pas : écris 12505€.",
        "!financer 1 0.001€": "pas plus de deux chiffres après la virgule",
        "!financer 1 1e3€": "sans exposant. Exemple : 1500€",
        "!financer 1 99999999999999999999€": "plus grand montant que je prends (10 000 000,00 €)",
    }
    for text, expected in cases.items():
        answer = _n(await chat.one("bob", text))
        assert expected in answer, (text, answer)
    # what nothing can misread keeps working
    for text in (
        "!financer 1 12,50€",
        "!financer 1 12.50 €",
        "!financer 1 EUR 12",
        "!financer 1 12",
    ):
        answers = await chat.say("bob", text)
        assert "mis dans le bucket #1" in answers[-1], text
    answer = _n(await chat.one("bob", "!financer 1 1 000,50 €"))
    # read as 1 000,50 €: more than the bucket still takes, and the answer says what to type
    assert "C'est plus que ce que le bucket #1 peut encore recevoir : 51,00 € au plus" in answer
    assert "Exemple : !financer 1 51,00 €" in answer
    answers = await chat.say("bob", "!financer 1 51,00 €")
    assert "51,00 € mis dans le bucket #1" in _n(answers[-1])


async def test_the_question_is_asked_in_the_rooms_language(chat):
    await _setup(chat)
    await chat.say("alice", "!langue en")
    answer = _n(await chat.one("bob", "!fund 1 1,500€"))
    assert answer == "❓ “1,500€”: €1,500.00 or €1.50? I won't guess: type 1500€ or 1.50€."


async def test_impossible_and_far_dates_are_refused_not_described(chat, engine):
    cases = {
        "!contrib 3h 32/01 atelier": "« 32/01 » n'est pas une date qui existe",
        "!contrib 3h 29/02/2025": "« 29/02/2025 » n'est pas une date qui existe",
        "!contrib 3h 31/04": "« 31/04 » n'est pas une date qui existe",
        "!contrib 3h 12/13": "Le jour vient avant le mois",
        "!contrib 3h 01/01/0001": "je ne prends que les dates de 1970 à 2999",
        "!contribs 31/12/9999": "je ne prends que les dates de 1970 à 2999",
        "!recap 0000-01": "« 0000-01 » : je ne prends que les dates de 1970 à 2999",
        "!export csv 12/9999": "« 12/9999 » : je ne prends que les dates de 1970 à 2999",
    }
    for text, expected in cases.items():
        answer = await chat.one("bob", text)
        assert expected in answer, (text, answer)
    with Session(engine) as db:
        assert db.exec(select(Contribution)).all() == []


async def test_an_accepted_date_is_echoed_with_its_weekday_and_year(chat):
    assert "3h le lun. 1 janv. 1990" in await chat.one("bob", "!contrib 3h 01/01/1990 archives")
    assert "2h le jeu. 12 nov. 2026" in await chat.one("bob", "!contrib 2h 12/11 atelier")
    assert "1h le ven. 28 nov. 2025" in await chat.one("bob", "!contrib 1h 28/11 atelier")


async def test_a_date_without_its_year_goes_back_as_far_as_the_room_allows(chat, engine):
    # by default a year: "12/01" is the latest 12 January, this year's
    assert "le lun. 12 janv. 2026" in await chat.one("bob", "!contrib 1h 12/01 compta")
    answer = await chat.one("bob", "!reglages passé 30j")
    assert "réservé aux admins" in answer
    answer = await chat.one("alice", "!reglages passé 30j")
    assert answer == "⚙️ Recul maximal d'une date sans année : 30 jours."
    answer = _n(await chat.one("bob", "!contrib 2h 12/01 compta"))
    assert answer == (
        "❓ « 12/01 » : le lun. 12 janv. 2026, il y a plus de 30 jours ? "
        "Si c'est bien ça, écris l'année : 12/01/2026."
    )
    assert "le lun. 12 janv. 2026" in await chat.one("bob", "!contrib 2h 12/01/2026 compta")
    assert "le lun. 23 nov. 2026" in await chat.one("bob", "!contrib 2h lundi compta")
    assert "• Recul maximal d'une date sans année : 30 jours" in await chat.one("bob", "!reglages")
    for value in ("2ans", "2 ans", "730j", "730"):
        assert "730 jours" in await chat.one("alice", f"!reglages passé {value}"), value
    answer = await chat.one("alice", "!reglages passé 3j")
    assert "de 7 à 3650" in answer and "!reglages passé 2ans" in answer
    with Session(engine) as db:
        changes = db.exec(select(Audit).where(Audit.action == "set")).all()
        assert [(c.details["before"], c.details["after"]) for c in changes] == [
            (365, 30),
            (30, 730),
            (730, 730),
            (730, 730),
            (730, 730),
        ]
        minutes = [c.minutes for c in db.exec(select(Contribution)).all()]
    assert minutes == [60, 120, 120]


async def test_the_setting_in_english(chat):
    await chat.say("alice", "!language en")
    answer = await chat.one("alice", "!settings past 2y")
    assert answer == "⚙️ Furthest back a date without its year goes: 730 days."
    answer = await chat.one("alice", "!settings past forever")
    assert "from 7 to 3650" in answer and "!settings past 2y" in answer
