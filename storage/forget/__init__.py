"""Forgetting a person (``!oubliemoi``, ``cagnotte forget``): their identity is replaced in every
row by a stable pseudonym, ``forgotten:7`` (shown as "Ancien membre 7"), and their free texts are
cleared. Every amount, duration, state and number stays as it was: totals, splits and balances do
not move, because a shared ledger cannot lose money when someone leaves.

What changes, table by table:

- their user id, wherever a column holds one (contributions, members, allocations, fundings,
  buckets, envelopes, requests, questions, validations, give-backs, shares, pending actions,
  schedules, handled events, the audit's actor), becomes the pseudonym; their rooms count them
  as a past member;
- what they wrote in their own records is cleared: contribution descriptions, bucket
  descriptions, request messages, questions; so is the same text in the audit rows and pending
  actions that are about them;
- their id written inside anyone's text (a description that mentions them, a bucket title) and
  inside the JSON of audit rows, allocations and pending actions becomes the pseudonym;
- on Mattermost, reaction and membership event ids hold the user's id: it is replaced there too
  (in every column that holds an event id);
- their display name (``person``) is deleted;
- the bot's copies of messages it already sent that name them (id, display name, or a file that
  holds either) are emptied: the chat platform keeps what was posted, the bot no longer keeps a
  copy. Messages still waiting to be sent that name them are not sent.

The audit trail is append-only, with this one exception: the identity fields of past rows are
replaced, and the replacement is itself recorded, one ``forget`` audit row per room they were
in, that names the pseudonym and what was replaced, never who they were.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, cast, delete, func, insert, or_, select, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session, col

from storage.models import (
    Allocation,
    Audit,
    BotMessage,
    Bucket,
    BudgetCampaign,
    BudgetCampaignConfirm,
    BudgetEnvelope,
    BudgetGiveBack,
    BudgetLandingBallot,
    BudgetLandingVote,
    BudgetQuestion,
    BudgetRateGuide,
    BudgetRequest,
    BudgetShare,
    BudgetSource,
    BudgetValidation,
    ChatEvent,
    CobudgetRound,
    Contribution,
    ContributionMonth,
    ForgottenPerson,
    Funding,
    Member,
    PendingAction,
    Person,
    Project,
    RecapSchedule,
    Room,
)

PREFIX = "forgotten:"
# who may never be forgotten: what the bot names itself or the command line in the audit
NOT_PEOPLE = frozenset({"", "bot", "cli"})
# a user id without its "@", this long and made of letters and digits only, is a Mattermost id,
# which the adapter also writes into event ids (reactions, memberships)
EMBEDDED_ID = re.compile(r"[a-z0-9]{20,}")
# keys of audit details and payloads that name the person a record is about
SUBJECT_KEYS = frozenset({"user", "user_id", "funder", "author", "sender"})
# keys that hold what someone wrote
FREE_TEXT_KEYS = frozenset({"description", "message", "text", "words"})

# (model, column) that hold a user id
USER_COLUMNS: tuple[tuple[Any, str], ...] = (
    (Contribution, "user_id"),
    (Contribution, "created_by"),
    (ChatEvent, "sender"),
    (Audit, "actor"),
    (Audit, "object_id"),
    (CobudgetRound, "created_by"),
    (Allocation, "user_id"),
    (Allocation, "created_by"),
    (Bucket, "author"),
    (Funding, "funder"),
    (BudgetEnvelope, "created_by"),
    (BudgetEnvelope, "closed_by"),
    (BudgetShare, "user_id"),
    (BudgetRequest, "user_id"),
    (BudgetQuestion, "user_id"),
    (BudgetQuestion, "closed_by"),
    (BudgetValidation, "user_id"),
    (BudgetGiveBack, "user_id"),
    (BudgetRateGuide, "set_by"),
    (BudgetCampaign, "opened_by"),
    (BudgetCampaign, "cancelled_by"),
    (BudgetCampaignConfirm, "user_id"),
    (BudgetEnvelope, "owner"),
    (BudgetSource, "user_id"),
    (BudgetLandingVote, "opened_by"),
    (BudgetLandingVote, "closed_by"),
    (BudgetLandingBallot, "user_id"),
    (PendingAction, "sender"),
    (RecapSchedule, "changed_by"),
)
# (model, owner column, free-text column): what a person wrote in their own records
OWN_TEXTS: tuple[tuple[Any, str, str], ...] = (
    (Contribution, "user_id", "description"),
    (Bucket, "author", "description"),
    (BudgetRequest, "user_id", "message"),
    (BudgetQuestion, "user_id", "text"),
)
# free text anyone wrote, where someone's id may be written
TEXT_COLUMNS: tuple[tuple[Any, str], ...] = (
    (Contribution, "description"),
    (Bucket, "title"),
    (Bucket, "description"),
    (CobudgetRound, "title"),
    (BudgetRequest, "message"),
    (BudgetQuestion, "text"),
    (BudgetShare, "note"),
    (BudgetEnvelope, "label"),
    (BudgetSource, "label"),
    (Project, "name"),
    (Room, "name"),
)
# columns that hold a chat event id (or a platform id of one)
EVENT_COLUMNS: tuple[tuple[Any, str], ...] = (
    (ChatEvent, "event_id"),
    (Contribution, "event_id"),
    (Project, "event_id"),
    (Audit, "event_id"),
    (BotMessage, "reply_to"),
    (BotMessage, "thread_id"),
    (BotMessage, "target_event"),
    (BotMessage, "cause_event_id"),
    (CobudgetRound, "event_id"),
    (CobudgetRound, "closed_event_id"),
    (Allocation, "event_id"),
    (Bucket, "event_id"),
    (Funding, "event_id"),
    (Funding, "ended_event_id"),
    (BudgetEnvelope, "event_id"),
    (BudgetEnvelope, "close_event_id"),
    (BudgetRequest, "event_id"),
    (BudgetQuestion, "event_id"),
    (BudgetQuestion, "close_event_id"),
    (BudgetValidation, "event_id"),
    (BudgetGiveBack, "event_id"),
    (BudgetRateGuide, "event_id"),
    (BudgetCampaign, "event_id"),
    (BudgetCampaign, "cancel_event_id"),
    (BudgetCampaignConfirm, "event_id"),
    (BudgetSource, "event_id"),
    (BudgetLandingVote, "event_id"),
    (BudgetLandingVote, "close_event_id"),
    (BudgetLandingBallot, "event_id"),
    (PendingAction, "source_event_id"),
    (PendingAction, "resolved_event_id"),
    (RecapSchedule, "event_id"),
    (Room, "name"),
)


_generation = [0]


def generation() -> int:
    """How many times this process forgot someone: what remembers people in memory (the
    dispatcher's record of who was seen) starts afresh when it changes."""
    return _generation[0]


class ForgetError(ValueError):
    """This user id cannot be forgotten (unknown, the bot itself, already a pseudonym)."""


def pseudonym(number: int) -> str:
    """The id that stands for forgotten person ``number``."""
    return f"{PREFIX}{number}"


def pseudonym_number(user_id: str) -> int | None:
    """``forgotten:7`` -> 7; ``None`` for anyone else."""
    if not user_id.startswith(PREFIX):
        return None
    rest = user_id[len(PREFIX) :]
    return int(rest) if rest.isdigit() and len(rest) < 12 else None


def token(number: int) -> str:
    """What replaces a Mattermost user id inside event ids (no ``:``, which separates parts)."""
    return f"forgotten-{number}"


@dataclass
class Forgetting:
    """What forgetting a person did: their pseudonym, the rooms they were in, rows per table."""

    user_id: str
    number: int
    pseudonym: str
    rooms: list[str]
    changed: dict[str, int] = field(default_factory=dict)

    def count(self, table: str, n: int) -> None:
        if n:
            self.changed[table] = self.changed.get(table, 0) + n


def _table(model: Any) -> Any:
    return model.__table__


def _contains(column: Any, text: str) -> ColumnElement[bool]:
    found: ColumnElement[bool] = column.contains(text, autoescape=True)
    return found


def _count(result: Any) -> int:
    """How many rows an UPDATE or DELETE changed."""
    return int(getattr(result, "rowcount", 0) or 0)


def is_known(db: Session, user_id: str) -> bool:
    """Whether any row holds ``user_id`` (as a person, a member, or in a user column)."""
    if db.get(Person, user_id) is not None:
        return True
    for model, name in ((Member, "user_id"), *USER_COLUMNS):
        column = getattr(_table(model).c, name)
        if db.execute(select(column).where(column == user_id).limit(1)).first() is not None:
            return True
    return False


def rooms_of(db: Session, user_id: str) -> list[str]:
    """The rooms where ``user_id`` is or was a member, spoke or holds a record."""
    rooms: set[str] = set()
    for model, name in (
        (Member, "user_id"),
        (Contribution, "user_id"),
        (Contribution, "created_by"),
        (ChatEvent, "sender"),
        (Audit, "actor"),
        (Allocation, "user_id"),
        (Bucket, "author"),
        (BudgetRequest, "user_id"),
        (PendingAction, "sender"),
    ):
        table = _table(model)
        rooms.update(
            db.execute(
                select(table.c.room_id).where(getattr(table.c, name) == user_id).distinct()
            ).scalars()
        )
    rooms.update(
        db.execute(
            select(col(CobudgetRound.room_id))
            .join(Funding, col(Funding.round_id) == col(CobudgetRound.id))
            .where(col(Funding.funder) == user_id)
            .distinct()
        ).scalars()
    )
    rooms.update(
        db.execute(
            select(col(CobudgetRound.room_id))
            .where(col(CobudgetRound.created_by) == user_id)
            .distinct()
        ).scalars()
    )
    for linked in (BudgetShare, BudgetQuestion, BudgetValidation, BudgetGiveBack, BudgetSource):
        table = _table(linked)
        envelope = table.c.envelope_id if "envelope_id" in table.c else None
        if envelope is None:
            query = (
                select(col(BudgetRequest.room_id))
                .join(table, table.c.request_id == col(BudgetRequest.id))
                .where(table.c.user_id == user_id)
                .distinct()
            )
        else:
            query = (
                select(col(BudgetEnvelope.room_id))
                .join(table, envelope == col(BudgetEnvelope.id))
                .where(table.c.user_id == user_id)
                .distinct()
            )
        rooms.update(db.execute(query).scalars())
    return sorted(rooms)


def forget_person(
    db: Session,
    user_id: str,
    *,
    now: dt.datetime,
    by: str | None = None,
    event_id: str = "",
) -> Forgetting:
    """Replace ``user_id`` by a new pseudonym everywhere (in the caller's transaction) and audit
    it. ``by``: who asked (``cli``); ``None``: the person themself (the audit then names their
    pseudonym). ``event_id``: the chat event that confirmed it, if any. Raises ``ForgetError``."""
    old = user_id
    if old in NOT_PEOPLE or pseudonym_number(old) is not None:
        raise ForgetError(f"{old!r} is not a person the bot can forget")
    bot = db.execute(
        select(col(Member.user_id)).where(col(Member.user_id) == old, col(Member.is_bot).is_(True))
    ).first()
    if bot is not None:
        raise ForgetError(f"{old} is a bot")
    if not is_known(db, old):
        raise ForgetError(f"nobody with the id {old} is known to the bot")
    _generation[0] += 1
    rooms = rooms_of(db, old)
    names = [
        n
        for n in db.execute(
            select(col(Person.display_name)).where(col(Person.user_id) == old)
        ).scalars()
        if n
    ]
    row = ForgottenPerson(pseudonym=f"pending:{uuid.uuid4().hex}", by=by or "", forgotten_at=now)
    db.add(row)
    db.flush()
    assert row.number is not None
    new = pseudonym(row.number)
    row.pseudonym = new
    row.by = by or new
    db.flush()
    done = Forgetting(old, row.number, new, rooms)
    bare = old.removeprefix("@")
    embedded = bare if EMBEDDED_ID.fullmatch(bare) else None

    # 1. what they wrote in their own records
    for model, owner, text in OWN_TEXTS:
        table = _table(model)
        result = db.execute(
            update(table)
            .where(getattr(table.c, owner) == old, getattr(table.c, text) != "")
            .values({text: ""})
        )
        done.count(table.name, _count(result))
    # 2. JSON documents that name them (before their ids change: the rules look at who a
    # record is about)
    _rewrite_json(db, done, old, new, embedded)
    # 3. their id, wherever a column holds one
    member = _table(Member)
    result = db.execute(
        update(member).where(member.c.user_id == old).values(user_id=new, joined=False)
    )
    done.count("member", _count(result))
    for model, name in USER_COLUMNS:
        table = _table(model)
        column = getattr(table.c, name)
        result = db.execute(update(table).where(column == old).values({name: new}))
        done.count(table.name, _count(result))
    # the monthly totals followed the contributions (triggers): what is left under the old id
    # are empty cells
    month = _table(ContributionMonth)
    result = db.execute(delete(month).where(month.c.user_id == old))
    done.count("contribution_month", _count(result))
    # 4. their id written in anyone's text
    for model, name in TEXT_COLUMNS:
        done.count(_table(model).name, _replace_in(db, model, name, old, new))
    # 5. their Mattermost id inside event ids
    if embedded is not None:
        for model, name in EVENT_COLUMNS:
            done.count(
                _table(model).name, _replace_in(db, model, name, embedded, token(row.number))
            )
    # 6. their display name
    result = db.execute(delete(_table(Person)).where(_table(Person).c.user_id == old))
    done.count("person", _count(result))
    # 7. the bot's copies of what it said about them
    _scrub_outbox(db, done, old, new, embedded, names, now)
    # 8. the replacement itself, without who they were
    audit = _table(Audit)
    for room_id in rooms:
        db.execute(
            insert(audit).values(
                at=now,
                room_id=room_id,
                actor=row.by,
                action="forget",
                object_kind="person",
                object_id=new,
                event_id=_rewritten(event_id, embedded, token(row.number)),
                details={"pseudonym": new, "rows": dict(sorted(done.changed.items()))},
            )
        )
    db.expire_all()  # objects loaded before hold the old values
    return done


def _rewritten(text: str, embedded: str | None, replacement: str) -> str:
    return text.replace(embedded, replacement) if embedded and text else text


def _replace_in(db: Session, model: Any, name: str, old: str, new: str) -> int:
    table = _table(model)
    column = getattr(table.c, name)
    result = db.execute(
        update(table).where(_contains(column, old)).values({name: func.replace(column, old, new)})
    )
    return _count(result)


# --------------------------------------------------------------------------- JSON documents


def _json_hits(column: Any, needles: Iterable[str]) -> ColumnElement[bool]:
    text = cast(column, String)
    return or_(*(_contains(text, n) for n in needles))


def _needles(old: str, embedded: str | None) -> list[str]:
    """How ``old`` may be written in a JSON document's text (as is, and escaped)."""
    found = {old, json.dumps(old)[1:-1]}
    if embedded:
        found.add(embedded)
    return sorted(found)


def _rewrite_json(db: Session, done: Forgetting, old: str, new: str, embedded: str | None) -> None:
    needles = _needles(old, embedded)
    replacement = token(done.number)
    audit = _table(Audit)
    rows = db.execute(
        select(audit.c.id, audit.c.actor, audit.c.details).where(
            or_(audit.c.actor == old, _json_hits(audit.c.details, needles))
        )
    ).all()
    for row_id, actor, details in rows:
        changed = _scrubbed(details, old, new, embedded, replacement, own=actor == old)
        if changed != details:
            db.execute(update(audit).where(audit.c.id == row_id).values(details=changed))
            done.count("audit", 1)
    for model, name, owner in (
        (Allocation, "details", "user_id"),
        (PendingAction, "payload", "sender"),
        (BotMessage, "mentions", None),
    ):
        table = _table(model)
        column = getattr(table.c, name)
        conditions = [_json_hits(column, needles)]
        if owner is not None:
            conditions.append(getattr(table.c, owner) == old)
        owner_col = getattr(table.c, owner) if owner is not None else table.c.id
        for row_id, value, who in db.execute(
            select(table.c.id, column, owner_col).where(or_(*conditions))
        ).all():
            changed = _scrubbed(value, old, new, embedded, replacement, own=who == old)
            if changed != value:
                db.execute(update(table).where(table.c.id == row_id).values({name: changed}))
                done.count(table.name, 1)


def _scrubbed(
    value: Any, old: str, new: str, embedded: str | None, replacement: str, *, own: bool
) -> Any:
    """``value`` (decoded JSON) with ``old`` replaced by ``new`` in every string and key, the
    embedded id by ``replacement``, and the free text of what is about them cleared: a dict
    whose subject is them, and the top level when ``own`` (their own record) unless it names
    someone else as its subject."""

    def text(s: str) -> str:
        s = s.replace(old, new)
        return s.replace(embedded, replacement) if embedded else s

    def walk(v: Any, top: bool) -> Any:
        if isinstance(v, dict):
            subjects = {v[k] for k in SUBJECT_KEYS if isinstance(v.get(k), str)}
            about = old in subjects or (top and own and not (subjects - {old}))
            out: dict[str, Any] = {}
            for k, item in v.items():
                if about and k in FREE_TEXT_KEYS:
                    out[text(k)] = [] if isinstance(item, list) else ""
                else:
                    out[text(k)] = walk(item, False)
            return out
        if isinstance(v, list):
            return [walk(item, False) for item in v]
        if isinstance(v, str):
            return text(v)
        return v

    return walk(value, True)


# --------------------------------------------------------------------------- the outbox


def _names_them(text: str | None, old: str, embedded: str | None, names: list[str]) -> bool:
    if not text:
        return False
    if old in text or (embedded and embedded in text):
        return True
    return any(re.search(rf"(?<!\w){re.escape(n)}(?!\w)", text) for n in names)


def _scrub_outbox(
    db: Session,
    done: Forgetting,
    old: str,
    new: str,
    embedded: str | None,
    names: list[str],
    now: dt.datetime,
) -> None:
    """Empty the bot's copies of messages that name them; drop those not sent yet."""
    table = _table(BotMessage)
    needles = [old, *names, *([embedded] if embedded else [])]
    texts = or_(
        *(_contains(table.c.body, n) for n in needles),
        *(_contains(table.c.html, n) for n in needles),
        table.c.kind == "file",
    )
    for row_id, body, html, data, sent_at in db.execute(
        select(table.c.id, table.c.body, table.c.html, table.c.data, table.c.sent_at).where(texts)
    ).all():
        in_file = data is not None and _names_them(
            bytes(data).decode("utf-8", "replace"), old, embedded, names
        )
        if not (
            in_file
            or _names_them(body, old, embedded, names)
            or _names_them(html, old, embedded, names)
        ):
            continue
        values: dict[str, Any] = {"body": "", "html": None, "data": None}
        if sent_at is None:
            values["sent_at"] = now  # never sent: it will not be
        db.execute(update(table).where(table.c.id == row_id).values(values))
        done.count("botmessage", 1)
