"""``girlscourt user assign-partner | end-partner | partners`` in process, on both backends."""

from __future__ import annotations

import datetime as dt
import io
import sys
from collections.abc import Callable

import pytest

from girlscourt.cli.main import main
from girlscourt.db.session import Database
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.services.kernel.core import Core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts
from tests.conftest import ADMIN_PASSWORD

RAE = "harbor lights at dusk"
Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(db_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> Cli:
    def run(
        *args: str, user: str = "admin", password: str = ADMIN_PASSWORD
    ) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))
        monkeypatch.setenv("GIRLSCOURT_PASSWORD", password)
        code = main(["--database", db_url, "--user", user, *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture
def youth_id(db_url: str) -> int:
    database = Database.open(db_url)
    try:
        core = Core(database)
        accounts.create_user(core, None, "admin", "administrator", ADMIN_PASSWORD)
        admin = accounts.authenticate(core, "admin", ADMIN_PASSWORD)
        accounts.create_user(core, admin, "rae", "advocate", RAE, "Rae Okafor")
        accounts.create_user(core, admin, "olu", "intake_officer", RAE + " too")
        return youths.register_youth(
            core, admin, YouthInput("Maya", "Ashford", dt.date(2011, 3, 4))
        ).id
    finally:
        database.dispose()


def test_assign_list_end_and_bad_input(cli: Cli, youth_id: int) -> None:
    code, out, err = cli("user", "assign-partner", "rae", str(youth_id), "--reason", "mdt_member")
    assert code == 0, err
    assert out.startswith(f"rae: youth {youth_id} (assignment ") and out.endswith("mdt_member)\n")
    code, out, _ = cli("user", "partners", "rae")
    assert code == 0 and out.split("\t")[1:4] == [str(youth_id), "M.A.", "mdt_member"]
    assert out.rstrip("\n").endswith("\tactive")
    code, out, _ = cli("youth", "find", "ashford", user="rae", password=RAE)
    assert code == 0 and str(youth_id) in out
    code, out, _ = cli("user", "partners", "rae", user="rae", password=RAE)  # her own list
    assert code == 0 and out.count("\n") == 1

    code, out, _ = cli("user", "end-partner", "rae", str(youth_id))
    assert code == 0 and out.startswith(f"rae: youth {youth_id} ended (assignment ")
    code, out, err = cli("user", "partners", "rae")
    assert (code, out) == (0, "") and "rae: no current assignments" in err
    code, out, _ = cli("user", "partners", "rae", "--all")
    assert code == 0 and not out.rstrip("\n").endswith("\tactive")
    code, _, err = cli("youth", "show", str(youth_id), "--json", user="rae", password=RAE)
    assert code == 4 and "not part of a youth's case you are assigned to" in err

    for args, exit_code, message in (
        (["assign-partner", "rae", str(youth_id), "--reason", "because"], 1, "reason: 'because'"),
        (["assign-partner", "olu", str(youth_id), "--reason", "mdt_member"], 1, "user: olu is"),
        (["assign-partner", "nobody", str(youth_id), "--reason", "mdt_member"], 1, "nobody"),
        (["assign-partner", "rae", "999", "--reason", "mdt_member"], 1, "youth_id: no youth"),
        (
            ["assign-partner", "rae", "x1", "--reason", "mdt_member"],
            2,
            "YOUTH_ID: must be a whole number",
        ),
        (["assign-partner", "rae", str(youth_id)], 2, "--reason"),
        (["end-partner", "rae", str(youth_id)], 1, "no open assignment"),
    ):
        code, _, err = cli("user", *args)
        assert code == exit_code and message in err, (args, err)
        assert err.count("\n") == 1 and "Traceback" not in err
    code, _, err = cli(
        "user", "assign-partner", "rae", str(youth_id), "--reason", "mdt_member",
        user="olu", password=RAE + " too",
    )  # fmt: skip
    assert code == 4 and "may not partner.assign" in err
