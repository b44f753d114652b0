"""The "Dependency" tab of a youth's record: her WIC 300 status, effective-dated, with the
child-welfare case number and the history, and (for those who may edit) a change to record.

A dependent may not be detained for lack of a placement (WIC 636), and a detained dependent
brings the WIC 241.1 joint assessment and its deadline: the intake desk and the clocks read this.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.dependency_rules import STATUSES, DependencyInput
from girlscourt.domain.permissions import Action
from girlscourt.errors import ValidationError
from girlscourt.services.registry import dependency
from girlscourt.services.registry.dependency import DependencyView
from ui import workers
from ui.context import AppContext
from ui.extensions import RecordSection
from ui.formatting import format_date
from ui.style import MUTED
from ui.widgets.form_feedback import failure_text
from ui.widgets.message_bar import MessageBar, MessageKind


class DependencySection(QWidget):
    """Current status, history, and the change form."""

    changed = Signal(object)  # DependencyView after a recorded change

    def __init__(self, context: AppContext, youth_id: int) -> None:
        super().__init__()
        self.context = context
        self.youth_id = youth_id
        self._can_edit = context.may(Action.YOUTH_EDIT)
        self.message = MessageBar()
        self.current = QLabel("Loading…")
        self.current.setTextFormat(Qt.TextFormat.PlainText)
        self.current.setStyleSheet("font-weight: bold;")
        self.current.setWordWrap(True)
        self.history = QLabel()
        self.history.setTextFormat(Qt.TextFormat.PlainText)
        self.history.setStyleSheet(f"color: {MUTED};")
        self.history.setWordWrap(True)

        self.status = QComboBox()
        self.status.setAccessibleName("Dependency status")
        for code, label in STATUSES.items():
            self.status.addItem(label, code)
        self.case_number = QLineEdit()
        self.case_number.setAccessibleName("Child-welfare case number")
        self.case_number.setMaxLength(40)
        self.case_number.setPlaceholderText("From the social worker, e.g. CW-26-0412")
        today = context.core.today()
        self.effective = QDateEdit(QDate(today.year, today.month, today.day))
        self.effective.setAccessibleName("Effective from")
        self.effective.setCalendarPopup(True)
        self.effective.setDisplayFormat("MM/dd/yyyy")
        self.effective.setMaximumDate(QDate(today.year, today.month, today.day))
        self.record_button = QPushButton("Record &change")
        self.record_button.setAutoDefault(False)
        change = QGroupBox("Record a change")
        form = QFormLayout(change)
        form.addRow("&Status:", self.status)
        form.addRow("Child-welfare &case number:", self.case_number)
        form.addRow("&Effective from:", self.effective)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.record_button)
        form.addRow(buttons)
        change.setVisible(self._can_edit)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.current)
        layout.addWidget(self.history)
        layout.addWidget(change)
        layout.addStretch(1)
        self.record_button.clicked.connect(self.record_change)
        self.status.currentIndexChanged.connect(self._status_changed)
        self._status_changed()

    def _status_changed(self) -> None:
        self.case_number.setEnabled(self.status.currentData() != "none")

    def refresh(self) -> None:
        """Load the status and history (the record page calls this after each load)."""
        workers.run(
            dependency.dependency_of,
            self.context.core,
            self.context.actor,
            self.youth_id,
            on_done=self.show_view,
            on_error=self._load_failed,
            context=self,
        )

    def show_view(self, view: DependencyView) -> None:
        """Show what is recorded."""
        if view.current is None:
            self.current.setText("No dependency status recorded (none known).")
        else:
            c = view.current
            number = f" · case {c.child_welfare_case_number}" if c.child_welfare_case_number else ""
            self.current.setText(f"{c.label} since {format_date(c.effective_on)}{number}")
        lines = [
            f"{format_date(e.effective_on)}  {e.label}"
            + (f" (case {e.child_welfare_case_number})" if e.child_welfare_case_number else "")
            for e in view.history[1:]
        ]
        self.history.setText("Earlier: " + "; ".join(lines) if lines else "")
        self.history.setVisible(bool(lines))

    def _load_failed(self, error: BaseException) -> None:
        text, _retry = failure_text(error, "Not loaded")
        self.message.show_message(text, MessageKind.ERROR)

    def record_change(self) -> None:
        """Record the change; problems show here, naming the field."""
        self.message.clear()
        value = self.effective.date()
        data = DependencyInput(
            str(self.status.currentData()),
            dt.date(value.year(), value.month(), value.day()),
            self.case_number.text().strip() or None,
        )
        self.record_button.setEnabled(False)
        workers.run(
            dependency.set_dependency,
            self.context.core,
            self.context.actor,
            self.youth_id,
            data,
            on_done=self._recorded,
            on_error=self._record_failed,
            context=self,
        )

    def _recorded(self, view: DependencyView) -> None:
        self.record_button.setEnabled(True)
        self.case_number.clear()
        self.show_view(view)
        self.message.show_message("Dependency status recorded.", MessageKind.INFO)
        self.changed.emit(view)

    def _record_failed(self, error: BaseException) -> None:
        self.record_button.setEnabled(True)
        if isinstance(error, ValidationError):
            names = {
                "child_welfare_case_number": "Child-welfare case number",
                "effective_on": "Effective from",
                "dependency_status": "Status",
            }
            field = names.get(error.field, error.field)
            self.message.show_message(f"{field}: {error.detail}", MessageKind.ERROR)
            if error.field == "child_welfare_case_number":
                self.case_number.setFocus()
            return
        text, _retry = failure_text(error, "Not recorded")
        self.message.show_message(text, MessageKind.ERROR)


DEPENDENCY_SECTION = RecordSection(
    key="dependency",
    title="Dependenc&y",
    allowed=lambda context: context.may(Action.YOUTH_EDIT),
    factory=lambda context, youth_id, _navigator: DependencySection(context, youth_id),
)
