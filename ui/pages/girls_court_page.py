"""The Girls Court roster: each girl referred or active, her status and next hearing, and the
clerk's actions on her assignment (refer, accept, complete or exit, schedule a hearing)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.permissions import Action
from girlscourt.services.court import assignments
from girlscourt.services.court.assignments import ACTIVE, REFERRED, AssignmentRecord, RosterRow
from girlscourt.services.court.hearing_records import HearingRecord
from ui import workers
from ui.context import AppContext
from ui.dialogs.assignment_dialog import AssignmentDialog, Step
from ui.dialogs.hearing_dialog import HearingDialog
from ui.extensions import FeaturePage, Navigator
from ui.keyboard import chain_tab_order
from ui.models.roster_table_model import (
    COL_DEPT,
    COL_DOCKET_NAME,
    COL_NAME,
    COL_NEXT,
    COL_PO,
    COL_SINCE,
    COL_STATUS,
    COL_TYPE,
    RosterTableModel,
    RowRole,
    YouthIdRole,
    full_name,
)
from ui.style import MUTED
from ui.widgets.change_watch import ChangeWatch
from ui.widgets.form_feedback import failure_text
from ui.widgets.message_bar import MessageBar, MessageKind
from ui.widgets.row_table import RowTable


class RosterView(RowTable):
    """The roster table; Enter or a double-click opens the girl's record."""

    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)

    def set_column_widths(self) -> None:
        """Fixed widths from the font (after the model is set); the name column stretches."""
        metrics = self.fontMetrics()
        widths = {
            COL_DOCKET_NAME: metrics.horizontalAdvance("On the docket") + 24,
            COL_STATUS: metrics.horizontalAdvance("Completed") + 24,
            COL_SINCE: metrics.horizontalAdvance("00/00/0000") + 24,
            COL_NEXT: metrics.horizontalAdvance("Wed 00/00/0000 00:00") + 24,
            COL_TYPE: metrics.horizontalAdvance("Type 241.1") + 12,
            COL_DEPT: metrics.horizontalAdvance("Dept") + 24,
            COL_PO: metrics.horizontalAdvance("Probation officer") + 24,
        }
        for column, width in widths.items():
            self.setColumnWidth(column, width)
        self.horizontalHeader().setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)

    def activate(self, index: QModelIndex) -> None:
        youth_id = index.data(YouthIdRole)
        if youth_id is not None:
            self.open_requested.emit(int(youth_id))


class GirlsCourtPage(QWidget):
    """ "Girls Court" (Ctrl+G): the roster and the assignment steps."""

    loaded = Signal()
    dialog_opened = Signal(object)  # AssignmentDialog or HearingDialog
    changed = Signal(object)  # AssignmentRecord or HearingRecord written here

    def __init__(
        self,
        context: AppContext,
        navigator: Navigator | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.navigator = navigator
        self.dialog: QDialog | None = None
        self._job: workers.Job | None = None
        self._can_assign = context.may(Action.GIRLS_COURT_ASSIGN)
        self._can_schedule = context.may(Action.HEARING_SCHEDULE)

        title = QLabel("Girls Court")
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        intro = QLabel(
            "Girls referred to or active on the Girls Court docket, each with her next hearing. "
            "Enter opens her record."
        )
        intro.setWordWrap(True)
        intro.setStyleSheet(f"color: {MUTED};")
        self.summary = QLabel("Loading the roster…")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setStyleSheet(f"color: {MUTED};")
        self.message = MessageBar()
        self.model = RosterTableModel(context.core.settings.timezone, self)
        self.table = RosterView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Girls Court roster")
        self.table.set_column_widths()

        self.refer_button = QPushButton("&Refer a youth…")
        self.accept_button = QPushButton("&Accept…")
        self.accept_button.setToolTip("Accept the selected referral and name her team")
        self.close_button = QPushButton("Complete or e&xit…")
        self.close_button.setToolTip("Close the selected girl's assignment")
        self.schedule_button = QPushButton("&Schedule hearing…")
        self.open_button = QPushButton("&Open record")
        for button in (self.refer_button, self.accept_button, self.close_button):
            button.setVisible(self._can_assign)
        self.schedule_button.setVisible(self._can_schedule)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addWidget(self.summary, 1)
        top.addWidget(self.refer_button)
        actions = QHBoxLayout()
        actions.addWidget(self.accept_button)
        actions.addWidget(self.close_button)
        actions.addWidget(self.schedule_button)
        actions.addStretch(1)
        actions.addWidget(self.open_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        chain_tab_order(
            [
                self.table,
                self.accept_button,
                self.close_button,
                self.schedule_button,
                self.open_button,
                self.refer_button,
            ]
        )

        self.watch = ChangeWatch(context.core, parent=self)
        self.watch.changed.connect(lambda _token: self.refresh())
        self.refer_button.clicked.connect(lambda: self.refer())
        self.accept_button.clicked.connect(lambda: self.accept_selected())
        self.close_button.clicked.connect(lambda: self.close_selected())
        self.schedule_button.clicked.connect(lambda: self.schedule_hearing())
        self.open_button.clicked.connect(self._open_selected)
        self.table.open_requested.connect(self._open)
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._update_buttons())
        self.message.action_triggered.connect(self.refresh)
        self._update_buttons()

    # -- loading ------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.watch.start()  # the first poll loads the roster

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.watch.stop()

    def refresh(self) -> None:
        """Reload the roster (a load still running is dropped)."""
        if self._job is not None:
            self._job.cancel()
        self._job = workers.run(
            assignments.girls_court_roster,
            self.context.core,
            self.context.actor,
            on_done=self._show,
            on_error=self._failed,
            context=self,
        )

    def _show(self, rows: tuple[RosterRow, ...]) -> None:
        self._job = None
        selected = self.selected()
        self.model.set_rows(rows)
        self.message.clear()
        active = sum(1 for r in rows if r.status == ACTIVE)
        referred = sum(1 for r in rows if r.status == REFERRED)
        self.summary.setText(
            f"{active} active · {referred} referred" if rows else "Nobody is on the roster."
        )
        number = self.model.row_of_youth(selected.youth_id) if selected else None
        if number is None and rows:
            number = 0
        if number is not None:
            self.table.selectRow(number)
        self._update_buttons()
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        self._job = None
        text, retry = failure_text(error, "The roster could not be loaded")
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)
        self.loaded.emit()

    # -- actions ------------------------------------------------------------------------------

    def selected(self) -> RosterRow | None:
        """The girl selected on the roster."""
        index = self.table.currentIndex()
        row = index.data(RowRole) if index.isValid() else None
        return row if isinstance(row, RosterRow) else None

    def _update_buttons(self) -> None:
        row = self.selected()
        self.accept_button.setEnabled(row is not None and row.status == REFERRED)
        self.close_button.setEnabled(row is not None)
        self.schedule_button.setEnabled(row is not None)
        self.open_button.setEnabled(row is not None)

    def _show_dialog(self, dialog: QDialog) -> None:
        dialog.finished.connect(lambda _code: dialog.deleteLater())
        self.dialog = dialog
        dialog.open()
        self.dialog_opened.emit(dialog)

    def refer(self) -> AssignmentDialog:
        """Refer a youth (found by name) to Girls Court."""
        dialog = AssignmentDialog(self.context, Step.REFER, parent=self)
        dialog.saved.connect(self._assignment_saved)
        self._show_dialog(dialog)
        return dialog

    def accept_selected(self) -> AssignmentDialog | None:
        """Accept the selected referral."""
        row = self.selected()
        if row is None:
            return None
        dialog = AssignmentDialog(
            self.context, Step.ACCEPT, youth_id=row.youth_id, youth_label=full_name(row),
            assignment_id=row.assignment_id, version=row.version, parent=self,
        )  # fmt: skip
        dialog.saved.connect(self._assignment_saved)
        self._show_dialog(dialog)
        return dialog

    def close_selected(self) -> AssignmentDialog | None:
        """Complete or exit the selected assignment."""
        row = self.selected()
        if row is None:
            return None
        dialog = AssignmentDialog(
            self.context, Step.CLOSE, youth_id=row.youth_id, youth_label=full_name(row),
            assignment_id=row.assignment_id, version=row.version, parent=self,
        )  # fmt: skip
        dialog.saved.connect(self._assignment_saved)
        self._show_dialog(dialog)
        return dialog

    def schedule_hearing(self) -> HearingDialog | None:
        """Schedule a hearing for the selected girl (Girls Court's department preset)."""
        row = self.selected()
        if row is None:
            return None
        dialog = HearingDialog(self.context, row.youth_id, full_name(row), parent=self)
        dialog.scheduled.connect(self._hearing_scheduled)
        self._show_dialog(dialog)
        return dialog

    def _assignment_saved(self, record: AssignmentRecord) -> None:
        words = {"referred": "Referred", "active": "Accepted", "completed": "Completed"}
        self.message.show_message(
            f"{words.get(record.status, 'Exited')}: the roster is updated.", MessageKind.INFO
        )
        self.changed.emit(record)
        self.refresh()

    def _hearing_scheduled(self, hearing: HearingRecord) -> None:
        when = hearing.scheduled_at
        self.message.show_message(
            f"Scheduled: {hearing.hearing_label}, {when:%a %m/%d/%Y %H:%M}, "
            f"Dept {hearing.department_code}.",
            MessageKind.INFO,
        )
        self.changed.emit(hearing)
        self.refresh()

    def _open_selected(self) -> None:
        row = self.selected()
        if row is not None:
            self._open(row.youth_id)

    def _open(self, youth_id: int) -> None:
        if self.navigator is not None:
            self.navigator.open_youth(youth_id)


GIRLS_COURT_FEATURE = FeaturePage(
    key="girls-court",
    title="Girls Court",
    tooltip="The Girls Court roster: referrals, active girls, next hearings",
    allowed=lambda context: context.may(Action.DOCKET_VIEW),
    factory=lambda context, navigator: GirlsCourtPage(context, navigator),
    shortcut="Ctrl+G",
)
