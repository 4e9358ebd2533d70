"""The Matrix adapter's rooms and the people in them: the state it keeps per room, the admin
level of each room (its power levels read as roles), the invites it accepts or declines, the
direct rooms it opens, and the display names of members (from the room, else their profile).
"""

from __future__ import annotations

import dataclasses
from typing import Any

from nio import JoinResponse, RoomCreateResponse, RoomPreset, SyncResponse
from sqlmodel import Session

from bot.adapters.base import DeliveryError
from bot.matrix import convert
from bot.matrix.connection import TRANSPORT_ERRORS, MatrixConnection, log
from commands.events import Mention
from storage import cursors
from storage.clock import now as clock_now
from storage.models import DirectRoom


class MatrixMembership(MatrixConnection):
    async def _admin_levels(self, room_ids: list[str]) -> dict[str, int]:
        """The power level from which members of each room are its admins: the room's own
        (``!reglages admin``), else the configured one."""
        found = await self.host.cursors(cursors.MATRIX, cursors.ADMIN_LEVEL)
        return {
            room_id: int(found.get(f"{cursors.ADMIN_LEVEL}{room_id}", self.settings.admin_level))
            for room_id in room_ids
        }

    def _room(self, room_id: str) -> convert.RoomState:
        room = self.rooms.get(room_id)
        if room is None:
            room = self.rooms[room_id] = convert.RoomState(room_id)
        return room

    async def _join_invites(self, resp: SyncResponse) -> None:
        s = self.settings
        for room_id, info in resp.rooms.invite.items():
            inviter = convert.inviter_of([_invite_raw(e) for e in info.invite_state], self.user_id)
            if convert.invite_allowed(
                inviter, self.user_id, s.allowed_inviters, s.allowed_homeservers
            ):
                result = await self.client.join(room_id)
                if isinstance(result, JoinResponse):
                    log.info("joined %s (invited by %s)", room_id, inviter)
                else:
                    log.warning("could not join %s: %s", room_id, result)
            else:
                log.info("declining the invite to %s from %s (not allowed)", room_id, inviter)
                await self.client.room_leave(room_id)

    async def _known(
        self, room: convert.RoomState, mentions: tuple[Mention, ...]
    ) -> tuple[Mention, ...]:
        """``mentions`` with whether each is in the room, and the display names of those who
        are: from the room's member state, else their profile (the bot is never a member)."""
        found: list[Mention] = []
        for m in mentions:
            member = m.user_id != self.user_id and m.user_id in room.joined
            name = room.names.get(m.user_id, "")
            if member and not name:
                name = await self.profile_name(m.user_id)
            found.append(dataclasses.replace(m, member=member, display_name=name))
        return tuple(found)

    async def _names_of(self, room_id: str, users: list[str]) -> dict[str, str]:
        """The display names of ``users``, as the platform gives them: the room's member state,
        else their profile (asked once)."""
        room = self.rooms.get(room_id)
        found: dict[str, str] = {}
        for user in users:
            name = (room.names.get(user) if room else None) or await self.profile_name(user)
            if name:
                found[user] = name
        return found

    async def profile_name(self, user_id: str) -> str:
        """``user_id``'s display name from their profile ("" when they have none, or when the
        homeserver cannot say); remembered."""
        if user_id not in self._profiles:
            try:
                resp = await self.client.get_displayname(user_id)
            except TRANSPORT_ERRORS:
                return ""
            name = getattr(resp, "displayname", None)
            self._profiles.put(user_id, name if isinstance(name, str) else "")
        return str(self._profiles[user_id])

    async def _direct_room(self, user_id: str) -> str:
        """The bot's direct room with ``user_id``: the one it opened before while they are still
        in it (or invited), else a new one (a private chat they are invited to, marked direct)."""
        if not user_id.startswith("@"):
            raise DeliveryError(f"no direct room for {user_id!r}", permanent=True)
        known = await self.host.run_db(None, self._load_direct, user_id)
        room = self.client.rooms.get(known) if known else None
        if room is not None and (user_id in room.users or user_id in room.invited_users):
            return known or ""
        initial_state: list[dict[str, Any]] = []
        if self.settings.encryption:
            initial_state.append(
                {
                    "type": "m.room.encryption",
                    "state_key": "",
                    "content": {"algorithm": "m.megolm.v1.aes-sha2"},
                }
            )

        async def call() -> Any:
            return await self.client.room_create(
                is_direct=True,
                preset=RoomPreset.trusted_private_chat,
                invite=[user_id],
                initial_state=initial_state,
            )

        resp = await self._with_retries(call)
        if not isinstance(resp, RoomCreateResponse):
            raise self._delivery_error(resp)
        room_id = str(resp.room_id)
        await self.host.run_db(None, self._store_direct, user_id, room_id)
        log.info("opened a direct room with %s", user_id)
        return room_id

    def _load_direct(self, db: Session, user_id: str) -> str | None:
        row = db.get(DirectRoom, (self.platform, user_id))
        return row.room_id if row is not None else None

    def _store_direct(self, db: Session, user_id: str, room_id: str) -> None:
        row = db.get(DirectRoom, (self.platform, user_id))
        if row is None:
            row = DirectRoom(platform=self.platform, user_id=user_id, room_id=room_id)
        row.room_id = room_id
        row.created_at = clock_now()
        db.add(row)


def _invite_raw(ev: Any) -> dict[str, Any]:
    """An invite-state event as a dict (nio moves ``content`` out of ``source`` for these)."""
    raw = dict(getattr(ev, "source", None) or {})
    if "content" not in raw and isinstance(getattr(ev, "content", None), dict):
        raw["content"] = ev.content
    return raw
