"""The account and audit commands end to end (in process, both backends): exit codes and output."""

from __future__ import annotations

import io
import sys

import pytest

from girlscourt.cli.main import main
from girlscourt.db.session import Database
from girlscourt.errors import LoginFailed
from girlscourt.services.kernel.core import Core
from girlscourt.services.security import accounts
from tests.conftest import ADMIN_PASSWORD

OLU = "river stones at dawn"


class Cli:
    """Runs ``girlscourt`` commands against one database, as the administrator by default."""

    def __init__(
        self, url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        self.url, self.monkeypatch, self.capsys = url, monkeypatch, capsys

    def __call__(
        self,
        *args: str,
        user: str | None = "admin",
        password: str = ADMIN_PASSWORD,
        stdin: str = "",
    ) -> tuple[int, str, str]:
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        self.monkeypatch.setenv("GIRLSCOURT_PASSWORD", password)
        prefix = ["--database", self.url] + (["--user", user] if user else [])
        code = main([*prefix, *args])
        out = self.capsys.readouterr()
        return code, out.out, out.err


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    run = Cli(db_url, monkeypatch, capsys)
    code, _, err = run(
        "user", "add", "admin", "--role", "administrator", "--password-stdin",
        user=None, stdin=ADMIN_PASSWORD + "\n",
    )  # fmt: skip
    assert code == 0, err
    code, _, err = run(
        "user", "add", "olu", "--role", "intake_officer", "--password-stdin", stdin=OLU + "\n"
    )
    assert code == 0, err
    return run


def test_list_release_reset_and_passwd(cli: Cli, db_url: str) -> None:
    code, out, _ = cli("user", "list")
    assert code == 0 and "\tolu\tintake_officer\tactive\t" in out

    database = Database.open(db_url)
    try:
        core = Core(database)
        for _ in range(5):
            with pytest.raises(LoginFailed):
                accounts.authenticate(core, "olu", "wrong guess")
    finally:
        database.dispose()
    assert "\tolu\tintake_officer\tlocked\t" in cli("user", "list")[1]
    assert cli("user", "release", "olu")[:2] == (0, "olu: active\n")

    code, out, err = cli("user", "reset-password", "olu")
    temporary = out.strip()
    assert code == 0 and len(temporary) >= 8 and "not shown again" in err
    code, _, err = cli("youth", "find", "ashford", user="olu", password=temporary)
    assert code == 4 and "new password" in err

    code, _, err = cli(
        "user", "passwd", user="olu", password="bad guess", stdin="lantern by the shore\n"
    )
    assert code == 4
    code, _, err = cli("user", "passwd", user="olu", password=temporary, stdin="password1\n")
    assert code == 1 and "new_password: is on the list of common" in err
    code, out, err = cli(
        "user", "passwd", user="olu", password=temporary, stdin="tide pools at noon\n"
    )
    assert (code, out) == (0, "olu: password changed\n"), err
    assert cli("youth", "find", "ashford", user="olu", password="tide pools at noon")[0] == 0


def test_disable_enable_and_refusals(cli: Cli) -> None:
    assert cli("user", "disable", "olu")[:2] == (0, "olu: disabled\n")
    code, _, err = cli("youth", "find", "ashford", user="olu", password=OLU)
    assert code == 4 and "disabled" in err
    assert cli("user", "enable", "olu")[:2] == (0, "olu: active\n")
    assert cli("user", "disable-inactive")[1] == "no account has been unused for 90 days\n"
    code, _, err = cli("user", "release", "nobody")
    assert code == 1 and "user: 'nobody': no such user" in err
    code, _, err = cli("user", "list", user="olu", password=OLU)
    assert code == 4 and "may not user.manage" in err


def test_audit_verify_reports_the_anchor(cli: Cli) -> None:
    code, out, _ = cli("audit", "verify")
    assert code == 0
    assert (
        out.startswith("audit chain intact: ") and "tail matches this workstation's anchor" in out
    )


def test_grant_app_role_is_postgresql_only(cli: Cli, backend: str) -> None:
    if backend == "sqlite":
        code, _, err = cli("db", "grant-app-role", "girlscourt_app", user=None)
        assert code == 3 and "only a PostgreSQL" in err
