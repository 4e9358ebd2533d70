"""The console adapter: chat with the bot in a terminal, as one or several users in one or several
rooms, with no chat server. It implements the same adapter interface as Matrix and Mattermost.

Every message gets a short id that the other console commands take: ``u3`` for what users typed,
``b12`` for what the bot said. Type ``/aide`` in the console for its own commands. The console's
own messages are in the language of the room it is in (``!langue en`` switches them too).
"""

from __future__ import annotations

import asyncio
import logging
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict, assert_never

from bot.adapters.base import Direct, Edit, File, Host, Outgoing, Reaction, Redaction, Text
from commands import i18n
from commands.events import (
    MAX_FILE_BYTES,
    Attachment,
    Mention,
    Message,
    ReactionAdded,
    Redacted,
    Role,
)
from commands.grammar import typed_mentions

log = logging.getLogger(__name__)


@dataclass
class Said:
    """What the console showed for one bot output (kept for scenario tests)."""

    room: str
    short_id: str
    kind: str
    text: str
    reply_to: str | None = None
    file_path: Path | None = None
    data: bytes | None = None
    thread: str | None = None  # the short id of the thread's root, for an answer in a thread
    file_name: str | None = None
    mime: str | None = None


class _Base(TypedDict):
    room_id: str
    room_name: str
    sender: str
    sender_name: str
    role: Role
    platform: str
    is_direct: bool


def _mentions(text: str) -> tuple[Mention, ...]:
    """The people a console line names: each id typed (``@bob``) is who it names. The console
    knows nobody's membership nor name: the room's records tell them."""
    return tuple(Mention(user_id=word, text=word) for word in typed_mentions(text))


DIRECT = "dm-"  # a room whose name starts with this is a direct message with the bot (``/dm``)


class ConsoleAdapter:
    platform = "console"

    def __init__(
        self,
        *,
        user: str = "alice",
        room: str = "general",
        admins: tuple[str, ...] | list[str] = ("alice",),
        out: Callable[[str], None] | None = None,
        files_dir: Path | None = None,
        language: str = i18n.DEFAULT_LANGUAGE,
    ) -> None:
        self.user = user
        self.language = language  # until the room's own is known
        self.room = room
        self.roles: dict[tuple[str, str], Role] = {}
        self.admins = {a.lstrip("@") for a in admins}
        self.out = out or (lambda line: print(line, flush=True))
        self.files_dir = files_dir
        self.session = uuid.uuid4().hex[:8]
        self._n = 0
        self._short: dict[str, str] = {}  # short id -> platform event id
        self._long: dict[str, str] = {}  # platform event id -> short id
        self._authors: dict[str, str] = {}  # short id -> author
        self._reactions: dict[tuple[str, str, str], str] = {}  # (user, target, key) -> event id
        self.transcript: list[Said] = []
        self._host: Host | None = None

    # -- identities -----------------------------------------------------------------------------
    @staticmethod
    def user_id(name: str) -> str:
        return name if name.startswith("@") else f"@{name}"

    def role_of(self, user: str, room: str) -> Role:
        uid = self.user_id(user)
        if (uid, room) in self.roles:
            return self.roles[(uid, room)]
        return Role.ADMIN if uid.lstrip("@") in self.admins else Role.MEMBER

    def set_role(self, user: str, role: Role, room: str | None = None) -> None:
        self.roles[(self.user_id(user), room or self.room)] = role

    def _new_id(self, prefix: str = "u") -> tuple[str, str]:
        self._n += 1
        short = f"{prefix}{self._n}"
        full = f"console-{self.session}-{short}"
        self._short[short] = full
        self._long[full] = short
        return short, full

    def resolve(self, short: str) -> str:
        """The platform id behind a short id (``u3`` or ``b12``); ``KeyError`` (with what to
        tell the person) for none."""
        if short in self._short:
            return self._short[short]
        if short.startswith("b") and short[1:].isdigit():
            return f"console-{short}"
        raise KeyError(self.t("console.no_such_message", id=short))

    # -- the console's own words ----------------------------------------------------------------
    def lang(self) -> str:
        """The language of the room the console is in, as the bot has it (the language given
        to the console for a room the bot does not know yet)."""
        if self._host is None:
            return self.language
        return self._host.language_of(self.room) or self.language

    def t(self, key: str, /, **params: object) -> str:
        return i18n.t(self.lang(), key, **params)

    def _base(self, user: str | None, room: str | None) -> _Base:
        name = (user or self.user).lstrip("@")
        room_id = room or self.room
        return {
            "room_id": room_id,
            "room_name": room_id,
            "sender": self.user_id(name),
            "sender_name": name.capitalize(),
            "role": self.role_of(name, room_id),
            "platform": self.platform,
            "is_direct": room_id.startswith(DIRECT),
        }

    # -- what users do ------------------------------------------------------------------------------
    @property
    def host(self) -> Host:
        if self._host is None:
            raise RuntimeError("the console adapter is not attached to a host")
        return self._host

    def attach(self, host: Host) -> None:
        self._host = host
        host.add_adapter(self)

    async def say(
        self,
        text: str,
        *,
        user: str | None = None,
        room: str | None = None,
        thread: str | None = None,
    ) -> str:
        short, full = self._new_id("u")
        self._authors[short] = self.user_id(user or self.user)
        thread_id = self.resolve(thread) if thread else None
        await self.host.handle(
            Message(
                event_id=full,
                body=text,
                thread_id=thread_id,
                mentions=_mentions(text),
                **self._base(user, room),
            )
        )
        return short

    async def send_file(
        self, path: Path, text: str = "", *, user: str | None = None, room: str | None = None
    ) -> str:
        """Send the file at ``path`` with ``text`` (``/fichier heures.csv !importer``)."""
        size = path.stat().st_size
        data = path.read_bytes() if size <= MAX_FILE_BYTES else None
        mime = "text/csv" if path.suffix.lower() == ".csv" else "application/octet-stream"
        short, full = self._new_id("u")
        self._authors[short] = self.user_id(user or self.user)
        await self.host.handle(
            Message(
                event_id=full,
                body=text,
                files=(Attachment(name=path.name, mime=mime, data=data, size=size),),
                mentions=_mentions(text),
                **self._base(user, room),
            )
        )
        return short

    async def react(
        self, target: str, key: str, *, user: str | None = None, room: str | None = None
    ) -> str:
        short, full = self._new_id("r")
        who = self.user_id(user or self.user)
        self._reactions[(who, target, key)] = full
        await self.host.handle(
            ReactionAdded(
                event_id=full,
                target_event_id=self.resolve(target),
                key=key,
                **self._base(user, room),
            )
        )
        return short

    async def unreact(
        self, target: str, key: str, *, user: str | None = None, room: str | None = None
    ) -> bool:
        who = self.user_id(user or self.user)
        reaction = self._reactions.pop((who, target, key), None)
        if reaction is None:
            return False
        _, full = self._new_id("x")
        await self.host.handle(
            Redacted(event_id=full, target_event_id=reaction, **self._base(user, room))
        )
        return True

    async def edit(
        self, target: str, text: str, *, user: str | None = None, room: str | None = None
    ) -> str:
        author = self._check_author(target, user, room)
        short, full = self._new_id("e")
        await self.host.handle(
            Message(
                event_id=full,
                body=text,
                edit_of=self.resolve(target),
                edit_of_sender=author,
                mentions=_mentions(text),
                **self._base(user, room),
            )
        )
        return short

    async def delete(
        self, target: str, *, user: str | None = None, room: str | None = None
    ) -> None:
        self._check_author(target, user, room, moderators_too=True)
        _, full = self._new_id("x")
        await self.host.handle(
            Redacted(event_id=full, target_event_id=self.resolve(target), **self._base(user, room))
        )

    def _check_author(
        self, target: str, user: str | None, room: str | None, moderators_too: bool = False
    ) -> str:
        """Who typed ``target``; as on chat platforms, only they may edit it, and moderators
        and admins may also delete it."""
        author = self._authors.get(target)
        if author is None:
            raise PermissionError(self.t("console.not_typed_here", id=target))
        name = (user or self.user).lstrip("@")
        if author != self.user_id(name):
            role = self.role_of(name, room or self.room)
            if not (moderators_too and role in (Role.MODERATOR, Role.ADMIN)):
                raise PermissionError(self.t("console.only_author", author=author, id=target))
        return author

    # -- what the bot does ------------------------------------------------------------------------------
    async def deliver(self, item: Outgoing) -> str | None:
        short = f"b{item.id}"
        reply = thread = None
        place = ""
        if isinstance(item, Text | File):
            reply = self._long.get(item.reply_to or "", item.reply_to)
            thread = self._long.get(item.thread_id or "", item.thread_id)
            if reply:
                place = f" ↪ {reply}"
            if thread:
                place += f" ({self.t('console.in_thread', id=thread)})"
        if isinstance(item, Reaction):
            target = self._long.get(item.target_event or "", item.target_event)
            text = f"[{item.room_id}] 🤖 {item.reaction_key} → {target}"
            self._show(Said(item.room_id, short, "react", item.reaction_key, target))
        elif isinstance(item, Redaction):
            target = self._long.get(item.target_event or "", item.target_event)
            text = f"[{item.room_id}] 🤖 ✗ {target}"
            self._show(Said(item.room_id, short, "redact", "", target))
        elif isinstance(item, Edit):
            target = self._long.get(item.target_platform_id or "", item.target_platform_id or "?")
            edited = self.t("console.edited")
            text = f"[{item.room_id}] 🤖 {target} ({edited}) :\n{_indent(item.body)}"
            self._show(Said(item.room_id, target, "edit", item.body))
        elif isinstance(item, Direct):
            # the console has no private conversations: it shows who the message is for
            who = item.recipient or "?"
            text = (
                f"[{item.room_id} → {who}, en privé / privately] 🤖 {short}\n{_indent(item.body)}"
            )
            self._show(Said(who, short, "direct", item.body))
        elif isinstance(item, File):
            path = self._save_file(item)
            where = f" → {path}" if path else ""
            size = self.t("console.bytes", size=len(item.data))
            text = (
                f"[{item.room_id}] 🤖 {short}{place} 📎 {item.file_name} ({size}){where}\n"
                f"{_indent(item.body)}"
            )
            self._show(
                Said(
                    item.room_id,
                    short,
                    "file",
                    item.body,
                    reply,
                    path,
                    item.data,
                    thread,
                    item.file_name,
                    item.mime,
                )
            )
        elif isinstance(item, Text):
            text = f"[{item.room_id}] 🤖 {short}{place}\n{_indent(item.body)}"
            self._show(Said(item.room_id, short, "text", item.body, reply, thread=thread))
        else:
            assert_never(item)
        self.out(text)
        platform_id = f"console-{short}" if not isinstance(item, Edit) else f"console-{short}-edit"
        self._long[platform_id] = short
        return platform_id

    def _show(self, said: Said) -> None:
        self.transcript.append(said)

    def _save_file(self, item: File) -> Path | None:
        if self.files_dir is None:
            return None
        self.files_dir.mkdir(parents=True, exist_ok=True)
        path = self.files_dir / f"b{item.id}-{Path(item.file_name).name}"
        path.write_bytes(item.data)
        return path

    async def close(self) -> None:
        return None

    # -- the interactive loop ----------------------------------------------------------------------
    async def run(self, host: Host) -> None:
        if self._host is None:
            self.attach(host)
        self.out(self.t("console.welcome"))
        self.out(self.t("console.you_are_in", user=self.user, room=self.room))
        loop = asyncio.get_running_loop()
        while True:
            try:
                line = await loop.run_in_executor(None, _read_line, f"{self.user}@{self.room}> ")
            except EOFError:
                break
            try:
                if not await self.command_line(line):
                    break
                await host.flush()
            except Exception:
                # one line never ends the console: the error is in the log
                log.exception("the console could not handle a line")
                self.out(self.t("console.line_failed"))

    async def command_line(self, line: str) -> bool:
        """Handle one typed line; ``False`` means quit."""
        line = line.strip()
        if not line:
            return True
        if not line.startswith("/"):
            short = await self.say(line)
            self.out(f"   ({short})")
            return True
        word, _, rest = line[1:].partition(" ")
        args = rest.split()
        try:
            return await self._console_command(word.lower(), args, rest)
        except (KeyError, PermissionError) as err:
            self.out(str(err.args[0]) if err.args else self.t("console.missing"))
            return True
        except IndexError:
            self.out(self.t("console.missing"))
            return True

    async def _console_command(self, word: str, args: list[str], rest: str) -> bool:
        if word in ("quit", "exit", "q", "quitter"):
            return False
        if word in ("aide", "help", "h"):
            self.out(self.t("console.help"))
        elif word in ("as", "en", "user") and args:
            self.user = args[0].lstrip("@")
            self.out(self.t("console.you_are_now", user=self.user))
        elif word in ("room", "salon") and args:
            self.room = args[0].lstrip("#")
            self.out(self.t("console.room_now", room=self.room))
        elif word in ("dm", "mp", "prive"):
            self.room = f"{DIRECT}{self.user}"
            self.out(self.t("console.direct_now", room=self.room))
        elif word in ("fichier", "file") and args:
            short = await self.send_file(
                Path(args[0]), rest.split(" ", 1)[1] if len(args) > 1 else ""
            )
            self.out(f"   ({short})")
        elif word == "react" and len(args) >= 2:
            await self.react(args[0], args[1])
        elif word == "unreact" and len(args) >= 2:
            if not await self.unreact(args[0], args[1]):
                self.out(self.t("console.not_your_reaction"))
        elif word == "edit" and len(args) >= 2:
            await self.edit(args[0], rest.split(" ", 1)[1])
        elif word in ("delete", "del", "suppr") and args:
            await self.delete(args[0])
        elif word in ("thread", "fil") and len(args) >= 2:
            short = await self.say(rest.split(" ", 1)[1], thread=args[0])
            self.out(f"   ({short})")
        elif word == "role" and len(args) >= 2:
            role = Role.ADMIN if args[1].lower() in ("admin", "administrateur") else Role.MEMBER
            self.set_role(args[0], role)
            shown = self.t(f"console.role.{role.value}")
            self.out(self.t("console.role_set", user=args[0], role=shown, room=self.room))
        elif word in ("who", "qui"):
            shown = self.t(f"console.role.{self.role_of(self.user, self.room).value}")
            self.out(self.t("console.who", user=self.user, role=shown, room=self.room))
        else:
            self.out(self.t("console.unknown_command"))
        return True


def _indent(text: str) -> str:
    return "\n".join(f"    {line}" for line in text.splitlines())


def _read_line(prompt: str) -> str:
    if sys.stdin.isatty():
        return input(prompt)
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line
