"""Issue 15 point 2: ``db backup`` writes the whole database to one owner-only file, safely while
another process writes; ``db restore`` puts it back into an empty database, checked (header and
integrity_check) and verified (row counts, audit chain), and never changes the backup."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import func, select

from girlscourt.cli.main import main
from girlscourt.db.models import AuditEvent, Youth
from girlscourt.db.session import Database
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import DatabaseDamaged, ValidationError
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.maintenance import backups
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts, audit_trail
from tests.conftest import ADMIN_PASSWORD
from tests.db.test_database_copy import counts, demo_dob, empty_target


def test_backup_then_restore_round_trips(core: Core, admin: Actor, tmp_path: Path) -> None:
    for n in range(12):
        youths.register_youth(core, admin, YouthInput(f"Ana{n}", "Birchwood", demo_dob()))
    before = counts(core)
    out = tmp_path / "nightly.gcbackup"
    report = backups.backup_database(core, admin, out)
    assert out.stat().st_mode & 0o777 == 0o600 and report.size > 0
    assert report.method == ("sqlite backup API" if core.db.dialect == "sqlite" else "logical copy")
    digest = hashlib.sha256(out.read_bytes()).hexdigest()
    with pytest.raises(ValidationError, match="exists: choose a new file name"):
        backups.backup_database(core, admin, out)

    with empty_target("sqlite", tmp_path) as url:
        with backups.opened_backup(out) as backup:
            actor = accounts.authenticate(backup, "admin", ADMIN_PASSWORD)
            restored = backups.restore_database(backup, actor, url)
        assert hashlib.sha256(out.read_bytes()).hexdigest() == digest  # the backup unchanged
        database = Database.open(url)
        try:
            target = Core(database)
            after = counts(target)
            assert after["youth"] == before["youth"] == 12
            assert {k: v for k, v in after.items() if k != "audit_event"} == {
                k: v for k, v in before.items() if k != "audit_event"
            }
            again = accounts.authenticate(target, "admin", ADMIN_PASSWORD)
            assert audit_trail.verify(target, again).ok
            with target.read() as session:
                assert (
                    session.execute(
                        select(func.count()).where(AuditEvent.action == "database.restore")
                    ).scalar_one()
                    == 1
                )
        finally:
            database.dispose()
    assert restored.rows >= 12


def test_a_damaged_backup_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    broken = tmp_path / "broken.gcbackup"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x00" * 4000)
    with pytest.raises(DatabaseDamaged), backups.opened_backup(broken):
        pass
    with pytest.raises(ValidationError, match="is not a file"), backups.opened_backup(tmp_path):
        pass


@pytest.mark.parametrize("backend", ["sqlite"])  # the writer is a second SQLite process
def test_a_backup_taken_while_another_process_writes_is_whole(
    db_url: str, core: Core, admin: Actor, tmp_path: Path
) -> None:
    writer = textwrap.dedent(
        f"""
        import datetime as dt, sys
        from girlscourt.db.session import Database
        from girlscourt.domain.youth_rules import YouthInput
        from girlscourt.services.kernel.core import Core
        from girlscourt.services.registry import youths
        from girlscourt.services.security import accounts
        core = Core(Database.open({db_url!r}))
        admin = accounts.authenticate(core, "admin", {ADMIN_PASSWORD!r})
        print("ready", flush=True)
        for n in range(400):
            youths.register_youth(core, admin, YouthInput(f"W{{n}}", "Writer", dt.date(2011, 1, 2)))
        """
    )
    process = subprocess.Popen(
        [sys.executable, "-c", writer], stdout=subprocess.PIPE, text=True, cwd=Path.cwd()
    )
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        out = tmp_path / "during.gcbackup"
        backups.backup_database(core, admin, out)
    finally:
        process.wait(timeout=120)
    assert process.returncode == 0
    database = Database.open(f"sqlite:///{out}")  # the open runs the integrity check
    try:
        copy = Core(database, anchor_file=tmp_path / "anchor.json")
        with copy.read() as session:
            assert 0 <= session.execute(select(func.count(Youth.id))).scalar_one() <= 400
        assert audit_trail.verify(copy, accounts.authenticate(copy, "admin", ADMIN_PASSWORD)).ok
    finally:
        database.dispose()


def test_the_cli_backs_up_and_restores(
    db_url: str,
    core: Core,
    admin: Actor,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    youths.register_youth(core, admin, YouthInput("Maya", "Ashford", demo_dob()))
    monkeypatch.setenv("GIRLSCOURT_PASSWORD", ADMIN_PASSWORD)
    out = tmp_path / "desk.gcbackup"
    assert main(["--database", db_url, "--user", "admin", "db", "backup", "--out", str(out)]) == 0
    assert f"backed up to {out}" in capsys.readouterr().out
    target = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    assert main(["--database", target, "--user", "admin", "db", "restore", str(out)]) == 0
    assert "row counts equal; audit chain of" in capsys.readouterr().out
    assert main(["--database", target, "--user", "admin", "db", "restore", str(out)]) == 1
    assert "is not empty" in capsys.readouterr().err


def test_a_backup_to_a_place_that_cannot_be_written_names_the_option(
    core: Core, admin: Actor, tmp_path: Path
) -> None:
    with pytest.raises(ValidationError, match=r"^--out: .* is not a folder"):
        backups.backup_database(core, admin, tmp_path / "missing" / "x.gcbackup")
    with pytest.raises(ValidationError, match=r"^--out: cannot write .*: File name too long"):
        backups.backup_database(core, admin, tmp_path / ("x" * 300))
