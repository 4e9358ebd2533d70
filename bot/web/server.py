"""The page server: aiohttp in the bot's own process, on the address of ``[web] listen``.

Every page sits behind a link ``/p/<token>/``: the token is checked on every request (by the
SHA-256 of the token, confirmed with ``hmac.compare_digest``: ``commands.page.open_link``), and
whatever it opens nothing for (unknown, revoked, the member gone, the page off) gets the same
plain 404. What a page shows is built by ``commands.ledger`` in a thread of its own (plain reads,
never in the way of the bot's writes), then rendered with Jinja2 (autoescaping on).
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote, urlsplit

from aiohttp import web
from jinja2 import Environment, PackageLoader, StrictUndefined
from sqlalchemy import func, text
from sqlmodel import Session, col, select

from bot import metrics
from bot.config import WebSection
from bot.web.guard import MAX_STREAMS, RateLimit, client_address, secure
from bot.web.live import Hub
from commands import i18n, ledger
from commands.page import Access, open_link
from storage.ledger import latest_change
from storage.models import BotMessage, Room

if TYPE_CHECKING:
    from bot.runtime import Runtime

log = logging.getLogger(__name__)
T = TypeVar("T")

STATIC = {"style.css": "text/css", "live.js": "text/javascript", "icon.svg": "image/svg+xml"}
MAX_NUMBER = 10**9
CHARTS_KEPT = 64
HEARTBEAT = 20.0  # seconds between two signs of life on a live connection
NAV = (
    ("overview", ""),
    ("round", "tour"),
    ("envelopes", "enveloppes"),
    ("journal", "journal"),
    ("downloads", "telechargements"),
)


class NotFound(Exception):
    """The link opens nothing, or what it names does not exist: a plain 404."""


@dataclass
class Page:
    """What a page request produced in the reading thread."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html"
    filename: str = ""


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
        self._reads = ThreadPoolExecutor(max_workers=2, thread_name_prefix="cagnotte-page")
        self.hub = Hub(self._version)
        self._charts: OrderedDict[tuple[Any, ...], tuple[bool, str, bytes | None]] = OrderedDict()
        self._charts_lock = threading.Lock()
        self._runner: web.AppRunner | None = None
        self._streams: set[asyncio.Task[Any]] = set()
        self.url = ""
        self.port = 0

    # -- running ------------------------------------------------------------------------------
    def app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        r = app.router
        p = self.prefix
        r.add_get(f"{p}/healthz", self._healthz)
        r.add_get(f"{p}/metrics", self._metrics)
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
        r.add_get(p + "/p/{token}/evenements", self._events)
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
        for task in list(self._streams):
            task.cancel()
        await self.hub.close()
        if self._runner is not None:
            await self._runner.cleanup()
        self._reads.shutdown(wait=False, cancel_futures=True)

    async def _read(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._reads, fn, *args)

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

    async def _healthz(self, request: web.Request) -> web.Response:
        try:
            await asyncio.wait_for(self._read(self._ping_database), 5)
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

    async def _metrics(self, request: web.Request) -> web.Response:
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

    async def _version(self, room_id: str) -> int:
        return await self._read(self._read_version, room_id)

    def _read_version(self, room_id: str) -> int:
        with Session(self.engine) as db:
            return latest_change(db, room_id)

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
                self._build, name, token, int(number) if number else None, query
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

    def _build(self, name: str, token: str, number: int | None, query: dict[str, str]) -> Page:
        """Check the link and build the page, in one session (in the reading thread)."""
        with Session(self.engine) as db:
            access = open_link(db, token)
            if access is None:
                raise NotFound
            room = db.get(Room, access.room_id)
            if room is None:
                raise NotFound
            reader = ledger.Reader(db, room, self.settings, self.runtime.clock())
            builder = getattr(self, f"_build_{name}")
            page: Page = builder(reader, access, token, number, query)
            return page

    def _html(
        self,
        template: str,
        r: ledger.Reader,
        access: Access,
        token: str,
        current: str,
        **values: Any,
    ) -> Page:
        root = f"{self.prefix}/p/{token}/"
        context = {
            "lang": r.lang,
            "w": r.w,
            "room": r.room.name or r.room.id,
            "root": root,
            "static": f"{self.prefix}/static/",
            "events": f"{root}evenements",
            "nav": [(r.w(key), f"{root}{path}", key == current) for key, path in NAV],
            "updated": r.w("updated", time=r.when(r.now)),
            "whose": r.w("as_member" if access.user_id else "as_public"),
            **values,
        }
        html = self.jinja.get_template(template).render(context)
        return Page(body=html.encode("utf-8"))

    def _build_overview(
        self,
        r: ledger.Reader,
        access: Access,
        token: str,
        number: int | None,
        query: dict[str, str],
    ) -> Page:
        key = query.get("periode", ledger.PERIODS[0])
        view = ledger.overview(r, key, chart=self._chart(r, key)[:2])
        return self._html("overview.html", r, access, token, "overview", view=view)

    def _build_round(
        self,
        r: ledger.Reader,
        access: Access,
        token: str,
        number: int | None,
        query: dict[str, str],
    ) -> Page:
        view = ledger.round_view(r, number, _int(query.get("page")) or 1)
        if view is None and number is not None:
            raise NotFound
        return self._html("round.html", r, access, token, "round", view=view)

    def _build_envelopes(
        self,
        r: ledger.Reader,
        access: Access,
        token: str,
        number: int | None,
        query: dict[str, str],
    ) -> Page:
        rows = ledger.envelopes_table(r)
        return self._html("envelopes.html", r, access, token, "envelopes", rows=rows)

    def _build_envelope(
        self,
        r: ledger.Reader,
        access: Access,
        token: str,
        number: int | None,
        query: dict[str, str],
    ) -> Page:
        assert number is not None
        view = ledger.envelope_view(r, number)
        if view is None:
            raise NotFound
        return self._html("envelope.html", r, access, token, "envelopes", view=view)

    def _build_journal(
        self,
        r: ledger.Reader,
        access: Access,
        token: str,
        number: int | None,
        query: dict[str, str],
    ) -> Page:
        view = ledger.journal_view(
            r,
            person=query.get("personne", ""),
            project=query.get("projet", ""),
            kind=query.get("type", ""),
            before=_int(query.get("avant")),
            after=_int(query.get("apres")),
        )
        return self._html("journal.html", r, access, token, "journal", view=view)

    def _build_downloads(
        self,
        r: ledger.Reader,
        access: Access,
        token: str,
        number: int | None,
        query: dict[str, str],
    ) -> Page:
        view = ledger.downloads(r)
        return self._html("downloads.html", r, access, token, "downloads", view=view)

    def _build_chart(
        self,
        r: ledger.Reader,
        access: Access,
        token: str,
        number: int | None,
        query: dict[str, str],
    ) -> Page:
        _, _, png = self._chart(r, query.get("periode", ledger.PERIODS[0]), image=True)
        if png is None:
            raise NotFound
        return Page(body=png, content_type="image/png")

    def _chart(
        self, r: ledger.Reader, key: str, *, image: bool = False
    ) -> tuple[bool, str, bytes | None]:
        """(has a chart, its text alternative, the PNG when ``image``), kept until the room's
        ledger changes (or the day does)."""
        key = key if key in ledger.PERIODS else ledger.PERIODS[0]
        cache_key = (r.room.id, key, r.lang, r.today, latest_change(r.db, r.room.id))
        with self._charts_lock:
            found = self._charts.get(cache_key)
        if found is None or (image and found[0] and found[2] is None):
            has, alt = ledger.chart_title(r, key)
            png = ledger.chart_png(r, key) if has and image else None
            found = (has, alt, png)
            with self._charts_lock:
                self._charts[cache_key] = found
                while len(self._charts) > CHARTS_KEPT:
                    self._charts.popitem(last=False)
        return found

    def _build_contributions_csv(
        self,
        r: ledger.Reader,
        access: Access,
        token: str,
        number: int | None,
        query: dict[str, str],
    ) -> Page:
        name, data = ledger.contributions_file(
            r,
            query.get("periode"),
            start=_day(query.get("du")),
            end=_day(query.get("au")),
            project_id=_int(query.get("projet")),
        )
        return Page(body=data, content_type="text/csv", filename=name)

    def _build_envelope_csv(
        self,
        r: ledger.Reader,
        access: Access,
        token: str,
        number: int | None,
        query: dict[str, str],
    ) -> Page:
        assert number is not None
        found = ledger.envelope_csv(r, number)
        if found is None:
            raise NotFound
        return Page(body=found[1], content_type="text/csv", filename=found[0])

    # -- live updates -------------------------------------------------------------------------------
    async def _events(self, request: web.Request) -> web.StreamResponse:
        """Server-sent events: ``ledger`` with the ledger's version now and whenever it moves,
        ``gone`` when the link stops working."""
        token = request.match_info["token"]
        address = client_address(request, self.web.trust_forwarded)
        opened = await self._read(self._access_and_version, token)
        if opened is None:
            raise NotFound
        if self.limits.streams.get(address, 0) >= MAX_STREAMS:
            return self._error(429)
        access, version = opened
        response = web.StreamResponse(
            headers={"Content-Type": "text/event-stream", "X-Accel-Buffering": "no"}
        )
        secure(response, private=True)
        await response.prepare(request)
        self.limits.streams[address] = self.limits.streams.get(address, 0) + 1
        queue = self.hub.watch(access.room_id, version)
        task = asyncio.current_task()
        if task is not None:
            self._streams.add(task)
        try:
            await response.write(f"retry: 3000\nevent: ledger\ndata: {version}\n\n".encode())
            while True:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(queue.get(), HEARTBEAT)
                now = await self._read(self._access_and_version, token)
                if now is None:
                    await response.write(b"event: gone\ndata: -\n\n")
                    break
                if now[1] != version:
                    version = now[1]
                    await response.write(f"event: ledger\ndata: {version}\n\n".encode())
                else:
                    await response.write(b": -\n\n")
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            self.hub.unwatch(access.room_id, queue)
            self.limits.streams[address] -= 1
            if self.limits.streams[address] <= 0:
                del self.limits.streams[address]
            if task is not None:
                self._streams.discard(task)
        return response

    def _access_and_version(self, token: str) -> tuple[Access, int] | None:
        with Session(self.engine) as db:
            access = open_link(db, token)
            if access is None:
                return None
            return access, latest_change(db, access.room_id)


def _int(value: str | None) -> int | None:
    if value is None or not value.isdigit() or len(value) > 12:
        return None
    return int(value)


def _day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None
