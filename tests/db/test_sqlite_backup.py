"""The pre-upgrade backup holds what is committed, WAL included, and only its owner can read it."""

from __future__ import annotations

import shutil
import sqlite3
import stat
from pathlib import Path

from girlscourt.db import migrate
from girlscourt.db.engine import make_engine, parse_database_url


def _rows(path: Path) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute("SELECT note FROM wal_probe").fetchall()
    except sqlite3.OperationalError:
        return []  # no such table: the commit never reached this file
    finally:
        connection.close()


def test_backup_holds_a_row_committed_only_to_the_wal_and_is_owner_only(
    migrated_sqlite_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "desk.sqlite3"
    shutil.copy(migrated_sqlite_template, path)
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")  # the commit stays in the -wal file
    reader = sqlite3.connect(path, isolation_level=None)  # another desk, mid-read: a checkpoint
    reader.execute("BEGIN")  # cannot move later commits into the main file past its snapshot
    reader.execute("SELECT count(*) FROM alembic_version").fetchall()
    writer.execute("CREATE TABLE wal_probe (note TEXT)")
    writer.execute("INSERT INTO wal_probe VALUES ('committed in the WAL only')")
    try:
        main_only = tmp_path / "main-file-only.sqlite3"
        shutil.copy(path, main_only)  # what a plain file copy would have kept
        assert _rows(main_only) == []
        assert Path(f"{path}-wal").stat().st_size > 0

        engine = make_engine(parse_database_url(f"sqlite:///{path}"))
        try:
            backup = migrate.backup_sqlite(engine)
        finally:
            engine.dispose()
    finally:
        reader.close()
        writer.close()
    assert backup is not None and backup.parent == path.parent
    assert backup.name.startswith("desk.sqlite3.") and backup.name.endswith(".bak")
    assert _rows(backup) == [("committed in the WAL only",)]
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    check = sqlite3.connect(backup)
    assert check.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    check.close()


def test_an_upgrade_from_an_older_schema_leaves_an_owner_only_backup(
    migrated_sqlite_template: Path, tmp_path: Path
) -> None:
    path = tmp_path / "older.sqlite3"
    shutil.copy(migrated_sqlite_template, path)
    engine = make_engine(parse_database_url(f"sqlite:///{path}"))
    try:
        migrate.downgrade(engine, "-1")
        assert not migrate.status(engine).up_to_date
        assert list(tmp_path.glob("older.sqlite3.*.bak")) == []
        assert migrate.upgrade(engine).up_to_date
    finally:
        engine.dispose()
    (backup,) = tmp_path.glob("older.sqlite3.*.bak")
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    copy = make_engine(parse_database_url(f"sqlite:///{backup}"))
    try:
        assert not migrate.status(copy).up_to_date  # the copy is of the schema before the upgrade
    finally:
        copy.dispose()
