"""``report csec`` end to end: formats, suppression, formula-safe CSV, audit, one-line errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from girlscourt.cli.main import main
from girlscourt.db.models import AuditEvent
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.reports.report_export import neutralise
from girlscourt.services.security import accounts
from tests.conftest import ADMIN_PASSWORD
from tests.db.test_csec_metrics import build_county


@pytest.fixture
def cli(
    db_url: str,
    core: Core,
    admin: Actor,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GIRLSCOURT_PASSWORD", ADMIN_PASSWORD)

    def run(*args: str, user: str = "admin") -> tuple[int, str, str]:
        code = main(["--database", db_url, "--user", user, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


RANGE = ("--from", "2026-01-01", "--to", "2026-03-31")


def test_csv_json_pdf_are_written_suppressed_and_audited(
    cli, core: Core, admin: Actor, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    build_county(core, admin)
    ids = []
    for fmt in ("csv", "json", "pdf"):
        out_file = tmp_path / f"q1.{fmt}"
        code, out, err = cli("report", "csec", *RANGE, "--out", str(out_file))
        assert code == 0, err
        ids.append(out.strip())
        assert out_file.stat().st_size > 200
    document = json.loads((tmp_path / "q1.json").read_text(encoding="utf-8"))
    assert document["document_id"] == ids[1] and document["suppressed"] is True
    assert document["period"] == {"from": "2026-01-01", "to": "2026-03-31", "unit": None}
    for table in document["tables"]:
        kinds = [c["kind"] for c in table["columns"]]
        for row in table["rows"]:
            for value, kind in zip(row["values"], kinds, strict=True):
                if kind == "count" and value is not None:
                    assert value == 0 or value >= 11, (table["key"], row["key"], value)
    # Six intakes in the fixture: below the threshold, so hidden in every export.
    figures = {f["key"]: f for f in document["figures"]}
    assert figures["intakes"]["value"] is None and figures["intakes"]["suppressed"] is True
    rows = list(csv.reader(io.StringIO((tmp_path / "q1.csv").read_text(encoding="utf-8-sig"))))
    assert ["document", ids[0]] in rows
    assert ["Intakes", "*", "", "", "count"] in rows
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "q1.pdf").pages)
    assert ids[2] in text and "CSEC data report – Q1 2026" in text
    with core.read() as session:
        events = session.execute(
            select(AuditEvent.action, AuditEvent.detail).where(AuditEvent.action == "report.export")
        ).all()
    assert len(events) == 3
    assert all(any(i in (detail or "") for i in ids) for _, detail in events)


def test_json_to_stdout_and_format_flag(cli, core: Core, admin: Actor) -> None:  # type: ignore[no-untyped-def]
    build_county(core, admin)
    code, out, err = cli("report", "csec", *RANGE, "--format", "json", "--out", "-")
    assert code == 0, err
    assert json.loads(out)["report"] == "csec"


def test_analyst_may_export_officer_may_not(
    cli, core: Core, admin: Actor, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    accounts.create_user(core, admin, "ana", "analyst", "analyst pass phrase 1")
    accounts.create_user(core, admin, "olu", "intake_officer", "officer pass phrase 1")
    monkeypatch.setenv("GIRLSCOURT_PASSWORD", "analyst pass phrase 1")
    code, _, err = cli("report", "csec", *RANGE, "--out", str(tmp_path / "a.csv"), user="ana")
    assert code == 0, err
    monkeypatch.setenv("GIRLSCOURT_PASSWORD", "officer pass phrase 1")
    code, _, err = cli("report", "csec", *RANGE, "--out", str(tmp_path / "o.csv"), user="olu")
    assert code == 4 and err.count("\n") == 1 and "Traceback" not in err
    assert not (tmp_path / "o.csv").exists()


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("--from", "2026-13-01", "--to", "2026-03-31"), "--from"),
        (("--from", "2026-04-01", "--to", "2026-03-31"), "to"),
    ],
)
def test_bad_dates_are_one_line_errors(
    cli, tmp_path: Path, args: tuple[str, ...], field: str
) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli("report", "csec", *args, "--out", str(tmp_path / "x.csv"))
    assert code == 1
    assert err.startswith(f"girlscourt: {field}:") and err.count("\n") == 1


def test_unwritable_output_and_unknown_format(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli("report", "csec", *RANGE, "--out", str(tmp_path / "missing" / "x.csv"))
    assert code == 1 and "--out" in err and "Traceback" not in err
    code, _, err = cli("report", "csec", *RANGE, "--format", "xlsx", "--out", str(tmp_path / "x"))
    assert code == 2


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+cmd", "'+cmd"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("\ufeff=1", "'\ufeff=1"),
        ("  =1", "'  =1"),
        ("Unit 4 (girls)", "Unit 4 (girls)"),
        ("12", "12"),
        ("*", "*"),
    ],
)
def test_formula_like_cells_are_neutralised(cell: str, expected: str) -> None:
    assert neutralise(cell) == expected


def test_formula_in_a_recorded_value_reaches_the_csv_neutralised(
    cli, core: Core, admin: Actor, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """A gender identity typed as a formula (or any text) never runs in a spreadsheet."""
    build_county(core, admin)
    from girlscourt.db.models import Youth

    with core.write() as session:
        for youth in session.execute(select(Youth)).scalars():
            youth.gender_identity = '=HYPERLINK("http://example.org")'
    out_file, unit_file = tmp_path / "f.csv", tmp_path / "u.csv"
    code, _, err = cli("report", "csec", *RANGE, "--out", str(out_file))
    assert code == 0, err
    code, _, err = cli("report", "csec", *RANGE, "--unit", "@unit", "--out", str(unit_file))
    assert code == 0, err
    text = out_file.read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text
    for row in csv.reader(io.StringIO(text)):
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), row
    assert "'@unit" in unit_file.read_text(encoding="utf-8-sig")
