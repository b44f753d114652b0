"""Fault-suite fixtures: a private PostgreSQL server, the figures table, no silent skips.

Every test here is marked ``fault``. With ``GIRLSCOURT_REQUIRE_FAULTS=1`` (CI) a fault test that
skips fails instead: a fault nobody injected proves nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.faults.fault_table import TABLE, FaultTable
from tests.faults.pg_server import PgServer, new_server_root

REQUIRE_FAULTS = os.environ.get("GIRLSCOURT_REQUIRE_FAULTS") == "1"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/faults/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.fault)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    if REQUIRE_FAULTS and report.skipped and item.get_closest_marker("fault"):
        report.outcome = "failed"
        report.longrepr = f"fault test skipped, and CI requires every fault test: {report.longrepr}"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not TABLE.rows:
        return
    terminalreporter.section("fault figures")
    terminalreporter.write(TABLE.markdown())
    saved = TABLE.save()
    if saved is not None:
        terminalreporter.write_line(f"saved to {saved}")


@pytest.fixture
def fault_table() -> FaultTable:
    """Where a fault test records its rounds, survivals, losses and time to the user's error."""
    return TABLE


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A PostgreSQL server of this test session's own, which the tests may stop and kill."""
    server = PgServer(new_server_root())
    if server.bin_dir is None:
        if REQUIRE_FAULTS:
            pytest.fail("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    server.init()
    yield server
    server.destroy()


@pytest.fixture
def pg_fault_url(pg_server: PgServer) -> Iterator[str]:
    """An empty database on the private server (dropped afterwards); the server is up."""
    if not pg_server.running():
        pg_server.start()
    name = f"f_{os.urandom(5).hex()}"
    pg_server.psql(f"CREATE DATABASE {name} OWNER gc_fault")
    yield f"postgresql://gc_fault:gc_fault@127.0.0.1:{pg_server.port}/{name}"
    if not pg_server.running():
        pg_server.start()
    pg_server.psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
