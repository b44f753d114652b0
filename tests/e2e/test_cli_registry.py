"""The CLI end to end, as a batch job would run it: real processes, real exit codes, one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PASSWORD = "correct horse battery staple"


def run(
    args: list[str], *, stdin: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "GIRLSCOURT_PASSWORD": PASSWORD, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "girlscourt", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


@pytest.fixture
def database(empty_db_url: str) -> str:
    """An empty database on the current backend, upgraded and with an administrator."""
    assert run(["--database", empty_db_url, "db", "upgrade"]).returncode == 0
    added = run(
        [
            "--database",
            empty_db_url,
            "user",
            "add",
            "admin",
            "--role",
            "administrator",
            "--password-stdin",
        ],
        stdin=PASSWORD + "\n",
    )
    assert added.returncode == 0, added.stderr
    return empty_db_url


def test_version_is_fast_and_imports_no_qt() -> None:
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from girlscourt.cli.main import main; main(['--version']);"
            "print('PySide6' in sys.modules, 'sqlalchemy' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert probe.stdout.splitlines() == ["girlscourt 0.1.0", "False False"]


def test_upgrade_is_idempotent(database: str) -> None:
    again = run(["--database", database, "db", "upgrade"])
    assert again.returncode == 0 and "up to date" in again.stdout
    assert run(["--database", database, "db", "status"]).returncode == 0


def test_add_find_show(database: str, tmp_path: Path) -> None:
    document = {
        "legal_first_name": "Nguyễn Thị",
        "legal_last_name": "Ánh",
        "aliases": ["Sunny"],
        "dob": "2011-03-04",
        "pronouns": "she/her",
        "primary_language": "Vietnamese",
        "interpreter_needed": True,
    }
    path = tmp_path / "youth.json"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    added = run(["--database", database, "--user", "admin", "youth", "add", "--json", str(path)])
    assert added.returncode == 0, added.stderr
    youth_id = int(added.stdout.strip())
    found = run(
        ["--database", database, "--user", "admin", "youth", "find", "nguyen anh", "--json"]
    )
    assert [r["id"] for r in json.loads(found.stdout)["results"]] == [youth_id]
    shown = run(
        ["--database", database, "--user", "admin", "youth", "show", str(youth_id), "--json"]
    )
    record = json.loads(shown.stdout)
    assert record["legal_first_name"] == "Nguyễn Thị" and record["aliases"] == ["Sunny"]
    for key in (
        "episodes",
        "screenings",
        "referrals",
        "restrictions",
        "hearings",
        "checklist",
        "deadlines",
    ):
        assert isinstance(record[key], list)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        (
            {"legal_first_name": "A", "legal_last_name": "B", "dob": "2099-01-01"},
            "dob: 2099-01-01 is in the future",
        ),
        ({"legal_first_name": "A\u202eB", "legal_last_name": "B", "dob": "2011-01-01"}, "U+202E"),
        (
            {"legal_first_name": "A", "legal_last_name": "B", "dob": "2011-01-01", "nickname": "x"},
            "$: unknown key 'nickname'",
        ),
        (
            {"legal_first_name": "A", "legal_last_name": 7, "dob": "2011-01-01"},
            "$.legal_last_name: must be of type string",
        ),
        ({"legal_first_name": "A", "legal_last_name": "B"}, "$.dob: is required"),
    ],
)
def test_bad_json_gives_one_line_exit_1_and_writes_nothing(
    database: str, document: dict[str, object], expected: str
) -> None:
    result = run(
        ["--database", database, "--user", "admin", "youth", "add", "--json", "-"],
        stdin=json.dumps(document),
    )
    assert result.returncode == 1
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    found = run(["--database", database, "--user", "admin", "youth", "find", "a b", "--json"])
    assert json.loads(found.stdout)["results"] == []


def test_malformed_url_and_stopped_server_exit_3() -> None:
    bad = run(["--database", "postgres:/nohost", "--user", "admin", "youth", "find", "x"])
    assert bad.returncode == 3 and bad.stderr.startswith("girlscourt: --database:")
    down = run(
        [
            "--database",
            "postgresql://nobody@127.0.0.1:1/none",
            "--user",
            "admin",
            "youth",
            "find",
            "x",
        ]
    )
    assert down.returncode == 3 and len(down.stderr.strip().splitlines()) == 1
    assert "Traceback" not in down.stderr


def test_login_failures_exit_4(database: str) -> None:
    wrong = run(
        ["--database", database, "--user", "admin", "youth", "find", "x"],
        env={"GIRLSCOURT_PASSWORD": "not the password"},
    )
    assert wrong.returncode == 4
    nobody = run(["--database", database, "youth", "find", "x"])
    assert nobody.returncode == 4 and "--user" in nobody.stderr


def test_usage_error_exit_2() -> None:
    assert run(["youth", "frobnicate"]).returncode == 2


def test_sqlite_on_network_share_refused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from girlscourt.db import engine
    from girlscourt.errors import ConfigurationError

    monkeypatch.setattr(engine, "_mount_fstype", lambda path: "cifs")
    with pytest.raises(ConfigurationError, match=r"network share.*PostgreSQL"):
        engine.check_sqlite_path(engine.parse_database_url(f"sqlite:///{tmp_path}/x.db"))
