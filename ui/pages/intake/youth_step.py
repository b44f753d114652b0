"""Step 1, the youth: find her as you type (Enter picks), or register a new youth."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from girlscourt.domain.permissions import Action
from girlscourt.domain.youth_rules import age_on
from girlscourt.errors import GirlsCourtError
from girlscourt.services.registry import youths
from girlscourt.services.registry.youths import YouthRecord, YouthSummary
from ui import workers
from ui.context import AppContext
from ui.formatting import format_date
from ui.keyboard import chain_tab_order
from ui.models.youth_table_model import COL_NAME, YouthTableModel
from ui.pages.intake.step import ChosenYouth, Step, error_label, hint
from ui.style import INFO_BG, INFO_BORDER
from ui.widgets.youth_table_view import YouthTableView

SEARCH_DELAY_MS = 150


class _SearchEdit(QLineEdit):
    """Down arrow (or Enter) moves from the search field into the results."""

    to_results = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.to_results.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class YouthStep(Step):
    """Find the youth as you type (Enter picks), or register a new one."""

    chosen = Signal(object)  # ChosenYouth
    register_requested = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.youth: ChosenYouth | None = None
        self._job: workers.Job | None = None
        self._focus_results = False
        self.search = _SearchEdit()
        self.search.setPlaceholderText(
            "Name, alias or date of birth — e.g. “maya ash” or 06/01/2010"
        )
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Find the youth")
        label = QLabel("Find the &youth")
        label.setBuddy(self.search)
        self.register_button = QPushButton("&Register a new youth…")
        self.register_button.setToolTip("The youth is not in the registry yet")
        self.register_button.setAutoDefault(False)
        self.register_button.setEnabled(context.may(Action.YOUTH_CREATE))
        self.model = YouthTableModel(context.core.today, self)
        self.table = YouthTableView()
        self.table.setModel(self.model)
        self.table.set_column_widths()
        self.table.setAccessibleName("Youths found")
        self.status = hint("Type part of the name; Enter picks the highlighted youth.")
        self.chosen_label = QLabel("No youth chosen yet.")
        self.chosen_label.setObjectName("chosenYouth")
        self.chosen_label.setTextFormat(Qt.TextFormat.PlainText)
        self.chosen_label.setStyleSheet(
            f"QLabel#chosenYouth {{ background: {INFO_BG}; border: 1px solid {INFO_BORDER};"
            " border-radius: 4px; padding: 6px; font-weight: bold; }"
        )
        error = error_label()
        self.fields["youth_id"] = (self.search, error)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.register_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.chosen_label)
        layout.addWidget(label)
        layout.addLayout(top)
        layout.addWidget(error)
        layout.addWidget(self.status)
        layout.addWidget(self.table, 1)
        chain_tab_order([self.search, self.register_button, self.table])

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.run_query)
        self.search.textEdited.connect(lambda _t: self._debounce.start())
        self.search.to_results.connect(self._to_results)
        self.table.open_requested.connect(self._pick_id)
        self.register_button.clicked.connect(self.register_requested)

    def run_query(self) -> None:
        """Search for what is typed (an older search still running is dropped)."""
        self._debounce.stop()
        if self._job is not None:
            self._job.cancel()
        text = self.search.text().strip()
        if not text:
            self.model.clear()
            self.status.setText("Type part of the name; Enter picks the highlighted youth.")
            return
        self._job = workers.run(
            youths.find_youths,
            self.context.core,
            self.context.actor,
            text,
            on_done=lambda page: self._show(text, page),
            on_error=self._failed,
            context=self,
        )

    def _show(self, text: str, page: youths.SearchPage) -> None:
        self._job = None
        self.model.set_rows(page.rows, page.truncated)
        if page.rows:
            self.table.setCurrentIndex(self.model.index(0, COL_NAME))
            count = len(page.rows)
            self.status.setText(
                f"{count} {'youth matches' if count == 1 else 'youths match'} “{text}”. "
                "↓ or Enter goes to the list; Enter there picks the youth."
            )
        else:
            self.status.setText(
                f"No youth matches “{text}”. Try part of the name or the date of birth, "
                "or register a new youth (Alt+R)."
            )
        if self._focus_results:
            self._focus_results = False
            if page.rows:
                self.table.setFocus()

    def _failed(self, error: BaseException) -> None:
        self._job = None
        text = str(error) if isinstance(error, GirlsCourtError) else "see the log for details"
        self.status.setText(f"The search did not work: {text}")

    def _to_results(self) -> None:
        if self._debounce.isActive() or self._job is not None:
            self._focus_results = True
            self.run_query()
            return
        if self.model.rowCount():
            self.table.setFocus()

    def _pick_id(self, youth_id: int) -> None:
        for row in range(self.model.rowCount()):
            summary = self.model.summary(row)
            if summary is not None and summary.id == youth_id:
                self.choose(summary)
                return

    def choose(self, summary: YouthSummary | YouthRecord) -> None:
        """Make ``summary`` the youth of this intake."""
        if isinstance(summary, YouthRecord):
            youth = ChosenYouth(summary.id, summary.summary().display_name, summary.data.dob)
        else:
            name = f"{summary.legal_last_name}, {summary.legal_first_name}"
            if summary.preferred_name:
                name += f" “{summary.preferred_name}”"
            youth = ChosenYouth(summary.id, name, summary.dob)
        self.set_youth(youth)
        self.touched()
        self.chosen.emit(youth)

    def set_youth(self, youth: ChosenYouth | None) -> None:
        """Show the chosen youth (no signal)."""
        self.youth = youth
        self.clear_errors()
        if youth is None:
            self.chosen_label.setText("No youth chosen yet.")
            return
        age = age_on(youth.dob, self.context.core.today())
        self.chosen_label.setText(
            f"Intake for: {youth.name} · born {format_date(youth.dob)} · age {age} · "
            f"record #{youth.id}"
        )

    def first_field(self) -> QWidget:
        return self.search

    def content(self) -> dict[str, Any]:
        if self.youth is None:
            return {}
        return {"id": self.youth.id, "name": self.youth.name, "dob": self.youth.dob.isoformat()}

    def load(self, content: dict[str, Any]) -> None:
        try:
            youth = ChosenYouth(
                int(content["id"]), str(content["name"]), dt.date.fromisoformat(content["dob"])
            )
        except (KeyError, TypeError, ValueError):
            youth = None
        self.set_youth(youth)
        self.search.clear()
        self.model.clear()

    def summary(self) -> str:
        return self.youth.name if self.youth else "not chosen"
