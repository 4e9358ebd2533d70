"""Nothing is misread: unknown project codes, people named by short names, allocations to
non-members, the currency under an open round, look-alike display names. Conversations in a
console room (today: Thursday 26 Nov 2026)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from storage.models import Allocation, Audit, Contribution, PendingAction, Room
from storage.models.pending import PENDING_DONE, PENDING_DROPPED, PENDING_OPEN


def norm(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def contributions(engine) -> list[Contribution]:
    with Session(engine) as db:
        return list(db.exec(select(Contribution).order_by(col(Contribution.id))).all())


def pending(engine) -> list[PendingAction]:
    with Session(engine) as db:
        return list(db.exec(select(PendingAction).order_by(col(PendingAction.id))).all())


def audit(engine, kind: str | None = None) -> list[tuple[str, str]]:
    with Session(engine) as db:
        rows = db.exec(select(Audit).order_by(col(Audit.id))).all()
    return [(a.action, a.object_kind) for a in rows if kind is None or a.object_kind == kind]


async def offer_of(chat, user: str, text: str) -> tuple[str, str]:
    """Say ``text``; the bot answers with one offer (and puts ✅ on it): (its text, its id)."""
    said = await chat.said(user, text)
    texts = [s for s in said if s.kind == "text"]
    assert len(texts) == 1, [s.text for s in said]
    reactions = [s for s in said if s.kind == "react"]
    assert [(r.text, r.reply_to) for r in reactions] == [("✅", texts[0].short_id)]
    return norm(texts[0].text), texts[0].short_id


@pytest.fixture
async def kpa(chat):
    await chat.say("alice", '!projet ajouter KPA "KPA-Cités"')
    return chat


# --------------------------------------------------------------------------- unknown codes


async def test_misspelt_code_stores_nothing_and_offers_close_codes(kpa, engine):
    text, offer = await offer_of(kpa, "alice", "!contrib 3h atelier KAP")
    assert "« KAP » ressemble à un code de projet" in text
    assert "Projets proches : KPA." in text
    assert "Rien n'est enregistré" in text
    assert "#KPA à la place de « KAP »" in text
    assert "réagis ✅ à ce message" in text and "sans projet" in text
    assert contributions(engine) == []
    # someone else's ✅ changes nothing
    assert await kpa.react("bob", offer, "✅") == []
    assert contributions(engine) == []
    # the sender's ✅ records it, without a project, tied to the command message
    command = kpa.last_id
    answers = [norm(a) for a in await kpa.react("alice", offer, "✅")]
    assert len(answers) == 1 and "Contribution #1 enregistrée pour Alice" in answers[0]
    assert "sans projet — atelier KAP" in answers[0]
    (c,) = contributions(engine)
    assert (c.minutes, c.project_id, c.description) == (180, None, "atelier KAP")
    assert c.event_id == kpa.adapter.resolve(command)
    assert [a.state for a in pending(engine)] == [PENDING_DONE]
    # exactly once: a second ✅ changes nothing
    assert await kpa.react("alice", offer, "✔️") == []
    assert len(contributions(engine)) == 1
    assert audit(engine, "pending_action") == [
        ("offer", "pending_action"),
        ("confirm", "pending_action"),
    ]
    assert audit(engine, "contribution") == [("create", "contribution")]


async def test_removing_the_check_mark_undoes_and_it_can_be_given_again(kpa, engine):
    _, offer = await offer_of(kpa, "alice", "!contrib 3h atelier KAP")
    await kpa.react("alice", offer, "✅")
    answers = [norm(a) for a in await kpa.unreact("alice", offer, "✅")]
    assert len(answers) == 1 and "Ton ✅ est retiré : la contribution #1 est annulée" in answers[0]
    assert contributions(engine) == []
    (action,) = pending(engine)
    assert action.state == PENDING_OPEN
    answers = [norm(a) for a in await kpa.react("alice", offer, "✅")]
    assert "enregistrée pour Alice" in answers[0]
    assert len(contributions(engine)) == 1
    assert [a for a, _ in audit(engine, "pending_action")] == [
        "offer",
        "confirm",
        "unconfirm",
        "confirm",
    ]


async def test_editing_the_command_into_the_right_code_records_it(kpa, engine):
    _, offer = await offer_of(kpa, "alice", "!contrib 3h atelier KAP")
    command = kpa.last_id
    answers = [norm(a) for a in await kpa.edit("alice", command, "!contrib 3h atelier KPA")]
    assert len(answers) == 1 and "Contribution #1 enregistrée" in answers[0]
    assert "KPA (KPA-Cités)" in answers[0]
    (c,) = contributions(engine)
    assert c.project_id is not None and c.description == "atelier"
    assert [a.state for a in pending(engine)] == [PENDING_DROPPED]
    # the offer no longer holds
    answers = [norm(a) for a in await kpa.react("alice", offer, "✅")]
    assert len(answers) == 1 and "ne tient plus" in answers[0]
    assert len(contributions(engine)) == 1


async def test_an_edit_that_is_refused_still_drops_the_offer(kpa, engine):
    _, offer = await offer_of(kpa, "alice", "!contrib 3h atelier KAP")
    answers = await kpa.edit("alice", kpa.last_id, "!contrib atelier KAP")
    assert len(answers) == 1 and "Il manque la durée" in answers[0]
    assert [a.state for a in pending(engine)] == [PENDING_DROPPED]
    await kpa.react("alice", offer, "✅")
    assert contributions(engine) == []


async def test_an_edit_still_doubtful_makes_a_new_offer(kpa, engine):
    await offer_of(kpa, "alice", "!contrib 3h atelier KAP")
    command = kpa.last_id
    said = await kpa.adapter.edit(command, "!contrib 4h atelier KPZ", user="alice")
    assert said
    await kpa.runtime.flush()
    states = [(a.state, a.payload["minutes"]) for a in pending(engine)]
    assert states == [(PENDING_DROPPED, 180), (PENDING_OPEN, 240)]


async def test_deleting_the_command_drops_the_offer_and_says_so(kpa, engine):
    _, offer = await offer_of(kpa, "alice", "!contrib 3h atelier KAP")
    answers = [norm(a) for a in await kpa.delete("alice", kpa.last_id)]
    assert len(answers) == 1 and "proposition en attente est abandonnée" in answers[0]
    assert [a.state for a in pending(engine)] == [PENDING_DROPPED]
    await kpa.react("alice", offer, "✅")
    assert contributions(engine) == []


async def test_after_the_check_mark_the_command_message_governs(kpa, engine):
    _, offer = await offer_of(kpa, "alice", "!contrib 3h atelier KAP")
    command = kpa.last_id
    await kpa.react("alice", offer, "✅")
    answers = [norm(a) for a in await kpa.edit("alice", command, "!contrib 4h atelier #KPA")]
    assert any("Contribution #1 mise à jour" in a and "4h" in a for a in answers), answers
    (c,) = contributions(engine)
    assert c.minutes == 240 and c.project_id is not None
    # the ✅ no longer governs it: removing it changes nothing
    assert await kpa.unreact("alice", offer, "✅") == []
    assert len(contributions(engine)) == 1
    # deleting the command undoes it, as for any contribution
    answers = [norm(a) for a in await kpa.delete("alice", command)]
    assert any("contribution #1 annulée" in a for a in answers), answers
    assert contributions(engine) == []


async def test_deleting_a_confirmed_command_undoes_its_contribution(kpa, engine):
    _, offer = await offer_of(kpa, "alice", "!contrib 3h atelier KAP")
    await kpa.react("alice", offer, "✅")
    answers = [norm(a) for a in await kpa.delete("alice", kpa.last_id)]
    assert any("contribution #1 annulée" in a for a in answers), answers
    assert contributions(engine) == []
    assert [a.state for a in pending(engine)] == [PENDING_DROPPED]


async def test_default_project_is_what_the_check_mark_records(kpa, engine):
    await kpa.say("alice", "!projet defaut KPA")
    text, offer = await offer_of(kpa, "alice", "!contrib 2h réunion AG")
    assert "« AG » ressemble à un code de projet" in text
    assert "dans le projet par défaut du salon, KPA" in text
    await kpa.react("alice", offer, "✅")
    (c,) = contributions(engine)
    assert c.project_id is not None and c.description == "réunion AG"


async def test_words_that_only_look_like_codes_in_lower_case_pass(kpa, engine):
    await kpa.say("alice", '!projet ajouter AG "Assemblée générale"')
    for text in ("!contrib 1h réunion au local", '!contrib 1h relecture "CA" du mois'):
        answer = norm(await kpa.one("alice", text))
        assert "enregistrée" in answer, (text, answer)
    assert [c.description for c in contributions(engine)] == [
        "réunion au local",
        'relecture "CA" du mois',
    ]


async def test_lower_case_typo_of_a_code_and_archived_codes_are_asked(kpa, engine):
    text, _ = await offer_of(kpa, "alice", "!contrib 1h atelier kap")
    assert "Projets proches : KPA" in text
    await kpa.say("alice", "!projet ajouter OLD")
    await kpa.say("alice", "!projet archiver OLD")
    text, _ = await offer_of(kpa, "alice", "!contrib 1h atelier OLD")
    assert "projet archivé" in text
    assert contributions(engine) == []


async def test_known_code_with_punctuation_is_the_project(kpa, engine):
    answer = norm(await kpa.one("alice", "!contrib 1h KPA, atelier"))
    assert "KPA (KPA-Cités) — atelier" in answer


async def test_hash_code_always_means_a_project(kpa, engine):
    answer = norm(await kpa.one("alice", "!contrib 1h atelier #KAP"))
    assert "Projet « KAP » inconnu. Projets proches : KPA." in answer
    assert pending(engine) == [] and contributions(engine) == []


async def test_room_without_projects_says_so(chat, engine):
    text, _ = await offer_of(chat, "alice", "!contrib 1h réunion CA")
    assert "Ce salon n'a encore aucun projet." in text
    assert "!projet ajouter CA" in text


async def test_other_commands_refuse_unknown_codes_with_close_ones(kpa):
    for text in ("!contribs KAP", "!export csv KAP", "!budget KAP", "!demande KAP 10€"):
        answer = norm(await kpa.one("bob", text))
        assert "« KAP » inconnu" in answer and "KPA" in answer, (text, answer)


async def test_english_room_offer(kpa, engine):
    await kpa.say("alice", "!langue en")
    text, offer = await offer_of(kpa, "alice", "!contrib 3h workshop KAP")
    assert "“KAP” looks like a project code" in text and "Close projects: KPA." in text
    assert "react ✅ to this message" in text and "without a project" in text
    answers = await kpa.react("alice", offer, "✅")
    assert "Contribution #1 saved for Alice" in answers[0]


# --------------------------------------------------------------------------- people


async def test_short_names_resolve_to_the_room_member(chat, engine):
    answer = norm(await chat.one("alice", "!contrib @bob 2h rangement"))
    assert "Je ne trouve personne « @bob »" in answer
    assert contributions(engine) == []
    await chat.join("bob")
    await chat.join("elodie", "Élodie Martin")
    for text in ("!contrib @bob 2h rangement", "!contrib @Bob 1h accueil"):
        answer = norm(await chat.one("alice", text))
        assert "enregistrée pour Bob" in answer, answer
    answer = norm(await chat.one("alice", "!contrib @elodie.martin 1h compta"))
    assert "enregistrée pour Élodie Martin" in answer
    answer = norm(await chat.one("alice", "!contrib @elo 1h compta"))
    assert "Tu voulais dire : Élodie Martin (@elodie)" in answer
    assert {c.user_id for c in contributions(engine)} == {"@bob", "@elodie"}


async def test_two_members_that_fit_are_a_question(chat, engine):
    await chat.join("sam1", "Sam")
    await chat.join("sam2", "Sam")
    answer = norm(await chat.one("alice", "!contrib @sam 1h accueil"))
    assert "« @sam » peut désigner plusieurs membres" in answer
    assert "Sam (@sam1)" in answer and "Sam (@sam2)" in answer
    answer = norm(await chat.one("alice", "!contrib @sam2 1h accueil"))
    assert "enregistrée pour Sam (@sam2)" in answer


async def test_group_mentions_are_never_a_person(chat, engine):
    await chat.say("alice", '!tour ouvrir "Hiver" 100€')
    for text in ("!contrib @everyone 1h", "!contribs @room", "!allouer @everyone 1€"):
        answer = norm(await chat.one("alice", text))
        assert "désigne tout le salon, pas une personne" in answer, (text, answer)
    with Session(engine) as db:
        assert db.exec(select(Allocation)).all() == []
    assert contributions(engine) == []


async def test_contribs_of_someone_who_left_stay_readable(chat, engine):
    await chat.join("bob")
    await chat.say("alice", "!contrib @bob 2h rangement")
    await chat.join("bob", joined=False)
    answer = norm(await chat.one("alice", "!contribs @bob"))
    assert "Bob" in answer and "2h" in answer
    answer = norm(await chat.one("alice", "!contrib @bob 1h"))
    assert "n'est plus membre du salon" in answer


async def test_allocations_go_to_members_only(chat, engine):
    await chat.join("bob")
    await chat.join("carol")
    await chat.say("bob", "!contrib 3h 12/11 atelier")
    await chat.say("carol", "!contrib 1h 12/11 atelier")
    await chat.say("alice", '!tour ouvrir "Hiver" 100€')
    await chat.join("carol", joined=False)
    answer = norm(await chat.one("alice", "!allouer @carol 10€"))
    assert "Carol (@carol) n'est plus membre du salon" in answer
    answer = norm(await chat.one("alice", "!allouer contributions novembre"))
    assert "Pas de part pour qui n'est plus membre du salon : Carol" in answer
    with Session(engine) as db:
        given = {a.user_id: a.cents for a in db.exec(select(Allocation)).all()}
    assert given == {"@bob": 10000}


# --------------------------------------------------------------------------- currency


async def test_currency_cannot_change_under_an_open_round_or_envelope(kpa, engine):
    answer = norm(await kpa.one("alice", "!reglages devise XXX"))
    assert "« XXX » n'est pas une devise en cours" in answer
    await kpa.say("alice", '!tour ouvrir "Hiver" 100€')
    answer = norm(await kpa.one("alice", "!reglages devise CHF"))
    assert "Le tour « Hiver » est ouvert" in answer and "en EUR" in answer
    await kpa.say("alice", "!tour fermer")
    await kpa.say("alice", "!contrib 3h 12/11 KPA atelier")
    await kpa.say("alice", "!budget KPA 100€ novembre proportionnel")
    answer = norm(await kpa.one("alice", "!reglages devise CHF"))
    assert "L'enveloppe KPA (novembre 2026) est ouverte" in answer
    assert "!budget KPA clore" in answer
    await kpa.say("alice", "!budget KPA clore")
    answer = norm(await kpa.one("alice", "!reglages devise xof"))
    assert "XOF" in answer
    with Session(engine) as db:
        room = db.get(Room, "coroutine")
        assert room is not None and room.currency == "XOF"


# --------------------------------------------------------------------------- display names


async def test_a_borrowed_display_name_shows_with_its_id(chat, engine):
    answer = norm(await chat.one("alice", "!contrib 2h accueil"))
    assert "enregistrée pour Alice :" in answer
    # someone else, also named "Alice" (the console names @ALICE "Alice")
    answer = norm(await chat.one("ALICE", "!contrib 5h accueil"))
    assert "enregistrée pour Alice (@ALICE)" in answer
    answer = norm(await chat.one("alice", "!contribs tous"))
    assert "| Alice (@ALICE) | 5h |" in answer
    assert "| Alice (@alice) | 2h |" in answer
    # a display name that is someone else's local part
    await chat.join("eve", "bob")
    await chat.join("bob", "Robert")
    answer = norm(await chat.one("alice", "!contrib @eve 1h accueil"))
    assert "enregistrée pour bob (@eve)" in answer
    answer = norm(await chat.one("alice", "!contrib @bob 1h accueil"))
    assert "enregistrée pour Robert :" in answer
