"""Projects: ``!projets`` lists them; admins add, rename, archive, reopen them, and choose the
room's default project.

- ``codes``: the pure rule of project codes (what looks like one, the codes close to a word);
- ``room``: the room's projects, found by code, refused with close codes, the default one;
- ``handlers``: the commands and their undo hooks."""

from commands.projects.codes import bare_word, close_codes, looks_like_code
from commands.projects.handlers import FAMILY, PROJECT, PROJECTS, register, undo_by_event
from commands.projects.room import (
    active_codes,
    default_project,
    find_project,
    known_codes,
    resolve_project,
    suggest_codes,
)

__all__ = [
    "FAMILY",
    "PROJECT",
    "PROJECTS",
    "active_codes",
    "bare_word",
    "close_codes",
    "default_project",
    "find_project",
    "known_codes",
    "looks_like_code",
    "register",
    "resolve_project",
    "suggest_codes",
    "undo_by_event",
]
