"""``youth add --operation-id``: a batch job that retries a run it never heard back from
registers the youth once, and a malformed id is refused in one line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

PASSWORD = "correct horse battery staple"
OPERATION = "6d1f3c2a-8e4b-4f7a-9c5d-0a1b2c3d4e5f"


def run(args: list[str], *, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "girlscourt", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "GIRLSCOURT_PASSWORD": PASSWORD},
        timeout=120,
    )


@pytest.fixture
def database(empty_db_url: str) -> str:
    assert run(["--database", empty_db_url, "db", "upgrade"]).returncode == 0
    added = run(
        ["--database", empty_db_url, "user", "add", "admin", "--role", "administrator",
         "--password-stdin"],
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    return empty_db_url


def test_youth_add_with_the_same_operation_id_registers_once(database: str, tmp_path: Path) -> None:
    path = tmp_path / "youth.json"
    path.write_text(
        json.dumps({"legal_first_name": "Rhiannon", "legal_last_name": "Vexley",
                    "dob": "2011-03-04"}),
        encoding="utf-8",
    )  # fmt: skip
    add = ["--database", database, "--user", "admin", "youth", "add", "--json", str(path)]
    first = run([*add, "--operation-id", OPERATION])
    again = run([*add, "--operation-id", OPERATION.upper()])
    assert first.returncode == again.returncode == 0, (first.stderr, again.stderr)
    assert first.stdout.strip() == again.stdout.strip()
    other = run(add)  # no id given: a new registration, as before
    assert other.returncode == 0 and other.stdout.strip() != first.stdout.strip()
    found = run(["--database", database, "--user", "admin", "youth", "find", "Vexley", "--json"])
    assert len(json.loads(found.stdout)["results"]) == 2

    bad = run([*add, "--operation-id", "yesterday's batch"])
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == ["girlscourt: --operation-id: must be a UUID"]
