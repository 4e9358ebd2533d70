"""Matrix events as the homeserver sends them (raw JSON dicts) read as the runtime's neutral
events: messages (texts, files with their captions, replies and threads), edits, reactions,
redactions, membership changes and what could not be decrypted. No I/O here.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.matrix.mentions import mentions_of, with_user_ids
from bot.matrix.state import INFINITE, Recent, RoomState, role_for
from commands.events import (
    AnyEvent,
    Attachment,
    MemberChanged,
    Message,
    ReactionAdded,
    Redacted,
    Unreadable,
)
from storage.clock import now as clock_now

PLATFORM = "matrix"


class Malformed(ValueError):
    """An event that does not have the shape its type requires; it is logged and skipped."""


def _str(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise Malformed(f"{what} is not a non-empty string")
    return value


def _file_and_caption(content: dict[str, Any], body: str) -> tuple[tuple[Attachment, ...], str]:
    """An ``m.file``'s file (its bytes are fetched by the adapter, for a command only) and its
    caption: with ``filename`` set, ``body`` is a caption (Matrix 1.10); without, ``body`` is
    the file's name and there is no caption."""
    filename = content.get("filename")
    has_caption = isinstance(filename, str) and bool(filename) and filename != body
    name = filename if isinstance(filename, str) and filename else body
    info = content.get("info")
    info = info if isinstance(info, dict) else {}
    mime = info.get("mimetype")
    size = info.get("size")
    attachment = Attachment(
        name=name or "file",
        mime=mime if isinstance(mime, str) and mime else "application/octet-stream",
        size=size if isinstance(size, int) and not isinstance(size, bool) else None,
    )
    return (attachment,), body if has_caption else ""


def file_source(content: dict[str, Any]) -> tuple[str, dict[str, Any] | None] | None:
    """Where an ``m.file``'s bytes are: its ``mxc://`` URL, and the keys that decrypt it in an
    encrypted room (``None`` in a clear one)."""
    encrypted = content.get("file")
    if isinstance(encrypted, dict) and isinstance(encrypted.get("url"), str):
        return str(encrypted["url"]), encrypted
    url = content.get("url")
    return (url, None) if isinstance(url, str) and url.startswith("mxc://") else None


def is_redacted(raw: dict[str, Any]) -> bool:
    unsigned = raw.get("unsigned")
    return isinstance(unsigned, dict) and "redacted_because" in unsigned


def _message(body: str, content: dict[str, Any], base: dict[str, Any], **fields: Any) -> Message:
    """A message (a new one or an edit's new content) with ``body`` as typed, each user pill of
    ``content`` read as the user id it names, and the people it mentions."""
    body = with_user_ids(body, content)
    return Message(body=body, mentions=mentions_of(body, content), **fields, **base)


def _edit(
    content: dict[str, Any], relates: dict[str, Any], base: dict[str, Any], recent: Recent | None
) -> Message | None:
    """An ``m.replace`` message: the edit of an earlier one."""
    target = _str(relates.get("event_id"), "m.replace event_id")
    new = content.get("m.new_content")
    if not isinstance(new, dict):
        raise Malformed("edit without m.new_content")
    if new.get("msgtype") not in ("m.text", None):
        return None
    body = new.get("body")
    if not isinstance(body, str):
        raise Malformed("edit body is not a string")
    thread = recent.thread(target) if recent else None
    # who sent the original, if it is remembered: only they may edit it (the adapter
    # asks the homeserver otherwise)
    author = recent.sender(target) if recent else None
    return _message(body, new, base, edit_of=target, edit_of_sender=author, thread_id=thread)


def _room_message(
    content: dict[str, Any],
    relates: dict[str, Any],
    base: dict[str, Any],
    recent: Recent | None,
) -> Message | None:
    """An ``m.room.message``: a text, a file with its caption, or an edit; ``None`` for a notice
    or a kind of message the bot does not read."""
    event_id, sender = base["event_id"], base["sender"]
    msgtype = content.get("msgtype")
    if msgtype == "m.notice":
        return None  # other bots' output
    if not isinstance(msgtype, str):
        raise Malformed("msgtype missing")
    if relates.get("rel_type") == "m.replace":
        return _edit(content, relates, base, recent)
    if msgtype not in ("m.text", "m.file"):
        return None
    body = content.get("body")
    if not isinstance(body, str):
        raise Malformed("body is not a string")
    files: tuple[Attachment, ...] = ()
    if msgtype == "m.file":
        files, body = _file_and_caption(content, body)
    thread_id: str | None = None
    reply_to: str | None = None
    if relates.get("rel_type") == "m.thread":
        thread_id = _str(relates.get("event_id"), "thread root")
    in_reply = relates.get("m.in_reply_to")
    falling_back = thread_id is not None and relates.get("is_falling_back") is True
    if isinstance(in_reply, dict) and isinstance(in_reply.get("event_id"), str):
        reply_to = None if falling_back else in_reply["event_id"]
    if recent is not None:
        recent.add(event_id, sender, thread_id)
    return _message(body, content, base, reply_to=reply_to, thread_id=thread_id, files=files)


def to_neutral(
    raw: dict[str, Any],
    room: RoomState,
    *,
    bot_user_id: str,
    admin_level: int,
    admins: frozenset[str] = frozenset(),
    recent: Recent | None = None,
    encryption: bool = False,
) -> AnyEvent | None:
    """The neutral event for a raw timeline event, ``None`` for events the bot does not act on
    (its own, notices, state it only tracks). Raises ``Malformed`` for a broken event."""
    if not isinstance(raw, dict):
        raise Malformed("not an object")
    event_id = _str(raw.get("event_id"), "event_id")
    sender = _str(raw.get("sender"), "sender")
    kind = _str(raw.get("type"), "type")
    if sender == bot_user_id or is_redacted(raw):
        return None
    content = raw.get("content")
    if not isinstance(content, dict):
        raise Malformed("content is not an object")
    ts = raw.get("origin_server_ts")
    timestamp = (
        dt.datetime.fromtimestamp(ts / 1000, dt.UTC)
        if isinstance(ts, int) and not isinstance(ts, bool)
        else clock_now()
    )
    level = INFINITE if sender in admins else room.level(sender)
    base: dict[str, Any] = {
        "event_id": event_id,
        "room_id": room.room_id,
        "sender": sender,
        "sender_name": room.names.get(sender, ""),
        "role": role_for(level, admin_level),
        "timestamp": timestamp,
        "platform": PLATFORM,
        "room_name": room.name,
        "is_direct": len(room.joined) == 2,
    }
    relates = content.get("m.relates_to")
    if relates is not None and not isinstance(relates, dict):
        raise Malformed("m.relates_to is not an object")
    relates = relates or {}

    if kind == "m.room.message":
        return _room_message(content, relates, base, recent)

    if kind == "m.room.encrypted":
        # what reaches the runtime encrypted could not be decrypted (a decrypted event comes as
        # what it holds): without encryption, never; with it, its key is missing. Relations
        # stay in clear, so the answer can go into the message's thread
        thread = relates.get("event_id") if relates.get("rel_type") == "m.thread" else None
        return Unreadable(
            reason="no_key" if encryption else "encryption_off",
            thread_id=thread if isinstance(thread, str) else None,
            **base,
        )

    if kind == "m.reaction":
        if relates.get("rel_type") != "m.annotation":
            raise Malformed("reaction without an m.annotation relation")
        target = _str(relates.get("event_id"), "reaction target")
        key = _str(relates.get("key"), "reaction key")
        return ReactionAdded(target_event_id=target, key=key, **base)

    if kind == "m.room.redaction":
        redacts = content.get("redacts") or raw.get("redacts")  # v11+ moved it into content
        return Redacted(target_event_id=_str(redacts, "redacts"), **base)

    if kind == "m.room.member":
        user = _str(raw.get("state_key"), "state_key")
        if user == bot_user_id:
            return None
        membership = content.get("membership")
        if membership not in ("join", "leave", "ban"):
            return None
        display = content.get("displayname")
        return MemberChanged(
            user_id=user,
            display_name=display if isinstance(display, str) else "",
            joined=membership == "join",
            **base,
        )
    return None
