"""Each record's life, defect by defect: what the issue found, as conversations in a room
driven through the dispatcher (today: Thursday 26 Nov 2026). Every undo is compared row for
row with the ledger before the action it undoes; every refusal leaves the ledger as it was."""

from __future__ import annotations

import datetime as dt

import pytest

from storage.models import (
    Allocation,
    Bucket,
    BudgetRequest,
    BudgetValidation,
    CobudgetRound,
    Funding,
    Project,
)
from storage.models import Room as RoomRow
from tests.invariants import violations
from tests.lifecycle_room import Room, changed, ledger


def plain(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


@pytest.fixture
def room(engine):
    r = Room(engine)
    for who in ("@alice", "@bob", "@carol", "@dave", "@erin"):
        r.say(who, "!contribs")  # they are members of the room
    yield r
    assert violations(engine) == []


def same(room: Room, before) -> None:
    after = ledger(room.engine)
    assert after == before, changed(before, after)


def cobudget(room: Room) -> str:
    """A round of 300 €, 100 € each for alice and bob, bob's bucket #1 « Café » (50 €) funded by
    alice; returns the id of the ``!bucket`` message."""
    room.say("@root", "!tour ouvrir Hiver 300€ jusqu'au 30/11")
    room.say("@root", "!allouer @alice @bob 100€")
    proposal = room.say("@bob", "!bucket Café 50€ max 80€").event_id
    assert "financé" in room.say("@alice", "!financer 1 50€").text
    return proposal


# --------------------------------------------------------------------------- closed is frozen


def test_a_closed_round_does_not_change_through_any_path(room):
    proposal = cobudget(room)
    card = room.card("bucket", room.rows(Bucket)[0].id)
    tip = room.react("@alice", card, "💶")
    allocation = room.rows(Allocation)[0].event_id
    closing = room.say("@root", "!tour fermer")
    assert "clos" in closing.text
    frozen = ledger(room.engine)
    # the bucket's author cancels it, an admin too: refused
    for who in ("@bob", "@root"):
        answer = plain(room.say(who, "!bucket 1 annuler").text)
        assert "Le tour « Hiver » est clos : rien n'y change plus" in answer
    # its author deletes the proposal: refused, with a reason
    answer = plain(room.remove("@bob", proposal).text)
    assert "est clos" in answer
    # a reaction taken back, the allocation deleted, the close deleted: refused
    assert "le tour est clos" in plain(room.remove("@alice", tip.event_id).text)
    assert "est clos" in plain(room.remove("@root", allocation).text)
    answer = plain(room.remove("@root", closing.event_id).text)
    assert "reste clos : supprimer le message qui l'a fermé ne le rouvre pas" in answer
    # nor is a bucket marked done any more
    assert "est clos" in plain(room.say("@bob", "!bucket 1 terminé").text)
    same(room, frozen)
    (bucket,) = room.rows(Bucket)
    assert bucket.state == "funded"
    assert sorted((f.cents, f.state) for f in room.rows(Funding)) == [
        (500, "active"),
        (5000, "active"),
    ]


def test_a_closed_envelope_does_not_change_through_any_path(room):
    room.say("@root", "!projet ajouter KPA")
    room.say("@alice", "!contrib 3h 02/11 KPA")
    room.say("@root", "!budget KPA 500€ novembre validations 1")
    request = room.say("@alice", "!demande KPA 60€")
    question = room.say("@bob", "!question 1 pourquoi ?")
    validation = room.say("@bob", "!valider 1")
    agreed = room.say("@root", "!budget KPA accord 1 50€")
    closing = room.say("@root", "!budget KPA clore")
    frozen = ledger(room.engine)
    for event in (request, question, validation, agreed):
        answer = plain(room.remove("@root", event.event_id).text)
        assert "L'enveloppe KPA (novembre 2026) est clôturée : rien n'y change plus" in answer
    answer = plain(room.remove("@root", closing.event_id).text)
    assert "reste clôturée" in answer
    answer = plain(room.edit("@alice", request.event_id, "!demande KPA 90€").text)
    assert "est clôturée" in answer
    assert "est clôturée" in plain(room.say("@carol", "!question 1 et alors ?").text)
    same(room, frozen)


# --------------------------------------------------------------------------- keyed by source


@pytest.mark.parametrize(
    ("typo", "fixed"), [("!valider 9", "!valider 1"), ("!question 9", "!question 1 ?")]
)
def test_what_an_edit_made_is_undone_by_deleting_the_message(room, typo, fixed):
    room.say("@root", "!projet ajouter KPA")
    room.say("@alice", "!contrib 3h 02/11 KPA")
    room.say("@root", "!budget KPA 500€ novembre")
    room.say("@alice", "!demande KPA 60€")
    before = ledger(room.engine)
    sent = room.say("@bob", typo)
    assert "Pas de demande #9" in plain(sent.text)
    room.edit("@bob", sent.event_id, fixed)
    assert ledger(room.engine) != before
    answer = room.remove("@bob", sent.event_id)
    assert answer.texts, "the undo is answered"
    same(room, before)


def test_deleting_an_agreed_amount_restores_the_amount_before(room):
    room.say("@root", "!projet ajouter KPA")
    room.say("@alice", "!contrib 3h 02/11 KPA")
    room.say("@root", "!budget KPA 500€ novembre")
    room.say("@alice", "!demande KPA 60€")
    room.say("@root", "!valider 1")  # the admin validated already
    before = ledger(room.engine)
    agreed = room.say("@root", "!budget KPA accord 1 95€")
    assert "95,00 € convenu" in plain(agreed.text)
    answer = plain(room.remove("@root", agreed.event_id).text)
    assert "montant retenu 60,00 €" in answer
    same(room, before)
    assert "validée" in plain(room.say("@bob", "!budget KPA").text)


# --------------------------------------------------------------------------- scope of an edit


def test_an_edit_cannot_move_a_request_into_another_envelope(room):
    room.say("@root", "!projet ajouter KPA")
    room.say("@alice", "!contrib 3h 02/10 KPA")
    room.say("@alice", "!contrib 3h 02/11 KPA")
    room.say("@root", "!budget KPA 500€ octobre")
    room.say("@root", "!budget KPA 500€ novembre")
    request = room.say("@alice", "!demande KPA octobre 60€")
    room.say("@bob", "!valider 1")
    before = ledger(room.engine)
    answer = plain(room.edit("@alice", request.event_id, "!demande KPA novembre 90€").text)
    assert "reste dans son enveloppe" in answer
    same(room, before)
    # within its envelope, the edit updates it
    answer = plain(room.edit("@alice", request.event_id, "!demande KPA octobre 70€").text)
    assert "Demande #1 d'Alice modifiée : 70,00 €" in answer
    (req,) = room.rows(BudgetRequest)
    assert req.amount == 7000 and room.rows(BudgetValidation) == []
    # once October is closed, an edit changes nothing there either
    room.say("@root", "!budget KPA accord 1 70€")
    room.say("@root", "!budget KPA octobre clore")
    before = ledger(room.engine)
    answer = plain(room.edit("@alice", request.event_id, "!demande KPA octobre 80€").text)
    assert "est clôturée" in answer
    answer = plain(room.edit("@alice", request.event_id, "!demande KPA novembre 80€").text)
    assert "reste dans son enveloppe" in answer
    same(room, before)


# --------------------------------------------------------------------------- failed, then edited


def test_a_failed_allocation_edited_into_a_valid_one_runs_once(room):
    room.say("@root", "!tour ouvrir Hiver 300€")
    before = ledger(room.engine)
    typo = room.say("@root", "!allouer @dave 5O€")
    assert "Usage" in typo.text
    assert "50,00 € alloués" in plain(room.edit("@root", typo.event_id, "!allouer @dave 50€").text)
    # now an ordinary !allouer: a later edit does not allocate again
    answer = room.edit("@root", typo.event_id, "!allouer @erin 50€").text
    assert "ne se corrige pas" in answer
    assert [(a.user_id, a.cents, a.event_id) for a in room.rows(Allocation)] == [
        ("@dave", 5000, typo.event_id)
    ]
    # and deleting the message undoes it, as for any !allouer
    assert "allocation annulée" in room.remove("@root", typo.event_id).text
    same(room, before)


def test_a_failed_funding_edited_again_and_again_never_crashes(room):
    cobudget(room)
    before = ledger(room.engine)
    typo = room.say("@bob", "!financer 1 5O€")
    assert "« 5O€ » n'est pas un montant. Tape : !financer" in typo.text
    assert "5,00 € mis dans le bucket #1" in plain(
        room.edit("@bob", typo.event_id, "!financer 1 5€").text
    )
    for amount in ("6€", "7€"):
        edit = room.edit("@bob", typo.event_id, f"!financer 1 {amount}")
        assert "ne se corrige pas" in edit.text
        assert room.outcome(edit.event_id) == "error"
    assert sorted(f.cents for f in room.rows(Funding)) == [500, 5000]
    room.remove("@bob", typo.event_id)
    same(room, before)


# --------------------------------------------------------------------------- deadlines


def test_past_the_deadline_nothing_leaves_before_the_timed_close(room):
    cobudget(room)
    room.say("@bob", "!bucket Thé 20€ max 50€")
    card = room.card("bucket", room.rows(Bucket)[1].id)
    tip = room.react("@alice", card, "💰")  # funded on the deadline's day
    assert "financé" in tip.text
    command = room.say("@bob", "!financer 2 5€")
    allocation = room.rows(Allocation)[0].event_id
    room.now = dt.datetime(2026, 11, 30, 23, 5, tzinfo=dt.UTC)  # 1 December in Paris
    frozen = ledger(room.engine)
    assert "date limite du tour est passée" in plain(room.remove("@alice", tip.event_id).text)
    assert "date limite du tour est passée" in plain(room.remove("@bob", command.event_id).text)
    assert "date limite" in plain(room.say("@bob", "!bucket 2 annuler").text)
    assert "date limite" in plain(room.remove("@root", allocation).text)
    assert "date limite" in plain(room.say("@root", "!allouer @carol 5€").text)
    assert "date limite" in plain(room.say("@root", "!tour réactions 💶=1€").text)
    same(room, frozen)
    said = plain("\n".join(room.tick()))
    assert "#2 « Thé » : financé avec 25,00 €" in said
    assert [b.state for b in room.rows(Bucket)] == ["funded", "funded"]


# --------------------------------------------------------------------------- every deletion answered


def test_every_deletion_of_a_cobudget_command_is_answered_and_exact(room):
    before = ledger(room.engine)
    opened = room.say("@root", "!tour ouvrir Hiver 300€")
    answer = plain(room.remove("@root", opened.event_id).text)
    assert "le tour #1 « Hiver » n'est plus ouvert" in answer
    same(room, before)

    cobudget(room)
    before = ledger(room.engine)
    reactions = room.say("@root", "!tour réactions 💶=1€")
    assert "reprennent leur valeur d'avant" in plain(room.remove("@root", reactions.event_id).text)
    same(room, before)

    before = ledger(room.engine)
    done = room.say("@bob", "!bucket 1 terminé")
    assert "n'est plus marqué réalisé" in plain(room.remove("@bob", done.event_id).text)
    same(room, before)

    before = ledger(room.engine)
    cancel = room.say("@bob", "!bucket 1 annuler")
    assert "50,00 € rendus" in plain(cancel.text)
    answer = plain(room.remove("@bob", cancel.event_id).text)
    assert "n'est plus annulé (financé) ; 50,00 € y reviennent de 1 financeur" in answer
    same(room, before)

    # the money given back was spent since: the cancel stays, and says why
    cancel = room.say("@bob", "!bucket 1 annuler")
    room.say("@bob", "!bucket Thé 80€")
    room.say("@alice", "!financer 2 80€")
    before = ledger(room.engine)
    answer = plain(room.remove("@bob", cancel.event_id).text)
    assert "Alice a déjà dépensé ailleurs les 50,00 €" in answer
    same(room, before)

    # the round holds allocations and buckets: deleting its opening says so
    answer = plain(room.remove("@root", room.rows(CobudgetRound)[0].event_id).text)
    assert "a déjà 2 allocations et 2 buckets" in answer and "!tour fermer" in answer
    same(room, before)

    # a command that changed nothing: deleting it says nothing
    assert room.remove("@root", room.say("@root", "!tour").event_id).texts == []


def test_every_deletion_of_a_budget_command_is_answered_and_exact(room):
    room.say("@root", "!projet ajouter KPA")
    room.say("@alice", "!contrib 3h 02/11 KPA")
    room.say("@bob", "!contrib 2h 03/11 KPA")
    room.say("@root", "!budget KPA 100€ novembre")
    room.say("@alice", "!demande KPA 80€")
    room.say("@bob", "!demande KPA 60€")
    room.say("@root", "!valider 1")
    room.say("@root", "!valider 2")
    before = ledger(room.engine)
    prorata = room.say("@root", "!budget KPA prorata")
    answer = plain(room.remove("@root", prorata.event_id).text)
    assert "le prorata de l'enveloppe KPA (novembre 2026) est défait" in answer
    same(room, before)

    before = ledger(room.engine)
    withdrawal = room.say("@bob", "!demande KPA retirer")
    answer = plain(room.remove("@bob", withdrawal.event_id).text)
    assert "la demande #2 de Bob est de nouveau comme avant (60,00 €)" in answer
    same(room, before)

    before = ledger(room.engine)
    update = room.say("@bob", "!demande KPA 40€")
    assert room.rows(BudgetValidation)[-1].request_id == 1  # bob's validation was dropped
    answer = plain(room.remove("@bob", update.event_id).text)
    assert "comme avant (60,00 €)" in answer
    same(room, before)

    room.say("@root", "!budget KPA prorata")
    closing = room.say("@root", "!budget KPA clore")
    assert "clôturée" in plain(closing.text)
    answer = plain(room.remove("@root", closing.event_id).text)
    assert "reste clôturée" in answer


def test_every_deletion_of_a_room_command_is_answered_and_exact(room):
    before = ledger(room.engine)
    added = room.say("@root", "!projet ajouter KPA")
    assert "le projet KPA n'existe plus" in plain(room.remove("@root", added.event_id).text)
    same(room, before)

    room.say("@root", "!projet ajouter KPA")
    for command, said in (
        ("!projet renommer KPA Kaléidoscope", "reprend son nom"),
        ("!projet archiver KPA", "n'est plus archivé"),
        ("!projet defaut KPA", "Plus de projet par défaut"),
        ("!fuseau America/Montreal", "Fuseau horaire : de nouveau Europe/Paris"),
        ("!reglages journee 8h", "de nouveau 7h"),
    ):
        before = ledger(room.engine)
        sent = room.say("@root", command)
        assert said in plain(room.remove("@root", sent.event_id).text), command
        same(room, before)

    before = ledger(room.engine)
    sent = room.say("@root", "!langue en")
    assert "Langue : de nouveau fr" in plain(room.remove("@root", sent.event_id).text)
    same(room, before)

    room.say("@alice", "!contrib 3h KPA atelier")
    before = ledger(room.engine)
    removal = room.say("@alice", "!annuler 1")
    answer = plain(room.remove("@alice", removal.event_id).text)
    assert "la contribution #1 est rétablie" in answer
    same(room, before)

    # a project in use stays, and the answer says how to stop using it
    before = ledger(room.engine)
    answer = plain(room.remove("@root", room.rows(Project)[0].event_id).text)
    assert "Le projet KPA sert déjà" in answer and "!projet archiver KPA" in answer
    same(room, before)


def test_a_later_change_keeps_an_earlier_message_from_being_undone(room):
    first = room.say("@root", "!recap planifier lundi 9h")
    room.say("@root", "!recap planifier mardi 10h")
    before = ledger(room.engine)
    answer = plain(room.remove("@root", first.event_id).text)
    assert "a changé depuis" in answer
    same(room, before)


def test_a_reaction_that_no_longer_counts_is_taken_back_in_silence(room):
    cobudget(room)
    card = room.card("bucket", room.rows(Bucket)[0].id)
    tip = room.react("@bob", card, "💶")
    room.say("@bob", "!bucket 1 annuler")
    before = ledger(room.engine)
    answer = plain(room.remove("@bob", tip.event_id).text)
    assert "ce que tu y avais mis t'a déjà été rendu" in answer
    same(room, before)


def test_the_default_project_comes_back_only_if_it_still_can_be_one(room):
    """Found by the settings machine: undoing ``!projet defaut aucun`` made the default a
    project removed since (the room pointed at nothing, and the answer said there was no
    default), or one archived since (an archived project cannot be the default)."""
    added = room.say("@root", "!projet ajouter JARDIN")
    room.say("@root", "!projet defaut JARDIN")
    none = room.say("@root", "!projet defaut aucun")
    assert "n'existe plus" in plain(room.remove("@root", added.event_id).text)
    before = ledger(room.engine)
    answer = plain(room.remove("@root", none.event_id).text)
    assert "le projet par défaut avant ce message n'existe plus" in answer
    assert "!projet defaut" in answer
    same(room, before)

    room.say("@root", "!projet ajouter POTAGER")
    room.say("@root", "!projet defaut POTAGER")
    none = room.say("@root", "!projet defaut aucun")
    room.say("@root", "!projet archiver POTAGER")
    before = ledger(room.engine)
    answer = plain(room.remove("@root", none.event_id).text)
    assert "Le projet POTAGER est archivé" in answer and "!projet rouvrir POTAGER" in answer
    same(room, before)

    # reopened, it can be the default again: the undo goes through
    room.say("@root", "!projet rouvrir POTAGER")
    answer = plain(room.remove("@root", none.event_id).text)
    assert "Projet par défaut du salon : POTAGER" in answer
    assert room.rows(Project)[-1].id == room.rows(RoomRow)[0].default_project_id


def test_a_setting_undone_once_is_not_undone_again(room):
    """Found by the settings machine: a setting message edited into text (undone), then deleted,
    was undone a second time once a later message had set the same value again: the later
    change was lost."""
    first = room.say("@root", "!fuseau America/Montreal")
    assert "Europe/Paris" in room.edit("@root", first.event_id, "oups").text
    room.say("@root", "!fuseau America/Montreal")  # set again, by another message
    before = ledger(room.engine)
    assert "Rien à annuler" in plain(room.remove("@root", first.event_id).text)
    same(room, before)

    room.say("@root", "!projet ajouter JARDIN")
    archived = room.say("@root", "!projet archiver JARDIN")
    assert "n'est plus archivé" in room.remove("@root", archived.event_id).text
    room.say("@root", "!projet archiver JARDIN")
    before = ledger(room.engine)
    assert "Rien à annuler" in plain(room.remove("@root", archived.event_id).text)
    same(room, before)
