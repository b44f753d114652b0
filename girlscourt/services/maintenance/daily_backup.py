"""The desktop app's daily backup of the embedded database, kept for ``backup_keep_days``.

One backup a county day, taken at the first sign-in of the day (off the screen's thread) with
SQLite's online backup API into ``backups/`` in the data folder, owner-only, named by the
database file and the day (``girlscourt-2026-12-07.sqlite3``) so the newest is plain to see;
older ones beyond the setting are removed. A shared PostgreSQL
database is the server's to back up (``db backup`` gives a copy on demand), so nothing is taken
for it here. ``latest_backup`` is what the Help menu shows and what the damaged-database screen
offers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from girlscourt.db import integrity, migrate
from girlscourt.services.kernel.core import Core

_DAY = re.compile(r"-(\d{4}-\d{2}-\d{2})\.sqlite3$")


@dataclass(frozen=True)
class BackupStatus:
    """The newest backup in the folder, or None; ``taken_now`` when this call made it."""

    path: Path | None
    taken_at: dt.datetime | None
    taken_now: bool = False


def backup_folder() -> Path:
    """Where the daily backups live (created on first use, owner-only)."""
    return integrity.daily_backup_folder()


def _backups(folder: Path, stem: str) -> list[tuple[dt.date, Path]]:
    found = []
    for path in folder.glob(f"{stem}-????-??-??.sqlite3"):
        match = _DAY.search(path.name)
        if match:
            found.append((dt.date.fromisoformat(match.group(1)), path))
    return sorted(found)


def _stem(core: Core) -> str:
    return Path(core.db.target.url.database or "girlscourt").stem


def latest_backup(core: Core, folder: Path | None = None) -> BackupStatus:
    """The newest daily backup of this database (the file's own time), or none."""
    backups = _backups(folder or backup_folder(), _stem(core))
    if not backups:
        return BackupStatus(None, None)
    path = backups[-1][1]
    taken = dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    return BackupStatus(path, taken)


def ensure_daily_backup(core: Core, folder: Path | None = None) -> BackupStatus:
    """Take today's backup if there is none yet, then keep only the newest ``backup_keep_days``."""
    database = core.db.target.url.database
    if core.db.target.dialect != "sqlite" or not database or database == ":memory:":
        return BackupStatus(None, None)
    where = folder or backup_folder()
    where.mkdir(parents=True, exist_ok=True)
    where.chmod(0o700)
    today = core.today()
    path = where / f"{_stem(core)}-{today.isoformat()}.sqlite3"
    taken_now = False
    if not path.exists():
        migrate.sqlite_backup_to(core.db.engine, path)
        integrity.check_sqlite_file(path)
        taken_now = True
        with core.write() as session:
            core.audit(session, None, "database.backup", detail=f"daily, to {path.name}")
    keep = int(core.settings["backup_keep_days"])
    backups = _backups(where, _stem(core))
    for _day, old in backups[: max(0, len(backups) - keep)]:
        for part in (old, old.with_name(old.name + "-wal"), old.with_name(old.name + "-shm")):
            part.unlink(missing_ok=True)
    status = latest_backup(core, where)
    return BackupStatus(status.path, status.taken_at, taken_now)


def restore_damaged(path: str, backup: str) -> Path:
    """Put the checked ``backup`` in place of the damaged database file at ``path``; the damaged
    file (and its -wal and -shm) stays beside it for IT. Returns the kept file. For the screen
    shown instead of sign-in, before any database is open."""
    return integrity.restore_backup(Path(path), Path(backup))
