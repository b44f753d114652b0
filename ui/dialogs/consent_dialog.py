"""Record a signed consent, and see or revoke the youth's consents: a referral goes out only on one.

The form offers only the legal bases the chosen signer may use and the services that basis can
cover, so most mistakes cannot be typed; the service still checks every rule and its answer is
shown under the field it names.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.consent_rules import LEGAL_BASES, SIGNER_LABELS, SignerRole
from girlscourt.domain.permissions import Action
from girlscourt.domain.referral_rules import SCOPE_LABELS, Scope
from girlscourt.errors import ValidationError
from girlscourt.services.referrals import agencies, consents
from girlscourt.services.referrals.agencies import AgencyRecord
from girlscourt.services.referrals.referral_records import ConsentInput, ConsentRecord, Revocation
from ui import workers
from ui.context import AppContext
from ui.formatting import DATE_HINT, format_date, parse_dob
from ui.models.batched_list_model import BatchedListModel
from ui.style import ERROR, MUTED, WARNING_BG, WARNING_BORDER
from ui.widgets.banner import ConfidentialBanner
from ui.widgets.form_dialog import lay_out_form_dialog
from ui.widgets.form_feedback import (
    FieldErrors,
    failure_text,
    field_with_error,
    optional_date,
    report_save_failure,
)
from ui.widgets.message_bar import MessageBar, MessageKind

Index = QModelIndex | QPersistentModelIndex

ATTESTATION_LABELS = {
    "wet_signature": "Signed on paper (original on file)",
    "scanned_copy": "Scanned copy on file",
    "electronic_signature": "Electronic signature",
    "court_order_on_file": "Court order on file",
}
STATE_LABELS = {
    "valid": "valid",
    "expired": "expired",
    "revoked": "revoked",
    "not_yet": "not yet in force",
}
CONSENT_FIELDS = {
    "signer_role": "Signed by",
    "signer_name": "Name of the person who signed",
    "court_order_number": "Court order number",
    "legal_basis": "Legal basis",
    "scope": "Services covered",
    "recipient_agency_id": "Receiving agency",
    "purpose": "Purpose",
    "information": "Information released",
    "signed_on": "Signed on",
    "expires_on": "Expires on",
    "part2": "42 CFR Part 2 consent",
    "attestation": "Signature on file",
    "maturity_attested": "Maturity finding",
    "self_sufficient_attested": "Self-sufficiency finding",
    "youth_cosigned": "Youth's own signature",
    "youth_agrees_to_contact": "Youth agrees to be contacted",
    "reason": "Reason",
}


# --- the consent form ------------------------------------------------------------------------


class ConsentDialog(QDialog):
    """A new consent; ``created`` fires with the stored ConsentRecord and the dialog closes."""

    created = Signal(object)  # ConsentRecord
    ready = Signal()  # the agency list arrived

    def __init__(
        self,
        context: AppContext,
        youth_id: int,
        parent: QWidget | None = None,
        *,
        agency_list: Sequence[AgencyRecord] | None = None,
        agency_id: int | None = None,
        scopes: Sequence[str] = (),
        purpose: str = "",
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.youth_id = youth_id
        self.record: ConsentRecord | None = None
        self._preset_agency = agency_id
        self._retry: Callable[[], None] | None = None
        self.setWindowTitle("Record a signed consent – Girls Court")
        self.setModal(True)
        self.errors = FieldErrors(CONSENT_FIELDS)

        intro = QLabel(
            "Record the consent exactly as it was signed. A referral can be sent only with a "
            "valid consent that covers it; substance use needs its own 42 CFR Part 2 consent."
        )
        intro.setWordWrap(True)
        self.message = MessageBar()

        self.signer_role = QComboBox()
        for role, text in SIGNER_LABELS.items():
            self.signer_role.addItem(text, role.value)
        self.signer_name = QLineEdit()
        self.signer_name.setPlaceholderText("As written on the signature line")
        self.court_order_number = QLineEdit()
        self.court_order_number.setPlaceholderText("e.g. JV-220-2026-0042")
        self.legal_basis = QComboBox()
        self.maturity = QCheckBox(
            "Finding recorded: the youth is mature enough to take part intelligently in treatment"
        )
        self.self_sufficient = QCheckBox(
            "Finding recorded: the youth lives apart from parents and manages their own finances"
        )
        self.scope_boxes: dict[str, QCheckBox] = {}
        scope_grid = QGridLayout()
        scope_grid.setContentsMargins(0, 0, 0, 0)
        for index, (scope, text) in enumerate(SCOPE_LABELS.items()):
            box = QCheckBox(text)
            box.setChecked(scope.value in scopes)
            self.scope_boxes[scope.value] = box
            scope_grid.addWidget(box, index // 2, index % 2)
        self.scope_panel = QFrame()
        self.scope_panel.setLayout(scope_grid)
        self.part2 = QCheckBox("This is a separate 42 CFR Part 2 consent (substance use only)")
        self.youth_cosigned = QCheckBox("The youth signed it too (needed where a parent consents)")
        self.recipient = QComboBox()
        self.recipient.addItem("Loading agencies…", None)
        self.purpose = QLineEdit(purpose)
        self.purpose.setPlaceholderText("e.g. Outpatient counselling")
        self.information = QPlainTextEdit()
        self.information.setPlaceholderText(
            "e.g. Name, date of birth, reason for referral, screening result level"
        )
        self.information.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.information.setTabChangesFocus(True)
        self.signed_on = QLineEdit(format_date(context.core.today()))
        self.signed_on.setPlaceholderText(DATE_HINT)
        self.expires_on = QLineEdit()
        self.expires_on.setPlaceholderText(f"{DATE_HINT} (a court order may have none)")
        for date_edit in (self.signed_on, self.expires_on):
            date_edit.setMaximumWidth(
                date_edit.fontMetrics().horizontalAdvance(date_edit.placeholderText()) + 24
            )
        self.attestation = QComboBox()
        self.attestation.addItem("Not recorded", None)
        for code, text in ATTESTATION_LABELS.items():
            self.attestation.addItem(text, code)
        self.agrees = QComboBox()
        self.agrees.addItem("Not asked", None)
        self.agrees.addItem("Yes, the youth agrees to be contacted", True)
        self.agrees.addItem("No, contact through the referring officer", False)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)

        def row(label: str, name: str, widget: QWidget) -> None:
            form.addRow(label, field_with_error(widget, self.errors.add(name, widget)))

        row("Signed &by *", "signer_role", self.signer_role)
        row("&Name of signer *", "signer_name", self.signer_name)
        row("Court &order number", "court_order_number", self.court_order_number)
        row("&Legal basis *", "legal_basis", self.legal_basis)
        findings = QFrame()
        finding_column = QVBoxLayout(findings)
        finding_column.setContentsMargins(0, 0, 0, 0)
        finding_column.addWidget(self.maturity)
        finding_column.addWidget(self.self_sufficient)
        form.addRow("", field_with_error(findings, self.errors.add("maturity_attested", findings)))
        self.errors.alias("self_sufficient_attested", "maturity_attested")
        row("Ser&vices covered *", "scope", self.scope_panel)
        part2_box = QFrame()
        part2_column = QVBoxLayout(part2_box)
        part2_column.setContentsMargins(0, 0, 0, 0)
        part2_column.addWidget(self.part2)
        part2_column.addWidget(self.youth_cosigned)
        form.addRow("", field_with_error(part2_box, self.errors.add("part2", part2_box)))
        self.errors.alias("youth_cosigned", "part2")
        row("&Receiving agency *", "recipient_agency_id", self.recipient)
        row("&Purpose *", "purpose", self.purpose)
        row("&Information released *", "information", self.information)
        row("Signed o&n *", "signed_on", self.signed_on)
        row("&Expires on", "expires_on", self.expires_on)
        row("Si&gnature on file", "attestation", self.attestation)
        row("Youth &agrees to contact", "youth_agrees_to_contact", self.agrees)

        self.save_button = QPushButton("&Save consent")
        self.save_button.setEnabled(False)
        self.cancel_button = lay_out_form_dialog(self, intro, self.message, form, self.save_button)

        self.signer_role.currentIndexChanged.connect(self._role_changed)
        self.legal_basis.currentIndexChanged.connect(self._basis_changed)
        self.scope_boxes[Scope.SUBSTANCE_USE_TREATMENT.value].toggled.connect(self.part2.setChecked)
        self.part2.toggled.connect(lambda _on: self._basis_changed())
        self.save_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.message.action_triggered.connect(self._try_again)
        self._role_changed()
        self._pick_basis(scopes)
        if agency_list is not None:
            self._agencies_loaded(tuple(agency_list))
        else:
            self._load_agencies()
        self.resize(max(760, self.sizeHint().width()), self.sizeHint().height())

    # -- choices that depend on each other ----------------------------------------------------

    def _pick_basis(self, scopes: Sequence[str]) -> None:
        """Start on a signer and basis that can cover the services asked for (the youth's
        own first), so the form never opens by unticking what the referral needs."""
        wanted = set(scopes)
        if not wanted:
            return
        for role in SignerRole:
            for code, basis in LEGAL_BASES.items():
                if role in basis.signers and wanted <= {s.value for s in basis.scopes}:
                    self.signer_role.setCurrentIndex(self.signer_role.findData(role.value))
                    self.legal_basis.setCurrentIndex(self.legal_basis.findData(code))
                    for code_, box in self.scope_boxes.items():
                        box.setChecked(code_ in wanted)
                    return

    def _role_changed(self) -> None:
        role = SignerRole(self.signer_role.currentData())
        court = role == SignerRole.COURT
        self.court_order_number.setEnabled(court)
        self.signer_name.setPlaceholderText(
            "Judicial officer (optional)" if court else "As written on the signature line"
        )
        previous = self.legal_basis.currentData()
        self.legal_basis.blockSignals(True)
        self.legal_basis.clear()
        for code, basis in LEGAL_BASES.items():
            if role in basis.signers:
                self.legal_basis.addItem(basis.label, code)
        found = self.legal_basis.findData(previous)
        self.legal_basis.setCurrentIndex(max(found, 0))
        self.legal_basis.blockSignals(False)
        self._basis_changed()

    def _basis_changed(self) -> None:
        basis = LEGAL_BASES.get(str(self.legal_basis.currentData()))
        if basis is None:
            return
        self.maturity.setVisible(basis.attestation == "maturity")
        self.self_sufficient.setVisible(basis.attestation == "self_sufficient")
        allowed = {s.value for s in basis.scopes}
        for code, box in self.scope_boxes.items():
            box.setEnabled(code in allowed)
            if code not in allowed:
                box.setChecked(False)
                box.setToolTip(f"{basis.code} does not cover this service")
            else:
                box.setToolTip("")
        if len(allowed) == 1:
            self.scope_boxes[next(iter(allowed))].setChecked(True)
        self.youth_cosigned.setVisible(self.part2.isChecked() and basis.code == "PARENT")

    # -- loading ------------------------------------------------------------------------------

    def _load_agencies(self) -> None:
        self._retry = self._load_agencies
        workers.run(
            agencies.list_agencies,
            self.context.core,
            self.context.actor,
            active_only=True,
            on_done=self._agencies_loaded,
            on_error=self._failed_to_load,
            context=self,
        )

    def _agencies_loaded(self, found: tuple[AgencyRecord, ...]) -> None:
        self.recipient.clear()
        self.recipient.addItem("Choose the agency that may receive the information…", None)
        for agency in found:
            self.recipient.addItem(f"{agency.name} ({agency.kind_label})", agency.id)
        index = self.recipient.findData(self._preset_agency)
        self.recipient.setCurrentIndex(max(index, 0))
        self.save_button.setEnabled(self.context.may(Action.CONSENT_MANAGE))
        self.ready.emit()

    def _failed_to_load(self, error: BaseException) -> None:
        text, retry = failure_text(error, "The agency list could not be loaded")
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)

    # -- saving -------------------------------------------------------------------------------

    def consent_input(self) -> ConsentInput:
        """What the form says, as the service takes it (dates parsed here; ValidationError)."""
        signed = parse_dob(self.signed_on.text(), "signed_on")
        expires = optional_date(self.expires_on.text(), "expires_on")
        return ConsentInput(
            youth_id=self.youth_id,
            signer_role=str(self.signer_role.currentData()),
            legal_basis=str(self.legal_basis.currentData()),
            scope=tuple(code for code, box in self.scope_boxes.items() if box.isChecked()),
            recipient_agency_id=self.recipient.currentData(),
            purpose=self.purpose.text(),
            information=self.information.toPlainText(),
            signed_on=signed,
            expires_on=expires,
            signer_name=self.signer_name.text() or None,
            court_order_number=(
                self.court_order_number.text() or None
                if self.court_order_number.isEnabled()
                else None
            ),
            part2=self.part2.isChecked(),
            attestation=self.attestation.currentData(),
            maturity_attested=self.maturity.isVisible() and self.maturity.isChecked(),
            self_sufficient_attested=(
                self.self_sufficient.isVisible() and self.self_sufficient.isChecked()
            ),
            youth_cosigned=self.youth_cosigned.isVisible() and self.youth_cosigned.isChecked(),
            youth_agrees_to_contact=self.agrees.currentData(),
        )

    def submit(self) -> None:
        """Check the dates here, the rest in the service; save on success."""
        self.message.clear()
        self.errors.clear()
        try:
            data = self.consent_input()
        except ValidationError as error:
            self._show_error(error)
            return
        self.save_button.setEnabled(False)
        self._retry = self.submit
        workers.run(
            consents.create_consent,
            self.context.core,
            self.context.actor,
            data,
            on_done=self._created,
            on_error=self._failed,
            context=self,
        )

    def _created(self, record: ConsentRecord) -> None:
        self.record = record
        self.created.emit(record)
        self.accept()

    def _show_error(self, error: ValidationError) -> None:
        report_save_failure(self.message, self.errors, error)

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        report_save_failure(self.message, self.errors, error)

    def _try_again(self) -> None:
        if self._retry is not None:
            self.message.clear()
            self._retry()


# --- the youth's consents --------------------------------------------------------------------

COL_ID, COL_SIGNER, COL_BASIS, COL_SCOPE, COL_RECIPIENT, COL_SIGNED, COL_EXPIRES, COL_STATE = range(
    8
)
_CONSENT_HEADERS = (
    "#",
    "Signed by",
    "Legal basis",
    "Covers",
    "Receiving agency",
    "Signed",
    "Expires",
    "State",
)
ConsentRole = Qt.ItemDataRole.UserRole
BATCH = 50


class ConsentTableModel(BatchedListModel[ConsentRecord]):
    """A youth's consents, revealed ``BATCH`` rows at a time as the view scrolls."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__([(title, None) for title in _CONSENT_HEADERS], BATCH, parent)

    def consent(self, row: int) -> ConsentRecord | None:
        """The record on ``row``."""
        return self.row_at(row)

    def cell(self, record: ConsentRecord, column: int, role: int) -> object:
        if role == ConsentRole:
            return record
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATE:
            return QColor(ERROR) if record.state != "valid" else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{record.legal_basis_label}. Purpose: {record.purpose}"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        signer = SIGNER_LABELS.get(SignerRole(record.signer_role), record.signer_role)
        values = {
            COL_ID: str(record.id),
            COL_SIGNER: f"{signer}: {record.signer_name}" if record.signer_name else signer,
            COL_BASIS: record.legal_basis + (" · Part 2" if record.part2 else ""),
            COL_SCOPE: ", ".join(record.scope_labels),
            COL_RECIPIENT: record.recipient_name or "",
            COL_SIGNED: format_date(record.signed_on),
            COL_EXPIRES: format_date(record.expires_on) or "—",
            COL_STATE: STATE_LABELS.get(record.state, record.state),
        }
        return values[column]


class ConsentListDialog(QDialog):
    """The youth's consents: record a new one, or revoke one (open referrals are named)."""

    loaded = Signal()
    consent_created = Signal(object)  # ConsentRecord
    revoked = Signal(object)  # Revocation
    consent_dialog_opened = Signal(object)  # ConsentDialog

    def __init__(self, context: AppContext, youth_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.youth_id = youth_id
        self.consent_dialog: ConsentDialog | None = None
        self.setWindowTitle("Consents – Girls Court")
        can_manage = context.may(Action.CONSENT_MANAGE)

        self.message = MessageBar()
        self.model = ConsentTableModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Consents on file")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(COL_SCOPE, QHeaderView.ResizeMode.Stretch)
        self.new_button = QPushButton("&New consent…")
        self.revoke_button = QPushButton("&Revoke…")
        self.revoke_button.setEnabled(False)
        for button in (self.new_button, self.revoke_button):
            button.setVisible(can_manage)
        self.close_button = QPushButton("Close")
        self.close_button.setAutoDefault(False)

        self.revoke_panel = QFrame()
        self.revoke_panel.setObjectName("revokePanel")
        self.revoke_panel.setStyleSheet(
            f"QFrame#revokePanel {{ background: {WARNING_BG}; border: 1px solid"
            f" {WARNING_BORDER}; border-radius: 4px; }}"
        )
        self.revoke_label = QLabel()
        self.revoke_label.setWordWrap(True)
        self.revoke_reason = QLineEdit()
        self.revoke_reason.setPlaceholderText("Why, as the person who signed said it (optional)")
        self.confirm_revoke_button = QPushButton("Re&voke from now on")
        self.cancel_revoke_button = QPushButton("Keep it")
        panel = QVBoxLayout(self.revoke_panel)
        panel.addWidget(self.revoke_label)
        reason_row = QHBoxLayout()
        reason_label = QLabel("Rea&son")
        reason_label.setBuddy(self.revoke_reason)
        reason_row.addWidget(reason_label)
        reason_row.addWidget(self.revoke_reason, 1)
        reason_row.addWidget(self.confirm_revoke_button)
        reason_row.addWidget(self.cancel_revoke_button)
        panel.addLayout(reason_row)
        self.revoke_panel.hide()

        hint = QLabel(
            "Only a valid consent naming the receiving agency and covering the service lets a "
            "referral be sent."
        )
        hint.setWordWrap(True)
        hint.setStyleSheet(f"color: {MUTED};")
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.revoke_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 10)
        layout.addWidget(ConfidentialBanner())
        body = QVBoxLayout()
        body.setContentsMargins(12, 4, 12, 0)
        body.addWidget(hint)
        body.addWidget(self.message)
        body.addWidget(self.table, 1)
        body.addWidget(self.revoke_panel)
        body.addLayout(buttons)
        layout.addLayout(body, 1)

        self.new_button.clicked.connect(self.new_consent)
        self.revoke_button.clicked.connect(self.ask_revoke)
        self.confirm_revoke_button.clicked.connect(self.revoke)
        self.cancel_revoke_button.clicked.connect(self.revoke_panel.hide)
        self.close_button.clicked.connect(self.accept)
        self.table.selectionModel().currentRowChanged.connect(self._selection_changed)
        self.message.action_triggered.connect(self.refresh)
        self.resize(980, 460)
        self.refresh()

    def refresh(self) -> None:
        """Load the youth's consents."""
        self.message.clear()
        workers.run(
            consents.list_consents,
            self.context.core,
            self.context.actor,
            self.youth_id,
            on_done=self._loaded,
            on_error=self._failed,
            context=self,
        )

    def _loaded(self, rows: tuple[ConsentRecord, ...]) -> None:
        self.model.set_rows(rows)
        if rows:
            self.table.setCurrentIndex(self.model.index(0, 0))
        else:
            self.message.show_message("No consent is on file for this youth yet.", MessageKind.INFO)
        self._selection_changed()
        self.loaded.emit()

    def _failed(self, error: BaseException) -> None:
        text, retry = failure_text(error, "The consents could not be loaded")
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)

    def selected(self) -> ConsentRecord | None:
        """The consent on the current row."""
        index = self.table.currentIndex()
        return self.model.consent(index.row()) if index.isValid() else None

    def _selection_changed(self, *_args: object) -> None:
        record = self.selected()
        self.revoke_button.setEnabled(record is not None and record.revoked_at is None)
        self.revoke_panel.hide()

    def new_consent(self) -> ConsentDialog:
        """Open the consent form."""
        dialog = ConsentDialog(self.context, self.youth_id, self)
        dialog.created.connect(self._created)
        dialog.finished.connect(lambda _code: dialog.deleteLater())
        self.consent_dialog = dialog
        dialog.open()
        self.consent_dialog_opened.emit(dialog)
        return dialog

    def _created(self, record: ConsentRecord) -> None:
        self.message.show_message(f"Consent #{record.id} recorded.", MessageKind.INFO)
        self.consent_created.emit(record)
        self.refresh()

    def ask_revoke(self) -> None:
        """Show the revocation panel for the selected consent."""
        record = self.selected()
        if record is None:
            return
        self.revoke_label.setText(
            f"Revoke consent #{record.id}? It stops covering any referral from now on; "
            "what was already shared in reliance on it stays lawful."
        )
        self.revoke_panel.show()
        self.revoke_reason.setFocus()

    def revoke(self) -> None:
        """Revoke the selected consent."""
        record = self.selected()
        if record is None:
            return
        self.confirm_revoke_button.setEnabled(False)
        workers.run(
            consents.revoke_consent,
            self.context.core,
            self.context.actor,
            record.id,
            self.revoke_reason.text() or None,
            expected_version=record.version,
            on_done=self._revoked,
            on_error=self._revoke_failed,
            context=self,
        )

    def _revoked(self, result: Revocation) -> None:
        self.confirm_revoke_button.setEnabled(True)
        self.revoke_panel.hide()
        self.revoke_reason.clear()
        affected = ", ".join(f"#{i}" for i in result.affected_referrals)
        text = f"Consent #{result.consent.id} revoked."
        if affected:
            text += (
                f" Open referrals that relied on it: {affected}. They cannot be sent on it; "
                "tell the receiving agencies."
            )
        self.refresh()
        self.message.show_message(text, MessageKind.WARNING if affected else MessageKind.INFO)
        self.revoked.emit(result)

    def _revoke_failed(self, error: BaseException) -> None:
        self.confirm_revoke_button.setEnabled(True)
        text, retry = failure_text(error, "Not revoked")
        self.message.show_message(text, MessageKind.ERROR)
        del retry
