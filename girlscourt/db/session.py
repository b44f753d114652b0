"""The unit of work: one short-lived session per call, errors turned into the app's own types.

Read sessions begin deferred; write sessions begin IMMEDIATE on SQLite so concurrent writers wait
their turn (busy_timeout) instead of failing half-way. ORM objects never leave a session.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy import Engine, exc
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from girlscourt.db import db_errors, disk_space, integrity
from girlscourt.db.engine import DatabaseTarget, PasswordPrompt, make_engine, resolve_password
from girlscourt.db.engine import parse_database_url as parse_database_url
from girlscourt.db.pg_network import NetworkLimits
from girlscourt.errors import ConcurrentSave, ConflictError, DatabaseUnavailable, DiskFull

T = TypeVar("T")
CONCURRENT_ATTEMPTS = 4  # one try and up to three retries of the whole unit of work
CONCURRENT_BACKOFF_SECONDS = 0.05  # doubled each time, with jitter so colliding desks part


class Database:
    """An engine plus the session factory the services use."""

    def __init__(self, target: DatabaseTarget, engine: Engine) -> None:
        self.target = target
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False, autoflush=True)

    @classmethod
    def open(
        cls,
        url: str,
        *,
        prompt: PasswordPrompt | None = None,
        source: str = "--database",
        network: NetworkLimits | None = None,
    ) -> Database:
        """Check the URL, find the password in the keyring (or ask), and build the engine.

        ``network``: PostgreSQL's dead-network limits (``NetworkLimits.from_settings``).
        """
        target = resolve_password(parse_database_url(url, source=source), prompt)
        return cls(target, make_engine(target, network=network))

    @property
    def dialect(self) -> str:
        """``sqlite`` or ``postgresql``."""
        return self.target.dialect

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @contextmanager
    def session(self, *, write: bool = False) -> Iterator[Session]:
        """A session whose transaction commits at the end of a write block and never on reads."""
        with self._sessions() as session:
            try:
                if write and self.dialect == "sqlite":
                    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
                yield session
                if write:
                    session.commit()
            except StaleDataError as error:
                session.rollback()
                raise ConflictError(
                    "Someone else saved this record while you were editing it; nothing was "
                    "overwritten. Reload it to see their changes."
                ) from error
            except exc.DBAPIError as error:
                session.rollback()
                if db_errors.is_contention(error):
                    raise db_errors.concurrent_save() from error
                damage = integrity.damaged_in_use(self.target.url.database, error)
                if damage is not None and self.dialect == "sqlite":
                    raise damage from error  # before "unavailable": a bad UTF-8 text quotes itself
                if isinstance(error, (exc.OperationalError, exc.InterfaceError)):
                    raise unavailable(self.target, error) from error
                raise db_errors.refused(self.target.display, error) from error
            except OverflowError as error:  # SQLite's driver and an integer beyond 64 bits
                session.rollback()
                raise db_errors.too_large(error) from error
            except BaseException:
                session.rollback()
                raise


def retrying(
    unit: Callable[[], T],
    *,
    attempts: int = CONCURRENT_ATTEMPTS,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run ``unit`` (a whole unit of work: its own transactions, nothing done outside them)
    again when another desk's save collided with it; after ``attempts`` the ConcurrentSave
    reaches the caller. Only for units that may simply run again (a sign-in, an audit event).
    """
    for attempt in range(1, attempts + 1):
        try:
            return unit()
        except ConcurrentSave:
            if attempt >= attempts:
                raise
            pause = CONCURRENT_BACKOFF_SECONDS * 2 ** (attempt - 1)
            sleep(pause * random.uniform(0.5, 1.5))
    raise AssertionError("unreachable")  # the loop returns or raises


def unavailable(target: DatabaseTarget, error: Exception) -> DatabaseUnavailable:
    """A one-line, password-free message for a database that cannot be used right now."""
    original = getattr(error, "orig", None) or error
    reason = (
        str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    )
    if "locked" in reason or "busy" in reason:
        reason = "the database is busy with another workstation's save; try again"
    sqlite_file = target.url.database if target.dialect == "sqlite" else None
    if disk_space.is_disk_full(original, sqlite_file):
        return DiskFull(f"database: cannot use {target.display}: {disk_space.DISK_FULL}")
    return DatabaseUnavailable(f"database: cannot use {target.display}: {reason}")
