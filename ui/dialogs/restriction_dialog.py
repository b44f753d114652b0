"""Record or change a contact restriction, or lift one: who may not reach the youth, and how.

Everything the desk matches on (names, aliases, phones, handles) is typed here, one per line.
The review date follows the start (30 days) until the officer sets it. Blocking the two
statutory admission calls takes a written reason and counts only once a supervisor signs off;
the form says so instead of letting anyone believe a call is blocked when it is not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.permissions import Action
from girlscourt.domain.restriction_rules import (
    ADMISSION_REASON_MIN,
    BASIS_LABELS,
    CHANNEL_LABELS,
    CHANNELS,
    LIFT_REASONS,
    REVIEW_DAYS_DEFAULT,
    Notices,
    RestrictionInput,
    default_review_on,
)
from girlscourt.errors import ConflictError, ValidationError
from girlscourt.services.restrictions import restrictions
from girlscourt.services.restrictions.restrictions import RestrictionRecord
from ui import workers
from ui.context import AppContext
from ui.formatting import DATE_HINT, format_date, parse_dob
from ui.style import INVALID_FIELD_CSS, MUTED, WARNING_BG, WARNING_BORDER
from ui.widgets.banner import ConfidentialBanner
from ui.widgets.form_feedback import (
    FieldErrors,
    failure_text,
    field_with_error,
    optional_date,
    report_save_failure,
)
from ui.widgets.message_bar import MessageBar, MessageKind

RESTRICTION_FIELDS = {
    "person_name": "Restricted person",
    "aliases": "Also known as",
    "phones": "Phone number",
    "handles": "Social-media handle",
    "relationship_to_youth": "Relationship",
    "channels": "Contact restricted",
    "basis": "Basis",
    "court_order_number": "Court order number",
    "starts_on": "Starts on",
    "ends_on": "Ends on",
    "review_on": "Review by",
    "notices": "Notice",
    "notices.youth": "Youth told on",
    "notices.restricted_person": "Restricted person told on",
    "notices.administrator": "Administrator told on",
    "blocks_admission_calls": "Admission calls",
    "admission_block_reason": "Reason for blocking admission calls",
    "youth_id": "Youth",
    "restriction": "Restriction",
    "reason": "Reason",
}
RELATIONSHIPS = (
    "suspected exploiter",
    "suspected buyer",
    "recruiter",
    "associate of a suspected exploiter",
    "former partner",
    "family member",
)
LIFT_LABELS = {
    "court_order_changed": "The court order changed or ended",
    "administrator_decision": "Facility administrator decision",
    "safety_plan_changed": "The MDT safety plan changed",
    "entered_in_error": "Entered in error",
    "replaced": "Replaced by a new restriction",
}
STATUS_TEXT = {
    "active": "active",
    "scheduled": "starts later",
    "ended": "ended",
    "lifted": "lifted",
}


def lines_of(edit: QPlainTextEdit) -> tuple[str, ...]:
    """The non-empty lines typed, trimmed."""
    return tuple(line.strip() for line in edit.toPlainText().splitlines() if line.strip())


def _list_edit(placeholder: str) -> QPlainTextEdit:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 3 + 14)
    return edit


def _date_edit(placeholder: str = DATE_HINT) -> QLineEdit:
    edit = QLineEdit()
    edit.setPlaceholderText(placeholder)
    edit.setMaximumWidth(edit.fontMetrics().horizontalAdvance("00/00/00000") + 36)
    return edit


_CONFLICT = (
    "Not saved: someone else changed this restriction after you opened it; nothing "
    "was overwritten. Close this form and open it again to see their changes."
)


class RestrictionDialog(QDialog):
    """A new restriction for ``youth_id`` (``record`` None) or edits to ``record``."""

    saved = Signal(object)  # RestrictionRecord

    def __init__(
        self,
        context: AppContext,
        youth_id: int,
        record: RestrictionRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.youth_id = youth_id
        self.record = record
        self.result_record: RestrictionRecord | None = None
        self._retry: Callable[[], None] | None = None
        self._review_typed = record is not None
        self._supervisor = context.may(Action.RESTRICTION_APPROVE)
        self.setWindowTitle(
            f"Restriction #{record.id} – Girls Court" if record else "New contact restriction"
        )
        self.setModal(True)
        self.errors = FieldErrors(RESTRICTION_FIELDS)
        today = context.core.today()

        intro = QLabel(
            "Who must not reach the youth, and how. Everything typed here is checked at the "
            "visiting desk and the phone: add every name, street name, number and handle known."
        )
        intro.setWordWrap(True)
        self.message = MessageBar()

        self.person_name = QLineEdit()
        self.person_name.setPlaceholderText("Full name as known, e.g. Marcus Talford")
        self.aliases = _list_edit("One per line: aliases, street names, nicknames")
        self.phones = _list_edit("One per line, with the area code: (510) 555-0142")
        self.handles = _list_edit("One per line: @handle or profile link")
        self.relationship = QComboBox()
        self.relationship.setEditable(True)
        self.relationship.addItem("")
        self.relationship.addItems(RELATIONSHIPS)
        relationship_edit = self.relationship.lineEdit()
        assert relationship_edit is not None  # an editable combo has one
        relationship_edit.setPlaceholderText("e.g. suspected exploiter")
        self.channel_boxes: dict[str, QCheckBox] = {}
        channel_panel = QFrame()
        channel_row = QHBoxLayout(channel_panel)
        channel_row.setContentsMargins(0, 0, 0, 0)
        for channel in CHANNELS:
            box = QCheckBox(CHANNEL_LABELS[channel].capitalize())
            self.channel_boxes[channel] = box
            channel_row.addWidget(box)
        channel_row.addStretch(1)
        self.basis = QComboBox()
        for code, text in BASIS_LABELS.items():
            self.basis.addItem(text, code)
        self.court_order_number = QLineEdit()
        self.court_order_number.setPlaceholderText("e.g. JV-2026-01234")
        basis_cell = QWidget()
        basis_row = QHBoxLayout(basis_cell)
        basis_row.setContentsMargins(0, 0, 0, 0)
        basis_row.addWidget(self.basis)
        self.order_label = QLabel("Order &number")
        self.order_label.setBuddy(self.court_order_number)
        basis_row.addWidget(self.order_label)
        basis_row.addWidget(self.court_order_number, 1)

        self.starts_on = _date_edit()
        self.starts_on.setText(format_date(today))
        self.ends_on = _date_edit()
        self.review_on = _date_edit()
        self.review_hint = QLabel(
            f"No end date: it applies until lifted. Review by: {REVIEW_DAYS_DEFAULT} days after "
            "the start unless you change it."
        )
        self.review_hint.setStyleSheet(f"color: {MUTED};")
        dates_cell = QWidget()
        dates = QGridLayout(dates_cell)
        dates.setContentsMargins(0, 0, 0, 0)
        for column, (text, edit) in enumerate(
            (
                ("S&tarts on *", self.starts_on),
                ("&Ends on", self.ends_on),
                ("Re&view by *", self.review_on),
            )
        ):
            label = QLabel(text)
            label.setBuddy(edit)
            dates.addWidget(label, 0, column)
            dates.addWidget(edit, 1, column)
            dates.addWidget(
                self.errors.add(("starts_on", "ends_on", "review_on")[column], edit), 2, column
            )
        dates.addWidget(self.review_hint, 3, 0, 1, 4)
        dates.setColumnStretch(3, 1)

        self.notice_edits: dict[str, QLineEdit] = {}
        notices_cell = QWidget()
        notices = QGridLayout(notices_cell)
        notices.setContentsMargins(0, 0, 0, 0)
        for column, (party, text) in enumerate(
            (
                ("youth", "&Youth"),
                ("restricted_person", "&Restricted person"),
                ("administrator", "&Administrator"),
            )
        ):
            edit = _date_edit()
            self.notice_edits[party] = edit
            label = QLabel(text)
            label.setBuddy(edit)
            notices.addWidget(label, 0, column)
            notices.addWidget(edit, 1, column)
            notices.addWidget(self.errors.add(f"notices.{party}", edit), 2, column)
        notices.setColumnStretch(3, 1)

        self.withhold_location = QCheckBox(
            "Do not disclose where the youth is: referral forms and dockets withhold her location"
        )
        self.blocks_admission = QCheckBox(
            "Also block this person on the youth's two admission calls (WIC 627)"
        )
        self.admission_reason = _list_edit(
            f"Required: the documented reason (at least {ADMISSION_REASON_MIN} characters)"
        )
        self.admission_note = QLabel()
        self.admission_note.setWordWrap(True)
        self.admission_panel = QFrame()
        self.admission_panel.setObjectName("admissionPanel")
        self.admission_panel.setStyleSheet(
            f"QFrame#admissionPanel {{ background: {WARNING_BG}; border: 1px solid"
            f" {WARNING_BORDER}; border-radius: 4px; }}"
        )
        admission_column = QVBoxLayout(self.admission_panel)
        admission_column.addWidget(self.admission_reason)
        admission_column.addWidget(self.admission_note)
        self.approve_now = QCheckBox(
            "Approve now, as supervisor (this signs off the admission-call block too)"
        )
        self.approve_now.setVisible(self._supervisor)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        def row(label: str, name: str, widget: QWidget, shown: QWidget | None = None) -> None:
            form.addRow(label, field_with_error(shown or widget, self.errors.add(name, widget)))

        row("Restricted &person *", "person_name", self.person_name)
        row("Also &known as", "aliases", self.aliases)
        row("P&hone numbers", "phones", self.phones)
        row("Social &media", "handles", self.handles)
        row("Re&lationship", "relationship_to_youth", self.relationship)
        row("&Contact restricted *", "channels", channel_panel)
        row("&Basis *", "basis", self.basis, basis_cell)
        self.errors.add("court_order_number", self.court_order_number, below="basis")
        form.addRow("Dates", dates_cell)
        notice_title = QLabel("Notice given")
        notice_title.setToolTip(
            "Title 15 §1374: the youth, the person denied and the facility administrator are told"
        )
        form.addRow(notice_title, notices_cell)
        row("", "do_not_disclose_location", self.withhold_location)
        row("", "blocks_admission_calls", self.blocks_admission)
        row("", "admission_block_reason", self.admission_reason, self.admission_panel)
        if self._supervisor:
            form.addRow("", self.approve_now)

        fields = QWidget()
        fields.setStyleSheet(INVALID_FIELD_CSS)
        fields.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidget(fields)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.save_button = QPushButton("&Save restriction")
        self.save_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        self.approval_hint = QLabel(
            "A supervisor approves it next; it already applies at the desk meanwhile."
            if not self._supervisor
            else ""
        )
        self.approval_hint.setWordWrap(True)
        self.approval_hint.setStyleSheet(f"color: {MUTED};")
        buttons = QHBoxLayout()
        buttons.addWidget(self.approval_hint, 1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 10)
        layout.addWidget(ConfidentialBanner())
        body = QVBoxLayout()
        body.setContentsMargins(12, 4, 12, 0)
        body.addWidget(intro)
        body.addWidget(self.message)
        body.addWidget(scroll, 1)
        body.addLayout(buttons)
        layout.addLayout(body, 1)

        if record is not None:
            self._fill(record)
        self._basis_changed()
        self._admission_changed()
        self._dates_changed()

        self.basis.currentIndexChanged.connect(self._basis_changed)
        self.blocks_admission.toggled.connect(self._admission_changed)
        self.channel_boxes["phone"].toggled.connect(self._admission_changed)
        self.approve_now.toggled.connect(self._admission_changed)
        self.starts_on.textEdited.connect(self._dates_changed)
        self.ends_on.textEdited.connect(self._dates_changed)
        self.review_on.textEdited.connect(self._review_edited)
        self.save_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.message.action_triggered.connect(self._try_again)
        wanted = fields.sizeHint().height() + 240  # banner, intro, buttons around the form
        self.resize(880, max(600, min(960, wanted)))
        self.person_name.setFocus()

    def _fill(self, record: RestrictionRecord) -> None:
        data = record.data
        self.person_name.setText(data.person_name)
        self.aliases.setPlainText("\n".join(data.aliases))
        self.phones.setPlainText("\n".join(data.phones))
        self.handles.setPlainText("\n".join(data.handles))
        self.relationship.setEditText(data.relationship_to_youth or "")
        for channel, box in self.channel_boxes.items():
            box.setChecked(channel in data.channels)
        self.basis.setCurrentIndex(max(self.basis.findData(data.basis), 0))
        self.court_order_number.setText(data.court_order_number or "")
        self.starts_on.setText(format_date(data.starts_on))
        self.ends_on.setText(format_date(data.ends_on))
        self.review_on.setText(format_date(data.review_on))
        for party, edit in self.notice_edits.items():
            edit.setText(format_date(getattr(data.notices, party)))
        self.withhold_location.setChecked(data.do_not_disclose_location)
        self.blocks_admission.setChecked(data.blocks_admission_calls)
        self.admission_reason.setPlainText(data.admission_block_reason or "")
        if record.approved:
            self.approval_hint.setText(
                "Changing anything but the notice dates needs a supervisor's approval again."
            )

    # -- fields that depend on each other -----------------------------------------------------

    def _basis_changed(self) -> None:
        court = self.basis.currentData() == "court_order"
        self.court_order_number.setEnabled(court)
        self.order_label.setEnabled(court)

    def _admission_changed(self) -> None:
        on = self.blocks_admission.isChecked()
        self.admission_panel.setVisible(on)
        if not on:
            return
        if not self.channel_boxes["phone"].isChecked():
            text = "Tick “Phone call” above: only a restriction on phone calls can cover them."
        elif self._supervisor and self.approve_now.isChecked():
            text = "Your approval signs off the block: it applies as soon as this is saved."
        else:
            text = (
                "Until a supervisor signs off, a match on an admission call shows REVIEW at "
                "the desk (a supervisor decides), never a silent block."
            )
        self.admission_note.setText(text)

    def _review_edited(self, _text: str) -> None:
        self._review_typed = True

    def _dates_changed(self, _text: str = "") -> None:
        if self._review_typed:
            return
        try:
            start = parse_dob(self.starts_on.text(), "starts_on")
            end = optional_date(self.ends_on.text(), "ends_on")
        except ValidationError:
            return
        self.review_on.setText(format_date(default_review_on(start, end)))

    # -- saving -------------------------------------------------------------------------------

    def restriction_input(self) -> RestrictionInput:
        """What the form says (dates parsed here, ValidationError naming the field)."""
        notices = {p: optional_date(e.text(), f"notices.{p}") for p, e in self.notice_edits.items()}
        starts: dt.date | None = optional_date(self.starts_on.text(), "starts_on")
        return RestrictionInput(
            youth_id=self.youth_id,
            person_name=self.person_name.text(),
            channels=tuple(c for c, box in self.channel_boxes.items() if box.isChecked()),
            basis=str(self.basis.currentData()),
            aliases=lines_of(self.aliases),
            phones=lines_of(self.phones),
            handles=lines_of(self.handles),
            relationship_to_youth=self.relationship.currentText().strip() or None,
            court_order_number=(
                self.court_order_number.text() if self.court_order_number.isEnabled() else None
            )
            or None,
            starts_on=starts,
            ends_on=optional_date(self.ends_on.text(), "ends_on"),
            review_on=optional_date(self.review_on.text(), "review_on"),
            notices=Notices(**notices),
            do_not_disclose_location=self.withhold_location.isChecked(),
            blocks_admission_calls=self.blocks_admission.isChecked(),
            admission_block_reason=(
                self.admission_reason.toPlainText() if self.blocks_admission.isChecked() else None
            )
            or None,
        )

    def submit(self) -> None:
        """Save through the service (approved at once when a supervisor ticks the box)."""
        self.message.clear()
        self.errors.clear()
        try:
            data = self.restriction_input()
        except ValidationError as error:
            self._show_error(error)
            return
        approve = self._supervisor and self.approve_now.isChecked()
        core, actor = self.context.core, self.context.actor
        self.save_button.setEnabled(False)
        self._retry = self.submit
        if self.record is None:
            workers.run(
                restrictions.add_restriction,
                core,
                actor,
                data,
                approve=approve,
                on_done=self._saved,
                on_error=self._failed,
                context=self,
            )
        else:
            workers.run(
                restrictions.update_restriction,
                core,
                actor,
                self.record.id,
                self.record.version,
                data,
                approve=approve,
                on_done=self._saved,
                on_error=self._failed,
                context=self,
            )

    def _saved(self, record: RestrictionRecord) -> None:
        self.result_record = record
        self.saved.emit(record)
        self.accept()

    def error_for(self, name: str) -> str:
        """The inline error under ``name`` (tests, screen readers)."""
        return self.errors.text(name)

    def _show_error(self, error: ValidationError) -> None:
        report_save_failure(self.message, self.errors, error)

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        report_save_failure(self.message, self.errors, error, conflict=_CONFLICT)

    def _try_again(self) -> None:
        if self._retry is not None:
            self.message.clear()
            self._retry()


class LiftRestrictionDialog(QDialog):
    """A supervisor ends a restriction now, giving the coded reason."""

    lifted = Signal(object)  # RestrictionRecord

    def __init__(
        self, context: AppContext, record: RestrictionRecord, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.record = record
        self.setWindowTitle(f"Lift restriction #{record.id} – Girls Court")
        self.setModal(True)
        text = QLabel(
            f"Lift the restriction on {record.data.person_name} for youth {record.youth_initials}? "
            "From now on the desk no longer blocks this person. The restriction stays on the "
            "record as lifted."
        )
        text.setWordWrap(True)
        text.setTextFormat(Qt.TextFormat.PlainText)
        self.message = MessageBar()
        self.reason = QComboBox()
        self.reason.addItem("Choose the reason…", None)
        for code in LIFT_REASONS:
            self.reason.addItem(LIFT_LABELS.get(code, code), code)
        reason_label = QLabel("&Reason *")
        reason_label.setBuddy(self.reason)
        self.lift_button = QPushButton("&Lift restriction")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setDefault(True)
        row = QHBoxLayout()
        row.addWidget(reason_label)
        row.addWidget(self.reason, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.lift_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.message)
        layout.addLayout(row)
        layout.addLayout(buttons)
        self.lift_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.resize(520, self.sizeHint().height())

    def submit(self) -> None:
        """Lift it through the service."""
        code = self.reason.currentData()
        if code is None:
            self.message.show_message("Choose the reason for lifting it.", MessageKind.ERROR)
            self.reason.setFocus()
            return
        self.lift_button.setEnabled(False)
        workers.run(
            restrictions.lift_restriction,
            self.context.core,
            self.context.actor,
            self.record.id,
            self.record.version,
            str(code),
            on_done=self._lifted,
            on_error=self._failed,
            context=self,
        )

    def _lifted(self, record: RestrictionRecord) -> None:
        self.lifted.emit(record)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.lift_button.setEnabled(True)
        if isinstance(error, ConflictError):
            text = (
                "Not lifted: someone else changed this restriction meanwhile; nothing was "
                "overwritten. Close this window and look at it again."
            )
        else:
            text, _retry = failure_text(error, "Not lifted")
        self.message.show_message(text, MessageKind.ERROR)
