"""Write a referral and move it along its lifecycle, with every refusal explained where it happens.

``ReferralDialog`` creates or edits a draft: type, coded reasons, narrative, the receiving agency
and its designated point-person, urgency (the due-by time is shown as it will be set) and the
consent it will be sent on. ``MoveReferralDialog`` takes a referral one step: it names the moves
allowed from here, explains at once why another is not, asks for a reason where closing or
declining needs one, and can send under a recorded lawful exception.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

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
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.consent_rules import LAWFUL_EXCEPTIONS
from girlscourt.domain.referral_rules import (
    CLOSE_REASONS,
    DECLINE_REASONS,
    STATUS_LABELS,
    TRANSITIONS,
    TYPE_LABELS,
    URGENCY_LABELS,
    ReferralType,
    Status,
    Urgency,
    due_by,
    reasons_for,
    required_scopes,
)
from girlscourt.errors import ConflictError, RuleRefused, ValidationError
from girlscourt.services.referrals import agencies, consents, referrals
from girlscourt.services.referrals.agencies import AgencyKind, AgencyRecord
from girlscourt.services.referrals.referral_records import (
    ConsentRecord,
    ReferralInput,
    ReferralRecord,
)
from ui import workers
from ui.context import AppContext
from ui.dialogs.consent_dialog import ConsentDialog
from ui.formatting import format_date, format_timestamp
from ui.style import MUTED
from ui.widgets.form_dialog import lay_out_form_dialog
from ui.widgets.form_feedback import (
    FieldErrors,
    failure_text,
    field_with_error,
    report_save_failure,
    sentence,
)
from ui.widgets.message_bar import MessageBar, MessageKind

REFERRAL_FIELDS = {
    "type": "Referral type",
    "referral_type": "Referral type",
    "reason_codes": "Reasons",
    "reason_text": "Narrative",
    "agency_id": "Receiving agency",
    "representative_id": "Representative",
    "urgency": "Urgency",
    "due_at": "Due by",
    "consent_id": "Consent",
    "youth_id": "Youth",
    "to": "New status",
    "reason": "Reason",
    "note": "Note",
    "lawful_exception": "Lawful exception",
    "justification": "Justification",
}

# The kinds of agency that usually receive each type (listed first; any agency may be chosen).
SUGGESTED_KINDS: dict[ReferralType, frozenset[AgencyKind]] = {
    ReferralType.MEDICAL: frozenset({AgencyKind.MEDICAL}),
    ReferralType.MENTAL_HEALTH: frozenset({AgencyKind.MENTAL_HEALTH}),
    ReferralType.SUBSTANCE_USE: frozenset({AgencyKind.SUBSTANCE_USE}),
    ReferralType.CSEC_ADVOCACY: frozenset({AgencyKind.CRISIS_ADVOCACY}),
    ReferralType.FORENSIC_INTERVIEW: frozenset({AgencyKind.CHILD_ADVOCACY_CENTER}),
    ReferralType.VICTIM_ADVOCATE: frozenset(
        {AgencyKind.VICTIM_SERVICES, AgencyKind.CRISIS_ADVOCACY}
    ),
    ReferralType.VICTIM_COMPENSATION: frozenset({AgencyKind.VICTIM_SERVICES}),
    ReferralType.EDUCATION: frozenset({AgencyKind.SCHOOL}),
    ReferralType.HOUSING: frozenset({AgencyKind.HOUSING}),
}
NO_CONSENT = "No consent attached yet (one is needed before sending)"


def status_list(statuses: Sequence[str]) -> str:
    """ "consent pending, sent or closed"."""
    labels = [STATUS_LABELS.get(Status(s), s) for s in statuses]
    if len(labels) <= 1:
        return "".join(labels) or "nowhere (this referral is finished)"
    return ", ".join(labels[:-1]) + " or " + labels[-1]


def consent_label(consent: ConsentRecord) -> str:
    """One line naming a consent: number, signer, basis, services, expiry."""
    expiry = f"until {format_date(consent.expires_on)}" if consent.expires_on else "no expiry"
    signer = consent.signer_name or consent.court_order_number or consent.signer_role
    return (
        f"#{consent.id} · {consent.legal_basis} · signed by {signer} on "
        f"{format_date(consent.signed_on)} · {', '.join(consent.scope_labels)} · {expiry}"
    )


_CONFLICT = (
    "Not saved: someone else changed this referral after you opened it; nothing was "
    "overwritten. Close this form and open the referral again to see their changes."
)


class ReferralDialog(QDialog):
    """A new referral (``record`` None) or edits to a draft; ``saved`` fires with the result."""

    saved = Signal(object)  # ReferralRecord
    ready = Signal()  # agencies and consents are in the form
    consent_dialog_opened = Signal(object)  # ConsentDialog

    def __init__(
        self,
        context: AppContext,
        youth_id: int,
        record: ReferralRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.youth_id = youth_id
        self.record = record
        self.result_record: ReferralRecord | None = None
        self.agency_list: tuple[AgencyRecord, ...] = ()
        self.consents: tuple[ConsentRecord, ...] = ()
        self.consent_dialog: ConsentDialog | None = None
        self._pending = 2  # agencies, consents
        self._retry: Callable[[], None] | None = None
        self._wanted_consent = record.consent_id if record else None
        editing = record is not None
        self.setWindowTitle(
            f"Referral #{record.id} – Girls Court" if record else "New referral – Girls Court"
        )
        self.setModal(True)
        self.errors = FieldErrors(REFERRAL_FIELDS)

        intro = QLabel(
            "The referral is saved as a draft. It is sent once a signed consent that covers it "
            "is attached (or a lawful exception is recorded). Write for the provider: "
            "person-first, and never the screening instrument's items."
        )
        intro.setWordWrap(True)
        self.message = MessageBar()

        self.type_combo = QComboBox()
        for kind, text in TYPE_LABELS.items():
            self.type_combo.addItem(text, kind.value)
        self.reason_panel = QFrame()
        self.reason_grid = QGridLayout(self.reason_panel)
        self.reason_grid.setContentsMargins(0, 0, 0, 0)
        self.reason_boxes: dict[str, QCheckBox] = {}
        self.narrative = QPlainTextEdit()
        self.narrative.setTabChangesFocus(True)
        self.narrative.setPlaceholderText(
            "What the receiving agency needs to know, in plain words (e.g. “Asks for a "
            "Spanish-speaking counsellor; prefers afternoon appointments.”)"
        )
        self.narrative.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        self.agency_combo = QComboBox()
        self.agency_combo.addItem("Loading the agency directory…", None)
        self.rep_combo = QComboBox()
        self.urgency_combo = QComboBox()
        for urgency, text in URGENCY_LABELS.items():
            self.urgency_combo.addItem(text, urgency.value)
        self.urgency_combo.setCurrentIndex(self.urgency_combo.findData(Urgency.HOURS_24.value))
        self.due_label = QLabel()
        self.due_label.setStyleSheet(f"color: {MUTED};")
        self.consent_combo = QComboBox()
        self.consent_combo.addItem("Loading consents…", None)
        self.consent_hint = QLabel()
        self.consent_hint.setWordWrap(True)
        self.consent_hint.setStyleSheet(f"color: {MUTED};")
        self.new_consent_button = QPushButton("New &consent…")
        self.new_consent_button.setToolTip(
            "Record a signed consent for this agency and service, then attach it"
        )
        self.new_consent_button.setEnabled(False)

        urgency_cell = QWidget()
        urgency_row = QHBoxLayout(urgency_cell)
        urgency_row.setContentsMargins(0, 0, 0, 0)
        urgency_row.addWidget(self.urgency_combo)
        urgency_row.addWidget(self.due_label, 1)
        consent_cell = QWidget()
        consent_column = QVBoxLayout(consent_cell)
        consent_column.setContentsMargins(0, 0, 0, 0)
        consent_column.setSpacing(2)
        consent_row = QHBoxLayout()
        consent_row.addWidget(self.consent_combo, 1)
        consent_row.addWidget(self.new_consent_button)
        consent_column.addLayout(consent_row)
        consent_column.addWidget(self.consent_hint)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        def row(label: str, name: str, widget: QWidget, shown: QWidget | None = None) -> None:
            form.addRow(label, field_with_error(shown or widget, self.errors.add(name, widget)))

        row("&Type *", "referral_type", self.type_combo)
        self.errors.alias("type", "referral_type")
        row("Reasons *", "reason_codes", self.reason_panel)
        row("&Narrative", "reason_text", self.narrative)
        row("Receiving &agency *", "agency_id", self.agency_combo)
        row("&Representative", "representative_id", self.rep_combo)
        row("&Urgency *", "urgency", self.urgency_combo, urgency_cell)
        self.errors.alias("due_at", "urgency")
        row("C&onsent", "consent_id", self.consent_combo, consent_cell)

        self.save_button = QPushButton("&Save draft" if not editing else "&Save changes")
        self.save_button.setEnabled(False)
        self.cancel_button = lay_out_form_dialog(self, intro, self.message, form, self.save_button)

        if record is not None:
            self.type_combo.setCurrentIndex(self.type_combo.findData(record.referral_type))
            self.urgency_combo.setCurrentIndex(self.urgency_combo.findData(record.urgency))
            self.narrative.setPlainText(record.reason_text or "")
        self._build_reasons(record.reason_codes if record else ())
        self._update_due()

        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.agency_combo.currentIndexChanged.connect(self._agency_changed)
        self.urgency_combo.currentIndexChanged.connect(self._update_due)
        self.new_consent_button.clicked.connect(self.new_consent)
        self.save_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.message.action_triggered.connect(self._try_again)
        self.resize(max(820, self.sizeHint().width()), self.sizeHint().height())
        self.load()

    # -- loading ------------------------------------------------------------------------------

    def load(self) -> None:
        """Fetch the agency directory and the youth's consents."""
        self._pending = 2
        self._retry = self.load
        core, actor = self.context.core, self.context.actor
        workers.run(
            agencies.list_agencies,
            core,
            actor,
            active_only=True,
            on_done=self._agencies_loaded,
            on_error=self._load_failed,
            context=self,
        )
        workers.run(
            consents.list_consents,
            core,
            actor,
            self.youth_id,
            on_done=self._consents_loaded,
            on_error=self._load_failed,
            context=self,
        )

    def _agencies_loaded(self, found: tuple[AgencyRecord, ...]) -> None:
        self.agency_list = found
        self._fill_agencies(self.record.agency_id if self.record else None)
        self._loaded_one()

    def _consents_loaded(self, found: tuple[ConsentRecord, ...]) -> None:
        self.consents = found
        self._fill_consents()
        self._loaded_one()

    def _loaded_one(self) -> None:
        self._pending -= 1
        if self._pending == 0:
            self.save_button.setEnabled(True)
            self.new_consent_button.setEnabled(True)
            self.ready.emit()

    def _load_failed(self, error: BaseException) -> None:
        text, retry = failure_text(error, "The form could not be filled")
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)

    # -- choices that depend on each other ----------------------------------------------------

    def referral_type(self) -> ReferralType:
        """The type chosen."""
        return ReferralType(str(self.type_combo.currentData()))

    def _type_changed(self) -> None:
        self._build_reasons(self.checked_reasons())
        self._fill_agencies(self.agency_combo.currentData())

    def _build_reasons(self, checked: Sequence[str]) -> None:
        for box in self.reason_boxes.values():
            self.reason_grid.removeWidget(box)
            box.deleteLater()
        self.reason_boxes = {}
        for index, (code, text) in enumerate(reasons_for(self.referral_type()).items()):
            box = QCheckBox(text)
            box.setChecked(code in checked)
            box.toggled.connect(self._fill_consents)
            self.reason_boxes[code] = box
            self.reason_grid.addWidget(box, index // 2, index % 2)

    def checked_reasons(self) -> tuple[str, ...]:
        """The reason codes ticked, in the form's order."""
        return tuple(code for code, box in self.reason_boxes.items() if box.isChecked())

    def _fill_agencies(self, keep: object) -> None:
        suggested = SUGGESTED_KINDS.get(self.referral_type(), frozenset())
        ordered = sorted(self.agency_list, key=lambda a: (a.kind not in suggested, a.name))
        self.agency_combo.blockSignals(True)
        self.agency_combo.clear()
        self.agency_combo.addItem("Choose the receiving agency…", None)
        for agency in ordered:
            star = " – suggested" if agency.kind in suggested else ""
            self.agency_combo.addItem(f"{agency.name} ({agency.kind_label}){star}", agency.id)
        self.agency_combo.setCurrentIndex(max(self.agency_combo.findData(keep), 0))
        self.agency_combo.blockSignals(False)
        self._agency_changed()

    def agency(self) -> AgencyRecord | None:
        """The agency chosen."""
        wanted = self.agency_combo.currentData()
        return next((a for a in self.agency_list if a.id == wanted), None)

    def _agency_changed(self) -> None:
        agency = self.agency()
        keep = self.rep_combo.currentData()
        if self.record is not None and keep is None:
            keep = self.record.representative_id
        self.rep_combo.clear()
        if agency is None:
            self.rep_combo.addItem("Choose the agency first", None)
        else:
            point = agency.point_person
            self.rep_combo.addItem(
                f"The designated CSEC point-person ({point.name})"
                if point
                else "No named person (the agency's intake line)",
                None,
            )
            for rep in agency.representatives:
                if rep.active:
                    title = f", {rep.title}" if rep.title else ""
                    point_mark = " – CSEC point-person" if rep.csec_point_person else ""
                    self.rep_combo.addItem(f"{rep.name}{title}{point_mark}", rep.id)
            self.rep_combo.setCurrentIndex(max(self.rep_combo.findData(keep), 0))
        self._fill_consents()

    def _fill_consents(self) -> None:
        agency = self.agency()
        keep = self.consent_combo.currentData() or self._wanted_consent
        self.consent_combo.clear()
        self.consent_combo.addItem(NO_CONSENT, None)
        usable = [
            c
            for c in self.consents
            if agency is not None and c.recipient_agency_id == agency.id and c.state == "valid"
        ]
        for consent in usable:
            self.consent_combo.addItem(consent_label(consent), consent.id)
        index = self.consent_combo.findData(keep)
        self.consent_combo.setCurrentIndex(max(index, 0))
        if index > 0:
            self._wanted_consent = None
        elsewhere = sum(1 for c in self.consents if c not in usable and c.state == "valid")
        lapsed = sum(1 for c in self.consents if c.state != "valid")
        if agency is None:
            hint = "Choose the receiving agency to see the consents that name it."
        elif not usable:
            hint = f"No valid consent on file names {agency.name}."
        else:
            hint = "Only valid consents that name this agency are listed."
        if elsewhere:
            hint += f" Valid consents for other agencies: {elsewhere}."
        if lapsed:
            hint += f" Expired, revoked or not yet in force: {lapsed}."
        self.consent_hint.setText(hint)

    def _update_due(self) -> None:
        core = self.context.core
        start = self.record.created_at if self.record else core.now()
        due = due_by(Urgency(str(self.urgency_combo.currentData())), start, core.settings.timezone)
        self.due_label.setText(
            f"First contact due by {format_timestamp(due, core.settings.timezone)}"
        )

    # -- consent ------------------------------------------------------------------------------

    def new_consent(self) -> ConsentDialog:
        """Record a consent for the chosen agency and this service, then attach it."""
        agency = self.agency()
        kind = self.referral_type()
        scopes = [s.value for s in required_scopes(kind, self.checked_reasons())]
        dialog = ConsentDialog(
            self.context,
            self.youth_id,
            self,
            agency_list=self.agency_list,
            agency_id=agency.id if agency else None,
            scopes=scopes,
            purpose=f"{TYPE_LABELS[kind]} referral",
        )
        dialog.created.connect(self._consent_created)
        dialog.finished.connect(lambda _code: dialog.deleteLater())
        self.consent_dialog = dialog
        dialog.open()
        self.consent_dialog_opened.emit(dialog)
        return dialog

    def _consent_created(self, consent: ConsentRecord) -> None:
        self.consents = (consent, *self.consents)
        if consent.recipient_agency_id is not None:
            self.agency_combo.setCurrentIndex(
                max(self.agency_combo.findData(consent.recipient_agency_id), 0)
            )
        self._wanted_consent = consent.id
        self.consent_combo.setCurrentIndex(0)  # forget the old choice: attach the new one
        self._fill_consents()
        self.consent_combo.setCurrentIndex(max(self.consent_combo.findData(consent.id), 0))
        self.message.show_message(
            f"Consent #{consent.id} recorded and attached. Save to keep it with the referral.",
            MessageKind.INFO,
        )

    # -- saving -------------------------------------------------------------------------------

    def referral_input(self) -> ReferralInput:
        """What the form says, as the service takes it."""
        agency_id = self.agency_combo.currentData()
        return ReferralInput(
            youth_id=self.youth_id,
            referral_type=self.referral_type().value,
            agency_id=agency_id if agency_id is not None else 0,
            urgency=str(self.urgency_combo.currentData()),
            reason_codes=self.checked_reasons(),
            reason_text=self.narrative.toPlainText() or None,
            representative_id=self.rep_combo.currentData(),
            episode_id=self.record.episode_id if self.record else None,
            consent_id=self.consent_combo.currentData(),
        )

    def submit(self) -> None:
        """Save the draft (a new referral, or the edits to this one)."""
        self.message.clear()
        self.errors.clear()
        if self.agency_combo.currentData() is None:
            self._show_error(ValidationError("agency_id", "is required"))
            return
        data = self.referral_input()
        core, actor = self.context.core, self.context.actor
        self.save_button.setEnabled(False)
        self._retry = self.submit
        if self.record is None:
            workers.run(
                referrals.create_referral,
                core,
                actor,
                data,
                on_done=self._saved,
                on_error=self._failed,
                context=self,
            )
        else:
            workers.run(
                referrals.update_referral,
                core,
                actor,
                self.record.id,
                self.record.version,
                data,
                on_done=self._saved,
                on_error=self._failed,
                context=self,
            )

    def _saved(self, record: ReferralRecord) -> None:
        self.result_record = record
        self.saved.emit(record)
        self.accept()

    def _show_error(self, error: ValidationError) -> None:
        report_save_failure(self.message, self.errors, error)

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        report_save_failure(self.message, self.errors, error, conflict=_CONFLICT)

    def _try_again(self) -> None:
        if self._retry is not None:
            self.message.clear()
            self._retry()


# --- moving along the lifecycle --------------------------------------------------------------

LIFECYCLE = tuple(Status)


def refusal_text(error: RuleRefused) -> str:
    """A refusal without the "referral N: " prefix, as a sentence."""
    text = str(error)
    head, sep, tail = text.partition(": ")
    if sep and head.startswith("referral "):
        text = tail
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


class MoveReferralDialog(QDialog):
    """One lifecycle step for ``record``; ``moved`` fires with the updated referral."""

    moved = Signal(object)  # ReferralRecord

    def __init__(
        self,
        context: AppContext,
        record: ReferralRecord,
        parent: QWidget | None = None,
        *,
        target: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.record = record
        self.result_record: ReferralRecord | None = None
        self.setWindowTitle(f"Move referral #{record.id} – Girls Court")
        self.setModal(True)
        self.errors = FieldErrors(REFERRAL_FIELDS)
        current = Status(record.status)

        self.summary = summary = QLabel(
            f"Referral #{record.id} ({record.type_label}) to {record.agency_name}. Status now: "
            f"{record.status_label}. From here it can go to {status_list(record.next_statuses)}."
        )
        summary.setWordWrap(True)
        summary.setTextFormat(Qt.TextFormat.PlainText)
        self.message = MessageBar()

        self.status_combo = QComboBox()
        self.status_combo.setAccessibleName("New status")
        self.status_combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        for status in LIFECYCLE:
            if status == current:
                continue
            allowed = status.value in record.next_statuses
            text = STATUS_LABELS[status] + ("" if allowed else "  (not from here)")
            self.status_combo.addItem(text, status.value)
        self.illegal = QLabel()
        self.illegal.setObjectName("illegalMove")
        self.illegal.setWordWrap(True)
        self.illegal.setTextFormat(Qt.TextFormat.PlainText)
        self.illegal.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.illegal.hide()
        self.reason_combo = QComboBox()
        self.note = QPlainTextEdit()
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.note.setPlaceholderText("Optional; needed when the reason is “Other”")
        self.exception_combo = QComboBox()
        self.exception_combo.addItem("Send on the attached signed consent", None)
        kind = ReferralType(record.referral_type)
        for code, exception in LAWFUL_EXCEPTIONS.items():
            if kind in exception.types:
                self.exception_combo.addItem(exception.label, code)
        self.justification = QPlainTextEdit()
        self.justification.setTabChangesFocus(True)
        self.justification.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.justification.setPlaceholderText(
            "Why this referral may go without a consent (printed on the form)"
        )

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        status_cell = QWidget()
        status_column = QVBoxLayout(status_cell)
        status_column.setContentsMargins(0, 0, 0, 0)
        status_column.addWidget(self.status_combo)
        status_column.addWidget(self.illegal)
        form.addRow("Move &to", field_with_error(status_cell, self.errors.add("to", status_cell)))
        self.reason_label = QLabel("&Reason *")
        self.reason_label.setBuddy(self.reason_combo)
        form.addRow(
            self.reason_label,
            field_with_error(self.reason_combo, self.errors.add("reason", self.reason_combo)),
        )
        self.exception_label = QLabel("Send &on")
        self.exception_label.setBuddy(self.exception_combo)
        form.addRow(
            self.exception_label,
            field_with_error(
                self.exception_combo, self.errors.add("lawful_exception", self.exception_combo)
            ),
        )
        self.justification_label = QLabel("&Justification *")
        self.justification_label.setBuddy(self.justification)
        form.addRow(
            self.justification_label,
            field_with_error(
                self.justification, self.errors.add("justification", self.justification)
            ),
        )
        note_label = QLabel("&Note")
        note_label.setBuddy(self.note)
        form.addRow(note_label, field_with_error(self.note, self.errors.add("note", self.note)))

        self.move_button = QPushButton("&Move")
        self.cancel_button = lay_out_form_dialog(
            self, summary, self.message, form, self.move_button
        )

        first_allowed = record.next_statuses[0] if record.next_statuses else None
        chosen = target or first_allowed
        if chosen is not None:
            self.status_combo.setCurrentIndex(max(self.status_combo.findData(chosen), 0))
        self.status_combo.currentIndexChanged.connect(self._target_changed)
        self.exception_combo.currentIndexChanged.connect(self._target_changed)
        self.move_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.resize(max(660, self.sizeHint().width()), self.sizeHint().height())
        self._target_changed()

    def target(self) -> str:
        """The status chosen."""
        return str(self.status_combo.currentData())

    def choose(self, status: str) -> None:
        """Select ``status`` as the new status (keyboard users pick it from the list)."""
        self.status_combo.setCurrentIndex(self.status_combo.findData(status))

    def illegal_text(self) -> str:
        """Why the chosen move is not allowed (empty when it is)."""
        return "" if self.illegal.isHidden() else self.illegal.text()

    def _target_changed(self) -> None:
        self.errors.clear()
        self.message.clear()
        target = Status(self.target())
        current = Status(self.record.status)
        allowed = target.value in self.record.next_statuses
        if allowed:
            self.illegal.hide()
        else:
            where = (
                f"From {STATUS_LABELS[current]} it can only go to "
                f"{status_list(self.record.next_statuses)}."
                if TRANSITIONS[current]
                else f"A {STATUS_LABELS[current]} referral is finished and cannot change."
            )
            self.illegal.setText(
                f"Not allowed: a {STATUS_LABELS[current]} referral cannot move to "
                f"{STATUS_LABELS[target]}. {where}"
            )
            self.illegal.show()
        self.move_button.setEnabled(allowed)
        closing = target in (Status.CLOSED, Status.DECLINED)
        self.reason_combo.clear()
        reasons = CLOSE_REASONS if target == Status.CLOSED else DECLINE_REASONS
        if closing:
            self.reason_combo.addItem("Choose the reason…", None)
            for code, text in reasons.items():
                self.reason_combo.addItem(text, code)
        self._show_row(self.reason_label, self.reason_combo, closing)
        sending = target == Status.SENT and self.exception_combo.count() > 1
        self._show_row(self.exception_label, self.exception_combo, sending)
        needs_reason = sending and self.exception_combo.currentData() is not None
        self._show_row(self.justification_label, self.justification, needs_reason)
        self.move_button.setText("&Send" if target == Status.SENT else "&Move")
        self._fit()

    def _fit(self) -> None:
        """Grow to show what just appeared (an explanation, the reason field)."""
        layout = self.layout()
        if layout is None:
            return
        layout.activate()
        needed = self.sizeHint().height()
        if layout.hasHeightForWidth():  # wrapped text: its height depends on the width
            needed = max(needed, layout.heightForWidth(self.width()))
        if self.height() < needed:
            self.resize(self.width(), needed)

    @staticmethod
    def _show_row(label: QLabel, field: QWidget, shown: bool) -> None:
        label.setVisible(shown)
        field.setVisible(shown)

    def submit(self) -> None:
        """Ask the service to make the move; its refusal is shown here, the dialog stays."""
        self.errors.clear()
        self.message.clear()
        target = self.target()
        if target not in self.record.next_statuses:
            return
        core, actor, record = self.context.core, self.context.actor, self.record
        note = self.note.toPlainText() or None
        self.move_button.setEnabled(False)
        if target == Status.SENT.value:
            exception = (
                self.exception_combo.currentData() if self.exception_combo.isVisible() else None
            )
            workers.run(
                referrals.send_referral,
                core,
                actor,
                record.id,
                expected_version=record.version,
                note=note,
                lawful_exception=exception,
                justification=self.justification.toPlainText() or None if exception else None,
                on_done=self._moved,
                on_error=self._failed,
                context=self,
            )
            return
        workers.run(
            referrals.transition_referral,
            core,
            actor,
            record.id,
            target,
            expected_version=record.version,
            reason=self.reason_combo.currentData() if self.reason_combo.isVisible() else None,
            note=note,
            on_done=self._moved,
            on_error=self._failed,
            context=self,
        )

    def _moved(self, record: ReferralRecord) -> None:
        self.result_record = record
        self.moved.emit(record)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.move_button.setEnabled(True)
        if isinstance(error, ValidationError):
            if not self.errors.show(error):
                self.message.show_message(
                    f"Not moved. {sentence(error, REFERRAL_FIELDS)}", MessageKind.ERROR
                )
        elif isinstance(error, RuleRefused):
            self.message.show_message(f"Not moved. {refusal_text(error)}", MessageKind.ERROR)
        elif isinstance(error, ConflictError):
            self.message.show_message(
                "Not moved: someone else changed this referral after you opened it; nothing was "
                "overwritten. Close this window to see the referral as it is now.",
                MessageKind.WARNING,
            )
        else:
            text, _retry = failure_text(error, "Not moved")
            self.message.show_message(text, MessageKind.ERROR)
