"""The clerk's docket for a day and department: the printed columns on screen, live, editable.

Rows come from the hearing service (names as initials unless the variant allows more), are
shown through a lazy table model, and refresh when any workstation writes (``ChangeWatch``).
Outcomes are recorded through the outcome dialog; the print preview offers the three printed
variants, the internal (full-name) copy only to roles allowed to print it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.hearing_rules import OUTCOME_LABELS, long_date
from girlscourt.domain.permissions import Action
from girlscourt.readmodels.department_record import DepartmentRecord
from girlscourt.readmodels.docket import Docket, DocketRow
from girlscourt.services.court import departments, docket_printing, dockets, minute_orders
from girlscourt.services.court.docket_printing import PrintedDocument
from girlscourt.services.court.hearing_records import OutcomeResult
from ui import workers
from ui.context import AppContext
from ui.dialogs.hearing_dialog import OutcomeDialog
from ui.dialogs.pdf_preview_dialog import PdfPreviewDialog, open_preview
from ui.extensions import FeaturePage, Navigator
from ui.keyboard import chain_tab_order
from ui.models.batched_list_model import BatchedListModel
from ui.style import ERROR_BG, MUTED
from ui.widgets.change_watch import ChangeWatch
from ui.widgets.form_feedback import failure_text
from ui.widgets.message_bar import MessageBar, MessageKind
from ui.widgets.row_table import RowTable

Index = QModelIndex | QPersistentModelIndex

# DOMAIN.md 7.4: time | dept | case no. | minor | hearing type | custody + transport | judge |
# DA | defence (type) | PO | interpreter | deadline flag | notes; plus the Girls Court flag.
COL_TIME = 0
COL_DEPT = 1
COL_CASE = 2
COL_MINOR = 3
COL_TYPE = 4
COL_CUSTODY = 5
COL_JUDGE = 6
COL_DA = 7
COL_DEFENCE = 8
COL_PO = 9
COL_INTERPRETER = 10
COL_DEADLINE = 11
COL_GC = 12
COL_NOTES = 13
COLUMN_COUNT = 14

RowRole = Qt.ItemDataRole.UserRole + 1
YouthIdRole = Qt.ItemDataRole.UserRole + 2
BATCH = 200

_HEADERS = {
    COL_TIME: ("Time", "Scheduled time (county time)"),
    COL_DEPT: ("Dept", "Department"),
    COL_CASE: ("Case no.", "Case number (petition in the tooltip)"),
    COL_MINOR: ("Minor", "First name and last initial (or initials), as on the initials docket"),
    COL_TYPE: ("Hearing", "Hearing type code (label in the tooltip)"),
    COL_CUSTODY: ("Custody", "IN (juvenile hall), HS (home supervision), OUT; +T: transport"),
    COL_JUDGE: ("Judge", "Judicial officer"),
    COL_DA: ("DA", "Deputy district attorney"),
    COL_DEFENCE: ("Defence", "Defence counsel and type"),
    COL_PO: ("PO", "Probation officer"),
    COL_INTERPRETER: ("Interpreter", "Interpreter language"),
    COL_DEADLINE: ("Deadline", "Where the hearing falls against its statutory limit"),
    COL_GC: ("GC", "On the Girls Court docket"),
    COL_NOTES: ("Notes", "Continuance, outcome and clerk notes"),
}

VARIANT_LABELS = {
    "initials": "Initials copy",
    "internal": "Internal copy (full names)",
    "public": "Public list (open hearings only)",
}


class DocketTableModel(BatchedListModel[DocketRow]):
    """A day's docket rows, handed to the view a batch at a time."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([_HEADERS[c] for c in range(COLUMN_COUNT)], BATCH, parent)

    def row(self, number: int) -> DocketRow | None:
        """The docket row at ``number`` (None out of range)."""
        return self.row_at(number)

    def row_of_hearing(self, hearing_id: int) -> int | None:
        """Where a hearing is shown (fetching further batches if needed)."""
        return self.row_where(lambda row: row.hearing_id == hearing_id)

    def cell(self, row: DocketRow, column: int, role: int) -> Any:
        """Text, tooltips, the deadline colour, and the row under ``RowRole``."""
        if role == Qt.ItemDataRole.DisplayRole:
            return display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.BackgroundRole and column == COL_DEADLINE:
            if row.deadline is not None and row.deadline.over:
                return QBrush(QColor(ERROR_BG))
            return None
        if role == Qt.ItemDataRole.ForegroundRole and row.outcome not in (None, "held"):
            return QBrush(QColor(MUTED))  # continued or off calendar: no longer in the slot
        if role == RowRole:
            return row
        if role == YouthIdRole:
            return row.youth_id
        return None

    def _tooltip(self, row: DocketRow, column: int) -> str | None:
        if column == COL_CASE and row.petition_number:
            return f"Petition {row.petition_number}"
        if column == COL_TYPE:
            return row.hearing_label
        if column == COL_DEADLINE and row.deadline is not None:
            flag = row.deadline
            due = flag.effective_due
            state = "OVER the limit" if flag.over else "within the limit"
            unit = "judicial days" if flag.unit == "judicial" else "calendar days"
            return (
                f"{flag.citation}: {flag.text} ({unit}) from {flag.start:%m/%d/%Y}; "
                f"last day {due:%m/%d/%Y}; {state}"
            )
        if column == COL_CUSTODY and row.housing_unit:
            return f"Housing unit {row.housing_unit}"
        if column == COL_NOTES:
            return row.docket_notes or None
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Selectable; outcomes are edited through the dialog."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _defence(row: DocketRow) -> str:
    counsel = row.defence_counsel or ""
    return f"{counsel} ({row.defence_type})" if row.defence_type else counsel


def _deadline(row: DocketRow) -> str:
    if row.deadline is None:
        return ""
    return ("OVER: " if row.deadline.over else "") + row.deadline.text


_CELLS: dict[int, Callable[[DocketRow], str]] = {
    COL_TIME: lambda r: f"{r.scheduled_at:%H:%M}",
    COL_DEPT: lambda r: r.department_code,
    COL_CASE: lambda r: r.case_number,
    COL_MINOR: lambda r: r.minor,
    COL_TYPE: lambda r: r.hearing_type,
    COL_CUSTODY: lambda r: r.custody_status + (" +T" if r.transport_needed else ""),
    COL_JUDGE: lambda r: r.judicial_officer or "",
    COL_DA: lambda r: r.prosecutor or "",
    COL_DEFENCE: _defence,
    COL_PO: lambda r: r.probation_officer or "",
    COL_INTERPRETER: lambda r: r.interpreter_language or "",
    COL_DEADLINE: _deadline,
    COL_GC: lambda r: "GC" if r.girls_court else "",
    COL_NOTES: lambda r: r.docket_notes,
}


def display(row: DocketRow, column: int) -> str:
    """A docket cell as on screen (the same words as the printed copy)."""
    cell = _CELLS.get(column)
    return cell(row) if cell is not None else ""


class DocketView(RowTable):
    """The docket table; Enter or a double-click asks to record the outcome."""

    activated_row = Signal(object)  # DocketRow

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def set_column_widths(self) -> None:
        """Fixed widths from the font (measuring rows would touch every row)."""
        metrics = self.fontMetrics()

        em = metrics.horizontalAdvance("M")

        def w(text: str) -> int:
            return metrics.horizontalAdvance(text) + 18

        widths = {
            COL_TIME: w("00:00"),
            COL_DEPT: w("Dept"),
            COL_CASE: w("JV-26-000000"),
            COL_MINOR: w("Mmmmmmm M."),
            COL_TYPE: w("Hearing"),
            COL_CUSTODY: w("Custody"),
            COL_JUDGE: em * 10,
            COL_DA: em * 10,
            COL_DEFENCE: em * 10,
            COL_PO: em * 10,
            COL_INTERPRETER: w("Interpreter"),
            COL_DEADLINE: w("OVER: day 16 of 15"),
            COL_GC: w("GC"),
        }
        for column, width in widths.items():
            self.setColumnWidth(column, width)
        self.horizontalHeader().setStretchLastSection(True)

    def activate(self, index: QModelIndex) -> None:
        row = index.data(RowRole)
        if isinstance(row, DocketRow):
            self.activated_row.emit(row)


def buddy_label(text: str, buddy: QWidget) -> QLabel:
    """A label whose mnemonic moves the focus to ``buddy``."""
    label = QLabel(text)
    label.setBuddy(buddy)
    return label


def qdate(day: dt.date) -> QDate:
    """A Python date as a QDate."""
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> dt.date:
    """A QDate as a Python date."""
    return dt.date(value.year(), value.month(), value.day())


class DocketPanel(QWidget):
    """A day's docket with its outcome and print actions (the docket page and the calendar)."""

    loaded = Signal(object)  # Docket
    outcome_recorded = Signal(object)  # OutcomeResult
    preview_opened = Signal(object)  # PdfPreviewDialog
    dialog_opened = Signal(object)  # OutcomeDialog

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.day = context.core.today()
        self.department_id: int | None = None
        self.docket: Docket | None = None
        self.preview: PdfPreviewDialog | None = None
        self.dialog: OutcomeDialog | None = None
        self._job: workers.Job | None = None
        self._notice = ""  # shown once the reload after an outcome arrives
        self._can_edit = context.may(Action.HEARING_SCHEDULE)

        self.summary = QLabel("")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setStyleSheet(f"color: {MUTED};")
        self.message = MessageBar()
        self.model = DocketTableModel(self)
        self.table = DocketView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Docket")
        self.table.set_column_widths()

        self.outcome_button = QPushButton("Record &outcome…")
        self.outcome_button.setToolTip("Held, continued to a date, or off calendar (Enter)")
        self.outcome_button.setVisible(self._can_edit)
        self.variant_combo = QComboBox()
        self.variant_combo.setAccessibleName("Printed copy")
        self.variant_combo.addItem(VARIANT_LABELS["initials"], "initials")
        if context.may(Action.DOCKET_PRINT_INTERNAL):
            self.variant_combo.addItem(VARIANT_LABELS["internal"], "internal")
        self.variant_combo.addItem(VARIANT_LABELS["public"], "public")
        self.variant_combo.setToolTip(
            "Initials: the default. Internal: full names, audited. Public: the WIC 676 posting "
            "list of open hearings, no names."
        )
        self.print_button = QPushButton("Print pre&view…")
        can_print = context.may(Action.PRINT)
        self.minute_button = QPushButton("&Minute order…")
        self.minute_button.setToolTip("The selected hearing's minute order, with the orders made")
        self.minute_button.setVisible(can_print)
        self.variant_combo.setVisible(can_print)
        self.print_button.setVisible(can_print)

        actions = QHBoxLayout()
        actions.addWidget(self.outcome_button)
        actions.addWidget(self.minute_button)
        actions.addStretch(1)
        actions.addWidget(self.variant_combo)
        actions.addWidget(self.print_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)

        self.table.activated_row.connect(self.record_outcome)
        self.outcome_button.clicked.connect(lambda: self.record_outcome())
        self.print_button.clicked.connect(lambda: self.print_preview())
        self.minute_button.clicked.connect(lambda: self.print_minute_order())
        self.message.action_triggered.connect(self.refresh)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self._update_buttons()

    # -- loading ------------------------------------------------------------------------------

    def show_day(self, day: dt.date, department_id: int | None) -> None:
        """Load another day or department."""
        self.day, self.department_id = day, department_id
        self.refresh()

    def refresh(self) -> None:
        """Reload the docket (a load still running is dropped)."""
        if self._job is not None:
            self._job.cancel()
        self.summary.setText(f"Loading the docket for {long_date(self.day)}…")
        self._job = workers.run(
            dockets.docket,
            self.context.core,
            self.context.actor,
            self.day,
            self.department_id,
            on_done=self._show,
            on_error=self._failed,
            context=self,
        )

    def _show(self, docket: Docket) -> None:
        self._job = None
        current = self.current_row()
        self.docket = docket
        self.model.set_rows(docket.rows)
        if self._notice:
            self.message.show_message(self._notice, MessageKind.INFO)
            self._notice = ""
        else:
            self.message.clear()
        self.summary.setText(self._summary(docket))
        if current is not None:
            number = self.model.row_of_hearing(current.hearing_id)
            if number is not None:
                self.table.selectRow(number)
        self._update_buttons()
        self.loaded.emit(docket)

    def _summary(self, docket: Docket) -> str:
        where = docket.department.label if docket.department else "all departments"
        count = len(docket.rows)
        if not count:
            return f"{long_date(docket.day)} · {where}: no hearings."
        noun = "hearing" if count == 1 else "hearings"
        in_custody = sum(1 for r in docket.rows if r.custody_status == "IN")
        over = sum(1 for r in docket.rows if r.deadline is not None and r.deadline.over)
        extra = f", {in_custody} in custody" if in_custody else ""
        extra += f", {over} over a time limit" if over else ""
        return f"{long_date(docket.day)} · {where}: {count} {noun}{extra}."

    def _failed(self, error: BaseException) -> None:
        self._job = None
        text, retry = failure_text(error, "The docket could not be loaded")
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)
        self.summary.setText("")

    # -- outcomes -----------------------------------------------------------------------------

    def current_row(self) -> DocketRow | None:
        """The selected hearing."""
        index = self.table.currentIndex()
        row = index.data(RowRole) if index.isValid() else None
        return row if isinstance(row, DocketRow) else None

    def _update_buttons(self) -> None:
        row = self.current_row()
        self.outcome_button.setEnabled(row is not None and row.outcome in (None, "held"))
        self.minute_button.setEnabled(row is not None and row.outcome is not None)

    def record_outcome(self, row: DocketRow | None = None) -> OutcomeDialog | None:
        """Open the outcome dialog for ``row`` (default: the selected hearing)."""
        row = row or self.current_row()
        if row is None or not self._can_edit:
            return None
        if row.outcome is not None and row.outcome != "held":
            self.message.show_message(
                f"This hearing is already {OUTCOME_LABELS[row.outcome].lower()}.",
                MessageKind.INFO,
            )
            return None
        description = f"{row.hearing_type} – {row.hearing_label} · {row.case_number} · {row.minor}"
        dialog = OutcomeDialog(
            self.context,
            row.hearing_id,
            row.version,
            row.scheduled_at,
            description,
            self,
            hearing_type=row.hearing_type,
        )
        dialog.recorded.connect(self._outcome_recorded)
        dialog.finished.connect(lambda _code: dialog.deleteLater())
        self.dialog = dialog
        dialog.open()
        self.dialog_opened.emit(dialog)
        return dialog

    def _outcome_recorded(self, result: OutcomeResult) -> None:
        nxt = result.next_hearing
        if nxt is not None:
            when = nxt.scheduled_at
            self._notice = (
                f"Continued to {long_date(when.date())} at {when:%H:%M} "
                f"(hearing {nxt.id}, Dept {nxt.department_code})."
            )
        else:
            label = OUTCOME_LABELS.get(result.hearing.outcome or "", "")
            self._notice = f"Recorded: {label.lower()}."
        self.message.show_message(self._notice, MessageKind.INFO)
        self.outcome_recorded.emit(result)
        self.refresh()

    # -- printing -----------------------------------------------------------------------------

    def print_preview(self, variant: str | None = None) -> None:
        """Render the chosen printed copy of this docket and show it."""
        chosen = variant or str(self.variant_combo.currentData())
        self.print_button.setEnabled(False)
        self.message.show_message("Preparing the printed docket…", MessageKind.INFO)
        workers.run(
            docket_printing.print_docket,
            self.context.core,
            self.context.actor,
            self.day,
            self.department_id,
            chosen,
            on_done=lambda printed: self._show_preview(chosen, printed),
            on_error=self._print_failed,
            context=self,
        )

    def _show_preview(self, variant: str, printed: PrintedDocument) -> None:
        self.print_button.setEnabled(True)
        self.message.clear()
        code = "all"
        if self.docket is not None and self.docket.department is not None:
            code = self.docket.department.code
        core, actor, document_id = self.context.core, self.context.actor, printed.document_id

        def record_output(how: str) -> None:  # each further copy is audited under the same id
            docket_printing.record_docket_output(core, actor, document_id, how, variant)

        self.preview = open_preview(
            self,
            f"Docket {self.day:%m/%d/%Y} · Dept {code} · {VARIANT_LABELS[variant]}",
            document_id,
            printed.pdf,
            f"docket-{variant}-{self.day.isoformat()}-{code}-{document_id}.pdf",
            record_output,
        )
        self.preview_opened.emit(self.preview)

    def print_minute_order(self) -> None:
        """Preview the selected hearing's minute order (issued and audited like any print)."""
        row = self.current_row()
        if row is None or row.outcome is None:
            return
        self.minute_button.setEnabled(False)
        core, actor = self.context.core, self.context.actor
        case_number = row.case_number

        def show(printed: minute_orders.PrintedMinuteOrder) -> None:
            self._update_buttons()
            document_id = printed.document_id
            self.preview = open_preview(
                self,
                f"Minute order · {case_number}",
                document_id,
                printed.pdf,
                f"minute-order-{case_number}-{document_id}.pdf",
                lambda how: minute_orders.record_minute_order_output(core, actor, document_id, how),
            )
            self.preview_opened.emit(self.preview)

        workers.run(
            minute_orders.print_minute_order,
            core,
            actor,
            row.hearing_id,
            on_done=show,
            on_error=self._print_failed,
            context=self,
        )

    def _print_failed(self, error: BaseException) -> None:
        self._update_buttons()
        self.print_button.setEnabled(True)
        text, _retry = failure_text(error, "The docket could not be printed")
        self.message.show_message(text, MessageKind.ERROR)


class DocketPage(QWidget):
    """ "Docket" (Ctrl+K): pick a day and a department; the panel shows and prints it."""

    def __init__(
        self,
        context: AppContext,
        navigator: Navigator | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.navigator = navigator
        self.departments: tuple[DepartmentRecord, ...] = ()

        title = QLabel("Docket")
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.date_edit = QDateEdit(qdate(context.core.today()))
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("ddd MM/dd/yyyy")
        self.date_edit.setAccessibleName("Docket date")
        self.department_combo = QComboBox()
        self.department_combo.setAccessibleName("Department")
        self.department_combo.addItem("All departments", None)
        self.department_combo.setMinimumContentsLength(28)
        self.today_button = QPushButton("&Today")
        self.today_button.setAutoDefault(False)
        self.panel = DocketPanel(context)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(buddy_label("&Date:", self.date_edit))
        top.addWidget(self.date_edit)
        top.addWidget(self.today_button)
        top.addSpacing(12)
        top.addWidget(buddy_label("De&partment:", self.department_combo))
        top.addWidget(self.department_combo)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.panel, 1)
        chain_tab_order(
            [
                self.date_edit,
                self.department_combo,
                self.panel.table,
                self.panel.outcome_button,
                self.panel.variant_combo,
                self.panel.print_button,
            ]
        )

        self.watch = ChangeWatch(context.core, parent=self)
        self.watch.changed.connect(lambda _token: self.panel.refresh())
        self.date_edit.dateChanged.connect(lambda _d: self._selection_changed())
        self.department_combo.currentIndexChanged.connect(lambda _i: self._selection_changed())
        self.today_button.clicked.connect(
            lambda: self.date_edit.setDate(qdate(self.context.core.today()))
        )
        self._departments_job: workers.Job | None = workers.run(
            departments.list_departments,
            context.core,
            context.actor,
            on_done=self._departments_loaded,
            on_error=self.panel._failed,
            context=self,
        )

    def _departments_loaded(self, departments: tuple[DepartmentRecord, ...]) -> None:
        self._departments_job = None
        self.departments = departments
        self.department_combo.blockSignals(True)
        for department in departments:
            self.department_combo.addItem(department.label, department.id)
        self.department_combo.blockSignals(False)

    def show_day(self, day: dt.date, department_id: int | None = None) -> None:
        """Show a day's docket (the department must be loaded to be chosen)."""
        self.department_combo.blockSignals(True)
        found = self.department_combo.findData(department_id)
        self.department_combo.setCurrentIndex(max(found, 0))
        self.department_combo.blockSignals(False)
        if pydate(self.date_edit.date()) != day:
            self.date_edit.setDate(qdate(day))  # reloads through dateChanged
        else:
            self._selection_changed()

    def _selection_changed(self) -> None:
        self.panel.show_day(pydate(self.date_edit.date()), self.department_combo.currentData())

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.watch.start()  # its first poll loads the docket

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.watch.stop()


DOCKET_FEATURE = FeaturePage(
    key="docket",
    title="Docket",
    tooltip="The day's hearings per department: outcomes and printed copies",
    allowed=lambda context: context.may(Action.DOCKET_VIEW),
    factory=lambda context, navigator: DocketPage(context, navigator),
    shortcut="Ctrl+K",
)
