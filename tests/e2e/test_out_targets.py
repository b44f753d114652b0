"""``--out`` on every printing command: a new path or a regular file, nothing else.

A device node, a FIFO, a folder or a link to one is refused with one line naming ``--out``
(exit 1) before the database is even opened, and is left exactly as it was.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from girlscourt.cli.main import main

COMMANDS = {
    "referral print": ["referral", "print", "1"],
    "docket print": ["docket", "print", "--date", "2026-11-30"],
    "docket transport": ["docket", "transport", "--date", "2026-11-30"],
    "restriction list": ["restriction", "list", "--unit", "B-2"],
    "restriction log": ["restriction", "log", "--from", "2026-11-01", "--to", "2026-11-30"],
    "report csec": ["report", "csec", "--from", "2026-09-01", "--to", "2026-11-30"],
}


def targets(tmp_path: Path) -> dict[str, Path]:
    fifo = tmp_path / "pipe.pdf"
    os.mkfifo(fifo)
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    (tmp_path / "to-folder.pdf").symlink_to(folder)
    (tmp_path / "to-device.pdf").symlink_to(os.devnull)
    return {
        "device": Path(os.devnull),
        "fifo": fifo,
        "folder": folder,
        "link to a folder": tmp_path / "to-folder.pdf",
        "link to a device": tmp_path / "to-device.pdf",
    }


@pytest.mark.parametrize("command", list(COMMANDS))
def test_out_onto_a_file_that_is_not_regular_is_refused(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "never-opened.sqlite3"
    for what, target in targets(tmp_path).items():
        capsys.readouterr()
        code = main(
            ["--database", f"sqlite:///{database}", *COMMANDS[command], "--out", str(target)]
        )
        out, err = capsys.readouterr()
        lines = err.strip().splitlines()
        assert code == 1 and out == "", (what, err)
        assert len(lines) == 1 and lines[0].startswith("girlscourt: --out: "), (what, err)
        assert "not a regular file" in lines[0] and str(target) in lines[0], (what, err)
    assert stat.S_ISCHR(Path(os.devnull).stat().st_mode)
    assert stat.S_ISFIFO((tmp_path / "pipe.pdf").stat().st_mode)
    assert list((tmp_path / "folder.pdf").iterdir()) == []
    assert not database.exists()  # refused before the database was opened or anyone signed in
