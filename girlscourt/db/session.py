"""The unit of work: one short-lived session per call, errors turned into the app's own types.

Read sessions begin deferred; write sessions begin IMMEDIATE on SQLite so concurrent writers wait
their turn (busy_timeout) instead of failing half-way. ORM objects never leave a session.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, exc
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from girlscourt.db import integrity
from girlscourt.db.engine import DatabaseTarget, PasswordPrompt, make_engine, resolve_password
from girlscourt.db.engine import parse_database_url as parse_database_url
from girlscourt.errors import ConflictError, DatabaseUnavailable


class Database:
    """An engine plus the session factory the services use."""

    def __init__(self, target: DatabaseTarget, engine: Engine) -> None:
        self.target = target
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False, autoflush=True)

    @classmethod
    def open(
        cls, url: str, *, prompt: PasswordPrompt | None = None, source: str = "--database"
    ) -> Database:
        """Check the URL, find the password in the keyring (or ask), and build the engine."""
        target = resolve_password(parse_database_url(url, source=source), prompt)
        return cls(target, make_engine(target))

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
            except (exc.OperationalError, exc.InterfaceError) as error:
                session.rollback()
                raise unavailable(self.target, error) from error
            except exc.DatabaseError as error:
                session.rollback()
                damage = integrity.damaged_in_use(self.target.url.database, error)
                if damage is not None and self.dialect == "sqlite":
                    raise damage from error
                raise
            except BaseException:
                session.rollback()
                raise


def unavailable(target: DatabaseTarget, error: Exception) -> DatabaseUnavailable:
    """A one-line, password-free message for a database that cannot be used right now."""
    original = getattr(error, "orig", None) or error
    reason = (
        str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    )
    if "locked" in reason or "busy" in reason:
        reason = "the database is busy with another workstation's save; try again"
    if disk_full(original, reason):
        reason = "disk full: nothing was saved; free some space, then try again"
    return DatabaseUnavailable(f"database: cannot use {target.display}: {reason}")


def disk_full(error: BaseException, reason: str = "") -> bool:
    """SQLite's SQLITE_FULL ("database or disk is full") or PostgreSQL's disk_full (53100)."""
    code = getattr(error, "sqlite_errorname", None) or getattr(error, "sqlstate", None)
    if code in ("SQLITE_FULL", "53100"):
        return True
    text = reason or str(error)
    return "database or disk is full" in text or "No space left on device" in text
