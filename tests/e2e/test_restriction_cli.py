"""``girlscourt restriction`` end to end: real processes, real exit codes, one line on error."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support import county_today

pytestmark = pytest.mark.slow  # every step is a separate process: minutes on a shared 2-core box

PASSWORD = "correct horse battery staple"
CLERK_PASSWORD = "clerk at the front counter"


def run(
    args: list[str], *, stdin: str = "", password: str = PASSWORD
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, GIRLSCOURT_PASSWORD=password)
    return subprocess.run(
        [sys.executable, "-m", "girlscourt", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


@pytest.fixture
def database(empty_db_url: str) -> str:
    """An upgraded database with an administrator."""
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


def as_admin(database: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return run(["--database", database, "--user", "admin", *args], stdin=stdin)


def add_youth(database: str) -> int:
    document = {"legal_first_name": "Zoë", "legal_last_name": "O’Brien", "dob": "2011-03-04"}
    added = as_admin(database, "youth", "add", "--json", "-", stdin=json.dumps(document))
    assert added.returncode == 0, added.stderr
    return int(added.stdout.strip())


def detain(database: str, youth_id: int, unit: str) -> None:
    """Put the youth in custody straight in the database (intake is another area's command)."""
    from girlscourt.db.models import CustodyEpisode
    from girlscourt.db.session import Database

    db = Database.open(database)
    try:
        with db.session(write=True) as session:
            session.add(
                CustodyEpisode(
                    youth_id=youth_id,
                    custody_start_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=3),
                    housing_unit=unit,
                )
            )
    finally:
        db.dispose()


def restriction(youth_id: int, **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "youth_id": youth_id,
        "person_name": "Marcus Talford",
        "aliases": ["Big Money"],
        "phones": ["(510) 555-0142"],
        "handles": ["@talford.marcus"],
        "relationship_to_youth": "suspected exploiter",
        "channels": ["visit", "phone"],
        "basis": "court_order",
        "court_order_number": "JV-2026-01234",
        "notices": {"youth": None},
        "do_not_disclose_location": True,
    }
    document.update(changes)
    return document


def add_restriction(database: str, youth_id: int, **changes: Any) -> int:
    added = as_admin(
        database,
        "restriction",
        "add",
        "--json",
        "-",
        "--approve",
        stdin=json.dumps(restriction(youth_id, **changes)),
    )
    assert added.returncode == 0, added.stderr
    return int(added.stdout.strip())


def test_add_then_check_block_review_clear(database: str, tmp_path: Path) -> None:
    youth = add_youth(database)
    path = tmp_path / "restriction.json"
    path.write_text(json.dumps(restriction(youth), ensure_ascii=False), encoding="utf-8")
    added = as_admin(database, "restriction", "add", "--json", str(path))
    assert added.returncode == 0, added.stderr
    rid = int(added.stdout.strip())

    block = as_admin(
        database, "restriction", "check", "--youth", str(youth), "--phone", "510.555.0142", "--json"
    )
    assert block.returncode == 0, block.stderr
    assert json.loads(block.stdout) == {
        "result": "BLOCK",
        "matches": [{"restriction_id": rid, "field": "phone", "score": 100.0}],
    }
    review = as_admin(
        database, "restriction", "check", "--youth", str(youth), "--name", "Marcus", "--json"
    )
    assert json.loads(review.stdout)["result"] == "REVIEW"
    clear = as_admin(
        database,
        "restriction",
        "check",
        "--youth",
        str(youth),
        "--name",
        "Wren Abernathy",
        "--handle",
        "@someone.else",
        "--json",
    )
    assert json.loads(clear.stdout) == {"result": "CLEAR", "matches": []}

    text = as_admin(
        database,
        "restriction",
        "check",
        "--youth",
        str(youth),
        "--name",
        "TALFORD, Marcus",
        "--channel",
        "visit",
    )
    assert text.returncode == 0
    first, *rest = text.stdout.splitlines()
    assert first.startswith("BLOCK")
    assert f"restriction #{rid}" in rest[0] and "youth Z.O." in rest[0] and "name" in rest[0]
    assert "Do not allow this visit" in text.stdout
    assert "Do not confirm or deny" in text.stdout


def test_all_in_custody_scope_and_printed_lists(database: str, tmp_path: Path) -> None:
    youth = add_youth(database)
    rid = add_restriction(database, youth)
    not_held = as_admin(database, "restriction", "check", "--name", "Marcus Talford", "--json")
    assert json.loads(not_held.stdout)["result"] == "CLEAR"
    detain(database, youth, "B-East")
    held = as_admin(database, "restriction", "check", "--name", "Marcus Talford", "--json")
    assert json.loads(held.stdout)["matches"][0]["restriction_id"] == rid

    out = tmp_path / "unit.pdf"
    listed = as_admin(database, "restriction", "list", "--unit", "B-East", "--out", str(out))
    assert listed.returncode == 0, listed.stderr
    assert out.read_bytes().startswith(b"%PDF") and "1 restriction(s)" in listed.stdout

    today = county_today()
    log = tmp_path / "log.pdf"
    logged = as_admin(
        database,
        "restriction",
        "log",
        "--from",
        (today - dt.timedelta(days=7)).isoformat(),
        "--to",
        (today + dt.timedelta(days=1)).isoformat(),
        "--out",
        str(log),
    )
    assert logged.returncode == 0, logged.stderr
    assert log.read_bytes().startswith(b"%PDF") and "2 check(s)" in logged.stdout

    due = as_admin(database, "restriction", "reminders", "--days", "40", "--json")
    assert due.returncode == 0
    reminders = json.loads(due.stdout)
    assert [r["restriction_id"] for r in reminders["reviews_due"]] == [rid]
    assert [r["restriction_id"] for r in reminders["notices_missing"]] == [rid]


BAD_DOCUMENTS: list[tuple[dict[str, Any], str]] = [
    ({"nickname": "x"}, "$: unknown key 'nickname'"),
    ({"channels": ["visit", "pigeon"]}, "$.channels[1]:"),
    ({"channels": []}, "$.channels:"),
    ({"basis": "court_order", "court_order_number": None}, "$.court_order_number: is required"),
    (
        {"starts_on": "2026-05-01", "ends_on": "2026-04-01"},
        "$.ends_on: 2026-04-01 must be after",
    ),
    ({"starts_on": "1 May"}, "$.starts_on: '1 May' is not a date"),
    ({"phones": ["call me"]}, "$.phones[0]: 'call me' is not a phone number"),
    ({"blocks_admission_calls": True}, "$.admission_block_reason:"),
    ({"notices": {"youth": "2099-01-01"}}, "$.notices.youth: 2099-01-01 is in the future"),
    ({"person_name": 7}, "$.person_name: must be of type string"),
    ({"youth_id": 4242}, "youth_id: no youth with id 4242"),
]


def test_bad_documents_give_one_line_exit_1_and_write_nothing(database: str) -> None:
    youth = add_youth(database)
    for changes, expected in BAD_DOCUMENTS:
        result = as_admin(
            database,
            "restriction",
            "add",
            "--json",
            "-",
            stdin=json.dumps(restriction(youth) | changes),
        )
        assert result.returncode == 1, (changes, result.stderr)
        assert expected in result.stderr, (changes, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    check = as_admin(
        database,
        "restriction",
        "check",
        "--youth",
        str(youth),
        "--name",
        "Marcus Talford",
        "--json",
    )
    assert json.loads(check.stdout)["result"] == "CLEAR"


def test_check_errors_and_permissions(database: str, tmp_path: Path) -> None:
    youth = add_youth(database)
    empty = as_admin(database, "restriction", "check", "--youth", str(youth))
    assert empty.returncode == 1 and "name: enter a name" in empty.stderr
    bad_phone = as_admin(database, "restriction", "check", "--phone", "twelve")
    assert bad_phone.returncode == 1 and bad_phone.stderr.startswith("girlscourt: phone:")
    missing = as_admin(database, "restriction", "check", "--youth", "999", "--name", "x")
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    huge = as_admin(database, "restriction", "check", "--youth", "9" * 30, "--name", "x")
    assert huge.returncode == 1 and huge.stderr.startswith("girlscourt: --youth: must be a whole")
    usage = as_admin(database, "restriction", "check", "--channel", "fax", "--name", "x")
    assert usage.returncode == 2
    clerk = run(
        [
            "--database",
            database,
            "--user",
            "admin",
            "user",
            "add",
            "clerk",
            "--role",
            "court_clerk",
            "--password-stdin",
        ],
        stdin=CLERK_PASSWORD + "\n",
    )
    assert clerk.returncode == 0, clerk.stderr
    denied = run(
        ["--database", database, "--user", "clerk", "restriction", "add", "--json", "-"],
        stdin=json.dumps(restriction(youth)),
        password=CLERK_PASSWORD,
    )
    assert denied.returncode == 4 and "Traceback" not in denied.stderr
    checked = run(
        [
            "--database",
            database,
            "--user",
            "clerk",
            "restriction",
            "check",
            "--youth",
            str(youth),
            "--name",
            "x",
            "--json",
        ],
        password=CLERK_PASSWORD,
    )
    assert checked.returncode == 0 and json.loads(checked.stdout)["result"] == "CLEAR"
    log_denied = run(
        [
            "--database",
            database,
            "--user",
            "clerk",
            "restriction",
            "log",
            "--from",
            "2026-01-01",
            "--to",
            "2026-01-02",
            "--out",
            str(tmp_path / "denied.pdf"),
        ],
        password=CLERK_PASSWORD,
    )
    assert log_denied.returncode == 4
    assert not (tmp_path / "denied.pdf").exists()
    unwritable = as_admin(
        database,
        "restriction",
        "log",
        "--from",
        "2026-01-01",
        "--to",
        "2026-01-02",
        "--out",
        "/nonexistent/dir/x.pdf",
    )
    assert unwritable.returncode == 1 and unwritable.stderr.startswith("girlscourt: --out:")
