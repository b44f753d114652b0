"""A youth's contact restrictions on her record: who may not reach her, how, and until when.

Officers add and edit restrictions; supervisors approve, sign off admission-call blocks and lift
them. The list is a lazy table model over one service call; writes go through the services on a
worker thread and the list reloads after each one.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.permissions import Action
from girlscourt.domain.restriction_rules import BASIS_LABELS
from girlscourt.errors import ConflictError
from girlscourt.services.restrictions import restrictions
from girlscourt.services.restrictions.restrictions import RestrictionRecord
from ui import workers
from ui.context import AppContext
from ui.dialogs.restriction_dialog import STATUS_TEXT, LiftRestrictionDialog, RestrictionDialog
from ui.extensions import Navigator, RecordSection
from ui.formatting import format_date, format_timestamp
from ui.models.batched_list_model import BatchedListModel
from ui.style import MUTED, WARNING_BORDER
from ui.widgets.form_feedback import failure_text
from ui.widgets.message_bar import MessageBar, MessageKind

Index = QModelIndex | QPersistentModelIndex

COL_PERSON, COL_RELATIONSHIP, COL_CHANNELS, COL_UNTIL, COL_REVIEW, COL_STATUS, COL_FLAGS = range(7)
_HEADERS = {
    COL_PERSON: ("Restricted person", "Name (aliases, phones and handles: below the list)"),
    COL_RELATIONSHIP: ("Relationship", "Relationship to the youth"),
    COL_CHANNELS: ("Contact restricted", "Visits, calls, mail, video, social media"),
    COL_UNTIL: ("Until", "Last day it applies"),
    COL_REVIEW: ("Review by", "A supervisor reviews it by then"),
    COL_STATUS: ("Status", "Active, starts later, ended or lifted; approval"),
    COL_FLAGS: ("Also", "Location withheld; admission calls blocked"),
}
SHORT_CHANNELS = {
    "visit": "visit",
    "phone": "phone",
    "mail": "mail",
    "video": "video",
    "social_media": "social media",
}
RecordRole = Qt.ItemDataRole.UserRole
BATCH = 50


def status_text(record: RestrictionRecord) -> str:
    """ "active · awaiting approval"."""
    text = STATUS_TEXT.get(record.status, record.status)
    if record.status in ("active", "scheduled") and not record.approved:
        text += ", awaiting approval"
    return text


def flags_text(record: RestrictionRecord) -> str:
    """The extras, in a few words."""
    flags = []
    if record.data.do_not_disclose_location:
        flags.append("location withheld")
    if record.admission_calls_blocked:
        flags.append("admission calls blocked")
    elif record.data.blocks_admission_calls:
        flags.append("admission block awaiting sign-off")
    return "; ".join(flags)


class RestrictionTableModel(BatchedListModel[RestrictionRecord]):
    """``RestrictionRecord`` rows, revealed ``BATCH`` at a time as the view scrolls."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([_HEADERS[c] for c in range(len(_HEADERS))], BATCH, parent)

    def all_rows(self) -> tuple[RestrictionRecord, ...]:
        """Every row listed."""
        return self.rows()

    def record(self, row: int) -> RestrictionRecord | None:
        """The restriction on ``row``."""
        return self.row_at(row)

    def row_of(self, restriction_id: int) -> int | None:
        """The row showing ``restriction_id`` (revealing rows down to it)."""
        return self.row_where(lambda record: record.id == restriction_id)

    def cell(self, record: RestrictionRecord, column: int, role: int) -> object:
        if role == RecordRole:
            return record
        inactive = record.status in ("ended", "lifted")
        if role == Qt.ItemDataRole.ForegroundRole:
            if inactive:
                return QColor(MUTED)
            if column == COL_STATUS and not record.approved:
                return QColor(WARNING_BORDER)
            return None
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        data = record.data
        values = {
            COL_PERSON: data.person_name,
            COL_RELATIONSHIP: data.relationship_to_youth or "",
            COL_CHANNELS: ", ".join(SHORT_CHANNELS.get(c, c) for c in data.channels),
            COL_UNTIL: format_date(data.ends_on) if data.ends_on else "until lifted",
            COL_REVIEW: format_date(data.review_on),
            COL_STATUS: status_text(record),
            COL_FLAGS: flags_text(record),
        }
        return values[column]


class _RestrictionTable(QTableView):
    """Enter or a double-click opens the restriction."""

    activated_row = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class RestrictionsSection(QWidget):
    """The "Restrictions" tab of a youth's record."""

    loaded = Signal()
    changed = Signal(object)  # RestrictionRecord written here
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
        self.dialog: QWidget | None = None
        self._select_after_load: int | None = None
        self._retry: Callable[[], None] = self.refresh
        self._can_manage = context.may(Action.RESTRICTION_MANAGE)
        self._can_approve = context.may(Action.RESTRICTION_APPROVE)

        heading = QLabel("Contact restrictions")
        heading.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.summary = QLabel("Loading…")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setStyleSheet(f"color: {MUTED};")
        self.add_button = QPushButton("&Add restriction…")
        self.add_button.setVisible(self._can_manage)
        self.message = MessageBar()

        self.model = RestrictionTableModel(self)
        self.table = _RestrictionTable()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Contact restrictions")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setStretchLastSection(True)
        metrics = self.fontMetrics()
        date_width = metrics.horizontalAdvance("00/00/0000") + 18
        widths = {
            COL_PERSON: metrics.horizontalAdvance("M") * 13,
            COL_RELATIONSHIP: metrics.horizontalAdvance("suspected exploiter") + 16,
            COL_CHANNELS: metrics.horizontalAdvance("visit, phone, social media") + 16,
            COL_UNTIL: max(date_width, metrics.horizontalAdvance("until lifted") + 16),
            COL_REVIEW: date_width,
            COL_STATUS: metrics.horizontalAdvance("active, awaiting approval") + 16,
        }
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        self.table.setWordWrap(True)  # a youth has a handful: long cells wrap rather than cut
        row_height = metrics.lineSpacing() + 8
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setMinimumHeight(row_height * 4 + 30)

        self.edit_button = QPushButton("&Edit…")
        self.edit_button.setVisible(self._can_manage)
        self.approve_button = QPushButton("A&pprove")
        self.approve_button.setToolTip(
            "Approve the restriction as it stands (signs off an admission-call block too)"
        )
        self.lift_button = QPushButton("&Lift…")
        self.lift_button.setToolTip("End the restriction now")
        for button in (self.approve_button, self.lift_button):
            button.setVisible(self._can_approve)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAccessibleName("Restriction details")

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addWidget(self.summary, 1)
        top.addWidget(self.add_button)
        actions = QHBoxLayout()
        actions.addWidget(self.edit_button)
        actions.addWidget(self.approve_button)
        actions.addWidget(self.lift_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.detail)

        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.activated_row.connect(self.edit)
        self.table.doubleClicked.connect(lambda _index: self.edit())
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit)
        self.approve_button.clicked.connect(self.approve)
        self.lift_button.clicked.connect(self.lift)
        self.message.action_triggered.connect(self._try_again)
        self._row_changed()

    # -- loading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Load the youth's restrictions (the record page calls this after each load)."""
        current = self.selected()
        if self._select_after_load is None and current is not None:
            self._select_after_load = current.id
        self._retry = self.refresh
        workers.run(
            restrictions.list_restrictions,
            self.context.core,
            self.context.actor,
            self.youth_id,
            on_done=self._listed,
            on_error=self._failed,
            context=self,
        )

    def _listed(self, rows: tuple[RestrictionRecord, ...]) -> None:
        self.model.set_rows(rows)
        active = sum(1 for r in rows if r.status == "active")
        pending = sum(1 for r in rows if r.status in ("active", "scheduled") and not r.approved)
        if not rows:
            self.summary.setText("No contact restriction.")
        else:
            text = f"{active} active"
            if pending:
                text += f" · {pending} awaiting approval"
            others = len(rows) - active
            if others:
                text += f" · {others} other (scheduled, ended or lifted)"
            self.summary.setText(text)
        wanted = self._select_after_load
        self._select_after_load = None
        row = self.model.row_of(wanted) if wanted is not None else None
        if row is None and rows:
            row = 0
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, COL_PERSON))
        self._row_changed()
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        text, retry = failure_text(error, "The restrictions could not be loaded")
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)

    def _try_again(self) -> None:
        self.message.clear()
        self._retry()

    def selected(self) -> RestrictionRecord | None:
        """The restriction on the current row."""
        index = self.table.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def _row_changed(self, *_args: object) -> None:
        record = self.selected()
        open_ = record is not None and record.status != "lifted"
        self.edit_button.setEnabled(self._can_manage and open_)
        self.approve_button.setEnabled(
            self._can_approve and open_ and record is not None and not record.approved
        )
        self.lift_button.setEnabled(self._can_approve and open_)
        self.detail.setText(self.describe(record) if record else "")

    def describe(self, record: RestrictionRecord) -> str:
        """What the desk matches on, and the record's paperwork, in a few lines."""
        data = record.data
        tz = self.context.core.settings.timezone
        lines = [f"Restriction #{record.id} on {data.person_name}"]
        if data.aliases:
            lines.append(f"Also known as: {', '.join(data.aliases)}")
        if data.phones:
            lines.append(f"Phones: {', '.join(data.phones)}")
        if data.handles:
            lines.append(f"Social media: {', '.join(data.handles)}")
        basis = BASIS_LABELS.get(data.basis, data.basis)
        if data.court_order_number:
            basis += f" {data.court_order_number}"
        lines.append(f"Basis: {basis}")
        told = [
            f"{label} {format_date(given)}" if given else f"{label} not yet"
            for label, given in (
                ("youth", data.notices.youth),
                ("restricted person", data.notices.restricted_person),
                ("administrator", data.notices.administrator),
            )
        ]
        lines.append(f"Notice given: {'; '.join(told)}")
        if record.approved:
            lines.append(f"Approved by {record.approver_name}")
        else:
            lines.append("Awaiting a supervisor's approval (it already applies at the desk)")
        if data.blocks_admission_calls:
            state = (
                "blocked (signed off)"
                if record.admission_calls_blocked
                else "block awaiting supervisor sign-off: a match shows REVIEW"
            )
            lines.append(f"Admission calls: {state}. Reason: {data.admission_block_reason}")
        if record.lifted_at is not None:
            lines.append(f"Lifted {format_timestamp(record.lifted_at, tz)}")
        return "\n".join(lines)

    # -- commands -----------------------------------------------------------------------------

    def _keep(self, dialog: QWidget) -> None:
        self.dialog = dialog
        self.dialog_opened.emit(dialog)

    def add(self) -> RestrictionDialog | None:
        """A new restriction for this youth."""
        if not self._can_manage:
            return None
        dialog = RestrictionDialog(self.context, self.youth_id, parent=self)
        dialog.saved.connect(lambda r: self._written(r, f"Restriction #{r.id} saved."))
        dialog.finished.connect(lambda _code: dialog.deleteLater())
        dialog.open()
        self._keep(dialog)
        return dialog

    def edit(self) -> RestrictionDialog | None:
        """Change the selected restriction."""
        record = self.selected()
        if record is None or not self.edit_button.isEnabled():
            return None
        dialog = RestrictionDialog(self.context, self.youth_id, record, parent=self)
        dialog.saved.connect(lambda r: self._written(r, f"Restriction #{r.id} saved."))
        dialog.finished.connect(lambda _code: dialog.deleteLater())
        dialog.open()
        self._keep(dialog)
        return dialog

    def approve(self) -> None:
        """A supervisor approves the selected restriction."""
        record = self.selected()
        if record is None or not self.approve_button.isEnabled():
            return
        self.approve_button.setEnabled(False)
        workers.run(
            restrictions.approve_restriction,
            self.context.core,
            self.context.actor,
            record.id,
            record.version,
            on_done=lambda r: self._written(r, f"Restriction #{r.id} approved."),
            on_error=self._write_failed,
            context=self,
        )

    def lift(self) -> LiftRestrictionDialog | None:
        """A supervisor lifts the selected restriction."""
        record = self.selected()
        if record is None or not self.lift_button.isEnabled():
            return None
        dialog = LiftRestrictionDialog(self.context, record, self)
        dialog.lifted.connect(lambda r: self._written(r, f"Restriction #{r.id} lifted."))
        dialog.finished.connect(lambda _code: dialog.deleteLater())
        dialog.open()
        self._keep(dialog)
        return dialog

    def _written(self, record: RestrictionRecord, text: str) -> None:
        self.message.show_message(text, MessageKind.INFO)
        self._select_after_load = record.id
        self.changed.emit(record)
        self.refresh()

    def _write_failed(self, error: BaseException) -> None:
        self._row_changed()
        if isinstance(error, ConflictError):
            self.message.show_message(
                "Not saved: someone else changed this restriction meanwhile; nothing was "
                "overwritten. The list now shows it as saved.",
                MessageKind.WARNING,
            )
            self.refresh()
            return
        text, _retry = failure_text(error, "Not saved")
        self.message.show_message(text, MessageKind.ERROR)


RESTRICTIONS_SECTION = RecordSection(
    key="restrictions",
    title="Res&trictions",
    allowed=lambda context: (
        context.may(Action.YOUTH_VIEW)
        and (context.may(Action.RESTRICTION_MANAGE) or context.may(Action.RESTRICTION_CHECK))
    ),
    factory=lambda context, youth_id, navigator: RestrictionsSection(context, youth_id, navigator),
)
