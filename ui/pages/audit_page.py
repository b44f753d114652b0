"""The audit viewer (administrators and supervisors): events by user, by record and by date.

Events come a page at a time, newest first, with keyset paging (``before_id``) so "Load older"
never skips or repeats a row while new events arrive. Looking is itself audited by the service.
"Verify chain" recomputes the hash chain and compares it with this workstation's anchor.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.permissions import Action
from girlscourt.errors import ValidationError
from girlscourt.services.kernel.audit_log import ChainReport
from girlscourt.services.security import audit_trail
from girlscourt.services.security.audit_trail import AuditEntry, AuditPage, AuditUser
from ui import workers
from ui.context import AppContext
from ui.extensions import FeaturePage
from ui.formatting import DATE_HINT, format_timestamp
from ui.models.batched_list_model import BatchedListModel
from ui.style import ERROR_BG
from ui.widgets.form_feedback import FieldErrors, failure_text, field_with_error, optional_date
from ui.widgets.list_table import list_table
from ui.widgets.message_bar import MessageBar, MessageKind

PAGE_SIZE = 200

# What an event can be about, as staff name it (the service's record kinds).
RECORD_KINDS: tuple[tuple[str, str], ...] = (
    ("youth", "Youth record"),
    ("episode", "Custody episode"),
    ("screening", "Screening"),
    ("referral", "Referral"),
    ("consent", "Consent"),
    ("restriction_check", "Restriction check"),
    ("court_case", "Court case"),
    ("petition", "Petition"),
    ("hearing", "Hearing"),
    ("gc_assignment", "Girls Court assignment"),
    ("mdt_meeting", "MDT meeting"),
    ("report", "Report"),
    ("user", "Account"),
    ("audit_event", "Audit event"),
)
KIND_LABELS = dict(RECORD_KINDS)

HEADERS = (
    ("Time", None),
    ("User", None),
    ("Workstation", None),
    ("Event", None),
    ("Record", None),
    ("Outcome", "ok, failed, refused…"),
    ("Detail", "Codes only: names and narratives never go into the audit log"),
)


class AuditModel(BatchedListModel[AuditEntry]):
    """Events newest first; refusals and failures are tinted."""

    def __init__(self, context: AppContext) -> None:
        super().__init__(HEADERS, batch=PAGE_SIZE)
        self._tz = context.core.settings.timezone

    def cell(self, row: AuditEntry, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return format_timestamp(row.occurred_at, self._tz)
            if column == 1:
                return row.username or "(not signed in)"
            if column == 2:
                return row.workstation
            if column == 3:
                return row.action
            if column == 4:
                if row.record_kind is None:
                    return ""
                kind = KIND_LABELS.get(row.record_kind, row.record_kind)
                return f"{kind} #{row.record_id}" if row.record_id is not None else kind
            if column == 5:
                return row.outcome
            if column == 6:
                return row.detail or ""
        if role == Qt.ItemDataRole.BackgroundRole and row.outcome != "ok":
            return QColor(ERROR_BG)
        return None


@dataclass(frozen=True)
class AuditFilter:
    """What the viewer asks the service for."""

    user_id: int | None
    record_kind: str | None
    record_id: int | None
    since: dt.datetime | None
    until: dt.datetime | None


class AuditPageWidget(QWidget):
    """Filters above, events below, "Load older" and "Verify chain" at the bottom."""

    loaded = Signal()
    verified = Signal(object)  # ChainReport

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._tz = context.core.settings.timezone
        self._filter: AuditFilter | None = None
        self._next_before: int | None = None

        self.user = QComboBox()
        self.user.setAccessibleName("User")
        self.user.addItem("Anyone", None)
        self.kind = QComboBox()
        self.kind.setAccessibleName("Record kind")
        self.kind.addItem("Any record", None)
        for code, kind_label in RECORD_KINDS:
            self.kind.addItem(kind_label, code)
        self.record_id = QLineEdit()
        self.record_id.setPlaceholderText("number")
        self.record_id.setMaximumWidth(110)
        self.since = QLineEdit()
        self.since.setPlaceholderText(DATE_HINT)
        self.until = QLineEdit()
        self.until.setPlaceholderText(DATE_HINT)
        self.errors = FieldErrors(
            {
                "record_id": "Record number",
                "record_kind": "Record kind",
                "since": "From",
                "until": "To",
            }
        )
        self.show_button = QPushButton("&Show")
        self.show_button.setDefault(True)
        self.show_button.clicked.connect(self.search)
        for field in (self.record_id, self.since, self.until):
            field.returnPressed.connect(self.search)

        form = QFormLayout()
        label = QLabel("&User")
        label.setBuddy(self.user)
        form.addRow(label, self.user)
        record_row = QHBoxLayout()
        record_row.addWidget(self.kind)
        record_row.addWidget(
            field_with_error(self.record_id, self.errors.add("record_id", self.record_id))
        )
        self.errors.alias("record_kind", "record_id")
        record_row.addStretch(1)
        label = QLabel("&Record")
        label.setBuddy(self.kind)
        form.addRow(label, record_row)
        dates = QHBoxLayout()
        dates.addWidget(field_with_error(self.since, self.errors.add("since", self.since)))
        dates.addWidget(QLabel("to"))
        dates.addWidget(field_with_error(self.until, self.errors.add("until", self.until)))
        dates.addStretch(1)
        dates.addWidget(self.show_button)
        label = QLabel("&From")
        label.setBuddy(self.since)
        form.addRow(label, dates)

        self.model = AuditModel(context)
        self.table = list_table(self.model, "Audit events")
        self.count = QLabel()
        self.more_button = QPushButton("Load &older")
        self.more_button.clicked.connect(self.load_older)
        self.more_button.setEnabled(False)
        self.verify_button = QPushButton("&Verify chain")
        self.verify_button.setToolTip(
            "Recompute every hash and compare the newest with this workstation's anchor"
        )
        self.verify_button.clicked.connect(self.verify)
        self.message = MessageBar()
        self.message.action_triggered.connect(self.search)

        title = QLabel("Audit log")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        bottom = QHBoxLayout()
        bottom.addWidget(self.count)
        bottom.addStretch(1)
        bottom.addWidget(self.more_button)
        bottom.addWidget(self.verify_button)
        column = QVBoxLayout(self)
        column.addWidget(title)
        column.addLayout(form)
        column.addWidget(self.message)
        column.addWidget(self.table, 1)
        column.addLayout(bottom)

        workers.run(
            audit_trail.list_actors,
            context.core,
            context.actor,
            on_done=self._actors_loaded,
            on_error=lambda error: self._failed(error, "The user list could not be loaded"),
            context=self,
        )
        self.search()

    def _actors_loaded(self, users: tuple[AuditUser, ...]) -> None:
        for user in users:
            self.user.addItem(f"{user.username} — {user.display_name}", user.id)

    # -- asking -------------------------------------------------------------------------------

    def _day_start(self, day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), self._tz).astimezone(dt.UTC)

    def read_filter(self) -> AuditFilter:
        """The filters as typed; ValidationError names the field that is wrong."""
        kind = self.kind.currentData()
        text = self.record_id.text().strip()
        record: int | None = None
        if text:
            if not text.isdigit() or int(text) <= 0:
                raise ValidationError("record_id", "must be a whole number above 0")
            if kind is None:
                raise ValidationError("record_kind", "choose what kind of record the number is")
            record = int(text)
        since_day = optional_date(self.since.text(), "since")
        until_day = optional_date(self.until.text(), "until")
        if since_day and until_day and until_day < since_day:
            raise ValidationError("until", "must not be before From")
        return AuditFilter(
            self.user.currentData(),
            kind,
            record,
            self._day_start(since_day) if since_day else None,
            self._day_start(until_day + dt.timedelta(days=1)) if until_day else None,
        )

    def search(self) -> None:
        """Show the newest events that match the filters."""
        self.errors.clear()
        self.message.clear()
        try:
            wanted = self.read_filter()
        except ValidationError as error:
            self.errors.show(error)
            return
        self._filter = wanted
        self.show_button.setEnabled(False)
        self._fetch(wanted, None, replace=True)

    def load_older(self) -> None:
        """The next page of older events under the same filters."""
        if self._filter is not None and self._next_before is not None:
            self.more_button.setEnabled(False)
            self._fetch(self._filter, self._next_before, replace=False)

    def _fetch(self, wanted: AuditFilter, before_id: int | None, *, replace: bool) -> None:
        workers.run(
            audit_trail.list_events,
            self.context.core,
            self.context.actor,
            user_id=wanted.user_id,
            record_kind=wanted.record_kind,
            record_id=wanted.record_id,
            since=wanted.since,
            until=wanted.until,
            limit=PAGE_SIZE,
            before_id=before_id,
            on_done=lambda page: self._shown(page, replace),
            on_error=lambda error: self._failed(error, "The audit log could not be read"),
            context=self,
        )

    def _shown(self, page: AuditPage, replace: bool) -> None:
        self.show_button.setEnabled(True)
        if replace:
            self.model.set_rows(page.rows)
        else:
            self.model.append(page.rows)
        self._next_before = page.next_before_id
        self.more_button.setEnabled(page.has_more)
        more = " (older events: Load older)" if page.has_more else ""
        self.count.setText(f"{self.model.total} events shown{more}")
        self.loaded.emit()

    def _failed(self, error: BaseException, what: str) -> None:
        self.show_button.setEnabled(True)
        self.verify_button.setEnabled(True)
        if isinstance(error, ValidationError) and self.errors.show(error):
            return
        text, retry = failure_text(error, what)
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)

    # -- verifying ----------------------------------------------------------------------------

    def verify(self) -> None:
        """Walk the whole chain on a worker thread and say whether it holds."""
        self.verify_button.setEnabled(False)
        self.message.show_message("Checking every event's hash…", MessageKind.INFO)
        workers.run(
            audit_trail.verify,
            self.context.core,
            self.context.actor,
            on_done=self._verified,
            on_error=lambda error: self._failed(error, "The chain could not be checked"),
            context=self,
        )

    def _verified(self, report: ChainReport) -> None:
        self.verify_button.setEnabled(True)
        if report.ok:
            anchor = (
                " and matches this workstation's anchor"
                if report.anchor_checked
                else " (this workstation has no anchor to compare the newest event with)"
            )
            self.message.show_message(
                f"The audit chain is intact: {report.events} events{anchor}.", MessageKind.INFO
            )
        else:
            where = (
                f" at event #{report.first_broken_id}" if report.first_broken_id is not None else ""
            )
            self.message.show_message(
                f"The audit chain is broken{where}: {report.problem}. Tell the security officer.",
                MessageKind.ERROR,
            )
        self.verified.emit(report)


AUDIT_FEATURE = FeaturePage(
    key="audit",
    title="Audit log",
    tooltip="Who did what, when: by user, by record and by date",
    allowed=lambda context: context.may(Action.AUDIT_VIEW),
    factory=lambda context, _navigator: AuditPageWidget(context),
)
