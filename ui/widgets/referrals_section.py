"""A youth's referrals on her record: where each one stands, what is overdue, and the next step.

The list comes from one service call and is shown through a lazy table model; the selected
referral's details, history and allowed moves are fetched (an audited view) off the GUI thread.
Sending, moving, editing and printing all go through the services, and a refusal is shown
inline, in the officer's words, with what to do about it.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QKeyEvent
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
from girlscourt.domain.referral_rules import EDITABLE, Status
from girlscourt.errors import ConflictError, RuleRefused
from girlscourt.services.referrals import referral_printing, referrals
from girlscourt.services.referrals.referral_printing import PrintedDocument
from girlscourt.services.referrals.referral_records import ReferralRecord, ReferralSummary
from ui import workers
from ui.context import AppContext
from ui.dialogs.consent_dialog import ConsentListDialog
from ui.dialogs.pdf_preview_dialog import open_preview
from ui.dialogs.referral_dialog import MoveReferralDialog, ReferralDialog, refusal_text
from ui.extensions import Navigator, RecordSection
from ui.formatting import format_timestamp
from ui.models.batched_list_model import BatchedListModel
from ui.style import ERROR, MUTED
from ui.widgets.form_feedback import failure_text
from ui.widgets.message_bar import MessageBar, MessageKind

Index = QModelIndex | QPersistentModelIndex

COL_ID, COL_TYPE, COL_AGENCY, COL_STATUS, COL_URGENCY, COL_DUE, COL_OVERDUE = range(7)
_HEADERS = {
    COL_ID: ("#", "Referral number"),
    COL_TYPE: ("Type", "What the youth is referred for"),
    COL_AGENCY: ("Receiving agency", "Sent through the agency's designated point-person"),
    COL_STATUS: ("Status", "Where the referral is in its lifecycle"),
    COL_URGENCY: ("Urgency", "How soon the agency must make first contact"),
    COL_DUE: ("Due by", "First contact with the youth is due by then"),
    COL_OVERDUE: ("", "Overdue: past due-by with no first contact yet"),
}
SummaryRole = Qt.ItemDataRole.UserRole
ReferralIdRole = Qt.ItemDataRole.UserRole + 1
BATCH = 50
DETAIL_DELAY_MS = 120  # arrowing through the list fetches only the row it stops on


class ReferralTableModel(BatchedListModel[ReferralSummary]):
    """``ReferralSummary`` rows, revealed ``BATCH`` at a time as the view scrolls."""

    def __init__(self, tz: ZoneInfo, parent: QObject | None = None) -> None:
        super().__init__([_HEADERS[c] for c in range(len(_HEADERS))], BATCH, parent)
        self._tz = tz

    @property
    def overdue(self) -> int:
        """How many are overdue."""
        return sum(1 for r in self.rows() if r.overdue)

    def summary(self, row: int) -> ReferralSummary | None:
        """The referral on ``row``."""
        return self.row_at(row)

    def row_of(self, referral_id: int) -> int | None:
        """The row showing ``referral_id`` (revealing rows down to it)."""
        return self.row_where(lambda summary: summary.id == referral_id)

    def cell(self, summary: ReferralSummary, column: int, role: int) -> object:
        if role == SummaryRole:
            return summary
        if role == ReferralIdRole:
            return summary.id
        if role == Qt.ItemDataRole.ForegroundRole and summary.overdue:
            return QColor(ERROR) if column in (COL_DUE, COL_OVERDUE) else None
        if role == Qt.ItemDataRole.FontRole and column == COL_OVERDUE:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_OVERDUE:
                return "Past due-by and no first contact yet" if summary.overdue else None
            return self.cell(summary, column, Qt.ItemDataRole.DisplayRole)  # a cut cell in full
        if role == Qt.ItemDataRole.AccessibleTextRole and column == COL_OVERDUE:
            return "overdue" if summary.overdue else "on time"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        values = {
            COL_ID: str(summary.id),
            COL_TYPE: summary.type_label,
            COL_AGENCY: summary.agency_name,
            COL_STATUS: summary.status_label,
            COL_URGENCY: summary.urgency_label,
            COL_DUE: format_timestamp(summary.due_at, self._tz),
            COL_OVERDUE: "OVERDUE" if summary.overdue else "",
        }
        return values[column]


class _ReferralTable(QTableView):
    """Enter or a double-click opens the referral's next step."""

    activated_row = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activated_row.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class ReferralsSection(QWidget):
    """The "Referrals" tab of a youth's record."""

    loaded = Signal()  # the list is shown
    detail_loaded = Signal(object)  # ReferralRecord (the selected referral)
    changed = Signal(object)  # ReferralRecord written here
    dialog_opened = Signal(object)  # a dialog this section opened
    preview_opened = Signal(object)  # PdfPreviewDialog

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
        self.current: ReferralRecord | None = None
        self.dialog: QWidget | None = None
        self._detail_job: workers.Job | None = None
        self._select_after_load: int | None = None
        self._retry: Callable[[], None] = self.refresh
        self._can_manage = context.may(Action.REFERRAL_MANAGE)
        tz = context.core.settings.timezone

        heading = QLabel("Referrals")
        heading.setStyleSheet("font-size: 12pt; font-weight: bold;")
        self.summary = QLabel("Loading…")
        self.summary.setStyleSheet(f"color: {MUTED};")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.new_button = QPushButton("&New referral…")
        self.new_button.setVisible(self._can_manage)
        self.consents_button = QPushButton("Co&nsents…")
        self.consents_button.setToolTip("The youth's signed consents: record or revoke one")
        self.message = MessageBar()

        self.model = ReferralTableModel(tz, self)
        self.table = _ReferralTable()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Referrals")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(COL_AGENCY, QHeaderView.ResizeMode.Stretch)
        metrics = self.fontMetrics()
        widths = {
            COL_ID: metrics.horizontalAdvance("0000") + 16,
            COL_TYPE: metrics.horizontalAdvance("M") * 14,
            COL_STATUS: metrics.horizontalAdvance("unable to reach") + 20,
            COL_URGENCY: metrics.horizontalAdvance("Urgent – within 24 hours") + 16,
            COL_DUE: metrics.horizontalAdvance("00/00/0000 00:00 PM PST") + 16,
            COL_OVERDUE: metrics.horizontalAdvance("OVERDUE") + 20,
        }
        for column, width in widths.items():
            self.table.setColumnWidth(column, width)
        row_height = metrics.lineSpacing() + 8
        self.table.verticalHeader().setDefaultSectionSize(row_height)
        self.table.setMinimumHeight(row_height * 5 + 30)

        self.send_button = QPushButton("&Send")
        self.send_button.setToolTip("Mark the referral sent (it needs a valid signed consent)")
        self.move_button = QPushButton("&Move to…")
        self.move_button.setToolTip("The next step: acknowledged, first contact, closed…")
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.setToolTip("Change a referral that has not been sent yet")
        self.preview_button = QPushButton("&Preview form…")
        self.preview_button.setToolTip("The printed referral form, to print or save as PDF")
        for button in (self.send_button, self.move_button, self.edit_button):
            button.setVisible(self._can_manage)
        self.preview_button.setVisible(context.may(Action.PRINT))

        self.detail = QLabel("Select a referral to see its details and history.")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail.setAccessibleName("Referral details")

        top = QHBoxLayout()
        top.addWidget(heading)
        top.addWidget(self.summary, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.consents_button)
        actions = QHBoxLayout()
        actions.addWidget(self.send_button)
        actions.addWidget(self.move_button)
        actions.addWidget(self.edit_button)
        actions.addStretch(1)
        actions.addWidget(self.preview_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(self.detail)

        self._detail_timer = QTimer(self)
        self._detail_timer.setSingleShot(True)
        self._detail_timer.setInterval(DETAIL_DELAY_MS)
        self._detail_timer.timeout.connect(self._load_detail)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.activated_row.connect(self._open_next_step)
        self.table.doubleClicked.connect(lambda _index: self._open_next_step())
        self.new_button.clicked.connect(self.new_referral)
        self.consents_button.clicked.connect(self.show_consents)
        self.send_button.clicked.connect(self.send)
        self.move_button.clicked.connect(lambda: self.move_to())
        self.edit_button.clicked.connect(self.edit)
        self.preview_button.clicked.connect(self.preview)
        self.message.action_triggered.connect(self._try_again)
        self._update_buttons()

    # -- loading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Load the youth's referrals (the record page calls this after each load)."""
        if self._select_after_load is None and self.current is not None:
            self._select_after_load = self.current.id
        self._retry = self.refresh
        workers.run(
            referrals.list_referrals,
            self.context.core,
            self.context.actor,
            self.youth_id,
            on_done=self._listed,
            on_error=self._list_failed,
            context=self,
        )

    def _listed(self, rows: tuple[ReferralSummary, ...]) -> None:
        self.model.set_rows(rows)
        overdue = self.model.overdue
        if not rows:
            text = "No referral yet."
        else:
            noun = "referral" if len(rows) == 1 else "referrals"
            text = f"{len(rows)} {noun}" + (f" · {overdue} overdue" if overdue else "")
        self.summary.setText(text)
        self.summary.setStyleSheet(f"color: {ERROR if overdue else MUTED};")
        wanted = self._select_after_load
        self._select_after_load = None
        row = self.model.row_of(wanted) if wanted is not None else None
        if row is None and rows:
            row = 0
        if row is not None:
            self.table.setCurrentIndex(self.model.index(row, COL_ID))
        else:
            self.current = None
            self.detail.setText("")
            self._update_buttons()
        self.loaded.emit()

    def _list_failed(self, error: BaseException) -> None:
        text, retry = failure_text(error, "The referrals could not be loaded")
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)

    def selected_id(self) -> int | None:
        """The referral on the current row."""
        index = self.table.currentIndex()
        summary = self.model.summary(index.row()) if index.isValid() else None
        return summary.id if summary else None

    def _row_changed(self, *_args: object) -> None:
        selected = self.selected_id()
        if self.current is not None and self.current.id == selected:
            return
        self.current = None
        self._update_buttons()
        self._detail_timer.start()

    def _load_detail(self) -> None:
        referral_id = self.selected_id()
        if referral_id is None:
            return
        if self._detail_job is not None:
            self._detail_job.cancel()
        self._detail_job = workers.run(
            referrals.get_referral,
            self.context.core,
            self.context.actor,
            referral_id,
            on_done=self._show_detail,
            on_error=self._list_failed,
            context=self,
        )

    def _show_detail(self, record: ReferralRecord) -> None:
        self._detail_job = None
        if record.id != self.selected_id():
            return
        self.current = record
        self.detail.setText(self.describe(record))
        self._update_buttons()
        self.detail_loaded.emit(record)

    def describe(self, record: ReferralRecord) -> str:
        """The referral in a few lines: who, why, when due, on what consent, and its history."""
        tz = self.context.core.settings.timezone
        rep = f" – {record.representative_name}" if record.representative_name else ""
        lines = [f"Referral #{record.id} · {record.type_label} · {record.agency_name}{rep}"]
        reasons = "; ".join(record.reason_labels)
        lines.append(f"Reasons: {reasons}")
        if record.reason_text:
            text = record.reason_text
            lines.append(f"Narrative: {text[:300]}{'…' if len(text) > 300 else ''}")
        due = format_timestamp(record.due_at, tz)
        overdue = " · OVERDUE: no first contact yet" if record.overdue else ""
        lines.append(f"{record.urgency_label} · first contact due by {due}{overdue}")
        if record.consent_id is not None:
            lines.append(f"Consent: #{record.consent_id} attached")
        elif record.lawful_exception_label:
            lines.append(f"Sent without consent: {record.lawful_exception_label}")
        elif Status(record.status) in EDITABLE:
            lines.append(
                "Consent: none attached yet. Sending needs a valid signed consent or a recorded "
                "lawful exception."
            )
        if record.closed_reason_label:
            lines.append(f"Reason {record.status_label}: {record.closed_reason_label}")
        history = []
        for event in record.events:
            when = format_timestamp(event.at, tz)
            what = (
                f"→ {event.to_status.replace('_', ' ')}"
                if event.is_transition
                else (event.note or "note")
            )
            note = f" ({event.note})" if event.is_transition and event.note else ""
            history.append(f"  {when}  {what}{note} – {event.actor_name}")
        lines.append("History:")
        lines.extend(history[-8:])
        if len(history) > 8:
            lines.insert(len(lines) - 8, f"  … {len(history) - 8} earlier steps")
        return "\n".join(lines)

    def _update_buttons(self) -> None:
        record = self.current
        manage = self._can_manage and record is not None
        nexts = record.next_statuses if record else ()
        self.send_button.setEnabled(manage and Status.SENT.value in nexts)
        self.move_button.setEnabled(manage and bool(nexts))
        self.edit_button.setEnabled(
            manage and record is not None and Status(record.status) in EDITABLE
        )
        self.preview_button.setEnabled(record is not None)

    # -- commands -----------------------------------------------------------------------------

    def _keep(self, dialog: QWidget) -> None:
        self.dialog = dialog
        self.dialog_opened.emit(dialog)

    def new_referral(self) -> ReferralDialog | None:
        """Open the referral form for a new draft."""
        if not self._can_manage:
            return None
        dialog = ReferralDialog(self.context, self.youth_id, parent=self)
        dialog.saved.connect(lambda r: self._written(r, f"Referral #{r.id} saved as a draft."))
        dialog.finished.connect(lambda _code: dialog.deleteLater())
        dialog.open()
        self._keep(dialog)
        return dialog

    def edit(self) -> ReferralDialog | None:
        """Edit the selected referral (only before it is sent)."""
        record = self.current
        if record is None or not self.edit_button.isEnabled():
            return None
        dialog = ReferralDialog(self.context, self.youth_id, record, parent=self)
        dialog.saved.connect(lambda r: self._written(r, f"Referral #{r.id} saved."))
        dialog.finished.connect(lambda _code: dialog.deleteLater())
        dialog.open()
        self._keep(dialog)
        return dialog

    def move_to(self, target: str | None = None) -> MoveReferralDialog | None:
        """Choose the referral's next status."""
        record = self.current
        if record is None or not self._can_manage:
            return None
        dialog = MoveReferralDialog(self.context, record, self, target=target)
        dialog.moved.connect(
            lambda r: self._written(r, f"Referral #{r.id} is now {r.status_label}.")
        )
        dialog.finished.connect(lambda _code: self._move_closed(dialog))
        dialog.open()
        self._keep(dialog)
        return dialog

    def _move_closed(self, dialog: MoveReferralDialog) -> None:
        if dialog.result_record is None:
            self.refresh()  # the move may have failed because the referral changed meanwhile
        dialog.deleteLater()

    def _open_next_step(self) -> None:
        if self.edit_button.isEnabled():
            self.edit()
        elif self.move_button.isEnabled():
            self.move_to()

    def send(self) -> None:
        """Send the selected referral now; the service refuses it without a valid consent."""
        record = self.current
        if record is None or not self._can_manage:
            return
        self.message.clear()
        self.send_button.setEnabled(False)
        workers.run(
            referrals.send_referral,
            self.context.core,
            self.context.actor,
            record.id,
            expected_version=record.version,
            on_done=lambda r: self._written(r, f"Referral #{r.id} sent to {r.agency_name}."),
            on_error=lambda error: self._send_failed(error, record),
            context=self,
        )

    def _send_failed(self, error: BaseException, record: ReferralRecord) -> None:
        self._update_buttons()
        if isinstance(error, RuleRefused):
            hint = ""
            if "consent" in str(error):
                hint = (
                    " Attach a valid signed consent that names this agency (Edit…, where a new "
                    "consent can be recorded), or send under a lawful exception (Move to…)."
                )
            reason = str(error).split("cannot be sent: ", 1)[-1]
            self.message.show_message(
                f"Referral #{record.id} was not sent: {reason}.{hint}", MessageKind.ERROR
            )
            return
        self._write_failed(error, "Not sent")

    def _write_failed(self, error: BaseException, what: str) -> None:
        if isinstance(error, ConflictError):
            self.message.show_message(
                f"{what}: someone else changed this referral after it was shown; nothing was "
                "overwritten. The list now shows it as saved.",
                MessageKind.WARNING,
            )
            self.current = None
            self.refresh()
            return
        if isinstance(error, RuleRefused):
            self.message.show_message(f"{what}. {refusal_text(error)}", MessageKind.ERROR)
            return
        text, retry = failure_text(error, what)
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)

    def _written(self, record: ReferralRecord, text: str) -> None:
        self.message.show_message(text, MessageKind.INFO)
        self.current = record
        self.detail.setText(self.describe(record))
        self._select_after_load = record.id
        self._update_buttons()
        self.changed.emit(record)
        self.refresh()

    def show_consents(self) -> ConsentListDialog:
        """The youth's consents."""
        dialog = ConsentListDialog(self.context, self.youth_id, self)
        dialog.finished.connect(lambda _code: dialog.deleteLater())
        dialog.revoked.connect(lambda _r: self.refresh())
        dialog.open()
        self._keep(dialog)
        return dialog

    def preview(self) -> None:
        """Render the referral form (an audited print) and show it for printing or saving."""
        record = self.current
        if record is None:
            return
        copy = "provider" if self._can_manage else "file"
        self._retry = self.preview
        self.preview_button.setEnabled(False)
        self.message.show_message("Preparing the referral form…", MessageKind.INFO)
        workers.run(
            referral_printing.print_referral,
            self.context.core,
            self.context.actor,
            record.id,
            copy=copy,
            on_done=lambda doc: self._show_preview(record, doc),
            on_error=self._preview_failed,
            context=self,
        )

    def _show_preview(self, record: ReferralRecord, printed: PrintedDocument) -> None:
        self._update_buttons()
        self.message.clear()
        core, actor = self.context.core, self.context.actor
        referral_id, document_id = record.id, printed.document_id

        def record_output(how: str) -> None:
            referral_printing.record_output(core, actor, referral_id, document_id, how)

        dialog = open_preview(
            self,
            f"Referral #{record.id} ({record.type_label})",
            printed.document_id,
            printed.pdf,
            printed.suggested_name,
            record_output,
        )
        self._keep(dialog)
        self.preview_opened.emit(dialog)

    def _try_again(self) -> None:
        self.message.clear()
        self._retry()

    def _preview_failed(self, error: BaseException) -> None:
        self._update_buttons()
        text, retry = failure_text(error, "The form could not be prepared")
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)


REFERRALS_SECTION = RecordSection(
    key="referrals",
    title="Re&ferrals",
    allowed=lambda context: context.may(Action.REFERRAL_VIEW),
    factory=lambda context, youth_id, navigator: ReferralsSection(context, youth_id, navigator),
)
