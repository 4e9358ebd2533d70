"""The Matrix adapter, on matrix-nio's ``AsyncClient``.

Exactly once, in this order, for every sync batch: the events of the batch are handed together, in
order, to ``runtime.handle`` (each commits with its event id; the runtime groups them in few
transactions); only then is the batch's ``next_batch`` saved in the database. An event that cannot
be read is logged with a reference and skipped, so that no batch is fetched forever. A crash in between replays the batch, and the
runtime ignores the event ids it already handled. Nothing the bot sends is lost either: answers
are outbox rows, sent with a transaction id derived from the row, so the homeserver collapses a
send repeated after a crash into the first one.

First start (no saved position): the initial sync is taken as history and not acted on. After a
restart: one ``full_state`` sync rebuilds room state, and a ``limited`` timeline has its gap
fetched with ``/messages`` back to the saved position. Events from before the bot's own join in a
room are never acted on.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import logging
import secrets
from collections.abc import Iterable
from typing import Any, assert_never
from urllib.parse import quote

import aiohttp
from nio import (
    AsyncClient,
    AsyncClientConfig,
    ErrorResponse,
    JoinResponse,
    LoginResponse,
    MessageDirection,
    RoomCreateResponse,
    RoomGetEventResponse,
    RoomMessagesResponse,
    RoomPreset,
    RoomRedactResponse,
    RoomSendResponse,
    SyncResponse,
    UploadResponse,
    WhoamiResponse,
)
from sqlmodel import Session

from bot import redact
from bot.adapters.base import (
    DeliveryError,
    Direct,
    Edit,
    File,
    Host,
    Outgoing,
    Reaction,
    Redaction,
    Text,
)
from bot.matrix import convert
from bot.matrix.backoff import Backoff
from bot.matrix.settings import MatrixSettings
from bot.private import private_dir
from commands.core import error_reference
from commands.events import MAX_FILE_BYTES, AnyEvent, Attachment, Mention, Message
from storage import cursors
from storage.clock import now as clock_now
from storage.models import DirectRoom, MatrixAccount

log = logging.getLogger(__name__)

TRANSPORT_ERRORS = (aiohttp.ClientError, asyncio.TimeoutError, TimeoutError, OSError)
PERMANENT_SEND_ERRORS = {"M_FORBIDDEN", "M_BAD_JSON", "M_NOT_JSON", "M_TOO_LARGE", "M_NOT_FOUND"}


class MatrixFatal(Exception):
    """The bot cannot go on (credentials refused, ...)."""


class MatrixAdapter:
    platform = "matrix"

    def __init__(self, settings: MatrixSettings) -> None:
        self.settings = settings
        self.user_id = settings.user_id
        if not log.isEnabledFor(logging.DEBUG):
            # nio logs every state event at INFO and dumps schemas for odd events; this adapter
            # logs what matters (joins, skipped events, reconnections) itself
            logging.getLogger("nio").setLevel(logging.ERROR)
        redact.register(settings.password, settings.access_token)
        if settings.encryption:
            private_dir(settings.store_path)  # the encryption keys: for the owner only
        self.client = AsyncClient(
            settings.homeserver,
            settings.user_id,
            device_id=settings.device_id or None,
            store_path=settings.store_path if settings.encryption else "",
            config=AsyncClientConfig(
                # surface M_LIMIT_EXCEEDED and connection errors instead of nio retrying them
                # forever; this adapter does its own waiting and backoff
                max_limit_exceeded=0,
                max_timeouts=0,
                request_timeout=max(60, settings.sync_timeout_ms / 1000 + 30),
                encryption_enabled=settings.encryption,
                store_sync_tokens=False,
            ),
        )
        self.rooms: dict[str, convert.RoomState] = {}
        self.recent = convert.Recent()
        self._profiles = convert.Lru(4096)  # user id -> display name from their profile
        self.admins = frozenset(settings.admins)
        self.txn_prefix = ""
        self.ready = asyncio.Event()
        self.synced = asyncio.Event()  # set after each saved batch (tests and benchmarks)
        self.batches = 0
        self.rate_limited = 0  # sends that had to wait for the homeserver's rate limit
        self.last_heard: float | None = None  # loop time of the latest sync answer
        self._host: Host | None = None
        self._closing = False
        self._backoff = Backoff(cap=settings.reconnect_max_seconds)
        self._filter: dict[str, Any] = {
            "presence": {"types": []},
            "account_data": {"types": []},
            "room": {
                "timeline": {"limit": settings.timeline_limit},
                "ephemeral": {"types": []},
                "account_data": {"types": []},
            },
        }

    @property
    def host(self) -> Host:
        if self._host is None:
            raise RuntimeError("the Matrix adapter is not running")
        return self._host

    # -- the account row ----------------------------------------------------------------------
    def _load_account(self, db: Session) -> MatrixAccount | None:
        return db.get(MatrixAccount, self.user_id)

    def _store_account(self, db: Session, **values: Any) -> None:
        row = db.get(MatrixAccount, self.user_id) or MatrixAccount(user_id=self.user_id)
        for key, value in values.items():
            setattr(row, key, value)
        if not row.txn_prefix:
            row.txn_prefix = secrets.token_hex(6)
        row.updated_at = clock_now()
        db.add(row)
        self.txn_prefix = row.txn_prefix

    async def _admin_levels(self, room_ids: list[str]) -> dict[str, int]:
        """The power level from which members of each room are its admins: the room's own
        (``!reglages admin``), else the configured one."""
        found = await self.host.cursors(cursors.MATRIX, cursors.ADMIN_LEVEL)
        return {
            room_id: int(found.get(f"{cursors.ADMIN_LEVEL}{room_id}", self.settings.admin_level))
            for room_id in room_ids
        }

    # -- login ------------------------------------------------------------------------------------
    async def _login(self) -> str | None:
        """Log in (or restore the saved session); returns the saved sync position."""
        s = self.settings
        row = await self.host.run_db(None, self._load_account)
        if row is not None:
            redact.register(row.access_token)
        if row and row.access_token and row.device_id:
            self.client.restore_login(self.user_id, row.device_id, row.access_token)
            self.txn_prefix = row.txn_prefix
            if not self.txn_prefix:
                await self.host.run_db(None, self._store_account)
            return row.next_batch
        if s.access_token:
            self.client.access_token = s.access_token
            device = s.device_id
            if not device:
                who = await self._retrying(self.client.whoami)
                if not isinstance(who, WhoamiResponse) or not who.device_id:
                    raise MatrixFatal(f"access token refused or without a device: {who}")
                device = who.device_id
            self.client.restore_login(self.user_id, device, s.access_token)
        else:
            resp = await self._retrying(
                lambda: self.client.login(password=s.password, device_name=s.device_name)
            )
            if not isinstance(resp, LoginResponse):
                raise MatrixFatal(f"login refused for {self.user_id}: {resp}")
            redact.register(resp.access_token)
            log.info("logged in as %s (device %s)", self.user_id, resp.device_id)
        await self.host.run_db(
            None,
            lambda db: self._store_account(
                db, device_id=self.client.device_id, access_token=self.client.access_token
            ),
        )
        return row.next_batch if row else None

    async def _retrying(self, call: Any) -> Any:
        """Call ``call()`` until the homeserver answers something other than "wait"."""
        while not self._closing:
            try:
                resp = await call()
            except TRANSPORT_ERRORS as err:
                await self._wait_reconnect(err)
                continue
            if isinstance(resp, ErrorResponse) and resp.status_code == "M_LIMIT_EXCEEDED":
                await asyncio.sleep((resp.retry_after_ms or 1000) / 1000)
                continue
            self._reconnected()
            return resp
        raise asyncio.CancelledError

    async def _wait_reconnect(self, err: BaseException | str) -> None:
        delay = self._backoff.next()
        reason = err if isinstance(err, str) else type(err).__name__
        if self._backoff.failures == 1:
            log.warning("homeserver unreachable (%s); retrying with backoff", reason)
        elif self._backoff.failures % 10 == 0:
            log.warning("homeserver still unreachable after %s tries", self._backoff.failures)
        else:
            log.debug("homeserver unreachable (%s); next try in %.1fs", reason, delay)
        await asyncio.sleep(delay)

    def _reconnected(self) -> None:
        self.last_heard = asyncio.get_running_loop().time()
        if self._backoff.failures:
            log.info("homeserver reachable again after %s failed tries", self._backoff.failures)
        self._backoff.reset()

    # -- the sync loop -------------------------------------------------------------------------
    async def run(self, host: Host) -> None:
        self._host = host
        host.add_adapter(self)
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
            await host.run_db(
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
            if not self.settings.password:
                raise MatrixFatal("the access token was refused (M_UNKNOWN_TOKEN)")
            log.warning("session ended by the homeserver; logging in again")
            await self.host.run_db(None, lambda db: self._store_account(db, access_token=""))
            self.client.access_token = ""
            resp2 = await self._retrying(
                lambda: self.client.login(
                    password=self.settings.password, device_name=self.settings.device_name
                )
            )
            if not isinstance(resp2, LoginResponse):
                raise MatrixFatal(f"login refused for {self.user_id}: {resp2}")
            redact.register(resp2.access_token)
            await self.host.run_db(
                None,
                lambda db: self._store_account(
                    db, device_id=self.client.device_id, access_token=self.client.access_token
                ),
            )
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

    async def _file_bytes(self, content: dict[str, Any], file: Attachment) -> bytes | None:
        """The bytes of an ``m.file`` (decrypted in an encrypted room), or ``None`` when it is
        larger than ``MAX_FILE_BYTES`` or cannot be fetched (the command then says so)."""
        source = convert.file_source(content)
        if source is None or (file.size is not None and file.size > MAX_FILE_BYTES):
            return None
        url, keys = source
        server, _, media_id = url.removeprefix("mxc://").partition("/")
        if not server or not media_id or "/" in media_id:
            return None
        data = await self._download(server, media_id)
        if data is None or keys is None:
            return data
        try:
            from nio.crypto.attachments import decrypt_attachment

            return bytes(
                decrypt_attachment(data, keys["key"]["k"], keys["hashes"]["sha256"], keys["iv"])
            )
        except Exception as err:  # a key or a hash that does not fit: the file stays unread
            log.warning("could not decrypt the file %s: %s", url, err)
            return None

    async def _download(self, server: str, media_id: str) -> bytes | None:
        """A file from the homeserver's authenticated media API (Matrix 1.11), else from the
        legacy one; ``None`` if neither gives it within ``MAX_FILE_BYTES``."""
        path = f"{quote(server)}/{quote(media_id)}"
        url = f"{self.settings.homeserver.rstrip('/')}/_matrix/client/v1/media/download/{path}"
        headers = {"Authorization": f"Bearer {self.client.access_token}"}
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60)) as session,
                session.get(url, headers=headers) as resp,
            ):
                if resp.status == 200:
                    data = await resp.content.read(MAX_FILE_BYTES + 1)
                    return data if len(data) <= MAX_FILE_BYTES else None
                if resp.status not in (400, 404):
                    log.warning(
                        "could not fetch mxc://%s/%s: HTTP %s", server, media_id, resp.status
                    )
                    return None
            legacy = await self.client.download(server_name=server, media_id=media_id)
        except TRANSPORT_ERRORS as err:
            log.warning("could not fetch mxc://%s/%s: %s", server, media_id, err)
            return None
        body = getattr(legacy, "body", None)
        if isinstance(body, bytes) and len(body) <= MAX_FILE_BYTES:
            return body
        return None

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

    # -- sending --------------------------------------------------------------------------------------
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

    def health(self) -> tuple[bool, float | None]:
        """Whether syncs come back, and how many seconds ago the latest one did."""
        if self.last_heard is None:
            return False, None
        ago = asyncio.get_running_loop().time() - self.last_heard
        return ago <= self.settings.sync_timeout_ms / 1000 + 60, ago

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

    async def _upload(self, item: File) -> str:
        data = item.data

        async def call() -> Any:
            resp, _keys = await self.client.upload(
                io.BytesIO(data),
                content_type=item.mime or "application/octet-stream",
                filename=item.file_name or "file",
                filesize=len(data),
            )
            return resp

        resp = await self._with_retries(call)
        if isinstance(resp, UploadResponse):
            return str(resp.content_uri)
        raise self._delivery_error(resp)

    async def _with_retries(self, call: Any) -> Any:
        """Wait out rate limits (``retry_after_ms``) and short outages, then give up with a
        retriable ``DeliveryError`` (the runtime tries again later)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settings.send_retry_seconds
        backoff = Backoff(cap=self.settings.reconnect_max_seconds)
        while True:
            try:
                resp = await call()
            except TRANSPORT_ERRORS as err:
                if loop.time() > deadline:
                    raise DeliveryError(f"homeserver unreachable: {type(err).__name__}") from err
                await asyncio.sleep(backoff.next())
                continue
            if isinstance(resp, ErrorResponse) and resp.status_code == "M_LIMIT_EXCEEDED":
                wait = (resp.retry_after_ms or 1000) / 1000
                self.rate_limited += 1
                log.debug("rate limited; waiting %.1fs", wait)
                await asyncio.sleep(wait)
                continue
            return resp

    @staticmethod
    def _delivery_error(resp: Any) -> DeliveryError:
        """A refused send: permanent when retrying cannot help (a known code, or any 4xx
        answer but 429: the request itself is wrong), else retriable (5xx, outages)."""
        code = getattr(resp, "status_code", None)
        http = getattr(getattr(resp, "transport_response", None), "status", None)
        client_error = isinstance(http, int) and 400 <= http < 500 and http != 429
        return DeliveryError(
            f"{code} (HTTP {http}): {getattr(resp, 'message', resp)}",
            permanent=code in PERMANENT_SEND_ERRORS or client_error,
        )

    async def close(self) -> None:
        self._closing = True
        with contextlib.suppress(Exception):
            await self.client.close()


def _invite_raw(ev: Any) -> dict[str, Any]:
    """An invite-state event as a dict (nio moves ``content`` out of ``source`` for these)."""
    raw = dict(getattr(ev, "source", None) or {})
    if "content" not in raw and isinstance(getattr(ev, "content", None), dict):
        raw["content"] = ev.content
    return raw


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
