"""What the page server keeps between requests (totals, the journal's kinds, a file's rows) is
read again as soon as the room's ledger changes: a page never shows figures from before a
change it could see."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from storage.models import Person
from tests.conftest import Clock
from tests.page_helpers import Site, page_site, seed
from tests.test_page_server import text_of


@pytest.fixture
async def site(engine: Engine, clock: Clock, tmp_path: Path) -> AsyncIterator[Site]:
    async for s in page_site(engine, clock, tmp_path):
        yield s


async def test_the_overview_follows_every_change(site: Site) -> None:
    await seed(site.chat)
    root = await site.link("bob")
    for _ in range(2):  # the second time from what was kept
        _, html = await site.get(root + "?periode=mois")
        assert "Chloe 1h30" in text_of(html) and "10h30" in text_of(html)
    await site.chat.say("chloe", "!contrib 2h ATE rangement")
    _, html = await site.get(root + "?periode=mois")
    page = text_of(html)
    assert "Chloe 3h30" in page and "12h30" in page and "10h30" not in page
    contribs = await site.chat.one("bob", "!contribs tous novembre")
    assert "12h30" in contribs


async def test_the_contributions_file_follows_every_change(site: Site) -> None:
    await seed(site.chat)
    root = await site.link("bob")
    before = [await (await site.client.get(root + "contributions.csv?periode=mois")).read()]
    before.append(await (await site.client.get(root + "contributions.csv?periode=mois")).read())
    assert before[0] == before[1] and b"rangement du local" not in before[0]
    await site.chat.say("dan", "!contrib 1h ATE rangement du local")
    after = await (await site.client.get(root + "contributions.csv?periode=mois")).read()
    assert b"rangement du local" in after
    said = await site.chat.said("alice", "!export csv novembre")
    assert [s.data for s in said if s.kind == "file"] == [after]


async def test_the_journal_offers_a_kind_as_soon_as_it_appears(site: Site) -> None:
    await seed(site.chat)
    root = await site.link("bob")
    for _ in range(2):
        _, html = await site.get(root + "journal")
        assert 'value="budget_envelope"' not in html
    await site.chat.say("alice", "!budget KPA 300€ novembre proportionnel")
    _, html = await site.get(root + "journal")
    assert 'value="budget_envelope"' in html


async def test_the_contributions_file_shows_a_new_display_name_at_once(site: Site) -> None:
    await seed(site.chat)
    root = await site.link("bob")
    first = await (await site.client.get(root + "contributions.csv?periode=mois")).read()
    assert b";Chloe;" in first
    # a new display name is no change of the ledger (no audit row)
    with Session(site.server.engine) as db:
        person = db.exec(select(Person).where(col(Person.display_name) == "Chloe")).one()
        person.display_name = "Chloé M."
        db.add(person)
        db.commit()
    again = await (await site.client.get(root + "contributions.csv?periode=mois")).read()
    assert ";Chloé M.;".encode() in again and b";Chloe;" not in again
    said = await site.chat.said("alice", "!export csv novembre")
    assert [s.data for s in said if s.kind == "file"] == [again]
