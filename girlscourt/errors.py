"""Typed errors every front end (GUI, CLI, tests) understands the same way.

Each carries a message fit to show a tired officer: it names the field and the problem,
never a stack trace. The CLI maps each class to one documented exit code.
"""

from __future__ import annotations


class GirlsCourtError(Exception):
    """Base of every expected error; anything else is a bug."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(GirlsCourtError):
    """Input broke a rule; ``field`` names where (a form field or a JSON path)."""

    exit_code = 1

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.detail = message


class RuleRefused(GirlsCourtError):
    """A business rule refused an otherwise well-formed request (e.g. an illegal transition)."""

    exit_code = 1


class NotFound(GirlsCourtError):
    """The record asked for does not exist (or is hidden from this actor)."""

    exit_code = 1


class PermissionDenied(GirlsCourtError):
    """The actor's role does not allow this action."""

    exit_code = 4


class LoginFailed(GirlsCourtError):
    """Wrong user name or password, a locked or disabled account."""

    exit_code = 4


class ConflictError(GirlsCourtError):
    """Someone else saved the record first; nothing was overwritten."""

    exit_code = 5

    def __init__(self, message: str, *, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version


class ConcurrentSave(GirlsCourtError):
    """Another desk was saving at the same moment (a deadlock, a serialization failure, a busy
    SQLite file): nothing was saved, nothing was overwritten, and trying again will work. Never
    an outage: the database is there."""

    exit_code = 5


class DatabaseUnavailable(GirlsCourtError):
    """The database or its configuration cannot be reached; the caller may retry."""

    exit_code = 3


class ConnectionLost(DatabaseUnavailable):
    """The connection to the database server was lost during a save, and retrying the whole
    save did not get through; nothing was half-written, and the same save may be retried."""


class DiskFull(DatabaseUnavailable):
    """No room left (a full disk, a quota or a file-size limit) for the database or a document
    being written; nothing was saved or half-written, and the same action may be retried once
    space is freed."""


class ConfigurationError(GirlsCourtError):
    """A configuration value or data file is wrong; the message names the file and key."""

    exit_code = 3


class DatabaseDamaged(DatabaseUnavailable):
    """The database file is damaged or is not a database at all; nothing was written to it.

    Unlike a busy or unreachable database, trying again will not help: the file must be restored
    from a backup. ``backups`` lists the copies found next to the file, newest first.
    """

    def __init__(
        self, message: str, *, path: str = "", reason: str = "", backups: tuple[str, ...] = ()
    ) -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason
        self.backups = backups
