"""The Matrix adapter's session: logging in (with the configured password or access token) or
restoring the saved session, logging in again when the homeserver ends it, and the account row
that keeps the device, the access token, the sync position and the transaction id prefix.
"""

from __future__ import annotations

import secrets
from typing import Any

from nio import LoginResponse, WhoamiResponse
from sqlmodel import Session

from bot import redact
from bot.matrix.connection import MatrixConnection, MatrixFatal, log
from storage.clock import now as clock_now
from storage.models import MatrixAccount


class MatrixSession(MatrixConnection):
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
            resp = await self._password_login()
            log.info("logged in as %s (device %s)", self.user_id, resp.device_id)
        await self._save_session()
        return row.next_batch if row else None

    async def _relogin(self) -> None:
        """The homeserver ended the session (``M_UNKNOWN_TOKEN``): log in again with the
        password, if there is one."""
        if not self.settings.password:
            raise MatrixFatal("the access token was refused (M_UNKNOWN_TOKEN)")
        log.warning("session ended by the homeserver; logging in again")
        await self.host.run_db(None, lambda db: self._store_account(db, access_token=""))
        self.client.access_token = ""
        await self._password_login()
        await self._save_session()

    async def _password_login(self) -> LoginResponse:
        s = self.settings
        resp = await self._retrying(
            lambda: self.client.login(password=s.password, device_name=s.device_name)
        )
        if not isinstance(resp, LoginResponse):
            raise MatrixFatal(f"login refused for {self.user_id}: {resp}")
        redact.register(resp.access_token)
        return resp

    async def _save_session(self) -> None:
        await self.host.run_db(
            None,
            lambda db: self._store_account(
                db, device_id=self.client.device_id, access_token=self.client.access_token
            ),
        )
