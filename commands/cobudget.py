"""Cobudget in the room: rounds with a pot, balances given to members, buckets funded by reacting
to their card (or with ``!financer``), refunds when a bucket is cancelled or a round closes.

A member's balance is what they were allocated in the round minus what they put into buckets
that still hold it (a withdrawal or a refund gives it back). Every check-then-write happens in
the event's one transaction, and the database serialises writers, so concurrent reactions can
never overspend a balance or overfill a bucket.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, case, func, insert, update
from sqlmodel import Session, col, select

from commands import i18n
from commands.core import (
    Context,
    Queued,
    RecapScope,
    Registry,
    Settings,
    UserError,
    room_members,
)
from commands.distribution import split_equal, split_proportional
from commands.events import Message, Role
from commands.grammar import (
    Amount,
    fold,
    is_mention,
    match_amount,
    match_date,
    parse_period,
    tokenize,
)
from commands.numbers import read_number
from commands.people import is_group_mention, resolve_person
from commands.refusals import check_amount, checked_date, checked_period
from commands.render import Rich, esc, lines, table
from storage.db import lock_rooms
from storage.models import BotMessage, ChatEvent, Room
from storage.models.cobudget import (
    BUCKET_CANCELLED,
    BUCKET_COMPLETED,
    BUCKET_FUNDED,
    BUCKET_OPEN,
    BUCKET_REFUNDED,
    FUNDING_ACTIVE,
    FUNDING_REFUNDED,
    FUNDING_WITHDRAWN,
    ROUND_CLOSED,
    ROUND_OPEN,
    Allocation,
    Bucket,
    CobudgetRound,
    Funding,
)
from storage.numbers import BUCKET, LARGEST, ROUND, next_number
from storage.queries import contribution_totals

FAMILY = "buckets"
DEFAULT_REACTIONS: dict[str, int] = {"💶": 500, "💰": 2000}
CLOSE_TO_GOAL_PERCENT = 75
BAR_CELLS = 10

_OPEN_WORDS = ("ouvrir", "open", "nouveau", "new", "creer", "create")
_CLOSE_WORDS = ("fermer", "close", "clore", "cloturer", "terminer", "end")
_REACTION_WORDS = ("reactions", "reaction", "valeurs", "values")
_SHOW_WORDS = ("voir", "show", "info")
_DEADLINE_WORDS = ("jusqu'au", "jusqu’au", "jusquau", "until", "till", "deadline", "fin", "avant")
_EVERYONE_WORDS = ("tous", "tout-le-monde", "everyone", "all", "membres", "members")
_HOURS_WORDS = ("contributions", "contribution", "heures", "hours", "contribs", "temps")
_MAX_WORDS = ("max", "maximum", "jusqu'a", "jusqu’à", "jusqua", "up-to")
_MIN_WORDS = ("min", "minimum", "objectif", "goal")
_COMPLETE_WORDS = ("termine", "terminer", "fini", "finir", "realise", "fait", "done", "complete")
_CANCEL_WORDS = ("annuler", "annule", "cancel", "supprimer", "delete")


BOT_ACTOR = "bot"  # who the audit names for what the bot does on its own (a deadline)


def register(reg: Registry) -> None:
    reg.command("tour", family=FAMILY, aliases=("round", "rounds"))(round_command)
    reg.command("allouer", family=FAMILY, aliases=("allocate", "allot"), admin_only=True)(
        allocate_command
    )
    reg.command("bucket", family=FAMILY, aliases=("proposition", "proposer", "propose"))(
        bucket_command
    )
    reg.command("buckets", family=FAMILY, aliases=("propositions",))(list_buckets)
    reg.command("financer", family=FAMILY, aliases=("fund",))(fund_command)
    reg.command("solde", family=FAMILY, aliases=("balance", "soldes", "balances"))(balance_command)
    reg.on_reaction("bucket")(on_card_reaction)
    reg.on_undo(undo_by_event)
    reg.recap_section("buckets", 20)(recap_section)
    reg.on_tick(close_due_rounds)


class Speaker(Protocol):
    """What renders texts: a command's ``Context`` or a recap's ``RecapScope``."""

    db: Session
    room: Room

    @property
    def lang(self) -> str: ...

    def t(self, key: str, /, **params: Any) -> str: ...

    def money(self, cents: int) -> str: ...

    def name(self, user_id: str) -> str: ...


# --------------------------------------------------------------------------- queries


def open_round(db: Session, room_id: str) -> CobudgetRound | None:
    return db.exec(
        select(CobudgetRound).where(
            CobudgetRound.room_id == room_id, CobudgetRound.state == ROUND_OPEN
        )
    ).first()


def latest_round(db: Session, room_id: str) -> CobudgetRound | None:
    return db.exec(
        select(CobudgetRound)
        .where(CobudgetRound.room_id == room_id)
        .order_by(col(CobudgetRound.id).desc())
        .limit(1)
    ).first()


def allocated(db: Session, round_id: int, user_id: str | None = None) -> int:
    query = select(func.coalesce(func.sum(Allocation.cents), 0)).where(
        Allocation.round_id == round_id
    )
    if user_id is not None:
        query = query.where(Allocation.user_id == user_id)
    return int(db.exec(query).one())


def spent(db: Session, round_id: int, user_id: str | None = None) -> int:
    query = select(func.coalesce(func.sum(Funding.cents), 0)).where(
        Funding.round_id == round_id, Funding.state == FUNDING_ACTIVE
    )
    if user_id is not None:
        query = query.where(Funding.funder == user_id)
    return int(db.exec(query).one())


def balance(db: Session, round_id: int, user_id: str) -> int:
    given, used = allocated_and_spent(db, round_id, user_id)
    return given - used


def allocated_and_spent(db: Session, round_id: int, user_id: str) -> tuple[int, int]:
    """What ``user_id`` was allocated in a round and what of it sits in buckets, in one query."""
    given = (
        select(func.coalesce(func.sum(Allocation.cents), 0))
        .where(Allocation.round_id == round_id, Allocation.user_id == user_id)
        .scalar_subquery()
    )
    used = (
        select(func.coalesce(func.sum(Funding.cents), 0))
        .where(
            Funding.round_id == round_id,
            Funding.funder == user_id,
            Funding.state == FUNDING_ACTIVE,
        )
        .scalar_subquery()
    )
    a, b = db.exec(select(given, used)).one()
    return int(a), int(b)


def bucket_total(db: Session, bucket_id: int) -> tuple[int, int]:
    """(cents held, number of distinct funders) of a bucket's active fundings."""
    cents, people = db.exec(
        select(
            func.coalesce(func.sum(Funding.cents), 0), func.count(func.distinct(Funding.funder))
        ).where(Funding.bucket_id == bucket_id, Funding.state == FUNDING_ACTIVE)
    ).one()
    return int(cents), int(people)


def funding_state(
    db: Session, round_id: int, bucket_id: int, user_id: str
) -> tuple[int, int, bool, int, int]:
    """What a funding is checked against, in one query: (cents the bucket holds, its distinct
    funders, whether ``user_id`` is one of them, what ``user_id`` was allocated in the round,
    what of it sits in buckets)."""
    in_bucket = (Funding.bucket_id == bucket_id, Funding.state == FUNDING_ACTIVE)
    held = select(func.coalesce(func.sum(Funding.cents), 0)).where(*in_bucket)
    funders = select(func.count(func.distinct(Funding.funder))).where(*in_bucket)
    mine = select(func.count()).where(*in_bucket, Funding.funder == user_id)
    given = select(func.coalesce(func.sum(Allocation.cents), 0)).where(
        Allocation.round_id == round_id, Allocation.user_id == user_id
    )
    used = select(func.coalesce(func.sum(Funding.cents), 0)).where(
        Funding.round_id == round_id, Funding.funder == user_id, Funding.state == FUNDING_ACTIVE
    )
    row = db.exec(select(*(q.scalar_subquery() for q in (held, funders, mine, given, used)))).one()
    a, b, c, d, e = (int(v) for v in row)
    return a, b, c > 0, d, e


def load_bucket(db: Session, *where: Any) -> Bucket | None:
    """The bucket that ``where`` finds, with its round and its card, in one query (the round and
    the card are then in the session: ``db.get`` finds them without asking the database)."""
    row = db.exec(
        select(Bucket, CobudgetRound, BotMessage)
        .join(CobudgetRound, col(CobudgetRound.id) == col(Bucket.round_id))
        .outerjoin(BotMessage, col(BotMessage.id) == col(Bucket.card_message_id))
        .where(*where)
    ).first()
    if row is None:
        return None
    db.info.setdefault("keep", []).extend(row)  # the session only holds them weakly
    return row[0]


def bucket_state_for(db: Session, bucket_id: int, user_id: str) -> tuple[int, int, bool]:
    """(cents held, distinct funders, whether ``user_id`` is one of them), in one query."""
    cents, people, mine = db.exec(
        select(
            func.coalesce(func.sum(Funding.cents), 0),
            func.count(func.distinct(Funding.funder)),
            func.coalesce(func.max(case((col(Funding.funder) == user_id, 1), else_=0)), 0),
        ).where(Funding.bucket_id == bucket_id, Funding.state == FUNDING_ACTIVE)
    ).one()
    return int(cents), int(people), bool(mine)


def bucket_totals(db: Session, round_id: int) -> dict[int, tuple[int, int]]:
    """(cents held, distinct funders) of every bucket of a round that holds something, in one
    query."""
    rows = db.exec(
        select(
            Funding.bucket_id,
            func.sum(Funding.cents),
            func.count(func.distinct(Funding.funder)),
        )
        .where(Funding.round_id == round_id, Funding.state == FUNDING_ACTIVE)
        .group_by(col(Funding.bucket_id))
    ).all()
    return {int(b): (int(c), int(n)) for b, c, n in rows}


def round_money(db: Session, round_id: int) -> tuple[int, int]:
    """(allocated, in buckets) of a round, in one query."""
    given = (
        select(func.coalesce(func.sum(Allocation.cents), 0))
        .where(Allocation.round_id == round_id)
        .scalar_subquery()
    )
    used = (
        select(func.coalesce(func.sum(Funding.cents), 0))
        .where(Funding.round_id == round_id, Funding.state == FUNDING_ACTIVE)
        .scalar_subquery()
    )
    a, b = db.exec(select(given, used)).one()
    return int(a), int(b)


def balances(db: Session, round_id: int, users: list[str]) -> dict[str, int]:
    """The balances of ``users`` in a round, in one query."""
    if not users:
        return {}
    used = (
        select(func.coalesce(func.sum(Funding.cents), 0))
        .where(
            Funding.round_id == round_id,
            Funding.state == FUNDING_ACTIVE,
            col(Funding.funder) == col(Allocation.user_id),
        )
        .correlate(Allocation)
        .scalar_subquery()
    )
    rows = db.exec(
        select(Allocation.user_id, func.sum(Allocation.cents) - used)
        .where(Allocation.round_id == round_id, col(Allocation.user_id).in_(users))
        .group_by(col(Allocation.user_id))
    ).all()
    found = {u: int(b) for u, b in rows}
    return {u: found.get(u, 0) for u in users}


def active_fundings(db: Session, bucket_id: int) -> list[Funding]:
    return list(
        db.exec(
            select(Funding)
            .where(Funding.bucket_id == bucket_id, Funding.state == FUNDING_ACTIVE)
            .order_by(col(Funding.id))
        ).all()
    )


def round_buckets(db: Session, round_id: int) -> list[Bucket]:
    return list(
        db.exec(select(Bucket).where(Bucket.round_id == round_id).order_by(col(Bucket.id))).all()
    )


# --------------------------------------------------------------------------- funding rules


@dataclass(frozen=True)
class Refusal:
    """Why a funding is refused: a message key of the ``buckets`` catalogue and its figures."""

    key: str
    cents: dict[str, int]


def check_funding(
    *,
    round_state: str,
    past_deadline: bool,
    bucket_state: str,
    held: int,
    max_cents: int,
    allocated_cents: int,
    balance_cents: int,
    amount: int,
) -> Refusal | None:
    """The funding rules, as a pure function: ``None`` when ``amount`` may go into the bucket."""
    if amount <= 0:
        return Refusal("buckets.error.zero_amount", {})
    if round_state != ROUND_OPEN:
        return Refusal("buckets.error.round_closed", {})
    if past_deadline:
        return Refusal("buckets.error.round_ended", {})
    if bucket_state in (BUCKET_CANCELLED, BUCKET_REFUNDED):
        return Refusal("buckets.error.bucket_cancelled", {})
    if bucket_state == BUCKET_COMPLETED:
        return Refusal("buckets.error.bucket_completed", {})
    if held >= max_cents:
        return Refusal("buckets.error.bucket_full", {"max": max_cents})
    if held + amount > max_cents:
        return Refusal("buckets.error.beyond_max", {"room": max_cents - held, "max": max_cents})
    if allocated_cents <= 0:
        return Refusal("buckets.error.no_allocation", {})
    if amount > balance_cents:
        return Refusal("buckets.error.over_balance", {"balance": balance_cents})
    return None


def _refuse(ctx: Context, refusal: Refusal, **extra: Any) -> UserError:
    money = {k: ctx.money(v) for k, v in refusal.cents.items()}
    return UserError(refusal.key, prefix=ctx.settings.prefix, **money, **extra)


def past_deadline(ctx: Context, rnd: CobudgetRound) -> bool:
    return rnd.deadline is not None and ctx.today > rnd.deadline


def fund(
    ctx: Context,
    bucket: Bucket,
    cents: int,
    *,
    source: str,
    reaction_key: str | None = None,
) -> tuple[Funding, int]:
    """Put ``cents`` of the sender's balance into ``bucket`` (or raise ``UserError``): one funding
    row tied to this event, the bucket's state moved on, the card edited, an audit row. Returns
    the funding and the sender's balance after it."""
    rnd = ctx.db.get(CobudgetRound, bucket.round_id)
    assert rnd is not None and rnd.id is not None and bucket.id is not None
    held, people, already, given, used = funding_state(ctx.db, rnd.id, bucket.id, ctx.sender)
    refusal = check_funding(
        round_state=rnd.state,
        past_deadline=past_deadline(ctx, rnd),
        bucket_state=bucket.state,
        held=held,
        max_cents=bucket.max_cents,
        allocated_cents=given,
        balance_cents=given - used,
        amount=cents,
    )
    if refusal is not None:
        raise _refuse(ctx, refusal, id=bucket.number, title=bucket.title)
    funding = Funding(
        round_id=rnd.id,
        bucket_id=bucket.id,
        funder=ctx.sender,
        cents=cents,
        source=source,
        reaction_key=reaction_key,
        event_id=ctx.source_event_id,
    )
    ctx.db.add(funding)
    ctx.db.flush()
    ctx.audit(
        "fund",
        "bucket",
        bucket.id,
        funding_id=funding.id,
        funder=ctx.sender,
        cents=cents,
        source=source,
        reaction_key=reaction_key,
    )
    if bucket.state == BUCKET_OPEN and held + cents >= bucket.min_cents:
        bucket.state = BUCKET_FUNDED
        bucket.funded_at = ctx.now
        ctx.audit("funded", "bucket", bucket.id, held=held + cents)
        ctx.say(
            ctx.t(
                "buckets.funded_now",
                id=bucket.number,
                title=bucket.title,
                held=ctx.money(held + cents),
                min=ctx.money(bucket.min_cents),
            )
        )
    refresh_card(ctx, bucket, totals=(held + cents, people + (0 if already else 1)))
    return funding, given - used - cents


def withdraw(ctx: Context, funding: Funding) -> Bucket:
    """Give a funding back to its funder (its reaction was removed or its command deleted)."""
    bucket = load_bucket(ctx.db, Bucket.id == funding.bucket_id)
    rnd = ctx.db.get(CobudgetRound, funding.round_id)
    assert bucket is not None and rnd is not None and bucket.id is not None
    if rnd.state != ROUND_OPEN:
        raise UserError("buckets.error.withdraw_closed", id=bucket.number, title=bucket.title)
    if bucket.state == BUCKET_COMPLETED:
        raise UserError("buckets.error.withdraw_completed", id=bucket.number, title=bucket.title)
    funding.state = FUNDING_WITHDRAWN
    funding.ended_at = ctx.now
    funding.ended_event_id = ctx.event.event_id
    ctx.db.flush()
    ctx.audit(
        "withdraw",
        "bucket",
        bucket.id,
        funding_id=funding.id,
        funder=funding.funder,
        cents=funding.cents,
    )
    held, people = bucket_total(ctx.db, bucket.id)
    if bucket.state == BUCKET_FUNDED and held < bucket.min_cents:
        bucket.state = BUCKET_OPEN
        bucket.funded_at = None
        ctx.audit("unfunded", "bucket", bucket.id, held=held)
        ctx.say(
            ctx.t(
                "buckets.unfunded",
                id=bucket.number,
                title=bucket.title,
                held=ctx.money(held),
                min=ctx.money(bucket.min_cents),
            )
        )
    refresh_card(ctx, bucket, totals=(held, people))
    return bucket


def refund_bucket(ctx: Context, bucket: Bucket, state: str) -> tuple[int, int]:
    """Give every active funding of ``bucket`` back; the bucket ends in ``state``. Returns
    (cents refunded, funders refunded)."""
    rnd = ctx.db.get(CobudgetRound, bucket.round_id)
    assert rnd is not None and bucket.id is not None
    refunded = refund_buckets(ctx, [bucket], state)
    refresh_card(ctx, bucket, totals=(0, 0))
    return refunded.get(bucket.id, (0, 0))


def refund_buckets(ctx: Context, buckets: list[Bucket], state: str) -> dict[int, tuple[int, int]]:
    """Give every active funding of ``buckets`` back (one update for all of them); the buckets
    end in ``state``. Each bucket gets two audit rows: the fundings it gave back (id, funder,
    cents of each), then its new state. Returns (cents refunded, funders refunded) per bucket
    that held something. Their cards are left to the caller."""
    now = ctx.now
    ids = [b.id for b in buckets if b.id is not None]
    back: dict[int, list[int]] = {}
    people: dict[int, set[str]] = {}
    given: dict[int, list[dict[str, Any]]] = {}
    for i in range(0, len(ids), 5000):
        rows = ctx.db.execute(
            update(Funding)
            .where(
                col(Funding.bucket_id).in_(ids[i : i + 5000]), col(Funding.state) == FUNDING_ACTIVE
            )
            .values(state=FUNDING_REFUNDED, ended_at=now, ended_event_id=ctx.event.event_id)
            .returning(
                col(Funding.id), col(Funding.bucket_id), col(Funding.funder), col(Funding.cents)
            )
        ).all()
        for funding_id, bucket_id, funder, cents in sorted(rows):
            back.setdefault(bucket_id, []).append(cents)
            people.setdefault(bucket_id, set()).add(funder)
            given.setdefault(bucket_id, []).append(
                {"funding_id": funding_id, "funder": funder, "cents": cents}
            )
    for bucket in buckets:
        assert bucket.id is not None
        if bucket.id in given:
            ctx.audit("refund", "bucket", bucket.id, fundings=given[bucket.id])
        before = bucket.state
        bucket.state = state
        bucket.closed_at = now
        total, funders = sum(back.get(bucket.id, ())), len(people.get(bucket.id, ()))
        ctx.audit(state, "bucket", bucket.id, before=before, refunded=total, funders=funders)
    ctx.db.flush()
    return {b: (sum(c), len(people[b])) for b, c in back.items()}


# --------------------------------------------------------------------------- the card

_format_money = lru_cache(maxsize=8192)(i18n.format_money)


def _money(s: Speaker, cents: int) -> str:
    """Money as ``s.money`` says it, remembered: a card shows the same few amounts again and
    again, and formatting is the dearest part of drawing it."""
    return _format_money(cents, s.room.currency, s.lang)


def reaction_values(rnd: CobudgetRound) -> dict[str, int]:
    return dict(rnd.reaction_values) if rnd.reaction_values else dict(DEFAULT_REACTIONS)


def _key(key: str) -> str:
    """Reaction keys compare without emoji variation selectors (``💶`` = ``💶️``)."""
    return key.replace("\ufe0f", "").strip()


def reaction_value(rnd: CobudgetRound, key: str) -> int | None:
    wanted = _key(key)
    for k, cents in reaction_values(rnd).items():
        if _key(k) == wanted:
            return cents
    return None


def reactions_text(s: Speaker, rnd: CobudgetRound) -> str:
    return ", ".join(f"{k} = {_money(s, v)}" for k, v in reaction_values(rnd).items())


def progress_bar(held: int, goal: int, cells: int = BAR_CELLS) -> str:
    filled = cells if goal <= 0 else min(cells, held * cells // goal)
    return "█" * filled + "░" * (cells - filled)


def render_card(
    s: Speaker,
    bucket: Bucket,
    rnd: CobudgetRound,
    prefix: str,
    totals: tuple[int, int] | None = None,
) -> Rich:
    """The bucket's card; ``totals`` (cents held, funders) when the caller already knows them."""
    assert bucket.id is not None
    held, people = totals if totals is not None else bucket_total(s.db, bucket.id)
    percent = held * 100 // bucket.min_cents if bucket.min_cents else 100
    goals = s.t("buckets.card.goal", min=_money(s, bucket.min_cents))
    if bucket.max_cents > bucket.min_cents:
        goals = s.t(
            "buckets.card.goals", min=_money(s, bucket.min_cents), max=_money(s, bucket.max_cents)
        )
    author = s.name(bucket.author)
    params = {
        "id": bucket.number,
        "prefix": prefix,
        "held": _money(s, held),
        "min": _money(s, bucket.min_cents),
        "max": _money(s, bucket.max_cents),
        "room": _money(s, max(0, bucket.max_cents - held)),
        "reactions": reactions_text(s, rnd),
    }
    if bucket.state == BUCKET_OPEN:
        how = s.t("buckets.card.how_open", **params)
    elif bucket.state == BUCKET_FUNDED and held < bucket.max_cents and rnd.state == ROUND_OPEN:
        how = s.t("buckets.card.how_funded", **params)
    elif bucket.state == BUCKET_FUNDED:
        how = s.t("buckets.card.funded_full", **params)
    else:
        how = s.t(f"buckets.card.state_{bucket.state}", **params)
    head = s.t("buckets.card.title", id=bucket.number, title=bucket.title)
    byline = s.t("buckets.card.byline", author=author, goals=goals)
    progress = s.t(
        "buckets.card.progress",
        bar=progress_bar(held, bucket.min_cents),
        percent=percent,
        held=_money(s, held),
        min=_money(s, bucket.min_cents),
        people=people,
    )
    text_lines = [f"**{head}**", byline, progress]
    html_lines = [f"<b>{esc(head)}</b>", esc(byline), f"<code>{esc(progress)}</code>"]
    if bucket.description:
        text_lines.append(f"_{bucket.description}_")
        html_lines.append(f"<i>{esc(bucket.description)}</i>")
    text_lines.append(how)
    html_lines.append(esc(how))
    return Rich("\n".join(text_lines), "<br/>\n".join(html_lines))


def refresh_card(ctx: Context, bucket: Bucket, totals: tuple[int, int] | None = None) -> None:
    """Show the bucket's live state on its card: an edit of the card; and if the card is still
    waiting in the outbox, its own content too (an edit of an undelivered message is dropped)."""
    if bucket.card_message_id is None:
        return
    card = ctx.db.get(BotMessage, bucket.card_message_id)
    rnd = ctx.db.get(CobudgetRound, bucket.round_id)
    if card is None or rnd is None:
        return
    content = render_card(ctx, bucket, rnd, ctx.settings.prefix, totals)
    if card.sent_at is None:
        card.body, card.html = content.text, content.html
    ctx.edit(card, content)


def refresh_cards(
    ctx: Context,
    rnd: CobudgetRound,
    buckets: list[Bucket],
    totals: dict[int, tuple[int, int]],
    *,
    sent: dict[int, bool] | None = None,
    then: Rich | None = None,
) -> None:
    """``refresh_card`` of many buckets of ``rnd`` (``totals``: what each holds), then ``then``
    said in the room, in a few statements whatever their number: the cards' state in one query
    (none when ``sent`` says, per card, whether it was delivered), the edits in one insert."""
    cards = {b.card_message_id: b for b in buckets if b.card_message_id is not None}
    outbox = BotMessage.__table__  # type: ignore[attr-defined]
    found: list[Any] = []
    ids = list(cards)
    if sent is not None:
        found = [(i, ctx.room.id, sent[i]) for i in ids if i in sent]
    else:
        for i in range(0, len(ids), 5000):
            found += ctx.db.exec(
                select(outbox.c.id, outbox.c.room_id, outbox.c.sent_at.is_not(None)).where(
                    outbox.c.id.in_(ids[i : i + 5000])
                )
            ).all()
    if cards:
        ctx.names(b.author for b in cards.values())
    edits: list[tuple[Queued | BotMessage, Rich]] = []
    unsent: list[dict[str, Any]] = []
    for card_id, room_id, delivered in sorted(found):
        bucket = cards[card_id]
        assert bucket.id is not None
        content = render_card(ctx, bucket, rnd, ctx.settings.prefix, totals.get(bucket.id, (0, 0)))
        if not delivered:
            unsent.append({"card": card_id, "body": content.text, "html": content.html})
        edits.append((Queued(id=card_id, room_id=room_id, kind="text", body=""), content))
    if unsent:
        ctx.db.connection().execute(
            outbox.update()
            .where(outbox.c.id == bindparam("card"))
            .values(body=bindparam("body"), html=bindparam("html")),
            unsent,
        )
    ctx.edit_many(edits, then=then)


# --------------------------------------------------------------------------- !tour


def _require_admin(ctx: Context, command: str) -> None:
    if not ctx.is_admin:
        raise UserError("core.admin_only", command=f"{ctx.settings.prefix}{command}")


def _amount(ctx: Context, tokens: list[str], i: int) -> tuple[Amount, int] | None:
    found = match_amount(tokens, i)
    if found is None:
        return None
    amount, used = found
    check_amount(ctx, amount, " ".join(tokens[i : i + used]))
    if amount.currency and amount.currency != ctx.room.currency:
        raise UserError(
            "buckets.error.currency", currency=amount.currency, room_currency=ctx.room.currency
        )
    if amount.negative:
        raise UserError("buckets.error.negative", prefix=ctx.settings.prefix)
    return amount, used


def round_command(ctx: Context, args: str) -> None:
    tokens = tokenize(args)
    action = fold(tokens[0]) if tokens else ""
    if action in _OPEN_WORDS:
        _require_admin(ctx, "tour")
        _open_round(ctx, tokens[1:])
    elif action in _CLOSE_WORDS:
        _require_admin(ctx, "tour")
        _close_round(ctx)
    elif action in _REACTION_WORDS:
        _require_admin(ctx, "tour")
        _set_reactions(ctx, tokens[1:])
    elif not tokens or action in _SHOW_WORDS:
        _show_round(ctx)
    else:
        raise UserError("buckets.usage.round", prefix=ctx.settings.prefix)


def _deadline(ctx: Context, tokens: list[str], i: int) -> tuple[dt.date, int] | None:
    found = match_date(tokens, i, ctx.today)
    if found is None:
        return None
    day = checked_date(found, " ".join(tokens[i : i + found.used]))
    if day < ctx.today and not found.year_given:
        # "jusqu'au 31/01" said in December: next year's
        try:
            day = day.replace(year=day.year + 1)
        except ValueError:
            return None
    return day, found.used


def _open_round(ctx: Context, tokens: list[str]) -> None:
    p = ctx.settings.prefix
    pot: Amount | None = None
    deadline: dt.date | None = None
    title_words: list[str] = []
    i = 0
    while i < len(tokens):
        word = fold(tokens[i])
        if word in _DEADLINE_WORDS and deadline is None:
            found = _deadline(ctx, tokens, i + 1)
            if found is None:
                raise UserError("buckets.error.bad_deadline", token=" ".join(tokens[i:]), prefix=p)
            deadline = found[0]
            i += 1 + found[1]
            continue
        if pot is None and title_words:
            amount = _amount(ctx, tokens, i)
            if amount is not None:
                pot = amount[0]
                i += amount[1]
                continue
        title_words.append(tokens[i])
        i += 1
    title = " ".join(title_words).strip()
    if not title or pot is None:
        raise UserError("buckets.usage.round_open", prefix=p)
    if pot.cents <= 0:
        raise UserError("buckets.error.zero_amount", prefix=p)
    if deadline is not None and deadline < ctx.today:
        raise UserError("buckets.error.deadline_past", date=ctx.date(deadline))
    current = open_round(ctx.db, ctx.room.id)
    if current is not None:
        raise UserError("buckets.error.round_already_open", title=current.title, prefix=p)
    rnd = CobudgetRound(
        room_id=ctx.room.id,
        number=next_number(ctx.db, ctx.room.id, ROUND),
        title=title[:255],
        pot_cents=pot.cents,
        deadline=deadline,
        reaction_values=dict(DEFAULT_REACTIONS),
        created_by=ctx.sender,
        event_id=ctx.source_event_id,
    )
    ctx.db.add(rnd)
    ctx.db.flush()
    ctx.audit(
        "open",
        "round",
        rnd.id,
        number=rnd.number,
        title=rnd.title,
        pot=rnd.pot_cents,
        deadline=deadline,
        reactions=rnd.reaction_values,
    )
    until = ctx.t("buckets.round.until", date=ctx.date(deadline)) if deadline else ""
    ctx.reply(
        ctx.t(
            "buckets.round.opened",
            id=rnd.number,
            title=rnd.title,
            pot=ctx.money(rnd.pot_cents),
            until=until,
            reactions=reactions_text(ctx, rnd),
            prefix=p,
        )
    )


def _need_open_round(ctx: Context) -> CobudgetRound:
    rnd = open_round(ctx.db, ctx.room.id)
    if rnd is None:
        raise UserError("buckets.error.no_round", prefix=ctx.settings.prefix)
    return rnd


def close_due_rounds(
    db: Session, registry: Registry, settings: Settings, now: dt.datetime
) -> list[Queued]:
    """Close every open round whose deadline has passed (its last day is over in the room's
    time zone), as ``!tour fermer`` would, and tell the room. Closing changes the round's
    state, so a round is closed once however often this runs."""
    sent: list[Queued] = []
    rounds = db.exec(
        select(CobudgetRound).where(
            CobudgetRound.state == ROUND_OPEN, col(CobudgetRound.deadline).is_not(None)
        )
    ).all()
    due: list[tuple[CobudgetRound, Room]] = []
    for rnd in rounds:
        room = db.get(Room, rnd.room_id)
        if room is None or rnd.deadline is None:
            continue
        if now.astimezone(ZoneInfo(room.timezone)).date() > rnd.deadline:
            due.append((rnd, room))
    if due:
        # the rooms are this unit of work's from here: their rounds are read again
        lock_rooms(db, {room.id for _, room in due})
    for rnd, room in due:
        db.refresh(rnd)
        if rnd.state != ROUND_OPEN or rnd.deadline is None:
            continue
        event = Message(
            event_id=f"deadline:round:{rnd.id}",
            room_id=room.id,
            sender=BOT_ACTOR,
            role=Role.ADMIN,
            platform=room.platform,
            timestamp=now,
            body="",
        )
        ctx = Context(db, event, room, settings, now, registry)
        ctx.say(
            ctx.t("buckets.round.deadline_reached", title=rnd.title, date=ctx.date(rnd.deadline))
        )
        _close_round(ctx)
        ctx.flush_audits()
        sent.extend(ctx.sent)
    return sent


def _close_round(ctx: Context) -> None:
    """Close the room's open round: refund what open buckets hold, tell every card, sum it up.
    A dozen statements whatever the number of buckets and fundings."""
    given_q = select(func.coalesce(func.sum(Allocation.cents), 0)).where(
        col(Allocation.round_id) == col(CobudgetRound.id)
    )
    used_q = select(func.coalesce(func.sum(Funding.cents), 0)).where(
        col(Funding.round_id) == col(CobudgetRound.id), Funding.state == FUNDING_ACTIVE
    )
    found = ctx.db.exec(
        select(
            CobudgetRound,
            given_q.correlate(CobudgetRound).scalar_subquery(),
            used_q.correlate(CobudgetRound).scalar_subquery(),
        )
        .where(CobudgetRound.room_id == ctx.room.id, CobudgetRound.state == ROUND_OPEN)
        .limit(1)
    ).first()
    if found is None:
        raise UserError("buckets.error.no_round", prefix=ctx.settings.prefix)
    rnd, given, in_buckets = found[0], int(found[1]), int(found[2])
    assert rnd.id is not None
    # the buckets, what each holds and whether its card was delivered, in one query
    held = (
        select(
            Funding.bucket_id,
            func.sum(Funding.cents).label("cents"),
            func.count(func.distinct(Funding.funder)).label("people"),
        )
        .where(Funding.round_id == rnd.id, Funding.state == FUNDING_ACTIVE)
        .group_by(col(Funding.bucket_id))
        .subquery()
    )
    rows = ctx.db.exec(
        select(Bucket, held.c.cents, held.c.people, col(BotMessage.sent_at).is_not(None))
        .outerjoin(held, held.c.bucket_id == col(Bucket.id))
        .outerjoin(BotMessage, col(BotMessage.id) == col(Bucket.card_message_id))
        .where(Bucket.round_id == rnd.id)
        .order_by(col(Bucket.id))
    ).all()
    buckets = [b for b, _, _, _ in rows]
    totals = {b.id: (int(c or 0), int(n or 0)) for b, c, n, _ in rows if b.id is not None}
    sent = {b.card_message_id: bool(d) for b, _, _, d in rows if b.card_message_id is not None}
    still_open = [b for b in buckets if b.state == BUCKET_OPEN]
    refunds = refund_buckets(ctx, still_open, BUCKET_REFUNDED)
    refunded = [(b, refunds.get(b.id, (0, 0))[0]) for b in still_open if b.id is not None]
    in_buckets -= sum(cents for _, cents in refunded)
    rnd.state = ROUND_CLOSED
    rnd.closed_at = ctx.now
    rnd.closed_event_id = ctx.event.event_id
    funded = [
        (b, totals.get(b.id, (0, 0))[0])
        for b in buckets
        if b.id is not None and b.state in (BUCKET_FUNDED, BUCKET_COMPLETED)
    ]
    ctx.audit(
        "close",
        "round",
        rnd.id,
        funded={b.id: c for b, c in funded},
        refunded={b.id: c for b, c in refunded},
        allocated=given,
        in_buckets=in_buckets,
    )
    parts: list[Rich | str] = [ctx.t("buckets.round.closed", id=rnd.number, title=rnd.title)]
    for bucket, cents in funded:
        parts.append(
            ctx.t(
                "buckets.round.closed_funded",
                id=bucket.number,
                title=bucket.title,
                held=ctx.money(cents),
            )
        )
    for bucket, cents in refunded:
        parts.append(
            ctx.t(
                "buckets.round.closed_refunded",
                id=bucket.number,
                title=bucket.title,
                held=ctx.money(cents),
            )
        )
    parts.append(
        ctx.t(
            "buckets.round.closed_totals",
            pot=ctx.money(rnd.pot_cents),
            in_buckets=ctx.money(in_buckets),
            balances=ctx.money(given - in_buckets),
            unallocated=ctx.money(rnd.pot_cents - given),
        )
    )
    # the cards say so (refunded, or no more funding), then the room is told
    after = {b.id: totals.get(b.id, (0, 0)) for b, _ in funded if b.id is not None}
    refresh_cards(
        ctx,
        rnd,
        [*still_open, *(b for b, _ in funded if b.state == BUCKET_FUNDED)],
        after,
        sent=sent,
        then=lines(*parts),
    )


def _parse_reactions(ctx: Context, tokens: list[str]) -> dict[str, int]:
    values: dict[str, int] = {}
    i = 0
    while i < len(tokens):
        key, sep, rest = tokens[i].partition("=")
        key = key.strip()
        if sep and rest:
            amount = _amount(ctx, [rest], 0)
            used = 1
        else:
            amount = _amount(ctx, tokens, i + 1) if key else None
            used = 1 + (amount[1] if amount else 0)
        if not key or amount is None or amount[0].cents <= 0 or len(key) > 32:
            raise UserError("buckets.usage.reactions", prefix=ctx.settings.prefix)
        values[key] = amount[0].cents
        i += used
    if not values:
        raise UserError("buckets.usage.reactions", prefix=ctx.settings.prefix)
    return values


def _set_reactions(ctx: Context, tokens: list[str]) -> None:
    rnd = _need_open_round(ctx)
    values = _parse_reactions(ctx, tokens)
    before = reaction_values(rnd)
    rnd.reaction_values = values
    ctx.audit("reactions", "round", rnd.id, before=before, after=values)
    ctx.reply(ctx.t("buckets.round.reactions_set", reactions=reactions_text(ctx, rnd)))


def _show_round(ctx: Context) -> None:
    rnd = open_round(ctx.db, ctx.room.id) or latest_round(ctx.db, ctx.room.id)
    if rnd is None:
        raise UserError("buckets.error.no_round", prefix=ctx.settings.prefix)
    assert rnd.id is not None
    given, in_buckets = round_money(ctx.db, rnd.id)
    counts: dict[str, int] = dict(
        ctx.db.exec(
            select(Bucket.state, func.count())
            .where(Bucket.round_id == rnd.id)
            .group_by(col(Bucket.state))
        ).all()
    )
    state = ctx.t(f"buckets.round.state_{rnd.state}")
    until = ctx.t("buckets.round.until", date=ctx.date(rnd.deadline)) if rnd.deadline else ""
    states = ", ".join(
        f"{ctx.t(f'buckets.state.{name}')} {n}" for name, n in sorted(counts.items())
    ) or ctx.t("buckets.round.no_buckets")
    text = ctx.t(
        "buckets.round.show",
        id=rnd.number,
        title=rnd.title,
        state=state,
        until=until,
        pot=ctx.money(rnd.pot_cents),
        allocated=ctx.money(given),
        unallocated=ctx.money(rnd.pot_cents - given),
        in_buckets=ctx.money(in_buckets),
        balances=ctx.money(given - in_buckets),
        buckets=states,
        reactions=reactions_text(ctx, rnd),
    )
    ctx.reply(text)


# --------------------------------------------------------------------------- !allouer


def allocate_command(ctx: Context, args: str) -> None:
    p = ctx.settings.prefix
    given_q = select(func.coalesce(func.sum(Allocation.cents), 0)).where(
        col(Allocation.round_id) == col(CobudgetRound.id)
    )
    opened = ctx.db.exec(
        select(CobudgetRound, given_q.correlate(CobudgetRound).scalar_subquery())
        .where(CobudgetRound.room_id == ctx.room.id, CobudgetRound.state == ROUND_OPEN)
        .limit(1)
    ).first()
    if opened is None:
        raise UserError("buckets.error.no_round", prefix=p)
    rnd = opened[0]
    assert rnd.id is not None
    tokens = tokenize(args)
    if not tokens:
        raise UserError("buckets.usage.allocate", prefix=p)
    left = rnd.pot_cents - int(opened[1])
    first = fold(tokens[0])
    details: dict[str, Any] = {}
    if first in _HOURS_WORDS:
        said = " ".join(tokens[1:])
        asked = parse_period(said, ctx.today) if len(tokens) > 1 else None
        if asked is None:
            raise UserError("buckets.usage.allocate_hours", prefix=p)
        period = checked_period(asked, said)
        totals = contribution_totals(ctx.db, ctx.room.id, period.start, period.end)
        current = set(room_members(ctx.db, ctx.room.id))
        weights = {
            user: minutes
            for user, minutes, _ in totals.by_person
            if minutes > 0 and user in current
        }
        # allocations only go to members: who left (or was never one) is left out, and said
        left_out = sorted(u for u, m, _ in totals.by_person if m > 0 and u not in current)
        if not weights:
            raise UserError("buckets.error.no_contributions", prefix=p)
        if left <= 0:
            raise UserError("buckets.error.pot_empty", pot=ctx.money(rnd.pot_cents))
        shares = split_proportional(left, weights)
        method = "hours"
        details = {"start": period.start, "end": period.end, "minutes": weights}
        if left_out:
            details["left_out"] = left_out
    elif first in _EVERYONE_WORDS:
        members = room_members(ctx.db, ctx.room.id)
        if not members:
            raise UserError("buckets.error.no_members")
        amount = _amount(ctx, tokens, 1) if len(tokens) > 1 else None
        if len(tokens) > 1 and (amount is None or 1 + amount[1] != len(tokens)):
            raise UserError("buckets.usage.allocate", prefix=p)
        if amount is None:
            if left <= 0:
                raise UserError("buckets.error.pot_empty", pot=ctx.money(rnd.pot_cents))
            shares = split_equal(left, members)
            method = "equal"
        else:
            shares = {m: amount[0].cents for m in members}
            method = "each"
    else:
        people: list[str] = []
        each: Amount | None = None
        i = 0
        while i < len(tokens):
            if is_mention(tokens[i]):
                if is_group_mention(tokens[i]):
                    raise UserError("buckets.error.group_mention", token=tokens[i], prefix=p)
                person = resolve_person(ctx, tokens[i])
                if person not in people:
                    people.append(person)
                i += 1
                continue
            found = _amount(ctx, tokens, i) if each is None else None
            if found is None:
                raise UserError("buckets.usage.allocate", prefix=p)
            each = found[0]
            i += found[1]
        if not people or each is None:
            raise UserError("buckets.usage.allocate", prefix=p)
        shares = {person: each.cents for person in people}
        method = "person"
    shares = {user: cents for user, cents in shares.items() if cents > 0}
    total = sum(shares.values())
    if total <= 0:
        raise UserError("buckets.error.zero_amount", prefix=p)
    if total > left:
        raise UserError(
            "buckets.error.over_pot",
            total=ctx.money(total),
            left=ctx.money(left),
            pot=ctx.money(rnd.pot_cents),
        )
    plain_details = _plain(details)
    ctx.db.connection().execute(
        insert(Allocation.__table__),  # type: ignore[attr-defined]
        [
            {
                "round_id": rnd.id,
                "room_id": ctx.room.id,
                "user_id": user,
                "cents": cents,
                "method": method,
                "details": plain_details,
                "created_by": ctx.sender,
                "event_id": ctx.source_event_id,
                "created_at": ctx.now,
            }
            for user, cents in sorted(shares.items())
        ],
    )
    for user, cents in sorted(shares.items()):
        ctx.audit("allocate", "round", rnd.id, user=user, cents=cents, method=method)
    ctx.db.flush()
    now = balances(ctx.db, rnd.id, list(shares))
    names = ctx.names(shares)
    rows = [
        [names[user], ctx.money(cents), ctx.money(now[user])]
        for user, cents in sorted(shares.items(), key=lambda item: (-item[1], item[0]))
    ]
    head = ctx.t(
        "buckets.allocated",
        total=ctx.money(total),
        people=len(shares),
        title=rnd.title,
        left=ctx.money(left - total),
    )
    ctx.reply(
        lines(
            head,
            table(
                [
                    ctx.t("buckets.col.person"),
                    ctx.t("buckets.col.given"),
                    ctx.t("buckets.col.balance"),
                ],
                rows,
                align="lrr",
            ),
            *(
                [
                    ctx.t(
                        "buckets.allocated_left_out",
                        people=", ".join(sorted(ctx.names(details["left_out"]).values())),
                    )
                ]
                if details.get("left_out")
                else []
            ),
        )
    )


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


# --------------------------------------------------------------------------- !bucket


def _bucket_id(token: str) -> int | None:
    number = read_number(token)
    return number if number is not None and len(token.lstrip("#")) < 10 else None


def find_bucket(ctx: Context, token: str) -> Bucket:
    """The bucket that ``token`` (``3`` or ``#3``) numbers in this room."""
    number = _bucket_id(token)
    bucket = (
        load_bucket(ctx.db, Bucket.room_id == ctx.room.id, Bucket.number == number)
        if number is not None and 0 < number < LARGEST
        else None
    )
    if bucket is None:
        raise UserError(
            "buckets.error.no_such_bucket", id=token.lstrip("#"), prefix=ctx.settings.prefix
        )
    return bucket


def bucket_command(ctx: Context, args: str) -> None:
    tokens = tokenize(args)
    if not tokens:
        raise UserError("buckets.usage.bucket", prefix=ctx.settings.prefix)
    if _bucket_id(tokens[0]) is not None and (
        len(tokens) == 1 or fold(tokens[1]) in (_COMPLETE_WORDS + _CANCEL_WORDS)
    ):
        bucket = find_bucket(ctx, tokens[0])
        if len(tokens) == 1:
            _show_bucket(ctx, bucket)
        elif fold(tokens[1]) in _COMPLETE_WORDS:
            _complete(ctx, bucket)
        else:
            _cancel(ctx, bucket)
        return
    _propose(ctx, tokens)


def _propose(ctx: Context, tokens: list[str]) -> None:
    p = ctx.settings.prefix
    title_words: list[str] = []
    i = 0
    goal: Amount | None = None
    while i < len(tokens):
        if title_words:
            found = _amount(ctx, tokens, i)
            if found is not None:
                goal = found[0]
                i += found[1]
                break
        title_words.append(tokens[i])
        i += 1
    if title_words and fold(title_words[-1]) in _MIN_WORDS:
        title_words.pop()
    title = " ".join(title_words).strip()
    if not title or goal is None:
        raise UserError("buckets.usage.bucket", prefix=p)
    maximum: Amount | None = None
    if i < len(tokens) and fold(tokens[i]) in _MAX_WORDS:
        found = _amount(ctx, tokens, i + 1)
        if found is None:
            raise UserError("buckets.usage.bucket", prefix=p)
        maximum = found[0]
        i += 1 + found[1]
    description = " ".join(tokens[i:]).strip()
    if goal.cents <= 0:
        raise UserError("buckets.error.zero_amount", prefix=p)
    if maximum is not None and maximum.cents < goal.cents:
        raise UserError(
            "buckets.error.max_below_min", min=ctx.money(goal.cents), max=ctx.money(maximum.cents)
        )
    rnd = _need_open_round(ctx)
    if past_deadline(ctx, rnd):
        raise UserError("buckets.error.round_ended", prefix=p)
    bucket = Bucket(
        round_id=rnd.id,  # type: ignore[arg-type]
        room_id=ctx.room.id,
        number=next_number(ctx.db, ctx.room.id, BUCKET),
        title=title[:255],
        description=description[:2000],
        author=ctx.sender,
        min_cents=goal.cents,
        max_cents=maximum.cents if maximum else goal.cents,
        event_id=ctx.source_event_id,
    )
    ctx.db.add(bucket)
    ctx.db.flush()
    card = ctx.say(render_card(ctx, bucket, rnd, p), ref=("bucket", bucket.id))
    bucket.card_message_id = card.id
    ctx.audit(
        "create",
        "bucket",
        bucket.id,
        number=bucket.number,
        title=bucket.title,
        min=bucket.min_cents,
        max=bucket.max_cents,
        description=bucket.description,
        round_id=rnd.id,
    )


def _may_manage(ctx: Context, bucket: Bucket) -> bool:
    return ctx.is_admin or ctx.sender == bucket.author


def _complete(ctx: Context, bucket: Bucket) -> None:
    if not _may_manage(ctx, bucket):
        raise UserError("buckets.error.not_author", id=bucket.number)
    if bucket.state != BUCKET_FUNDED:
        raise UserError(
            "buckets.error.cannot_complete",
            id=bucket.number,
            state=ctx.t(f"buckets.state.{bucket.state}"),
        )
    bucket.state = BUCKET_COMPLETED
    bucket.closed_at = ctx.now
    ctx.audit("complete", "bucket", bucket.id)
    refresh_card(ctx, bucket)
    ctx.say(
        ctx.t("buckets.completed", id=bucket.number, title=bucket.title, who=ctx.name(ctx.sender))
    )


def _cancel(ctx: Context, bucket: Bucket) -> None:
    if not _may_manage(ctx, bucket):
        raise UserError("buckets.error.not_author", id=bucket.number)
    if bucket.state not in (BUCKET_OPEN, BUCKET_FUNDED):
        raise UserError(
            "buckets.error.cannot_cancel",
            id=bucket.number,
            state=ctx.t(f"buckets.state.{bucket.state}"),
        )
    cents, people = refund_bucket(ctx, bucket, BUCKET_CANCELLED)
    ctx.say(
        ctx.t(
            "buckets.cancelled",
            id=bucket.number,
            title=bucket.title,
            who=ctx.name(ctx.sender),
            held=ctx.money(cents),
            people=people,
        )
    )


def _show_bucket(ctx: Context, bucket: Bucket) -> None:
    assert bucket.id is not None
    rnd = ctx.db.get(CobudgetRound, bucket.round_id)
    assert rnd is not None
    per_person: dict[str, int] = {
        funder: int(cents)
        for funder, cents in ctx.db.exec(
            select(Funding.funder, func.sum(Funding.cents))
            .where(Funding.bucket_id == bucket.id, Funding.state == FUNDING_ACTIVE)
            .group_by(col(Funding.funder))
        ).all()
    }
    card = render_card(
        ctx, bucket, rnd, ctx.settings.prefix, (sum(per_person.values()), len(per_person))
    )
    if not per_person:
        ctx.reply(lines(card, ctx.t("buckets.no_funders")))
        return
    names = ctx.names(per_person)
    rows = [
        [names[user], ctx.money(cents)]
        for user, cents in sorted(per_person.items(), key=lambda item: (-item[1], item[0]))
    ]
    ctx.reply(
        lines(
            card,
            ctx.t("buckets.funders", people=len(rows)),
            table([ctx.t("buckets.col.person"), ctx.t("buckets.col.amount")], rows, align="lr"),
        )
    )


def list_buckets(ctx: Context, args: str) -> None:
    rnd = open_round(ctx.db, ctx.room.id) or latest_round(ctx.db, ctx.room.id)
    if rnd is None:
        raise UserError("buckets.error.no_round", prefix=ctx.settings.prefix)
    assert rnd.id is not None
    buckets = round_buckets(ctx.db, rnd.id)
    if not buckets:
        ctx.reply(ctx.t("buckets.list.empty", title=rnd.title, prefix=ctx.settings.prefix))
        return
    rows = []
    totals = bucket_totals(ctx.db, rnd.id)
    for bucket in buckets:
        assert bucket.id is not None
        held, people = totals.get(bucket.id, (0, 0))
        goal = ctx.money(bucket.min_cents)
        if bucket.max_cents > bucket.min_cents:
            goal += f" – {ctx.money(bucket.max_cents)}"
        rows.append(
            [
                f"#{bucket.number}",
                bucket.title,
                ctx.t(f"buckets.state.{bucket.state}"),
                ctx.money(held),
                goal,
                people,
            ]
        )
    head = ctx.t("buckets.list.title", title=rnd.title, count=len(buckets))
    ctx.reply(
        lines(
            head,
            table(
                [
                    "#",
                    ctx.t("buckets.col.bucket"),
                    ctx.t("buckets.col.state"),
                    ctx.t("buckets.col.held"),
                    ctx.t("buckets.col.goal"),
                    ctx.t("buckets.col.funders"),
                ],
                rows,
                align="lllrrr",
            ),
        )
    )


# --------------------------------------------------------------------------- funding


def fund_command(ctx: Context, args: str) -> None:
    p = ctx.settings.prefix
    tokens = tokenize(args)
    if len(tokens) < 2 or _bucket_id(tokens[0]) is None:
        raise UserError("buckets.usage.fund", prefix=p)
    bucket = find_bucket(ctx, tokens[0])
    found = _amount(ctx, tokens, 1)
    if found is None or 1 + found[1] != len(tokens):
        raise UserError("buckets.usage.fund", prefix=p)
    funding, left = fund(ctx, bucket, found[0].cents, source="command")
    ctx.reply(
        ctx.t(
            "buckets.funded_by_command",
            cents=ctx.money(funding.cents),
            id=bucket.number,
            title=bucket.title,
            balance=ctx.money(left),
        )
    )


def on_card_reaction(ctx: Context, target: BotMessage, key: str) -> bool:
    """A reaction on a bucket card: fund the bucket with what the key is worth in the round.
    Other keys are ignored; a refused funding gets a short answer naming the person."""
    if target.ref_id is None or not target.ref_id.isdigit() or len(target.ref_id) > 18:
        return False
    bucket = load_bucket(ctx.db, Bucket.id == int(target.ref_id))
    if bucket is None:
        return False
    rnd = ctx.db.get(CobudgetRound, bucket.round_id)
    if rnd is None:
        return False
    cents = reaction_value(rnd, key)
    if cents is None:
        return False
    try:
        fund(ctx, bucket, cents, source="reaction", reaction_key=key)
    except UserError as err:
        who = ctx.name(ctx.sender)
        ctx.say(
            ctx.t(
                "buckets.reaction_refused",
                who=who,
                emoji=key,
                reason=ctx.refusal(err),
            ),
            mentions=[ctx.sender],
        )
    return True


def undo_by_event(ctx: Context, target_event_id: str) -> bool:
    """A reaction was removed or a command message deleted: undo what it created here (what the
    event was handled as says where to look; not on record, everywhere)."""
    record = ctx.db.get(ChatEvent, target_event_id)
    made = record.command if record is not None else None
    funding = (
        ctx.db.exec(select(Funding).where(Funding.event_id == target_event_id)).first()
        if made in (None, "financer", "reaction:bucket")
        else None
    )
    if funding is not None:
        if funding.state != FUNDING_ACTIVE:
            return False
        try:
            bucket = withdraw(ctx, funding)
        except UserError as err:
            ctx.say(
                ctx.t(
                    "buckets.withdraw_refused",
                    who=ctx.name(funding.funder),
                    reason=ctx.refusal(err),
                ),
                mentions=[funding.funder],
            )
            return True
        if funding.source == "command":
            ctx.say(
                ctx.t(
                    "buckets.withdrawn",
                    who=ctx.name(funding.funder),
                    cents=ctx.money(funding.cents),
                    id=bucket.number,
                    title=bucket.title,
                )
            )
        return True
    if made not in (None, "bucket", "allouer"):
        return False
    proposed = (
        load_bucket(ctx.db, Bucket.event_id == target_event_id) if made != "allouer" else None
    )
    if proposed is not None:
        if proposed.state not in (BUCKET_OPEN, BUCKET_FUNDED):
            return False
        _cancel(ctx, proposed)
        return True
    allocations = (
        list(ctx.db.exec(select(Allocation).where(Allocation.event_id == target_event_id)).all())
        if made != "bucket"
        else []
    )
    if allocations:
        _undo_allocations(ctx, allocations)
        return True
    return False


def _undo_allocations(ctx: Context, allocations: list[Allocation]) -> None:
    rnd = ctx.db.get(CobudgetRound, allocations[0].round_id)
    assert rnd is not None and rnd.id is not None
    if rnd.state != ROUND_OPEN:
        raise UserError("buckets.error.allocation_closed", title=rnd.title)
    if not ctx.is_admin:
        raise UserError("core.admin_only", command=f"{ctx.settings.prefix}allouer")
    for a in allocations:
        if balance(ctx.db, rnd.id, a.user_id) < a.cents:
            raise UserError(
                "buckets.error.allocation_spent",
                who=ctx.name(a.user_id),
                cents=ctx.money(a.cents),
            )
    total = 0
    for a in allocations:
        ctx.audit("unallocate", "round", rnd.id, user=a.user_id, cents=a.cents, allocation_id=a.id)
        total += a.cents
        ctx.db.delete(a)
    ctx.db.flush()
    ctx.say(ctx.t("buckets.unallocated", total=ctx.money(total), people=len(allocations)))


# --------------------------------------------------------------------------- !solde


def balance_command(ctx: Context, args: str) -> None:
    tokens = tokenize(args)
    rnd = open_round(ctx.db, ctx.room.id) or latest_round(ctx.db, ctx.room.id)
    if rnd is None:
        raise UserError("buckets.error.no_round", prefix=ctx.settings.prefix)
    assert rnd.id is not None
    if tokens and fold(tokens[0]) in _EVERYONE_WORDS:
        _all_balances(ctx, rnd)
        return
    user = ctx.sender
    if tokens:
        if not is_mention(tokens[0]) or len(tokens) > 1:
            raise UserError("buckets.usage.balance", prefix=ctx.settings.prefix)
        if is_group_mention(tokens[0]):
            _all_balances(ctx, rnd)
            return
        user = resolve_person(ctx, tokens[0], include_left=True)
    given = allocated(ctx.db, rnd.id, user)
    used = spent(ctx.db, rnd.id, user)
    key = "buckets.balance.mine" if user == ctx.sender else "buckets.balance.other"
    text = ctx.t(
        key,
        who=ctx.name(user),
        title=rnd.title,
        balance=ctx.money(given - used),
        allocated=ctx.money(given),
        spent=ctx.money(used),
    )
    if rnd.state != ROUND_OPEN:
        text += "\n" + ctx.t("buckets.balance.round_closed")
    if given == 0:
        text += "\n" + ctx.t("buckets.balance.nothing")
    rows = ctx.db.exec(
        select(Bucket.number, Bucket.title, func.sum(Funding.cents))
        .join(Bucket, col(Bucket.id) == col(Funding.bucket_id))
        .where(
            Funding.round_id == rnd.id,
            Funding.funder == user,
            Funding.state == FUNDING_ACTIVE,
        )
        .group_by(col(Bucket.id), col(Bucket.number), col(Bucket.title))
        .order_by(col(Bucket.id))
    ).all()
    if rows:
        ctx.reply(
            lines(
                text,
                table(
                    ["#", ctx.t("buckets.col.bucket"), ctx.t("buckets.col.amount")],
                    [[f"#{bid}", title, ctx.money(int(cents))] for bid, title, cents in rows],
                    align="llr",
                ),
            )
        )
        return
    ctx.reply(text)


def _all_balances(ctx: Context, rnd: CobudgetRound) -> None:
    assert rnd.id is not None
    given = dict(
        ctx.db.exec(
            select(Allocation.user_id, func.sum(Allocation.cents))
            .where(Allocation.round_id == rnd.id)
            .group_by(col(Allocation.user_id))
        ).all()
    )
    used = dict(
        ctx.db.exec(
            select(Funding.funder, func.sum(Funding.cents))
            .where(Funding.round_id == rnd.id, Funding.state == FUNDING_ACTIVE)
            .group_by(col(Funding.funder))
        ).all()
    )
    if not given:
        ctx.reply(ctx.t("buckets.balance.none", title=rnd.title, prefix=ctx.settings.prefix))
        return
    names = ctx.names(given)
    rows = [
        [
            names[user],
            ctx.money(int(cents)),
            ctx.money(int(used.get(user, 0))),
            ctx.money(int(cents) - int(used.get(user, 0))),
        ]
        for user, cents in sorted(given.items())
    ]
    ctx.reply(
        lines(
            ctx.t("buckets.balance.all", title=rnd.title),
            table(
                [
                    ctx.t("buckets.col.person"),
                    ctx.t("buckets.col.given"),
                    ctx.t("buckets.col.spent"),
                    ctx.t("buckets.col.balance"),
                ],
                rows,
                align="lrrr",
            ),
        )
    )


# --------------------------------------------------------------------------- recap


def _utc_bounds(scope: RecapScope) -> tuple[dt.datetime, dt.datetime]:
    tz = ZoneInfo(scope.room.timezone)
    start = dt.datetime.combine(scope.start, dt.time(), tz).astimezone(dt.UTC)
    end = dt.datetime.combine(scope.end, dt.time(), tz).astimezone(dt.UTC)
    return start, end


def recap_section(scope: RecapScope) -> Rich | None:
    """Buckets funded in the period, new ones, and open ones close to their goal."""
    start, end = _utc_bounds(scope)
    db = scope.db
    room = scope.room.id
    funded = db.exec(
        select(Bucket)
        .where(
            Bucket.room_id == room,
            col(Bucket.funded_at) >= start,
            col(Bucket.funded_at) < end,
            col(Bucket.state).in_((BUCKET_FUNDED, BUCKET_COMPLETED)),
        )
        .order_by(col(Bucket.id))
    ).all()
    new = db.exec(
        select(Bucket)
        .where(Bucket.room_id == room, Bucket.created_at >= start, Bucket.created_at < end)
        .order_by(col(Bucket.id))
    ).all()
    rnd = open_round(db, room)
    close: list[tuple[Bucket, int]] = []
    if rnd is not None and rnd.id is not None:
        totals = bucket_totals(db, rnd.id)
        for bucket in db.exec(
            select(Bucket)
            .where(Bucket.round_id == rnd.id, Bucket.state == BUCKET_OPEN)
            .order_by(col(Bucket.id))
        ).all():
            assert bucket.id is not None
            held = totals.get(bucket.id, (0, 0))[0]
            if held * 100 >= bucket.min_cents * CLOSE_TO_GOAL_PERCENT:
                close.append((bucket, held))
    if not funded and not new and not close:
        return None
    text: list[str] = [scope.t("buckets.recap.title")]
    html: list[str] = [f"<b>{esc(text[0])}</b>"]

    def add(line: str) -> None:
        text.append(line)
        html.append(esc(line))

    held_by = (
        {
            int(b): int(c)
            for b, c in db.exec(
                select(Funding.bucket_id, func.sum(Funding.cents))
                .where(
                    col(Funding.bucket_id).in_([b.id for b in funded]),
                    Funding.state == FUNDING_ACTIVE,
                )
                .group_by(col(Funding.bucket_id))
            ).all()
        }
        if funded
        else {}
    )
    if new:
        scope.names(b.author for b in new)
    for bucket in funded:
        assert bucket.id is not None
        add(
            scope.t(
                "buckets.recap.funded",
                id=bucket.number,
                title=bucket.title,
                held=scope.money(held_by.get(bucket.id, 0)),
            )
        )
    for bucket, held in close:
        add(
            scope.t(
                "buckets.recap.close",
                id=bucket.number,
                title=bucket.title,
                held=scope.money(held),
                min=scope.money(bucket.min_cents),
                missing=scope.money(bucket.min_cents - held),
            )
        )
    for bucket in new:
        add(
            scope.t(
                "buckets.recap.new",
                id=bucket.number,
                title=bucket.title,
                who=scope.name(bucket.author),
                min=scope.money(bucket.min_cents),
            )
        )
    return Rich("\n".join(text), "<br/>\n".join(html))
