"""The journal: the audit rows of the room, in words, filtered and paged."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from commands import i18n
from commands.ledger.reader import JOURNAL_PAGE, MONEY_KEYS, PEOPLE_KEYS, Reader
from storage.ledger import JournalFilter, journal, journal_kinds
from storage.models import (
    Audit,
    Bucket,
    BudgetEnvelope,
    BudgetRequest,
    CobudgetRound,
    Contribution,
    Member,
    Project,
)
from storage.queries import room_projects


@dataclass
class Entry:
    when: str
    who: str
    what: str
    details: str


@dataclass
class Option:
    value: str
    label: str
    selected: bool


@dataclass
class JournalView:
    entries: list[Entry]
    people: list[Option]
    projects: list[Option]
    kinds: list[Option]
    newer: str  # query string of the newer page, or ""
    older: str
    first: str


def journal_view(
    r: Reader,
    *,
    person: str = "",
    project: str = "",
    kind: str = "",
    before: int | None = None,
    after: int | None = None,
) -> JournalView:
    projects = room_projects(r.db, r.room.id)
    by_code = {p.code: p for p in projects}
    members = list(r.db.exec(select(Member.user_id).where(Member.room_id == r.room.id)).all())
    kinds = r.derived("kinds", (), lambda: journal_kinds(r.db, r.room.id))
    where = JournalFilter(
        person=person if person in members else None,
        project_id=by_code[project].id if project in by_code else None,
        kind=kind if kind in kinds else None,
    )
    rows, more = journal(
        r.db, r.room.id, where, before_id=before, after_id=after, limit=JOURNAL_PAGE
    )
    labels = _labels(r, rows, projects)
    names = r.names([*members, *labels.people])
    entries = [
        Entry(
            when=r.when(a.at),
            who=r.w("bot") if a.actor == "bot" else names.get(a.actor) or r.name(a.actor),
            what=_what(r, a, labels),
            details=_details(r, a, labels, names),
        )
        for a in rows
    ]
    filters = {
        "personne": where.person or "",
        "projet": project if where.project_id is not None else "",
        "type": where.kind or "",
    }
    base = "&".join(f"{k}={_q(v)}" for k, v in filters.items() if v)

    def page(**extra: int) -> str:
        parts = [base] if base else []
        parts += [f"{k}={v}" for k, v in extra.items()]
        return "?" + "&".join(parts)

    if after is None:
        has_older, has_newer = more, before is not None
    else:
        has_older, has_newer = True, more
    first_id = rows[0].id if rows else None
    last_id = rows[-1].id if rows else None
    return JournalView(
        entries=entries,
        people=[
            Option(u, names[u], u == where.person)
            for u in sorted(members, key=lambda u: names[u].casefold())
        ],
        projects=[Option(p.code, p.code, p.id == where.project_id) for p in projects],
        kinds=[Option(k, _kind(r, k), k == where.kind) for k in kinds],
        newer=page(apres=first_id) if first_id is not None and has_newer else "",
        older=page(avant=last_id) if last_id is not None and has_older else "",
        first=page() if (before is not None or after is not None) else "",
    )


def _q(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="")


def _kind(r: Reader, kind: str) -> str:
    key = f"page.web.kind.{kind}"
    return r.t(key) if i18n.has(r.lang, key) else kind


@dataclass
class _Labels:
    numbers: dict[tuple[str, str], int]  # (object kind, internal id) -> the number people read
    projects: dict[int, str]
    people: set[str]


_NUMBERED = {
    "bucket": Bucket,
    "round": CobudgetRound,
    "budget_envelope": BudgetEnvelope,
    "budget_request": BudgetRequest,
    "contribution": Contribution,
}


def _labels(r: Reader, rows: list[Audit], projects: list[Project]) -> _Labels:
    """The numbers and names the rows speak of, read once for the whole page (a query per kind
    of record, not per row)."""
    wanted: dict[str, set[int]] = {}
    people: set[str] = set()
    for a in rows:
        if a.object_kind in _NUMBERED and a.object_id.isdigit():
            wanted.setdefault(a.object_kind, set()).add(int(a.object_id))
        for key in PEOPLE_KEYS:
            value = a.details.get(key) if isinstance(a.details, dict) else None
            if isinstance(value, str):
                people.add(value)
        people.add(a.actor)
    numbers: dict[tuple[str, str], int] = {}
    for kind, ids in wanted.items():
        model: Any = _NUMBERED[kind]
        for rid, number in r.db.exec(
            select(model.id, model.number).where(col(model.id).in_(sorted(ids)))
        ).all():
            numbers[(kind, str(rid))] = int(number)
    return _Labels(numbers, {p.id: p.code for p in projects if p.id is not None}, people)


def _what(r: Reader, a: Audit, labels: _Labels) -> str:
    kind = _kind(r, a.object_kind)
    number = labels.numbers.get((a.object_kind, a.object_id))
    if number is None and isinstance(a.details, dict) and isinstance(a.details.get("number"), int):
        number = a.details["number"]
    if a.object_kind == "project" and a.object_id.isdigit():
        code = labels.projects.get(int(a.object_id))
        ref = f" {code}" if code else ""
    else:
        ref = f" #{number}" if number is not None else ""
    action_key = f"page.web.action.{a.action}"
    action = r.t(action_key) if i18n.has(r.lang, action_key) else a.action
    return f"{kind}{ref} — {action}"


def _details(r: Reader, a: Audit, labels: _Labels, names: dict[str, str]) -> str:
    details = a.details if isinstance(a.details, dict) else {}
    before, after = details.get("before"), details.get("after")
    parts: list[str] = []
    if isinstance(before, dict) and isinstance(after, dict):
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                old = _value(r, key, before.get(key), labels, names)
                new = _value(r, key, after.get(key), labels, names)
                parts.append(r.w("pair", key=_field(r, key), value=f"{old} → {new}"))
        rest = {k: v for k, v in details.items() if k not in ("before", "after")}
    elif "before" in details and "after" in details:
        old = _value(r, a.action, before, labels, names)
        new = _value(r, a.action, after, labels, names)
        parts.append(f"{old} → {new}")
        rest = {k: v for k, v in details.items() if k not in ("before", "after")}
    else:
        rest = details
    for key, value in rest.items():
        if value in (None, "", [], {}) or (key.endswith("_id") and key != "project_id"):
            continue
        parts.append(r.w("pair", key=_field(r, key), value=_value(r, key, value, labels, names)))
    text = " · ".join(parts)
    return text if len(text) <= 400 else text[:399] + "…"


def _field(r: Reader, key: str) -> str:
    name = f"page.web.field.{key}"
    return r.t(name) if i18n.has(r.lang, name) else key


def _value(r: Reader, key: str, value: Any, labels: _Labels, names: dict[str, str]) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if key in MONEY_KEYS and isinstance(value, int):
        return r.money(value)
    if key == "minutes" and isinstance(value, int):
        return r.duration(value)
    if key == "project_id" and isinstance(value, int):
        return labels.projects.get(value, str(value))
    if key in PEOPLE_KEYS and isinstance(value, str):
        return names.get(value) or value
    if isinstance(value, str):
        try:
            return r.date(dt.date.fromisoformat(value)) if len(value) == 10 else value
        except ValueError:
            return value
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
