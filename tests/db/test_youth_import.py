"""Issue 15 point 3: ``import youths`` brings a county's spreadsheet into the registry once: the
registry's rules for every row, its duplicate check before anything is created, a dry run that
writes nothing, a row-errors file naming line, column and reason, and a second run creating none."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

import pytest
from sqlalchemy import func, select

from girlscourt.cli.main import main
from girlscourt.db.models import AuditEvent, Youth
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import PermissionDenied, ValidationError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youth_import, youths
from tests.conftest import ADMIN_PASSWORD

HEADERS = ["Last Name", "First Name", "DOB", "AKA", "Gender", "Language", "Phone", "Notes"]


def youth_count(core: Core) -> int:
    with core.read() as session:
        return int(session.execute(select(func.count(Youth.id))).scalar_one())


def audit_count(core: Core) -> int:
    with core.read() as session:
        return int(session.execute(select(func.count(AuditEvent.id))).scalar_one())


def write_csv(path: Path, rows: list[list[str]], headers: list[str] = HEADERS) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(headers)
        writer.writerows(rows)
    return path


def small_sheet(tmp_path: Path) -> Path:
    """Lines 2-9 of a county sheet, each outcome worked out by hand:

    2 Ashford, Maya 06/01/2010, alias "Lil M"    -> create
    3 Birchwood, Ana 2011-02-03                  -> create
    4 Ashford, Maya 06/01/2010 again            -> matched (line 2)
    5 Cedarfield, Bea 13/45/2011                 -> refused: DOB is not a date
    6 (no first name) Dunmore 2010-01-01         -> refused: First Name is required
    7 Oakhurst, Nia 1999-05-05 (27 on the clock)  -> refused: DOB outside the registry's ages
    8 Quenby, Pia 01/02/09                       -> refused: a two-digit year
    9 Marbury, Luz 2012-07-07                    -> matched: already registered before the run
    """
    return write_csv(
        tmp_path / "county.csv",
        [
            ["Ashford", "Maya", "06/01/2010", "Lil M", "female", "English", "510-555-0101", "x"],
            ["Birchwood", "Ana", "2011-02-03", "", "female", "Spanish", "", ""],
            ["Ashford", "Maya", "06/01/2010", "", "", "", "", ""],
            ["Cedarfield", "Bea", "13/45/2011", "", "", "", "", ""],
            ["Dunmore", "", "2010-01-01", "", "", "", "", ""],
            ["Oakhurst", "Nia", "1999-05-05", "", "", "", "", ""],
            ["Quenby", "Pia", "01/02/09", "", "", "", "", ""],
            ["Marbury", "Luz", "2012-07-07", "", "", "", "", ""],
        ],
    )


@pytest.fixture
def clocked(core: Core) -> Core:
    core.clock = lambda: dt.datetime(2026, 12, 1, 18, tzinfo=dt.UTC)
    return core


def test_dry_run_then_import_then_again(clocked: Core, admin: Actor, tmp_path: Path) -> None:
    core = clocked
    youths.register_youth(core, admin, YouthInput("Luz", "Marbury", dt.date(2012, 7, 7)))
    sheet = small_sheet(tmp_path)
    before_youths, before_audit = youth_count(core), audit_count(core)

    dry = youth_import.import_youths(core, admin, sheet, dry_run=True)
    assert [(r.line, r.outcome) for r in dry.rows] == [
        (2, "create"),
        (3, "create"),
        (4, "matched"),
        (5, "refused"),
        (6, "refused"),
        (7, "refused"),
        (8, "refused"),
        (9, "matched"),
    ]
    assert (youth_count(core), audit_count(core)) == (before_youths, before_audit)  # nothing
    refused = {r.line: (r.column, r.reason) for r in dry.rows if r.outcome == "refused"}
    assert refused[5] == ("DOB", "'13/45/2011' is not a date (YYYY-MM-DD or MM/DD/YYYY)")
    assert refused[6] == ("First Name", "is required")
    assert refused[7][0] == "DOB" and "the registry accepts ages" in refused[7][1]
    assert refused[8][0] == "DOB"
    assert dry.not_kept == ("Phone",) and dry.unknown == ("Notes",)
    errors = list(csv.reader(dry.errors_csv().splitlines()))
    assert errors[0] == ["line", "column", "reason"] and [e[0] for e in errors[1:]] == [
        "5", "6", "7", "8",
    ]  # fmt: skip

    real = youth_import.import_youths(core, admin, sheet, dry_run=False)
    assert [(r.line, r.outcome) for r in real.rows] == [(r.line, r.outcome) for r in dry.rows]
    assert youth_count(core) == before_youths + 2
    maya = youths.get_youth(core, admin, real.rows[0].youth_id or 0)
    assert maya.data.aliases == ("Lil M",) and maya.data.primary_language == "English"
    with core.read() as session:
        detail = session.execute(
            select(AuditEvent.detail).where(AuditEvent.action == "youth.import")
        ).scalar_one()
    assert detail == "2 created, 2 matched, 0 to review, 4 refused"  # counts, never names

    again = youth_import.import_youths(core, admin, sheet, dry_run=False)
    assert again.count("create") == 0 and youth_count(core) == before_youths + 2
    assert again.count("matched") == 4


def test_a_close_name_is_held_for_review_not_created(
    clocked: Core, admin: Actor, tmp_path: Path
) -> None:
    youths.register_youth(clocked, admin, YouthInput("Jasmine", "Ashworth", dt.date(2011, 3, 3)))
    sheet = write_csv(tmp_path / "close.csv", [["Ashworth", "Jazmine", "2011-03-03"]], HEADERS[:3])
    report = youth_import.import_youths(clocked, admin, sheet, dry_run=False)
    (row,) = report.rows
    assert row.outcome == "review" and row.reason.startswith("possible duplicate of youth ")
    assert youth_count(clocked) == 1


def test_a_name_column_a_mapping_and_an_xlsx_file(
    clocked: Core, admin: Actor, tmp_path: Path
) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Youth Name", "Birth", "Street names"])
    sheet.append(["Ashford, Maya", dt.datetime(2010, 6, 1), "Lil M; Mimi"])
    sheet.append(["Ana Birchwood", "2011-02-03", ""])
    path = tmp_path / "county.xlsx"
    book.save(path)
    with pytest.raises(ValidationError, match="needs a date of birth column"):
        youth_import.import_youths(clocked, admin, path, dry_run=True)
    report = youth_import.import_youths(
        clocked, admin, path, dry_run=False, mapping={"dob": "Birth"}
    )
    assert [r.outcome for r in report.rows] == ["create", "create"]
    first = youths.get_youth(clocked, admin, report.rows[0].youth_id or 0).data
    assert (first.legal_first_name, first.legal_last_name) == ("Maya", "Ashford")
    assert first.aliases == ("Lil M", "Mimi")
    with pytest.raises(ValidationError, match=r"mapping\.dob: no column named 'Born on'"):
        youth_import.import_youths(clocked, admin, path, dry_run=True, mapping={"dob": "Born on"})


def test_only_an_administrator_imports(clocked: Core, officer: Actor, tmp_path: Path) -> None:
    with pytest.raises(PermissionDenied):
        youth_import.import_youths(clocked, officer, small_sheet(tmp_path), dry_run=True)


def test_the_cli_dry_run_lists_and_writes_the_errors_file(
    db_url: str,
    core: Core,
    admin: Actor,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("GIRLSCOURT_PASSWORD", ADMIN_PASSWORD)
    sheet = small_sheet(tmp_path)
    base = ["--database", db_url, "--user", "admin", "import", "youths", str(sheet)]
    assert main([*base, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "line 2: would create Ashford, Maya (06/01/2010)" in out
    assert "line 5: refused: DOB: '13/45/2011' is not a date" in out
    assert "dry run, nothing written: " in out
    errors = sheet.with_name("county.csv.errors.csv")
    assert errors.read_text(encoding="utf-8").splitlines()[0] == "line,column,reason"
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"dob": 3}), encoding="utf-8")
    assert main([*base, "--mapping", str(mapping)]) == 1
    assert "--mapping: must be a JSON object" in capsys.readouterr().err


SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ren",
    "sa",
    "tu",
    "vi",
    "no",
    "ra",
    "el",
    "da",
    "shi",
    "pa",
    "quo",
    "zo",
    "be",
    "fi",
    "go",
    "ha",
    "ju",
    "wen",
    "yo",
    "ti",
    "mar",
]


def synthetic_name(rng: random.Random) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(4)).capitalize()


def five_thousand_rows(path: Path, bad: int = 50) -> Path:
    """5,000 distinct made-up youths; every hundredth line (50 of them) has an impossible date."""
    rng = random.Random(15)
    rows = []
    for n in range(5000):
        born = dt.date(2002, 1, 1) + dt.timedelta(days=n)  # one birthday each: ages 11 to 24
        dob = "2011-02-30" if n % 100 == 7 else born.isoformat()
        rows.append([synthetic_name(rng), synthetic_name(rng), dob])
    assert sum(1 for r in rows if r[2] == "2011-02-30") == bad
    return write_csv(path, rows, ["Last Name", "First Name", "DOB"])


@pytest.mark.slow
def test_five_thousand_rows_with_fifty_bad_ones(
    clocked: Core, admin: Actor, tmp_path: Path
) -> None:
    sheet = five_thousand_rows(tmp_path / "big.csv")
    dry = youth_import.import_youths(clocked, admin, sheet, dry_run=True)
    assert youth_count(clocked) == 0 and dry.count("refused") == 50
    refused = {r.line for r in dry.rows if r.outcome == "refused"}
    assert refused == {n + 2 for n in range(5000) if n % 100 == 7}  # exactly the 50 bad lines
    assert dry.count("create") == 4950
    real = youth_import.import_youths(clocked, admin, sheet, dry_run=False)
    assert youth_count(clocked) == real.count("create") and real.count("refused") == 50
    assert real.count("create") == 4950
    again = youth_import.import_youths(clocked, admin, sheet, dry_run=False)
    assert again.count("create") == 0 and youth_count(clocked) == real.count("create")


def test_a_file_that_is_not_utf8_csv_or_xlsx_is_refused_in_one_line(
    clocked: Core, admin: Actor, tmp_path: Path
) -> None:
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes(b"First,Last,DOB\nAn\xe9,Birchwood,2011-02-03\n")
    with pytest.raises(ValidationError, match=r"^FILE: latin1.csv is not UTF-8 text"):
        youth_import.import_youths(clocked, admin, latin1, dry_run=True)
    fake = tmp_path / "sheet.xlsx"
    fake.write_text("not a workbook", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"^FILE: sheet.xlsx cannot be read as an .xlsx"):
        youth_import.import_youths(clocked, admin, fake, dry_run=True)
    assert youth_count(clocked) == 0
