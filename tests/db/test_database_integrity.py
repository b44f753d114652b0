"""Opening a SQLite file: a missing file becomes a new database, a damaged one is never touched."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from girlscourt.cli.main import main
from girlscourt.db import integrity
from girlscourt.db.session import Database
from girlscourt.errors import ConfigurationError, DatabaseDamaged
from girlscourt.services.kernel.startup import open_core


def _copy(template: Path, target: Path) -> Path:
    shutil.copy(template, target)
    return target


def test_a_missing_file_becomes_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "new" / "girlscourt.sqlite3"
    core = open_core(f"sqlite:///{path}")
    core.db.dispose()
    integrity.check_sqlite_file(path)  # the new file passes its own check
    assert path.stat().st_size > 0


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda whole: b"", "the file is empty"),
        (lambda whole: bytes(100) + whole[100:], "it is not a SQLite database file"),
        (lambda whole: b"\x89PNG\r\n\x1a\n" + bytes(600), "it is not a SQLite database file"),
        (lambda whole: whole[:60], "the file is cut short"),
        (lambda whole: whole[:16] + b"\x00\x07" + whole[18:], "its header is damaged"),
        (lambda whole: whole[: len(whole) // 2], "malformed"),
    ],
    ids=["empty", "zeroed-header", "png", "cut-in-header", "page-size", "half"],
)
def test_a_damaged_file_is_refused_untouched_by_the_desktop_start(
    migrated_sqlite_template: Path, tmp_path: Path, damage: object, reason: str
) -> None:
    path = tmp_path / "desk.sqlite3"
    path.write_bytes(damage(migrated_sqlite_template.read_bytes()))  # type: ignore[operator]
    before = path.read_bytes()
    with pytest.raises(DatabaseDamaged) as refused:
        open_core(f"sqlite:///{path}")
    error = refused.value
    assert reason in error.reason and error.path == str(path) and error.exit_code == 3
    assert str(path) in error.message and "Restore it from a backup" in error.message
    assert "\n" not in error.message
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


def test_an_index_that_disagrees_with_its_table_is_damage(
    migrated_sqlite_template: Path, tmp_path: Path
) -> None:
    """quick_check misses this; the full check (files up to 16 MB) finds it."""
    path = _copy(migrated_sqlite_template, tmp_path / "desk.sqlite3")
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE probe (a INTEGER)")
    raw.execute("CREATE INDEX ix_probe ON probe (a)")
    raw.executemany("INSERT INTO probe VALUES (?)", [(n,) for n in range(50)])
    raw.commit()
    raw.execute("PRAGMA writable_schema=ON")  # swap the index's root page for the table's
    root = raw.execute("SELECT rootpage FROM sqlite_master WHERE name='probe'").fetchone()[0]
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.close()
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA writable_schema=ON")
    raw.execute("UPDATE sqlite_master SET sql = 'CREATE INDEX ix_probe ON probe (a DESC)' "
                "WHERE name = 'ix_probe'")  # fmt: skip
    raw.commit()
    raw.close()
    assert root > 0
    quick = sqlite3.connect(path)
    assert quick.execute("PRAGMA quick_check").fetchall() == [("ok",)]
    assert quick.execute("PRAGMA integrity_check").fetchall() != [("ok",)]
    quick.close()
    with pytest.raises(DatabaseDamaged, match="check failed"):
        Database.open(f"sqlite:///{path}")


def test_another_programs_database_is_not_taken_over(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "places.sqlite"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    other.commit()
    other.close()
    before = path.read_bytes()
    with pytest.raises(ConfigurationError, match="belongs to another program"):
        open_core(f"sqlite:///{path}")
    assert main(["--database", f"sqlite:///{path}", "db", "upgrade"]) == 3
    assert "belongs to another program" in capsys.readouterr().err
    tables = sqlite3.connect(path).execute("SELECT name FROM sqlite_master").fetchall()
    assert tables == [("moz_places",)]
    assert path.read_bytes()[:18] == before[:18]


def test_corruption_found_while_in_use_is_reported_as_damage(
    migrated_sqlite_template: Path, tmp_path: Path
) -> None:
    path = _copy(migrated_sqlite_template, tmp_path / "desk.sqlite3")
    db = Database.open(f"sqlite:///{path}")
    try:
        with db.session() as session:
            pages = session.connection().exec_driver_sql("PRAGMA page_count").scalar_one()
        assert pages > 3
        whole = bytearray(path.read_bytes())
        page = 4096
        for n in range(1, int(pages)):  # every page after the schema page: garbage
            whole[n * page : (n + 1) * page] = b"\xa5" * page
        path.write_bytes(bytes(whole))
        db.engine.dispose()  # the next connection reads the damaged pages
        with (
            pytest.raises(DatabaseDamaged, match="Restore it from a backup"),
            db.session() as session,
        ):
            session.connection().exec_driver_sql("SELECT count(*) FROM youth").scalar_one()
    finally:
        db.dispose()


def test_a_stored_text_that_is_not_utf8_is_damage_and_is_never_quoted(
    migrated_sqlite_template: Path, tmp_path: Path
) -> None:
    path = _copy(migrated_sqlite_template, tmp_path / "desk.sqlite3")
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE probe (note TEXT)")
    raw.execute("INSERT INTO probe VALUES (CAST(X'5a7a7178ff53656e74696e656c' AS TEXT))")
    raw.commit()
    raw.close()
    db = Database.open(f"sqlite:///{path}")  # SQLite's checks do not look inside texts
    try:
        with pytest.raises(DatabaseDamaged) as refused, db.session() as session:
            session.connection().exec_driver_sql("SELECT note FROM probe").all()
    finally:
        db.dispose()
    assert refused.value.reason == "a stored text is not valid UTF-8"
    assert "Zzqx" not in refused.value.message and "Sentinel" not in refused.value.message
