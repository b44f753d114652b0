"""F6: two writers on one SQLite file on a local disk (RELIABILITY.md (b)).

Process A holds ``BEGIN IMMEDIATE`` (the write lock) for 8 s while B saves through the product
with its busy_timeout of 5000 ms: B must get a clear, retryable "busy, try again" error after
about 5 s, not hang and not corrupt anything. With A holding the lock for 1 s, B's save waits
and succeeds.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from girlscourt.db.session import Database
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import GirlsCourtError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts
from tests.faults.fault_table import FaultTable

PASSWORD = "correct horse battery staple"
BUSY_TIMEOUT_S = 5.0
FAULT = "F6 two writers on one SQLite file"
RETRYABLE = {"DatabaseUnavailable", "ConcurrentSave"}

HOLDER = """
import sqlite3, sys, time
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN IMMEDIATE")
connection.execute("INSERT INTO alembic_version_probe VALUES (1)")
print("holding", flush=True)
time.sleep(float(sys.argv[2]))
connection.execute("COMMIT")
connection.close()
"""


@pytest.fixture
def desk(migrated_sqlite_template: Path, tmp_path: Path) -> Iterator[tuple[Core, Actor, Path]]:
    """B: the product over a migrated SQLite file, an administrator already signed in."""
    path = tmp_path / "desk.sqlite3"
    shutil.copy(migrated_sqlite_template, path)
    raw = sqlite3.connect(path)
    raw.execute("CREATE TABLE alembic_version_probe (n INTEGER)")  # what A writes
    raw.commit()
    raw.close()
    db = Database.open(f"sqlite:///{path}")
    core = Core(db)
    accounts.create_user(core, None, "admin", "administrator", PASSWORD, "Ada Admin")
    actor = accounts.authenticate(core, "admin", PASSWORD)
    yield core, actor, path
    db.dispose()


@contextmanager
def writer_a(path: Path, hold_seconds: float) -> Iterator[subprocess.Popen[str]]:
    """Process A, holding the write lock from when this block starts."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), str(hold_seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        yield holder
    finally:
        holder.wait(timeout=hold_seconds + 30)


def youth(n: int) -> YouthInput:
    return YouthInput(f"Testa{n}", "Writer", dt.date(2011, 2, 3))


def integrity(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    connection = sqlite3.connect(path)
    try:
        return (
            connection.execute("PRAGMA integrity_check").fetchall(),
            connection.execute("PRAGMA foreign_key_check").fetchall(),
        )
    finally:
        connection.close()


def youth_count(core: Core, actor: Actor) -> int:
    return youths.count_youths(core, actor)


def test_a_writer_held_past_the_busy_timeout_gets_a_retryable_error(
    desk: tuple[Core, Actor, Path], fault_table: FaultTable
) -> None:
    core, actor, path = desk
    before = youth_count(core, actor)
    with writer_a(path, 8.0) as holder:
        started = time.monotonic()
        with pytest.raises(GirlsCourtError) as refused:
            youths.register_youth(core, actor, youth(1))
        waited = time.monotonic() - started
        assert holder.poll() is None  # A still holds the lock: B gave up, it did not hang
    error = refused.value
    # DatabaseUnavailable ("busy ... try again", exit 3) or, where database errors are mapped
    # to contention, ConcurrentSave ("... try again", exit 5): either way retryable, one line.
    assert type(error).__name__ in RETRYABLE and error.exit_code in (3, 5), repr(error)
    assert "try again" in error.message
    assert "\n" not in error.message and "Testa" not in error.message
    assert BUSY_TIMEOUT_S - 0.5 <= waited <= BUSY_TIMEOUT_S + 2.5, waited
    assert holder.returncode == 0  # A committed its own write afterwards
    assert integrity(path) == ([("ok",)], [])
    assert youth_count(core, actor) == before  # nothing of B's save was written
    youths.register_youth(core, actor, youth(2))  # the retry the message asks for works
    assert youth_count(core, actor) == before + 1
    fault_table.record(FAULT, rounds=1, survived=1, seconds_to_error=waited, backend="sqlite")


def test_a_writer_held_for_one_second_delays_the_save_but_it_succeeds(
    desk: tuple[Core, Actor, Path], fault_table: FaultTable
) -> None:
    core, actor, path = desk
    before = youth_count(core, actor)
    with writer_a(path, 1.0):
        started = time.monotonic()
        saved = youths.register_youth(core, actor, youth(3))
        waited = time.monotonic() - started
    assert 0.3 <= waited <= BUSY_TIMEOUT_S, waited  # it waited for A, then went through
    assert youth_count(core, actor) == before + 1 and saved.id > 0
    assert integrity(path) == ([("ok",)], [])
    fault_table.record(FAULT, rounds=1, survived=1, backend="sqlite")
