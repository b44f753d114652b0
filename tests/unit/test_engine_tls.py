"""RELIABILITY 22, issue 16 point 4: TLS to a remote PostgreSQL server is never weakened, from
the command line and the environment as much as from girlscourt.toml. Nothing here connects:
the refusal comes before the first packet."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from girlscourt.cli.main import main
from girlscourt.db.engine import make_engine, parse_database_url
from girlscourt.errors import ConfigurationError

REMOTE = "postgresql://gc@db.example.org/girlscourt"


@pytest.mark.parametrize("mode", ["disable", "allow", "prefer", "require", "verify-ca"])
def test_a_weaker_sslmode_to_a_remote_host_is_refused_before_connecting(mode: str) -> None:
    target = parse_database_url(f"{REMOTE}?sslmode={mode}")
    with pytest.raises(ConfigurationError) as refused:
        make_engine(target)
    assert str(refused.value) == (
        f"database URL: sslmode={mode} would weaken TLS to the remote server db.example.org; "
        "only verify-full is allowed"
    )


def test_a_remote_host_named_in_the_query_counts_too() -> None:
    target = parse_database_url(
        "postgresql://gc@localhost/girlscourt?host=db.example.org&sslmode=disable"
    )
    with pytest.raises(ConfigurationError, match=r"remote server db\.example\.org"):
        make_engine(target)


def _connect_params(url: str) -> dict[str, Any]:
    """What the driver would be handed for ``url``; the connection itself is stopped."""
    engine = make_engine(parse_database_url(url))
    seen: dict[str, Any] = {}

    def capture(_dialect: Any, _record: Any, _args: Any, params: dict[str, Any]) -> None:
        seen.update(params)
        raise RuntimeError("stopped before connecting")

    event.listen(engine, "do_connect", capture)
    try:
        with pytest.raises(Exception, match="stopped before connecting"):
            engine.connect()
    finally:
        engine.dispose()
    return seen


def test_a_remote_host_without_sslmode_gets_verify_full() -> None:
    assert _connect_params(REMOTE)["sslmode"] == "verify-full"
    assert _connect_params(f"{REMOTE}?sslmode=verify-full")["sslmode"] == "verify-full"
    assert (
        _connect_params("postgresql://gc@localhost/girlscourt?sslmode=disable")["sslmode"]
        == "disable"
    )


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://gc@localhost/girlscourt?sslmode=disable",
        "postgresql://gc@127.0.0.1/girlscourt?sslmode=allow",
        "postgresql://gc@[::1]/girlscourt?sslmode=prefer",
        "postgresql://gc@/girlscourt?host=/var/run/postgresql&sslmode=disable",
    ],
)
def test_loopback_and_unix_sockets_may_ask_for_what_they_like(url: str) -> None:
    make_engine(parse_database_url(url)).dispose()


def test_the_cli_refuses_it_in_one_line_with_exit_3(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code = main(["--database", f"{REMOTE}?sslmode=disable", "db", "status"])
    err = capsys.readouterr().err.strip()
    assert code == 3
    assert err.count("\n") == 0 and "sslmode=disable would weaken TLS" in err
    monkeypatch.setenv("GIRLSCOURT_DATABASE_URL", f"{REMOTE}?sslmode=require")
    assert main(["db", "status"]) == 3
    assert "sslmode=require would weaken TLS" in capsys.readouterr().err
