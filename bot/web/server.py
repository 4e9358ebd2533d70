"""The page server: aiohttp in the bot's own process, on the address of ``[web] listen``.

Every page sits behind a link ``/p/<token>/``: the token is checked on every request (by the
SHA-256 of the token, confirmed with ``hmac.compare_digest``: ``commands.page.open_link``), and
whatever it opens nothing for (unknown, revoked, the member gone, the page off) gets the same
plain 404. What a page shows is built by ``commands.ledger`` in a thread of its own (plain reads,
never in the way of the bot's writes), then rendered with Jinja2 (autoescaping on).

This module holds the server itself (its routes, every request's guard, the error pages, the
static files); the pages are built by ``bot.web.pages``, the live updates are
``bot.web.stream``, ``/healthz`` and ``/metrics`` are ``bot.web.health``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from importlib import resources
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined

from bot import metrics
from bot.config import WebSection
from bot.web.guard import RateLimit, client_address, secure
from bot.web.health import Health
from bot.web.pages import NotFound, Page, Pages
from bot.web.reads import Reads
from bot.web.stream import LiveStreams
from commands import i18n

if TYPE_CHECKING:
    from bot.runtime import Runtime

__all__ = ["NotFound", "Page", "PageServer"]

log = logging.getLogger(__name__)

STATIC = {"style.css": "text/css", "live.js": "text/javascript", "icon.svg": "image/svg+xml"}
MAX_NUMBER = 10**9


class PageServer:
    def __init__(self, runtime: Runtime, web_settings: WebSection) -> None:
        self.runtime = runtime
        self.engine = runtime.engine
        self.settings = runtime.settings
        self.web = web_settings
        self.prefix = urlsplit(web_settings.public_url).path.rstrip("/")
        self.limits = RateLimit(web_settings.requests_per_minute)
        self.jinja = Environment(
            loader=PackageLoader("bot.web", "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=StrictUndefined,
        )
        self.static = {
            name: resources.files("bot.web").joinpath("static", name).read_bytes()
            for name in STATIC
        }
        self._read = Reads()
        self.pages = Pages(runtime, self.jinja, self.prefix)
        self.health = Health(runtime, self._read)
        self.live = LiveStreams(
            self.engine, self._read, self.limits, web_settings.trust_forwarded, self._error
        )
        self.hub = self.live.hub
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.port = 0

    # -- running ------------------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        r = app.router
        p = self.prefix
        r.add_get(f"{p}/healthz", self.health.healthz)
        r.add_get(f"{p}/metrics", self.health.metrics)
        r.add_get(p + "/static/{name}", self._static)
        r.add_get(p + "/p/{token}", self._slash)
        r.add_get(p + "/p/{token}/", self._page("overview"))
        r.add_get(p + "/p/{token}/tour", self._page("round"))
        r.add_get(p + r"/p/{token}/tour/{number:\d{1,10}}", self._page("round"))
        r.add_get(p + "/p/{token}/enveloppes", self._page("envelopes"))
        r.add_get(p + r"/p/{token}/enveloppe/{number:\d{1,10}}", self._page("envelope"))
        r.add_get(p + "/p/{token}/journal", self._page("journal"))
        r.add_get(p + "/p/{token}/telechargements", self._page("downloads"))
        r.add_get(p + "/p/{token}/graphique.png", self._page("chart"))
        r.add_get(p + "/p/{token}/contributions.csv", self._page("contributions_csv"))
        r.add_get(p + r"/p/{token}/enveloppe-{number:\d{1,10}}.csv", self._page("envelope_csv"))
        r.add_get(p + "/p/{token}/evenements", self.live.handle)
        return app

    async def start(self) -> str:
        """Listen; returns the address the links point at."""
        self.runtime.committed.append(self.hub.touched)
        # no access log: every request's address holds a token
        self._runner = web.AppRunner(
            self.app(), access_log=None, handle_signals=False, shutdown_timeout=1
        )
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.web.host, self.web.port)
        await site.start()
        server = getattr(site, "_server", None)
        sockets = getattr(server, "sockets", None) or []
        self.port = int(sockets[0].getsockname()[1]) if sockets else self.web.port
        self.url = self.web.base_url(self.port)
        return self.url

    async def stop(self) -> None:
        with contextlib.suppress(ValueError):
            self.runtime.committed.remove(self.hub.touched)
        await self.live.close()
        if self._runner is not None:
            await self._runner.cleanup()
        self._read.shutdown()

    # -- every request --------------------------------------------------------------------------
    @web.middleware
    async def _guard(
        self, request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        address = client_address(request, self.web.trust_forwarded)
        now = asyncio.get_running_loop().time()
        private = "/p/" in request.path
        if not self.limits.allow(address, now):
            response: web.StreamResponse = self._error(429)
            response.headers["Retry-After"] = str(self.limits.retry_after(address))
        else:
            try:
                response = await handler(request)
            except web.HTTPException as exc:
                response = self._error(exc.status) if exc.status >= 400 else exc
            except NotFound:
                response = self._error(404)
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("the page %s failed", request.path.split("/p/")[0] or "/")
                metrics.ERRORS.labels("page").inc()
                response = self._error(500)
        if response.status == 404 and private:
            self.limits.missed(address, now)
        if not response.prepared:
            secure(response, private=private or response.status >= 400)
        return response

    def _error(self, status: int) -> web.Response:
        kind = {404: "not_found", 429: "too_many"}.get(status, "error")
        html = self.jinja.get_template("error.html").render(
            kind=kind,
            static=f"{self.prefix}/static/",
            fr=lambda key: i18n.t("fr", f"page.web.{key}"),
            en=lambda key: i18n.t("en", f"page.web.{key}"),
        )
        return web.Response(status=status, text=html, content_type="text/html")

    # -- plain routes --------------------------------------------------------------------------
    async def _static(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        if name not in STATIC:
            raise NotFound
        response = web.Response(body=self.static[name], content_type=STATIC[name])
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response

    async def _slash(self, request: web.Request) -> web.Response:
        raise web.HTTPFound(f"{request.path}/")

    # -- pages ------------------------------------------------------------------------------------
    def _page(self, name: str) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handler(request: web.Request) -> web.Response:
            started = time.perf_counter()
            token = request.match_info["token"]
            number = request.match_info.get("number")
            if number is not None and int(number) >= MAX_NUMBER:
                raise NotFound
            query = {k: v[:200] for k, v in request.query.items()}
            page = await self._read(
                self.pages.build, name, token, int(number) if number else None, query
            )
            metrics.PAGE_SECONDS.labels(name).observe(time.perf_counter() - started)
            response = web.Response(status=page.status, body=page.body)
            response.content_type = page.content_type
            if page.content_type.startswith("text/"):
                response.charset = "utf-8"
            if page.filename:
                response.headers["Content-Disposition"] = (
                    f'attachment; filename="{page.filename}"; '
                    f"filename*=UTF-8''{quote(page.filename)}"
                )
            return response

        return handler
