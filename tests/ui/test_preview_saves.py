"""The preview's Save as PDF: the copy is written whole before it is recorded, or not at all."""

from __future__ import annotations

import errno
import io
import os
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from reportlab.pdfgen.canvas import Canvas

from ui.dialogs.pdf_preview_dialog import PdfPreviewDialog

OLD = b"yesterday's copy\n"


def tiny_pdf() -> bytes:
    out = io.BytesIO()
    page = Canvas(out)
    page.drawString(72, 720, "Synthetic test page")
    page.save()
    return out.getvalue()


def preview(qtbot: QtBot, recorded: list[str]) -> PdfPreviewDialog:
    def record(how: str) -> None:
        recorded.append(how)

    dialog = PdfPreviewDialog(
        "Referral 1", "REFE-20261130-ABC123", tiny_pdf(), "referral.pdf", record
    )
    qtbot.addWidget(dialog)
    return dialog


def test_a_saved_copy_is_recorded_once_and_written_whole(qtbot: QtBot, tmp_path: Path) -> None:
    recorded: list[str] = []
    dialog = preview(qtbot, recorded)
    target = tmp_path / "referral.pdf"
    target.write_bytes(OLD)
    with qtbot.waitSignal(dialog.saved, timeout=5000):
        dialog.save_to(str(target))
    assert target.read_bytes() == dialog.pdf and recorded == ["save"]
    assert [p.name for p in tmp_path.iterdir()] == ["referral.pdf"]


def test_a_full_disk_records_nothing_and_keeps_the_old_file(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded: list[str] = []
    dialog = preview(qtbot, recorded)
    target = tmp_path / "referral.pdf"
    target.write_bytes(OLD)

    def full(_descriptor: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with qtbot.waitSignal(dialog.output_failed, timeout=5000):
        dialog.save_to(str(target))
    assert recorded == []  # never recorded as saved
    assert target.read_bytes() == OLD and [p.name for p in tmp_path.iterdir()] == ["referral.pdf"]
    assert "disk full" in dialog.message.text() and "audit log cannot" not in dialog.message.text()
    assert dialog.save_button.isEnabled()  # the user may free space and save again


def test_a_device_is_refused_and_nothing_recorded(qtbot: QtBot) -> None:
    recorded: list[str] = []
    dialog = preview(qtbot, recorded)
    with qtbot.waitSignal(dialog.output_failed, timeout=5000):
        dialog.save_to(os.devnull)
    assert recorded == [] and "not a regular file" in dialog.message.text()
