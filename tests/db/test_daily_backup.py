"""Issue 15 point 2: the desktop app keeps one backup of the embedded database a county day,
owner-only, for ``backup_keep_days``; a shared PostgreSQL database is the server's to back up."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from girlscourt.db.models import AuditEvent
from girlscourt.db.session import Database
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.maintenance import daily_backup
from girlscourt.services.security import accounts
from tests.conftest import ADMIN_PASSWORD


@pytest.mark.parametrize("backend", ["sqlite"])
def test_one_backup_a_day_kept_for_the_set_number_of_days(
    core: Core, admin: Actor, tmp_path: Path
) -> None:
    folder = tmp_path / "backups"
    values = dict(core.settings.values, backup_keep_days=3)
    core.settings = dataclasses.replace(core.settings, values=values)
    start = dt.datetime(2026, 12, 1, 20, tzinfo=dt.UTC)  # 12:00 in the county
    taken = []
    for day in range(5):
        core.clock = lambda d=day: start + dt.timedelta(days=d)  # type: ignore[misc]
        first = daily_backup.ensure_daily_backup(core, folder)
        again = daily_backup.ensure_daily_backup(core, folder)  # the second sign-in that day
        assert first.taken_now and not again.taken_now
        taken.append(first.path)
    names = sorted(p.name for p in folder.iterdir())
    stem = Path(core.db.target.url.database or "").stem  # named after the database file
    assert names == [f"{stem}-2026-12-0{d}.sqlite3" for d in (3, 4, 5)]
    assert folder.stat().st_mode & 0o777 == 0o700
    assert all(p.stat().st_mode & 0o777 == 0o600 for p in folder.iterdir())
    latest = daily_backup.latest_backup(core, folder)
    assert latest.path == taken[-1] and latest.taken_at is not None
    with core.read() as session:
        details = session.execute(
            select(AuditEvent.detail).where(AuditEvent.action == "database.backup")
        ).scalars()
        assert len(list(details)) == 5
    database = Database.open(f"sqlite:///{latest.path}")  # a whole database: it opens, checked
    try:
        copy = Core(database, anchor_file=tmp_path / "anchor.json")
        assert accounts.authenticate(copy, "admin", ADMIN_PASSWORD).username == "admin"
    finally:
        database.dispose()


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.pg)])
def test_a_shared_database_is_left_to_its_server(core: Core, tmp_path: Path) -> None:
    status = daily_backup.ensure_daily_backup(core, tmp_path / "backups")
    assert status == daily_backup.BackupStatus(None, None)
    assert not (tmp_path / "backups").exists()
