"""The room page in a real browser: Debian's headless Chromium, driven by Playwright on that
executable (no browser is downloaded). Each page on a phone and a desktop viewport, with its
screenshots under the test's output, no violation of its content security policy, axe-core
(npm) finding no serious accessibility violation, and the page following a funding made in
chat."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from tests.conftest import Clock
from tests.page_helpers import Site, page_site, seed

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("CAGNOTTE_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}
PAGES = {
    "overview": "?periode=mois",
    "round": "tour",
    "envelopes": "enveloppes",
    "envelope-split": "enveloppe/1",
    "envelope-requests": "enveloppe/2",
    "journal": "journal",
    "downloads": "telechargements",
}
# copied (with CAGNOTTE_SCREENS=<folder>) for whoever wants to look at them
SHOWN = ("round", "envelope-split", "envelope-requests")


def _required(what: str) -> None:
    if os.environ.get("CAGNOTTE_REQUIRE_BROWSER"):
        pytest.fail(f"{what}, and CAGNOTTE_REQUIRE_BROWSER is set")
    pytest.skip(what)


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    if not Path(CHROMIUM).exists():
        _required(f"{CHROMIUM} not found (Debian package chromium; ./dev test installs it)")
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield chromium
        finally:
            await chromium.close()


@pytest.fixture
def axe_source() -> str:
    path = os.environ.get("CAGNOTTE_AXE", ".cache/npm/node_modules/axe-core/axe.min.js")
    if not Path(path).exists():
        _required(f"axe-core not found at {path} (npm; ./dev test installs it)")
    return Path(path).read_text(encoding="utf-8")


@pytest.fixture
async def site(engine: Engine, clock: Clock, tmp_path: Path) -> AsyncIterator[Site]:
    async for s in page_site(engine, clock, tmp_path):
        yield s


async def _room(site: Site) -> str:
    await seed(site.chat)
    chat = site.chat
    await chat.say("alice", "!budget KPA 300€ novembre proportionnel plafond 120€")
    await chat.say("alice", "!budget ATE 100€ novembre")
    await chat.say("dan", "!demande ATE 80€ rangement du local")
    await chat.say("chloe", "!demande ATE 40€ inventaire")
    await chat.say("bob", "!question 1 pourquoi autant ?")
    await chat.say("chloe", "!valider 1")
    await chat.say("bob", "!valider 1")
    return await site.link("bob")


async def test_every_page_on_a_phone_and_a_desktop(
    site: Site, browser: Any, axe_source: str, tmp_path: Path
) -> None:
    root = await _room(site)
    shots = tmp_path / "screens"
    shots.mkdir()
    for viewport, size in VIEWPORTS.items():
        context = await browser.new_context(viewport=size, locale="fr-FR")
        checker = await browser.new_context(viewport=size, bypass_csp=True)
        page = await context.new_page()
        axe_page = await checker.new_page()
        problems: list[str] = []

        def console(message: Any, problems: list[str] = problems) -> None:
            if message.type == "error":
                problems.append(message.text)

        page.on("console", console)
        page.on("pageerror", lambda e, problems=problems: problems.append(str(e)))
        for name, path in PAGES.items():
            url = str(site.client.make_url(root + path))
            response = await page.goto(url, wait_until="networkidle")
            assert response is not None and response.status == 200, name
            await page.screenshot(path=str(shots / f"{name}-{viewport}.png"), full_page=True)
            # a phone scrolls down, never sideways (wide tables scroll in their own box)
            width = await page.evaluate("document.documentElement.scrollWidth - innerWidth")
            assert width <= 0, (name, viewport, width)
            await axe_page.goto(url, wait_until="networkidle")
            await axe_page.evaluate(axe_source)
            result = await axe_page.evaluate(
                "axe.run(document, {resultTypes: ['violations']})"
                ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
                " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)})))"
            )
            serious = [v for v in result if v["impact"] in ("serious", "critical")]
            assert serious == [], (name, viewport, serious)
        assert problems == [], problems  # no refused style or script, no script error
        await context.close()
        await checker.close()
    saved = sorted(p.name for p in shots.iterdir())
    assert len(saved) == 2 * len(PAGES)
    target = os.environ.get("CAGNOTTE_SCREENS")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        for name in SHOWN:
            for viewport in VIEWPORTS:
                shutil.copy(shots / f"{name}-{viewport}.png", Path(target))


async def test_a_title_with_a_script_shows_as_text_in_the_browser(site: Site, browser: Any) -> None:
    root = await _room(site)
    page = await browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: dialogs.append(d.message))
    await page.goto(str(site.client.make_url(root + "tour")), wait_until="networkidle")
    heading = page.locator("#bucket-2")
    assert "<script>alert(1)</script>" in await heading.inner_text()
    assert dialogs == []
    await page.close()


async def test_the_page_follows_a_funding_made_in_chat(site: Site, browser: Any) -> None:
    root = await _room(site)
    page = await browser.new_page()
    await page.goto(str(site.client.make_url(root + "tour")), wait_until="networkidle")
    held = page.locator("#bucket-1 ~ .held label").first
    assert re.search(r"42,50\s€ sur 150,00\s€", await held.inner_text())
    from playwright.async_api import expect

    # the live connection is open before the change (the script marks the version it knows)
    await expect(page.locator("body")).to_have_attribute("data-version", re.compile(r"\d+"))
    await site.chat.say("chloe", "!financer 1 10€")
    await expect(held).to_contain_text("52,50", timeout=10_000)
    assert "22,50" in (await page.locator("#bucket-1 ~ details").text_content() or "")
    await expect(page.locator("#live")).not_to_be_empty()
    await page.close()
