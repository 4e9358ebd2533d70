"""One conversation per family of commands, played by the transcript tests (console, French and
English, compared with approved transcripts) and by the placement tests (the same conversations
on the console, the fake Mattermost and a real Synapse, every answer checked in its place).

A script acts through a ``Room`` (say, edit, delete, react, unreact; in a thread or not) and
refers to what it said and what the bot answered by the short ids the room gives back. The room
is already set up: alice is an admin; alice, bob, chloe and carol are members the bot knows
(with display names Alice, Bob, Chloe, Carol). ``lang`` is the room's language: the scripts
type the French or the English words (``t.w("atelier", "workshop")``).

The clock stands at Thursday 26 November 2026, 12:00 in Paris.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol


@dataclass
class Step:
    """What one action gave: the short id of the message typed (``u3``; ``""`` for a reaction,
    an edit or a deletion), and the short ids of the bot's answers (texts and files, in order)."""

    id: str
    answers: list[str] = field(default_factory=list)

    @property
    def last(self) -> str:
        return self.answers[-1]


class Room(Protocol):
    lang: str

    async def say(self, user: str, text: str, *, thread: str | None = None) -> Step: ...

    async def edit(self, user: str, target: str, text: str) -> Step: ...

    async def delete(self, user: str, target: str) -> Step: ...

    async def react(self, user: str, target: str, key: str) -> Step: ...

    async def unreact(self, user: str, target: str, key: str) -> Step: ...


class Words:
    """The room's words: ``w(fr, en)`` is the French or the English one."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def w(self, fr: str, en: str) -> str:
        return fr if self.lang == "fr" else en


Script = Callable[[Room], Awaitable[None]]


# --------------------------------------------------------------------------- contributions


async def contrib(room: Room) -> None:
    t = Words(room.lang)
    w = t.w
    await room.say("alice", w('!projet ajouter KPA "KPA-Cités"', '!project add KPA "KPA-Cités"'))
    first = await room.say("bob", w("!contrib 3h atelier KPA", "!contrib 3h workshop KPA"))
    await room.edit("bob", first.id, w("!contrib 2h30 atelier KPA", "!contrib 2h30 workshop KPA"))
    # an edit that cannot be read leaves the contribution as it was, and says so
    await room.edit("bob", first.id, w("!contrib atelier KPA", "!contrib workshop KPA"))
    await room.say("chloe", w("!contrib 1,5h hier compta", "!contrib 1.5h yesterday accounts"))
    await room.say(
        "alice", w("!contrib @bob 45min 23/11 rangement", "!contrib @bob 45min 23/11 tidying")
    )
    await room.say("bob", w("!contrib 2h 03/12/2026 atelier", "!contrib 2h 03/12/2026 workshop"))
    await room.say("bob", "!contrib")
    # a word that looks like a code the room does not have: nothing is recorded until ✅
    doubtful = await room.say("chloe", w("!contrib 1h réunion KAP", "!contrib 1h meeting KAP"))
    await room.react("chloe", doubtful.answers[0], "✅")
    await room.unreact("chloe", doubtful.answers[0], "✅")
    # in a thread: the answers stay in it, a deletion too
    root = await room.say("carol", w("Qui a rangé l'atelier ?", "Who tidied the workshop?"))
    threaded = await room.say(
        "carol", w("!contrib 2h rangement KPA", "!contrib 2h tidying KPA"), thread=root.id
    )
    await room.delete("carol", threaded.id)
    # a command edited into plain text: one notice, that says so
    typo = await room.say("chloe", "!contrib 1h KPA")
    await room.edit("chloe", typo.id, w("merci !", "thanks!"))
    await room.say("bob", w("!contribs", "!contribs"))
    await room.say("alice", w("!contribs tous", "!contribs all"))
    await room.say("alice", w("!contribs KPA novembre", "!contribs KPA november"))
    await room.say("bob", w("!annuler 1", "!undo 1"))
    await room.say("bob", w("!annuler 3", "!undo 3"))
    await room.delete("bob", first.id)


# --------------------------------------------------------------------------- projects


async def projects(room: Room) -> None:
    w = Words(room.lang).w
    await room.say("bob", w("!projets", "!projects"))
    await room.say("alice", w('!projet ajouter KPA "KPA-Cités"', '!project add KPA "KPA-Cités"'))
    await room.say("alice", w("!projet ajouter ATL Atelier vélo", "!project add ATL Bike workshop"))
    await room.say("bob", w("!projets", "!projects"))
    await room.say("alice", w("!projet defaut KPA", "!project default KPA"))
    await room.say("bob", w("!projets", "!projects"))
    await room.say("bob", "!contrib 1h")
    await room.say(
        "alice",
        w(
            '!projet renommer ATL "Atelier vélo solidaire"',
            '!project rename ATL "Solidarity bike workshop"',
        ),
    )
    await room.say("alice", w("!projet renommer ATL VELO", "!project rename ATL BIKE"))
    await room.say("alice", w("!projet archiver KPA", "!project archive KPA"))
    await room.say("bob", w("!contrib 1h KPA", "!contrib 1h KPA"))
    await room.say("bob", w("!projets archivés", "!projects archived"))
    await room.say("alice", w("!projet rouvrir KPA", "!project reopen KPA"))
    await room.say("alice", w("!projet defaut aucun", "!project default none"))
    await room.say("bob", w("!projet ajouter XYZ", "!project add XYZ"))
    await room.say("alice", w("!projet ajouter KPA", "!project add KPA"))
    await room.say("alice", w("!projet ajouter K/PA", "!project add K/PA"))
    await room.say("alice", w("!contribs KAP", "!contribs KAP"))
    await room.say("alice", w("!projet", "!project"))


# --------------------------------------------------------------------------- cobudget


async def buckets(room: Room) -> None:
    w = Words(room.lang).w
    await room.say("bob", w("!solde", "!balance"))
    await room.say(
        "alice",
        w(
            '!tour ouvrir "Hiver 2026" 300€ jusqu\'au 31/12',
            '!round open "Winter 2026" 300€ until 31/12',
        ),
    )
    await room.say("bob", w("!tour ouvrir Printemps 100€", "!round open Spring 100€"))
    allocation = await room.say(
        "alice", w("!allouer @alice @bob @carol 80€", "!allocate @alice @bob @carol 80€")
    )
    await room.say("alice", w("!allouer tous", "!allocate everyone"))
    coffee = await room.say(
        "carol", w('!bucket "Machine à café" 60€ max 90€', '!propose "Coffee machine" 60€ max 90€')
    )
    card = coffee.answers[0]
    await room.say(
        "bob",
        w(
            "!bucket Bibliothèque 200€ des livres pour tous",
            "!propose Library 200€ books for everyone",
        ),
    )
    await room.react("bob", card, "💰")
    await room.react("alice", card, "💰")
    funding = await room.say("alice", w("!financer 1 25€", "!fund 1 25€"))
    await room.react("chloe", card, "💶")
    await room.say("carol", w("!financer 1 30€", "!fund 1 30€"))
    await room.say("bob", w("!financer 2 1000€", "!fund 2 1000€"))
    await room.say("bob", w("!financer 2 30", "!fund 2 30"))
    await room.unreact("bob", card, "💰")
    await room.delete("alice", funding.id)
    await room.edit(
        "alice",
        allocation.id,
        w("!allouer @alice @bob @carol 90€", "!allocate @alice @bob @carol 90€"),
    )
    await room.say("bob", w("!buckets", "!buckets"))
    await room.say("chloe", w("!bucket 1", "!bucket 1"))
    await room.say("bob", w("!solde", "!balance"))
    await room.say("alice", w("!solde tous", "!balance all"))
    await room.say("bob", w("!bucket 2 annuler", "!bucket 2 cancel"))
    third = await room.say(
        "chloe", w('!bucket "Plantes vertes" 20€', '!propose "Green plants" 20€')
    )
    await room.delete("chloe", third.id)
    await room.say("carol", w("!bucket 1 terminé", "!bucket 1 done"))
    await room.say("chloe", w("!tour", "!round"))
    await room.say("alice", w("!tour fermer", "!round close"))
    await room.react("bob", card, "💶")
    await room.say("bob", w("!solde", "!balance"))


# --------------------------------------------------------------------------- contributive budget


async def budget(room: Room) -> None:
    w = Words(room.lang).w
    await room.say("alice", w('!projet ajouter KPA "KPA-Cités"', '!project add KPA "KPA-Cités"'))
    await room.say("alice", w("!projet ajouter ATL Atelier vélo", "!project add ATL Bike workshop"))
    await room.say("bob", w("!contrib 3h 10/11 ATL réparations", "!contrib 3h 10/11 ATL repairs"))
    await room.say("bob", w("!contrib 6h 12/11 KPA animation", "!contrib 6h 12/11 KPA hosting"))
    await room.say("carol", w("!contrib 4h 13/11 KPA accueil", "!contrib 4h 13/11 KPA welcome"))
    await room.say("chloe", w("!contrib 2h 16/11 KPA compta", "!contrib 2h 16/11 KPA accounts"))
    await room.say("alice", w("!budgets", "!budgets"))
    await room.say("alice", w("!budget KPA 300€ novembre", "!budget KPA 300€ november"))
    asked = await room.say(
        "bob", w("!demande KPA 150€ pour l'animation", "!request KPA 150€ for the hosting")
    )
    request = asked.answers[0]
    await room.say("carol", w("!demande KPA 200€", "!request KPA 200€"))
    await room.say("chloe", w("!demande KPA 40€ compta", "!request KPA 40€ accounts"))
    await room.say("chloe", w("!question 1 pourquoi ce montant ?", "!question 1 why this amount?"))
    await room.react("carol", request, "❓")
    await room.say("bob", w("!valider 1", "!validate 1"))
    await room.say("chloe", w("!valider 1", "!validate 1"))
    await room.react("carol", request, "✅")
    await room.say("alice", w("!valider 2", "!validate 2"))
    await room.say("alice", w("!budget KPA", "!budget KPA"))
    await room.say("carol", w("!demande 2 révisée 160€", "!request 2 revised 160€"))
    await room.say("chloe", w("!budget KPA atterrissage", "!budget KPA landing"))
    await room.say("alice", w("!budget KPA clore", "!budget KPA close"))
    await room.say("alice", w("!budget KPA prorata", "!budget KPA prorata"))
    await room.say("alice", w("!budget KPA clore", "!budget KPA close"))
    # shared in proportion to hours: 50 € for Bob's 3 hours is 16,67 € an hour
    await room.say(
        "alice",
        w("!budget ATL 50€ novembre proportionnel", "!budget ATL 50€ november proportional"),
    )
    await room.say("bob", w("!budget ATL je-donne 10€", "!budget ATL give 10€"))
    await room.say("alice", w("!budget ATL clore", "!budget ATL close"))
    await room.say("bob", w("!budgets", "!budgets"))


# --------------------------------------------------------------------------- export


async def export(room: Room) -> None:
    w = Words(room.lang).w
    await room.say("alice", w('!projet ajouter KPA "KPA-Cités"', '!project add KPA "KPA-Cités"'))
    await room.say("bob", w("!contrib 2h 12/11 KPA atelier", "!contrib 2h 12/11 KPA workshop"))
    await room.say(
        "chloe",
        w('!contrib 1h30 hier "=SOMME(A1)" compta', '!contrib 1h30 yesterday "=SUM(A1)" accounts'),
    )
    await room.say("bob", w("!export csv", "!export csv"))
    await room.say("bob", w("!export csv novembre KPA", "!export csv november KPA"))
    await room.say("bob", w("!export csv octobre", "!export csv october"))
    await room.say("bob", w("!export pdf", "!export pdf"))


# --------------------------------------------------------------------------- recap


async def recap(room: Room) -> None:
    w = Words(room.lang).w
    await room.say("alice", w('!projet ajouter KPA "KPA-Cités"', '!project add KPA "KPA-Cités"'))
    await room.say("bob", w("!recap", "!recap"))
    await room.say("bob", w("!contrib 3h 17/11 KPA atelier", "!contrib 3h 17/11 KPA workshop"))
    await room.say("bob", w("!contrib 2h lundi KPA atelier", "!contrib 2h monday KPA workshop"))
    await room.say("chloe", w("!contrib 1h30 hier compta", "!contrib 1h30 yesterday accounts"))
    await room.say("carol", w("!contrib 4h KPA accueil", "!contrib 4h KPA welcome"))
    await room.say("bob", w("!recap", "!recap"))
    await room.say("bob", w("!recap semaine dernière", "!recap last week"))
    await room.say("bob", w("!recap novembre", "!recap november"))
    await room.say("bob", w("!recap l'an dernier", "!recap last year"))
    plan = await room.say("alice", w("!recap planifier lundi 9h", "!recap schedule monday 9am"))
    await room.say(
        "alice", w("!recap planifier mensuel dernier 18h", "!recap schedule monthly last 6pm")
    )
    await room.say("bob", w("!recap planifier", "!recap schedule"))
    await room.delete("alice", plan.id)
    await room.say("alice", w("!rappel vendredi 17h", "!reminder friday 5pm"))
    await room.say("bob", w("!rappel", "!reminder"))
    await room.say("alice", w("!recap planifier off", "!recap schedule off"))
    await room.say("alice", w("!rappel jeudi 25h", "!reminder thursday 25h"))
    await room.say("bob", w("!rappel off", "!reminder off"))


# --------------------------------------------------------------------------- room settings


async def admin(room: Room) -> None:
    w = Words(room.lang).w
    await room.say("bob", w("!langue", "!language"))
    await room.say("bob", w("!langue en", "!language fr"))
    await room.say("bob", w("!fuseau", "!timezone"))
    await room.say("alice", w("!fuseau Mars/Olympus", "!timezone Mars/Olympus"))
    await room.say("alice", w("!fuseau america/montreal", "!timezone america/montreal"))
    await room.say("alice", w("!fuseau Europe/Paris", "!timezone Europe/Paris"))
    await room.say("bob", w("!reglages", "!settings"))
    await room.say("alice", w("!reglages journee 6h", "!settings day 6h"))
    await room.say("alice", w("!reglages max 10h", "!settings max 10h"))
    await room.say("alice", w("!reglages passé 2ans", "!settings past 2y"))
    await room.say("alice", w("!reglages admin 75", "!settings admin 75"))
    await room.say("alice", w("!reglages devise CHF", "!settings currency CHF"))
    await room.say("alice", w("!reglages devise FRF", "!settings currency FRF"))
    await room.say("alice", w("!reglages couleur bleu", "!settings colour blue"))
    await room.say("bob", w("!reglages", "!settings"))


# --------------------------------------------------------------------------- help


async def help(room: Room) -> None:
    w = Words(room.lang).w
    await room.say("bob", w("!aide", "!help"))
    await room.say("bob", w("!aide contrib", "!help contrib"))
    await room.say("bob", w("!aide financer", "!help fund"))
    await room.say("bob", w("!aide budget", "!help budget"))
    await room.say("bob", w("!aide contirb", "!help contirb"))


# --------------------------------------------------------------------------- what every family shares


async def core(room: Room) -> None:
    w = Words(room.lang).w
    await room.say("bob", "!contirb 2h")
    await room.say("bob", "!bonjour")
    await room.say("bob", w("!allouer @chloe 10€", "!allocate @chloe 10€"))
    await room.say("alice", w("!contrib @everyone 1h", "!contrib @everyone 1h"))
    await room.say("alice", w("!contrib @zoé 1h", "!contrib @zoé 1h"))
    await room.say("alice", w("!contrib @caro 1h", "!contrib @caro 1h"))
    await room.say("bob", w("!contrib 2h 31/04 atelier", "!contrib 2h 31/04 workshop"))
    await room.say("bob", w("!contrib 2h 12/11/2024 atelier", "!contrib 2h 12/11/2024 workshop"))
    await room.say("bob", w("!contrib 2h 12/11/2025 atelier", "!contrib 2h 12/11/2025 workshop"))
    await room.say("alice", w("!tour ouvrir Hiver 1.500€", "!round open Winter 1,500€"))
    await room.say("alice", w("!tour ouvrir Hiver 0,001€", "!round open Winter 0.001€"))
    command = await room.say("bob", "!contrib 1h")
    await room.edit("bob", command.id, w("!solde", "!balance"))
    bucket = await room.say("alice", w("!tour ouvrir Hiver 100€", "!round open Winter 100€"))
    await room.edit("alice", bucket.id, w("!tour ouvrir Hiver 200€", "!round open Winter 200€"))
    await room.say("bob", "!" + "a" * 4001)


FAMILIES: dict[str, Script] = {
    "admin": admin,
    "budget": budget,
    "buckets": buckets,
    "contrib": contrib,
    "core": core,
    "export": export,
    "help": help,
    "projects": projects,
    "recap": recap,
}
