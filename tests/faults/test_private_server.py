"""The private server the fault tests kill is really ours, and comes back after a crash stop."""

from __future__ import annotations

import psycopg

from tests.faults.pg_server import PgServer


def test_private_server_survives_an_immediate_stop(pg_server: PgServer, pg_fault_url: str) -> None:
    with psycopg.connect(pg_fault_url) as connection:
        connection.execute("CREATE TABLE t (n int)")
        connection.execute("INSERT INTO t VALUES (1)")
        connection.commit()
        assert connection.info.port == pg_server.port != 5432
    pg_server.stop("immediate")
    assert not pg_server.running()
    pg_server.start()
    with psycopg.connect(pg_fault_url) as connection:
        assert connection.execute("SELECT n FROM t").fetchall() == [(1,)]
