"""Every audited print or export written to a file: whole or not at all, audited only if written.

Each printing service takes ``out``; the document is written to a temporary file beside the
target and fsynced before the print's audit event commits, and renamed into place after. These
tests break each step (the write, the commit, the rename) and check the file and the audit log.
"""

from __future__ import annotations

import datetime as dt
import errno
import os
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, exc, select
from sqlalchemy.orm import Session

from girlscourt.db.models import AuditEvent
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import DatabaseUnavailable, ValidationError
from girlscourt.readmodels.csec_report import make_period
from girlscourt.services.court import docket_printing
from girlscourt.services.documents import output_files
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.referrals import agencies, referral_printing, referrals
from girlscourt.services.referrals.agencies import AgencyInput
from girlscourt.services.referrals.referral_records import ReferralInput
from girlscourt.services.registry import youths
from girlscourt.services.reports import report_export
from girlscourt.services.restrictions import restriction_printing

DAY = dt.date(2026, 11, 30)
OLD = b"the copy printed yesterday\n"
Printer = Callable[[Path], tuple[str, bytes]]  # writes to the path: the document id and bytes


@pytest.fixture
def referral_id(core: Core, admin: Actor) -> int:
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


def printers(core: Core, admin: Actor, referral_id: int) -> dict[str, Printer]:
    """Every audited document that goes to a file, by name (the GUI's and the CLI's)."""
    period = make_period(DAY - dt.timedelta(days=90), DAY)

    def csec(fmt: str) -> Printer:
        def export(out: Path) -> tuple[str, bytes]:
            done = report_export.export_csec_report(core, admin, period, fmt, out=out)
            return done.document_id, done.content

        return export

    def printed(call: Callable[[Path], Any]) -> Printer:
        def run(out: Path) -> tuple[str, bytes]:
            done = call(out)
            return done.document_id, done.pdf

        return run

    return {
        "referral": printed(
            lambda out: referral_printing.print_referral(core, admin, referral_id, out=out)
        ),
        "referral file copy": printed(
            lambda out: referral_printing.print_referral(
                core, admin, referral_id, copy="file", out=out
            )
        ),
        "docket": printed(lambda out: docket_printing.print_docket(core, admin, DAY, out=out)),
        "public docket": printed(
            lambda out: docket_printing.print_docket(core, admin, DAY, variant="public", out=out)
        ),
        "transport list": printed(
            lambda out: docket_printing.print_transport_list(core, admin, DAY, out=out)
        ),
        "unit list": printed(
            lambda out: restriction_printing.print_unit_list(core, admin, "B-2", out=out)
        ),
        "check log": printed(
            lambda out: restriction_printing.print_check_log(
                core, admin, DAY - dt.timedelta(days=7), DAY, out=out
            )
        ),
        "csec csv": csec("csv"),
        "csec json": csec("json"),
        "csec pdf": csec("pdf"),
    }


KINDS = [
    "referral",
    "referral file copy",
    "docket",
    "public docket",
    "transport list",
    "unit list",
    "check log",
    "csec csv",
    "csec json",
    "csec pdf",
]


def issued(core: Core) -> list[tuple[str, str, str]]:
    """(action, outcome, detail) of every print and export event, oldest first."""
    with core.read() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.outcome, AuditEvent.detail)
            .where(AuditEvent.action.in_(("document.print", "report.export")))
            .order_by(AuditEvent.id)
        ).all()
    return [(r.action, r.outcome, r.detail or "") for r in rows]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(output_files.TEMP_SUFFIX))


@pytest.fixture
def printer(request: pytest.FixtureRequest, core: Core, admin: Actor, referral_id: int) -> Printer:
    return printers(core, admin, referral_id)[request.param]


@pytest.mark.parametrize("printer", KINDS, indirect=True)
def test_a_written_document_is_whole_private_and_audited_once(
    core: Core, printer: Printer, tmp_path: Path
) -> None:
    out = tmp_path / "document.bin"
    out.write_bytes(OLD)
    document_id, content = printer(out)
    assert content and content != OLD
    assert out.read_bytes() == content  # the whole document, replacing the earlier copy
    assert stat.S_IMODE(out.stat().st_mode) == 0o600  # a juvenile record: owner only
    events = [e for e in issued(core) if document_id in e[2]]
    assert len(events) == 1 and events[0][1] == "ok", issued(core)
    assert leftovers(tmp_path) == []


def _no_space(*_: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.mark.parametrize("printer", KINDS, indirect=True)
@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG])
def test_a_write_that_fails_for_space_is_disk_full_and_never_audited(
    core: Core, printer: Printer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    out = tmp_path / "document.bin"
    out.write_bytes(OLD)
    before = issued(core)

    def full(_descriptor: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(DatabaseUnavailable) as raised:
        printer(out)
    assert raised.value.exit_code == 3 and "disk full" in raised.value.message
    assert out.read_bytes() == OLD  # the earlier copy is untouched, not truncated
    assert issued(core) == before  # no "printed" event for a document that does not exist
    assert leftovers(tmp_path) == []


def test_a_new_target_is_not_created_when_the_write_fails(
    core: Core, admin: Actor, referral_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "referral.pdf"
    monkeypatch.setattr(os, "fsync", _no_space)
    with pytest.raises(DatabaseUnavailable, match="disk full"):
        referral_printing.print_referral(core, admin, referral_id, out=out)
    assert not out.exists() and leftovers(tmp_path) == []
    assert issued(core) == []


def _full_at_commit(session: Session) -> None:
    raise exc.OperationalError("COMMIT", {}, sqlite3.OperationalError("database or disk is full"))


@pytest.mark.parametrize("printer", KINDS, indirect=True)
def test_when_the_audit_cannot_commit_no_file_is_left(
    core: Core, printer: Printer, tmp_path: Path
) -> None:
    out = tmp_path / "document.bin"
    out.write_bytes(OLD)
    before = issued(core)
    event.listen(Session, "before_commit", _full_at_commit)  # after the file was staged
    try:
        with pytest.raises(DatabaseUnavailable) as raised:
            printer(out)
    finally:
        event.remove(Session, "before_commit", _full_at_commit)
    assert "disk full" in raised.value.message and raised.value.exit_code == 3
    assert out.read_bytes() == OLD and leftovers(tmp_path) == []
    assert issued(core) == before


@pytest.mark.parametrize("printer", ["referral", "docket", "unit list", "csec pdf"], indirect=True)
def test_a_rename_that_fails_after_the_audit_is_recorded_as_a_failure(
    core: Core, printer: Printer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "document.bin"
    out.write_bytes(OLD)
    real_replace = Path.replace

    def refuse(self: Path, target: Any) -> Path:
        if self.name.endswith(output_files.TEMP_SUFFIX):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES))
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", refuse)
    with pytest.raises(ValidationError, match="--out: cannot write"):
        printer(out)
    assert out.read_bytes() == OLD and leftovers(tmp_path) == []
    (_, ok, issued_detail), (_, failed, failure_detail) = issued(core)[-2:]
    assert (ok, failed) == ("ok", "failure")
    assert failure_detail == f"{issued_detail} not written"


@pytest.mark.parametrize("printer", ["referral", "transport list", "check log", "csec csv"],
                         indirect=True)  # fmt: skip
def test_a_target_that_is_not_a_regular_file_is_refused_before_anything_is_audited(
    core: Core, printer: Printer, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    (tmp_path / "to-folder").symlink_to(folder)
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    before = issued(core)
    for target in (Path(os.devnull), fifo, folder, tmp_path / "to-folder", tmp_path / "dangling"):
        with pytest.raises(ValidationError) as raised:
            printer(target)
        assert raised.value.field == "--out", raised.value
        assert str(target) in raised.value.message
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode) and stat.S_ISFIFO(fifo.stat().st_mode)
    assert folder.is_dir() and list(folder.iterdir()) == []
    assert not (tmp_path / "nowhere").exists()
    assert issued(core) == before


def test_a_link_to_a_regular_file_writes_the_file_it_names(
    core: Core, admin: Actor, referral_id: int, tmp_path: Path
) -> None:
    real = tmp_path / "real.pdf"
    real.write_bytes(OLD)
    link = tmp_path / "latest.pdf"
    link.symlink_to(real)
    printed = referral_printing.print_referral(core, admin, referral_id, out=link)
    assert link.is_symlink() and real.read_bytes() == printed.pdf
