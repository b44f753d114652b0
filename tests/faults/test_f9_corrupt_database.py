"""F9: corrupt or foreign database files (RELIABILITY.md (b)).

A real migrated database with records is damaged on purpose: seeded bit flips in many copies,
a zeroed 100-byte header, truncation at seeded offsets, a PNG in its place, an empty file. Every
copy SQLite itself finds damaged must be refused by each CLI command (exit 3, one line naming
the file and "restore from a backup", not a byte changed), by the core's open call and by the
desktop app's start (which would otherwise create or upgrade a schema in it); copies
whose flips SQLite cannot see must still never give a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from girlscourt.cli.main import main
from girlscourt.db import migrate
from girlscourt.db.session import Database
from girlscourt.domain.intake_rules import ChargeInput, EpisodeInput
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import DatabaseDamaged
from girlscourt.services.intake import intake
from girlscourt.services.intake.intake import IntakeRequest
from girlscourt.services.kernel.core import Core
from girlscourt.services.kernel.startup import open_core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts
from tests.faults.fault_table import FaultTable

PASSWORD = "correct horse battery staple"
FLIPPED_COPIES = 40
TRUNCATIONS = 8
SEED = 20261207
YOUTH_JSON = {"legal_first_name": "Testa", "legal_last_name": "Fictional", "dob": "2011-04-05"}


@dataclass(frozen=True)
class Case:
    """One damaged copy: its name and its bytes."""

    name: str
    data: bytes


@pytest.fixture(scope="module")
def real_database(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The bytes of a migrated database with accounts, youths and intakes (no -wal left)."""
    folder = tmp_path_factory.mktemp("f9")
    path = folder / "records.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("GIRLSCOURT_DATA_DIR", str(folder / "data"))  # the audit anchor goes here
        db = Database.open(f"sqlite:///{path}")
        migrate.upgrade(db.engine)
        core = Core(db)
        accounts.create_user(core, None, "admin", "administrator", PASSWORD, "Ada Admin")
        admin = accounts.authenticate(core, "admin", PASSWORD)
        for n in range(12):
            dob = dt.date(2010, 1 + n % 12, 1 + n)
            youth = youths.register_youth(core, admin, YouthInput(f"Testa{n}", f"Fict{n}", dob))
            started = core.now() - dt.timedelta(hours=3)
            charges = (ChargeInput("PC 211"), ChargeInput("PC 459"))
            intake.record_intake(
                core, admin, IntakeRequest(EpisodeInput(youth.id, started, charges))
            )
        with db.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        db.dispose()
    return path.read_bytes()


def damaged_copies(whole: bytes) -> list[Case]:
    """Every kind of damage F9 names, seeded so a failure can be replayed."""
    chance = random.Random(SEED)
    cases = []
    for n in range(FLIPPED_COPIES):
        data = bytearray(whole)
        for _ in range(chance.randint(1, 16)):
            data[chance.randrange(len(data))] ^= 1 << chance.randrange(8)
        cases.append(Case(f"flipped-{n}", bytes(data)))
    cases.append(Case("zeroed-header", bytes(100) + whole[100:]))
    for n in range(TRUNCATIONS):
        cut = chance.randrange(1, len(whole))
        cases.append(Case(f"truncated-{n}-at-{cut}", whole[:cut]))
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    cases.append(Case("png", png))
    cases.append(Case("empty", b""))
    return cases


def sqlite_finds_damage(data: bytes, scratch: Path) -> bool:
    """The independent verdict: SQLite's full integrity_check on a scratch copy.

    SQLite reads an empty file as a new, empty database; for the app an existing file that is
    empty has lost its records (only a missing file may become a new database), so it counts.
    """
    if not data:
        return True
    scratch.write_bytes(data)
    try:
        connection = sqlite3.connect(f"{scratch.resolve().as_uri()}?mode=ro", uri=True)
        connection.text_factory = lambda raw: raw.decode("utf-8", "replace")
        try:
            return connection.execute("PRAGMA integrity_check").fetchall() != [("ok",)]
        finally:
            connection.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError):
        return True
    finally:
        for leftover in (scratch, Path(f"{scratch}-wal"), Path(f"{scratch}-shm")):
            leftover.unlink(missing_ok=True)


def commands(url: str, youth_file: Path) -> dict[str, list[str]]:
    base = ["--database", url, "--user", "admin"]
    return {
        "youth add": [*base, "youth", "add", "--json", str(youth_file)],
        "youth find": [*base, "youth", "find", "Testa"],
        "audit verify": [*base, "audit", "verify"],
        "db status": ["--database", url, "db", "status"],
    }


def run_in_process(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int | None, str, str]:
    """The CLI's exit code and output; None when it raised (a traceback for the user)."""
    try:
        code = main(argv)
    except BaseException as error:  # any escape is the failure being counted
        captured = capsys.readouterr()
        return None, captured.out, f"{type(error).__name__}: {error}\n{captured.err}"
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def refusal_problem(path: Path, code: int | None, out: str, err: str) -> str | None:
    """Why this is not the refusal F9 asks for (None when it is)."""
    lines = err.splitlines()
    if code != 3:
        return f"exit {code}, stderr {err[:200]!r}"
    if out or len(lines) != 1:
        return f"expected one stderr line and no stdout, got {out[:100]!r} / {err[:300]!r}"
    line = lines[0]
    if not line.startswith(f"girlscourt: database: {path} is damaged"):
        return f"the line does not name the damaged file: {line!r}"
    if "Restore it from a backup" not in line:
        return f"the line does not say to restore from a backup: {line!r}"
    return None


def cli_problems(
    path: Path,
    case: Case,
    is_damaged: bool,
    youth_file: Path,
    capsys: pytest.CaptureFixture[str],
) -> tuple[list[str], float]:
    """What each CLI command did wrong on this copy, and the slowest refusal's seconds."""
    problems: list[str] = []
    slowest = 0.0
    for label, argv in commands(f"sqlite:///{path}", youth_file).items():
        clock = time.monotonic()
        code, out, err = run_in_process(argv, capsys)
        if code is None:
            problems.append(f"{label}: raised {err[:300]}")
            continue
        if not is_damaged:
            continue  # damage SQLite cannot see: any clean answer will do
        slowest = max(slowest, time.monotonic() - clock)
        problem = refusal_problem(path, code, out, err)
        if problem:
            problems.append(f"{label}: {problem}")
        elif path.read_bytes() != case.data:
            problems.append(f"{label}: the damaged file was written to")
        elif Path(f"{path}-wal").exists():
            problems.append(f"{label}: a -wal file was left beside the damaged file")
    return problems, slowest


def opener_problems(path: Path, case: Case) -> list[str]:
    """The core's open call and the desktop start must both refuse, writing nothing."""
    problems = []
    url = f"sqlite:///{path}"
    for opener, label in ((Database.open, "core open"), (open_core, "desktop start")):
        try:
            opened = opener(url)
        except DatabaseDamaged:
            continue
        problems.append(f"{label}: a damaged file was opened")
        (opened.db if isinstance(opened, Core) else opened).dispose()
    if path.read_bytes() != case.data:
        problems.append("opening wrote to the damaged file")
    return problems


def test_corrupt_and_foreign_files_are_refused_untouched(
    real_database: bytes,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    fault_table: FaultTable,
) -> None:
    monkeypatch.setenv("GIRLSCOURT_PASSWORD", PASSWORD)
    youth_file = tmp_path / "youth.json"
    youth_file.write_text(json.dumps(YOUTH_JSON), encoding="utf-8")
    path = tmp_path / "girlscourt.sqlite3"
    failures: list[str] = []
    survived = damaged_seen = 0
    slowest = 0.0  # from a command's start to its one-line refusal
    cases = damaged_copies(real_database)
    for case in cases:
        for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            leftover.unlink(missing_ok=True)
        is_damaged = sqlite_finds_damage(case.data, tmp_path / "scratch.sqlite3")
        path.write_bytes(case.data)
        problems, seconds = cli_problems(path, case, is_damaged, youth_file, capsys)
        slowest = max(slowest, seconds)
        if is_damaged:
            damaged_seen += 1
            problems += opener_problems(path, case)
        if problems:
            failures.append(f"{case.name}: " + "; ".join(problems))
        else:
            survived += 1
    fault_table.record(
        "F9 corrupt or foreign database file",
        rounds=len(cases),
        survived=survived,
        seconds_to_error=slowest,
        backend="sqlite",
    )
    print(
        f"F9: {len(cases)} copies, {damaged_seen} damaged per SQLite, {len(cases) - damaged_seen} not"
    )
    assert not failures, "\n".join(failures)
    assert damaged_seen >= len(cases) - FLIPPED_COPIES  # every non-flip case is real damage
    assert damaged_seen > FLIPPED_COPIES // 4  # the flips did damage a fair share of copies


@pytest.mark.parametrize("kind", ["zeroed-header", "truncated-0", "png", "empty", "flipped"])
def test_a_real_cli_process_prints_one_line_and_no_traceback(
    real_database: bytes, tmp_path: Path, kind: str
) -> None:
    cases = damaged_copies(real_database)
    pick: Callable[[Case], bool] = lambda c: c.name.startswith(kind)  # noqa: E731
    scratch = tmp_path / "scratch.sqlite3"
    chosen = next(c for c in cases if pick(c) and sqlite_finds_damage(c.data, scratch))
    path = tmp_path / "girlscourt.sqlite3"
    path.write_bytes(chosen.data)
    youth_file = tmp_path / "youth.json"
    youth_file.write_text(json.dumps(YOUTH_JSON), encoding="utf-8")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "girlscourt",
            *commands(f"sqlite:///{path}", youth_file)["youth add"],
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "GIRLSCOURT_PASSWORD": PASSWORD},
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    assert refusal_problem(path, result.returncode, result.stdout, result.stderr) is None, (
        result.stderr
    )
    assert path.read_bytes() == chosen.data
