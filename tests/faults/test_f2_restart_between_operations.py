"""F2: the PostgreSQL server restarts between two operations of an open app.

Every pooled connection is dead after ``pg_ctl restart -m fast``. The product's engine tests a
connection when it takes it from the pool (``pool_pre_ping``), so the next read or save simply
works, without an error and without the save's retry having to step in. The control run builds
the same engine without pre-ping and shows the first call failing with a DBAPIError that says
the connection was invalidated: it fails if someone removes the setting thinking it idle.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, exc, text

from girlscourt.db import migrate
from girlscourt.db.engine import parse_database_url
from girlscourt.db.session import Database
from girlscourt.services.kernel import retry
from girlscourt.services.kernel.core import Core
from girlscourt.services.registry import youths
from tests.faults.fault_table import FaultTable
from tests.faults.intake_desk import Desk, census, prepare, save, youth_input
from tests.faults.pg_server import PgServer

FAULT = "F2 restart between operations"
RESTARTS = 4


@pytest.fixture
def desk(pg_fault_url: str) -> Iterator[Desk]:
    db = Database.open(pg_fault_url)
    migrate.upgrade(db.engine)
    yield prepare(Core(db))
    db.dispose()


def _fill_the_pool(desk: Desk) -> None:
    """Leave several idle connections in the pool, all of which the restart will kill."""
    engine = desk.core.db.engine
    held = [engine.connect() for _ in range(3)]
    for connection in held:
        connection.execute(text("SELECT 1"))
    for connection in held:
        connection.close()


def test_reads_and_saves_after_a_restart_show_no_error(
    desk: Desk, pg_server: PgServer, fault_table: FaultTable, caplog: pytest.LogCaptureFixture
) -> None:
    core = desk.core
    assert core.db.engine.pool._pre_ping  # the setting this fault is about
    survived = 0
    for n in range(RESTARTS):
        _fill_the_pool(desk)
        pg_server.restart("fast")
        caplog.clear()
        with caplog.at_level(logging.WARNING, logger=retry.__name__):
            if n % 2 == 0:  # a read first: no retry wrapper around it, pre-ping alone
                found = youths.find_youths(core, desk.officer, "Faultia0")
                assert desk.youth_id in [r.id for r in found.rows]
                registered = youths.register_youth(core, desk.officer, youth_input(10 + n))
            else:  # a save first
                registered = youths.register_youth(core, desk.officer, youth_input(10 + n))
                found = youths.find_youths(core, desk.officer, f"Faultia{10 + n}")
                assert found.rows[0].id == registered.id  # the best match
            before = census(core)
            result = save(desk, None, registered.id)
        retried = [r.getMessage() for r in caplog.records if "connection lost" in r.getMessage()]
        assert retried == [], "pre-ping should have spared the save its retry"
        after = census(core)
        assert after["episode"] == before["episode"] + 1 and result.episode_id > 0
        survived += 1
    fault_table.record(FAULT, rounds=RESTARTS, survived=survived, backend="postgresql")


def test_without_pre_ping_the_first_call_after_a_restart_fails_invalidated(
    pg_fault_url: str, pg_server: PgServer
) -> None:
    """The control: the same URL and driver, pre-ping off."""
    url = parse_database_url(pg_fault_url).url
    engine = create_engine(url, pool_pre_ping=False, pool_size=2)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT 1")).scalar_one() == 1
        pg_server.restart("fast")
        with pytest.raises(exc.DBAPIError) as raised, engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        assert raised.value.connection_invalidated is True
        assert retry.lost_connection(raised.value)  # the save's retry would run it again
        with engine.connect() as connection:  # the pool was refilled after the invalidation
            assert connection.execute(text("SELECT 1")).scalar_one() == 1
    finally:
        engine.dispose()
