"""Deferring an answer, in the command's transaction: ``defer`` writes a placeholder (and
those of the messages said after it), ``defer_edits`` and ``defer_edits_of`` the placeholders
of the edits and of the answer, each with the render job that will fill them after the commit
(``commands.deferred.jobs``)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy import Select, cast, insert, literal, null, union_all
from sqlalchemy import select as sa_select

from commands.core import Context, Queued
from commands.deferred.jobs import ANSWER, JOBS, MORE, OUTBOX
from commands.render import plain
from storage.models import BotMessage


def _known(ctx: Context, job: str) -> None:
    if job not in ctx.registry.renderers:
        raise ValueError(f"no renderer {job!r}")


def _write_job(ctx: Context, first: Queued, room_id: str, job: str, params: dict[str, Any]) -> None:
    """The render job ``job`` of ``params``, held on the placeholder ``first``."""
    ctx.db.connection().execute(
        insert(JOBS),
        {
            "message_id": first.id,
            "room_id": room_id,
            "kind": job,
            "params": params,
            "attempts": 0,
            "created_at": ctx.now,
        },
    )


def _rendering(ctx: Context, queued: Queued) -> Queued:
    """``queued`` marked as being rendered, in what the event said."""
    rendering = replace(queued, rendering=True)
    ctx.sent[ctx.sent.index(queued)] = rendering
    return rendering


def defer(
    ctx: Context,
    job: str,
    params: dict[str, Any],
    *,
    file: bool = False,
    then: tuple[str, ...] = (),
) -> Queued:
    """Answer the event with what the renderer ``job`` will make of ``params`` once this
    transaction is committed: a reply, or a file (in the event's place, as every answer);
    ``then``: the kinds (``text``, ``file``) of more answers said after it (``Rendered.more``),
    their placeholders written in the same statement."""
    _known(ctx, job)
    extra: dict[str, Any] = {}
    if then:
        kinds = ("file" if file else "text", *then)
        # each placeholder's body tells which new id is whose (never sent as such: the job
        # holds them all until it writes their contents)
        file_values: dict[str, Any] = {"file_name": "", "mime": "application/octet-stream"}
        placeholders = [
            ctx._row(
                room_id=ctx.room.id,
                kind=kind,
                body=f"…{n}",
                html=None,
                **(file_values if kind == "file" else {}),
            )
            for n, kind in enumerate(kinds)
        ]
        ctx.db.flush()
        queued, *after = ctx._insert_rows(placeholders, "body")
        extra[MORE] = [q.id for q in after]
    else:
        queued = ctx.send_file("", "application/octet-stream", b"", "") if file else ctx.reply("")
    _write_job(ctx, queued, queued.room_id, job, {**params, **extra})
    return _rendering(ctx, queued)


def defer_edits(
    ctx: Context, job: str, params: dict[str, Any], targets: list[Queued | BotMessage]
) -> list[Queued]:
    """Edit each of ``targets`` (the bot's earlier messages), then answer the event, with what
    the renderer ``job`` will make of ``params`` once this transaction is committed: the
    placeholders are written in one statement, in that order, and the job holds them all."""
    _known(ctx, job)
    queued = ctx.edit_many([(target, plain("")) for target in targets], then=plain(""))
    first, answer = queued[0], queued[-1]
    _write_job(ctx, first, first.room_id, job, {**params, ANSWER: answer.id})
    queued[0] = _rendering(ctx, first)
    return queued


def defer_edits_of(ctx: Context, job: str, params: dict[str, Any], targets: Select[Any]) -> Queued:
    """``defer_edits`` of the messages ``targets`` selects: three columns, each message's room,
    its id and its place among them. Their placeholders and the answer's are written by one
    ``INSERT … SELECT``, whatever their number, without reading the messages first. Returns
    the answer."""
    _known(ctx, job)
    ctx.db.flush()  # what the edits speak of is written first
    c = OUTBOX.c
    reply_to, thread_id = ctx.anchor
    edits = targets.add_columns(
        literal(0).label("k"),
        literal("edit", c.kind.type).label("kind"),
        cast(null(), c.reply_to.type).label("reply_to"),
        cast(null(), c.thread_id.type).label("thread_id"),
    )
    answer = sa_select(
        literal(ctx.room.id, c.room_id.type),
        cast(null(), c.target_id.type),
        literal(0),
        literal(1),
        literal("text", c.kind.type),
        literal(reply_to, c.reply_to.type),
        literal(thread_id, c.thread_id.type),
    )
    both = union_all(edits, answer).subquery()
    room, target, place, k, kind, to, thread = both.c
    rows = sa_select(
        room,
        target,
        kind,
        literal("", c.body.type),
        to,
        thread,
        literal(ctx.event.event_id, c.cause_event_id.type),
        literal(ctx.now, c.created_at.type),
        literal([], c.mentions.type),
        literal(0, c.attempts.type),
    ).order_by(k, place)
    made = (
        ctx.db.connection()
        .execute(
            insert(OUTBOX)
            .from_select(
                [
                    "room_id",
                    "target_id",
                    "kind",
                    "body",
                    "reply_to",
                    "thread_id",
                    "cause_event_id",
                    "created_at",
                    "mentions",
                    "attempts",
                ],
                rows,
            )
            .returning(c.id, c.room_id, c.target_id)
        )
        .all()
    )
    cause = ctx.event.event_id
    queued = [
        Queued(
            id=int(new),
            room_id=room_id,
            kind="text" if target_id is None else "edit",
            body="",
            cause=cause,
        )
        for new, room_id, target_id in sorted(made, key=lambda row: int(row[0]))
    ]
    first, said = queued[0], queued[-1]
    assert said.kind == "text"
    _write_job(ctx, first, said.room_id, job, {**params, ANSWER: said.id})
    queued[-1] = replace(said, rendering=True)
    ctx.sent.extend(queued)
    return queued[-1]
