"""``db backup`` and ``db restore``: a copy of the whole database in one owner-only SQLite file,
and that file back into an empty database, verified.

On SQLite the backup is SQLite's online backup API (one committed state, WAL pages included,
safe while other desks write). On PostgreSQL it is a logical dump the product restores itself:
``db copy`` into a new SQLite file, every table and the audit chain. ``pg_dump`` is not used,
so the backup does not depend on the server's tools being on this machine. A restore checks the
file (header and ``integrity_check``) on a private copy, so the backup itself is never written,
then copies it into the empty target, whose audit chain must verify.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from girlscourt.db import integrity, migrate
from girlscourt.db.session import Database
from girlscourt.domain.permissions import Action
from girlscourt.errors import ValidationError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.maintenance.database_copy import CopyReport, copy_database


@dataclass(frozen=True)
class BackupReport:
    """Where the backup went, how big, how long."""

    path: Path
    size: int
    seconds: float
    method: str  # "sqlite backup API" or "logical copy"


@contextmanager
def _owner_only() -> Iterator[None]:
    """Files created inside are readable by their owner only, whatever the umask."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


def backup_database(core: Core, actor: Actor, out: Path) -> BackupReport:
    """Write the whole database to the new file ``out`` (an administrator's job; audited)."""
    core.require(actor, Action.DATABASE_COPY)
    try:  # where the backup goes is checked before any copying, and said in one line
        if out.exists():
            raise ValidationError("--out", f"{out} exists: choose a new file name")
        if not out.parent.is_dir():
            raise ValidationError("--out", f"{out.parent} is not a folder")
        out.touch(mode=0o600, exist_ok=False)
        out.unlink()
    except OSError as error:
        raise ValidationError("--out", f"cannot write {out}: {error.strerror}") from None
    started = time.monotonic()
    if core.db.target.dialect == "sqlite":
        migrate.sqlite_backup_to(core.db.engine, out)
        integrity.check_sqlite_file(out)
        method = "sqlite backup API"
        with core.write() as session:
            core.audit(session, actor, "database.backup", detail=f"to {out.name}"[:200])
    else:
        with _owner_only():
            copy_database(core, actor, f"sqlite:///{out}", action="database.backup")
        method = "logical copy"
    out.chmod(0o600)
    return BackupReport(out, out.stat().st_size, time.monotonic() - started, method)


@contextmanager
def opened_backup(path: Path) -> Iterator[Core]:
    """The backup at ``path``, checked, on a private copy (the file itself stays unchanged)."""
    if not path.is_file():
        raise ValidationError("FILE", f"{path} is not a file")
    integrity.check_sqlite_file(path)
    with tempfile.TemporaryDirectory(prefix="girlscourt-restore-") as folder:
        copy = Path(folder) / "backup.sqlite3"
        shutil.copyfile(path, copy)
        database = Database.open(f"sqlite:///{copy}", source="FILE")
        try:
            yield Core(database, anchor_file=Path(folder) / "anchor.json")
        finally:
            database.dispose()


def restore_database(backup: Core, actor: Actor, into_url: str) -> CopyReport:
    """Copy a backup (``opened_backup``) into the empty database at ``into_url``, verified."""
    return copy_database(backup, actor, into_url, action="database.restore", audit_source=False)
