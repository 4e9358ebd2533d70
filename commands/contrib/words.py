"""Project codes that look doubtful in a contribution's words: offered to be kept as text."""

from __future__ import annotations

import datetime as dt

from commands.contrib.records import KIND_WITHOUT_PROJECT, _by_event
from commands.core import Context
from commands.grammar import join_spans, tokenize_spans
from commands.pending import offer
from commands.projects import (
    active_codes,
    bare_word,
    close_codes,
    default_project,
    find_project,
    known_codes,
    looks_like_code,
)
from storage.models import Project

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
