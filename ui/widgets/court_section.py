"""The "Court" tab of a youth's record: her cases and petitions, her Girls Court assignment and
its history, and her hearings, with the clerk's refer and schedule actions at hand."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.hearing_rules import OUTCOME_LABELS
from girlscourt.domain.permissions import Action
from girlscourt.services.court import assignments, cases, hearings
from girlscourt.services.court.assignments import (
    OPEN_STATUSES,
    TEAM_LABELS,
    AssignmentEventRecord,
    AssignmentRecord,
)
from girlscourt.services.court.cases import CaseRecord
from girlscourt.services.court.hearing_records import HearingRecord
from girlscourt.services.kernel.core import Actor, Core
from ui import workers
from ui.context import AppContext
from ui.dialogs.assignment_dialog import AssignmentDialog, Step
from ui.dialogs.hearing_dialog import HearingDialog
from ui.dialogs.seal_dialog import STATE_LABELS, SealDialog
from ui.extensions import Navigator, RecordSection
from ui.models.roster_table_model import STATUS_LABELS
from ui.widgets.form_feedback import failure_text
from ui.widgets.message_bar import MessageBar, MessageKind

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class CourtRecord:
    """Everything the tab shows, loaded in one background call."""

    cases: tuple[CaseRecord, ...]
    assignments: tuple[AssignmentRecord, ...]
    history: tuple[AssignmentEventRecord, ...]  # of the newest assignment
    hearings: tuple[HearingRecord, ...]


def load_court_record(core: Core, actor: Actor, youth_id: int) -> CourtRecord:
    """Runs on a worker thread: cases, assignments (history of the newest) and hearings."""
    her_cases = cases.cases_of_youth(core, actor, youth_id)
    hers = assignments.assignments_of_youth(core, actor, youth_id)
    history = assignments.assignment_history(core, actor, hers[0].id) if hers else ()
    found: list[HearingRecord] = []
    for case in her_cases:
        found.extend(hearings.hearings_of_case(core, actor, case.id))
    found.sort(key=lambda h: h.scheduled_at)
    return CourtRecord(her_cases, hers, history, tuple(found))


COL_WHEN = 0
COL_TYPE = 1
COL_DEPT = 2
COL_CASE = 3
COL_CUSTODY = 4
COL_OUTCOME = 5
_HEADERS = ("When", "Hearing", "Dept", "Case", "Custody", "Outcome")


class HearingsTableModel(QAbstractTableModel):
    """A youth's hearings in time order."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[HearingRecord] = []

    def set_rows(self, rows: Sequence[HearingRecord]) -> None:
        """Show ``rows``."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """Hearings."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """When, type, department, case, custody, outcome."""
        return 0 if parent.isValid() else len(_HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Cell text and the hearing label as tooltip."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == COL_TYPE:
            return row.hearing_label
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        column = index.column()
        if column == COL_WHEN:
            return f"{row.scheduled_at:%a %m/%d/%Y %H:%M}"
        if column == COL_TYPE:
            return f"{row.hearing_type} – {row.hearing_label}"
        if column == COL_DEPT:
            return row.department_code + (" (GC)" if row.girls_court else "")
        if column == COL_CASE:
            return row.case_number
        if column == COL_CUSTODY:
            return row.custody_status + (" +T" if row.transport_needed else "")
        if column == COL_OUTCOME:
            if row.outcome is None:
                return "On calendar"
            text = OUTCOME_LABELS[row.outcome]
            if row.continuance_reason:
                text += f": {row.continuance_reason}"
            return text
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[section] if 0 <= section < len(_HEADERS) else None
        return None


def _date(value: dt.date | None) -> str:
    return f"{value:%m/%d/%Y}" if value else "—"


class CourtSection(QWidget):
    """The "Court" tab of a youth's record."""

    loaded = Signal(object)  # CourtRecord
    dialog_opened = Signal(object)

    def __init__(
        self,
        context: AppContext,
        youth_id: int,
        navigator: Navigator | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.youth_id = youth_id
        self.navigator = navigator
        self.record: CourtRecord | None = None
        self.dialog: QDialog | None = None
        self._job: workers.Job | None = None

        heading = QLabel("Court")
        heading.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.message = MessageBar()
        self.cases = QLabel("Loading…")
        self.assignment = QLabel("")
        for label in (self.cases, self.assignment):
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.model = HearingsTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Hearings")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            COL_OUTCOME, QHeaderView.ResizeMode.Stretch
        )
        metrics = self.fontMetrics()
        self.table.setColumnWidth(COL_WHEN, metrics.horizontalAdvance("Wed 00/00/0000 00:00") + 20)
        self.table.setColumnWidth(COL_TYPE, metrics.horizontalAdvance("M") * 18)
        self.refer_button = QPushButton("Refer to &Girls Court…")
        self.refer_button.setVisible(context.may(Action.GIRLS_COURT_ASSIGN))
        self.schedule_button = QPushButton("Schedule &hearing…")
        self.schedule_button.setVisible(context.may(Action.HEARING_SCHEDULE))
        self.seal_button = QPushButton("Seal &petition…")  # the sealed-records custodian's
        self.seal_button.setVisible(
            context.may(Action.SEALED_ACCESS) and context.may(Action.SEAL_PETITION)
        )

        hearings_title = QLabel("Hearings")
        hearings_title.setStyleSheet("font-weight: bold;")
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.refer_button)
        top.addWidget(self.schedule_button)
        top.addWidget(self.seal_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.cases)
        layout.addWidget(self.assignment)
        layout.addWidget(hearings_title)
        layout.addWidget(self.table, 1)

        self.refer_button.clicked.connect(lambda: self.refer())
        self.schedule_button.clicked.connect(lambda: self.schedule_hearing())
        self.seal_button.clicked.connect(lambda: self.seal_petition())
        self.message.action_triggered.connect(self.refresh)

    def refresh(self) -> None:
        """Load the tab (the record page calls this after each load and save)."""
        if self._job is not None:
            self._job.cancel()
        self._job = workers.run(
            load_court_record,
            self.context.core,
            self.context.actor,
            self.youth_id,
            on_done=self._show,
            on_error=self._failed,
            context=self,
        )

    def _show(self, record: CourtRecord) -> None:
        self._job = None
        self.record = record
        self.message.clear()
        if record.cases:
            lines = []
            for case in record.cases:
                petitions = ", ".join(
                    f"{p.petition_number} (filed {p.filed_on:%m/%d/%Y}"
                    + (f", {STATE_LABELS[p.sealing_state]})" if p.sealing_state != "open" else ")")
                    for p in case.petitions
                )  # only the custodian is ever shown a sealed petition
                lines.append(f"Case {case.case_number}" + (f": {petitions}" if petitions else ""))
            self.cases.setText("\n".join(lines))
        else:
            self.cases.setText("No court case on file.")
        self.assignment.setText(self._assignment_text(record))
        self.model.set_rows(record.hearings)
        has_open = any(a.status in OPEN_STATUSES for a in record.assignments)
        self.refer_button.setEnabled(not has_open)
        self.refer_button.setToolTip(
            "She already has an open Girls Court assignment" if has_open else ""
        )
        self.schedule_button.setEnabled(bool(record.cases))
        unsealed = any(not p.sealed for case in record.cases for p in case.petitions)
        self.seal_button.setEnabled(unsealed)
        self.loaded.emit(record)

    def _assignment_text(self, record: CourtRecord) -> str:
        if not record.assignments:
            return "Girls Court: not referred."
        newest = record.assignments[0]
        tz = self.context.core.settings.timezone
        status = STATUS_LABELS.get(newest.status, newest.status)
        parts = [
            f"Girls Court: {status}",
            f"referred {_date(newest.referred_at.astimezone(tz).date())}",
        ]
        if newest.accepted_on:
            parts.append(f"accepted {_date(newest.accepted_on)}")
        if newest.exit_reason:
            parts.append(f"exit reason: {newest.exit_reason}")
        lines = [" · ".join(parts)]
        team = newest.team.as_dict()
        if team:
            lines.append("Team: " + "; ".join(f"{TEAM_LABELS[k]} {v}" for k, v in team.items()))
        for event in record.history:
            note = f" ({event.note})" if event.note else ""
            when = event.at.astimezone(tz)
            lines.append(
                f"  {when:%m/%d/%Y} {STATUS_LABELS.get(event.status, event.status)} "
                f"by {event.actor_name}{note}"
            )
        return "\n".join(lines)

    def _failed(self, error: BaseException) -> None:
        self._job = None
        text, retry = failure_text(error, "The court record could not be loaded")
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)

    def _show_dialog(self, dialog: QDialog) -> None:
        dialog.finished.connect(lambda _code: dialog.deleteLater())
        self.dialog = dialog
        dialog.open()
        self.dialog_opened.emit(dialog)

    def refer(self) -> AssignmentDialog:
        """Refer this youth to Girls Court."""
        dialog = AssignmentDialog(self.context, Step.REFER, youth_id=self.youth_id, parent=self)
        dialog.saved.connect(lambda _r: self.refresh())
        self._show_dialog(dialog)
        return dialog

    def schedule_hearing(self) -> HearingDialog:
        """Schedule a hearing for this youth."""
        dialog = HearingDialog(self.context, self.youth_id, parent=self)
        dialog.scheduled.connect(lambda _h: self.refresh())
        self._show_dialog(dialog)
        return dialog

    def seal_petition(self) -> SealDialog:
        """Seal one of her petitions on the court's order (the custodian)."""
        dialog = SealDialog(self.context, self.record.cases if self.record else (), parent=self)
        dialog.sealed.connect(lambda _s: self.refresh())
        self._show_dialog(dialog)
        return dialog


COURT_SECTION = RecordSection(
    key="court",
    title="C&ourt",
    allowed=lambda context: context.may(Action.YOUTH_VIEW),
    factory=lambda context, youth_id, navigator: CourtSection(context, youth_id, navigator),
)
