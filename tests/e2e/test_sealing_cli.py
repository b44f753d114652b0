"""Sealing through the CLI on a fresh database: ``case seal`` hides the youth from another
officer's search, and every write naming her id answers exactly as for an id nobody has (the
same line, the same exit code), while the custodian still finds her and lifts the seal."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

import pytest

PASSWORD = "correct horse battery staple"  # every account here shares it (synthetic test data)
UNKNOWN = 987654
CASE = "JV-26-00042"
ORDER = "JV-596 2026-0042"


def run(database: str, args: list[str], stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "girlscourt", "--database", database, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "GIRLSCOURT_PASSWORD": PASSWORD},
        timeout=120,
    )


def as_user(
    database: str, user: str, args: list[str], document: Any = None
) -> subprocess.CompletedProcess[str]:
    stdin = "" if document is None else json.dumps(document)
    return run(database, ["--user", user, *args], stdin)


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture
def sealed_desk(empty_db_url: str) -> tuple[str, int, int]:
    """A fresh database with staff, an advocacy agency and one girl with a case and petition."""
    db = empty_db_url
    ok(run(db, ["db", "upgrade"]))
    ok(run(db, ["user", "add", "admin", "--role", "administrator", "--password-stdin"], PASSWORD))
    for name, role in (
        ("officer", "intake_officer"),
        ("supervisor", "supervisor"),
        ("clerk", "court_clerk"),
        ("custodian", "custodian"),
        ("advocate", "advocate"),
    ):
        add = ["user", "add", name, "--role", role, "--password-stdin"]
        ok(run(db, ["--user", "admin", *add], PASSWORD))
    agency = {
        "name": "Harborlight Youth Advocacy",
        "kind": "crisis_advocacy",
        "representatives": [{"name": "Rae Okafor", "csec_point_person": True}],
    }
    ok(as_user(db, "admin", ["agency", "add", "--json", "-"], agency))
    ok(as_user(db, "admin", ["department", "add", "--json", "-"], {"code": "JD1", "name": "JD 1"}))
    girl = {"legal_first_name": "Noor", "legal_last_name": "Quillfeather", "dob": "2011-05-06"}
    youth_id = int(ok(as_user(db, "officer", ["youth", "add", "--json", "-"], girl)))
    case = {
        "youth_id": youth_id,
        "case_number": CASE,
        "petitions": [{"petition_number": f"{CASE}-A", "filed_on": "2026-01-05"}],
    }
    ok(as_user(db, "clerk", ["case", "add", "--json", "-"], case))
    shown = json.loads(ok(as_user(db, "custodian", ["case", "show", CASE, "--json"])))
    return db, youth_id, shown["petitions"][0]["id"]


# Each write that names a youth id: (user, argv, JSON document or None) for a given id.
Write = Callable[[int], tuple[str, list[str], Any]]
WRITES: dict[str, Write] = {
    "intake add": lambda y: (
        "officer",
        ["intake", "add", "--json", "-"],
        {
            "youth_id": y,
            "custody_start": "2026-12-07T04:10:00-08:00",
            "charges": [{"code": "PC 211", "level": "felony", "violent": True}],
        },
    ),
    "case add": lambda y: (
        "clerk",
        ["case", "add", "--json", "-"],
        {"youth_id": y, "case_number": f"JV-26-9{y}", "petitions": []},
    ),
    "restriction add": lambda y: (
        "officer",
        ["restriction", "add", "--json", "-"],
        {
            "youth_id": y,
            "person_name": "Marcus Talford",
            "channels": ["visit"],
            "basis": "court_order",
            "court_order_number": "JV-2026-01234",
        },
    ),
    "restriction check --youth": lambda y: (
        "officer",
        ["restriction", "check", "--youth", str(y), "--name", "Marcus Talford"],
        None,
    ),
    "referral add": lambda y: (
        "officer",
        ["referral", "add", "--json", "-"],
        {
            "youth_id": y,
            "type": "csec_advocacy",
            "agency_id": 1,
            "urgency": "24_hours",
            "reason_codes": ["csec_identified"],
        },
    ),
    "consent add": lambda y: (
        "officer",
        ["consent", "add", "--json", "-"],
        {
            "youth_id": y,
            "signer_role": "youth",
            "signer_name": "Noor Quillfeather",
            "legal_basis": "YOUTH_AUTHORIZATION",
            "scope": ["csec_advocacy"],
            "recipient_agency_id": 1,
            "purpose": "Advocacy after intake",
            "information": "Name and date of birth",
            "signed_on": "2026-12-01",
            "expires_on": "2027-03-01",
        },
    ),
    "girls-court assign": lambda y: (
        "clerk",
        ["girls-court", "assign", "--json", "-"],
        {"youth_id": y, "reason": "Referred by the public defender"},
    ),
    "user assign-partner": lambda y: (
        "supervisor",
        ["user", "assign-partner", "advocate", str(y), "--reason", "advocacy_services"],
        None,
    ),
    "youth show": lambda y: ("officer", ["youth", "show", str(y)], None),
    "referral list --youth": lambda y: ("officer", ["referral", "list", "--youth", str(y)], None),
}


def test_case_seal_hides_her_and_every_write_naming_her_answers_like_an_unknown_id(
    sealed_desk: tuple[str, int, int],
) -> None:
    db, youth_id, petition_id = sealed_desk
    assert ok(as_user(db, "officer", ["youth", "find", "Quillfeather"])).startswith(f"{youth_id}\t")

    # only the custodian seals; WIC 786 needs the satisfactory completion
    seal = ["case", "seal", str(petition_id), "--basis", "786", "--order-number", ORDER]
    refused = as_user(db, "officer", [*seal, "--completed-on", "2026-11-20"])
    assert (refused.returncode, refused.stderr) == (
        4,
        "girlscourt: officer (intake_officer) may not sealed.seal\n",
    )
    early = as_user(db, "custodian", seal)
    assert early.returncode == 1 and early.stderr.startswith(
        "girlscourt: --completed-on: is required for WIC 786"
    )
    no_order = as_user(db, "custodian", [*seal[:5], "--completed-on", "2026-11-20"])
    assert no_order.stderr == "girlscourt: --order-number: is required\n"
    sealed = json.loads(
        ok(as_user(db, "custodian", [*seal, "--completed-on", "2026-11-20", "--json"]))
    )
    assert {k: sealed[k] for k in ("petition_id", "youth_id", "sealing_state", "basis")} == {
        "petition_id": petition_id,
        "youth_id": youth_id,
        "sealing_state": "sealed_786",
        "basis": "wic786",
    }
    assert (sealed["completed_on"], sealed["order_number"]) == ("2026-11-20", ORDER)

    # gone from another officer's search; the custodian still finds her, flagged
    hidden = as_user(db, "officer", ["youth", "find", "Quillfeather", "--json"])
    assert json.loads(ok(hidden))["results"] == []
    found = json.loads(ok(as_user(db, "custodian", ["youth", "find", "Quillfeather", "--json"])))
    assert [(r["id"], r["sealed"]) for r in found["results"]] == [(youth_id, True)]

    # every write (and the record reads) naming her id: the answer for an id nobody has
    for name, write in WRITES.items():
        user, args, document = write(youth_id)
        for_her = as_user(db, user, args, document)
        user, args, document = write(UNKNOWN)
        for_nobody = as_user(db, user, args, document)
        assert for_her.returncode == for_nobody.returncode == 1, name
        assert for_nobody.stderr.startswith("girlscourt: ") and for_her.stdout == "", name
        assert for_her.stderr == for_nobody.stderr.replace(str(UNKNOWN), str(youth_id)), name

    # a hearing on her case: the answer for a case nobody has
    hearing = {
        "case_number": CASE,
        "hearing_type": "REV",
        "scheduled_at": "2026-12-15T09:00:00-08:00",
        "department": "JD1",
        "custody_status": "OUT",
    }
    on_hers = as_user(db, "clerk", ["hearing", "add", "--json", "-"], hearing)
    on_none = as_user(
        db, "clerk", ["hearing", "add", "--json", "-"], {**hearing, "case_number": "JV-0"}
    )
    assert (on_hers.returncode, on_hers.stderr) == (on_none.returncode, on_none.stderr)
    assert on_hers.stderr == "girlscourt: $.case_number: no such case\n"
    ok(as_user(db, "admin", ["audit", "verify"]))

    # the custodian lifts the seal on a court order: she is back for everyone
    unseal = ["case", "unseal", str(petition_id), "--reason", "court_order"]
    lifted = ok(as_user(db, "custodian", [*unseal, "--order-number", "JV-596 2026-0099"]))
    assert lifted == f"{petition_id}\tdismissed\tJV-596 2026-0099"
    assert ok(as_user(db, "officer", ["youth", "find", "Quillfeather"])).startswith(f"{youth_id}\t")


def test_a_held_seal_hearing_seals_its_petition(sealed_desk: tuple[str, int, int]) -> None:
    db, youth_id, _ = sealed_desk
    plan = {
        "case_number": CASE,
        "hearing_type": "SEAL",
        "scheduled_at": "2026-12-07T08:30:00-08:00",
        "department": "JD1",
        "custody_status": "OUT",
    }
    add = ["hearing", "add", "--json", "-", "--acknowledge-warnings"]
    unnamed = as_user(db, "clerk", add, plan)
    assert unnamed.stderr.endswith(
        "girlscourt: $.petition_number: a sealing hearing must name the petition it seals\n"
    )
    hearing_id = ok(as_user(db, "clerk", add, {**plan, "petition_number": f"{CASE}-A"}))
    outcome = ["hearing", "outcome", hearing_id, "--json", "-"]
    missing = as_user(db, "clerk", outcome, {"outcome": "held"})
    assert missing.returncode == 1 and missing.stderr.startswith(
        "girlscourt: $.seal_basis: is required"
    )
    held = {"outcome": "held", "seal_basis": "781", "seal_order_number": "JV-596 2026-0311"}
    assert ok(as_user(db, "clerk", outcome, held)) == hearing_id
    assert json.loads(ok(as_user(db, "officer", ["youth", "find", "Quillfeather", "--json"]))) == {
        "results": [],
        "truncated": False,
    }
    shown = json.loads(ok(as_user(db, "custodian", ["case", "show", CASE, "--json"])))
    assert [p["sealing_state"] for p in shown["petitions"]] == ["sealed_781"]
    assert shown["youth_id"] == youth_id
