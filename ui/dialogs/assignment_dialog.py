"""Refer a youth to Girls Court, accept her, or close the assignment: one dialog, three steps.

Every step goes through the court service on a worker thread; a refusal (one open assignment per
youth, an illegal status change, a stale version) is shown inline and nothing typed is lost.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from girlscourt.errors import ValidationError
from girlscourt.services.court import assignments, cases
from girlscourt.services.court.assignments import (
    COMPLETED,
    EXITED,
    TEAM_LABELS,
    TEAM_ROLES,
    AssignmentRecord,
    ReferralInput,
    Team,
)
from girlscourt.services.court.cases import CaseRecord
from girlscourt.services.registry import youths
from girlscourt.services.registry.youths import SearchPage
from ui import workers
from ui.context import AppContext
from ui.formatting import error_text
from ui.style import MUTED
from ui.widgets.banner import ConfidentialBanner
from ui.widgets.form_feedback import failure_text
from ui.widgets.message_bar import MessageBar, MessageKind

SEARCH_DELAY_MS = 250


class Step(StrEnum):
    """What the dialog records."""

    REFER = "refer"
    ACCEPT = "accept"
    CLOSE = "close"


_TITLES = {
    Step.REFER: "Refer to Girls Court",
    Step.ACCEPT: "Accept into Girls Court",
    Step.CLOSE: "Complete or exit Girls Court",
}


def qdate(day: dt.date) -> QDate:
    """A Python date as a QDate."""
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> dt.date:
    """A QDate as a Python date."""
    return dt.date(value.year(), value.month(), value.day())


class AssignmentDialog(QDialog):
    """One step of a Girls Court assignment; ``saved(AssignmentRecord)`` fires and it closes."""

    saved = Signal(object)  # AssignmentRecord
    ready = Signal()  # the youth's cases (or the search results) arrived

    def __init__(
        self,
        context: AppContext,
        step: Step,
        *,
        youth_id: int | None = None,
        youth_label: str = "",
        assignment_id: int | None = None,
        version: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.step = step
        self.youth_id = youth_id
        self.assignment_id = assignment_id
        self.version = version
        self.setWindowTitle(_TITLES[step])
        today = context.core.today()

        intro = QLabel(self._intro(youth_label))
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setStyleSheet(f"color: {MUTED};")
        self.message = MessageBar()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        # refer
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type a name to find the youth")
        self.youth_combo = QComboBox()
        self.youth_combo.setAccessibleName("Youth")
        self.case_combo = QComboBox()
        self.case_combo.setAccessibleName("Case")
        self.reason = QPlainTextEdit()
        self.reason.setAccessibleName("Reason for the referral")
        self.reason.setPlaceholderText("Why Girls Court fits her (required)")
        self.reason.setFixedHeight(70)
        self.eligibility = QPlainTextEdit()
        self.eligibility.setAccessibleName("Eligibility notes")
        self.eligibility.setFixedHeight(60)
        # accept
        self.accepted_on = QDateEdit(qdate(today))
        self.accepted_on.setCalendarPopup(True)
        self.accepted_on.setDisplayFormat("MM/dd/yyyy")
        self.accepted_on.setMaximumDate(qdate(today))
        self.team: dict[str, QLineEdit] = {}
        # close
        self.status_combo = QComboBox()
        self.status_combo.addItem("Completed the program", COMPLETED)
        self.status_combo.addItem("Exited before completing", EXITED)
        self.exit_reason = QLineEdit()
        self.exit_reason.setAccessibleName("Reason")
        self.exit_reason.setPlaceholderText("Required for an exit")

        if step == Step.REFER:
            if youth_id is None:
                form.addRow("&Find youth:", self.search)
                form.addRow("&Youth:", self.youth_combo)
            form.addRow("&Case:", self.case_combo)
            form.addRow("&Reason:", self.reason)
            form.addRow("&Eligibility notes:", self.eligibility)
            self.case_combo.addItem("No case yet", None)
        elif step == Step.ACCEPT:
            form.addRow("&Accepted on:", self.accepted_on)
            for role in TEAM_ROLES:
                edit = QLineEdit()
                edit.setAccessibleName(TEAM_LABELS[role])
                if role in ("judicial_officer", "prosecutor", "public_defender"):
                    edit.setPlaceholderText("Blank: the Girls Court docket's")
                self.team[role] = edit
                form.addRow(f"{TEAM_LABELS[role]}:", edit)
        else:
            form.addRow("&Outcome:", self.status_combo)
            form.addRow("&Reason:", self.exit_reason)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        save = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        save.setText({Step.REFER: "&Refer", Step.ACCEPT: "&Accept", Step.CLOSE: "&Save"}[step])
        self.save_button = save
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 10)
        layout.addWidget(ConfidentialBanner())
        body = QVBoxLayout()
        body.setContentsMargins(14, 6, 14, 0)
        body.addWidget(intro)
        body.addWidget(self.message)
        body.addLayout(form)
        body.addWidget(self.buttons)
        layout.addLayout(body)
        self.resize(560, 0)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._run_search)
        self._search_job: workers.Job | None = None
        self.search.textEdited.connect(lambda _t: self._search_timer.start())
        self.youth_combo.currentIndexChanged.connect(self._youth_chosen)
        if step == Step.REFER and youth_id is not None:
            self._load_cases(youth_id)

    def _intro(self, youth_label: str) -> str:
        who = f" for {youth_label}" if youth_label else ""
        if self.step == Step.REFER:
            return (
                f"Refer{who} to the Girls Court docket. The referral is recorded with your name "
                "and the time; a clerk accepts it once the team agrees."
            )
        if self.step == Step.ACCEPT:
            return (
                f"Accept the referral{who}. Team members left blank come from the Girls Court "
                "docket's configuration on the acceptance date."
            )
        return f"Close the Girls Court assignment{who}: completed, or exited with the reason."

    # -- refer: finding the youth and her cases -----------------------------------------------

    def _run_search(self) -> None:
        text = self.search.text().strip()
        if self._search_job is not None:
            self._search_job.cancel()
        if not text:
            self.youth_combo.clear()
            return
        self._search_job = workers.run(
            youths.find_youths,
            self.context.core,
            self.context.actor,
            text,
            20,
            on_done=self._found,
            on_error=self._failed,
            context=self,
        )

    def _found(self, page: SearchPage) -> None:
        self._search_job = None
        self.youth_combo.blockSignals(True)
        self.youth_combo.clear()
        for summary in page.rows:
            self.youth_combo.addItem(
                f"{summary.display_name} · born {summary.dob:%m/%d/%Y}", summary.id
            )
        self.youth_combo.blockSignals(False)
        if page.rows:
            self._youth_chosen(0)
        else:
            self.case_combo.clear()
            self.case_combo.addItem("No case yet", None)
        self.ready.emit()

    def _youth_chosen(self, index: int) -> None:
        youth_id = self.youth_combo.itemData(index)
        if isinstance(youth_id, int):
            self.youth_id = youth_id
            self._load_cases(youth_id)

    def _load_cases(self, youth_id: int) -> None:
        workers.run(
            cases.cases_of_youth,
            self.context.core,
            self.context.actor,
            youth_id,
            on_done=self._cases_loaded,
            on_error=self._failed,
            context=self,
        )

    def _cases_loaded(self, cases: tuple[CaseRecord, ...]) -> None:
        self.case_combo.clear()
        self.case_combo.addItem("No case yet", None)
        for case in cases:
            self.case_combo.addItem(case.case_number, case.id)
        if cases:
            self.case_combo.setCurrentIndex(1)
        self.ready.emit()

    # -- saving -------------------------------------------------------------------------------

    def submit(self) -> None:
        """Record the step through the service."""
        core, actor = self.context.core, self.context.actor
        self.message.clear()
        if self.step == Step.REFER:
            if self.youth_id is None:
                self.message.show_message("Find and choose the youth first.", MessageKind.ERROR)
                return
            data = ReferralInput(
                youth_id=self.youth_id,
                reason=self.reason.toPlainText(),
                case_id=self.case_combo.currentData(),
                eligibility_notes=self.eligibility.toPlainText() or None,
            )
            job = workers.run(
                assignments.refer_to_girls_court, core, actor, data, on_done=self._saved,
                on_error=self._failed, context=self,
            )  # fmt: skip
        elif self.step == Step.ACCEPT:
            assert self.assignment_id is not None and self.version is not None
            team = Team(**{role: edit.text() or None for role, edit in self.team.items()})
            job = workers.run(
                assignments.accept_assignment, core, actor, self.assignment_id, self.version,
                pydate(self.accepted_on.date()), team, on_done=self._saved,
                on_error=self._failed, context=self,
            )  # fmt: skip
        else:
            assert self.assignment_id is not None and self.version is not None
            job = workers.run(
                assignments.change_status, core, actor, self.assignment_id, self.version,
                self.status_combo.currentData(), self.exit_reason.text() or None,
                on_done=self._saved, on_error=self._failed, context=self,
            )  # fmt: skip
        if not job.done:
            self.save_button.setEnabled(False)

    def _saved(self, record: AssignmentRecord) -> None:
        self.save_button.setEnabled(True)
        self.saved.emit(record)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self.message.show_message(error_text(error), MessageKind.ERROR)
            return
        text, _retry = failure_text(error, "Not saved")
        self.message.show_message(text, MessageKind.ERROR)
