"""What the people at the console do: messages (in a thread too), files, reactions, edits and
deletions, each handed to the host as the neutral event a chat platform would give."""

from __future__ import annotations

from pathlib import Path

from bot.adapters.console.base import ConsoleBase
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


def _mentions(text: str) -> tuple[Mention, ...]:
    """The people a console line names: each id typed (``@bob``) is who it names. The console
    knows nobody's membership nor name: the room's records tell them."""
    return tuple(Mention(user_id=word, text=word) for word in typed_mentions(text))


class ConsoleUsers(ConsoleBase):
    """What users do (``say``, ``send_file``, ``react``, ``unreact``, ``edit``, ``delete``)."""

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
