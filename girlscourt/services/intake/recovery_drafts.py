"""Intake forms kept on this workstation while the shared database cannot be reached.

The intake page keeps its drafts in the database, which does not help when the database is what
went away. Then the form's content (the same dict a database draft holds) is kept here until it
can be saved: one file per draft under the user data folder, in a folder per database and per
signed-in user. Folders are 0700 and files 0600 (on Windows the profile's own ACL applies),
each written atomically (temporary file, fsync, ``os.replace``).

A file is sealed with AES-256-GCM under a random key kept in the OS keyring
(``credentials.get_recovery_key``), bound to its database, user and draft id, so neither another
OS user nor a copied disk reads a youth's details from it, and a file moved to another user's
folder does not open. Where no usable keyring exists (or the disk refuses the write) the draft
is kept in this process's memory only and ``RecoveryDraft.on_disk`` says so: never plaintext on
disk. A file that cannot be read or opened is renamed aside (for an administrator; never
deleted) and skipped, never a crash.

No database is touched here, so nothing is audited: the intake saved from a draft is.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import logging
import os
import re
import secrets
import tempfile
import threading
import uuid
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from girlscourt import credentials
from girlscourt.config import data_dir
from girlscourt.db.engine import DatabaseTarget
from girlscourt.domain.permissions import Action
from girlscourt.errors import NotFound, PermissionDenied
from girlscourt.services.kernel.core import Actor, Core

log = logging.getLogger(__name__)

RECOVERY_FOLDER = "recovery-drafts"
SUFFIX = ".gcdraft"
MAGIC = b"GCRECOVERY1\n"
NONCE_BYTES = 12
MAX_FILE_BYTES = 8 * 1024 * 1024  # an intake form is a few kB; anything larger is not ours
_ID = re.compile(r"[0-9a-f]{32}")

_lock = threading.Lock()
_memory: dict[tuple[Path, str], RecoveryDraft] = {}  # drafts that could not go to disk
_revisions: dict[tuple[Path, str], int] = {}  # the newest revision written per draft
_discarded: set[tuple[Path, str]] = set()  # a late write must not bring these back


@dataclass(frozen=True)
class RecoveryDraft:
    """An intake form kept on this workstation; ``on_disk`` False: in memory until the app ends."""

    id: str
    content: dict[str, Any]
    saved_at: dt.datetime
    db_draft_id: int | None = None  # the database draft this form continued, if any
    on_disk: bool = True


@dataclass(frozen=True)
class _Place:
    """Where one user's recovery drafts for one database live, and what their key is called."""

    folder: Path
    account: str  # the keyring account of the key; also bound into every file

    def path(self, draft_id: str) -> Path:
        return self.folder / f"{draft_id}{SUFFIX}"

    def aad(self, draft_id: str) -> bytes:
        return MAGIC + f"{self.account}/{draft_id}".encode()


def database_digest(target: DatabaseTarget) -> str:
    """A name for the database at ``target``: a hash of its URL without the password.

    The same as ``audit_anchor.anchor_path`` uses, so one database has one name on disk.
    """
    url = target.url.set(password=None).render_as_string(hide_password=False)
    return hashlib.sha256(url.encode("utf-8")).hexdigest()[:32]


def recovery_folder(target: DatabaseTarget, actor: Actor, base: Path | None = None) -> Path:
    """The folder of ``actor``'s recovery drafts for the database at ``target``."""
    return _place(target, actor, base).folder


def _place(target: DatabaseTarget, actor: Actor, base: Path | None = None) -> _Place:
    digest = database_digest(target)
    user = f"user-{actor.user_id}"
    return _Place((base or data_dir()) / RECOVERY_FOLDER / digest / user, f"{digest}/{user}")


def new_id() -> str:
    """A fresh draft id (the caller keeps it, so every later copy replaces the same file)."""
    return uuid.uuid4().hex


def _check(actor: Actor, draft_id: str | None = None) -> None:
    # Checked without an audit event: the database (and so the audit trail) may be away.
    if not actor.may(Action.INTAKE_RECORD):
        raise PermissionDenied(f"{actor.username} ({actor.role.value}) may not record intakes")
    if draft_id is not None and not _ID.fullmatch(draft_id):
        raise NotFound(f"recovery draft {draft_id[:40]!r}: no such draft")


# -- keeping ----------------------------------------------------------------------------------


def save(
    core: Core,
    actor: Actor,
    content: dict[str, Any],
    *,
    draft_id: str,
    revision: int | None = None,
    db_draft_id: int | None = None,
) -> RecoveryDraft | None:
    """Keep ``content`` as draft ``draft_id`` (from ``new_id``), replacing its earlier copy.

    ``revision`` orders copies sent from one process (e.g. ``time.monotonic_ns()`` when the
    form was read): a copy older than one already kept is dropped, so writes that finish out of
    order never replace newer work. None is returned for a dropped copy, and for a draft
    discarded meanwhile (the intake was saved). Sealed on disk where a usable keyring holds
    the key; otherwise kept in memory with ``on_disk`` False.
    """
    _check(actor, draft_id)
    place = _place(core.db.target, actor)
    plain = json.dumps(
        {
            "saved_at": core.now().isoformat(),
            "db_draft_id": db_draft_id,
            "content": content,
        },
        ensure_ascii=False,
        allow_nan=False,
    ).encode("utf-8")
    draft = RecoveryDraft(draft_id, json.loads(plain)["content"], core.now(), db_draft_id)
    key = (place.folder, draft_id)
    with _lock:
        if key in _discarded:
            return None
        if revision is not None:
            if revision <= _revisions.get(key, -1):
                return None
            _revisions[key] = revision
        sealing_key = _key_for_writing(place)
        if sealing_key is not None:
            try:
                _write_sealed(place, draft_id, sealing_key, plain)
            except OSError as error:
                log.warning(
                    "recovery draft kept in memory only: %s", error.strerror or type(error).__name__
                )
            else:
                _memory.pop(key, None)
                return draft
        kept = replace(draft, on_disk=False)
        _memory[key] = kept
        return kept


def _stored_key(place: _Place) -> bytes | None:
    """The sealing key in the keyring; None when none is kept yet (or it is not 256 bits).

    Raises ``credentials.KeyringUnavailable`` when no usable keyring can be asked.
    """
    text = credentials.get_recovery_key(place.account)
    if text is None:
        return None
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        log.warning("the recovery-draft key in the keyring is not a 256-bit key")
        return None
    return key


def _key_for_writing(place: _Place) -> bytes | None:
    """The sealing key, made and kept in the keyring on first use; None: no usable keyring."""
    try:
        key = _stored_key(place)
    except credentials.KeyringUnavailable:
        return None
    if key is not None:
        return key
    fresh = AESGCM.generate_key(bit_length=256)
    if not credentials.set_recovery_key(place.account, base64.b64encode(fresh).decode("ascii")):
        return None
    return fresh


def _private_folder(folder: Path) -> None:
    """Create ``folder`` (and the recovery folders above it) as 0700; refuse a symlink."""
    root = folder.parent.parent.parent  # the data folder
    root.mkdir(parents=True, exist_ok=True)
    for path in (folder.parent.parent, folder.parent, folder):
        if path.is_symlink():
            raise OSError(f"{path}: is a symbolic link, not a private folder")
        path.mkdir(mode=0o700, exist_ok=True)
        if os.name == "posix" and (path.stat().st_mode & 0o777) != 0o700:
            path.chmod(0o700)


def _write_sealed(place: _Place, draft_id: str, key: bytes, plain: bytes) -> None:
    _private_folder(place.folder)
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = MAGIC + nonce + AESGCM(key).encrypt(nonce, plain, place.aad(draft_id))
    fd, temp = tempfile.mkstemp(prefix=".recovery-", suffix=".tmp", dir=place.folder)  # 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(sealed)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temp).replace(place.path(draft_id))  # atomic (os.replace)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _sync_folder(place.folder)


def _sync_folder(folder: Path) -> None:
    """Make a rename or unlink durable (POSIX; Windows has no directory handles to sync)."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- finding ----------------------------------------------------------------------------------


def list_drafts(core: Core, actor: Actor) -> tuple[RecoveryDraft, ...]:
    """``actor``'s recovery drafts for this database, newest first (unreadable files set aside)."""
    _check(actor)
    place = _place(core.db.target, actor)
    with _lock:
        found = {d.id: d for (folder, _), d in _memory.items() if folder == place.folder}
        files = _files(place)
        key: bytes | None = None
        if files:
            try:
                key = _stored_key(place)
            except credentials.KeyringUnavailable:
                files = []  # the keyring may come back: leave the files as they are
        for path in files:
            draft_id = path.name.removesuffix(SUFFIX)
            if draft_id in found:
                continue  # the copy in memory is the newer one: its disk write failed
            draft = _read(core, place, path, draft_id, key)
            if draft is not None:
                found[draft_id] = draft
    return tuple(sorted(found.values(), key=lambda d: d.saved_at, reverse=True))


def load(core: Core, actor: Actor, draft_id: str) -> RecoveryDraft:
    """One recovery draft of ``actor``'s; ``NotFound`` when it is gone (or was set aside)."""
    _check(actor, draft_id)
    place = _place(core.db.target, actor)
    with _lock:
        kept = _memory.get((place.folder, draft_id))
        if kept is not None:
            return kept
        path = place.path(draft_id)
        draft = None
        if path.is_file():
            try:
                draft = _read(core, place, path, draft_id, _stored_key(place))
            except credentials.KeyringUnavailable:
                draft = None
    if draft is None:
        raise NotFound(f"recovery draft {draft_id}: no such draft")
    return draft


def _files(place: _Place) -> list[Path]:
    try:
        return sorted(p for p in place.folder.iterdir() if p.name.endswith(SUFFIX) and p.is_file())
    except OSError:  # no folder yet, or not readable: nothing to offer
        return []


def _read(
    core: Core, place: _Place, path: Path, draft_id: str, key: bytes | None
) -> RecoveryDraft | None:
    """The draft in ``path`` opened with ``key``; None when it cannot be (and is set aside)."""
    if not _ID.fullmatch(draft_id):
        _set_aside(core, path, "not a recovery draft name")
        return None
    if key is None:
        _set_aside(core, path, "its key is no longer in the keyring")
        return None
    try:
        with path.open("rb") as handle:
            sealed = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        log.warning("recovery draft %s not readable: %s", path.name, error.strerror or error)
        return None
    if len(sealed) > MAX_FILE_BYTES or not sealed.startswith(MAGIC):
        _set_aside(core, path, "not a recovery draft file")
        return None
    body = sealed[len(MAGIC) :]
    try:
        plain = AESGCM(key).decrypt(body[:NONCE_BYTES], body[NONCE_BYTES:], place.aad(draft_id))
        data = json.loads(plain.decode("utf-8"))
        saved_at = dt.datetime.fromisoformat(data["saved_at"])
        content = data["content"]
        db_draft_id = data.get("db_draft_id")
        if (
            not isinstance(content, dict)
            or saved_at.tzinfo is None
            or not (db_draft_id is None or type(db_draft_id) is int)
        ):
            raise ValueError("unexpected shape")
    except (InvalidTag, ValueError, KeyError, TypeError, UnicodeDecodeError):
        _set_aside(core, path, "it does not open with this workstation's key")
        return None
    return RecoveryDraft(draft_id, content, saved_at, db_draft_id)


def _set_aside(core: Core, path: Path, why: str) -> None:
    """Rename an unusable file out of the way (kept for an administrator, never deleted)."""
    stamp = core.now().strftime("%Y%m%dT%H%M%SZ")
    aside = path.with_name(f"{path.name}.unreadable-{stamp}")
    number = 1
    while aside.exists():
        number += 1
        aside = path.with_name(f"{path.name}.unreadable-{stamp}-{number}")
    try:
        path.rename(aside)
    except OSError as error:
        log.warning("recovery draft %s unusable and not renamed: %s", path.name, error)
        return
    log.warning("recovery draft %s set aside as %s: %s", path.name, aside.name, why)


# -- discarding -------------------------------------------------------------------------------


def discard(core: Core, actor: Actor, draft_id: str) -> None:
    """Remove a recovery draft (its intake was saved, or the officer threw it away)."""
    _check(actor, draft_id)
    place = _place(core.db.target, actor)
    key = (place.folder, draft_id)
    with _lock:
        _discarded.add(key)
        _memory.pop(key, None)
        path = place.path(draft_id)
        if path.exists():
            path.unlink()
            _sync_folder(place.folder)
