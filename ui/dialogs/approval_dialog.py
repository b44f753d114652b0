"""A supervisor approves a detention override by signing with their own user name and password.

The supervisor sees exactly what they approve; the password is checked by the service (a login
attempt, audited and counted towards lockout) on a worker thread, never kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt.errors import (
    DatabaseUnavailable,
    GirlsCourtError,
    LoginFailed,
    PermissionDenied,
    ValidationError,
)
from girlscourt.services.intake import intake
from girlscourt.services.kernel.core import Actor
from ui import workers
from ui.context import AppContext
from ui.style import ERROR, INFO_BG, INFO_BORDER, INVALID_FIELD_CSS, MUTED, set_invalid


class ApprovalDialog(QDialog):
    """On accept, ``approver`` is the supervisor who signed; ``approved`` fires with them."""

    approved = Signal(object)  # Actor
    check_failed = Signal(str)  # the message shown

    def __init__(
        self,
        context: AppContext,
        summary: Sequence[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.approver: Actor | None = None
        self._busy = False
        self.setWindowTitle("Supervisor approval – Girls Court")
        self.setModal(True)
        self.setStyleSheet(INVALID_FIELD_CSS)

        intro = QLabel(
            "This detention decision differs from the band the risk instrument recommends. "
            "A supervisor other than the officer approves it by signing in here with their "
            "own account; the approval is recorded in the audit log under their name."
        )
        intro.setWordWrap(True)
        facts = QLabel()
        facts.setObjectName("approvalSummary")
        facts.setTextFormat(Qt.TextFormat.PlainText)
        facts.setWordWrap(True)
        facts.setText("\n".join(f"{name}: {value}" for name, value in summary))
        facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        facts.setStyleSheet(
            f"QLabel#approvalSummary {{ background: {INFO_BG}; border: 1px solid {INFO_BORDER};"
            " border-radius: 4px; padding: 8px; }"
        )
        self.summary_label = facts

        self.username = QLineEdit()
        self.username.setAccessibleName("Supervisor user name")
        self.username.setMaxLength(64)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Supervisor password")
        user_label = QLabel("Supervisor's &user name")
        user_label.setBuddy(self.username)
        password_label = QLabel("Supervisor's &password")
        password_label.setBuddy(self.password)
        form = QFormLayout()
        form.addRow(user_label, self.username)
        form.addRow(password_label, self.password)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet(f"color: {ERROR};")
        self.error.hide()
        note = QLabel("The officer does not need to see the password; it is not stored.")
        note.setStyleSheet(f"color: {MUTED};")
        note.setWordWrap(True)

        self.approve_button = QPushButton("&Approve")
        self.approve_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.approve_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(facts)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(note)
        layout.addStretch(1)
        layout.addLayout(buttons)

        self.approve_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.username.textEdited.connect(lambda _t: self._clear_error())
        self.password.textEdited.connect(lambda _t: self._clear_error())
        self.username.setFocus()
        self.resize(560, self.sizeHint().height())

    def _clear_error(self) -> None:
        self.error.hide()
        set_invalid(self.username, False)
        set_invalid(self.password, False)

    def _show_error(self, text: str, field: QLineEdit) -> None:
        self.error.setText(text)
        self.error.show()
        set_invalid(field, True)
        field.setFocus()
        field.selectAll()
        self.check_failed.emit(text)

    def submit(self) -> None:
        """Check the supervisor's credentials (on a worker thread)."""
        if self._busy:
            return
        self._clear_error()
        username = self.username.text().strip()
        password = self.password.text()
        if not username:
            self._show_error("Enter the supervisor's user name.", self.username)
            return
        if not password:
            self._show_error("Enter the supervisor's password.", self.password)
            return
        if username.casefold() == self.context.actor.username.casefold():
            self.password.clear()
            self._show_error(
                "An officer cannot approve their own override: a supervisor other than you "
                "signs here.",
                self.username,
            )
            return
        self._busy = True
        self.approve_button.setEnabled(False)
        workers.run(
            intake.approver_from_credentials,
            self.context.core,
            username,
            password,
            on_done=self._checked,
            on_error=self._failed,
            context=self,
        )

    def _checked(self, approver: Actor) -> None:
        self._busy = False
        self.approve_button.setEnabled(True)
        self.password.clear()
        if approver.user_id == self.context.actor.user_id:
            self._show_error("An officer cannot approve their own override.", self.username)
            return
        self.approver = approver
        self.approved.emit(approver)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        self.approve_button.setEnabled(True)
        self.password.clear()
        if isinstance(error, LoginFailed):
            self._show_error(f"Not approved: {error}.".replace("..", "."), self.password)
        elif isinstance(error, ValidationError | PermissionDenied):
            detail = error.detail if isinstance(error, ValidationError) else str(error)
            self._show_error(
                f"Not approved: {detail}. Only a supervisor may approve an override.",
                self.username,
            )
        elif isinstance(error, DatabaseUnavailable):
            self._show_error(
                f"The approval could not be checked: the database cannot be reached ({error}). "
                "Try again.",
                self.password,
            )
        elif isinstance(error, GirlsCourtError):
            self._show_error(f"Not approved: {error}", self.password)
        else:
            self._show_error(
                "The approval could not be checked (the details are in the log). Try again.",
                self.password,
            )
