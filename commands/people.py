"""People named in commands: ``@bob``, ``@bob:server`` or a platform id resolve to one member of
the room, or the command is refused with the members it could have meant.

Every family reads mentions through ``resolve_person``, so that the rule is the same everywhere:
a word the platform said stands for someone (``Message.mentions``: a Matrix pill, a Mattermost
``@username``) names that person; otherwise a full id names that member, and a short name
(``@bob``, ``@Bob``, ``@élodie``) names the member whose id's local part or display name it is,
ignoring case, accents and punctuation; two members that fit are a question, not a guess;
``@everyone``, ``@room``... are never a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from sqlmodel import Session, col, select

from commands.core import Context, UserError
from commands.events import Mention, Message
from commands.grammar import fold, is_mention, mention_id
from storage.models import Member, Person

# words that address a whole room on some platform (or in French), never one person
GROUP_MENTIONS = frozenset(
    {"everyone", "room", "channel", "all", "here", "tous", "tout-le-monde", "toutlemonde"}
)
CLOSE_SCORE = 70  # how alike (0-100) a name must be to be offered as "did you mean"


@dataclass(frozen=True)
class Candidate:
    user_id: str
    display_name: str
    joined: bool


def localpart(user_id: str) -> str:
    """``@bob:server`` -> ``bob``; ``@bob`` -> ``bob``."""
    return user_id.removeprefix("@").split(":", 1)[0]


def name_key(text: str) -> str:
    """How names compare: folded, letters and digits only (``Élodie M.`` -> ``elodiem``)."""
    return "".join(c for c in fold(text) if c.isalnum())


def is_group_mention(token: str) -> bool:
    """``@everyone``, ``@room``, ``@channel``, ``@all``, ``@here`` (and ``@tous``)."""
    word = mention_id(token)
    return word.startswith("@") and fold(word[1:]) in GROUP_MENTIONS


def said_mention(ctx: Context, token: str) -> Mention | None:
    """Who the platform said ``token`` (a word of the command, as typed) stands for, if it did."""
    event = ctx.event
    return event.mention(mention_id(token)) if isinstance(event, Message) else None


def names_someone(ctx: Context, token: str) -> bool:
    """Whether ``token`` is a mention: typed as one (``@bob``), or a word the platform said
    stands for someone."""
    return is_mention(token) or said_mention(ctx, token) is not None


def room_candidates(db: Session, room_id: str, *, include_left: bool) -> list[Candidate]:
    """The room's members (bots excluded), with their display names; also those who left when
    ``include_left``."""
    query = (
        select(Member.user_id, Member.joined, Person.display_name)
        .join(Person, col(Person.user_id) == col(Member.user_id), isouter=True)
        .where(Member.room_id == room_id, col(Member.is_bot).is_(False))
    )
    if not include_left:
        query = query.where(col(Member.joined).is_(True))
    return [
        Candidate(user_id, display_name or "", bool(joined))
        for user_id, joined, display_name in db.exec(query).all()
    ]


@dataclass(frozen=True)
class Resolution:
    """What a mention matched: one member (``user_id``), several (``matches``), or none (then
    ``close`` are the members it looks like)."""

    user_id: str | None
    matches: tuple[Candidate, ...] = ()
    close: tuple[Candidate, ...] = ()


def match_person(token: str, candidates: list[Candidate]) -> Resolution:
    """Pure matching of one mention against the room's members (see the module's rule)."""
    wanted = mention_id(token)
    bare = wanted.removeprefix("@")
    for c in candidates:
        if c.user_id == wanted:
            return Resolution(c.user_id)
    same_id = [c for c in candidates if c.user_id.casefold() == wanted.casefold()]
    if len(same_id) == 1:
        return Resolution(same_id[0].user_id)
    key = name_key(bare)
    if ":" not in bare and key:
        # a short name: a member's local part or display name
        found = tuple(
            c
            for c in candidates
            if key == name_key(localpart(c.user_id))
            or (c.display_name and key == name_key(c.display_name))
        )
        if len(found) == 1:
            return Resolution(found[0].user_id)
        if found:
            return Resolution(None, matches=found)
    return Resolution(None, close=_close(name_key(localpart(wanted)), candidates))


def _close(key: str, candidates: list[Candidate], limit: int = 3) -> tuple[Candidate, ...]:
    scored: list[tuple[float, str, Candidate]] = []
    for c in candidates:
        names = [name_key(localpart(c.user_id))]
        if c.display_name:
            names.append(name_key(c.display_name))
        score = (
            max(100.0 if key and n.startswith(key) else fuzz.ratio(key, n) for n in names if n)
            if any(names)
            else 0.0
        )
        if score >= CLOSE_SCORE:
            scored.append((-score, c.user_id, c))
    scored.sort(key=lambda item: (item[0], item[1]))
    return tuple(c for _, _, c in scored[:limit])


def resolve_person(ctx: Context, token: str, *, include_left: bool = False) -> str:
    """The user id of the room member that ``token`` (``@bob``, ``@bob:server``) names, or a
    refusal that says who it could be. ``include_left``: people who left the room count too
    (to read their history); otherwise only current members do (to give them something)."""
    p = ctx.settings.prefix
    wanted = mention_id(token)
    if is_group_mention(wanted):
        raise UserError("people.error.group", token=wanted, prefix=p)
    # the platform said who the word stands for: that person, whatever the word looks like
    said = said_mention(ctx, wanted)
    who = said.user_id if said is not None else wanted
    candidates = room_candidates(ctx.db, ctx.room.id, include_left=include_left)
    found = match_person(who, candidates)
    if found.user_id is not None:
        return found.user_id
    if said is not None and not found.matches:
        # the "did you mean" reads the name as typed, not the platform's id
        found = Resolution(None, close=_close(name_key(localpart(wanted)), candidates))
    if found.matches:
        raise UserError(
            "people.error.ambiguous",
            token=wanted,
            people=", ".join(_label(ctx, c.user_id) for c in found.matches),
        )
    if not include_left:
        gone = match_person(who, room_candidates(ctx.db, ctx.room.id, include_left=True))
        if gone.user_id is not None:
            raise UserError("people.error.left", token=wanted, who=_label(ctx, gone.user_id))
    if found.close:
        raise UserError(
            "people.error.unknown_hint",
            token=wanted,
            people=", ".join(_label(ctx, c.user_id) for c in found.close),
            example=ctx.sender,
        )
    raise UserError("people.error.unknown", token=wanted, example=ctx.sender)


def _label(ctx: Context, user_id: str) -> str:
    """A person as ``Name (@id)``: the two-way form, whatever the room's names look like."""
    name = ctx.name(user_id)
    return name if name.endswith(f"({user_id})") or name == user_id else f"{name} ({user_id})"
