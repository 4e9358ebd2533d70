"""A bucket's card: its message, rendered, and kept up to date with what the bucket holds."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Protocol

from sqlmodel import Session

from commands import i18n
from commands.cobudget.queries import bucket_total
from commands.cobudget.rules import reaction_values
from commands.cobudget.words import BAR_CELLS
from commands.core import Context
from commands.render import Rich, esc, plain
from storage.models import BotMessage, Room
from storage.models.cobudget import BUCKET_FUNDED, BUCKET_OPEN, ROUND_OPEN, Bucket, CobudgetRound


class Speaker(Protocol):
    """What renders texts: a command's ``Context`` or a recap's ``RecapScope``."""

    db: Session
    room: Room

    @property
    def lang(self) -> str: ...

    def t(self, key: str, /, **params: Any) -> str: ...

    def money(self, cents: int) -> str: ...

    def name(self, user_id: str) -> str: ...


# --------------------------------------------------------------------------- the card

_format_money = lru_cache(maxsize=8192)(i18n.format_money)


def _money(s: Speaker, cents: int) -> str:
    """Money as ``s.money`` says it, remembered: a card shows the same few amounts again and
    again, and formatting is the dearest part of drawing it."""
    return _format_money(cents, s.room.currency, s.lang)


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
