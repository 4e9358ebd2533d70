"""The command line for people's data: ``cagnotte backup``, ``restore``, ``import``, ``forget``
and ``check``, each with ``--db`` (and ``-c``), their refusals and exit codes."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from bot.cli import main
from storage import running
from storage.db import make_engine, sqlite_url
from storage.models import Allocation
from tests.conftest import assert_ledger_sound
from tests.ledger import all_text, figures
from tests.test_people_data import a_room_with_zoe

NOW = "2026-11-26T11:00"


def cli(*args: str) -> int:
    return main(["--now", NOW, *args])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
async def filled(chat, db_path):
    """A database with a conversation in it (contributions, a round, buckets, envelopes)."""
    await a_room_with_zoe(chat)
    await chat.runtime.flush()
    return db_path


# --------------------------------------------------------------------------- backup, restore


async def test_a_backup_restores_into_an_empty_database_with_every_figure(
    filled, engine, tmp_path, capsys
):
    before = figures(engine)
    url = sqlite_url(filled)
    assert cli("backup", str(tmp_path / "saves") + "/", "--db", url) == 0
    out = capsys.readouterr().out
    saved = next((tmp_path / "saves").iterdir())
    assert saved.name.startswith("cagnotte-2026") and saved.suffix == ".db", out
    assert mode(saved) == 0o600 and mode(tmp_path / "saves") == 0o700
    fresh = tmp_path / "fresh" / "cagnotte.db"
    assert cli("restore", str(saved), "--db", sqlite_url(fresh)) == 0
    out = capsys.readouterr().out
    assert "restored" in out and "every invariant holds" in out
    assert mode(fresh) == 0o600
    restored = make_engine(sqlite_url(fresh))
    try:
        assert figures(restored) == before
        assert_ledger_sound(restored)
    finally:
        restored.dispose()
    # a database that holds data is not overwritten, unless forced
    assert cli("restore", str(saved), "--db", sqlite_url(fresh)) == 1
    assert "holds data" in capsys.readouterr().err
    assert cli("restore", str(saved), "--db", sqlite_url(fresh), "--force") == 0
    # a backup never overwrites a file
    assert cli("backup", str(saved), "--db", url) == 1
    assert "exists already" in capsys.readouterr().err


async def test_restore_refuses_a_running_bot_a_newer_schema_and_what_is_no_backup(
    filled, engine, tmp_path, capsys
):
    saved = tmp_path / "save.db"
    assert cli("backup", str(saved), "--db", sqlite_url(filled)) == 0
    target = tmp_path / "target.db"
    target_engine = make_engine(sqlite_url(target))
    try:
        with running.held(target_engine):
            assert running.in_use(sqlite_url(target))
            assert cli("restore", str(saved), "--db", sqlite_url(target)) == 1
            assert "a running bot holds" in capsys.readouterr().err
        assert not running.in_use(sqlite_url(target))
    finally:
        target_engine.dispose()
    newer = tmp_path / "newer.db"
    shutil.copy(saved, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    assert cli("restore", str(newer), "--db", sqlite_url(tmp_path / "n.db")) == 1
    assert "made by a newer version of cagnotte (schema 9999" in capsys.readouterr().err
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database at all")
    assert cli("restore", str(junk), "--db", sqlite_url(tmp_path / "j.db")) == 1
    assert "is not a backup of cagnotte" in capsys.readouterr().err
    damaged = tmp_path / "damaged.db"
    data = saved.read_bytes()
    damaged.write_bytes(data[: len(data) // 3])
    assert cli("restore", str(damaged), "--db", sqlite_url(tmp_path / "d.db")) == 1
    err = capsys.readouterr().err
    assert "damaged" in err or "cannot be read" in err
    assert cli("restore", str(tmp_path / "absent.db"), "--db", sqlite_url(tmp_path / "a.db")) == 2
    # a SQLite backup does not go into PostgreSQL
    assert cli("restore", str(saved), "--db", "postgresql://u@127.0.0.1:9/x") == 1
    assert "same kind of database" in capsys.readouterr().err


async def test_a_restored_older_backup_is_migrated(filled, engine, tmp_path, capsys):
    """A backup taken at an older schema comes back at this version's."""
    from storage.db import migrate

    old = tmp_path / "old.db"
    old_engine = make_engine(sqlite_url(old))
    migrate(old_engine, "0009")
    old_engine.dispose()
    assert cli("restore", str(old), "--db", sqlite_url(tmp_path / "up.db")) == 0
    with sqlite3.connect(tmp_path / "up.db") as conn:
        (version,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    assert version != "0009"


# --------------------------------------------------------------------------- import


async def test_import_from_the_command_line_is_a_dry_run_until_applied(
    filled, engine, tmp_path, capsys
):
    url = sqlite_url(filled)
    sheet = tmp_path / "heures.csv"
    sheet.write_text(
        "Jour,Qui,Durée,Projet,Commentaire\n"
        '12/11/2026,Robert Dupont,"1,5",KPA,atelier\n'
        "2026-11-13,@bob,2,KPA,rangement\n",
        encoding="utf-8",
    )
    people = tmp_path / "noms.csv"
    people.write_text("nom;compte\nRobert Dupont;@bob\n", encoding="utf-8")
    count = len(figures(engine)["contribution numbers"])
    assert cli("import", "contributions", str(sheet), "--room", "coroutine", "--db", url) == 1
    out = capsys.readouterr().out
    assert "ligne 2 : je ne connais personne « Robert Dupont »" in out
    assert "Personnes inconnues (1) : Robert Dupont." in out
    args = ["import", "contributions", str(sheet), "--room", "coroutine", "--db", url]
    assert cli(*args, "--people", str(people)) == 0
    out = capsys.readouterr().out
    assert "2 lignes à importer : 3h30 pour 1 personne." in out and "dry run" in out
    assert len(figures(engine)["contribution numbers"]) == count
    assert cli(*args, "--people", str(people), "--apply") == 0
    out = capsys.readouterr().out
    assert "imported 2 row(s)" in out and "every invariant holds" in out
    assert len(figures(engine)["contribution numbers"]) == count + 2
    assert cli(*args, "--people", str(people), "--apply") == 0
    assert "2 lignes déjà importées" in capsys.readouterr().out
    assert len(figures(engine)["contribution numbers"]) == count + 2
    # bad options
    assert cli(*args[:-4], "--room", "nowhere", "--db", url) == 2
    assert "no room 'nowhere'" in capsys.readouterr().err
    assert cli(*args, "--map", "hours") == 2
    assert cli("import", "contributions", str(tmp_path / "absent.csv"), "--room", "x") == 2
    with pytest.raises(SystemExit) as exit_:
        cli("import", "contributions", str(sheet), "--db", url)  # no --room
    assert exit_.value.code == 2


async def test_cobudget_allocations_with_emails(filled, engine, tmp_path, capsys):
    url = sqlite_url(filled)
    sheet = tmp_path / "allocations.csv"
    sheet.write_text("email,amount\nzoe@example.org,25.00\nbob@example.org,10\n")
    people = tmp_path / "people.csv"
    people.write_text("zoe@example.org,@zoe\nbob@example.org,@bob\n")
    args = ["import", "allocations", str(sheet), "--room", "coroutine", "--db", url]
    assert cli(*args, "--people", str(people), "--apply") == 0
    out = capsys.readouterr().out
    assert "2 allocations à importer : 35,00" in out.replace("\u202f", " ").replace("\xa0", " ")
    with Session(engine) as db:
        rows = db.exec(select(Allocation).where(Allocation.method == "import")).all()
        assert sorted((a.user_id, a.cents) for a in rows) == [("@bob", 1000), ("@zoe", 2500)]


# --------------------------------------------------------------------------- forget, check


async def test_forget_from_the_command_line(filled, engine, capsys):
    url = sqlite_url(filled)
    before = figures(engine, lambda u: "forgotten:1" if u == "@zoe" else u)
    assert cli("forget", "@zoe", "--db", url) == 0
    assert "dry run" in capsys.readouterr().out
    assert "@zoe" in all_text(engine)
    assert cli("forget", "@zoe", "--db", url, "--apply") == 0
    out = capsys.readouterr().out
    assert "@zoe -> forgotten:1" in out and "every invariant holds" in out
    assert figures(engine) == before
    assert "@zoe" not in all_text(engine)
    with Session(engine) as db:
        audit = db.exec(text("SELECT actor, details FROM audit WHERE action = 'forget'")).all()
        assert audit and all(actor == "cli" for actor, _ in audit)
    assert cli("forget", "@zoe", "--db", url, "--apply") == 1
    assert "nobody with the id @zoe" in capsys.readouterr().err
    assert cli("forget", "forgotten:1", "--db", url) == 2


@pytest.mark.unchecked_ledger
async def test_check_names_every_row_that_breaks_a_rule(filled, engine, capsys):
    url = sqlite_url(filled)
    assert cli("check", "--db", url) == 0
    assert "every invariant holds" in capsys.readouterr().out
    with engine.begin() as conn:
        conn.execute(text("UPDATE cobudget_funding SET cents = 100000 WHERE id = 1"))
        conn.execute(text("UPDATE contribution_month SET minutes = minutes + 7"))
        conn.execute(text("UPDATE room_counter SET last = 0 WHERE kind = 'contribution'"))
    assert cli("check", "--db", url) == 1
    out = capsys.readouterr().out
    assert "round.overspent: cobudget_round 1 (#1 in coroutine)" in out
    assert "bucket.over_max: cobudget_bucket 1 (#1 in coroutine)" in out
    assert "month.totals: contribution_month coroutine 2026-11-01" in out
    assert "numbers.counter: room_counter coroutine contribution" in out


def test_every_verb_takes_a_configuration_file(tmp_path, capsys):
    config = tmp_path / "c.toml"
    config.write_text(f'[database]\nurl = "{sqlite_url(tmp_path / "c.db")}"\n')
    assert cli("check", "-c", str(config)) == 0
    assert cli("-c", str(config), "check") == 0
    assert (tmp_path / "c.db").exists()
    config.write_text('[backup]\nevery = "sometimes"\nkeep = 0\n')
    assert cli("check", "-c", str(config)) == 2
    err = capsys.readouterr().err
    assert "[backup] every: 'sometimes'" in err and "[backup] keep: 0 is too small" in err
