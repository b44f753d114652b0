"""The court desk through the CLI: real processes, exit codes, one-line refusals, PDFs on disk."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from girlscourt.domain.judicial_calendar import JudicialCalendar, nth_weekday
from tests.support import county_today

PASSWORD = "correct horse battery staple"  # every account here shares it (synthetic test data)


def run(
    args: list[str], *, stdin: str = "", database: str | None = None
) -> subprocess.CompletedProcess[str]:
    prefix = ["--database", database] if database else []
    return subprocess.run(
        [sys.executable, "-m", "girlscourt", *prefix, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "GIRLSCOURT_PASSWORD": PASSWORD},
        timeout=120,
    )


def as_user(
    database: str, user: str, args: list[str], document: Any = None
) -> subprocess.CompletedProcess[str]:
    stdin = "" if document is None else json.dumps(document, ensure_ascii=False)
    return run(["--user", user, *args], stdin=stdin, database=database)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def court_day(after: dt.date, days: int) -> dt.date:
    """A Tuesday that is a court day at least ``days`` after ``after`` (Girls Court sits then)."""
    calendar = JudicialCalendar(after.year, after.year + 1)
    day = after + dt.timedelta(days=days)
    while day.weekday() != 1 or not calendar.is_judicial_day(day):
        day += dt.timedelta(days=1)
    return day


def day_after_thanksgiving(after: dt.date) -> dt.date:
    for year in (after.year, after.year + 1):
        day = nth_weekday(year, 11, 3, 4) + dt.timedelta(days=1)
        if day > after:
            return day
    raise AssertionError("unreachable")


def at(day: dt.date, clock: str) -> str:
    """Local court time with the offset of that day in Los Angeles."""
    from zoneinfo import ZoneInfo

    return (
        dt.datetime.fromisoformat(f"{day.isoformat()}T{clock}")
        .replace(tzinfo=ZoneInfo("America/Los_Angeles"))
        .isoformat()
    )


@pytest.fixture
def desk(empty_db_url: str) -> str:
    """An upgraded database with an administrator, a clerk, an officer, two departments, a girl."""
    db = empty_db_url
    ok(run(["db", "upgrade"], database=db))
    ok(
        run(
            ["user", "add", "admin", "--role", "administrator", "--password-stdin"],
            stdin=PASSWORD + "\n",
            database=db,
        )
    )
    for name, role in (("clerk", "court_clerk"), ("officer", "intake_officer")):
        ok(
            run(
                ["--user", "admin", "user", "add", name, "--role", role, "--password-stdin"],
                stdin=PASSWORD + "\n",
                database=db,
            )
        )
    for code, name in (("JD1", "Juvenile Delinquency 1"), ("GC", "Girls Court")):
        ok(
            as_user(
                db,
                "admin",
                ["department", "add", "--json", "-"],
                {"code": code, "name": name, "courtroom": f"Courtroom {code}"},
            )
        )
    girls_court = {
        "department": "GC",
        "judicial_officer": "Hon. Imani Oyelaran-Reyes",
        "prosecutor": "Dep. DA Corinne Vashti",
        "public_defender": "Dep. PD Thalia Nordstrom-Ames",
        "session_weekdays": [1, 3],
        "session_time": "08:30",
        "effective_from": "2025-01-01",
    }
    ok(as_user(db, "admin", ["girls-court", "configure", "--json", "-"], girls_court))
    youth = {
        "legal_first_name": "Maya",
        "legal_last_name": "Rosalind",
        "dob": "2011-05-06",
        "pronouns": "she/her",
    }
    youth_id = int(ok(as_user(db, "admin", ["youth", "add", "--json", "-"], youth)))
    case = {
        "youth_id": youth_id,
        "case_number": "JV-26-00042",
        "petitions": [{"petition_number": "JV-26-00042-A", "filed_on": "2026-01-05"}],
    }
    ok(as_user(db, "clerk", ["case", "add", "--json", "-"], case))
    return db


def hearing(day: dt.date, clock: str = "09:00", **changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "case_number": "JV-26-00042",
        "petition_number": "JV-26-00042-A",
        "hearing_type": "REV",
        "scheduled_at": at(day, clock),
        "department": "GC",
        "custody_status": "OUT",
        "defence_counsel": "Dep. PD Thalia Nordstrom-Ames",
        "defence_type": "PD",
    }
    document.update(changes)
    return document


def test_assign_schedule_continue_and_print(desk: str, tmp_path: Path) -> None:
    today = county_today()
    assignment = {
        "youth_id": 1,
        "case_number": "JV-26-00042",
        "reason": "Referred by the public defender for wraparound support",
        "accepted_on": today.isoformat(),
        "team": {"probation_officer": "PO Kiri Tanabe-Wolfe", "advocate": "Sage Okonkwo-Lear"},
    }
    assert ok(
        as_user(desk, "clerk", ["girls-court", "assign", "--json", "-"], assignment)
    ).isdigit()

    holiday = day_after_thanksgiving(today)
    refused = as_user(desk, "clerk", ["hearing", "add", "--json", "-"], hearing(holiday))
    assert refused.returncode == 1
    expected = f"$.scheduled_at: {holiday:%A} {holiday.day} {holiday:%B %Y} is a judicial holiday: Day after Thanksgiving"
    assert refused.stderr.strip() == f"girlscourt: {expected}"
    saturday = holiday + dt.timedelta(days=1)
    weekend = as_user(desk, "clerk", ["hearing", "add", "--json", "-"], hearing(saturday))
    assert weekend.returncode == 1 and "the court does not sit on a Saturday" in weekend.stderr
    assert "Traceback" not in weekend.stderr + refused.stderr

    day = court_day(today, 14)
    first_id = ok(as_user(desk, "clerk", ["hearing", "add", "--json", "-"], hearing(day)))
    twice = as_user(
        desk, "clerk", ["hearing", "add", "--json", "-"], hearing(day, "10:30", hearing_type="PTC")
    )
    assert twice.returncode == 1 and twice.stdout == ""
    assert (
        "warning: the youth already has a REV hearing at 09:00 in Dept GC that day" in twice.stderr
    )
    assert "run again with --acknowledge-warnings" in twice.stderr
    second = as_user(
        desk,
        "clerk",
        ["hearing", "add", "--json", "-", "--acknowledge-warnings"],
        hearing(day, "10:30", hearing_type="PTC"),
    )
    assert (
        second.returncode == 0 and second.stdout.strip().isdigit() and "warning:" in second.stderr
    )

    later = court_day(day, 7)
    continued = {
        "outcome": "continued",
        "continued_to": at(later, "09:00"),
        "reason": "Report not yet received",
    }
    next_id = ok(as_user(desk, "clerk", ["hearing", "outcome", first_id, "--json", "-"], continued))
    assert next_id.isdigit() and next_id != first_id

    shown = json.loads(
        ok(as_user(desk, "clerk", ["docket", "show", "--date", later.isoformat(), "--json"]))
    )
    (row,) = shown["hearings"]
    assert row["minor"] == "Maya R." and row["girls_court"] and row["hearing_type"] == "REV"

    out = tmp_path / "docket.pdf"
    document_id = ok(
        as_user(
            desk,
            "clerk",
            [
                "docket",
                "print",
                "--date",
                later.isoformat(),
                "--department",
                "GC",
                "--out",
                str(out),
            ],
        )
    )
    words = " ".join(PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text().split())
    assert document_id in words and "Maya R." in words and "Rosalind" not in words
    assert "Dept GC" in words and f"{later:%A} {later.day} {later:%B %Y}" in words

    internal = tmp_path / "internal.pdf"
    ok(
        as_user(
            desk,
            "clerk",
            [
                "docket",
                "print",
                "--date",
                later.isoformat(),
                "--variant",
                "internal",
                "--out",
                str(internal),
            ],
        )
    )
    assert "Rosalind, Maya" in " ".join(
        PdfReader(io.BytesIO(internal.read_bytes())).pages[0].extract_text().split()
    )
    denied = as_user(
        desk,
        "officer",
        [
            "docket",
            "print",
            "--date",
            later.isoformat(),
            "--variant",
            "internal",
            "--out",
            str(tmp_path / "x.pdf"),
        ],
    )
    assert denied.returncode == 4 and not (tmp_path / "x.pdf").exists()

    roster = json.loads(ok(as_user(desk, "clerk", ["girls-court", "roster", "--json"])))
    assert roster[0]["name"] == "Maya R." and roster[0]["status"] == "active"


BAD_HEARINGS: list[tuple[dict[str, Any], str]] = [
    ({"colour": "red"}, "$: unknown key 'colour'"),
    (
        {"scheduled_at": "2026-12-01T09:00"},
        "$.scheduled_at: must be a date and time with its UTC offset",
    ),
    ({"department": "ZZ"}, "$.department: no department has the code 'ZZ'"),
    ({"case_number": "JV-00-0"}, "$.case_number: no such case"),
    ({"hearing_type": "TRIAL"}, "$.hearing_type: 'TRIAL' is not one of"),
    (
        {"interpreter_needed": True},
        "$.interpreter_language: is required when an interpreter is needed",
    ),
]


def test_bad_hearing_json_names_the_path(desk: str) -> None:
    for change, message in BAD_HEARINGS:
        document = hearing(court_day(county_today(), 14)) | change
        result = as_user(desk, "clerk", ["hearing", "add", "--json", "-"], document)
        assert result.returncode == 1, result.stdout
        assert result.stderr.startswith(f"girlscourt: {message}"), result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_bad_options_and_refusals(desk: str, tmp_path: Path) -> None:
    bad_date = as_user(
        desk, "clerk", ["docket", "print", "--date", "30/11/2026", "--out", str(tmp_path / "d.pdf")]
    )
    assert bad_date.returncode == 1 and bad_date.stderr.startswith("girlscourt: --date:")
    bad_variant = as_user(
        desk, "clerk", ["docket", "print", "--date", "2026-11-30", "--variant", "all", "--out", "x"]
    )
    assert bad_variant.returncode == 2
    officer = as_user(
        desk, "officer", ["hearing", "add", "--json", "-"], hearing(court_day(county_today(), 14))
    )
    assert officer.returncode == 4
    holiday = as_user(
        desk, "clerk", ["holiday", "add", "--date", "2026-12-24", "--name", "Closure"]
    )
    assert holiday.returncode == 4  # configuring the court calendar is an administrator's job
    weekend = as_user(
        desk, "admin", ["holiday", "add", "--date", "2026-12-26", "--name", "Closure"]
    )
    assert weekend.returncode == 1 and weekend.stderr.startswith(
        "girlscourt: --date: Saturday 26 December 2026"
    )
