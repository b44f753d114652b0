"""Database errors reach the user as the product's typed errors, in one line, with no row values.

Each case makes the real database refuse something (both backends), and checks the class, the
exit code and that the row's values (a sentinel name and date of birth) are nowhere in the
message. Collisions with another desk's save are ``ConcurrentSave`` and are retried whole.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from sqlalchemy import event, insert, text

from girlscourt.db.models import User, Youth, YouthAlias
from girlscourt.db.session import Database, retrying
from girlscourt.errors import (
    ConcurrentSave,
    DatabaseUnavailable,
    GirlsCourtError,
    RuleRefused,
    ValidationError,
)
from girlscourt.services.kernel.core import Actor, Core

SENTINEL_FIRST = "Zzqxmaya"
SENTINEL_LAST = "Sentinelova"
SENTINEL_DOB = dt.date(2011, 7, 19)


def youth_row(**changes: Any) -> dict[str, Any]:
    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
    row: dict[str, Any] = {
        "legal_first_name": SENTINEL_FIRST,
        "legal_last_name": SENTINEL_LAST,
        "dob": SENTINEL_DOB,
        "version": 1,
        "created_at": now,
        "updated_at": now,
        "dependency_status": "none",
        "interpreter_needed": False,
    }
    return row | changes


def refused(core: Core, statement: Any, rows: Any = None) -> GirlsCourtError:
    """The typed error a write raised; it must hold none of the row's values."""
    with pytest.raises(GirlsCourtError) as caught, core.write() as session:
        session.execute(statement, rows) if rows is not None else session.execute(statement)
    error = caught.value
    message = str(error)
    assert "\n" not in message
    for value in (SENTINEL_FIRST, SENTINEL_LAST, SENTINEL_DOB.isoformat(), "DETAIL", "Key ("):
        assert value not in message, message
    return error


def count_youths(core: Core) -> int:
    with core.read() as session:
        return int(session.execute(text("SELECT count(*) FROM youth")).scalar_one())


def test_a_taken_primary_key_is_the_databases_fault_and_shows_no_values(
    core: Core, admin: Actor
) -> None:
    with core.write() as session:
        made = session.execute(insert(Youth).returning(Youth.id), [youth_row()]).scalar_one()
    error = refused(core, insert(Youth), [youth_row(id=made)])
    assert isinstance(error, DatabaseUnavailable) and error.exit_code == 3
    assert "id counter" in str(error) and "nothing was saved" in str(error)
    assert count_youths(core) == 1


def test_a_duplicate_value_names_the_column(core: Core, admin: Actor) -> None:
    error = refused(
        core,
        insert(User),
        [
            {
                "username": "ADMIN",
                "username_key": "admin",
                "display_name": SENTINEL_FIRST,
                "role": "intake_officer",
                "password_hash": "x",
            }
        ],
    )
    assert isinstance(error, ValidationError) and error.exit_code == 1
    assert error.field == "username_key" and "already used" in str(error)


def test_a_missing_required_value_names_the_column(core: Core, admin: Actor) -> None:
    error = refused(core, insert(Youth), [youth_row(legal_last_name=None)])
    assert isinstance(error, ValidationError) and error.exit_code == 1
    assert error.field == "legal_last_name" and "required" in str(error)
    assert count_youths(core) == 0


def test_a_reference_to_a_missing_record_is_refused(core: Core, admin: Actor) -> None:
    error = refused(
        core, insert(YouthAlias), [{"youth_id": 987654, "alias": SENTINEL_FIRST, "kind": "alias"}]
    )
    assert isinstance(error, RuleRefused) and error.exit_code == 1
    assert "does not exist" in str(error)


def test_a_value_the_database_cannot_hold_is_the_inputs_fault(core: Core, admin: Actor) -> None:
    if core.db.dialect == "postgresql":
        too_long = refused(core, insert(Youth), [youth_row(legal_middle_name="M" * 101)])
        assert isinstance(too_long, ValidationError) and "too long" in str(too_long)
        nul = refused(core, insert(Youth), [youth_row(preferred_name="Ma\x00ya")])
        assert isinstance(nul, ValidationError) and "NUL" in str(nul)
        statement = text("SELECT CAST(:n AS bigint)")
    else:
        statement = text("SELECT :n")
    huge = refused(core, statement, {"n": 2**70})
    assert isinstance(huge, ValidationError) and huge.exit_code == 1
    assert count_youths(core) == 0


def test_a_statement_the_schema_does_not_know_is_the_databases_fault(
    core: Core, admin: Actor
) -> None:
    error = refused(core, text("SELECT legal_first_name FROM no_such_table"))
    assert isinstance(error, DatabaseUnavailable) and error.exit_code == 3


def _second_desk(core: Core) -> Database:
    """Another workstation on the same database; on SQLite it gives up waiting quickly."""
    other = Database.open(core.db.target.url.render_as_string(hide_password=False))
    if other.dialect == "sqlite":
        event.listen(
            other.engine,
            "connect",
            lambda dbapi, _record: dbapi.execute("PRAGMA busy_timeout=200"),
        )
    return other


def test_a_busy_sqlite_file_or_a_deadlock_is_a_concurrent_save_not_an_outage(
    core: Core, admin: Actor
) -> None:
    with core.write() as session:
        first, second = session.execute(
            insert(Youth).returning(Youth.id, sort_by_parameter_order=True),
            [youth_row(), youth_row(legal_first_name="Other")],
        ).scalars()
    other = _second_desk(core)
    try:
        if core.db.dialect == "sqlite":
            error = _busy_sqlite(core, other)
        else:
            error = _deadlock(core, other, first, second)
    finally:
        other.dispose()
    assert isinstance(error, ConcurrentSave) and error.exit_code == 5
    assert "another desk was saving at the same moment" in str(error)
    assert not isinstance(error, DatabaseUnavailable)


def _busy_sqlite(core: Core, other: Database) -> GirlsCourtError:
    with core.write() as holding:  # BEGIN IMMEDIATE: the write lock is ours until the block ends
        holding.execute(text("UPDATE youth SET version = version"))
        with pytest.raises(GirlsCourtError) as caught, other.session(write=True) as session:
            session.execute(text("UPDATE youth SET version = version"))
    return caught.value


def _deadlock(core: Core, other: Database, first: int, second: int) -> GirlsCourtError:
    """Two desks lock two rows in opposite orders: PostgreSQL picks one of them to fail."""
    both_hold = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []
    lock = text("SELECT id FROM youth WHERE id = :id FOR UPDATE")

    def desk(database: Database, mine: int, theirs: int) -> None:
        try:
            with database.session(write=True) as session:
                session.execute(lock, {"id": mine})
                both_hold.wait()
                session.execute(lock, {"id": theirs})
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [
        threading.Thread(target=desk, args=(core.db, first, second)),
        threading.Thread(target=desk, args=(other, second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(errors) == 1, errors  # exactly one desk lost; the other saved
    assert isinstance(errors[0], GirlsCourtError)
    return errors[0]


def test_retrying_runs_the_whole_unit_again_then_gives_up() -> None:
    calls: list[int] = []
    pauses: list[float] = []

    def collides_twice() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConcurrentSave("another desk was saving at the same moment")
        return "saved"

    assert retrying(collides_twice, sleep=pauses.append) == "saved"
    assert len(calls) == 3 and len(pauses) == 2 and pauses[1] > pauses[0] * 0.3

    def always() -> str:
        calls.append(1)
        raise ConcurrentSave("another desk was saving at the same moment")

    calls.clear()
    with pytest.raises(ConcurrentSave):
        retrying(always, attempts=4, sleep=pauses.append)
    assert len(calls) == 4  # capped

    def broken() -> str:
        calls.append(1)
        raise DatabaseUnavailable("database: down")

    calls.clear()
    with pytest.raises(DatabaseUnavailable):
        retrying(broken, sleep=pauses.append)
    assert len(calls) == 1  # an outage is never retried here
