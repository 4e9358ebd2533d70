"""Answers rendered after the command's transaction: recaps, charts, CSV files.

A handler that answers with something slow to make calls ``defer`` instead of ``reply`` or
``send_file``: its transaction only writes a placeholder to the outbox and a ``RenderJob`` row
(what to render, JSON), so that the write lock is held for a few statements and no other room
waits. After the commit, the runtime renders the job (``render``) in a read-only session of its
own, draws what must be drawn in a child process (``Rendered.draw``), and writes the result
into the outbox row in a short transaction (``store``), deleting the job: the outbox then holds
only the result. The room's queue holds the placeholder, and what follows it, until then; a job
left by a crash is rendered at the next start.

An answer that also edits many of the bot's earlier messages (closing a round edits every
bucket card) calls ``defer_edits``, or ``defer_edits_of`` with a query of the messages to edit
(no row of them read into Python): its transaction writes a placeholder for each edit and for
the answer (one statement), and the job on the first of them; every later message of the same
event waits behind it. The renderer gives the edits' contents (``Rendered.edits``) and the
answer's text. An answer followed by more answers (a CSV file after a table) says so with
``defer(..., then=("file",))``: their placeholders are written with the first, and the renderer
gives them in ``Rendered.more``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from sqlalchemy import (
    Select,
    and_,
    bindparam,
    cast,
    delete,
    insert,
    literal,
    null,
    union_all,
    update,
)
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from commands import i18n
from commands.core import Context, Queued, Registry, RoomTexts, Settings, error_reference
from commands.render import Rich, plain
from storage.models import BotMessage, RenderJob, Room

log = logging.getLogger(__name__)

_JOBS = RenderJob.__table__  # type: ignore[attr-defined]
_OUTBOX = BotMessage.__table__  # type: ignore[attr-defined]


@dataclass(eq=False)  # compared and hashed by identity, as a ``Context`` is
class RenderScope(RoomTexts):
    """What a renderer gets: a read-only session, the room, the job's ``params``."""

    db: Session
    room: Room
    settings: Settings
    registry: Registry
    params: dict[str, Any]
    now: dt.datetime


@dataclass
class Rendered:
    """What a renderer made: the message's text (a file's caption), and a file, given as bytes
    (``data``) or to be drawn in a child process (``draw(draw_input)`` returns the bytes;
    both must pickle). Nothing at all (no text, no file): the message is dropped."""

    text: Rich | str | None = None
    file_name: str | None = None
    mime: str | None = None
    data: bytes | None = None
    draw: Callable[[Any], bytes] | None = None
    draw_input: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    # ``defer_edits``: the content of each edited message (by its id), in any order
    edits: list[tuple[int, Rich]] | None = None
    # ``defer(then=...)``: the messages said after this one, in order (a file's caption as its
    # ``text``); one left out is not sent
    more: list[Rendered] = field(default_factory=list)

    @property
    def is_file(self) -> bool:
        return self.data is not None or self.draw is not None


class Renderer(Protocol):
    def __call__(self, scope: RenderScope) -> Rendered: ...


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
    if job not in ctx.registry.renderers:
        raise ValueError(f"no renderer {job!r}")
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
    ctx.db.connection().execute(
        insert(_JOBS),
        {
            "message_id": queued.id,
            "room_id": queued.room_id,
            "kind": job,
            "params": {**params, **extra},
            "attempts": 0,
            "created_at": ctx.now,
        },
    )
    rendering = replace(queued, rendering=True)
    ctx.sent[ctx.sent.index(queued)] = rendering
    return rendering


ANSWER = "_answer"  # ``defer_edits``: the answer's message, in the job's params
MORE = "_more"  # ``defer(then=...)``: the messages after the first, in the job's params


def defer_edits(
    ctx: Context, job: str, params: dict[str, Any], targets: list[Queued | BotMessage]
) -> list[Queued]:
    """Edit each of ``targets`` (the bot's earlier messages), then answer the event, with what
    the renderer ``job`` will make of ``params`` once this transaction is committed: the
    placeholders are written in one statement, in that order, and the job holds them all."""
    if job not in ctx.registry.renderers:
        raise ValueError(f"no renderer {job!r}")
    queued = ctx.edit_many([(target, plain("")) for target in targets], then=plain(""))
    first, answer = queued[0], queued[-1]
    ctx.db.connection().execute(
        insert(_JOBS),
        {
            "message_id": first.id,
            "room_id": first.room_id,
            "kind": job,
            "params": {**params, ANSWER: answer.id},
            "attempts": 0,
            "created_at": ctx.now,
        },
    )
    rendering = replace(first, rendering=True)
    ctx.sent[ctx.sent.index(first)] = rendering
    queued[0] = rendering
    return queued


def _placeholders(job: Job) -> Any:
    """The edits written by ``defer_edits`` for ``job`` (up to its answer)."""
    cause = select(_OUTBOX.c.cause_event_id).where(_OUTBOX.c.id == job.message_id).scalar_subquery()
    return and_(
        _OUTBOX.c.cause_event_id == cause,
        _OUTBOX.c.kind == "edit",
        _OUTBOX.c.id >= job.message_id,
        _OUTBOX.c.id < int(job.params[ANSWER]),
    )


def _store_edits(db: Session, job: Job, edits: list[tuple[int, Rich]], now: dt.datetime) -> None:
    """The placeholders' contents (each an edit of ``target``); an edit of a message still
    undelivered also changes that message (an edit of an undelivered message is dropped); a
    placeholder left without content is never sent."""
    conn = db.connection()
    values = [{"t": target, "b": rich.text, "h": rich.html} for target, rich in edits]
    if values:
        conn.execute(
            update(_OUTBOX)
            .where(_placeholders(job), _OUTBOX.c.target_id == bindparam("t"))
            .values(body=bindparam("b"), html=bindparam("h")),
            values,
        )
        conn.execute(
            update(_OUTBOX)
            .where(_OUTBOX.c.id == bindparam("t"), _OUTBOX.c.sent_at.is_(None))
            .values(body=bindparam("b"), html=bindparam("h")),
            values,
        )
    conn.execute(
        update(_OUTBOX).where(_placeholders(job), _OUTBOX.c.body == "").values(sent_at=now)
    )


def _store_more(db: Session, message_id: int, said: Rendered | None, now: dt.datetime) -> None:
    """A message said after a deferred answer; none: its placeholder is never sent."""
    values: dict[str, Any] = {"sent_at": now, "data": None}
    if said is not None and (said.data is not None or said.text is not None):
        text = said.text if isinstance(said.text, Rich) else plain(said.text or "")
        values = {"kind": "text", "body": text.text, "html": text.html, "data": None}
        if said.data is not None:
            values = {
                "kind": "file",
                "body": text.text or said.file_name or "",
                "html": text.html,
                "file_name": said.file_name,
                "mime": said.mime,
                "data": said.data,
            }
    db.connection().execute(update(_OUTBOX).where(_OUTBOX.c.id == message_id).values(**values))


@dataclass(frozen=True)
class Job:
    message_id: int
    room_id: str
    kind: str
    params: dict[str, Any]
    attempts: int


def pending_jobs(db: Session, room_id: str | None = None) -> list[Job]:
    query = select(RenderJob).order_by(col(RenderJob.message_id))
    if room_id is not None:
        query = query.where(RenderJob.room_id == room_id)
    return [
        Job(j.message_id, j.room_id, j.kind, dict(j.params), j.attempts)
        for j in db.exec(query).all()
    ]


def render(
    db: Session, registry: Registry, settings: Settings, job: Job, now: dt.datetime
) -> Rendered:
    """Run the job's renderer in ``db`` (a read-only session). Raises what it raises."""
    room = db.get(Room, job.room_id)
    if room is None:
        raise LookupError(f"room {job.room_id} is gone")
    renderer = registry.renderers.get(job.kind)
    if renderer is None:
        raise LookupError(f"no renderer {job.kind!r}")
    rendered: Rendered = renderer(RenderScope(db, room, settings, registry, job.params, now))
    return rendered


def store(db: Session, job: Job, result: Rendered, data: bytes | None, now: dt.datetime) -> bool:
    """Write what the job made into its outbox message and delete the job, in ``db`` (a unit of
    work on the job's room). Returns False when the job was done already (by another run)."""
    gone = db.connection().execute(delete(_JOBS).where(_JOBS.c.message_id == job.message_id))
    if gone.rowcount == 0:
        return False
    message_id = job.message_id
    if ANSWER in job.params:
        _store_edits(db, job, result.edits or [], now)
        message_id = int(job.params[ANSWER])
    if MORE in job.params:
        more = result.more + [None] * len(job.params[MORE])
        for message, said in zip(job.params[MORE], more, strict=False):
            _store_more(db, int(message), said, now)
    values: dict[str, Any]
    text = result.text if isinstance(result.text, Rich) else plain(result.text or "")
    if result.is_file and data is not None:
        values = {
            "kind": "file",
            "body": text.text or result.file_name or "",
            "html": text.html,
            "file_name": result.file_name,
            "mime": result.mime,
            "data": data,
        }
    elif result.text is not None:
        values = {
            "kind": "text",
            "body": text.text,
            "html": text.html,
            "file_name": None,
            "mime": None,
            "data": None,
        }
    else:
        # nothing to say (a recap with no chart): the message is never sent
        values = {"sent_at": now, "data": None}
    db.connection().execute(update(_OUTBOX).where(_OUTBOX.c.id == message_id).values(**values))
    return True


def failed(db: Session, job: Job, now: dt.datetime) -> str:
    """The job cannot be rendered: its message becomes a short error answer with a reference
    (logged by the caller), and the job is deleted. Returns the reference."""
    ref = error_reference(f"render:{job.message_id}")
    room = db.get(Room, job.room_id)
    lang = room.language if room is not None else i18n.DEFAULT_LANGUAGE
    db.connection().execute(delete(_JOBS).where(_JOBS.c.message_id == job.message_id))
    message_id = job.message_id
    if ANSWER in job.params:  # no edit is sent; the answer says what failed
        _store_edits(db, job, [], now)
        message_id = int(job.params[ANSWER])
    if MORE in job.params:  # nor what follows it
        for message in job.params[MORE]:
            _store_more(db, int(message), None, now)
    db.connection().execute(
        update(_OUTBOX)
        .where(_OUTBOX.c.id == message_id)
        .values(
            kind="text",
            body=i18n.t(lang, "core.render_error", ref=ref),
            html=None,
            file_name=None,
            mime=None,
            data=None,
        )
    )
    return ref


def defer_edits_of(ctx: Context, job: str, params: dict[str, Any], targets: Select[Any]) -> Queued:
    """``defer_edits`` of the messages ``targets`` selects: three columns, each message's room,
    its id and its place among them. Their placeholders and the answer's are written by one
    ``INSERT … SELECT``, whatever their number, without reading the messages first. Returns
    the answer."""
    if job not in ctx.registry.renderers:
        raise ValueError(f"no renderer {job!r}")
    ctx.db.flush()  # what the edits speak of is written first
    c = _OUTBOX.c
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
            insert(_OUTBOX)
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
        for new, room_id, target_id in sorted(made)
    ]
    first, said = queued[0], queued[-1]
    assert said.kind == "text"
    ctx.db.connection().execute(
        insert(_JOBS),
        {
            "message_id": first.id,
            "room_id": said.room_id,
            "kind": job,
            "params": {**params, ANSWER: said.id},
            "attempts": 0,
            "created_at": ctx.now,
        },
    )
    queued[-1] = replace(said, rendering=True)
    ctx.sent.extend(queued)
    return queued[-1]
