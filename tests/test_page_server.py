"""The room page over HTTP (aiohttp's test client on 127.0.0.1): what each page shows equals the
chat answers, escaping, access rules, headers, rate limit, downloads, health and metrics."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import html5lib
import pytest
from sqlalchemy.engine import Engine

from tests.conftest import Clock
from tests.page_helpers import Site, page_site, seed


@pytest.fixture
async def site(engine: Engine, clock: Clock, tmp_path: Path) -> AsyncIterator[Site]:
    async for s in page_site(engine, clock, tmp_path):
        yield s


def strict(html: str) -> None:
    html5lib.HTMLParser(strict=True, namespaceHTMLElements=False).parse(html)


def text_of(html: str) -> str:
    """The page's text, tags dropped, spaces squeezed (as a person reads it)."""
    from html import unescape

    return re.sub(r"[ \t\r\n]+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


async def test_the_round_page_shows_what_the_chat_says(site: Site) -> None:
    await seed(site.chat)
    root = await site.link("bob")
    status, html = await site.get(root + "tour")
    assert status == 200
    strict(html)
    page = text_of(html)
    round_answer = await site.chat.one("bob", "!tour")
    # pot, given, not given yet, in buckets, balances left: the same figures as !tour
    figures = [line for line in round_answer.splitlines() if "=" not in line]  # not reactions
    amounts = re.findall(r"\d[\d\u202f]*,\d\d\u00a0€", "\n".join(figures))
    assert len(amounts) >= 5
    for amount in amounts:
        assert amount in page, amount
    listing = await site.chat.one("bob", "!buckets")
    for amount in ("42,50\u00a0€", "20,00\u00a0€", "150,00\u00a0€"):
        assert amount in listing and amount in page
    detail = await site.chat.one("bob", "!bucket 1")
    assert "Bob" in detail and "30,00\u00a0€" in detail
    assert "Bob 30,00\u00a0€" in page and "Chloe 12,50\u00a0€" in page
    balances = await site.chat.one("alice", "!solde tous")
    for line in [row for row in balances.splitlines() if row.startswith("|")][2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        assert " ".join(cells) in page, cells
    assert '<progress id="progress-1" max="15000" value="4250">' in html


async def test_a_bucket_title_with_a_script_shows_as_text(site: Site) -> None:
    await seed(site.chat)
    root = await site.link("bob")
    _, html = await site.get(root + "tour")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<script") == 1  # the page's own script file, nothing inline
    _, journal = await site.get(root + "journal")
    assert "<script>alert" not in journal


async def test_overview_journal_envelopes_and_downloads(site: Site) -> None:
    await seed(site.chat)
    await site.chat.say("alice", "!budget KPA 300€ novembre proportionnel")
    await site.chat.say("alice", "!budget ATE 100€ novembre")
    await site.chat.say("dan", "!demande ATE 80€ rangement du local")
    await site.chat.say("bob", "!question 1 pourquoi ?")
    await site.chat.say("chloe", "!valider 1")
    root = await site.link("bob")
    for path in (
        "",
        "?periode=mois",
        "tour",
        "enveloppes",
        "enveloppe/1",
        "enveloppe/2",
        "journal",
        "journal?personne=@bob",
        "journal?projet=KPA",
        "journal?type=bucket",
        "telechargements",
    ):
        status, html = await site.get(root + path)
        assert status == 200, path
        strict(html)
    _, overview = await site.get(root + "?periode=mois")
    contribs = await site.chat.one("bob", "!contribs tous novembre")
    page = text_of(overview)
    for name, time in (("Alice", "4h"), ("Bob", "3h"), ("Dan", "2h"), ("Chloe", "1h30")):
        assert f"{name} {time}" in page and name in contribs and time in contribs
    assert "10h30" in contribs and "10h30" in page
    _, env = await site.get(root + "enveloppe/1")
    answer = await site.chat.one("bob", "!budget KPA")
    for amount in re.findall(r"\d[\d\u202f ]*,\d\d\u00a0€", answer):
        assert amount in text_of(env), amount
    _, libre = await site.get(root + "enveloppe/2")
    text = text_of(libre)
    assert "pourquoi ?" in text and "Chloe" in text and "80,00\u00a0€" in text
    _, journal = await site.get(root + "journal?personne=@dan")
    assert "Dan" in text_of(journal) and "Chloe" not in text_of(journal).split("Détails")[1]
    _, kpa = await site.get(root + "journal?projet=KPA")
    assert "3h" in text_of(kpa) and "rangement" not in text_of(kpa)
    response = await site.client.get(root + "contributions.csv?periode=mois")
    data = await response.read()
    assert response.status == 200 and data.startswith("\ufeff".encode())
    assert response.headers["Content-Disposition"].startswith("attachment;")
    said = await site.chat.said("alice", "!export csv novembre")
    assert [s.data for s in said if s.kind == "file"] == [data]
    chart = await site.client.get(root + "graphique.png?periode=mois")
    assert chart.status == 200 and (await chart.read()).startswith(b"\x89PNG")


async def test_unknown_revoked_and_departed_links_are_plain_404s(site: Site, clock: Clock) -> None:
    await seed(site.chat)
    bob = await site.link("bob")
    dan = await site.link("dan")
    public = await site.link("alice", "!page public")
    statuses = {p: (await site.get(p))[0] for p in (bob, dan, public)}
    assert set(statuses.values()) == {200}
    status, unknown = await site.get("/p/cgp_" + "x" * 43 + "/")
    assert status == 404
    await site.chat.say("bob", "!page nouveau-lien")
    clock.advance(minutes=1)
    await site.chat.join("dan", joined=False)
    await site.chat.say("alice", "!page public off")
    for path in (bob, dan, public):
        status, html = await site.get(path + "tour")
        assert status == 404 and html == unknown
    chloe = await site.link("chloe")
    assert (await site.get(chloe))[0] == 200
    await site.chat.say("alice", "!page off")
    status, html = await site.get(chloe)
    assert status == 404 and html == unknown


async def test_every_answer_carries_the_security_headers(site: Site) -> None:
    await seed(site.chat)
    root = await site.link("bob")
    for path in (root, root + "tour", "/p/nothing/", "/static/style.css", "/healthz"):
        response = await site.client.get(path)
        csp = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
    page = await site.client.get(root)
    assert page.headers["Cache-Control"] == "no-store"
    html = await page.text()
    assert " style=" not in html and "<style" not in html and "://" not in html.split("<body")[0]
    assert re.search(r"<script[^>]*>[^<]", html) is None  # no inline script


async def test_requests_are_limited_per_address_and_guessing_costs_more(
    engine: Engine, clock: Clock, tmp_path: Path
) -> None:
    async for site in page_site(engine, clock, tmp_path, per_minute=30):
        await site.chat.say("bob", "!contrib 1h")
        root = await site.link("bob")
        assert (await site.get(root))[0] == 200
        statuses = [(await site.get(f"/p/cgp_guess{i}/"))[0] for i in range(6)]
        assert statuses[:3] == [404, 404, 404] and statuses[-1] == 429
        response = await site.client.get(root)
        assert response.status == 429 and int(response.headers["Retry-After"]) >= 1
        other = await site.client.get(root, headers={"X-Forwarded-For": "10.1.2.3"})
        assert other.status == 429  # the header is not trusted unless configured


async def test_health_and_metrics(site: Site) -> None:
    await site.chat.say("bob", "!contrib 1h")
    response = await site.client.get("/healthz")
    body = await response.json()
    assert response.status == 200 and body["database"] == "ok"
    assert body["chat"]["console"]["alive"] is True
    metrics = await (await site.client.get("/metrics")).text()
    for name in (
        "cagnotte_events_handled_total",
        "cagnotte_answer_latency_seconds_bucket",
        "cagnotte_outbox_depth",
        "cagnotte_errors_total",
        "cagnotte_messages_delivered_total",
    ):
        assert name in metrics, name


async def test_the_pages_start_with_the_bot_and_say_where(
    engine: Engine, clock: Clock, capsys: pytest.CaptureFixture[str]
) -> None:
    import socket

    from bot.config import Config, WebSection
    from bot.runtime import Runtime
    from bot.web import start_pages
    from commands import build_registry

    runtime = Runtime(engine, build_registry(), clock=clock)
    try:
        assert await start_pages(runtime, Config()) is None  # no [web]: no page
        server = await start_pages(runtime, Config(web=WebSection(listen="127.0.0.1:0")))
        assert server is not None and server.port > 0
        assert f"http://127.0.0.1:{server.port}" in capsys.readouterr().err
        assert runtime.settings.page_url == f"http://127.0.0.1:{server.port}"  # the links say it
        with socket.create_connection(("127.0.0.1", server.port)):
            pass
        busy = await start_pages(runtime, Config(web=WebSection(listen=f"127.0.0.1:{server.port}")))
        assert busy is None  # the address is taken: logged, and the bot goes on without
        await server.stop()
    finally:
        await runtime.close()


@pytest.mark.postgres
async def test_every_page_on_postgresql(
    postgres_engine: Engine, clock: Clock, tmp_path: Path
) -> None:
    async for site in page_site(postgres_engine, clock, tmp_path):
        await seed(site.chat)
        await site.chat.say("alice", "!budget KPA 300€ novembre proportionnel")
        await site.chat.say("alice", "!budget ATE 100€ novembre")
        await site.chat.say("dan", "!demande ATE 80€ rangement")
        await site.chat.say("bob", "!question 1 pourquoi ?")
        root = await site.link("bob")
        for path in (
            "",
            "?periode=annee",
            "tour",
            "enveloppes",
            "enveloppe/1",
            "enveloppe/2",
            "journal",
            "journal?personne=@dan",
            "journal?projet=KPA",
            "journal?type=contribution",
            "journal?avant=5",
            "journal?apres=3",
            "telechargements",
            "contributions.csv?periode=mois",
            "graphique.png",
        ):
            response = await site.client.get(root + path)
            assert response.status == 200, path
        _, journal = await site.get(root + "journal?personne=@dan")
        assert "Dan" in text_of(journal)
