"""Telling a full disk from other database failures, so the user reads "disk full", not "I/O error".

SQLite says SQLITE_FULL ("database or disk is full") when a page cannot be added, and PostgreSQL
says disk_full (SQLSTATE 53100). But on a disk with no room left SQLite often fails earlier, when
it creates or grows the ``-wal`` and ``-shm`` files, and reports only "disk I/O error"
(SQLITE_IOERR_SHMSIZE, _WRITE, _TRUNCATE ...). An I/O error while the database's folder has
almost no free space left is reported as a full disk too: that is what the user must fix.
"""

from __future__ import annotations

import os
from pathlib import Path

LOW_SPACE_BYTES = 1024 * 1024  # less than this free beside the file, and SQLite cannot work
DISK_FULL = "disk full: nothing was saved; free some space, then try again"
_FULL_CODES = ("SQLITE_FULL", "53100")
_FULL_TEXT = ("database or disk is full", "No space left on device", "could not extend file")


def free_bytes(folder: Path) -> int | None:
    """Bytes an unprivileged writer may still use in ``folder``'s filesystem (None: unknown)."""
    try:
        found = os.statvfs(folder)
    except (OSError, AttributeError):  # no statvfs on Windows: no guess
        return None
    return found.f_bavail * found.f_frsize


def is_disk_full(error: BaseException, database_file: str | None = None) -> bool:
    """Whether ``error`` (a driver error, or SQLAlchemy's wrapper of one) means no space left.

    ``database_file``: the SQLite file, whose folder's free space decides an I/O error.
    """
    original = getattr(error, "orig", None) or error
    code = getattr(original, "sqlite_errorname", None) or getattr(original, "sqlstate", None)
    text = str(original)
    if code in _FULL_CODES or any(phrase in text for phrase in _FULL_TEXT):
        return True
    io_error = (isinstance(code, str) and code.startswith("SQLITE_IOERR")) or (
        "disk I/O error" in text
    )
    if not io_error or not database_file or database_file == ":memory:":
        return False
    free = free_bytes(Path(database_file).resolve().parent)
    return free is not None and free < LOW_SPACE_BYTES
