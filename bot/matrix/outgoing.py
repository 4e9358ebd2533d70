"""The runtime's outgoing items as Matrix event contents: notices as replies in their thread,
edits of the bot's own messages, reactions and files (images with their size). No I/O here.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from typing import Any

from bot.adapters.base import Direct, Edit, File, Reaction, Text
from bot.matrix.mentions import HTML_FORMAT, Said, html_of, mentions_content, with_pills


def _relation(item: Said) -> dict[str, Any] | None:
    if not isinstance(item, Text | File):
        return None  # an edit relates to what it replaces; a direct message to nothing
    if item.thread_id:
        rel: dict[str, Any] = {"rel_type": "m.thread", "event_id": item.thread_id}
        if item.reply_to:
            rel["is_falling_back"] = False
            rel["m.in_reply_to"] = {"event_id": item.reply_to}
        return rel
    if item.reply_to:
        return {"m.in_reply_to": {"event_id": item.reply_to}}
    return None


def message_content(item: Text | Direct, names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """An ``m.notice`` with plain and HTML bodies, as a reply (in its thread), with mentions
    shown as pills (``names``: display names by user id)."""
    body, formatted = with_pills(item, names or {})
    content: dict[str, Any] = {
        "msgtype": "m.notice",
        "body": body,
        "format": HTML_FORMAT,
        "formatted_body": formatted,
        "m.mentions": mentions_content(item),
    }
    rel = _relation(item)
    if rel:
        content["m.relates_to"] = rel
    return content


def edit_content(item: Edit) -> dict[str, Any]:
    """An ``m.replace`` of the bot's own message ``target_platform_id``."""
    if not item.target_platform_id:
        raise ValueError("edit without a target")
    new = {
        "msgtype": "m.notice",
        "body": item.body,
        "format": HTML_FORMAT,
        "formatted_body": html_of(item),
        "m.mentions": {},
    }
    return {
        "msgtype": "m.notice",
        "body": f"* {item.body}",
        "format": HTML_FORMAT,
        "formatted_body": f"* {html_of(item)}",
        "m.new_content": new,
        "m.mentions": {},
        "m.relates_to": {"rel_type": "m.replace", "event_id": item.target_platform_id},
    }


def reaction_content(item: Reaction) -> dict[str, Any]:
    if not item.target_event or not item.reaction_key:
        raise ValueError("reaction without a target or key")
    return {
        "m.relates_to": {
            "rel_type": "m.annotation",
            "event_id": item.target_event,
            "key": item.reaction_key,
        }
    }


def png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, from its header."""
    if len(data) >= 24 and data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR":
        w, h = struct.unpack(">II", data[16:24])
        return int(w), int(h)
    return None


def file_content(item: File, mxc: str, names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """``m.image`` for images, ``m.file`` otherwise, with the caption as body (Matrix 1.10
    media captions: ``filename`` holds the file's name)."""
    name = item.file_name
    mime = item.mime
    data = item.data
    info: dict[str, Any] = {"mimetype": mime, "size": len(data)}
    msgtype = "m.image" if mime.startswith("image/") else "m.file"
    size = png_size(data) if mime == "image/png" else None
    if size:
        info["w"], info["h"] = size
    body, formatted = with_pills(item, names or {})
    caption = body or name
    content: dict[str, Any] = {
        "msgtype": msgtype,
        "body": caption,
        "filename": name,
        "url": mxc,
        "info": info,
        "m.mentions": mentions_content(item),
    }
    if caption != name:
        content["format"] = HTML_FORMAT
        content["formatted_body"] = formatted
    rel = _relation(item)
    if rel:
        content["m.relates_to"] = rel
    return content
