"""The Matrix adapter, on matrix-nio's ``AsyncClient``, built from its parts in ``bot.matrix``:

- ``connection``: the client, the adapter's state, waiting out outages and rate limits;
- ``session``: logging in, the saved session and sync position;
- ``sync``: the sync loop, exactly once for every batch (see there);
- ``reading``: raw events read as neutral events (rules in ``convert``);
- ``membership``: room state, admin levels, invites, direct rooms, members' names;
- ``media``: files downloaded and uploaded;
- ``sending``: outgoing items sent with transaction ids derived from their outbox rows.
"""

from __future__ import annotations

from bot.adapters.base import Host
from bot.matrix.connection import MatrixFatal
from bot.matrix.sending import MatrixSending
from bot.matrix.sync import MatrixSync

__all__ = ["MatrixAdapter", "MatrixFatal"]


class MatrixAdapter(MatrixSync, MatrixSending):
    """The bot on one Matrix account: ``run`` syncs and hands events to the host, ``deliver``
    sends what the host gives it."""

    async def run(self, host: Host) -> None:
        self._host = host
        host.add_adapter(self)
        await self._sync_forever()
