"""The audit chain's head kept outside the database, so a cut-off tail is caught (CJIS AU-9).

After every commit that appended audit events, the workstation records the new chain head (last
event id and hash) in a small JSON file in its data folder, one file per database. Whoever can
rewrite the database cannot also rewrite every workstation's anchor; ``audit verify`` compares the
two. Files are replaced atomically (temporary file, fsync, ``os.replace``) and never move back.

A writer also notices when the chain it appends to starts before its own anchor (the head went
backwards: a cut tail, or a restore from backup). The anchor then freezes, so writing on cannot
roll the evidence out of it; ``audit verify`` keeps reporting the cut until an administrator has
dealt with it and removed the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

from girlscourt.config import data_dir
from girlscourt.db.base import utcnow
from girlscourt.db.engine import DatabaseTarget

log = logging.getLogger(__name__)

ANCHOR_FOLDER = "audit-anchors"
HISTORY = 16  # recent heads kept, so a rewritten tail can be dated to the last intact one

_lock = threading.Lock()
_latest: dict[Path, int] = {}


@dataclass(frozen=True)
class Checkpoint:
    """One recorded chain head."""

    event_id: int
    entry_hash: str


@dataclass(frozen=True)
class Anchor:
    """What a workstation last saw of a database's chain: the newest head first."""

    checkpoints: tuple[Checkpoint, ...]
    written_at: dt.datetime | None
    frozen: bool = False  # a writer saw the chain head go back behind this anchor

    @property
    def head(self) -> Checkpoint:
        """The newest recorded head."""
        return self.checkpoints[0]


class AnchorUnreadable(Exception):
    """The anchor file exists but cannot be parsed (a sign of tampering, or of disk trouble)."""


def ephemeral(target: DatabaseTarget) -> bool:
    """An in-memory SQLite database: it starts empty in every process, so nothing to anchor."""
    return target.dialect == "sqlite" and (target.url.database or ":memory:") == ":memory:"


def anchor_path(target: DatabaseTarget, folder: Path | None = None) -> Path:
    """Where this workstation keeps the anchor of the database at ``target``.

    The name is a hash of the URL without its password, so one file per database (a PostgreSQL
    schema given in the URL counts as its own database) and no secret on disk.
    """
    url = target.url.set(password=None).render_as_string(hide_password=False)
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]
    return (folder or data_dir()) / ANCHOR_FOLDER / f"{digest}.json"


def read_anchor(path: Path) -> Anchor | None:
    """The anchor at ``path``; None when this workstation has none for the database yet."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as error:
        raise AnchorUnreadable(f"{path}: {error.strerror or error}") from error
    try:
        data = json.loads(raw)
        points = tuple(Checkpoint(int(i), str(h)) for i, h in data["checkpoints"])
        written = data.get("written_at")
        when = dt.datetime.fromisoformat(written) if written else None
        frozen = bool(data.get("frozen", False))
    except (ValueError, KeyError, TypeError) as error:
        raise AnchorUnreadable(f"{path}: not a valid anchor file") from error
    if not points:
        raise AnchorUnreadable(f"{path}: the anchor records no event")
    return Anchor(points, when, frozen)


def record_head(
    path: Path,
    event_id: int,
    entry_hash: str,
    database: str,
    base: tuple[int, str] | None = None,
) -> None:
    """Record a new head after its transaction committed; an older head never replaces a newer.

    ``base`` is the chain head the transaction appended to. If it lies behind this anchor, the
    chain was cut since: the anchor is frozen as evidence instead of moving on.

    Failure to write is logged (without record data) and swallowed: the records are already
    committed, and telling the user their save failed would be false.
    """
    with _lock:
        if _latest.get(path, 0) >= event_id:
            return
        try:
            previous = read_anchor(path)
        except AnchorUnreadable as error:
            log.warning("audit anchor left as found (verify will report it): %s", error)
            return
        try:
            if previous is not None and (previous.frozen or previous.head.event_id >= event_id):
                _latest[path] = max(event_id, previous.head.event_id)
                return
            if previous is not None and base is not None and _went_back(previous.head, base):
                log.warning(
                    "audit chain head went back from event %s to %s: anchor frozen for verify",
                    previous.head.event_id,
                    base[0],
                )
                _write(path, list(previous.checkpoints), database, frozen=True)
                _latest[path] = max(event_id, previous.head.event_id)
                return
            history = [Checkpoint(event_id, entry_hash)]
            if previous is not None:
                history += list(previous.checkpoints)
            _write(path, history[:HISTORY], database)
            _latest[path] = event_id
        except OSError as error:
            log.warning("audit anchor not written to %s: %s", path, error.strerror or error)


def _went_back(head: Checkpoint, base: tuple[int, str]) -> bool:
    base_id, base_hash = base
    return base_id < head.event_id or (base_id == head.event_id and base_hash != head.entry_hash)


def _write(
    path: Path, checkpoints: list[Checkpoint], database: str, *, frozen: bool = False
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "database": database,
        "written_at": utcnow().isoformat(),
        "frozen": frozen,
        "checkpoints": [[c.event_id, c.entry_hash] for c in checkpoints],
    }
    fd, temp = tempfile.mkstemp(prefix=".anchor-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temp).replace(path)  # atomic on POSIX and Windows (os.replace)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def forget_cached_heads() -> None:
    """Drop the in-memory newest-head cache (tests that edit anchor files by hand)."""
    with _lock:
        _latest.clear()
