"""What forgetting rewrites beyond plain columns: the JSON documents that name the person (audit
details, allocations' details, pending actions' payloads, mentions of the bot's messages), and
the bot's copies of the messages it said about them (emptied; not sent if still waiting)."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import String, cast, or_, select, update
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from storage.forget.columns import FREE_TEXT_KEYS, SUBJECT_KEYS, contains, table_of
from storage.forget.names import Forgetting, token
from storage.models import Allocation, Audit, BotMessage, PendingAction


def _json_hits(column: Any, needles: Iterable[str]) -> ColumnElement[bool]:
    text = cast(column, String)
    return or_(*(contains(text, n) for n in needles))


def _needles(old: str, embedded: str | None) -> list[str]:
    """How ``old`` may be written in a JSON document's text (as is, and escaped)."""
    found = {old, json.dumps(old)[1:-1]}
    if embedded:
        found.add(embedded)
    return sorted(found)


def rewrite_json(db: Session, done: Forgetting, old: str, new: str, embedded: str | None) -> None:
    needles = _needles(old, embedded)
    replacement = token(done.number)
    audit = table_of(Audit)
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
        table = table_of(model)
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


def scrub_outbox(
    db: Session,
    done: Forgetting,
    old: str,
    new: str,
    embedded: str | None,
    names: list[str],
    now: dt.datetime,
) -> None:
    """Empty the bot's copies of messages that name them; drop those not sent yet."""
    table = table_of(BotMessage)
    needles = [old, *names, *([embedded] if embedded else [])]
    texts = or_(
        *(contains(table.c.body, n) for n in needles),
        *(contains(table.c.html, n) for n in needles),
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
