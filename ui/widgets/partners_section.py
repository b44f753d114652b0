"""The "Partners" tab of a youth's record: which DA, defender or advocate may read it (WIC 827).

Supervisors and administrators assign a partner account with its legal basis, and end the
access when the partner's role in the case ends. Reading the list is audited, so it is read
only when the tab is shown.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.permissions import PARTNER_REASONS, ROLE_LABELS, Action, Role
from girlscourt.services.referrals import partner_access
from girlscourt.services.referrals.partner_access import PartnerAccount, PartnerAssignmentRecord
from ui import workers
from ui.context import AppContext
from ui.extensions import RecordSection
from ui.formatting import format_timestamp
from ui.models.batched_list_model import BatchedListModel
from ui.style import MUTED
from ui.widgets.form_feedback import failure_text
from ui.widgets.list_table import ReadWhenShown, list_table
from ui.widgets.message_bar import MessageBar, MessageKind

HEADERS = (
    ("Partner", None),
    ("Basis (WIC 827)", None),
    ("Access from", None),
    ("Access until", "Ended assignments stay listed: an assignment is never deleted"),
)


class AssignmentsModel(BatchedListModel[PartnerAssignmentRecord]):
    """Assignments of one youth, newest first; ended ones greyed."""

    def __init__(self, context: AppContext) -> None:
        super().__init__(HEADERS, batch=200)
        self._tz = context.core.settings.timezone

    def cell(self, row: PartnerAssignmentRecord, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.username
            if column == 1:
                return row.reason_label
            if column == 2:
                return format_timestamp(row.assigned_at, self._tz)
            if column == 3:
                if row.ended_at is None:
                    return "now (active)"
                return format_timestamp(row.ended_at, self._tz)
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return QColor(MUTED)
        return None


class PartnersSection(ReadWhenShown):
    """Assign a partner account to this youth, or end one's access."""

    loaded = Signal()

    def __init__(self, context: AppContext, youth_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.youth_id = youth_id
        self.model = AssignmentsModel(context)
        self.table = list_table(self.model, "Partner access", single=True)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._update_buttons())

        self.partner = QComboBox()
        self.partner.setAccessibleName("Partner account")
        self.reason = QComboBox()
        self.reason.setAccessibleName("Basis")
        for code, label in PARTNER_REASONS.items():
            self.reason.addItem(label, code)
        self.assign_button = QPushButton("&Give access")
        self.assign_button.clicked.connect(self.assign)
        self.end_button = QPushButton("&End access…")
        self.end_button.clicked.connect(self.end_selected)
        self.message = MessageBar()
        self.message.action_triggered.connect(self.load)
        note = QLabel(
            "A district attorney, defender or advocate account reads only the youth it is given "
            "access to, read-only, and only what its role allows."
        )
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {MUTED};")
        partner_label = QLabel("&Partner")
        partner_label.setBuddy(self.partner)
        reason_label = QLabel("&Basis")
        reason_label.setBuddy(self.reason)
        add_row = QHBoxLayout()
        add_row.addWidget(partner_label)
        add_row.addWidget(self.partner, 2)
        add_row.addWidget(reason_label)
        add_row.addWidget(self.reason, 3)
        add_row.addWidget(self.assign_button)
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.end_button)
        column = QVBoxLayout(self)
        column.addWidget(note)
        column.addWidget(self.message)
        column.addLayout(add_row)
        column.addWidget(self.table, 1)
        column.addLayout(bottom)
        self._update_buttons()

    def load(self) -> None:
        """Read the partner accounts and this youth's assignments on a worker thread."""
        super().load()
        self.message.clear()
        workers.run(
            _load,
            self.context,
            self.youth_id,
            on_done=self._loaded,
            on_error=lambda error: self._failed(error, "The partner list could not be loaded"),
            context=self,
        )

    def _loaded(
        self, result: tuple[tuple[PartnerAccount, ...], tuple[PartnerAssignmentRecord, ...]]
    ) -> None:
        accounts, rows = result
        chosen = self.partner.currentData()
        self.partner.clear()
        for account in accounts:
            role = ROLE_LABELS.get(Role(account.role), account.role).split(" (")[0]
            label = f"{account.display_name} ({account.username}) – {role}"
            self.partner.addItem(label, account.id)
        if chosen is not None and (index := self.partner.findData(chosen)) >= 0:
            self.partner.setCurrentIndex(index)
        self.model.set_rows(rows)
        self._update_buttons()
        self.loaded.emit()

    def selected(self) -> PartnerAssignmentRecord | None:
        """The assignment the selected row shows."""
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        chosen = self.selected()
        self.assign_button.setEnabled(self.partner.count() > 0)
        self.end_button.setEnabled(chosen is not None and chosen.ended_at is None)

    def assign(self) -> None:
        """Give the chosen partner access with the chosen basis."""
        user_id = self.partner.currentData()
        if user_id is None:
            return
        self.assign_button.setEnabled(False)
        workers.run(
            partner_access.assign_partner,
            self.context.core,
            self.context.actor,
            user_id,
            self.youth_id,
            self.reason.currentData(),
            on_done=lambda made: self._changed(f"{made.username} can now read this record."),
            on_error=lambda error: self._failed(error, "Access not given"),
            context=self,
        )

    def end_selected(self) -> None:
        """End the selected partner's access now, after asking."""
        chosen = self.selected()
        if chosen is None or chosen.ended_at is not None:
            return
        if not self.confirm(
            f"End {chosen.username}'s access to this record now? They can no longer open it."
        ):
            return
        workers.run(
            partner_access.end_partner_assignment,
            self.context.core,
            self.context.actor,
            chosen.user_id,
            self.youth_id,
            expected_version=chosen.version,
            on_done=lambda ended: self._changed(f"{ended.username} no longer has access."),
            on_error=lambda error: self._failed(error, "Access not ended"),
            context=self,
        )

    def confirm(self, text: str) -> bool:
        """Ask before taking access away (tests replace this)."""
        answer = QMessageBox.question(
            self,
            "End access",
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _changed(self, text: str) -> None:
        self.load()
        self.message.show_message(text, MessageKind.INFO)

    def _failed(self, error: BaseException, what: str) -> None:
        self._update_buttons()
        text, retry = failure_text(error, what)
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)


def _load(
    context: AppContext, youth_id: int
) -> tuple[tuple[PartnerAccount, ...], tuple[PartnerAssignmentRecord, ...]]:
    """Runs on a worker thread: the accounts to choose from, and this youth's assignments."""
    core, actor = context.core, context.actor
    return (
        partner_access.partner_accounts(core, actor),
        partner_access.assignments_of_youth(core, actor, youth_id),
    )


PARTNERS_SECTION = RecordSection(
    key="partners",
    title="Partner &access",
    allowed=lambda context: context.may(Action.PARTNER_ASSIGN) and context.may(Action.YOUTH_VIEW),
    factory=lambda context, youth_id, _navigator: PartnersSection(context, youth_id),
)
