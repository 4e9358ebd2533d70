"""Render jobs after the commit: the jobs left to render, running a job's renderer in a
read-only session (``render``), writing what it made into its outbox messages and deleting the
job (``store``), or, when it cannot be made, an error answer with a reference (``failed``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, delete, update
from sqlmodel import Session, col, select

from commands import i18n
from commands.core import Registry, Settings, error_reference
from commands.deferred.scope import Rendered, RenderScope
from commands.render import Rich, plain
from storage.models import BotMessage, RenderJob, Room

JOBS = RenderJob.__table__  # type: ignore[attr-defined]
OUTBOX = BotMessage.__table__  # type: ignore[attr-defined]
ANSWER = "_answer"  # ``defer_edits``: the answer's message, in the job's params
MORE = "_more"  # ``defer(then=...)``: the messages after the first, in the job's params


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


def _rich(text: Rich | str | None) -> Rich:
    return text if isinstance(text, Rich) else plain(text or "")


def _said(said: Rendered, data: bytes | None) -> dict[str, Any]:
    """An outbox message's values for what a renderer said: a file (``data``), else a text."""
    text = _rich(said.text)
    if data is not None:
        return {
            "kind": "file",
            "body": text.text or said.file_name or "",
            "html": text.html,
            "file_name": said.file_name,
            "mime": said.mime,
            "data": data,
        }
    return {
        "kind": "text",
        "body": text.text,
        "html": text.html,
        "file_name": None,
        "mime": None,
        "data": None,
    }


# what a message that says nothing gets: it is never sent
def _unsaid(now: dt.datetime) -> dict[str, Any]:
    return {"sent_at": now, "data": None}


def _placeholders(job: Job) -> Any:
    """The edits written by ``defer_edits`` for ``job`` (up to its answer)."""
    cause = select(OUTBOX.c.cause_event_id).where(OUTBOX.c.id == job.message_id).scalar_subquery()
    return and_(
        OUTBOX.c.cause_event_id == cause,
        OUTBOX.c.kind == "edit",
        OUTBOX.c.id >= job.message_id,
        OUTBOX.c.id < int(job.params[ANSWER]),
    )


def _store_edits(db: Session, job: Job, edits: list[tuple[int, Rich]], now: dt.datetime) -> None:
    """The placeholders' contents (each an edit of ``target``); an edit of a message still
    undelivered also changes that message (an edit of an undelivered message is dropped); a
    placeholder left without content is never sent."""
    conn = db.connection()
    values = [{"t": target, "b": rich.text, "h": rich.html} for target, rich in edits]
    if values:
        conn.execute(
            update(OUTBOX)
            .where(_placeholders(job), OUTBOX.c.target_id == bindparam("t"))
            .values(body=bindparam("b"), html=bindparam("h")),
            values,
        )
        conn.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id == bindparam("t"), OUTBOX.c.sent_at.is_(None))
            .values(body=bindparam("b"), html=bindparam("h")),
            values,
        )
    # the placeholders left empty leave the queue (and their lane, a sender's id, with it)
    conn.execute(
        update(OUTBOX).where(_placeholders(job), OUTBOX.c.body == "").values(sent_at=now, lane=None)
    )


def _write(db: Session, message_id: int, values: dict[str, Any]) -> None:
    db.connection().execute(update(OUTBOX).where(OUTBOX.c.id == message_id).values(**values))


def _answer_of(db: Session, job: Job, result: Rendered | None, now: dt.datetime) -> int:
    """Write the edits and the messages said after the answer (none when ``result`` is
    ``None``: they are never sent); returns the answer's message."""
    message_id = job.message_id
    if ANSWER in job.params:  # without a result no edit is sent; the answer says what failed
        _store_edits(db, job, (result.edits or []) if result is not None else [], now)
        message_id = int(job.params[ANSWER])
    if MORE in job.params:
        more: list[Rendered | None] = [*(result.more if result is not None else [])]
        more += [None] * len(job.params[MORE])
        for message, said in zip(job.params[MORE], more, strict=False):
            if said is not None and (said.data is not None or said.text is not None):
                _write(db, int(message), _said(said, said.data))
            else:
                _write(db, int(message), _unsaid(now))
    return message_id


def store(db: Session, job: Job, result: Rendered, data: bytes | None, now: dt.datetime) -> bool:
    """Write what the job made into its outbox message and delete the job, in ``db`` (a unit of
    work on the job's room). Returns False when the job was done already (by another run)."""
    gone = db.connection().execute(delete(JOBS).where(JOBS.c.message_id == job.message_id))
    if gone.rowcount == 0:
        return False
    message_id = _answer_of(db, job, result, now)
    if result.is_file and data is not None:
        values = _said(result, data)
    elif result.text is not None:
        values = _said(result, None)
    else:
        # nothing to say (a recap with no chart): the message is never sent
        values = _unsaid(now)
    _write(db, message_id, values)
    return True


def failed(db: Session, job: Job, now: dt.datetime) -> str:
    """The job cannot be rendered: its message becomes a short error answer with a reference
    (logged by the caller), and the job is deleted. Returns the reference."""
    ref = error_reference(f"render:{job.message_id}")
    room = db.get(Room, job.room_id)
    lang = room.language if room is not None else i18n.DEFAULT_LANGUAGE
    db.connection().execute(delete(JOBS).where(JOBS.c.message_id == job.message_id))
    message_id = _answer_of(db, job, None, now)
    body = i18n.t(lang, "core.render_error", ref=ref)
    _write(db, message_id, _said(Rendered(text=body), None))
    return ref
