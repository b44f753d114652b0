"""Retrying a whole save when the connection to the database server was lost, exactly once.

SQLAlchemy's pre-ping protects a connection taken from the pool, never a transaction already
running: when the server dies or the network drops mid-save, that transaction is gone and the
only safe move is to run the *whole* unit of work again. A commit can also succeed on the
server while its acknowledgement is lost on the way back, so every save carries an operation
id (a UUID the client generates once per save, kept across retries) that the save records in
its own transaction under a unique constraint (``applied_operation``). A retry first looks the
id up; when that save already committed it answers with the record it made and writes nothing
again.

Only a lost connection (a disconnect SQLAlchemy detected, a server shutting down, starting up
or refusing connections) and another desk's colliding save (``ConcurrentSave``: a deadlock or a
serialization failure, rolled back whole) are retried, at most ``MAX_ATTEMPTS`` times with a
doubling pause and within ``RETRY_BUDGET_SECONDS``, so a dead network reaches the user as an
error in bounded time. A statement timeout, a full disk or a rule the input broke is never
retried here.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import exc, select
from sqlalchemy.orm import Session

from girlscourt.db.models import AppliedOperation
from girlscourt.db.session import unavailable
from girlscourt.errors import (
    ConcurrentSave,
    ConflictError,
    ConnectionLost,
    DatabaseDamaged,
    DiskFull,
    GirlsCourtError,
    ValidationError,
)
from girlscourt.services.kernel.core import Actor, Core

T = TypeVar("T")
log = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
BACKOFF_SECONDS = 0.2  # before the second attempt; doubled before the third
RETRY_BUDGET_SECONDS = 5.0  # no new attempt once this much time went into the save

# PostgreSQL SQLSTATEs that end the connection's transaction whole (running it again is safe):
# admin_shutdown, crash_shutdown, cannot_connect_now.
_RETRYABLE_SQLSTATES = frozenset({"57P01", "57P02", "57P03"})
_CONNECTION_EXCEPTION_CLASS = "08"


@dataclass(frozen=True)
class Applied:
    """A save already recorded under an operation id."""

    operation_id: str
    kind: str
    record_id: int
    actor_id: int | None
    request_digest: str | None = None


def request_digest(request: object) -> str:
    """A stable fingerprint of what a save was asked to write (a dataclass, usually)."""
    plain = dataclasses.asdict(request) if dataclasses.is_dataclass(request) else request  # type: ignore[arg-type]
    text = json.dumps(plain, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def new_operation_id() -> str:
    """A fresh operation id for one save (generate it once, keep it across retries)."""
    return str(uuid.uuid4())


def check_operation_id(value: object, field: str = "operation_id") -> str:
    """The canonical form of a client's operation id; anything but a UUID is refused."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str) or len(value) > 64:
        raise ValidationError(field, "must be a UUID")
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ValidationError(field, "must be a UUID") from None


def record(
    session: Session,
    operation_id: str,
    kind: str,
    record_id: int,
    actor: Actor | None,
    digest: str | None = None,
) -> None:
    """Note inside the save's own transaction that ``operation_id`` made ``record_id``.

    The flush makes a concurrent save under the same id fail on the unique constraint here,
    before the rest of its transaction commits."""
    session.add(
        AppliedOperation(
            operation_id=operation_id,
            kind=kind,
            record_id=record_id,
            actor_id=actor.user_id if actor else None,
            request_digest=digest,
        )
    )
    session.flush()


def find_applied(core: Core, operation_id: str) -> Applied | None:
    """The save recorded under ``operation_id``, if one committed."""
    with core.read() as session:
        row = session.execute(
            select(AppliedOperation).where(AppliedOperation.operation_id == operation_id)
        ).scalar_one_or_none()
        if row is None:
            return None
        return Applied(row.operation_id, row.kind, row.record_id, row.actor_id, row.request_digest)


def _chain(error: BaseException) -> Iterator[BaseException]:
    """The error and its causes (the typed error first, the driver's error last)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def lost_connection(error: BaseException) -> bool:
    """Whether ``error`` means the transaction died with its connection (safe to run again)."""
    if isinstance(error, (DiskFull, DatabaseDamaged)):
        return False  # running it again cannot help: space or a restore is needed first
    for link in _chain(error):
        if not isinstance(link, exc.DBAPIError):
            continue
        if link.connection_invalidated:
            return True
        if not isinstance(link, (exc.OperationalError, exc.InterfaceError)):
            return False
        if not type(link.orig).__module__.startswith("psycopg"):
            return False  # SQLite: a local file; "locked" is the busy handler's business
        sqlstate = getattr(link.orig, "sqlstate", None)
        if sqlstate is None:
            return True  # the client could not reach the server at all (refused, closed)
        return bool(
            sqlstate in _RETRYABLE_SQLSTATES or sqlstate.startswith(_CONNECTION_EXCEPTION_CLASS)
        )
    return False


def duplicate_operation(error: BaseException) -> bool:
    """Whether ``error`` is the unique constraint on the operation id: the same save committed
    meanwhile (a concurrent retry), so the next attempt will find it applied."""
    return any(
        isinstance(link, exc.IntegrityError) and "applied_operation" in str(link.orig)
        for link in _chain(error)
    )


_CHANGED_SINCE = (
    "This save already went through before the connection dropped, as the entry stood then; "
    "the changes made since were not saved. Open the record to see what was saved."
)


def _same_kind(applied: str, kind: str) -> bool:
    """``intake.sb1322`` (the refused booking) is an outcome of an ``intake`` save."""
    return applied == kind or applied.startswith(f"{kind}.")


def _lost_message(core: Core, error: Exception, attempts: int) -> str:
    first = error if isinstance(error, GirlsCourtError) else unavailable(core.db.target, error)
    tries = "1 try" if attempts == 1 else f"{attempts} tries"
    return (
        f"{first.message} (connection lost; {tries}, nothing was half-written: "
        "save again when the database is back)"
    )


def apply_once(
    core: Core,
    actor: Actor | None,
    kind: str,
    operation_id: str | None,
    save: Callable[[str], T],
    replay: Callable[[Applied], T],
    *,
    digest: str | None = None,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> T:
    """Run ``save(operation_id)`` (which must call :func:`record` in its transaction) so that
    it takes effect exactly once, retrying the whole of it after a lost connection.

    When ``operation_id`` was already applied, ``replay(applied)`` answers instead (the first
    save's record); an id used by another user or for another kind of save is refused, and so
    is one whose first save recorded another ``digest`` (the form was changed since: answering
    with the first save would silently drop those changes). Without
    an ``operation_id`` one is generated, so this call's own retries are still exactly-once.
    Raises :class:`ConnectionLost` once the attempts or the time budget are spent.
    """
    op = new_operation_id() if operation_id is None else check_operation_id(operation_id)
    started = monotonic()
    attempt = 0
    while True:
        attempt += 1
        try:
            applied = find_applied(core, op)
            if applied is None:
                return save(op)
            if not _same_kind(applied.kind, kind) or (
                actor is not None and applied.actor_id not in {None, actor.user_id}
            ):
                raise ValidationError("operation_id", "was already used for another save")
            if digest and applied.request_digest and applied.request_digest != digest:
                raise ConflictError(_CHANGED_SINCE)
            return replay(applied)
        except Exception as error:
            if duplicate_operation(error) and attempt < MAX_ATTEMPTS:
                continue
            collided = isinstance(error, ConcurrentSave)
            if not collided and not lost_connection(error):
                raise
            delay = BACKOFF_SECONDS * 2 ** (attempt - 1)
            if attempt >= MAX_ATTEMPTS or monotonic() - started + delay > RETRY_BUDGET_SECONDS:
                if collided:
                    raise
                raise ConnectionLost(_lost_message(core, error, attempt)) from error
            why = "another desk's save collided" if collided else "connection lost"
            log.warning("%s: %s on attempt %d; retrying the whole save", kind, why, attempt)
            sleep(delay)
