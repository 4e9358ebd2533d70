"""Reading the events of a Matrix room: each raw event as the neutral event for the runtime (a
malformed or unreadable one skipped with a reference in the log), the room's state updated with it,
an edit's original sender asked of the homeserver when not remembered, mentions told whether they
are members, a command's file fetched; and the members the bot did not see join.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any

from nio import RoomGetEventResponse

from bot.matrix import convert
from bot.matrix.connection import TRANSPORT_ERRORS, log
from bot.matrix.media import MatrixMedia
from bot.matrix.membership import MatrixMembership
from commands.core import error_reference
from commands.events import AnyEvent, Message


class MatrixReading(MatrixMembership, MatrixMedia):
    async def _members(
        self, room: convert.RoomState, raws: list[Any], admin_level: int
    ) -> list[AnyEvent]:
        """Who is in the room, to tell the runtime, from membership state the bot did not see
        happen (members who joined before the bot, or during a gap): commands that name
        people only accept the room's members. Each is handed once (by its event id)."""
        latest: dict[str, dict[str, Any]] = {}
        for raw in raws:
            if (
                isinstance(raw, dict)
                and raw.get("type") == "m.room.member"
                and isinstance(raw.get("state_key"), str)
            ):
                latest[raw["state_key"]] = raw
        found: list[AnyEvent] = []
        for raw in latest.values():
            found += await self._read(room, raw, admin_level, apply_state=False)
        return found

    async def _read(
        self,
        room: convert.RoomState,
        raw: dict[str, Any],
        admin_level: int,
        apply_state: bool = True,
    ) -> list[AnyEvent]:
        """The neutral event for one raw event (none for a malformed one, logged and skipped),
        the room's state updated with it. Whatever reading one event raises skips that event
        alone, with a reference in the log: the batch goes on and its position is saved."""
        try:
            return await self._convert(room, raw, admin_level, apply_state)
        except asyncio.CancelledError:
            raise
        except TRANSPORT_ERRORS:
            raise
        except Exception:
            event_id = str(raw.get("event_id"))[:255]
            log.exception(
                "could not read event %s in %s (reference %s); skipped",
                event_id[:80],
                room.room_id,
                error_reference(event_id),
            )
            return []

    async def _convert(
        self,
        room: convert.RoomState,
        raw: dict[str, Any],
        admin_level: int,
        apply_state: bool = True,
    ) -> list[AnyEvent]:
        try:
            event = convert.to_neutral(
                raw,
                room,
                bot_user_id=self.user_id,
                admin_level=admin_level,
                admins=self.admins,
                recent=self.recent,
                encryption=self.settings.encryption,
            )
        except convert.Malformed as err:
            event = None
            log.warning(
                "skipping a malformed %s event %s in %s: %s",
                str(raw.get("type"))[:64],
                str(raw.get("event_id"))[:80],
                room.room_id,
                err,
            )
        if apply_state:
            room.apply(raw)  # after conversion: the sender's level is the one before the change
        if isinstance(event, Message) and event.edit_of and event.edit_of_sender is None:
            event = dataclasses.replace(
                event, edit_of_sender=await self._sender_of(room.room_id, event.edit_of)
            )
        if isinstance(event, Message) and event.mentions:
            event = dataclasses.replace(event, mentions=await self._known(room, event.mentions))
        if (
            isinstance(event, Message)
            and event.files
            and event.body.lstrip().startswith(self.host.settings.prefix)
        ):
            # a command sent with a file (``!importer``): the file comes with it
            data = await self._file_bytes(raw.get("content") or {}, event.files[0])
            event = dataclasses.replace(
                event, files=(dataclasses.replace(event.files[0], data=data),)
            )
        return [event] if event is not None else []

    async def _sender_of(self, room_id: str, event_id: str) -> str | None:
        """Who sent ``event_id``, as the homeserver says (``None`` if it cannot say: the edit
        that points at it is then not trusted)."""
        try:
            resp = await self.client.room_get_event(room_id, event_id)
        except TRANSPORT_ERRORS as err:
            log.warning("could not fetch %s to check an edit's sender: %s", event_id, err)
            return None
        if isinstance(resp, RoomGetEventResponse):
            sender = getattr(resp.event, "sender", None)
            return sender if isinstance(sender, str) else None
        return None
