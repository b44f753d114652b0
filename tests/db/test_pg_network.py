"""PostgreSQL's dead-network limits: bounded settings, what reaches libpq and the server, and the
client-side deadline that turns a call with no answer into a disconnect.

The misbehaving network itself is F3 (tests/faults/test_f3_proxy.py); here are the settings'
path from ``girlscourt.toml`` to a live session, and the watchdog on a plain socket pair.
"""

from __future__ import annotations

import argparse
import os
import socket
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from girlscourt.config import defaults, load_settings
from girlscourt.db import pg_network
from girlscourt.db.pg_network import NetworkLimits
from girlscourt.errors import ConfigurationError


def test_shipped_defaults_follow_requirement_28() -> None:
    limits = NetworkLimits.from_settings(defaults())
    assert limits.connect_timeout == 10 and limits.statement_timeout == 30
    assert limits.client_deadline <= 40  # a blackholed save fails within 40 s
    assert limits.tcp_user_timeout <= limits.client_deadline


@pytest.mark.parametrize(
    ("field", "value"),
    [("statement_timeout", 0), ("connect_timeout", 0), ("keepalive_count", 0),
     ("tcp_user_timeout", 100_000), ("idle_in_transaction_timeout", -1)],
)  # fmt: skip
def test_no_limit_can_be_switched_off_or_made_absurd(field: str, value: int) -> None:
    with pytest.raises(ConfigurationError, match="must be a whole number from"):
        NetworkLimits(**{field: value})


def test_a_county_file_out_of_bounds_is_set_aside(tmp_path: Path) -> None:
    config = tmp_path / "girlscourt.toml"
    config.write_text("db_statement_timeout_seconds = 0\n", encoding="utf-8")
    settings = load_settings(config)
    assert settings["db_statement_timeout_seconds"] == 30 and settings.warnings
    config.write_text("db_statement_timeout_seconds = 12\n", encoding="utf-8")
    assert NetworkLimits.from_settings(load_settings(config)).statement_timeout == 12


def test_the_urls_own_options_are_kept() -> None:
    url = make_url("postgresql+psycopg://u@db.example/gc?options=-csearch_path%3Dt_1")
    args = pg_network.connect_args(url, NetworkLimits(statement_timeout=12))
    assert args["options"].startswith("-csearch_path=t_1 ")
    assert "-c statement_timeout=12000" in args["options"]
    assert "-c idle_in_transaction_session_timeout=60000" in args["options"]
    assert args["keepalives"] == 1 and args["connect_timeout"] == 10
    assert args["tcp_user_timeout"] == 30_000


def _libpq_options(connection: Any) -> dict[str, str]:
    pgconn = connection.connection.driver_connection.pgconn
    return {o.keyword.decode(): (o.val or b"").decode() for o in pgconn.info if o.val is not None}


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.pg)])
def test_settings_reach_libpq_and_the_server_session(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from girlscourt.cli.context import open_core

    config = tmp_path / "county.toml"
    config.write_text(
        "db_statement_timeout_seconds = 7\ndb_connect_timeout_seconds = 4\n"
        "db_keepalive_idle_seconds = 11\ndb_tcp_user_timeout_seconds = 9\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GIRLSCOURT_CONFIG", str(config))
    core = open_core(argparse.Namespace(database=db_url))
    try:
        with core.db.engine.connect() as connection:
            assert connection.execute(text("SHOW statement_timeout")).scalar_one() == "7s"
            idle = connection.execute(text("SHOW idle_in_transaction_session_timeout"))
            assert idle.scalar_one() == "1min"
            path = connection.execute(text("SHOW search_path")).scalar_one()
            assert path.startswith("t_")  # the test URL's own options survived the merge
            options = _libpq_options(connection)
        assert options["connect_timeout"] == "4" and options["keepalives"] == "1"
        assert options["keepalives_idle"] == "11" and options["tcp_user_timeout"] == "9000"
    finally:
        core.db.dispose()


# Under libfaketime (the shifted-clock CI pass, the DST-night run) this process's own timed
# waits are not to be trusted: with the monotonic clock faked they never end, with it real
# they end early or fail with EINVAL. These two time the watchdog itself, so they step aside
# there; the product's deadlines use the monotonic clock, which no calendar change moves.
_UNDER_FAKETIME = pytest.mark.skipif(
    bool(os.environ.get("FAKETIME")),
    reason="libfaketime distorts this process's timed waits",
)


@_UNDER_FAKETIME
def test_the_watchdog_shuts_a_socket_that_gets_no_answer() -> None:
    app, server = socket.socketpair()
    try:
        token = pg_network.WATCHDOG.arm(app.fileno(), 0.3)
        started = time.monotonic()
        app.settimeout(10)
        assert app.recv(10) == b""  # nothing ever came: the watchdog shut the socket
        waited = time.monotonic() - started
        assert pg_network.WATCHDOG.disarm(token)  # it says it fired
        assert 0.25 <= waited < 5
    finally:
        app.close()
        server.close()


@_UNDER_FAKETIME
def test_a_call_that_answers_in_time_is_left_alone() -> None:
    app, server = socket.socketpair()
    try:
        token = pg_network.WATCHDOG.arm(app.fileno(), 0.3)
        server.sendall(b"ok")
        assert app.recv(10) == b"ok"
        assert not pg_network.WATCHDOG.disarm(token)
        time.sleep(0.5)  # past the deadline it would have had: the socket still works
        server.sendall(b"again")
        assert app.recv(10) == b"again"
    finally:
        app.close()
        server.close()


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.pg)])
def test_a_schema_upgrade_runs_without_the_desks_statement_limit(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A county-scale backfill may take longer than a save may; the limit comes back after."""
    from alembic.config import Config

    from girlscourt.db import migrate
    from girlscourt.db.engine import make_engine, parse_database_url

    limits = NetworkLimits.from_settings(defaults().with_overrides(db_statement_timeout_seconds=3))
    engine = make_engine(parse_database_url(db_url), network=limits)
    seen: dict[str, Any] = {}

    def step(config: Config, revision: str) -> None:
        connection = config.attributes["connection"]
        seen["timeout"] = connection.exec_driver_sql("SHOW statement_timeout").scalar_one()
        started = time.monotonic()
        connection.exec_driver_sql("SELECT pg_sleep(3.5)")  # past the desk's statement limit
        seen["slept"] = time.monotonic() - started

    try:
        migrate._run(engine, step, "head")
        assert seen["timeout"] == "0" and seen["slept"] >= 3.4
        with engine.connect() as connection:
            assert connection.exec_driver_sql("SHOW statement_timeout").scalar_one() == "3s"
    finally:
        engine.dispose()


def test_a_lifted_statement_is_never_armed() -> None:
    """Only a statement whose execution options lift the deadline runs without the watchdog."""
    armed: list[float] = []

    class Context:
        def __init__(self, options: dict[str, Any]) -> None:
            self.execution_options = options

    original = pg_network.WATCHDOG.arm
    pg_network.WATCHDOG.arm = lambda sock, seconds: armed.append(seconds) or original(sock, 60)  # type: ignore[method-assign]
    app, server = socket.socketpair()
    try:
        holder = type("Conn", (), {"pgconn": type("PG", (), {"socket": app.fileno()})()})()
        call = pg_network._guarded(lambda *args: "done", 0.2, "a statement")
        assert call(holder, "SELECT 1", (), Context(pg_network.NO_DEADLINE)) == "done"
        assert armed == []
        assert call(holder, "SELECT 1", (), Context({})) == "done"
        assert armed == [0.2]
    finally:
        pg_network.WATCHDOG.arm = original  # type: ignore[method-assign]
        app.close()
        server.close()
