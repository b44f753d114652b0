"""Referral, consent and agency commands end to end: exit codes, one-line refusals, the PDF."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

from girlscourt.cli.main import main
from girlscourt.services.kernel.core import Actor, Core
from tests.conftest import ADMIN_PASSWORD
from tests.support import county_today


class Cli:
    """Runs ``girlscourt`` in this process against one database, signed in as the admin."""

    def __init__(self, url: str, capsys: pytest.CaptureFixture[str], tmp: Path) -> None:
        self.url, self.capsys, self.tmp = url, capsys, tmp
        self.files = 0

    def __call__(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = main(["--database", self.url, "--user", "admin", *args])
        out, err = self.capsys.readouterr()
        return code, out, err

    def add(self, kind: str, document: dict[str, object]) -> int:
        self.files += 1
        path = self.tmp / f"{kind}-{self.files}.json"
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        code, out, err = self(kind, "add", "--json", str(path))
        assert code == 0, err
        return int(out.strip())


@pytest.fixture
def cli(
    db_url: str,
    core: Core,
    admin: Actor,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Cli:
    monkeypatch.setenv("GIRLSCOURT_PASSWORD", ADMIN_PASSWORD)
    return Cli(db_url, capsys, tmp_path)


@pytest.fixture
def setup(cli: Cli) -> dict[str, int]:
    youth = cli.add(
        "youth",
        {"legal_first_name": "Zoë", "legal_last_name": "O’Brien", "dob": "2011-03-04",
         "pronouns": "she/her", "primary_language": "English"},
    )  # fmt: skip
    agency = cli.add(
        "agency",
        {
            "name": "Mariposa Bridge Counseling",
            "kind": "mental_health",
            "phone": "(510) 555-0142",
            "secure_email": "intake@mariposa.example.org",
            "representatives": [
                {"name": "Dana Whitfield", "title": "Intake coordinator", "csec_point_person": True}
            ],
        },
    )
    return {"youth": youth, "agency": agency}


def referral(setup: dict[str, int], **extra: object) -> dict[str, object]:
    return {
        "youth_id": setup["youth"],
        "type": "mental_health",
        "agency_id": setup["agency"],
        "urgency": "24_hours",
        "reason_codes": ["trauma_symptoms"],
        "reason_text": "Asked for a counsellor after intake.",
        **extra,
    }


def one_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def test_consent_referral_send_and_print(cli: Cli, setup: dict[str, int], tmp_path: Path) -> None:
    today = county_today().isoformat()
    consent = cli.add(
        "consent",
        {
            "youth_id": setup["youth"],
            "signer_role": "youth",
            "signer_name": "Zoë O’Brien",
            "legal_basis": "FC6924",
            "scope": ["outpatient_mental_health"],
            "recipient_agency_id": setup["agency"],
            "purpose": "Outpatient counselling",
            "information": "Name, date of birth, reason for referral",
            "signed_on": today,
            "expires_on": "2099-01-01",
            "maturity_attested": True,
            "youth_agrees_to_contact": True,
        },
    )
    ref = cli.add("referral", referral(setup, consent_id=consent))
    code, out, err = cli("referral", "send", str(ref))
    assert (code, out.strip()) == (0, f"referral {ref}: sent"), err
    code, out, _ = cli("referral", "move", str(ref), "--to", "acknowledged")
    assert code == 0 and "acknowledged" in out

    pdf_path = tmp_path / "form.pdf"
    code, out, err = cli("referral", "print", str(ref), "--out", str(pdf_path))
    assert code == 0, err
    assert out.startswith(f"{pdf_path}\tdocument REFE-")
    assert stat.S_IMODE(pdf_path.stat().st_mode) == 0o600
    reader = PdfReader(io.BytesIO(pdf_path.read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Zoë O’Brien" in text and "Dana Whitfield" in text
    assert out.split("document ")[1].strip() in text

    code, out, _ = cli("referral", "show", str(ref), "--json")
    shown = json.loads(out)
    assert shown["status"] == "acknowledged" and shown["consent_id"] == consent
    assert [e["to"] for e in shown["events"] if e["from"] != e["to"]] == [
        "draft",
        "sent",
        "acknowledged",
    ]
    code, out, _ = cli("referral", "list", "--youth", str(setup["youth"]), "--json")
    assert [r["id"] for r in json.loads(out)] == [ref]


def test_send_without_consent_is_refused_in_one_line(cli: Cli, setup: dict[str, int]) -> None:
    ref = cli.add("referral", referral(setup))
    code, out, err = cli("referral", "send", str(ref))
    assert code == 1 and out == ""
    assert one_line(err) == (
        f"girlscourt: referral {ref}: cannot be sent: it has no valid consent and no recorded "
        "lawful exception"
    )
    code, _, err = cli(
        "referral", "send", str(ref), "--exception", "wic827_mdt", "--justification", "MDT"
    )
    assert code == 1 and "does not apply to a Mental health referral" in one_line(err)


def test_illegal_transition_is_refused_in_one_line(cli: Cli, setup: dict[str, int]) -> None:
    ref = cli.add("referral", referral(setup))
    code, _, err = cli("referral", "move", str(ref), "--to", "active")
    assert code == 1
    assert one_line(err) == (
        f"girlscourt: referral {ref}: cannot move from draft to active; from draft it can only "
        "go to consent pending, sent or closed"
    )
    code, _, err = cli("referral", "move", str(ref), "--to", "closed")
    assert code == 1 and one_line(err).startswith(
        "girlscourt: reason: a closed referral needs a reason"
    )
    code, out, _ = cli("referral", "move", str(ref), "--to", "closed", "--reason", "withdrawn")
    assert code == 0 and out.strip() == f"referral {ref}: closed"
    code, _, err = cli("referral", "move", str(ref), "--to", "sent")
    assert code == 1 and "a closed referral cannot change" in one_line(err)
    code, _, err = cli("referral", "move", "99999", "--to", "sent")
    assert code == 1 and one_line(err) == "girlscourt: referral 99999: no such referral"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"colour": "red"}, "girlscourt: $: unknown key 'colour'"),
        ({"type": "astrology"}, "girlscourt: $.type: 'astrology' is not one of"),
        ({"reason_codes": []}, "girlscourt: $.reason_codes: [] should be non-empty"),
        ({"youth_id": "one"}, "girlscourt: $.youth_id: must be of type integer"),
        (
            {"reason_codes": ["school_enrollment"]},
            "girlscourt: reason_codes[0]: 'school_enrollment' is not a reason",
        ),
        ({"due_at": "2026-12-01T10:00:00"}, "girlscourt: $.due_at:"),
        ({"agency_id": 4242}, "girlscourt: agency_id: there is no agency 4242"),
    ],
)
def test_bad_referral_json_gives_one_line_and_exit_1(
    cli: Cli, setup: dict[str, int], tmp_path: Path, changes: dict[str, object], expected: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(referral(setup, **changes)), encoding="utf-8")
    code, out, err = cli("referral", "add", "--json", str(path))
    assert code == 1 and out == ""
    assert one_line(err).startswith(expected)
    code, out, _ = cli("referral", "list", "--youth", str(setup["youth"]), "--json")
    assert json.loads(out) == []


def test_print_to_an_unwritable_place_is_one_line(
    cli: Cli, setup: dict[str, int], tmp_path: Path
) -> None:
    ref = cli.add("referral", referral(setup))
    code, _, err = cli("referral", "print", str(ref), "--out", str(tmp_path / "missing" / "x.pdf"))
    assert code == 1 and one_line(err).startswith("girlscourt: --out: cannot write")
    assert not list((tmp_path).glob("**/.x.pdf.partial"))


def test_agency_list_and_bad_agency(cli: Cli, setup: dict[str, int], tmp_path: Path) -> None:
    code, out, _ = cli("agency", "list", "--json")
    assert json.loads(out)[0]["point_person"] == "Dana Whitfield"
    path = tmp_path / "agency.json"
    path.write_text(json.dumps({"name": "X", "kind": "medical", "secure_email": "not-mail"}))
    code, _, err = cli("agency", "add", "--json", str(path))
    assert (
        code == 1
        and one_line(err) == "girlscourt: secure_email: 'not-mail' is not an e-mail address"
    )


def test_a_real_process_refuses_without_a_traceback(
    cli: Cli, setup: dict[str, int], db_url: str
) -> None:
    ref = cli.add("referral", referral(setup))
    env = dict(os.environ, GIRLSCOURT_PASSWORD=ADMIN_PASSWORD)
    result = subprocess.run(
        [sys.executable, "-m", "girlscourt", "--database", db_url, "--user", "admin",
         "referral", "move", str(ref), "--to", "first_contact"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert result.returncode == 1
    assert one_line(result.stderr).startswith(f"girlscourt: referral {ref}: cannot move from draft")
