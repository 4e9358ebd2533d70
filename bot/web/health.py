"""The page server's plain routes for operators: ``/healthz`` (the database and every chat
platform alive) and ``/metrics`` (Prometheus figures, ``bot.metrics``)."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from aiohttp import web
from sqlalchemy import func, text
from sqlmodel import Session, col, select

from bot import metrics
from bot.web.reads import Reads
from storage.models import BotMessage

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)


class Health:
    """``/healthz`` and ``/metrics``, read in the reading threads."""

    def __init__(self, runtime: Runtime, read: Reads) -> None:
        self.runtime = runtime
        self.engine = runtime.engine
        self._read = read

    async def healthz(self, request: web.Request) -> web.Response:
        try:
            async with asyncio.timeout(5):
                await self._read(self._ping_database)
            database = "ok"
        except Exception as err:
            log.warning("health: the database does not answer: %s", type(err).__name__)
            database = "unavailable"
        chat: dict[str, dict[str, Any]] = {}
        for name, adapter in sorted(self.runtime.adapters.items()):
            health = getattr(adapter, "health", None)
            alive, ago = health() if callable(health) else (True, None)
            chat[name] = {
                "alive": alive,
                "seconds_since_heard": round(ago, 1) if ago is not None else None,
            }
        ok = database == "ok" and all(c["alive"] for c in chat.values())
        body = {"status": "ok" if ok else "unavailable", "database": database, "chat": chat}
        return web.json_response(body, status=200 if ok else 503)

    def _ping_database(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    async def metrics(self, request: web.Request) -> web.Response:
        lags: dict[str, float | None] = {}
        for name, adapter in self.runtime.adapters.items():
            health = getattr(adapter, "health", None)
            if callable(health):
                lags[name] = health()[1]
        body = await self._read(
            metrics.exposition, metrics.LiveFigures(self._outbox_depth, lambda: lags)
        )
        return web.Response(
            body=body, headers={"Content-Type": "text/plain; version=0.0.4; charset=utf-8"}
        )

    def _outbox_depth(self) -> int:
        with Session(self.engine) as db:
            return int(
                db.exec(
                    select(func.count())
                    .select_from(BotMessage)
                    .where(col(BotMessage.sent_at).is_(None))
                ).one()
            )
