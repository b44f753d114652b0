"""Shown instead of the sign-in window when the database file is damaged: what to do next.

Nothing was opened for writing, so nothing more can be lost; the person at the desk learns that
the file must be restored from a backup, where the backups are, and to keep the damaged file.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt import APP_NAME
from girlscourt.errors import DatabaseDamaged, GirlsCourtError
from girlscourt.services.maintenance import daily_backup
from ui import workers
from ui.style import ERROR, MUTED, app_icon

BACKUPS_SHOWN = 3


def _steps(error: DatabaseDamaged) -> str:
    """The instructions as rich text; every path is escaped."""
    path = Path(error.path) if error.path else None
    name = html.escape(path.name if path else "the database file")
    folder = html.escape(str(path.parent) if path else "its folder")
    if error.backups:
        listed = "".join(
            f"<li><code>{html.escape(Path(b).name)}</code></li>"
            for b in error.backups[:BACKUPS_SHOWN]
        )
        more = len(error.backups) - BACKUPS_SHOWN
        extra = f"<li>… and {more} older</li>" if more > 0 else ""
        where = (
            "Copies (made before each upgrade, and each day) were found, newest first:"
            f"<ul>{listed}{extra}</ul>"
            "Changes made after the newest copy have to be entered again."
        )
    else:
        where = (
            f"No copy was found next to the file in <code>{folder}</code>: use this "
            "workstation's regular backup (ask your IT staff or system administrator)."
        )
    return (
        "<ol>"
        f"<li><b>Quit {html.escape(APP_NAME)}</b> on this workstation.</li>"
        f"<li><b>Move the damaged file aside:</b> rename <code>{name}</code> and, if they are "
        f"there, <code>{name}-wal</code> and <code>{name}-shm</code> (for example add "
        "<code>.damaged</code> to each) rather than deleting them, so IT can look at them. "
        "A left-behind <code>-wal</code> file would damage the restored copy.</li>"
        f"<li><b>Restore the file from a backup</b> under its old name <code>{name}</code> in "
        f"<code>{folder}</code>. {where}</li>"
        f"<li>Start {html.escape(APP_NAME)} again.</li>"
        "</ol>"
    )


class DamagedDatabaseDialog(QDialog):
    """Says the database file is damaged and how to restore it; its only way on is Quit."""

    def __init__(self, error: DatabaseDamaged, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error
        self.setWindowTitle(f"The database is damaged – {APP_NAME}")
        self.setWindowIcon(app_icon())

        self.heading = heading = QLabel("The database file is damaged")
        heading.setStyleSheet(f"font-size: 15pt; font-weight: bold; color: {ERROR};")
        where = html.escape(error.path or "the database")
        reason = html.escape(error.reason or "it failed SQLite's check")
        self.summary = QLabel(
            f"{html.escape(APP_NAME)} did not open <code>{where}</code>: {reason}. "
            "Nothing was written to it, and no new database was made in its place."
        )
        self.summary.setWordWrap(True)
        self.steps = QLabel(_steps(error))
        self.steps.setWordWrap(True)
        self.steps.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note = note = QLabel(
            "Until the file is restored, this workstation cannot open any record."
        )
        note.setStyleSheet(f"color: {MUTED};")
        note.setWordWrap(True)

        self.restore_button = QPushButton("&Restore the newest backup…")
        self.restore_button.setToolTip(
            "Check the newest copy, keep the damaged file aside for IT, put the copy in its place"
        )
        self.restore_button.setVisible(bool(error.backups) and bool(error.path))
        self.restore_button.clicked.connect(self.restore_newest)
        self.restored: Path | None = None
        self.copy_button = QPushButton("&Copy details")
        self.copy_button.setToolTip("Copy the file name and the problem, to send to IT")
        self.copy_button.clicked.connect(self.copy_details)
        self.quit_button = QPushButton("&Quit")
        self.quit_button.setDefault(True)
        self.quit_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        buttons.addWidget(self.quit_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.steps)
        layout.addWidget(note)
        layout.addLayout(buttons)
        self.setMinimumWidth(560)

    def confirm_restore(self, backup: str) -> bool:
        """Ask before anything is moved (tests answer for the person)."""
        answer = QMessageBox.question(
            self,
            "Restore the newest backup",
            f"Put {Path(backup).name} in place of the damaged file? Changes made after that copy "
            "will have to be entered again. The damaged file is kept for IT.",
        )
        return answer == QMessageBox.StandardButton.Yes

    def restore_newest(self) -> None:
        """Restore the newest backup in place of the damaged file (after asking), off the
        screen's thread: a large database takes a while to check and copy."""
        backup = self.error.backups[0]
        if not self.confirm_restore(backup):
            return
        self.restore_button.setEnabled(False)
        self.quit_button.setEnabled(False)  # never quit half-way through the swap
        self.steps.setText(f"Checking and restoring {html.escape(Path(backup).name)}…")
        workers.run(
            daily_backup.restore_damaged,
            self.error.path,
            backup,
            on_done=lambda kept: self._restored(backup, kept),
            on_error=self._restore_failed,
            context=self,
        )

    def _restored(self, backup: str, kept: Path) -> None:
        self.restored = kept
        self.quit_button.setEnabled(True)
        self.heading.setText("The database was restored from a backup")
        self.note.hide()
        self.steps.setText(
            f"<p><b>Restored</b> from <code>{html.escape(Path(backup).name)}</code>. The damaged "
            f"file is kept as <code>{html.escape(kept.name)}</code> for IT. Changes made after "
            f"that copy have to be entered again.</p><p>Start {html.escape(APP_NAME)} again to "
            "sign in.</p>"
        )

    def _restore_failed(self, error: BaseException) -> None:
        self.quit_button.setEnabled(True)
        self.restore_button.setEnabled(True)
        shown = str(error) if isinstance(error, GirlsCourtError | OSError) else "see the log"
        self.steps.setText(
            f"<p style='color:{ERROR}'>The backup could not be restored: "
            f"{html.escape(shown)}. Nothing was changed; follow the steps below by hand or ask "
            "IT.</p>" + _steps(self.error)
        )

    def details(self) -> str:
        """The plain-text line IT needs: the file and what is wrong (no case data)."""
        return self.error.message

    def copy_details(self) -> None:
        """Put the details on the clipboard."""
        QGuiApplication.clipboard().setText(self.details())

    def text(self) -> str:
        """Everything the dialog says, as plain text (for tests and screen readers)."""
        return "\n".join(w.text() for w in (self.summary, self.steps))
