"""Contributions: ``!contrib`` logs what someone gave, ``!annuler`` removes it, ``!contribs``
shows totals; edits and redactions of the command message update or undo what it created."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import insert
from sqlmodel import col, select

from commands.core import Context, Registry, RoomTexts, UserError
from commands.csvfile import FullTable, hours_cell, long_table
from commands.grammar import (
    NEEDS_YEAR,
    Period,
    fold,
    is_mention,
    join_spans,
    match_period,
    month_period,
    parse_contrib,
    tokenize,
    tokenize_spans,
)
from commands.i18n import format_date
from commands.lifecycle import ABSENT, Act, Actor, act, instant, require, tell_undo, undo
from commands.lifecycle.contrib import LOGGED, contribution_step
from commands.lifecycle.contrib import Contribution as Life
from commands.numbers import read_number
from commands.pending import offer
from commands.people import is_group_mention, resolve_person
from commands.projects import (
    active_codes,
    bare_word,
    close_codes,
    default_project,
    find_project,
    known_codes,
    looks_like_code,
    resolve_project,
)
from commands.refusals import checked_period, date_refusal, needs_year
from commands.render import Rich, esc, lines, table
from storage.db import connection_of
from storage.models import Audit, BotMessage, Contribution, PendingAction, Project
from storage.numbers import CONTRIBUTION, by_number, next_number
from storage.queries import contribution_totals, list_contributions

FAMILY = "contrib"
_INSERT_CONTRIBUTION = insert(Contribution.__table__)  # type: ignore[attr-defined]
EVERYONE = ("tous", "tout-le-monde", "all", "everyone", "salle", "room")
KIND_WITHOUT_PROJECT = "contrib_no_project"  # a pending action: record with the words as text


def _changed(ctx: Context, *touched: tuple[int | None, dt.date]) -> None:
    """Tell other families (a closed envelope says its frozen split does not change)."""
    for listener in ctx.registry.contribution_listeners:
        listener(ctx, list(touched))


def register(reg: Registry) -> None:
    reg.command("contrib", family=FAMILY, aliases=("c", "contribution"), editable=True)(
        log_contribution
    )
    reg.command("annuler", family=FAMILY, aliases=("undo", "supprimer", "delete"))(undo_command)
    reg.command("contribs", family=FAMILY, aliases=("contributions", "mes-contribs"))(
        show_contributions
    )
    reg.on_undo(undo_by_event)
    reg.on_kept(kept_by_event)
    reg.on_pending(KIND_WITHOUT_PROJECT, _apply_without_project, _undo_without_project)


# --------------------------------------------------------------------------- !contrib


def log_contribution(ctx: Context, args: str) -> None:
    parsed = parse_contrib(
        args,
        today=ctx.today,
        known_codes=known_codes(ctx),
        day_minutes=ctx.room.day_minutes,
        max_past_days=ctx.room.max_past_days,
    )
    p = ctx.settings.prefix
    if parsed.error == "negative":
        raise UserError("contrib.error.negative", token=parsed.bad_token, prefix=p)
    if parsed.error == "missing_duration":
        raise UserError("contrib.error.missing_duration", prefix=p)
    if parsed.error == NEEDS_YEAR and parsed.day is not None:
        raise needs_year(ctx, parsed.bad_token or "", parsed.day)
    if parsed.error is not None:
        raise date_refusal(parsed.error, parsed.bad_token or "")
    assert parsed.minutes is not None and parsed.day is not None
    if parsed.minutes <= 0:
        raise UserError("contrib.error.zero", prefix=p)
    if parsed.minutes > ctx.room.max_entry_minutes:
        raise UserError(
            "contrib.error.too_long",
            duration=ctx.duration(parsed.minutes),
            limit=ctx.duration(ctx.room.max_entry_minutes),
        )
    if parsed.day > ctx.today:
        raise UserError("contrib.error.future", date=ctx.long_date(parsed.day))
    user = ctx.sender
    if parsed.user is not None:
        named = resolve_person(ctx, parsed.user)
        if named != ctx.sender:
            if not ctx.is_admin:
                raise UserError("contrib.error.not_admin_for_other", user=parsed.user, prefix=p)
            user = named
    description = parsed.description
    project: Project | None
    if parsed.project_token is not None:
        project = resolve_project(ctx, parsed.project_token)
    else:
        project, description, doubtful = _project_in_words(ctx, description)
        if doubtful:
            _offer_without_project(ctx, user, parsed.minutes, parsed.day, description, doubtful)
            return
        if project is None:
            project = default_project(ctx)
    existing = None
    if ctx.edit_of is not None:
        existing = _by_event(ctx, ctx.source_event_id)
    contribution, key = _store(
        ctx,
        existing,
        user=user,
        minutes=parsed.minutes,
        day=parsed.day,
        project=project,
        description=description,
        event_id=ctx.source_event_id,
        created_by=ctx.sender,
    )
    ctx.reply(_summary(ctx, key, contribution, project))


def _by_event(ctx: Context, event_id: str) -> Contribution | None:
    return ctx.db.exec(select(Contribution).where(Contribution.event_id == event_id)).first()


def _store(
    ctx: Context,
    existing: Contribution | None,
    *,
    user: str,
    minutes: int,
    day: dt.date,
    project: Project | None,
    description: str,
    event_id: str,
    created_by: str,
) -> tuple[Contribution, str]:
    """Create the contribution of ``event_id``, or update ``existing``; audit it and tell the
    other families. Returns it and the key of the text that says so."""
    if existing is not None:
        before = _snapshot(existing)
        touched_before = (existing.project_id, existing.day)
        existing.user_id = user
        existing.minutes = minutes
        existing.day = day
        existing.project_id = project.id if project else None
        existing.description = description
        existing.updated_at = ctx.now
        ctx.db.flush()
        ctx.audit("update", "contribution", existing.id, before=before, after=_snapshot(existing))
        _changed(ctx, touched_before, (existing.project_id, existing.day))
        return existing, "contrib.updated"
    now = ctx.now
    values: dict[str, Any] = {
        "room_id": ctx.room.id,
        "number": next_number(ctx.db, ctx.room.id, CONTRIBUTION),
        "user_id": user,
        "minutes": minutes,
        "day": day,
        "project_id": project.id if project else None,
        "description": description,
        "event_id": event_id,
        "created_by": created_by,
        "created_at": now,
        "updated_at": now,
    }
    # the hot path of the bot: one compiled insert; the row is read back only by later commands
    ctx.db.flush()
    key = connection_of(ctx.db).execute(_INSERT_CONTRIBUTION, values).inserted_primary_key
    assert key is not None
    contribution = Contribution.model_construct(id=int(key[0]), **values)  # to word the answer
    ctx.audit("create", "contribution", contribution.id, **_snapshot(contribution))
    _changed(ctx, (contribution.project_id, contribution.day))
    return contribution, "contrib.saved"


# --------------------------------------------------------------------------- doubtful codes

_QUOTES = '"“«'


def _project_in_words(ctx: Context, text: str) -> tuple[Project | None, str, list[str]]:
    """Words of a description that look like project codes (``projects.looks_like_code``):
    a known code written with punctuation (``KPA,``) is the project, and leaves the
    description; an archived one is refused; the others are doubtful. Quoted words
    (``"AG"``) are plain text. Returns (project, description, doubtful words)."""
    known = known_codes(ctx)
    spans = tokenize_spans(text)
    project: Project | None = None
    kept: list[tuple[int, int]] = []
    doubtful: list[str] = []
    for token, start, end in spans:
        word = bare_word(token)
        if text[start] in _QUOTES or not looks_like_code(word, known):
            kept.append((start, end))
            continue
        found = find_project(ctx, word)
        if found is not None and not found.archived:
            if project is None:
                project = found
                continue
        elif word not in doubtful:
            doubtful.append(word)  # unknown, or archived
        kept.append((start, end))
    if project is None:
        return None, text, doubtful
    return project, join_spans(text, kept).strip(), []


def _offer_without_project(
    ctx: Context, user: str, minutes: int, day: dt.date, description: str, doubtful: list[str]
) -> None:
    """Words look like project codes that the room does not have: store nothing, say which
    codes are close and how to fix it, and offer ✅ to record it with those words as text."""
    p = ctx.settings.prefix
    codes = active_codes(ctx)
    parts: list[str] = []
    suggested: list[str] = []
    for word in doubtful:
        known = find_project(ctx, word)
        close = close_codes(word, codes)
        suggested += [c for c in close if c not in suggested]
        if known is not None:  # an archived project
            parts.append(ctx.t("contrib.doubtful.archived", word=word))
        elif close:
            parts.append(ctx.t("contrib.doubtful.close", word=word, codes=", ".join(close)))
        else:
            parts.append(ctx.t("contrib.doubtful.unknown", word=word))
    if not codes:
        parts.append(ctx.t("contrib.doubtful.no_codes"))
    elif not suggested:
        parts.append(ctx.t("contrib.doubtful.room_codes", codes=", ".join(codes[:8])))
    changed = ctx.edit_of is not None and _by_event(ctx, ctx.source_event_id) is not None
    default = default_project(ctx)
    archived = not suggested and find_project(ctx, doubtful[0]) is not None
    fix = (
        "contrib.doubtful.fix_close"
        if suggested
        else "contrib.doubtful.fix_archived"
        if archived
        else "contrib.doubtful.fix"
    )
    text = "\n".join(
        [
            *parts,
            ctx.t("contrib.doubtful.nothing_changed" if changed else "contrib.doubtful.nothing"),
            ctx.t(
                fix,
                word=doubtful[0],
                code=suggested[0] if suggested else "",
                prefix=p,
            ),
            ctx.t(
                "contrib.doubtful.confirm",
                without=(
                    ctx.t("contrib.doubtful.default_project", code=default.code)
                    if default is not None
                    else ctx.t("contrib.doubtful.no_project")
                ),
            ),
        ]
    )
    offer(
        ctx,
        KIND_WITHOUT_PROJECT,
        {
            "user": user,
            "minutes": minutes,
            "day": day.isoformat(),
            "description": description,
            "project_id": default.id if default is not None else None,
            "words": doubtful,
            # whether the message holds a contribution already (an edit of a logged one): only
            # then is there one to update when ✅ confirms (another edit drops the offer)
            "existing": changed,
        },
        text,
    )


def _apply_without_project(ctx: Context, action: PendingAction, target: BotMessage) -> None:
    """The sender confirmed with ✅: record what was understood, tied to the command message."""
    data = action.payload
    project = None
    if data.get("project_id") is not None:
        project = ctx.db.get(Project, int(data["project_id"]))
        if project is None or project.archived:
            raise UserError("contrib.doubtful.default_gone")
    existing = _by_event(ctx, action.source_event_id) if data.get("existing", True) else None
    before = _snapshot(existing) if existing is not None else None
    contribution, key = _store(
        ctx,
        existing,
        user=str(data["user"]),
        minutes=int(data["minutes"]),
        day=dt.date.fromisoformat(str(data["day"])),
        project=project,
        description=str(data["description"]),
        event_id=action.source_event_id,
        created_by=action.sender,
    )
    ctx.reply(_summary(ctx, key, contribution, project))
    # after the answer (which writes what it speaks of): the action's row is written once
    action.payload = {**data, "applied": {"id": contribution.id, "before": before}}


def _undo_without_project(ctx: Context, action: PendingAction) -> bool:
    """The sender took their ✅ back: what it recorded is undone (created: removed; updated:
    back as it was)."""
    applied = action.payload.get("applied") or {}
    try:
        contribution = _by_event(ctx, action.source_event_id)
        if contribution is None:
            return False
        before = applied.get("before")
        if not before:
            _delete(ctx, contribution)
            ctx.reply(
                ctx.t(
                    "contrib.removed_unconfirmed",
                    id=contribution.number,
                    duration=ctx.duration(contribution.minutes),
                    date=ctx.date(contribution.day),
                    who=ctx.name(contribution.user_id),
                )
            )
            return True
        project_id = before.get("project_id")
        project = ctx.db.get(Project, int(project_id)) if project_id is not None else None
        _store(
            ctx,
            contribution,
            user=str(before["user"]),
            minutes=int(before["minutes"]),
            day=dt.date.fromisoformat(str(before["day"])),
            project=project,
            description=str(before["description"]),
            event_id=action.source_event_id,
            created_by=contribution.created_by,
        )
        ctx.reply(_summary(ctx, "contrib.updated", contribution, project))
        return True
    finally:
        # once the rest is written: the action's row is written once
        action.payload = {k: v for k, v in action.payload.items() if k != "applied"}


def _snapshot(c: Contribution) -> dict[str, object]:
    return {
        "number": c.number,
        "user": c.user_id,
        "minutes": c.minutes,
        "day": c.day.isoformat(),
        "project_id": c.project_id,
        "description": c.description,
    }


def _summary(ctx: Context, key: str, c: Contribution, project: Project | None) -> Rich:
    who = ctx.name(c.user_id)
    proj = _project_label(ctx, project)
    desc = c.description or ctx.t("contrib.no_description")
    text = ctx.t(
        key,
        id=c.number,
        who=who,
        duration=ctx.duration(c.minutes),
        date=ctx.date(c.day),
        project=proj,
        description=desc,
        prefix=ctx.settings.prefix,
    )
    html = ctx.t(
        key,
        id=c.number,
        who=f"<b>{esc(who)}</b>",
        duration=f"<b>{esc(ctx.duration(c.minutes))}</b>",
        date=esc(ctx.date(c.day)),
        project=f"<b>{esc(proj)}</b>",
        description=f"<i>{esc(desc)}</i>",
        prefix=esc(ctx.settings.prefix),
    ).replace("\n", "<br/>\n")
    return Rich(text, html)


def _project_label(ctx: Context, project: Project | None, *, short: bool = False) -> str:
    """``projet KPA (KPA-Cités)`` (``short``: ``projet KPA``), or ``sans projet``."""
    if project is None:
        return ctx.t("contrib.without_project")
    if project.name and project.name != project.code and not short:
        return ctx.t("contrib.in_project", project=f"{project.code} ({project.name})")
    return ctx.t("contrib.in_project", project=project.code)


def kept_by_event(ctx: Context, event_id: str) -> str | None:
    """What the command message ``event_id`` recorded, in one sentence (a refused edit of it
    leaves it as it was)."""
    c = _by_event(ctx, event_id)
    if c is None:
        return None
    project = ctx.db.get(Project, c.project_id) if c.project_id is not None else None
    return ctx.t(
        "contrib.kept",
        id=c.number,
        duration=ctx.duration(c.minutes),
        date=ctx.date(c.day),
        project=_project_label(ctx, project, short=True),
    )


# --------------------------------------------------------------------------- undo


def undo_command(ctx: Context, args: str) -> None:
    p = ctx.settings.prefix
    arg = args.strip().lstrip("#")
    if not arg:
        contribution = ctx.db.exec(
            select(Contribution)
            .where(Contribution.room_id == ctx.room.id, Contribution.created_by == ctx.sender)
            .order_by(col(Contribution.id).desc())
            .limit(1)
        ).first()
        if contribution is None:
            raise UserError("contrib.error.nothing_to_undo", prefix=p)
    else:
        number = read_number(arg)
        if number is None:
            raise UserError("contrib.error.bad_id", token=args.strip(), prefix=p)
        contribution = by_number(ctx.db, Contribution, ctx.room.id, number)
        if contribution is None:
            raise UserError("contrib.error.no_such_id", id=arg, prefix=p)
    ctx.reply(_remove(ctx, contribution, "contrib.removed", Act.WITHDRAW))


def _life(c: Contribution, status: str = LOGGED, source_taken: bool = False) -> Life:
    return Life(status, c.number, c.user_id, c.created_by, source_taken)


def _remove(ctx: Context, c: Contribution, key: str, how: Act) -> str:
    """Delete ``c`` (``how``: ``!annuler``, or its message removed); the text that says so."""
    action = act(how) if how is Act.WITHDRAW else undo(how)
    require(ctx, contribution_step(_life(c), action, Actor(ctx.sender, ctx.is_admin), ctx.now))
    _delete(ctx, c)
    return ctx.t(
        key,
        id=c.number,
        duration=ctx.duration(c.minutes),
        date=ctx.date(c.day),
        who=ctx.name(c.user_id),
        cause=ctx.removal(),
    )


_COLUMNS = (
    "id",
    "room_id",
    "number",
    "user_id",
    "minutes",
    "day",
    "project_id",
    "description",
    "event_id",
    "created_by",
    "created_at",
    "updated_at",
)


def _delete(ctx: Context, c: Contribution) -> None:
    """Remove ``c``; the audit row keeps the whole row, so that undoing the removal (deleting
    ``!annuler``) puts it back exactly as it was."""
    row = {name: getattr(c, name) for name in _COLUMNS}
    row["created_at"], row["updated_at"] = instant(c.created_at), instant(c.updated_at)
    ctx.audit("delete", "contribution", c.id, **_snapshot(c), row=row)
    ctx.db.delete(c)
    ctx.db.flush()
    _changed(ctx, (c.project_id, c.day))


def undo_by_event(ctx: Context, target_event_id: str) -> bool:
    """The command message that logged a contribution was removed (the contribution goes), or
    the ``!annuler`` that removed one (it comes back, as it was)."""
    contribution = ctx.db.exec(
        select(Contribution).where(Contribution.event_id == target_event_id)
    ).first()
    if contribution is not None:
        tell_undo(ctx, _remove(ctx, contribution, "contrib.removed_by_redaction", Act.CREATE))
        return True
    removed = ctx.db.exec(
        select(Audit)
        .where(
            Audit.event_id == target_event_id,
            Audit.room_id == ctx.room.id,
            Audit.object_kind == "contribution",
            Audit.action == "delete",
        )
        .order_by(col(Audit.id))
    ).first()
    if removed is None or not removed.details.get("row"):
        return False
    _restore(ctx, removed.details["row"])
    return True


def _restore(ctx: Context, row: dict[str, Any]) -> None:
    values = {
        **row,
        "day": dt.date.fromisoformat(str(row["day"])),
        "created_at": dt.datetime.fromisoformat(str(row["created_at"])),
        "updated_at": dt.datetime.fromisoformat(str(row["updated_at"])),
    }
    taken = _by_event(ctx, str(values["event_id"])) is not None
    gone = values["project_id"] is not None and ctx.db.get(Project, values["project_id"]) is None
    back = Contribution.model_construct(**values)
    require(
        ctx,
        contribution_step(
            _life(back, ABSENT, taken or gone),
            undo(Act.WITHDRAW),
            Actor(ctx.sender, ctx.is_admin),
            ctx.now,
        ),
    )
    ctx.db.flush()
    ctx.db.connection().execute(_INSERT_CONTRIBUTION, values)
    ctx.audit("restore", "contribution", back.id, **_snapshot(back))
    _changed(ctx, (back.project_id, back.day))
    tell_undo(
        ctx,
        ctx.t(
            "lifecycle.contribution.restored",
            id=back.number,
            duration=ctx.duration(back.minutes),
            date=ctx.date(back.day),
            who=ctx.name(back.user_id),
        ),
    )


# --------------------------------------------------------------------------- !contribs


def parse_filters(ctx: Context, args: str) -> tuple[str | None, bool, Project | None, Period]:
    """``[@user|tous] [PROJECT] [period]`` in any order -> (user, everyone, project, period)."""
    tokens = tokenize(args)
    user: str | None = None
    everyone = False
    project: Project | None = None
    period: Period | None = None
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if is_mention(tok) and user is None:
            if is_group_mention(tok):
                raise UserError("contrib.error.group_filter", token=tok, prefix=ctx.settings.prefix)
            user = resolve_person(ctx, tok, include_left=True)
            i += 1
            continue
        if fold(tok) in EVERYONE:
            everyone = True
            i += 1
            continue
        if period is None:
            found = match_period(tokens, i, ctx.today)
            if found is not None:
                period = checked_period(found, " ".join(tokens[i : i + found.used]))
                i += found.used
                continue
        if project is None and (tok.startswith("#") or find_project(ctx, tok) is not None):
            project = (
                resolve_project(ctx, tok)
                if find_project(ctx, tok) is None
                else find_project(ctx, tok)
            )
            i += 1
            continue
        if looks_like_code(tok, known_codes(ctx)):
            resolve_project(ctx, bare_word(tok))  # an unknown code: refused with close ones
        raise UserError("contrib.error.bad_filter", token=tok, prefix=ctx.settings.prefix)
    if period is None:
        period = month_period(ctx.today.year, ctx.today.month)
    return user, everyone, project, period


def period_label(ctx: RoomTexts, period: Period) -> str:
    if period.kind == "all":
        return ctx.t("core.period.all")
    if period.kind == "month":
        return format_date(period.start, ctx.lang, "MMMM y")
    if period.kind == "year":
        return str(period.start.year)
    if period.kind == "day":
        return ctx.date(period.start)
    return ctx.t("core.period.range", start=ctx.date(period.start), end=ctx.date(period.last_day))


def show_contributions(ctx: Context, args: str) -> None:
    user, everyone, project, period = parse_filters(ctx, args)
    if user is None and not everyone and project is None:
        user = ctx.sender
    totals = contribution_totals(
        ctx.db,
        ctx.room.id,
        period.start,
        period.end,
        user_id=user,
        project_id=project.id if project else None,
    )
    label = period_label(ctx, period)
    scope_is_room = user is None and project is None
    scope = ctx.name(user) if user else (project.code if project else ctx.t("contrib.scope_room"))
    if project and user:
        scope = f"{scope} · {project.code}"
    if totals.count == 0:
        ctx.reply(ctx.t("contrib.list.empty", scope=scope, period=label))
        return
    head = ctx.t(
        "contrib.list.headline",
        scope=ctx.t("contrib.scope_room_title") if scope_is_room else scope,
        period=label,
        total=ctx.duration(totals.minutes),
        count=totals.count,
        people=len(totals.by_person),
    )
    parts: list[Rich | str] = [Rich(head, f"<b>{esc(head)}</b>")]
    full: FullTable | None = None
    if user is None:
        people = ctx.names(u for u, _, _ in totals.by_person)
        rows = [[people[u], ctx.duration(m), c] for u, m, c in totals.by_person]
        shown, full = long_table(
            ctx,
            [ctx.t("contrib.col.person"), ctx.t("contrib.col.time"), ctx.t("contrib.col.count")],
            rows,
            align="lrr",
            name=f"totaux-{period.start.isoformat()}.csv"
            if ctx.lang == "fr"
            else f"totals-{period.start.isoformat()}.csv",
            csv_header=[ctx.t(f"export.col.{c}") for c in ("person", "user", "minutes", "hours")]
            + [ctx.t("contrib.col.count")],
            csv_rows=[[people[u], u, m, hours_cell(m), c] for u, m, c in totals.by_person],
        )
        parts.append(shown)
    if project is None:
        names = _project_names(ctx, [pid for pid, _, _ in totals.by_project])
        rows = [
            [names.get(pid, ctx.t("contrib.no_project")), ctx.duration(m), c]
            for pid, m, c in totals.by_project
        ]
        parts.append(
            table(
                [
                    ctx.t("contrib.col.project"),
                    ctx.t("contrib.col.time"),
                    ctx.t("contrib.col.count"),
                ],
                rows,
                align="lrr",
            )
        )
    if user is not None:
        entries = list_contributions(
            ctx.db,
            ctx.room.id,
            period.start,
            period.end,
            user_id=user,
            project_id=project.id if project else None,
            limit=10,
        )
        names = _project_names(ctx, [c.project_id for c in entries])
        rows = [
            [
                f"#{c.number}",
                ctx.date(c.day),
                ctx.duration(c.minutes),
                names.get(c.project_id, "—"),
                c.description,
            ]
            for c in entries
        ]
        parts.append(ctx.t("contrib.list.latest", shown=len(entries), count=totals.count))
        parts.append(
            table(
                [
                    "#",
                    ctx.t("contrib.col.date"),
                    ctx.t("contrib.col.time"),
                    ctx.t("contrib.col.project"),
                    ctx.t("contrib.col.description"),
                ],
                rows,
                align="llrll",
            )
        )
    ctx.reply(lines(*parts))
    if full is not None:
        full.post(ctx)


def _project_names(ctx: Context, ids: list[int | None]) -> dict[int | None, str]:
    wanted = [i for i in set(ids) if i is not None]
    if not wanted:
        return {}
    projects = ctx.db.exec(select(Project).where(col(Project.id).in_(wanted))).all()
    return {p.id: p.code for p in projects}
