"""The recap, as conversations in a console room (the clock is Thursday 26 Nov 2026, noon)."""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import Audit, RecapSchedule


async def _week_of_work(chat) -> None:
    await chat.say("alice", '!projet ajouter KPA "KPA-Cités"')
    await chat.say("alice", "!projet ajouter COMPTA")
    await chat.say("alice", "!contrib 3h atelier KPA")
    await chat.say("bob", "!contrib 2h lundi COMPTA")
    await chat.say("carol", "!contrib 1h30 hier KPA")
    await chat.say("bob", "!contrib 4h 18/11 KPA")  # the week before


async def test_recap_of_this_week_with_comparison_newcomers_and_chart(chat):
    await _week_of_work(chat)
    said = await chat.said("dan", "!recap")
    assert [s.kind for s in said] == ["text", "file"]
    text = said[0].text
    lines = text.splitlines()
    assert lines[0] == "**📊 Récap — semaine du 23 nov. au 29 nov. 2026 (en cours)**"
    assert "6h30 données par 3 personnes (3 contributions)" in text
    assert "Période précédente : 4h par 1 personne (+63 %)" in text
    assert "Première contribution : Carol, Alice — bienvenue !" in text
    assert "| KPA | 4h30 | 2 | +30 min |" in text
    assert "| COMPTA | 2h | 1 | nouveau |" in text
    assert "| Alice 🆕 | 3h | 1 |" in text
    assert "| Bob | 2h | 1 |" in text
    chart = said[1]
    assert chart.data is not None and chart.data.startswith(b"\x89PNG")
    assert chart.file_path is not None and chart.file_path.name.endswith(".png")


async def test_recap_of_last_week_and_of_a_month(chat):
    await _week_of_work(chat)
    text = (await chat.say("dan", "!recap semaine dernière"))[0]
    assert "semaine du 16 nov. au 22 nov. 2026**" in text
    assert "(en cours)" not in text
    assert "4h données par 1 personne" in text
    assert "Première contribution : Bob" in text
    text = (await chat.say("dan", "!recap novembre"))[0]
    assert "Récap — novembre 2026 (en cours)" in text
    assert "10h30 données par 3 personnes" in text
    assert "Période précédente : aucune contribution." in text


async def test_html_has_tables_and_escapes_names(chat):
    await chat.say("<b>eve</b>", "!contrib 1h")
    said = await chat.said("dan", "!recap")
    assert said[0].kind == "text"
    # the console shows text; the html rendering is stored with the message
    from storage.models import BotMessage

    with Session(chat.runtime.engine) as db:
        html = db.exec(select(BotMessage).where(BotMessage.kind == "text")).all()[-1].html
    assert "<table>" in html and "<th>Projet</th>" in html
    assert "&lt;b&gt;eve&lt;/b&gt;" in html and "<b>eve</b>" not in html


async def test_quiet_room_gets_one_line_and_no_chart(chat):
    answers = await chat.say("dan", "!recap")
    assert answers == [
        "📭 Récap — semaine du 23 nov. au 29 nov. 2026 (en cours) : rien à signaler, aucune activité."
    ]


async def test_unknown_period_says_what_to_type(chat):
    answer = await chat.one("dan", "!recap blorp")
    assert "Je ne comprends pas la période « blorp »" in answer
    assert "!recap semaine dernière" in answer


async def test_english_room(chat):
    await chat.say("alice", "!langue en")
    await chat.say("bob", "!contrib 2h")
    text = (await chat.say("bob", "!recap last week"))[0]
    assert text == "📭 Recap — week of 16 Nov to 22 Nov 2026: nothing to report, no activity."
    text = (await chat.say("bob", "!summary"))[0]
    assert "2h given by 1 person" in text


async def test_admins_plan_the_recap_and_the_reminder(chat, engine):
    answer = await chat.one("alice", "!recap planifier lundi 9h")
    assert "Récap hebdomadaire planifié chaque lundi à 9h00 (Europe/Paris)" in answer
    answer = await chat.one("alice", "!recap planifier mensuel 1 9h30")
    assert "le 1er de chaque mois à 9h30" in answer
    answer = await chat.one("alice", "!rappel vendredi 17h")
    assert "Rappel planifié chaque vendredi à 17h00" in answer
    shown = await chat.one("bob", "!recap planifier")
    assert "récap hebdomadaire : chaque lundi à 9h00" in shown
    assert "récap mensuel : le 1er de chaque mois à 9h30" in shown
    answer = await chat.one("alice", "!recap planifier off")
    assert "Désactivé : récap hebdomadaire, récap mensuel" in answer
    answer = await chat.one("alice", "!rappel off")
    assert "Désactivé : rappel" in answer
    with Session(engine) as db:
        rows = db.exec(select(RecapSchedule)).all()
        assert {r.kind: r.enabled for r in rows} == {
            "weekly": False,
            "monthly": False,
            "reminder": False,
        }
        actions = [a.action for a in db.exec(select(Audit).order_by(Audit.id)).all()]
    assert actions == ["schedule"] * 3 + ["unschedule"] * 3


async def test_planning_is_for_admins_and_bad_input_stores_nothing(chat, engine):
    assert "réservé aux admins" in await chat.one("bob", "!recap planifier lundi 9h")
    assert "réservé aux admins" in await chat.one("bob", "!rappel vendredi 17h")
    cases = {
        "!recap planifier lumdi 9h": "n'est pas un jour de la semaine",
        "!recap planifier lundi 25h": "Heure non comprise : « 25h »",
        "!recap planifier lundi": "Heure non comprise",
        "!recap planifier mensuel 31 9h": "le jour du mois va de 1 à 28",
        "!rappel 17h": "n'est pas un jour",
    }
    for text, expected in cases.items():
        answer = await chat.one("alice", text)
        assert expected in answer, (text, answer)
    with Session(engine) as db:
        assert db.exec(select(RecapSchedule)).all() == []
        assert db.exec(select(Audit)).all() == []


async def test_english_planning_words(chat):
    await chat.say("alice", "!language en")
    answer = await chat.one("alice", "!recap schedule monday 9am")
    assert "Weekly recap scheduled every Monday at 09:00" in answer
    answer = await chat.one("alice", "!reminder friday 5:30pm")
    assert "every Friday at 17:30" in answer


async def test_deleting_a_planning_message_puts_the_schedule_back(chat, engine):
    def weekly():
        with Session(engine) as db:
            row = db.get(RecapSchedule, ("coroutine", "weekly"))
            return None if row is None else (row.enabled, row.weekday, row.hour)

    await chat.say("alice", "!recap planifier lundi 9h")
    first = chat.last_id
    await chat.say("alice", "!recap planifier mardi 10h")
    second = chat.last_id
    assert weekly() == (True, 1, 10)
    answers = await chat.delete("alice", second)
    assert any("revient à ce qu'elle était" in a for a in answers), answers
    assert weekly() == (True, 0, 9)
    # the first message is undone exactly: there was no weekly recap before it
    answers = await chat.delete("alice", first)
    assert any("revient à ce qu'elle était" in a for a in answers), answers
    assert weekly() is None
    with Session(engine) as db:
        undos = db.exec(select(Audit).where(Audit.action == "undo")).all()
    assert len(undos) == 2


async def test_anyone_sees_the_schedules_and_a_period_that_does_not_read_is_named(chat):
    assert "réservé aux admins" not in await chat.one("bob", "!recap planifier")
    assert "réservé aux admins" not in await chat.one("bob", "!rappel")
    answer = await chat.one("bob", "!recap novembre zzz")
    assert "Je ne comprends pas la période « novembre zzz »" in answer
