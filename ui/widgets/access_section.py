"""The "Who looked" tab of a youth's record: every open, change, print and refusal, newest first.

It reads the audit log only when the tab is shown (reading it is itself an audited event, so
merely opening a record must not add one).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.permissions import Action
from girlscourt.services.security import audit_trail
from girlscourt.services.security.audit_trail import RecordAccess
from ui import workers
from ui.context import AppContext
from ui.extensions import RecordSection
from ui.formatting import format_timestamp
from ui.models.batched_list_model import BatchedListModel
from ui.style import ERROR_BG, MUTED
from ui.widgets.form_feedback import failure_text
from ui.widgets.list_table import ReadWhenShown, list_table
from ui.widgets.message_bar import MessageBar, MessageKind

HEADERS = (
    ("Time", None),
    ("Who", None),
    ("Workstation", None),
    ("What", "view, change, print, export; refusals are tinted"),
    ("Outcome", None),
)


class AccessModel(BatchedListModel[RecordAccess]):
    """Touches of one record, newest first."""

    def __init__(self, context: AppContext) -> None:
        super().__init__(HEADERS, batch=200)
        self._tz = context.core.settings.timezone

    def cell(self, row: RecordAccess, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return format_timestamp(row.occurred_at, self._tz)
            if column == 1:
                if row.username is None:
                    return "(not signed in)"
                return f"{row.display_name} ({row.username})"
            if column == 2:
                return row.workstation
            if column == 3:
                return row.action
            if column == 4:
                return row.outcome
        if role == Qt.ItemDataRole.BackgroundRole and row.outcome != "ok":
            return QColor(ERROR_BG)
        return None


class AccessSection(ReadWhenShown):
    """Who opened, changed or printed this youth's record, from the audit log."""

    loaded = Signal()

    def __init__(self, context: AppContext, youth_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.youth_id = youth_id
        self.model = AccessModel(context)
        self.table = list_table(self.model, "Who looked at this record")
        note = QLabel(
            "Everyone who opened, changed, printed or was refused this record. Looking at this "
            "list is recorded too."
        )
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {MUTED};")
        self.count = QLabel()
        self.reload_button = QPushButton("Re&load")
        self.reload_button.clicked.connect(self.load)
        self.message = MessageBar()
        self.message.action_triggered.connect(self.load)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        bottom.addWidget(self.reload_button)
        column = QVBoxLayout(self)
        column.addWidget(note)
        column.addWidget(self.message)
        column.addWidget(self.table, 1)
        column.addLayout(bottom)

    def load(self) -> None:
        """Read the record's accesses on a worker thread."""
        super().load()
        self.message.clear()
        workers.run(
            audit_trail.who_viewed,
            self.context.core,
            self.context.actor,
            self.youth_id,
            on_done=self._loaded,
            on_error=self._failed,
            context=self,
        )

    def _loaded(self, rows: tuple[RecordAccess, ...]) -> None:
        self.model.set_rows(rows)
        people = {row.user_id for row in rows if row.user_id is not None}
        self.count.setText(f"{len(rows)} accesses by {len(people)} people")
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        self._stale = True
        text, retry = failure_text(error, "The access list could not be loaded")
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)


ACCESS_SECTION = RecordSection(
    key="access",
    title="&Who looked",
    allowed=lambda context: context.may(Action.AUDIT_VIEW) and context.may(Action.YOUTH_VIEW),
    factory=lambda context, youth_id, _navigator: AccessSection(context, youth_id),
)
