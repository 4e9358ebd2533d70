"""Cobudget in the room: rounds with a pot, balances given to members, buckets funded by reacting
to their card (or with ``!financer``), refunds when a bucket is cancelled or a round closes.

A member's balance is what they were allocated in the round minus what they put into buckets
that still hold it (a withdrawal or a refund gives it back). Every check-then-write happens in
the event's one transaction, and the database serialises writers, so concurrent reactions can
never overspend a balance or overfill a bucket.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, case, func, insert, literal
from sqlalchemy import select as sa_select
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, col, select

from commands import i18n
from commands.core import (
    Context,
    Queued,
    RecapScope,
    Registry,
    RoomTexts,
    Settings,
    UserError,
    room_members,
    system_context,
)
from commands.csvfile import LONG_TABLE, FullTable, long_table, money_cell
from commands.deferred import Rendered, RenderScope, defer, defer_edits_of
from commands.distribution import split_equal, split_proportional
from commands.grammar import (
    Amount,
    fold,
    is_mention,
    match_amount,
    match_date,
    parse_period,
    tokenize,
)
from commands.lifecycle import ABSENT, Act, Actor, act, require, tell_undo, undo, undone_before
from commands.lifecycle import cobudget as life
from commands.lifecycle.settings import Setting, setting_step
from commands.numbers import read_number
from commands.people import is_group_mention, resolve_person
from commands.refusals import check_amount, checked_date, checked_period
from commands.render import Rich, esc, lines, plain, table
from storage.db import lock_rooms
from storage.ledger import balances, bucket_totals, round_money
from storage.models import Audit, BotMessage, Room
from storage.models.cobudget import (
    BUCKET_CANCELLED,
    BUCKET_COMPLETED,
    BUCKET_FUNDED,
    BUCKET_OPEN,
    BUCKET_REFUNDED,
    FUNDING_ACTIVE,
    FUNDING_REFUNDED,
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


# the order in which a round's buckets are counted: from the living to the ended
STATE_ORDER = (BUCKET_OPEN, BUCKET_FUNDED, BUCKET_COMPLETED, BUCKET_CANCELLED, BUCKET_REFUNDED)

BUCKET_LIST = "bucket_list"  # the render job of ``!buckets`` (``commands.deferred``)
CLOSE_ANSWER = "round_closed"  # the render job of ``!tour fermer``: its cards and answer
ALLOCATED = "allocated"  # the render job of ``!allouer tous`` / ``contributions``

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
    reg.on_kept(kept_by_event)
    reg.recap_section("buckets", 20)(recap_section)
    reg.on_tick(close_due_rounds)
    reg.renderer(BUCKET_LIST)(render_bucket_list)
    reg.renderer(CLOSE_ANSWER)(render_round_closed)
    reg.renderer(ALLOCATED)(render_allocated)


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


# --------------------------------------------------------------------------- lives
#
# The rules of each record are the pure functions of ``commands.lifecycle.cobudget``; what follows
# builds their states from the rows and applies what they return.


class Figures(NamedTuple):
    """What the rules of a round, one of its buckets and one funder read, from ``figures``."""

    allocations: int  # allocation rows of the round
    allocated: int  # cents allocated in the round
    buckets: int  # buckets of the round
    held: int = 0  # cents in the bucket's active fundings
    fundings: int = 0  # fundings the bucket ever had
    people: int = 0  # distinct funders of its active fundings
    mine: int = 0  # the funder's active fundings in it
    given: int = 0  # cents allocated to the funder in the round
    used: int = 0  # cents of the funder's in the round's buckets


def figures(
    ctx: Context, round_id: int, bucket_id: int | None = None, funder: str | None = None
) -> Figures:
    """The figures of a round (and of one of its buckets, and of one funder), in one query."""

    def one(query: Any) -> Any:
        return func.coalesce(query.scalar_subquery(), 0)

    def allocations(*where: Any) -> Any:
        return sa_select(func.count(col(Allocation.id))).where(
            col(Allocation.round_id) == round_id, *where
        )

    def in_bucket(*where: Any) -> Any:
        return sa_select(func.count(col(Funding.id))).where(
            col(Funding.bucket_id) == bucket_id, *where
        )

    active = col(Funding.state) == FUNDING_ACTIVE
    columns: list[Any] = [
        one(allocations()),
        one(allocations().with_only_columns(func.sum(Allocation.cents))),
        one(sa_select(func.count(col(Bucket.id))).where(col(Bucket.round_id) == round_id)),
    ]
    if bucket_id is not None:
        columns += [
            one(in_bucket(active).with_only_columns(func.sum(Funding.cents))),
            one(in_bucket()),
            one(in_bucket(active).with_only_columns(func.count(func.distinct(Funding.funder)))),
            one(in_bucket(active, col(Funding.funder) == funder)),
        ]
    if funder is not None:
        if bucket_id is None:
            columns += [literal(0)] * 4
        columns += [
            one(
                allocations(col(Allocation.user_id) == funder).with_only_columns(
                    func.sum(Allocation.cents)
                )
            ),
            one(
                sa_select(func.sum(Funding.cents)).where(
                    col(Funding.round_id) == round_id, col(Funding.funder) == funder, active
                )
            ),
        ]
    ctx.db.flush()  # read on the connection: what the event changed so far is written first
    row = ctx.db.connection().execute(sa_select(*columns)).one()
    return Figures(*(int(value) for value in row))


def round_life(ctx: Context, rnd: CobudgetRound, found: Figures | None = None) -> life.Round:
    assert rnd.id is not None
    f = found or figures(ctx, rnd.id)
    return life.Round(
        rnd.state, rnd.title, rnd.deadline, ctx.room.timezone, f.allocations, f.buckets
    )


def bucket_life(
    ctx: Context, bucket: Bucket, rnd: life.Round | None = None, found: Figures | None = None
) -> life.Bucket:
    assert bucket.id is not None
    f = found or figures(ctx, bucket.round_id, bucket.id)
    if rnd is None:
        row = ctx.db.get(CobudgetRound, bucket.round_id)
        assert row is not None
        rnd = round_life(ctx, row, f)
    return life.Bucket(
        bucket.state,
        rnd,
        bucket.number,
        bucket.title,
        bucket.author,
        bucket.min_cents,
        bucket.max_cents,
        f.held,
        f.fundings,
    )


def keep(ctx: Context, *rows: object) -> None:
    """Hold rows read for this transaction, so that a later ``db.get`` of them finds them in
    the session (which only holds them weakly) instead of reading them again."""
    ctx.db.info.setdefault("cobudget_rows", []).extend(rows)


def load_bucket(ctx: Context, *where: Any) -> Bucket | None:
    """The bucket ``where`` says, with its round and its card, in one query (kept: ``keep``)."""
    found = ctx.db.exec(
        select(Bucket, CobudgetRound, BotMessage)
        .join(CobudgetRound, col(CobudgetRound.id) == col(Bucket.round_id))
        .outerjoin(BotMessage, col(BotMessage.id) == col(Bucket.card_message_id))
        .where(*where)
    ).first()
    if found is None:
        return None
    keep(ctx, *found)
    return found[0]


def funding_life(
    ctx: Context, bucket: life.Bucket, round_id: int, funder: str, cents: int, status: str
) -> life.Funding:
    given, used = allocated_and_spent(ctx.db, round_id, funder)
    return life.Funding(status, bucket, cents, funder, given, given - used)


def actor(ctx: Context) -> Actor:
    return Actor(ctx.sender, ctx.is_admin)


def _apply_bucket(ctx: Context, bucket: Bucket, after: life.Bucket) -> None:
    """The bucket's state as a step left it: funded from its minimum on, open below it."""
    if after.status == bucket.state:
        return
    if after.status == BUCKET_FUNDED and bucket.state == BUCKET_OPEN:
        bucket.state, bucket.funded_at = BUCKET_FUNDED, ctx.now
        ctx.audit("funded", "bucket", bucket.id, held=after.held)
        ctx.reply(
            ctx.t(
                "buckets.funded_now",
                id=bucket.number,
                title=bucket.title,
                held=ctx.money(after.held),
                min=ctx.money(bucket.min_cents),
            )
        )
    elif after.status == BUCKET_OPEN and bucket.state == BUCKET_FUNDED:
        bucket.state, bucket.funded_at = BUCKET_OPEN, None
        ctx.audit("unfunded", "bucket", bucket.id, held=after.held)
        ctx.reply(
            ctx.t(
                "buckets.unfunded",
                id=bucket.number,
                title=bucket.title,
                held=ctx.money(after.held),
                min=ctx.money(bucket.min_cents),
            )
        )
    else:  # pragma: no cover - a funding moves a bucket between open and funded only
        raise AssertionError((bucket.state, after.status))


def fund(
    ctx: Context,
    bucket: Bucket,
    cents: int,
    *,
    source: str,
    reaction_key: str | None = None,
    then: Callable[[int], str] | None = None,
) -> tuple[Funding, int]:
    """Put ``cents`` of the sender's balance into ``bucket`` (or raise ``UserError``): one funding
    row tied to this event, the bucket's state moved on, the card edited, an audit row. Returns
    the funding and the sender's balance left; ``then(balance left)``: said after the card's
    edit."""
    rnd = ctx.db.get(CobudgetRound, bucket.round_id)
    assert rnd is not None and rnd.id is not None and bucket.id is not None
    f = figures(ctx, rnd.id, bucket.id, ctx.sender)
    held, people, already = f.held, f.people, f.mine > 0
    before = life.Bucket(
        bucket.state,
        life.Round(rnd.state, rnd.title, rnd.deadline, ctx.room.timezone),
        bucket.number,
        bucket.title,
        bucket.author,
        bucket.min_cents,
        bucket.max_cents,
        held,
    )
    state = life.Funding(ABSENT, before, cents, ctx.sender, f.given, f.given - f.used)
    after = require(ctx, life.funding_step(state, act(Act.CREATE), actor(ctx), ctx.now))
    funding = Funding(
        round_id=rnd.id,
        bucket_id=bucket.id,
        funder=ctx.sender,
        cents=cents,
        source=source,
        reaction_key=reaction_key,
        event_id=ctx.source_event_id,
        created_at=ctx.now,
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
    _apply_bucket(ctx, bucket, after.bucket)
    left = state.balance - cents
    refresh_card(
        ctx,
        bucket,
        totals=(held + cents, people + (0 if already else 1)),
        then=then(left) if then is not None else None,
    )
    return funding, left


def withdraw(ctx: Context, funding: Funding) -> Bucket:
    """Undo a funding (its reaction was removed, its command deleted or edited into text): the
    row goes, the bucket is as it would be without it. Refused (``UserError``) once the round is
    closed or past its deadline, or the bucket done or the funding given back already."""
    bucket = load_bucket(ctx, col(Bucket.id) == funding.bucket_id)
    assert bucket is not None and bucket.id is not None
    f = figures(ctx, funding.round_id, bucket.id, funding.funder)
    before = bucket_life(ctx, bucket, found=f)
    after = require(
        ctx,
        life.funding_step(
            life.Funding(
                funding.state, before, funding.cents, funding.funder, f.given, f.given - f.used
            ),
            undo(Act.CREATE),
            actor(ctx),
            ctx.now,
        ),
    )
    # what the card shows once it is gone (only an active funding may be withdrawn)
    active = funding.state == FUNDING_ACTIVE
    totals = (
        f.held - (funding.cents if active else 0),
        f.people - (1 if active and f.mine == 1 else 0),
    )
    ctx.audit(
        "withdraw",
        "bucket",
        bucket.id,
        funding_id=funding.id,
        funder=funding.funder,
        cents=funding.cents,
    )
    ctx.db.delete(funding)
    ctx.db.flush()
    _apply_bucket(ctx, bucket, after.bucket)
    refresh_card(ctx, bucket, totals=totals)
    return bucket


def refund_buckets(ctx: Context, buckets: list[Bucket], state: str) -> dict[int, tuple[int, int]]:
    """Give every active funding of ``buckets`` back; each ends in ``state``. The fundings
    record the message that gave them back, so that deleting it brings them back. A few
    statements whatever their number (the fundings given back in one statement, that returns
    them); their cards are left to the caller. Returns (cents refunded, funders refunded) per
    bucket."""
    now = ctx.now
    ids = [b.id for b in buckets if b.id is not None]
    table = Funding.__table__  # type: ignore[attr-defined]
    ctx.db.flush()  # written on the connection: what the event changed so far comes first
    fundings: list[Any] = []
    for i in range(0, len(ids), 5000):
        fundings += (
            ctx.db.connection()
            .execute(
                table.update()
                .where(table.c.bucket_id.in_(ids[i : i + 5000]), table.c.state == FUNDING_ACTIVE)
                .values(state=FUNDING_REFUNDED, ended_at=now, ended_event_id=ctx.source_event_id)
                .returning(table.c.id, table.c.bucket_id, table.c.funder, table.c.cents)
            )
            .all()
        )
    fundings.sort(key=lambda row: row.id)
    for held in list(ctx.db.identity_map.values()):
        if isinstance(held, Funding):
            ctx.db.expire(held)  # read again if used: the statement changed them
    by_bucket: dict[int, list[Any]] = {}
    for funding in fundings:
        by_bucket.setdefault(funding.bucket_id, []).append(funding)
    out: dict[int, tuple[int, int]] = {}
    # the buckets' new state in one statement; the objects are told without writing them again
    buckets_table = Bucket.__table__  # type: ignore[attr-defined]
    for i in range(0, len(ids), 5000):
        ctx.db.connection().execute(
            buckets_table.update()
            .where(buckets_table.c.id.in_(ids[i : i + 5000]))
            .values(state=state, closed_at=now)
        )
    for bucket in buckets:
        assert bucket.id is not None
        given_back = by_bucket.get(bucket.id, [])
        total = sum(funding.cents for funding in given_back)
        people = {funding.funder for funding in given_back}
        before = bucket.state
        set_committed_value(bucket, "state", state)
        set_committed_value(bucket, "closed_at", now)
        # one row per bucket, that names every funding it gave back (funding, funder, cents)
        ctx.audit(
            state,
            "bucket",
            bucket.id,
            before=before,
            refunded=total,
            funders=len(people),
            fundings=[[f.id, f.funder, f.cents] for f in given_back],
        )
        out[bucket.id] = (total, len(people))
    return out


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
    if held >= bucket.min_cents and bucket.max_cents > bucket.min_cents:
        # past its minimum, a bucket fills up towards its maximum: no percentage above 100
        progress = s.t(
            "buckets.card.progress_past_min",
            bar=progress_bar(held, bucket.max_cents),
            held=_money(s, held),
            max=_money(s, bucket.max_cents),
            people=people,
        )
    else:
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


def refresh_card(
    ctx: Context,
    bucket: Bucket,
    totals: tuple[int, int] | None = None,
    *,
    then: Rich | str | None = None,
) -> None:
    """Show the bucket's live state on its card: an edit of the card; and if the card is still
    waiting in the outbox, its own content too (an edit of an undelivered message is dropped).
    ``then``: said in answer after the edit (both written in one statement)."""
    answer = plain(then) if isinstance(then, str) else then
    card = ctx.db.get(BotMessage, bucket.card_message_id) if bucket.card_message_id else None
    rnd = ctx.db.get(CobudgetRound, bucket.round_id)
    if card is None or rnd is None:
        if answer is not None:
            ctx.reply(answer)
        return
    content = render_card(ctx, bucket, rnd, ctx.settings.prefix, totals)
    if card.sent_at is None:
        card.body, card.html = content.text, content.html
    ctx.edit_many([(card, content)], then=answer)


def refresh_cards(
    ctx: Context,
    rnd: CobudgetRound,
    buckets: list[Bucket],
    totals: dict[int, tuple[int, int]],
    *,
    then: Rich | None = None,
    cards: dict[int, tuple[str, bool]] | None = None,
) -> None:
    """``refresh_card`` of many buckets of ``rnd`` in order (``totals``: what each holds),
    then ``then`` said in answer, in a few statements whatever their number: the cards' state
    in one query (``cards``: card id -> its room and whether it was delivered, when the caller
    read them), the edits in one insert."""
    outbox = BotMessage.__table__  # type: ignore[attr-defined]
    found: dict[int, tuple[str, bool]] = dict(cards or {})
    ids = [b.card_message_id for b in buckets if b.card_message_id is not None]
    if cards is not None:
        ids = []
    cards_of = [b for b in buckets if b.card_message_id is not None]
    for i in range(0, len(ids), 5000):
        for card_id, room_id, delivered in ctx.db.exec(
            select(outbox.c.id, outbox.c.room_id, outbox.c.sent_at.is_not(None)).where(
                outbox.c.id.in_(ids[i : i + 5000])
            )
        ).all():
            found[card_id] = (room_id, bool(delivered))
    if cards_of:
        ctx.names(b.author for b in cards_of)
    edits: list[tuple[Queued | BotMessage, Rich]] = []
    unsent: list[dict[str, Any]] = []
    for bucket in cards_of:
        assert bucket.id is not None and bucket.card_message_id is not None
        if bucket.card_message_id not in found:
            continue
        room_id, delivered = found[bucket.card_message_id]
        content = render_card(ctx, bucket, rnd, ctx.settings.prefix, totals.get(bucket.id, (0, 0)))
        if not delivered:
            unsent.append(
                {"card": bucket.card_message_id, "body": content.text, "html": content.html}
            )
        edits.append(
            (Queued(id=bucket.card_message_id, room_id=room_id, kind="text", body=""), content)
        )
    if unsent:
        ctx.db.connection().execute(
            outbox.update()
            .where(outbox.c.id == bindparam("card"))
            .values(body=bindparam("body"), html=bindparam("html")),
            unsent,
        )
    ctx.edit_many(edits, then=then)


# --------------------------------------------------------------------------- !tour


def _require_admin(ctx: Context) -> None:
    if not ctx.is_admin:
        raise UserError("core.admin_only", command=ctx.typed_command(1))


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
        _require_admin(ctx)
        _open_round(ctx, tokens[1:])
    elif action in _CLOSE_WORDS:
        _require_admin(ctx)
        _close_round(ctx)
    elif action in _REACTION_WORDS:
        _require_admin(ctx)
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
    require(
        ctx,
        life.round_step(
            life.Round(ABSENT, title, deadline, ctx.room.timezone),
            act(Act.CREATE),
            actor(ctx),
            ctx.now,
        ),
    )
    rnd = CobudgetRound(
        room_id=ctx.room.id,
        number=next_number(ctx.db, ctx.room.id, ROUND),
        title=title[:255],
        pot_cents=pot.cents,
        deadline=deadline,
        reaction_values=dict(DEFAULT_REACTIONS),
        created_by=ctx.sender,
        event_id=ctx.source_event_id,
        created_at=ctx.now,
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
        ctx = system_context(db, room, registry, settings, now, f"deadline:round:{rnd.id}")
        ctx.reply(
            ctx.t("buckets.round.deadline_reached", title=rnd.title, date=ctx.date(rnd.deadline))
        )
        _close_round(ctx, Act.DEADLINE)
        ctx.flush_audits()
        sent.extend(ctx.sent)
    return sent


class _Held(NamedTuple):
    """A bucket of a round being closed, as one row tells it."""

    id: int
    number: int
    title: str
    author: str
    state: str
    min_cents: int
    max_cents: int
    held: int  # its active fundings
    funders: int
    fundings: int  # of any state
    active: int  # its active fundings, counted
    card: bool  # its card is in the outbox


def _held_in_round(db: Session, round_id: int) -> list[_Held]:
    """Every bucket of the round with what it holds, its funders, its fundings and whether its
    card is in the outbox, in one query (columns, not objects: a thousand buckets are read)."""
    active = col(Funding.state) == FUNDING_ACTIVE
    per_bucket = (
        sa_select(
            col(Funding.bucket_id).label("bucket_id"),
            func.sum(case((active, Funding.cents), else_=0)).label("held"),
            func.count(func.distinct(case((active, Funding.funder), else_=None))).label("funders"),
            func.count(col(Funding.id)).label("fundings"),
            func.sum(case((active, 1), else_=0)).label("active"),
        )
        .where(col(Funding.round_id) == round_id)
        .group_by(col(Funding.bucket_id))
        .subquery()
    )
    outbox = BotMessage.__table__  # type: ignore[attr-defined]
    t = Bucket.__table__  # type: ignore[attr-defined]
    found = db.connection().execute(
        sa_select(
            t.c.id,
            t.c.number,
            t.c.title,
            t.c.author,
            t.c.state,
            t.c.min_cents,
            t.c.max_cents,
            func.coalesce(per_bucket.c.held, 0),
            func.coalesce(per_bucket.c.funders, 0),
            func.coalesce(per_bucket.c.fundings, 0),
            func.coalesce(per_bucket.c.active, 0),
            outbox.c.id.is_not(None),
        )
        .select_from(
            t.outerjoin(per_bucket, per_bucket.c.bucket_id == t.c.id).outerjoin(
                outbox, outbox.c.id == t.c.card_message_id
            )
        )
        .where(t.c.round_id == round_id)
        .order_by(t.c.id)
    )
    return [_Held._make(row) for row in found]


def _refund_open_buckets(ctx: Context, round_id: int) -> None:
    """Every open bucket of the round is refunded, every active funding of theirs given back
    (tied to this event, so that deleting it would find them), in two statements whatever their
    number."""
    conn = ctx.db.connection()
    fundings = Funding.__table__  # type: ignore[attr-defined]
    buckets = Bucket.__table__  # type: ignore[attr-defined]
    still_open = (buckets.c.round_id == round_id, buckets.c.state == BUCKET_OPEN)
    conn.execute(
        fundings.update()
        .where(
            fundings.c.round_id == round_id,
            fundings.c.state == FUNDING_ACTIVE,
            fundings.c.bucket_id.in_(sa_select(buckets.c.id).where(*still_open)),
        )
        .values(state=FUNDING_REFUNDED, ended_at=ctx.now, ended_event_id=ctx.source_event_id)
    )
    conn.execute(
        buckets.update().where(*still_open).values(state=BUCKET_REFUNDED, closed_at=ctx.now)
    )
    for held in list(ctx.db.identity_map.values()):
        if isinstance(held, Funding | Bucket):
            ctx.db.expire(held)  # read again if used: the statements changed them


def _close_round(ctx: Context, how: Act = Act.CLOSE) -> None:
    """Close the open round (``!tour fermer``, or its deadline passed): buckets below their goal
    are refunded; funded ones keep what they hold. Nothing in it changes afterwards. A dozen
    statements whatever the number of buckets and fundings; the refunds told by one audit row
    for the round (``refunds``: the total, the fundings given back, and per bucket its number
    and what it gave back)."""
    rnd = _need_open_round(ctx)
    assert rnd.id is not None
    f = figures(ctx, rnd.id)
    state = round_life(ctx, rnd, f)
    require(ctx, life.round_step(state, act(how), actor(ctx), ctx.now))
    buckets = _held_in_round(ctx.db, rnd.id)
    still_open = [b for b in buckets if b.state == BUCKET_OPEN]
    for b in still_open:
        before = life.Bucket(
            b.state,
            state,
            b.number,
            b.title,
            b.author,
            b.min_cents,
            b.max_cents,
            b.held,
            b.fundings,
        )
        require(ctx, life.bucket_step(before, act(Act.REFUND), actor(ctx), ctx.now))
    _refund_open_buckets(ctx, rnd.id)
    rnd.state = ROUND_CLOSED
    rnd.closed_at = ctx.now
    rnd.closed_event_id = ctx.source_event_id
    ctx.db.flush()
    refunded = [(b.id, b.held) for b in still_open]
    funded = [(b.id, b.held) for b in buckets if b.state in (BUCKET_FUNDED, BUCKET_COMPLETED)]
    if still_open:
        ctx.audit(
            "refunds",
            "round",
            rnd.id,
            refunded=sum(b.held for b in still_open),
            fundings=sum(b.active for b in still_open),
            buckets=[[b.number, b.held] for b in still_open],
        )
    # what the buckets still hold: the funded and completed ones' (the rest gave it back)
    given = f.allocated
    in_buckets = sum(cents for _, cents in funded)
    ctx.audit(
        "close",
        "round",
        rnd.id,
        funded=dict(funded),
        refunded=dict(refunded),
        allocated=given,
        in_buckets=in_buckets,
    )
    # the cards say so (refunded; no more funding), then the room is answered: a thousand
    # cards are worded after the transaction (``commands.deferred``), so that no other room
    # waits on them; their placeholders are written by one statement
    edited = [b.id for b in still_open if b.card] + [
        b.id for b in buckets if b.state == BUCKET_FUNDED and b.card
    ]
    t = Bucket.__table__  # type: ignore[attr-defined]
    outbox = BotMessage.__table__  # type: ignore[attr-defined]
    cards = (
        sa_select(
            outbox.c.room_id,
            outbox.c.id,
            func.row_number().over(
                order_by=(case((t.c.state == BUCKET_REFUNDED, 0), else_=1), t.c.id)
            ),
        )
        .select_from(t.join(outbox, outbox.c.id == t.c.card_message_id))
        .where(t.c.round_id == rnd.id, t.c.state.in_((BUCKET_REFUNDED, BUCKET_FUNDED)))
    )
    defer_edits_of(
        ctx,
        CLOSE_ANSWER,
        {
            "round_id": rnd.id,
            "cards": edited,
            "funded": [list(pair) for pair in funded],
            "refunded": [list(pair) for pair in refunded],
            "allocated": given,
            "in_buckets": in_buckets,
        },
        cards,
    )


def render_round_closed(scope: RenderScope) -> Rendered:
    """What ``!tour fermer`` says: the cards of the buckets it refunded or left funded, each in
    its new state, then the round's outcome."""
    s = scope
    p = s.params
    rnd = s.db.get(CobudgetRound, int(p["round_id"]))
    assert rnd is not None and rnd.id is not None
    buckets = {b.id: b for b in round_buckets(s.db, rnd.id)}
    totals = bucket_totals(s.db, rnd.id)
    edited = [buckets[i] for i in p["cards"] if i in buckets]
    s.names(b.author for b in edited)
    edits = [
        (b.card_message_id, render_card(s, b, rnd, s.settings.prefix, totals.get(b.id, (0, 0))))
        for b in edited
        if b.card_message_id is not None and b.id is not None
    ]
    parts: list[Rich | str] = [s.t("buckets.round.closed", id=rnd.number, title=rnd.title)]
    for key, listed in (("closed_funded", p["funded"]), ("closed_refunded", p["refunded"])):
        for bucket_id, cents in listed:
            bucket = buckets.get(bucket_id)
            if bucket is not None:
                parts.append(
                    s.t(
                        f"buckets.round.{key}",
                        id=bucket.number,
                        title=bucket.title,
                        held=s.money(cents),
                    )
                )
    given, in_buckets = int(p["allocated"]), int(p["in_buckets"])
    parts.append(
        s.t(
            "buckets.round.closed_totals",
            pot=s.money(rnd.pot_cents),
            in_buckets=s.money(in_buckets),
            balances=s.money(given - in_buckets),
            unallocated=s.money(rnd.pot_cents - given),
        )
    )
    return Rendered(text=lines(*parts), edits=edits)


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
    require(ctx, life.round_step(round_life(ctx, rnd), act(Act.SET), actor(ctx), ctx.now))
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
    # the buckets counted by state in the database, not read one by one
    counts: dict[str, int] = {
        bucket_state: int(n)
        for bucket_state, n in ctx.db.exec(
            select(Bucket.state, func.count(col(Bucket.id)))
            .where(Bucket.round_id == rnd.id)
            .group_by(col(Bucket.state))
        ).all()
    }
    state = ctx.t(f"buckets.round.state_{rnd.state}")
    until = ctx.t("buckets.round.until", date=ctx.date(rnd.deadline)) if rnd.deadline else ""
    states = ", ".join(
        ctx.t(f"buckets.counted.{name}", n=n)
        for name, n in sorted(counts.items(), key=lambda item: STATE_ORDER.index(item[0]))
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
    rnd = _need_open_round(ctx)
    assert rnd.id is not None
    counts = figures(ctx, rnd.id)
    require(
        ctx,
        life.allocation_step(
            life.Allocation(ABSENT, round_life(ctx, rnd, counts)),
            act(Act.CREATE),
            actor(ctx),
            ctx.now,
        ),
    )
    tokens = tokenize(args)
    if not tokens:
        raise UserError("buckets.usage.allocate", prefix=p)
    left = rnd.pot_cents - counts.allocated
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
    minutes = plain_details.pop("minutes", None)
    ctx.db.flush()
    # one statement; each share names its own minutes (by contributions), not everyone's again
    ctx.db.connection().execute(
        insert(Allocation.__table__),  # type: ignore[attr-defined]
        [
            {
                "round_id": rnd.id,
                "room_id": ctx.room.id,
                "user_id": user,
                "cents": cents,
                "method": method,
                "details": (
                    plain_details
                    if minutes is None
                    else {**plain_details, "minutes": {user: minutes[user]}}
                ),
                "created_by": ctx.sender,
                "event_id": ctx.source_event_id,
                "created_at": ctx.now,
            }
            for user, cents in sorted(shares.items())
        ],
    )
    for user, cents in sorted(shares.items()):
        ctx.audit("allocate", "round", rnd.id, user=user, cents=cents, method=method)
    outcome: dict[str, Any] = {"round_id": rnd.id, "total": total, "left": left - total}
    if method in ("hours", "equal", "each"):
        # everyone of the room, or everyone who contributed: the table (and its file) is worded
        # after the transaction (``commands.deferred``), so that no other room waits on it; it
        # reads who got what back from the allocations (the job names nobody: forgetting
        # someone finds nothing of them there)
        outcome["event"] = ctx.source_event_id
        defer(ctx, ALLOCATED, outcome, then=("file",) if len(shares) > LONG_TABLE else ())
        return
    outcome["shares"] = sorted(shares.items())
    outcome["left_out"] = details.get("left_out", [])
    text, full = _allocated(ctx, rnd, outcome)
    if full is None:
        ctx.reply(text)
    else:  # the answer and the whole table as a file, in one statement
        full.post_after(ctx, text)


def _allocated(
    s: RoomTexts, rnd: CobudgetRound, said: dict[str, Any]
) -> tuple[Rich, FullTable | None]:
    """The answer to ``!allouer`` (``said``: what it gave), and the file of its whole table
    when it is long."""
    shares = {user: int(cents) for user, cents in said["shares"]}
    ordered = sorted(shares.items(), key=lambda item: (-item[1], item[0]))
    names = s.names(shares)
    assert rnd.id is not None
    # everyone's balance in two queries, whatever the number of people
    left_of = {user: given - used for user, given, used in balances(s.db, rnd.id)}
    rows = [[names[u], s.money(cents), s.money(left_of.get(u, 0))] for u, cents in ordered]
    head = s.t(
        "buckets.allocated",
        total=s.money(int(said["total"])),
        people=len(shares),
        title=rnd.title,
        left=s.money(int(said["left"])),
    )
    shown, full = long_table(
        s,
        [s.t("buckets.col.person"), s.t("buckets.col.given"), s.t("buckets.col.balance")],
        rows,
        align="lrr",
        name=f"allocations-{rnd.number}.csv",
        csv_header=[s.t(f"buckets.csv.{c}") for c in ("person", "user", "given", "balance")],
        csv_rows=[
            [names[u], u, money_cell(cents), money_cell(left_of.get(u, 0))] for u, cents in ordered
        ],
    )
    left_out = said["left_out"]
    answer = lines(
        head,
        shown,
        *(
            [
                s.t(
                    "buckets.allocated_left_out",
                    people=", ".join(sorted(s.names(left_out).values())),
                )
            ]
            if left_out
            else []
        ),
    )
    return answer, full


def render_allocated(scope: RenderScope) -> Rendered:
    """The answer to ``!allouer tous`` / ``!allouer contributions``: who got what, and their
    balances; a long table also as a CSV file."""
    s = scope
    rnd = s.db.get(CobudgetRound, int(s.params["round_id"]))
    assert rnd is not None
    given = s.db.exec(
        select(Allocation.user_id, Allocation.cents, Allocation.details).where(
            Allocation.round_id == rnd.id, Allocation.event_id == s.params["event"]
        )
    ).all()
    if not given:  # undone meanwhile: its undoing says so
        return Rendered()
    outcome = {
        **s.params,
        "shares": sorted((user, cents) for user, cents, _ in given),
        "left_out": list((given[0][2] or {}).get("left_out", [])),
    }
    text, full = _allocated(s, rnd, outcome)
    if full is None:
        return Rendered(text=text)
    file = Rendered(text=full.caption, file_name=full.name, mime="text/csv", data=full.data)
    return Rendered(text=text, more=[file])


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
        load_bucket(ctx, col(Bucket.room_id) == ctx.room.id, col(Bucket.number) == number)
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
    require(
        ctx,
        life.bucket_step(
            life.Bucket(ABSENT, round_life(ctx, rnd)), act(Act.CREATE), actor(ctx), ctx.now
        ),
    )
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
        created_at=ctx.now,
    )
    ctx.db.add(bucket)
    ctx.db.flush()
    # a new bucket holds nothing yet
    card = ctx.reply(render_card(ctx, bucket, rnd, p, totals=(0, 0)), ref=("bucket", bucket.id))
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


def _complete(ctx: Context, bucket: Bucket) -> None:
    assert bucket.id is not None
    f = figures(ctx, bucket.round_id, bucket.id)
    require(
        ctx,
        life.bucket_step(bucket_life(ctx, bucket, found=f), act(Act.COMPLETE), actor(ctx), ctx.now),
    )
    bucket.state = BUCKET_COMPLETED
    bucket.closed_at = ctx.now
    ctx.audit("complete", "bucket", bucket.id)
    refresh_card(
        ctx,
        bucket,
        totals=(f.held, f.people),
        then=ctx.t(
            "buckets.completed", id=bucket.number, title=bucket.title, who=ctx.name(ctx.sender)
        ),
    )


def _cancel(ctx: Context, bucket: Bucket, *, removed: bool = False) -> None:
    """Cancel ``bucket`` and refund its funders; ``removed``: because the message that
    proposed it was deleted (or edited into plain text)."""
    require(ctx, life.bucket_step(bucket_life(ctx, bucket), act(Act.CANCEL), actor(ctx), ctx.now))
    assert bucket.id is not None
    cents, people = refund_buckets(ctx, [bucket], BUCKET_CANCELLED)[bucket.id]
    key = "buckets.cancelled" + ("_removed" if removed else "") + ("" if people else "_unfunded")
    said = ctx.t(
        key,
        id=bucket.number,
        title=bucket.title,
        who=ctx.name(ctx.sender),
        held=ctx.money(cents),
        people=people,
        cause=ctx.removal(),
    )
    refresh_card(ctx, bucket, totals=(0, 0), then=said)


def _show_bucket(ctx: Context, bucket: Bucket) -> None:
    assert bucket.id is not None
    rnd = ctx.db.get(CobudgetRound, bucket.round_id)
    assert rnd is not None
    card = render_card(ctx, bucket, rnd, ctx.settings.prefix)
    per_person: dict[str, int] = {}
    for funding in active_fundings(ctx.db, bucket.id):
        per_person[funding.funder] = per_person.get(funding.funder, 0) + funding.cents
    if not per_person:
        ctx.reply(lines(card, ctx.t("buckets.no_funders")))
        return
    rows = [
        [ctx.name(user), ctx.money(cents)]
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
    # a round may hold a thousand buckets: the list is worded after the transaction
    # (``commands.deferred``), so that no other room waits on it
    defer(ctx, BUCKET_LIST, {"round_id": rnd.id})


def render_bucket_list(scope: RenderScope) -> Rendered:
    """The answer to ``!buckets``: every bucket of the round, with what it holds."""
    s = scope
    rnd = s.db.get(CobudgetRound, int(s.params["round_id"]))
    if rnd is None or rnd.room_id != s.room.id:  # undone meanwhile
        return Rendered(text=s.t("buckets.error.no_round", prefix=s.settings.prefix))
    assert rnd.id is not None
    buckets = round_buckets(s.db, rnd.id)
    if not buckets:
        return Rendered(text=s.t("buckets.list.empty", title=rnd.title, prefix=s.settings.prefix))
    rows = []
    totals = bucket_totals(s.db, rnd.id)
    for bucket in buckets:
        assert bucket.id is not None
        held, people = totals.get(bucket.id, (0, 0))
        goal = s.money(bucket.min_cents)
        if bucket.max_cents > bucket.min_cents:
            goal += f" – {s.money(bucket.max_cents)}"
        rows.append(
            [
                f"#{bucket.number}",
                bucket.title,
                s.t(f"buckets.state.{bucket.state}"),
                s.money(held),
                goal,
                people,
            ]
        )
    head = s.t("buckets.list.title", title=rnd.title, count=len(buckets))
    return Rendered(
        text=lines(
            head,
            table(
                [
                    "#",
                    s.t("buckets.col.bucket"),
                    s.t("buckets.col.state"),
                    s.t("buckets.col.held"),
                    s.t("buckets.col.goal"),
                    s.t("buckets.col.funders"),
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
    cents = found[0].cents
    fund(
        ctx,
        bucket,
        cents,
        source="command",
        then=lambda left: ctx.t(
            "buckets.funded_by_command",
            cents=ctx.money(cents),
            id=bucket.number,
            title=bucket.title,
            balance=ctx.money(left),
        ),
    )


def on_card_reaction(ctx: Context, target: BotMessage, key: str) -> bool:
    """A reaction on a bucket card: fund the bucket with what the key is worth in the round.
    Other keys are ignored; a refused funding gets a short answer naming the person."""
    if target.ref_id is None or not target.ref_id.isdigit():
        return False
    bucket_id = int(target.ref_id)
    bucket = load_bucket(ctx, col(Bucket.id) == bucket_id) if bucket_id < LARGEST else None
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
        ctx.reply(
            ctx.t(
                "buckets.reaction_refused",
                who=who,
                emoji=key,
                reason=ctx.refusal(err),
            )
        )
    return True


def undo_by_event(ctx: Context, target_event_id: str) -> bool:
    """The message or reaction ``target_event_id`` was removed (or the message edited into plain
    text): undo exactly what it did here, or say why it cannot be undone."""
    funding = ctx.db.exec(select(Funding).where(Funding.event_id == target_event_id)).first()
    if funding is not None:
        return _undo_funding(ctx, funding)
    proposed = load_bucket(ctx, col(Bucket.event_id) == target_event_id)
    if proposed is not None:
        _undo_bucket(ctx, proposed)
        return True
    # the allocations with their round, in one query
    found = ctx.db.exec(
        select(Allocation, CobudgetRound)
        .join(CobudgetRound, col(CobudgetRound.id) == col(Allocation.round_id))
        .where(Allocation.event_id == target_event_id)
        .order_by(col(Allocation.id))
    ).all()
    if found:
        keep(ctx, found[0][1])
        _undo_allocations(ctx, [allocation for allocation, _ in found])
        return True
    opened = ctx.db.exec(
        select(CobudgetRound).where(CobudgetRound.event_id == target_event_id)
    ).first()
    if opened is not None:
        _undo_round(ctx, opened)
        return True
    closed = ctx.db.exec(
        select(CobudgetRound).where(CobudgetRound.closed_event_id == target_event_id)
    ).first()
    if closed is not None:
        require(ctx, life.round_step(round_life(ctx, closed), undo(Act.CLOSE), actor(ctx), ctx.now))
    done = ctx.db.exec(
        select(Audit)
        .where(
            Audit.event_id == target_event_id,
            Audit.room_id == ctx.room.id,
            col(Audit.action).in_((BUCKET_CANCELLED, "complete", "reactions")),
        )
        .order_by(col(Audit.id))
    ).first()
    if done is None:
        return False
    if done.action == "reactions":
        if undone_before(ctx, done):
            return False
        _undo_reactions(ctx, done)
        return True
    bucket = ctx.db.get(Bucket, int(done.object_id)) if done.object_id.isdigit() else None
    if bucket is None:
        return False
    if done.action == "complete":
        _undo_complete(ctx, bucket)
    else:
        _undo_cancel(ctx, bucket, target_event_id)
    return True


def _undo_funding(ctx: Context, funding: Funding) -> bool:
    """A funding's reaction was removed or its command deleted: it is withdrawn, or the funder
    is told why it stays."""
    try:
        bucket = withdraw(ctx, funding)
    except UserError as err:
        ctx.reply(
            ctx.t(
                "buckets.withdraw_refused", who=ctx.name(funding.funder), reason=ctx.refusal(err)
            ),
            mentions=[funding.funder],
        )
        return True
    if funding.source == "command":
        tell_undo(
            ctx,
            ctx.t(
                "buckets.withdrawn",
                who=ctx.name(funding.funder),
                cents=ctx.money(funding.cents),
                id=bucket.number,
                title=bucket.title,
            ),
        )
    return True


def _undo_bucket(ctx: Context, bucket: Bucket) -> None:
    """A ``!bucket`` proposal was deleted: the bucket goes, as long as nobody funded it (else
    the answer says how to cancel it)."""
    require(ctx, life.bucket_step(bucket_life(ctx, bucket), undo(Act.CREATE), actor(ctx), ctx.now))
    card = ctx.db.get(BotMessage, bucket.card_message_id) if bucket.card_message_id else None
    ctx.audit(
        "delete",
        "bucket",
        bucket.id,
        number=bucket.number,
        title=bucket.title,
        min=bucket.min_cents,
        max=bucket.max_cents,
    )
    ctx.db.delete(bucket)
    ctx.db.flush()
    removed = ctx.t("lifecycle.bucket.removed", id=bucket.number, title=bucket.title)
    if card is not None:
        if card.sent_at is None:
            card.body, card.html = removed, None
        ctx.edit(card, removed)
    tell_undo(ctx, removed)


def _undo_cancel(ctx: Context, bucket: Bucket, cancel_event_id: str) -> None:
    """``!bucket N annuler`` was deleted: the bucket and every funding it gave back are as they
    were, as long as the round is open and each funder still has what was given back."""
    state = require(
        ctx, life.bucket_step(bucket_life(ctx, bucket), undo(Act.CANCEL), actor(ctx), ctx.now)
    )
    refunded = ctx.db.exec(
        select(Funding)
        .where(
            Funding.bucket_id == bucket.id,
            Funding.ended_event_id == cancel_event_id,
            Funding.state == FUNDING_REFUNDED,
        )
        .order_by(col(Funding.id))
    ).all()
    for funding in refunded:
        step = require(
            ctx,
            life.funding_step(
                funding_life(
                    ctx, state, funding.round_id, funding.funder, funding.cents, funding.state
                ),
                undo(Act.REFUND),
                actor(ctx),
                ctx.now,
            ),
        )
        state = step.bucket
        funding.state, funding.ended_at, funding.ended_event_id = FUNDING_ACTIVE, None, None
        ctx.audit(
            "unrefund",
            "bucket",
            bucket.id,
            funding_id=funding.id,
            funder=funding.funder,
            cents=funding.cents,
        )
    bucket.state, bucket.closed_at = state.status, None
    ctx.db.flush()
    ctx.audit("uncancel", "bucket", bucket.id, state=bucket.state, held=state.held)
    refresh_card(ctx, bucket)
    tell_undo(
        ctx,
        ctx.t(
            "lifecycle.bucket.uncancelled",
            id=bucket.number,
            title=bucket.title,
            held=ctx.money(state.held),
            people=len({f.funder for f in refunded}),
            state=ctx.t(f"buckets.state.{bucket.state}"),
        ),
    )


def _undo_complete(ctx: Context, bucket: Bucket) -> None:
    require(
        ctx, life.bucket_step(bucket_life(ctx, bucket), undo(Act.COMPLETE), actor(ctx), ctx.now)
    )
    bucket.state, bucket.closed_at = BUCKET_FUNDED, None
    ctx.audit("uncomplete", "bucket", bucket.id)
    refresh_card(ctx, bucket)
    tell_undo(ctx, ctx.t("lifecycle.bucket.uncompleted", id=bucket.number, title=bucket.title))


def _undo_round(ctx: Context, rnd: CobudgetRound) -> None:
    """``!tour ouvrir`` was deleted: the round goes, as long as nothing was allocated or
    proposed in it (else the answer says how to close it)."""
    require(ctx, life.round_step(round_life(ctx, rnd), undo(Act.CREATE), actor(ctx), ctx.now))
    ctx.audit("delete", "round", rnd.id, number=rnd.number, title=rnd.title, pot=rnd.pot_cents)
    ctx.db.delete(rnd)
    ctx.db.flush()
    tell_undo(ctx, ctx.t("lifecycle.round.removed", id=rnd.number, title=rnd.title))


def _undo_reactions(ctx: Context, change: Audit) -> None:
    """``!tour réactions`` was deleted: the values before it come back, unless they changed
    since."""
    rnd = ctx.db.get(CobudgetRound, int(change.object_id)) if change.object_id.isdigit() else None
    if rnd is None:
        raise UserError("lifecycle.changed_since", prefix=ctx.settings.prefix)
    require(ctx, life.round_step(round_life(ctx, rnd), undo(Act.SET), actor(ctx), ctx.now))
    values = require(
        ctx,
        setting_step(
            Setting(
                "tour réactions",
                reaction_values(rnd),
                change.details.get("before"),
                change.details.get("after"),
            ),
            undo(Act.SET),
            actor(ctx),
            ctx.now,
        ),
    )
    before = reaction_values(rnd)
    rnd.reaction_values = dict(values.current)
    ctx.audit(
        "reactions",
        "round",
        rnd.id,
        before=before,
        after=rnd.reaction_values,
        undo=True,
        undoes=change.event_id,
    )
    tell_undo(ctx, ctx.t("lifecycle.round.reactions_back", reactions=reactions_text(ctx, rnd)))


def kept_by_event(ctx: Context, event_id: str) -> str | None:
    """What the command message ``event_id`` did here, in one sentence (a refused edit of it
    leaves it as it was)."""
    db = ctx.db
    funding = db.exec(select(Funding).where(Funding.event_id == event_id)).first()
    if funding is not None and funding.state == FUNDING_ACTIVE:
        bucket = db.get(Bucket, funding.bucket_id)
        if bucket is not None:
            return ctx.t(
                "buckets.kept_funding",
                cents=ctx.money(funding.cents),
                id=bucket.number,
                title=bucket.title,
            )
    bucket = db.exec(select(Bucket).where(Bucket.event_id == event_id)).first()
    if bucket is not None:
        return ctx.t("buckets.kept_bucket", id=bucket.number, title=bucket.title)
    given = db.exec(select(Allocation).where(Allocation.event_id == event_id)).all()
    if given:
        return ctx.t(
            "buckets.kept_allocation",
            total=ctx.money(sum(a.cents for a in given)),
            people=len(given),
        )
    rnd = db.exec(select(CobudgetRound).where(CobudgetRound.event_id == event_id)).first()
    if rnd is not None:
        return ctx.t("buckets.kept_round", id=rnd.number, title=rnd.title)
    return None


def _undo_allocations(ctx: Context, allocations: list[Allocation]) -> None:
    rnd = ctx.db.get(CobudgetRound, allocations[0].round_id)
    assert rnd is not None and rnd.id is not None
    people = {a.user_id for a in allocations}
    if len(people) == 1:  # the round's figures and the one person's balance in one query
        f = figures(ctx, rnd.id, funder=allocations[0].user_id)
        left = {allocations[0].user_id: f.given - f.used}
    else:  # everyone's balance in one query, whatever the number of people
        f = figures(ctx, rnd.id)
        left = {user: given - used for user, given, used in balances(ctx.db, rnd.id)}
    shares = tuple((a.user_id, a.cents, left.get(a.user_id, 0)) for a in allocations)
    require(
        ctx,
        life.allocation_step(
            life.Allocation(life.ALLOCATED, round_life(ctx, rnd, f), shares),
            undo(Act.CREATE),
            actor(ctx),
            ctx.now,
        ),
    )
    total = 0
    for a in allocations:
        ctx.audit("unallocate", "round", rnd.id, user=a.user_id, cents=a.cents, allocation_id=a.id)
        total += a.cents
        ctx.db.delete(a)
    ctx.db.flush()
    tell_undo(
        ctx,
        ctx.t(
            "buckets.unallocated",
            cause=ctx.removal(),
            total=ctx.money(total),
            people=len(allocations),
        ),
    )


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
    people = balances(ctx.db, rnd.id)
    if not people:
        ctx.reply(ctx.t("buckets.balance.none", title=rnd.title, prefix=ctx.settings.prefix))
        return
    given = {user: cents for user, cents, _ in people}
    names = ctx.names(given)
    order = sorted(people, key=lambda p: (names[p[0]].casefold(), p[0]))
    figures = {user: (cents, used, cents - used) for user, cents, used in people}
    shown, full = long_table(
        ctx,
        [
            ctx.t("buckets.col.person"),
            ctx.t("buckets.col.given"),
            ctx.t("buckets.col.spent"),
            ctx.t("buckets.col.balance"),
        ],
        [[names[u], *(ctx.money(c) for c in figures[u])] for u, _, _ in order],
        align="lrrr",
        name=f"soldes-{rnd.number}.csv" if ctx.lang == "fr" else f"balances-{rnd.number}.csv",
        csv_header=[
            ctx.t(f"buckets.csv.{c}") for c in ("person", "user", "given", "spent", "balance")
        ],
        csv_rows=[[names[u], u, *(money_cell(c) for c in figures[u])] for u, _, _ in order],
    )
    ctx.reply(lines(ctx.t("buckets.balance.all", title=rnd.title), shown))
    if full is not None:
        full.post(ctx)


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
        for bucket in round_buckets(db, rnd.id):
            if bucket.state != BUCKET_OPEN or bucket.id is None:
                continue
            held, _ = bucket_total(db, bucket.id)
            if held * 100 >= bucket.min_cents * CLOSE_TO_GOAL_PERCENT:
                close.append((bucket, held))
    if not funded and not new and not close:
        return None
    text: list[str] = [scope.t("buckets.recap.title")]
    html: list[str] = [f"<b>{esc(text[0])}</b>"]

    def add(line: str) -> None:
        text.append(line)
        html.append(esc(line))

    for bucket in funded:
        assert bucket.id is not None
        add(
            scope.t(
                "buckets.recap.funded",
                id=bucket.number,
                title=bucket.title,
                held=scope.money(bucket_total(db, bucket.id)[0]),
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
