"""A damaged database file: the app shows how to restore it, and never rebuilds it as empty."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from girlscourt.errors import DatabaseDamaged
from ui.app import EXIT_UNAVAILABLE, AppController
from ui.dialogs.damaged_database_dialog import DamagedDatabaseDialog

from .conftest import drain_workers


@pytest.fixture
def controllers(qapp: QApplication) -> Iterator[Callable[[str], AppController]]:
    made: list[AppController] = []

    def make(url: str) -> AppController:
        controller = AppController(url)
        made.append(controller)
        return controller

    yield make
    for controller in made:
        for window in (controller.login, controller.first_admin, controller.damaged):
            if window is not None:
                window.close()
        drain_workers()
        if controller.core is not None:
            controller.core.db.dispose()


def _start(qtbot: QtBot, controller: AppController) -> DamagedDatabaseDialog:
    controller.start()
    qtbot.waitUntil(lambda: controller.damaged is not None, timeout=10_000)
    dialog = controller.damaged
    assert dialog is not None
    return dialog


def test_an_emptied_file_is_refused_not_rebuilt_as_a_new_database(
    qtbot: QtBot, controllers: Callable[[str], AppController], tmp_path: Path
) -> None:
    path = tmp_path / "girlscourt.sqlite3"
    path.write_bytes(b"")  # a file that lost its contents (a sync tool, a full disk)
    controller = controllers(f"sqlite:///{path}")
    dialog = _start(qtbot, controller)

    assert dialog.isVisible()
    assert controller.login is not None and not controller.login.isVisible()
    assert controller.core is None and controller.first_admin is None
    assert controller.exit_code == EXIT_UNAVAILABLE
    text = dialog.text()
    assert str(path) in text and "the file is empty" in text
    assert "Restore the file from a backup" in text
    assert "No copy was found next to the file" in text
    assert "Nothing was written to it" in text
    assert path.read_bytes() == b""  # still empty: no schema, no administrator prompt

    with qtbot.waitSignal(controller.exit_requested, timeout=5000) as quit_signal:
        qtbot.mouseClick(dialog.quit_button, Qt.MouseButton.LeftButton)
    assert quit_signal.args == [EXIT_UNAVAILABLE]


def test_a_cut_short_file_lists_the_backups_next_to_it(
    qtbot: QtBot,
    controllers: Callable[[str], AppController],
    tmp_path: Path,
    migrated_sqlite_template: Path,
) -> None:
    path = tmp_path / "desk.sqlite3"
    whole = migrated_sqlite_template.read_bytes()
    path.write_bytes(whole[: len(whole) // 2])
    older = tmp_path / "desk.sqlite3.20261101T080000Z.bak"
    newer = tmp_path / "desk.sqlite3.20261201T080000Z.bak"
    for backup in (older, newer):
        shutil.copy(migrated_sqlite_template, backup)
    before = path.read_bytes()
    controller = controllers(f"sqlite:///{path}")
    dialog = _start(qtbot, controller)

    error = dialog.error
    assert isinstance(error, DatabaseDamaged)
    assert error.backups == (str(newer), str(older))  # newest first
    text = dialog.text()
    assert text.index(newer.name) < text.index(older.name)
    assert "Move the damaged file aside" in text and "desk.sqlite3-wal" in text
    assert path.read_bytes() == before

    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    copied = QApplication.clipboard().text()
    assert str(path) in copied and "Restore it from a backup" in copied


def test_the_newest_daily_backup_is_offered_and_restored_in_place(
    qtbot: QtBot,
    controllers: Callable[[str], AppController],
    tmp_path: Path,
    migrated_sqlite_template: Path,
    private_data_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    path = tmp_path / "girlscourt.sqlite3"
    whole = migrated_sqlite_template.read_bytes()
    path.write_bytes(whole[: len(whole) // 3])
    damaged_bytes = path.read_bytes()
    daily = private_data_dir / "backups" / "girlscourt-2026-12-06.sqlite3"
    daily.parent.mkdir(parents=True)
    shutil.copy(migrated_sqlite_template, daily)
    controller = controllers(f"sqlite:///{path}")
    dialog = _start(qtbot, controller)
    assert dialog.error.backups[0] == str(daily)
    assert daily.name in dialog.text() and dialog.restore_button.isVisible()

    monkeypatch.setattr(dialog, "confirm_restore", lambda backup: backup == str(daily))
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.restored is not None, timeout=10_000)  # off the GUI thread
    assert dialog.restored is not None and dialog.restored.read_bytes() == damaged_bytes
    assert path.read_bytes() == daily.read_bytes()  # the checked copy is in place
    assert "Restored" in dialog.text() and dialog.restored.name in dialog.text()
    assert not dialog.restore_button.isEnabled()
