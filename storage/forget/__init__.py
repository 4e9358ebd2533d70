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

``columns`` lists what is touched per record kind, ``names`` holds the pseudonyms and the report
(``Forgetting``), ``documents`` rewrites JSON documents and the bot's copies; the plan, in
order, is ``forget_person`` here.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlmodel import Session, col

from storage.forget.columns import (
    EMBEDDED_ID,
    EVENT_COLUMNS,
    OWN_TEXTS,
    TEXT_COLUMNS,
    USER_COLUMNS,
    changed_rows,
    contains,
    table_of,
)
from storage.forget.documents import rewrite_json, scrub_outbox
from storage.forget.names import (
    NOT_PEOPLE,
    PREFIX,
    ForgetError,
    Forgetting,
    pseudonym,
    pseudonym_number,
    token,
)
from storage.models import (
    Allocation,
    Audit,
    Bucket,
    BudgetEnvelope,
    BudgetGiveBack,
    BudgetQuestion,
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
)

_generation = [0]


def generation() -> int:
    """How many times this process forgot someone: what remembers people in memory (the
    dispatcher's record of who was seen) starts afresh when it changes."""
    return _generation[0]


def is_known(db: Session, user_id: str) -> bool:
    """Whether any row holds ``user_id`` (as a person, a member, or in a user column)."""
    if db.get(Person, user_id) is not None:
        return True
    for model, name in ((Member, "user_id"), *USER_COLUMNS):
        column = getattr(table_of(model).c, name)
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
        table = table_of(model)
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
        table = table_of(linked)
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
        table = table_of(model)
        result = db.execute(
            update(table)
            .where(getattr(table.c, owner) == old, getattr(table.c, text) != "")
            .values({text: ""})
        )
        done.count(table.name, changed_rows(result))
    # 2. JSON documents that name them (before their ids change: the rules look at who a
    # record is about)
    rewrite_json(db, done, old, new, embedded)
    # 3. their id, wherever a column holds one
    member = table_of(Member)
    result = db.execute(
        update(member).where(member.c.user_id == old).values(user_id=new, joined=False)
    )
    done.count("member", changed_rows(result))
    for model, name in USER_COLUMNS:
        table = table_of(model)
        column = getattr(table.c, name)
        result = db.execute(update(table).where(column == old).values({name: new}))
        done.count(table.name, changed_rows(result))
    # the monthly totals followed the contributions (triggers): what is left under the old id
    # are empty cells
    month = table_of(ContributionMonth)
    result = db.execute(delete(month).where(month.c.user_id == old))
    done.count("contribution_month", changed_rows(result))
    # 4. their id written in anyone's text
    for model, name in TEXT_COLUMNS:
        done.count(table_of(model).name, _replace_in(db, model, name, old, new))
    # 5. their Mattermost id inside event ids
    if embedded is not None:
        for model, name in EVENT_COLUMNS:
            done.count(
                table_of(model).name, _replace_in(db, model, name, embedded, token(row.number))
            )
    # 6. their display name
    result = db.execute(delete(table_of(Person)).where(table_of(Person).c.user_id == old))
    done.count("person", changed_rows(result))
    # 7. the bot's copies of what it said about them
    scrub_outbox(db, done, old, new, embedded, names, now)
    # 8. the replacement itself, without who they were
    audit = table_of(Audit)
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
    table = table_of(model)
    column = getattr(table.c, name)
    result = db.execute(
        update(table).where(contains(column, old)).values({name: func.replace(column, old, new)})
    )
    return changed_rows(result)


__all__ = [
    "NOT_PEOPLE",
    "PREFIX",
    "ForgetError",
    "Forgetting",
    "forget_person",
    "generation",
    "is_known",
    "pseudonym",
    "pseudonym_number",
    "rooms_of",
    "token",
]
