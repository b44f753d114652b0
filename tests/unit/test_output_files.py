"""Writing a document whole or not at all, refusing targets that are not files, naming a full disk."""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from girlscourt.db import disk_space
from girlscourt.errors import DatabaseUnavailable, DiskFull, ValidationError
from girlscourt.services.documents import output_files

OLD = b"yesterday's copy\n"


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(output_files.TEMP_SUFFIX)]


def test_a_new_file_is_written_whole_and_owner_only(tmp_path: Path) -> None:
    target = tmp_path / "form.pdf"
    assert output_files.write_atomically(target, b"%PDF-1.4 whole") == target
    assert target.read_bytes() == b"%PDF-1.4 whole"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EFBIG, errno.EDQUOT])
def test_no_space_leaves_the_old_copy_and_says_disk_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    target = tmp_path / "form.pdf"
    target.write_bytes(OLD)

    def full(_descriptor: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(DiskFull) as raised:
        output_files.write_atomically(target, b"%PDF-1.4 new and longer than before")
    assert isinstance(raised.value, DatabaseUnavailable) and raised.value.exit_code == 3
    assert raised.value.message.startswith(f"disk full: {target} was not written")
    assert target.read_bytes() == OLD and leftovers(tmp_path) == []


def test_another_write_error_is_invalid_input_naming_the_option(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(_descriptor: int) -> None:
        raise OSError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(os, "fsync", denied)
    with pytest.raises(ValidationError) as raised:
        output_files.write_atomically(tmp_path / "form.pdf", b"x", field="--out")
    assert raised.value.exit_code == 1 and raised.value.field == "--out"
    assert leftovers(tmp_path) == [] and not (tmp_path / "form.pdf").exists()


def test_a_failure_inside_the_staged_block_removes_the_copy(tmp_path: Path) -> None:
    target = tmp_path / "form.pdf"
    target.write_bytes(OLD)
    with pytest.raises(RuntimeError), output_files.staged(target) as pending:
        pending.write(b"%PDF-1.4 new")
        assert leftovers(tmp_path)  # written beside the target, not over it
        raise RuntimeError("the audit event did not commit")
    assert target.read_bytes() == OLD and leftovers(tmp_path) == []


def test_targets_that_are_not_regular_files_are_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    folder = tmp_path / "folder"
    folder.mkdir()
    (tmp_path / "link-folder").symlink_to(folder)
    (tmp_path / "link-device").symlink_to(os.devnull)
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    (tmp_path / "loop").symlink_to(tmp_path / "loop")
    cases = {
        Path(os.devnull): "is a device",
        fifo: "is a FIFO",
        folder: "is a folder",
        tmp_path / "link-folder": "is a symbolic link to a folder",
        tmp_path / "link-device": "is a symbolic link to a device",
        tmp_path / "dangling": "is a symbolic link to nothing",
        tmp_path / "loop": "is a symbolic link to nothing",
        tmp_path / "missing" / "form.pdf": "no folder",
    }
    for target, words in cases.items():
        with pytest.raises(ValidationError) as raised:
            output_files.write_atomically(target, b"%PDF")
        assert raised.value.field == "--out" and words in raised.value.detail, raised.value
        assert str(target) in raised.value.detail
    assert stat.S_ISFIFO(fifo.stat().st_mode) and list(folder.iterdir()) == []
    assert not (tmp_path / "nowhere").exists()


def test_a_link_to_a_regular_file_rewrites_that_file(tmp_path: Path) -> None:
    real = tmp_path / "real.pdf"
    real.write_bytes(OLD)
    link = tmp_path / "latest.pdf"
    link.symlink_to(real)
    assert output_files.write_atomically(link, b"%PDF new") == real
    assert link.is_symlink() and real.read_bytes() == b"%PDF new"


def _sqlite_error(text: str, name: str | None) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(text)
    if name is not None:
        error.sqlite_errorname = name
    return error


def test_disk_full_is_told_apart_from_other_database_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = str(tmp_path / "desk.sqlite3")
    full = _sqlite_error("database or disk is full", "SQLITE_FULL")
    assert disk_space.is_disk_full(full)
    io_error = _sqlite_error("disk I/O error", "SQLITE_IOERR_SHMSIZE")
    locked = _sqlite_error("database is locked", "SQLITE_BUSY")
    monkeypatch.setattr(disk_space, "free_bytes", lambda _folder: 8192)
    assert disk_space.is_disk_full(io_error, database)  # an I/O error with no room left
    assert not disk_space.is_disk_full(io_error)  # no file to look beside: no guess
    assert not disk_space.is_disk_full(locked, database)
    monkeypatch.setattr(disk_space, "free_bytes", lambda _folder: 50 * 1024 * 1024 * 1024)
    assert not disk_space.is_disk_full(io_error, database)  # room enough: some other I/O fault

    class PgDiskFull(Exception):
        sqlstate = "53100"

    assert disk_space.is_disk_full(PgDiskFull("could not extend file: No space left on device"))
