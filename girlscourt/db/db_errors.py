"""Database errors in the product's terms: one line, a typed error, never a row's values.

A driver's message can carry the very values a save held: PostgreSQL's ``DETAIL: Key
(legal_last_name, dob)=(...)`` or ``Failing row contains (...)``, or ``invalid input syntax ...:
"<value>"``. So nothing here shows a driver's message text; the message is built from the
error's class, its SQLSTATE and the schema names it reports (table, column, constraint), which
are ours and hold no personal data.

- A value the database refused because of the input (a duplicate, a missing value, a broken
  rule, a value too long or out of range) is the input's fault: exit 1.
- Another desk saving at the same moment (PostgreSQL's deadlock_detected 40P01,
  serialization_failure 40001 and lock_not_available 55P03; SQLite's "database is locked") is
  ``ConcurrentSave``: nothing was saved and the same unit of work may simply run again.
- Anything else (a schema that does not match, a missing permission, an internal error) is the
  database's: exit 3.
"""

from __future__ import annotations

import re

from sqlalchemy import exc

from girlscourt.errors import (
    ConcurrentSave,
    DatabaseUnavailable,
    GirlsCourtError,
    RuleRefused,
    ValidationError,
)

CONTENTION_SQLSTATES = frozenset({"40P01", "40001", "55P03"})
_SQLITE_BUSY = ("SQLITE_BUSY", "SQLITE_LOCKED")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
NOTHING_SAVED = "nothing was saved"

CONCURRENT_MESSAGE = "another desk was saving at the same moment; nothing was saved, so try again"

# PostgreSQL data exceptions (class 22): what was wrong with the value, in words.
_DATA_PROBLEMS = {
    "22001": "is too long for the database",
    "22003": "is out of range for the database",
    "22007": "is not a date or time the database accepts",
    "22008": "is a date or time out of the database's range",
    "22021": "contains a character the database cannot store",
    "22P02": "does not have the form the database expects",
    "22P05": "contains a character the database cannot store",
    "2201B": "does not have the form the database expects",
}


def _orig(error: BaseException) -> BaseException:
    return getattr(error, "orig", None) or error


def _sqlstate(original: BaseException) -> str | None:
    code = getattr(original, "sqlstate", None)
    return code if isinstance(code, str) else None


def _diag(original: BaseException, name: str) -> str | None:
    """A schema name psycopg reports (``constraint_name``, ``column_name``, ``table_name``)."""
    diag = getattr(original, "diag", None)
    value = getattr(diag, name, None) if diag is not None else None
    return _name(value)


def _name(value: object) -> str | None:
    """``value`` when it is a plain SQL identifier (never free text), else None."""
    if isinstance(value, str) and _NAME.fullmatch(value):
        return value
    return None


def is_contention(error: BaseException) -> bool:
    """Whether ``error`` says another transaction got in the way (safe to run the unit again)."""
    original = _orig(error)
    if _sqlstate(original) in CONTENTION_SQLSTATES:
        return True
    name = getattr(original, "sqlite_errorname", None)
    if isinstance(name, str) and name.startswith(_SQLITE_BUSY):
        return True
    if type(original).__module__.startswith("sqlite3"):
        first = str(original).strip().splitlines()[0] if str(original).strip() else ""
        return first in {"database is locked", "database table is locked"}
    return False


def _sqlite_columns(text: str) -> tuple[str | None, list[str]]:
    """From "UNIQUE constraint failed: youth.a, youth.b": the table and its column names."""
    _, _, names = text.partition(":")
    table: str | None = None
    columns: list[str] = []
    for part in names.split(","):
        table_name, _, column = part.strip().partition(".")
        if _name(table_name) and _name(column):
            table, columns = table_name, [*columns, column]
    return table, columns


def _integrity(original: BaseException) -> GirlsCourtError:
    """A refused value: which rule, by schema names only."""
    state = _sqlstate(original) or ""
    text = str(original).strip().splitlines()[0] if str(original).strip() else ""
    constraint = _diag(original, "constraint_name")
    column = _diag(original, "column_name")
    table = _diag(original, "table_name")
    sqlite_name = str(getattr(original, "sqlite_errorname", "") or "")
    columns: list[str] = [column] if column else []
    if not state and " constraint failed" in text:
        table, columns = _sqlite_columns(text)
        if text.startswith("CHECK constraint failed:"):
            constraint = _name(text.partition(":")[2].strip())
    unique = state == "23505" or sqlite_name.endswith(("_UNIQUE", "_PRIMARYKEY"))
    primary_key = (constraint or "").startswith("pk_") or sqlite_name.endswith("_PRIMARYKEY")
    if unique and primary_key:
        where = f" ({table or constraint})" if (table or constraint) else ""
        return DatabaseUnavailable(
            f"database: a new record's id{where} is already taken: the database's id counter "
            f"is behind; {NOTHING_SAVED}. Tell the administrator."
        )
    if unique:
        named = f"uq_{table}_" if table else None  # the metadata's naming convention
        if not columns and constraint and named and constraint.startswith(named):
            columns = [constraint.removeprefix(named)]
        field = ", ".join(columns) or constraint or "record"
        return ValidationError(field, f"is already used by another record; {NOTHING_SAVED}")
    if state == "23502" or sqlite_name.endswith("_NOTNULL"):
        return ValidationError(", ".join(columns) or "record", f"is required; {NOTHING_SAVED}")
    if state == "23503" or sqlite_name.endswith("_FOREIGNKEY"):
        what = f" ({constraint})" if constraint else ""
        return RuleRefused(
            f"the record refers to another record that does not exist or was removed{what}; "
            f"{NOTHING_SAVED}"
        )
    rule = constraint or "a rule of the database"
    return RuleRefused(f"a value broke {rule}; {NOTHING_SAVED}")


def _data(original: BaseException) -> GirlsCourtError:
    """A value the database cannot hold (too long, out of range, a NUL character)."""
    state = _sqlstate(original) or ""
    problem = _DATA_PROBLEMS.get(state)
    if problem is None and not state and "NUL" in str(original):
        problem = "contains a NUL character, which the database cannot store"
    field = _diag(original, "column_name") or "value"
    return ValidationError(field, f"{problem or 'was refused by the database'}; {NOTHING_SAVED}")


def _database(display: str, error: exc.DBAPIError) -> DatabaseUnavailable:
    """The database's own problem: what kind, and the SQLSTATE for the administrator."""
    original = _orig(error)
    state = _sqlstate(original)
    code = f" (SQLSTATE {state})" if state else f" ({type(original).__name__})"
    if state == "42501":
        what = "the database account lacks a permission this needs"
    elif (state and state[:2] == "42") or isinstance(error, exc.ProgrammingError):
        what = (
            "the database refused the statement: its schema may not match this version "
            "(see 'girlscourt db status')"
        )
    elif isinstance(error, exc.InternalError):
        what = "the database reported an internal error"
    else:
        what = "the database reported an error"
    return DatabaseUnavailable(f"database: cannot use {display}: {what}{code}; {NOTHING_SAVED}")


def _trigger(original: BaseException) -> RuleRefused | None:
    """A refusal raised by one of our own triggers (``audit_event is append-only``): its text is
    ours, so it is shown, when it is plain words (a trigger formatting a value is not shown)."""
    diag = getattr(original, "diag", None)
    context = str(getattr(diag, "context", None) or "")
    from_trigger = (
        _sqlstate(original) == "P0001"
        or " at RAISE" in context  # PL/pgSQL's RAISE, whatever ERRCODE it chose
        or str(getattr(original, "sqlite_errorname", "") or "").endswith("_TRIGGER")
    )
    if not from_trigger:
        return None
    text = str(original).strip().splitlines()[0] if str(original).strip() else ""
    if _TRIGGER_TEXT.fullmatch(text):
        return RuleRefused(f"the database refused the change: {text}; {NOTHING_SAVED}")
    return RuleRefused(f"the database refused the change; {NOTHING_SAVED}")


_TRIGGER_TEXT = re.compile(r"[A-Za-z0-9_ :,.()-]{1,120}")


def refused(display: str, error: exc.DBAPIError) -> GirlsCourtError:
    """The typed error for any DBAPI error that is neither a lost connection nor contention.

    ``display`` is the database URL with its password hidden.
    """
    original = _orig(error)
    by_trigger = _trigger(original)
    if by_trigger is not None:
        return by_trigger
    if isinstance(error, exc.IntegrityError):
        return _integrity(original)
    if isinstance(error, exc.DataError):
        return _data(original)
    return _database(display, error)


def concurrent_save() -> ConcurrentSave:
    """What the user sees when another desk's save collided with theirs."""
    return ConcurrentSave(CONCURRENT_MESSAGE)


def too_large(error: OverflowError) -> ValidationError:
    """SQLite's driver refusing an integer beyond 64 bits (the input's fault)."""
    del error
    return ValidationError("value", f"is a number too large for the database; {NOTHING_SAVED}")
