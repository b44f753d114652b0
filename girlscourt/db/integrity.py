"""Refusing a damaged SQLite file before anything is written to it.

A case file that fails SQLite's own checks must never be written to: writing can spread the
damage and hide what was lost. Each open checks the header, then runs SQLite's own check on a
read-only connection: the full ``integrity_check`` on a file up to ``FULL_CHECK_MAX_BYTES`` (it
also finds indexes that disagree with their tables, which ``quick_check`` misses; about 25 ms
per MiB, 0.2 s at the limit), else ``quick_check`` (0.17 s on a 50 MB file; the full check would
take 1.9 s), and gives up after ``CHECK_BUDGET_SECONDS`` on a huge one. Only a file that does
not exist may become a new database: an empty or cut-short file is damage, not a fresh start.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import sqlite3
import time
from pathlib import Path

from sqlalchemy import Engine

from girlscourt.db import disk_space
from girlscourt.errors import DatabaseDamaged, DatabaseUnavailable, DiskFull
from girlscourt.paths import data_dir

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_SIZE = 100
CHECK_BUDGET_SECONDS = 5.0
FULL_CHECK_MAX_BYTES = 8 * 1024 * 1024
CORRUPT_CODES = ("SQLITE_CORRUPT", "SQLITE_NOTADB")  # extended codes share these prefixes
CORRUPT_PHRASES = ("file is not a database", "database disk image is malformed", "malformed")
UNREADABLE_TEXT = "could not decode to utf-8"  # the driver quotes the bad value: never show it
REASON_LIMIT = 120
SIDE_SUFFIXES = ("-wal", "-shm")

log = logging.getLogger(__name__)


DAILY_BACKUP_FOLDER = "backups"  # in the data folder: the desktop app's daily copies


def daily_backup_folder() -> Path:
    """Where the desktop app keeps its daily backups (``<stem>-YYYY-MM-DD.sqlite3``)."""
    return data_dir() / DAILY_BACKUP_FOLDER


def backups_of(path: Path) -> tuple[Path, ...]:
    """The copies kept of ``path``, newest first: those ``migrate.backup_sqlite`` makes beside it
    before an upgrade, and the desktop app's daily ones in the data folder."""
    found: list[Path] = []
    for folder, pattern in (
        (path.parent, f"{path.name}.*.bak"),
        (daily_backup_folder(), f"{path.stem}-????-??-??.sqlite3"),
    ):
        try:
            found += [p for p in folder.glob(pattern) if p.is_file()]
        except OSError:
            continue
    return tuple(sorted(found, key=_taken, reverse=True))


def _taken(path: Path) -> dt.datetime:
    """When a copy was taken: the UTC time in a pre-upgrade copy's name, else the file's time."""
    stamp = path.name.rsplit(".", 2)[-2] if path.name.endswith(".bak") else ""
    try:
        return dt.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        pass
    try:
        return dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
    except OSError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)


def restore_backup(path: Path, backup: Path) -> Path:
    """Put ``backup`` in place of the damaged ``path``, keeping the damaged file (and its -wal
    and -shm) aside for IT under ``.damaged-<UTC time>``; returns the kept file's path.

    The backup is checked first (header and integrity check, read-only), so a bad backup never
    replaces anything; the copy is written beside the target and moved into place (owner-only).
    """
    check_sqlite_file(backup)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    kept = path.with_name(f"{path.name}.damaged-{stamp}")
    incoming = path.with_name(f"{path.name}.restoring-{stamp}")
    descriptor = os.open(incoming, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(descriptor)
    shutil.copyfile(backup, incoming)
    if path.exists():
        path.rename(kept)
    for suffix in SIDE_SUFFIXES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.rename(kept.with_name(kept.name + suffix))
    incoming.replace(path)
    return kept


def damaged(path: Path, reason: str) -> DatabaseDamaged:
    """The one-line error for a damaged file: which file, what is wrong, restore from a backup."""
    backups = backups_of(path)
    where = (
        f"the newest copy is {backups[0]}"
        if backups
        else "none was found: use this workstation's regular backup"
    )
    return DatabaseDamaged(
        f"database: {path} is damaged ({reason}); nothing was written to it. "
        f"Restore it from a backup ({where}).",
        path=str(path),
        reason=reason,
        backups=tuple(str(p) for p in backups),
    )


def is_corruption(error: BaseException) -> bool:
    """True for SQLITE_CORRUPT / SQLITE_NOTADB, directly or wrapped by SQLAlchemy."""
    original = getattr(error, "orig", None) or error
    name = str(getattr(original, "sqlite_errorname", "") or "")
    if name.startswith(CORRUPT_CODES):
        return True
    text = str(original).lower()
    if not isinstance(original, sqlite3.DatabaseError):
        return False
    return text.startswith(UNREADABLE_TEXT) or any(p in text for p in CORRUPT_PHRASES)


def safe_reason(error: BaseException) -> str:
    """SQLite's complaint in words that never quote a stored value."""
    original = getattr(error, "orig", None) or error
    text = str(original).lower()
    if text.startswith(UNREADABLE_TEXT):
        return "a stored text is not valid UTF-8"
    if "not a database" in text:
        return "file is not a database"
    return "database disk image is malformed"


def _short(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= REASON_LIMIT else line[: REASON_LIMIT - 1] + "…"


def _header_problem(path: Path) -> str | None:
    """What is wrong with the first 100 bytes, or None when they look like SQLite's."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(HEADER_SIZE)
    except OSError as error:
        raise DatabaseUnavailable(
            f"database: cannot read {path}: {error.strerror or error}"
        ) from error
    if size == 0:
        return "the file is empty"
    if not header.startswith(SQLITE_MAGIC[: len(header)]) or len(header) < len(SQLITE_MAGIC):
        return "it is not a SQLite database file"
    if len(header) < HEADER_SIZE:
        return "the file is cut short"
    raw = int.from_bytes(header[16:18], "big")
    page_size = 65536 if raw == 1 else raw
    if page_size < 512 or page_size & (page_size - 1):
        return "its header is damaged"
    return None


def check_sqlite_file(path: Path, *, budget_seconds: float = CHECK_BUDGET_SECONDS) -> None:
    """Raise DatabaseDamaged unless ``path`` is missing (a new database) or passes the checks.

    The check connection is read-only, so a damaged file's bytes are left exactly as they were;
    a busy or unreadable file is DatabaseUnavailable (try again), not damage.
    """
    if not path.exists():
        return
    if path.is_dir():
        raise DatabaseUnavailable(f"database: {path} is a folder, not a database file")
    problem = _header_problem(path)
    if problem is not None:
        raise damaged(path, problem)
    pragma = "integrity_check" if path.stat().st_size <= FULL_CHECK_MAX_BYTES else "quick_check"
    deadline = time.monotonic() + budget_seconds
    side_files = [Path(f"{path}{suffix}") for suffix in SIDE_SUFFIXES]
    existed = [side.exists() for side in side_files]
    try:
        rows = _run_check(path, pragma, deadline)
    except DatabaseDamaged:
        _remove_new_side_files(side_files, existed)
        raise
    if rows is None:
        log.warning("%s of %s stopped after %.1f s", pragma, path, budget_seconds)
        return
    if rows != [("ok",)]:
        _remove_new_side_files(side_files, existed)
        raise damaged(path, _short(f"SQLite's check failed: {rows[0][0] if rows else '?'}"))


def _run_check(path: Path, pragma: str, deadline: float) -> list[tuple[object, ...]] | None:
    """The check's rows, or None when it ran past its time budget."""
    try:
        connection = sqlite3.connect(
            f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0, isolation_level=None
        )
    except sqlite3.Error as error:
        raise _classify(path, error) from error
    try:
        connection.text_factory = lambda raw: raw.decode("utf-8", "replace")
        connection.set_progress_handler(lambda: int(time.monotonic() > deadline), 10_000)
        return [tuple(row) for row in connection.execute(f"PRAGMA {pragma}(1)").fetchall()]
    except sqlite3.Error as error:
        if "interrupted" in str(error).lower():
            return None
        raise _classify(path, error) from error
    except UnicodeDecodeError as error:  # SQLite quoted garbage bytes from the file back at us
        raise damaged(path, "its schema is unreadable") from error
    finally:
        connection.close()


def _remove_new_side_files(side_files: list[Path], existed: list[bool]) -> None:
    """Leave a refused file as it was found: drop the empty -wal/-shm the check itself made."""
    for side, was_there in zip(side_files, existed, strict=True):
        try:
            if (
                not was_there
                and side.exists()
                and (side.name.endswith("-shm") or not side.stat().st_size)
            ):
                side.unlink()
        except OSError:
            pass


def _classify(path: Path, error: sqlite3.Error) -> DatabaseUnavailable:
    if is_corruption(error):
        return damaged(path, safe_reason(error))
    if disk_space.is_disk_full(error, str(path)):  # no room for the check's -wal/-shm files
        return DiskFull(f"database: cannot open {path}: {disk_space.DISK_FULL}")
    return DatabaseUnavailable(f"database: cannot check {path}: {_short(str(error))}")


def damaged_in_use(database: str | None, error: BaseException) -> DatabaseDamaged | None:
    """The DatabaseDamaged for corruption SQLite found while in use, or None for other errors."""
    if not database or database == ":memory:" or not is_corruption(error):
        return None
    original = getattr(error, "orig", None) or error
    return damaged(Path(database), safe_reason(original))


def foreign_tables(engine: Engine) -> tuple[str, ...]:
    """Tables of another program in a SQLite file with no Girls Court schema (to refuse it)."""
    if engine.dialect.name != "sqlite":
        return ()
    with engine.connect() as connection:
        names = [
            str(row[0])
            for row in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
    return () if "alembic_version" in names else tuple(sorted(names))
