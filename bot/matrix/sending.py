"""Sending through Matrix: each outgoing item (a notice, a file, an edit, a reaction, a
redaction, a direct message) as its event, with a transaction id derived from its outbox row, so
that the homeserver collapses a send repeated after a crash into the first one; rate limits and
short outages are waited out (``MatrixConnection._with_retries``).
"""

from __future__ import annotations

from typing import Any, assert_never

from nio import RoomRedactResponse, RoomSendResponse

from bot.adapters.base import DeliveryError, Direct, Edit, File, Outgoing, Reaction, Redaction, Text
from bot.matrix import convert
from bot.matrix.media import MatrixMedia
from bot.matrix.membership import MatrixMembership


class MatrixSending(MatrixMembership, MatrixMedia):
    async def deliver(self, item: Outgoing) -> str | None:
        await self.ready.wait()
        txn = f"cagnotte-{self.txn_prefix}-{item.id}"
        if isinstance(item, Reaction):
            return await self._send(item.room_id, "m.reaction", convert.reaction_content(item), txn)
        if isinstance(item, Edit):
            content = convert.edit_content(item)
            return await self._send(item.room_id, "m.room.message", content, txn)
        if isinstance(item, Redaction):
            return await self._redact(item, txn)
        names = await self._names_of(item.room_id, convert.mentioned(item))
        if isinstance(item, Direct):
            room_id = await self._direct_room(item.recipient)
            content = convert.message_content(item, names)
            return await self._send(room_id, "m.room.message", content, txn)
        if isinstance(item, File):
            mxc = await self._upload(item)
            content = convert.file_content(item, mxc, names)
            return await self._send(item.room_id, "m.room.message", content, txn)
        if isinstance(item, Text):
            content = convert.message_content(item, names)
            return await self._send(item.room_id, "m.room.message", content, txn)
        assert_never(item)

    async def _send(self, room_id: str, event_type: str, content: dict[str, Any], txn: str) -> str:
        async def call() -> Any:
            return await self.client.room_send(
                room_id, event_type, content, tx_id=txn, ignore_unverified_devices=True
            )

        resp = await self._with_retries(call)
        if isinstance(resp, RoomSendResponse):
            return str(resp.event_id)
        raise self._delivery_error(resp)

    async def _redact(self, item: Redaction, txn: str) -> str | None:
        target = item.target_event
        if not target:
            raise DeliveryError("redaction without a target", permanent=True)

        async def call() -> Any:
            return await self.client.room_redact(item.room_id, target, tx_id=txn)

        resp = await self._with_retries(call)
        if isinstance(resp, RoomRedactResponse):
            return str(resp.event_id)
        raise self._delivery_error(resp)
