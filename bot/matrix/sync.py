"""The Matrix adapter's sync loop.

Exactly once, in this order, for every sync batch: the events of the batch are handed together, in
order, to ``runtime.handle`` (each commits with its event id; the runtime groups them in few
transactions); only then is the batch's ``next_batch`` saved in the database. An event that cannot
be read is logged with a reference and skipped, so that no batch is fetched forever. A crash in between replays the batch, and the
runtime ignores the event ids it already handled.

First start (no saved position): the initial sync is taken as history and not acted on. After a
restart: one ``full_state`` sync rebuilds room state, and a ``limited`` timeline has its gap
fetched with ``/messages`` back to the saved position. Events from before the bot's own join in a
room are never acted on. The homeserver unreachable: the loop waits with backoff and goes on.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from nio import MessageDirection, RoomMessagesResponse, SyncResponse

from bot.matrix.connection import TRANSPORT_ERRORS, log
from bot.matrix.reading import MatrixReading
from bot.matrix.session import MatrixSession
from commands.events import AnyEvent


class MatrixSync(MatrixSession, MatrixReading):
    async def _sync_forever(self) -> None:
        """Log in, then sync until closed (``MatrixAdapter.run``)."""
        since = await self._login()
        self.ready.set()
        full_state = since is not None
        while not self._closing:
            try:
                resp = await self.client.sync(
                    timeout=0 if full_state or since is None else self.settings.sync_timeout_ms,
                    sync_filter=self._filter,
                    since=since,
                    full_state=True if full_state else None,
                )
            except TRANSPORT_ERRORS as err:
                await self._wait_reconnect(err)
                continue
            if not isinstance(resp, SyncResponse):
                await self._sync_failed(resp)
                continue
            self._reconnected()
            try:
                if since is None:
                    await self._first_batch(resp)
                else:
                    await self._batch(resp, since)
            except asyncio.CancelledError:
                raise
            except Exception as err:
                # nothing saved: the same batch is fetched again, handled events are skipped
                if isinstance(err, TRANSPORT_ERRORS):
                    await self._wait_reconnect(err)
                else:
                    log.exception("sync batch failed; it will be fetched again")
                    await asyncio.sleep(self._backoff.next())
                continue
            await self.host.run_db(
                None, lambda db, nb=resp.next_batch: self._store_account(db, next_batch=nb)
            )
            since = resp.next_batch
            full_state = False
            self.batches += 1
            self.synced.set()
            if self.settings.encryption:
                await self._crypto_housekeeping()

    async def _sync_failed(self, resp: Any) -> None:
        code = getattr(resp, "status_code", None)
        if code == "M_UNKNOWN_TOKEN":
            await self._relogin()
        elif code == "M_LIMIT_EXCEEDED":
            await asyncio.sleep((getattr(resp, "retry_after_ms", None) or 1000) / 1000)
        else:
            await self._wait_reconnect(f"sync error {code}")

    async def _crypto_housekeeping(self) -> None:
        c = self.client
        try:
            await c.send_to_device_messages()
            if c.should_upload_keys:
                await c.keys_upload()
            if c.should_query_keys:
                await c.keys_query()
            if c.should_claim_keys:
                await c.keys_claim(c.get_users_for_key_claiming())
        except TRANSPORT_ERRORS as err:
            log.debug("key exchange postponed: %s", err)

    async def _first_batch(self, resp: SyncResponse) -> None:
        """A fresh start: learn room state (and tell who is in each room), join pending
        invites, act on no history."""
        joined = list(resp.rooms.join.items())
        levels = await self._admin_levels([r for r, _ in joined])
        for room_id, info in joined:
            room = self._room(room_id)
            raws = [getattr(ev, "source", None) for ev in (*info.state, *info.timeline.events)]
            for raw in raws:
                if isinstance(raw, dict):
                    room.apply(raw)
            members = await self._members(room, raws, levels[room_id])
            await asyncio.gather(*(self.host.handle(event) for event in members))
        await self._join_invites(resp)

    async def _batch(self, resp: SyncResponse, since: str) -> None:
        host = self.host
        joined = list(resp.rooms.join.items())
        levels = await self._admin_levels([r for r, _ in joined])
        neutral: list[AnyEvent] = []
        for room_id, info in joined:
            room = self._room(room_id)
            events = [getattr(e, "source", None) for e in info.timeline.events]
            timeline = [e for e in events if isinstance(e, dict)]
            own_join = _last_own_join(timeline, self.user_id)
            if own_join is not None:
                # the bot joined during this batch: what came before is history
                history = [getattr(e, "source", None) for e in info.state]
                for raw in (*history, *timeline[: own_join + 1]):
                    if isinstance(raw, dict):
                        room.apply(raw)
                neutral += await self._members(
                    room, [*history, *timeline[: own_join + 1]], levels[room_id]
                )
                timeline = timeline[own_join + 1 :]
                before: list[dict[str, Any]] = []
            elif info.timeline.limited and info.timeline.prev_batch:
                before = await self._fetch_gap(room_id, info.timeline.prev_batch, since)
            else:
                before = []
            for raw in before:
                neutral += await self._read(room, raw, levels[room_id])
            if own_join is None:
                state = [getattr(ev, "source", None) for ev in info.state]
                for raw in state:
                    if isinstance(raw, dict):
                        room.apply(raw)
                neutral += await self._members(room, state, levels[room_id])
            for raw in timeline:
                neutral += await self._read(room, raw, levels[room_id])
        # the batch's events are handed over together, in order: the runtime handles them in few
        # transactions, and one person's flood does not hold up the others' commands
        await asyncio.gather(*(host.handle(event) for event in neutral))
        await self._join_invites(resp)

    async def _fetch_gap(self, room_id: str, start: str, since: str) -> list[dict[str, Any]]:
        """The events between the saved position and the start of a limited timeline, oldest
        first, stopping at the bot's own join (anything older is history)."""
        collected: list[dict[str, Any]] = []
        token = start
        while True:
            resp = await self.client.room_messages(
                room_id, start=token, end=since, direction=MessageDirection.back, limit=100
            )
            if not isinstance(resp, RoomMessagesResponse):
                raise RuntimeError(f"/messages failed in {room_id}: {resp}")
            stop = False
            for ev in resp.chunk:
                raw = getattr(ev, "source", None)
                if not isinstance(raw, dict):
                    continue
                if _is_own_join(raw, self.user_id):
                    stop = True
                    break
                collected.append(raw)
            if stop or not resp.chunk or not resp.end or resp.end == token:
                break
            token = resp.end
        collected.reverse()
        if collected:
            log.info("fetched %s events missed in %s", len(collected), room_id)
        return collected


def _is_own_join(raw: dict[str, Any], user_id: str) -> bool:
    content = raw.get("content")
    if not (
        raw.get("type") == "m.room.member"
        and raw.get("state_key") == user_id
        and isinstance(content, dict)
        and content.get("membership") == "join"
    ):
        return False
    unsigned = raw.get("unsigned")
    prev = unsigned.get("prev_content") if isinstance(unsigned, dict) else None
    # a join that follows a join is a profile change, not the bot arriving
    return not (isinstance(prev, dict) and prev.get("membership") == "join")


def _last_own_join(timeline: Iterable[dict[str, Any]], user_id: str) -> int | None:
    found = None
    for i, raw in enumerate(timeline):
        if _is_own_join(raw, user_id):
            found = i
    return found
