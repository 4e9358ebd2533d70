"""``!solde``: a member's balance in the round, or everyone's."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import col, select

from commands.cobudget.queries import allocated, current_round, has_round, spent
from commands.cobudget.words import FAMILY, Member
from commands.core import Context
from commands.csvfile import long_table, money_cell
from commands.declare import Arg, Declared
from commands.render import lines, table
from storage.ledger import balances
from storage.models.cobudget import ROUND_OPEN, Bucket, CobudgetRound, Funding, holding

# --------------------------------------------------------------------------- !solde

_EVERYONE = "*"  # what a mention of the whole room (@room) reads as


BALANCE_COMMAND = Declared("solde", family=FAMILY, before=has_round)


@BALANCE_COMMAND.sub("mine", path=())
def my_balance(ctx: Context) -> None:
    _balance_of(ctx, ctx.sender)


@BALANCE_COMMAND.sub("all")
def all_balances(ctx: Context) -> None:
    _all_balances(ctx, current_round(ctx))


@BALANCE_COMMAND.sub("person", Arg("person", Member(include_left=True, group=_EVERYONE)), path=())
def balance_of(ctx: Context, person: str) -> None:
    if person == _EVERYONE:
        _all_balances(ctx, current_round(ctx))
        return
    _balance_of(ctx, person)


def _balance_of(ctx: Context, user: str) -> None:
    rnd = current_round(ctx)
    assert rnd.id is not None
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
            holding(round_id=rnd.id),
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
