"""Pure translation between Matrix events (raw JSON dicts, as the homeserver sends them) and the
neutral events/outgoing items of the runtime. No I/O here, so every rule is unit-tested.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import struct
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.adapters.base import Direct, Edit, File, Reaction, Text
from commands.events import (
    AnyEvent,
    Attachment,
    MemberChanged,
    Mention,
    Message,
    ReactionAdded,
    Redacted,
    Role,
    Unreadable,
)
from storage.clock import now as clock_now

# what the bot writes (a body, an HTML body, people to notify)
Said = Text | File | Direct | Edit

PLATFORM = "matrix"
HTML_FORMAT = "org.matrix.custom.html"
# Room versions whose creators have unlimited power and are not listed in m.room.power_levels
# (MSC4289; version 12 is Synapse 1.163's default).
CREATOR_POWER_VERSIONS = frozenset({"12", "org.matrix.hydra.11"})
INFINITE = float("inf")


class Malformed(ValueError):
    """An event that does not have the shape its type requires; it is logged and skipped."""


@dataclass
class RoomState:
    """What the adapter knows of a room, kept up to date from state events in sync."""

    room_id: str
    create: dict[str, Any] = field(default_factory=dict)  # content of m.room.create + sender
    creator: str = ""
    power_levels: dict[str, Any] | None = None
    names: dict[str, str] = field(default_factory=dict)  # user id -> display name
    joined: set[str] = field(default_factory=set)
    name: str = ""

    def apply(self, raw: dict[str, Any]) -> None:
        """Take a state event into account (ignores anything that is not well-formed)."""
        kind = raw.get("type")
        content = raw.get("content")
        if not isinstance(content, dict) or raw.get("state_key") is None:
            return
        if kind == "m.room.create":
            self.create = content
            self.creator = str(raw.get("sender", ""))
        elif kind == "m.room.power_levels":
            self.power_levels = content
        elif kind == "m.room.name":
            name = content.get("name")
            self.name = name if isinstance(name, str) else ""
        elif kind == "m.room.member":
            user = raw.get("state_key")
            if not isinstance(user, str):
                return
            membership = content.get("membership")
            if membership == "join":
                self.joined.add(user)
                display = content.get("displayname")
                if isinstance(display, str) and display:
                    self.names[user] = display
            else:
                self.joined.discard(user)

    @property
    def room_version(self) -> str:
        version = self.create.get("room_version", "1")
        return version if isinstance(version, str) else "1"

    def creators(self) -> set[str]:
        extra = self.create.get("additional_creators", [])
        found = {self.creator} if self.creator else set()
        if isinstance(extra, list):
            found.update(u for u in extra if isinstance(u, str))
        return found

    def level(self, user_id: str) -> float:
        return power_level(self.room_version, self.creators(), self.power_levels, user_id)


def power_level(
    room_version: str, creators: set[str], power_levels: dict[str, Any] | None, user_id: str
) -> float:
    """A user's power level, as the spec defines it, room v12 creators included (infinite)."""
    if room_version in CREATOR_POWER_VERSIONS and user_id in creators:
        return INFINITE
    if power_levels is None:
        # no m.room.power_levels event: the creator has 100, everyone else 0
        return 100 if user_id in creators else 0
    users = power_levels.get("users")
    if isinstance(users, dict) and user_id in users:
        return _int(users[user_id])
    return _int(power_levels.get("users_default", 0))


def _int(value: Any) -> int:
    if isinstance(value, bool):
        return 0
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)  # old rooms may hold string levels
    return 0


def role_for(level: float, admin_level: int) -> Role:
    """Admin when the level reaches the room's admin level; moderator from 50 below that."""
    if level >= admin_level:
        return Role.ADMIN
    if level >= 50:
        return Role.MODERATOR
    return Role.MEMBER


class Lru(OrderedDict[str, Any]):
    """A bounded mapping that forgets the least recently set keys first."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: str, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


class Recent:
    """A bounded memory of recent events' senders and threads (to check who may edit a
    message, and to keep an edit in the original's thread)."""

    def __init__(self, size: int = 20_000) -> None:
        self.size = size
        self._data: OrderedDict[str, tuple[str, str | None]] = OrderedDict()

    def add(self, event_id: str, sender: str, thread_id: str | None) -> None:
        self._data[event_id] = (sender, thread_id)
        self._data.move_to_end(event_id)
        while len(self._data) > self.size:
            self._data.popitem(last=False)

    def sender(self, event_id: str) -> str | None:
        item = self._data.get(event_id)
        return item[0] if item else None

    def thread(self, event_id: str) -> str | None:
        item = self._data.get(event_id)
        return item[1] if item else None


def _str(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value:
        raise Malformed(f"{what} is not a non-empty string")
    return value


_PILL = re.compile(
    r"""<a\s[^>]*?href\s*=\s*["']https://matrix\.to/#/([^"'?/]+)[^"']*["'][^>]*>(.*?)</a>""",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(r"<[^>]*>")


def with_user_ids(body: str, content: dict[str, Any]) -> str:
    """``body`` with each user "pill" of ``formatted_body`` (a link to
    ``https://matrix.to/#/@user:server``, which clients such as Element send with only the
    display name in ``body``) replaced by the user id, so that a mention reads as one."""
    formatted = content.get("formatted_body")
    if content.get("format") != HTML_FORMAT or not isinstance(formatted, str):
        return body
    out: list[str] = []
    pos = 0
    for match in _PILL.finditer(formatted):
        user = urllib.parse.unquote(match[1])
        text = html.unescape(_TAG.sub("", match[2])).strip()
        if not user.startswith("@") or ":" not in user or not text:
            continue
        at = body.find(text, pos)
        if at < 0:
            continue
        start = at - 1 if at > pos and body[at - 1] == "@" and not text.startswith("@") else at
        out.append(body[pos:start])
        out.append(user)
        pos = at + len(text)
    return "".join(out) + body[pos:]


_USER_ID = re.compile(r"@[a-z0-9._=\-/+]+:[A-Za-z0-9.\-]+(?::[0-9]+)?(?<!\.)", re.IGNORECASE)


def user_ids_in(body: str) -> list[str]:
    """The Matrix user ids a message's body names, in order, each once."""
    return list(dict.fromkeys(_USER_ID.findall(body)))


def mentions_of(body: str, content: dict[str, Any]) -> tuple[Mention, ...]:
    """The people a message names: each user id of its ``body`` (where a pill became one, see
    ``with_user_ids``), then those ``m.mentions`` names without a word of the body, each once.
    Whether they are in the room and their names are the adapter's to add."""
    said = content.get("m.mentions")
    listed = said.get("user_ids") if isinstance(said, dict) else None
    found = dict.fromkeys(user_ids_in(body), True)
    for user in listed if isinstance(listed, list) else []:
        if isinstance(user, str) and _USER_ID.fullmatch(user):
            found.setdefault(user, False)
    return tuple(Mention(user_id=u, text=u if typed else "") for u, typed in found.items())


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
    body = with_user_ids(body, new)
    thread = recent.thread(target) if recent else None
    # who sent the original, if it is remembered: only they may edit it (the adapter
    # asks the homeserver otherwise)
    author = recent.sender(target) if recent else None
    return Message(
        body=body,
        edit_of=target,
        edit_of_sender=author,
        thread_id=thread,
        mentions=mentions_of(body, new),
        **base,
    )


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
    body = with_user_ids(body, content)
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
    return Message(
        body=body,
        reply_to=reply_to,
        thread_id=thread_id,
        files=files,
        mentions=mentions_of(body, content),
        **base,
    )


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


# -- outgoing -----------------------------------------------------------------------------------


def html_of(item: Said) -> str:
    """The item's HTML (already safe, from the commands) or its body, escaped."""
    if item.html is not None:
        return item.html
    return html.escape(item.body).replace("\n", "<br>")


def mentioned(item: Said | Reaction) -> list[str]:
    """The Matrix users an item means to notify (each named in its text by their user id)."""
    if isinstance(item, Reaction):
        return []
    return [u for u in dict.fromkeys(item.mentions) if isinstance(u, str) and u.startswith("@")]


def _user_pattern(user_id: str) -> re.Pattern[str]:
    # a user id as a whole: ``@bob:x`` is not the start of ``@bob:xy`` nor of ``@bob:x.org``
    # (a full stop that ends a sentence is no part of it)
    return re.compile(re.escape(user_id) + r"(?![\w:=/+\-]|\.\w)")


def _literal(text: str) -> Callable[[re.Match[str]], str]:
    """A replacement for ``re.sub`` that is ``text`` as it is (no backslash escapes)."""
    return lambda _match: text


def pill(user_id: str, name: str) -> str:
    """A link to a user as Matrix clients show a mention: a "pill" with the display name."""
    return (
        f'<a href="https://matrix.to/#/{html.escape(user_id, quote=True)}">{html.escape(name)}</a>'
    )


def with_pills(item: Said, names: Mapping[str, str]) -> tuple[str, str]:
    """The item's plain and HTML bodies with each user it notifies shown as clients show a
    mention: their display name in the plain body, a pill in the HTML one. ``names``: display
    names by user id (the user's local part when unknown)."""
    body, formatted = item.body, html_of(item)
    for user in mentioned(item):
        name = names.get(user) or user.removeprefix("@").split(":", 1)[0]
        body = _user_pattern(user).sub(_literal(name), body)
        formatted = _user_pattern(html.escape(user, quote=True)).sub(
            _literal(pill(user, name)), formatted
        )
    return body, formatted


def _mentions(item: Said) -> dict[str, Any]:
    """``m.mentions``: exactly the people the item means to notify (never, say, the author of
    the command it answers: nobody is notified about their own action)."""
    return {"user_ids": mentioned(item)}


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
        "m.mentions": _mentions(item),
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
        "m.mentions": _mentions(item),
    }
    if caption != name:
        content["format"] = HTML_FORMAT
        content["formatted_body"] = formatted
    rel = _relation(item)
    if rel:
        content["m.relates_to"] = rel
    return content


def inviter_of(invite_state: list[dict[str, Any]], user_id: str) -> str | None:
    """Who invited ``user_id``, from a room's ``invite_state``."""
    for raw in invite_state:
        if (
            isinstance(raw, dict)
            and raw.get("type") == "m.room.member"
            and raw.get("state_key") == user_id
            and isinstance(raw.get("content"), dict)
            and raw["content"].get("membership") == "invite"
            and isinstance(raw.get("sender"), str)
        ):
            return str(raw["sender"])
    return None


def invite_allowed(
    inviter: str | None, bot_user_id: str, inviters: list[str], homeservers: list[str]
) -> bool:
    """An invite is accepted from a listed user or from a listed homeserver; with both lists
    empty, from anyone on the bot's own homeserver."""
    if not inviter:
        return False
    server = inviter.split(":", 1)[1] if ":" in inviter else ""
    if inviter in inviters or server in homeservers:
        return True
    if not inviters and not homeservers:
        return server == bot_user_id.split(":", 1)[-1]
    return False
