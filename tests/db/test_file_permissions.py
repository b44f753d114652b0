"""Issue 16 point 1 (in part): the embedded database and its -wal and -shm files are readable by
their owner only, as they are made, and an older file is tightened when it is next opened."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from girlscourt.db import migrate
from girlscourt.db.engine import make_engine, parse_database_url

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def modes(path: Path) -> dict[str, int]:
    parts = [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]
    return {p.name: p.stat().st_mode & 0o777 for p in parts if p.exists()}


def test_a_new_database_and_its_wal_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "girlscourt.sqlite3"
    previous = os.umask(0o022)  # the usual umask: files would be 0644
    try:
        engine = make_engine(parse_database_url(f"sqlite:///{path}"))
        migrate.upgrade(engine)
        with engine.begin() as connection:
            connection.execute(text("SELECT count(*) FROM youth"))
            found = modes(path)
        engine.dispose()
    finally:
        os.umask(previous)
    assert set(found) >= {"girlscourt.sqlite3", "girlscourt.sqlite3-wal"}
    assert set(found.values()) == {0o600}


def test_an_older_world_readable_file_is_tightened_on_open(
    tmp_path: Path, migrated_sqlite_template: Path
) -> None:
    path = tmp_path / "old.sqlite3"
    path.write_bytes(migrated_sqlite_template.read_bytes())
    path.chmod(0o644)
    engine = make_engine(parse_database_url(f"sqlite:///{path}"))
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))
    engine.dispose()
    assert path.stat().st_mode & 0o777 == 0o600
