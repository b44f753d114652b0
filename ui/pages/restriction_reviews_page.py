"""Restriction reviews: what supervisors and intake officers must act on, and unit lists.

One list of every contact restriction that needs someone: a review due (or overdue), a
restriction ending soon, one awaiting a supervisor's approval, a Title 15 notice still owed.
Enter or a double-click opens the youth's record, where the restriction is edited. Below it,
a housing unit's printed no-contact list for the unit staff (youth by initials), previewed first;
every copy is audited under its document id.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.permissions import Action
from girlscourt.services.court.docket_printing import PrintedDocument
from girlscourt.services.restrictions import restriction_lists, restriction_printing
from girlscourt.services.restrictions.restriction_lists import Reminder, Reminders
from ui import workers
from ui.context import AppContext
from ui.dialogs.pdf_preview_dialog import PdfPreviewDialog, open_preview
from ui.extensions import FeaturePage, Navigator
from ui.formatting import format_date
from ui.models.batched_list_model import BatchedListModel
from ui.style import ERROR_BG, MUTED, WARNING_BG
from ui.widgets.form_feedback import failure_text
from ui.widgets.message_bar import MessageBar, MessageKind
from ui.widgets.row_table import RowTable

NEEDS = {
    "review": "Review due",
    "ending": "Ends",
    "approval": "Supervisor approval",
    "notice": "Title 15 notice owed",
}


@dataclass(frozen=True)
class ReviewRow:
    """One thing to do about one restriction."""

    need: str
    reminder: Reminder


def review_rows(found: Reminders) -> list[ReviewRow]:
    """Every reminder as one row, soonest (most overdue) first."""
    rows = [ReviewRow("review", r) for r in found.reviews_due]
    rows += [ReviewRow("ending", r) for r in found.expiring]
    rows += [ReviewRow("approval", r) for r in found.pending_approval]
    rows += [ReviewRow("notice", r) for r in found.notices_missing]
    rows.sort(key=lambda row: (row.reminder.due_on, row.reminder.restriction_id, row.need))
    return rows


def when_text(reminder: Reminder) -> str:
    """ "3 days overdue", "today", "in 5 days"."""
    days = reminder.days_left
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} overdue"
    if days == 0:
        return "today"
    return f"in {days} day{'s' if days != 1 else ''}"


HEADERS = (
    ("Needs", None),
    ("Youth", "Initials; the record opens with Enter"),
    ("Restricted person", None),
    ("Due", None),
    ("When", None),
    ("In custody", "The youth is detained now: the desk checks against this restriction"),
)


class ReviewsModel(BatchedListModel[ReviewRow]):
    """The reminders; overdue rows red, due within a week amber."""

    def __init__(self) -> None:
        super().__init__(HEADERS, batch=200)

    def cell(self, row: ReviewRow, column: int, role: int) -> object:
        reminder = row.reminder
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                NEEDS[row.need],
                reminder.youth_initials,
                reminder.person_name,
                format_date(reminder.due_on),
                when_text(reminder),
                "yes" if reminder.in_custody else "",
            )
            return values[column]
        if role == Qt.ItemDataRole.BackgroundRole:
            if reminder.days_left < 0:
                return QColor(ERROR_BG)
            if reminder.days_left <= 7:
                return QColor(WARNING_BG)
        return None


class ReviewsTable(RowTable):
    """Enter or a double-click opens the selected youth's record."""

    open_requested = Signal(int)

    def activate(self, index: QModelIndex) -> None:
        model = self.model()
        if isinstance(model, ReviewsModel):
            row = model.row_at(index.row())
            if row is not None:
                self.open_requested.emit(row.reminder.youth_id)


class RestrictionReviewsPage(QWidget):
    """Reminders to act on, and the unit list to print."""

    loaded = Signal()
    preview_opened = Signal(object)  # PdfPreviewDialog

    def __init__(
        self, context: AppContext, navigator: Navigator | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.navigator = navigator
        self.preview: PdfPreviewDialog | None = None
        self.model = ReviewsModel()
        self.table = ReviewsTable()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Restrictions needing action")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.open_requested.connect(self._open_youth)

        self.within = QSpinBox()
        self.within.setRange(0, 366)
        self.within.setValue(restriction_lists.REMINDER_DAYS_DEFAULT)
        self.within.setSuffix(" days")
        self.within.setAccessibleName("Look ahead")
        self.within.valueChanged.connect(lambda _value: self.refresh())
        ahead = QLabel("&Look ahead")
        ahead.setBuddy(self.within)
        self.count = QLabel()
        self.count.setStyleSheet(f"color: {MUTED};")
        self.message = MessageBar()
        self.message.action_triggered.connect(self.refresh)

        self.unit = QComboBox()
        self.unit.setAccessibleName("Housing unit")
        self.unit.setMinimumWidth(140)
        unit_label = QLabel("Housing &unit")
        unit_label.setBuddy(self.unit)
        self.print_button = QPushButton("&Print the unit's no-contact list…")
        self.print_button.setToolTip("Youth by initials; preview first; every copy is audited")
        self.print_button.clicked.connect(self.print_unit_list)
        can_print = context.may(Action.RESTRICTION_CHECK) and context.may(Action.PRINT)
        for widget in (unit_label, self.unit, self.print_button):
            widget.setVisible(can_print)

        title = QLabel("Restriction reviews")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(ahead)
        top.addWidget(self.within)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        bottom.addWidget(unit_label)
        bottom.addWidget(self.unit)
        bottom.addWidget(self.print_button)
        column = QVBoxLayout(self)
        column.addLayout(top)
        column.addWidget(self.message)
        column.addWidget(self.table, 1)
        column.addLayout(bottom)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.refresh()  # reminders move with the date: read each time the page is shown

    # -- the reminders ------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the reminders (and the units in use) on a worker thread."""
        workers.run(
            _load,
            self.context,
            self.within.value(),
            on_done=self._show,
            on_error=self._failed,
            context=self,
        )

    def _show(self, result: tuple[Reminders, tuple[str, ...]]) -> None:
        found, units = result
        self.message.clear()
        rows = review_rows(found)
        self.model.set_rows(rows)
        overdue = sum(1 for row in rows if row.reminder.days_left < 0)
        self.count.setText(
            f"{len(rows)} to act on as of {format_date(found.as_of)}"
            + (f", {overdue} overdue" if overdue else "")
        )
        chosen = self.unit.currentText()
        self.unit.clear()
        self.unit.addItems(list(units))
        if chosen and (index := self.unit.findText(chosen)) >= 0:
            self.unit.setCurrentIndex(index)
        self.print_button.setEnabled(bool(units))
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        text, retry = failure_text(error, "The reminders could not be loaded")
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)

    def _open_youth(self, youth_id: int) -> None:
        if self.navigator is not None:
            self.navigator.open_youth(youth_id)

    # -- the unit list ------------------------------------------------------------------------

    def print_unit_list(self) -> None:
        """Render the chosen unit's list and show it in the preview."""
        unit = self.unit.currentText()
        if not unit:
            return
        self.print_button.setEnabled(False)
        workers.run(
            restriction_printing.print_unit_list,
            self.context.core,
            self.context.actor,
            unit,
            on_done=lambda printed: self._show_list(unit, printed),
            on_error=self._print_failed,
            context=self,
        )

    def _show_list(self, unit: str, printed: PrintedDocument) -> None:
        self.print_button.setEnabled(True)
        core, actor, document_id = self.context.core, self.context.actor, printed.document_id

        def record_output(how: str) -> None:  # each further copy is audited under the same id
            restriction_printing.record_unit_list_output(core, actor, document_id, how)

        stamp = core.today().isoformat()
        self.preview = open_preview(
            self,
            f"No-contact list, unit {unit} ({printed.rows} restrictions)",
            document_id,
            printed.pdf,
            f"no-contact-{unit}-{stamp}-{document_id}.pdf",
            record_output,
        )
        self.preview_opened.emit(self.preview)

    def _print_failed(self, error: BaseException) -> None:
        self.print_button.setEnabled(True)
        text, _retry = failure_text(error, "The unit list could not be printed")
        self.message.show_message(text, MessageKind.ERROR)


def _load(context: AppContext, within: int) -> tuple[Reminders, tuple[str, ...]]:
    """Runs on a worker thread: the reminders, and the units to print a list for."""
    found = restriction_lists.reminders(context.core, context.actor, within)
    units: tuple[str, ...] = ()
    if context.may(Action.RESTRICTION_CHECK):
        units = restriction_lists.housing_units(context.core, context.actor)
    return found, units


REVIEWS_FEATURE = FeaturePage(
    key="restriction-reviews",
    title="Restriction reviews",
    tooltip="Contact restrictions due for review, ending, awaiting approval or owing a notice",
    allowed=lambda context: context.may(Action.RESTRICTION_MANAGE),
    factory=lambda context, navigator: RestrictionReviewsPage(context, navigator),
)
