"""After ``demo seed`` a desk can still register a youth, and a database error is one clean line.

The seed used to write youth ids of its own, so PostgreSQL's sequence stayed behind and every
later ``youth add`` failed on ``pk_youth`` with a traceback that printed the youth's name and
date of birth. Now the database hands out the ids. A database left behind by the old seed (the
sequence reset below) shows what any database error looks like at the terminal: one line, exit
3, no traceback, none of the record's values.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from girlscourt.db.session import Database

PASSWORD = "correct horse battery staple"
FIRST, LAST, DOB = "Zzqxmaya", "Sentinelova", "2011-07-19"


def run(args: list[str], *, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GIRLSCOURT_PASSWORD": PASSWORD}
    return subprocess.run(
        [sys.executable, "-m", "girlscourt", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture
def seeded(empty_db_url: str) -> str:
    """A database upgraded, with an administrator and a small demo seed."""
    assert run(["--database", empty_db_url, "db", "upgrade"]).returncode == 0
    added = run(
        ["--database", empty_db_url, "user", "add", "admin", "--role", "administrator",
         "--password-stdin"],
        stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    seed = run(["--database", empty_db_url, "--user", "admin", "demo", "seed", "--youths", "12"])
    assert seed.returncode == 0, seed.stderr
    return empty_db_url


def add_youth(database: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    document = tmp_path / "youth.json"
    document.write_text(
        json.dumps({"legal_first_name": FIRST, "legal_last_name": LAST, "dob": DOB}),
        encoding="utf-8",
    )
    return run(["--database", database, "--user", "admin", "youth", "add", "--json", str(document)])


def test_youth_add_after_demo_seed_succeeds(seeded: str, tmp_path: Path) -> None:
    first = add_youth(seeded, tmp_path)
    assert first.returncode == 0, first.stderr
    second = add_youth(seeded, tmp_path)  # a namesake is allowed; the id is new again
    assert second.returncode == 0, second.stderr
    assert int(second.stdout.strip()) > int(first.stdout.strip())


@pytest.mark.parametrize("backend", [pytest.param("postgresql", marks=pytest.mark.pg)])
def test_a_sequence_left_behind_is_one_line_without_the_youths_values(
    seeded: str, tmp_path: Path
) -> None:
    database = Database.open(seeded)
    try:
        with database.engine.begin() as connection:  # as the old seed left it
            connection.execute(text("SELECT setval(pg_get_serial_sequence('youth', 'id'), 1)"))
    finally:
        database.dispose()
    done = add_youth(seeded, tmp_path)
    assert done.returncode == 3, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("girlscourt: database:"), done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    for value in (FIRST, LAST, DOB, "DETAIL", "Key ("):
        assert value not in done.stderr
