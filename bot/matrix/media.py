"""Files through the Matrix homeserver: the bytes of a file sent with a command (from the
authenticated media API, else the legacy one; decrypted in an encrypted room), and the upload of a
file the bot sends.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

import aiohttp
from nio import UploadResponse

from bot.adapters.base import File
from bot.matrix import convert
from bot.matrix.connection import TRANSPORT_ERRORS, MatrixConnection, log
from commands.events import MAX_FILE_BYTES, Attachment


class MatrixMedia(MatrixConnection):
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
