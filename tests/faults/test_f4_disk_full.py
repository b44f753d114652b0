"""F4 (RELIABILITY.md (b)): a full disk, three ways, and nothing half-written.

(a) SQLite's ``PRAGMA max_page_count`` set just above the file's size (a connect-event hook), so
    saves fail with SQLITE_FULL; (b) a child process under ``RLIMIT_FSIZE`` (SIGXFSZ ignored), so
    a printed document's write fails with EFBIG; (c) as root, a small tmpfs holding the SQLite
    database, its WAL and the printed documents, filled to a few kilobytes of headroom.

Each time: the user is told "disk full" (exit 3 from the CLI), the transaction rolled back, the
file passes ``integrity_check`` once space is freed, no change committed without its audit row,
no truncated document left behind (an earlier copy stays as it was), and no "printed" audit
event for a document that was never written; a print that did get through is audited once.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import resource
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select

from girlscourt.db import migrate
from girlscourt.db.engine import make_engine, parse_database_url
from girlscourt.db.models import AuditEvent, Youth
from girlscourt.db.session import Database
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import DatabaseUnavailable, DiskFull
from girlscourt.services.documents import output_files
from girlscourt.services.kernel.core import Core
from girlscourt.services.referrals import agencies, referrals
from girlscourt.services.referrals.agencies import AgencyInput
from girlscourt.services.referrals.referral_records import ReferralInput
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts
from tests.faults.fault_table import FaultTable

FAULT = "F4 disk full"
PASSWORD = "correct horse battery staple"  # synthetic test account
OLD = b"an earlier copy of this document\n"
DAY = "2026-11-30"
PRINTS = ("document.print", "report.export")


# --- set-up shared by the three ways ------------------------------------------------------


def seed(core: Core) -> int:
    """An administrator, a youth, an agency and one referral; the referral's id."""
    accounts.create_user(core, None, "admin", "administrator", PASSWORD, "Ada Admin")
    admin = accounts.authenticate(core, "admin", PASSWORD)
    youth = youths.register_youth(
        core,
        admin,
        YouthInput(legal_first_name="Zoë", legal_last_name="Ibarra", dob=dt.date(2011, 3, 4)),
    ).id
    agency = agencies.create_agency(
        core, admin, AgencyInput(name="Mariposa Bridge Counseling", kind="mental_health"), ()
    ).id
    data = ReferralInput(
        youth_id=youth,
        referral_type="mental_health",
        agency_id=agency,
        urgency="24_hours",
        reason_codes=("trauma_symptoms",),
        reason_text="Asked for a counsellor after intake.",
    )
    return referrals.create_referral(core, admin, data).id


def print_commands(referral_id: int) -> dict[str, list[str]]:
    """The CLI's printing commands that write ``--out`` (the target is appended)."""
    return {
        "referral print": ["referral", "print", str(referral_id), "--out"],
        "docket print": ["docket", "print", "--date", DAY, "--out"],
        "report csec csv": ["report", "csec", "--from", "2026-09-01", "--to", DAY, "--out"],
        "report csec pdf": [
            "report", "csec", "--from", "2026-09-01", "--to", DAY, "--format", "pdf", "--out",
        ],
    }  # fmt: skip


def run_cli(
    database: str, args: list[str], *, file_limit: int | None = None, stdin: str = ""
) -> tuple[subprocess.CompletedProcess[str], float]:
    """``girlscourt --user admin ARGS`` in a child process, optionally under RLIMIT_FSIZE."""

    def limit() -> None:  # runs in the child, before it execs Python
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of death (Python too)
        if file_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (file_limit, file_limit))

    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "girlscourt", "--database", database, "--user", "admin", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env={**os.environ, "GIRLSCOURT_PASSWORD": PASSWORD, "PYTHONDONTWRITEBYTECODE": "1"},
        preexec_fn=limit,
        timeout=120,
    )
    return result, time.monotonic() - started


def events(core: Core) -> list[tuple[str, str, str]]:
    """(action, outcome, detail) of every print and export, oldest first."""
    with core.read() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.outcome, AuditEvent.detail)
            .where(AuditEvent.action.in_(PRINTS))
            .order_by(AuditEvent.id)
        ).all()
    return [(r.action, r.outcome, r.detail or "") for r in rows]


def youths_without_audit(core: Core) -> tuple[int, int]:
    """(youths with no ``youth.create`` event, ``youth.create`` events naming no youth)."""
    with core.read() as session:
        ids = set(session.execute(select(Youth.id)).scalars())
        audited = set(
            session.execute(
                select(AuditEvent.record_id).where(
                    AuditEvent.action == "youth.create", AuditEvent.outcome == "ok"
                )
            ).scalars()
        )
    return len(ids - audited), len(audited - ids)


def integrity(path: Path) -> str:
    """SQLite's own verdict on the file, from a connection of its own."""
    connection = sqlite3.connect(path, timeout=10)
    try:
        return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
    finally:
        connection.close()


def temporaries(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(output_files.TEMP_SUFFIX)]


def whole(content: bytes, command: str) -> bool:
    """A complete document of the kind ``command`` writes (a CSV ends its last row)."""
    if command.endswith("csv"):
        return content.startswith(b"\xef\xbb\xbf") and content.endswith(b"\r\n")
    return content.startswith(b"%PDF") and content.rstrip().endswith(b"%%EOF")


@dataclass
class Tally:
    """One way's figures for the fault table."""

    rounds: int = 0
    survived: int = 0
    partial: int = 0
    slowest: float = 0.0

    def add(self, survived: bool, *, partial: bool = False, seconds: float = 0.0) -> None:
        self.rounds += 1
        self.survived += int(survived)
        self.partial += int(partial)
        self.slowest = max(self.slowest, seconds)


def one_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    return lines[0] if len(lines) == 1 and "Traceback" not in stderr else ""


# --- (a) PRAGMA max_page_count ------------------------------------------------------------


@pytest.fixture
def sqlite_file(tmp_path: Path, migrated_sqlite_template: Path) -> Path:
    path = tmp_path / "desk.sqlite3"
    shutil.copy(migrated_sqlite_template, path)
    return path


def test_max_page_count_full_database(sqlite_file: Path, fault_table: FaultTable) -> None:
    db = Database.open(f"sqlite:///{sqlite_file}")
    core = Core(db)
    seed(core)
    admin = accounts.authenticate(core, "admin", PASSWORD)
    headroom: list[int | None] = [None]  # pages allowed above the file's size; None: no limit

    @event.listens_for(db.engine, "connect")
    def _limit(connection: Any, _record: Any) -> None:
        if headroom[0] is not None:
            pages = connection.execute("PRAGMA page_count").fetchone()[0]
            connection.execute(f"PRAGMA max_page_count = {pages + headroom[0]}")

    tally = Tally()
    number = lost = 0
    with core.read() as session:
        before = session.execute(select(func.count()).select_from(Youth)).scalar_one()
    for pages in (0, 1, 2, 3, 5, 8, 13):
        headroom[0] = pages
        db.engine.dispose()  # new connections take the limit
        saved: list[int] = []
        error: DatabaseUnavailable | None = None
        for _ in range(400):  # a youth is a few rows and an audit event: the limit comes soon
            number += 1
            started = time.monotonic()
            try:
                saved.append(
                    youths.register_youth(
                        core,
                        admin,
                        YouthInput(
                            legal_first_name=f"Test{number}",
                            legal_last_name="Fullerton",
                            dob=dt.date(2010, 1, 1) + dt.timedelta(days=number),
                        ),
                    ).id
                )
            except DatabaseUnavailable as raised:
                error, seconds = raised, time.monotonic() - started
                break
        assert error is not None, f"{pages} pages of headroom never filled"
        with core.read() as session:
            present = set(session.execute(select(Youth.id)).scalars())
        orphans = youths_without_audit(core)
        headroom[0] = None  # space freed
        db.engine.dispose()
        checked = integrity(sqlite_file)
        again = youths.register_youth(  # the session rolled back cleanly: saving works again
            core, admin, YouthInput("Test", f"Afterwards{pages}", dt.date(2012, 5, 6))
        )
        with core.read() as session:
            after = set(session.execute(select(Youth.id)).scalars())
        lost += len(set(saved) - present)
        ok = (
            "disk full" in error.message
            and isinstance(error, DiskFull)
            and error.exit_code == 3
            and set(saved) <= present
            and len(present) == len(set(saved)) + before
            and orphans == (0, 0)
            and checked == "ok"
            and after == present | {again.id}
        )
        before = len(after)
        tally.add(ok, partial=orphans != (0, 0), seconds=seconds)
        assert ok, (pages, error.message, orphans, checked)
    db.dispose()
    fault_table.record(
        FAULT,
        rounds=tally.rounds,
        survived=tally.survived,
        lost=lost,
        partial=tally.partial,
        seconds_to_error=tally.slowest,
        backend="sqlite",
    )
    assert lost == 0


# --- (b) RLIMIT_FSIZE in a child ----------------------------------------------------------


@pytest.fixture
def pg_desk(pg_fault_url: str) -> Iterator[tuple[str, Core, int]]:
    """A migrated database on the private PostgreSQL server, with a referral to print."""
    engine = make_engine(parse_database_url(pg_fault_url))
    migrate.upgrade(engine)
    engine.dispose()
    db = Database.open(pg_fault_url)
    core = Core(db)
    referral_id = seed(core)
    yield pg_fault_url, core, referral_id
    db.dispose()


class LimitedCli:
    """``girlscourt --user admin ...`` in one child process whose file-size limit is set per
    command (``f4_limited_cli``): the CLI's own ``main()``, its exit code and its two streams."""

    def __init__(self, database: str) -> None:
        self.database = database
        self.child = subprocess.Popen(
            [sys.executable, "-m", "tests.faults.f4_limited_cli"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).resolve().parents[2],
            env={**os.environ, "GIRLSCOURT_PASSWORD": PASSWORD, "PYTHONDONTWRITEBYTECODE": "1"},
        )

    def run(self, args: list[str], limit: int) -> tuple[int, str, float]:
        """Exit code and stderr of one command run with RLIMIT_FSIZE at ``limit`` bytes."""
        assert self.child.stdin is not None and self.child.stdout is not None
        started = time.monotonic()
        request = {"args": ["--database", self.database, "--user", "admin", *args]}
        self.child.stdin.write(json.dumps({**request, "limit": limit}) + "\n")
        self.child.stdin.flush()
        reply = json.loads(self.child.stdout.readline())
        return int(reply["code"]), str(reply["stderr"]), time.monotonic() - started

    def close(self) -> None:
        assert self.child.stdin is not None
        self.child.stdin.close()
        self.child.wait(timeout=60)


def test_file_size_limit_on_printed_documents(
    pg_desk: tuple[str, Core, int], tmp_path: Path, fault_table: FaultTable
) -> None:
    url, core, referral_id = pg_desk
    out_dir = tmp_path / "prints"
    out_dir.mkdir()
    cli = LimitedCli(url)
    tally = Tally()
    try:
        for name, args in print_commands(referral_id).items():
            sizing = out_dir / f"{name}-size"
            code, err, _ = cli.run([*args, str(sizing)], resource.RLIM_INFINITY)
            assert code == 0, err
            size = sizing.stat().st_size
            # From 8 KiB up the audit anchor (at most ~2 KiB) still fits: the document fails.
            for limit in (8192, size // 3, size // 2, size - 64, size + 8192, 4 * size):
                target = out_dir / f"{name}-{limit}"
                if limit % 2 == 0:
                    target.write_bytes(OLD)  # an earlier copy must survive a failed write
                before = events(core)
                code, err, seconds = cli.run([*args, str(target)], limit)
                new = events(core)[len(before) :]
                leftover = temporaries(out_dir)
                if limit >= size:
                    content = target.read_bytes()
                    ok = (
                        code == 0
                        and whole(content, name)
                        and len(new) == 1
                        and new[0][1] == "ok"
                        and not leftover
                    )
                    tally.add(ok, partial=not whole(content, name))
                else:
                    line = one_line(err)
                    unchanged = (
                        target.read_bytes() == OLD if limit % 2 == 0 else not target.exists()
                    )
                    ok = (
                        code == 3
                        and line.startswith("girlscourt: disk full:")
                        and unchanged
                        and new == []
                        and not leftover
                    )
                    tally.add(ok, partial=not unchanged or bool(new), seconds=seconds)
                assert ok, (name, limit, size, code, err, new, leftover)
    finally:
        cli.close()
    # Once more as a console user runs it: its own process, limited before Python starts.
    target = out_dir / "console.pdf"
    target.write_bytes(OLD)
    before = events(core)
    result, seconds = run_cli(url, [*print_commands(referral_id)["referral print"], str(target)],
                              file_limit=8192)  # fmt: skip
    ok = (
        result.returncode == 3
        and one_line(result.stderr).startswith("girlscourt: disk full:")
        and target.read_bytes() == OLD
        and events(core) == before
        and not temporaries(out_dir)
    )
    tally.add(ok, seconds=seconds)
    assert ok, (result.returncode, result.stderr)
    fault_table.record(
        FAULT,
        rounds=tally.rounds,
        survived=tally.survived,
        lost=0,
        partial=tally.partial,
        seconds_to_error=tally.slowest,
        backend="postgresql",
    )


# --- (c) a small tmpfs, filled ------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 3 MB tmpfs mounted for this test (needs root; CI runs the fault suite as root)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs the fault suite as root)")
    mount = tmp_path / "small-disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m,mode=0700", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.fail(f"could not mount a tmpfs as root: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], capture_output=True)
        if os.path.ismount(mount):
            subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def fill(disk: Path, headroom: int) -> None:
    """Fill ``disk`` to the brim with one file, then give back ``headroom`` bytes."""
    filler = disk / "filler.bin"
    chunk = b"\0" * 4096
    with filler.open("wb", buffering=0) as handle:
        try:
            while True:
                handle.write(chunk)
        except OSError as error:
            assert error.errno == errno.ENOSPC, error
    size = filler.stat().st_size
    assert size > headroom, f"the disk was already full: {size} bytes of filler"
    os.truncate(filler, size - headroom)


def empty(disk: Path) -> None:
    (disk / "filler.bin").unlink(missing_ok=True)


HEADROOMS = tuple(1024 * k for k in (0, 16, 64, 128, 160, 176, 192, 208, 224, 256, 512))


def test_full_tmpfs_holding_database_wal_and_prints(
    small_disk: Path, migrated_sqlite_template: Path, tmp_path: Path, fault_table: FaultTable
) -> None:
    path = small_disk / "desk.sqlite3"
    shutil.copy(migrated_sqlite_template, path)
    url = f"sqlite:///{path}"
    db = Database.open(url)
    core = Core(db)
    referral_id = seed(core)
    db.dispose()
    commands = {"youth add": ["youth", "add", "--json"], **print_commands(referral_id)}
    cli = LimitedCli(url)  # no file-size limit here: the disk itself runs out
    tally = Tally()
    number = lost = document_full = 0
    outcomes: dict[str, list[int]] = {name: [] for name in commands}
    try:
        for headroom in HEADROOMS:
            for name, args in commands.items():
                number += 1
                if name == "youth add":
                    target = tmp_path / f"youth-{number}.json"  # the input, on the big disk
                    document = {"legal_first_name": f"Test{number}", "legal_last_name": "Tmpfs"}
                    target.write_text(json.dumps({**document, "dob": "2011-02-03"}))
                else:
                    target = small_disk / f"{number}.out"
                    if number % 2 == 0:
                        target.write_bytes(OLD)
                before_events = events(core)
                with core.read() as session:
                    before = set(session.execute(select(Youth.id)).scalars())
                db.dispose()  # this process holds no connection while the disk is full
                fill(small_disk, headroom)
                code, err, seconds = cli.run([*args, str(target)], resource.RLIM_INFINITY)
                empty(small_disk)  # space freed: now look
                checked = integrity(path)
                new = events(core)[len(before_events) :]
                with core.read() as session:
                    now = set(session.execute(select(Youth.id)).scalars())
                orphans = youths_without_audit(core)
                leftover = temporaries(small_disk)
                line = one_line(err)
                failed_right = code == 3 and "disk full" in line
                if name == "youth add":
                    lost += int(code == 0 and len(now - before) != 1)
                    partial = orphans != (0, 0)
                    ok = (code == 0 and len(now - before) == 1) or (failed_right and now == before)
                else:
                    content = target.read_bytes() if target.exists() else None
                    if code == 0:
                        partial = content is None or not whole(content, name)
                        ok = not partial and len(new) == 1 and new[0][1] == "ok"
                    else:
                        unchanged = content == (OLD if number % 2 == 0 else None)
                        partial = not unchanged or bool(new)
                        ok = failed_right and not partial
                ok = ok and checked == "ok" and not leftover and orphans == (0, 0)
                tally.add(ok, partial=partial, seconds=seconds if code else 0.0)
                assert ok, (name, headroom, code, err, checked, new, leftover)
                target.unlink(missing_ok=True)  # room for the next round's document
                outcomes[name].append(code)
                document_full += int(line.startswith("girlscourt: disk full: "))
    finally:
        cli.close()
        db.dispose()
    for name, codes in outcomes.items():  # the fault was really injected, and really lifted
        assert codes[0] == 3 and codes[-1] == 0, (name, codes)
    assert document_full > 0, outcomes  # some rounds failed on the document, not the database
    fault_table.record(
        FAULT,
        rounds=tally.rounds,
        survived=tally.survived,
        lost=lost,
        partial=tally.partial,
        seconds_to_error=tally.slowest,
        backend="sqlite",
    )
    assert lost == 0


def test_full_tmpfs_during_an_upgrade_and_its_backup(
    small_disk: Path, migrated_sqlite_template: Path, fault_table: FaultTable
) -> None:
    """The copy made before an upgrade is whole or absent, and the upgrade all or nothing."""
    path = small_disk / "desk.sqlite3"
    url = f"sqlite:///{path}"
    head = migrate.head_revision()
    tally = Tally()
    outcomes: list[int] = []
    cli = LimitedCli(url)
    try:
        for headroom in (1024 * k for k in (0, 64, 256, 448, 512, 576, 640, 1536)):
            for stale in small_disk.glob("desk.sqlite3*"):
                stale.unlink()
            shutil.copy(migrated_sqlite_template, path)
            engine = make_engine(parse_database_url(url))
            migrate.downgrade(engine, "-1")  # one step behind: the upgrade backs the file up
            old = migrate.current_revision(engine)
            engine.dispose()
            fill(small_disk, headroom)
            code, err, seconds = cli.run(["db", "upgrade"], resource.RLIM_INFINITY)
            empty(small_disk)
            engine = make_engine(parse_database_url(url))
            now = migrate.current_revision(engine)
            engine.dispose()
            backups = sorted(small_disk.glob("desk.sqlite3.*.bak"))
            if code == 0:
                ok = now == head and len(backups) == 1 and integrity(backups[0]) == "ok"
            else:
                ok = code == 3 and "disk full" in one_line(err) and now == old
                ok = ok and all(integrity(b) == "ok" for b in backups)  # none half-written
            ok = ok and integrity(path) == "ok"
            tally.add(ok, partial=not ok, seconds=seconds if code else 0.0)
            outcomes.append(code)
            assert ok, (headroom, code, err, now, old, backups)
    finally:
        cli.close()
    assert outcomes[0] == 3 and outcomes[-1] == 0, outcomes
    fault_table.record(
        FAULT,
        rounds=tally.rounds,
        survived=tally.survived,
        lost=0,
        partial=tally.partial,
        seconds_to_error=tally.slowest,
        backend="sqlite",
    )
