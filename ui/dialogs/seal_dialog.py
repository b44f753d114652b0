"""Seal a petition on the court's order: the sealed-records custodian's dialog (WIC 786, 781).

The petition, the basis and the court's order number; for WIC 786 the day the youth
satisfactorily completed probation (left blank, a completed Girls Court assignment on the case
stands for it). The seal itself is ``sealing.seal_petition`` on a worker thread; a refusal is
shown under the field it names and nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from girlscourt.domain.sealing_rules import BASIS_LABELS, COMPLETION_BASES
from girlscourt.errors import ValidationError
from girlscourt.services.court.cases import CaseRecord
from girlscourt.services.security import sealing
from girlscourt.services.security.sealing import PetitionSeal
from ui import workers
from ui.context import AppContext
from ui.formatting import DATE_HINT
from ui.style import MUTED
from ui.widgets.form_dialog import lay_out_form_dialog
from ui.widgets.form_feedback import (
    FieldErrors,
    field_with_error,
    optional_date,
    report_save_failure,
)
from ui.widgets.message_bar import MessageBar

LABELS = {
    "petition_id": "Petition",
    "reason": "Basis",
    "order_number": "Court order number",
    "completed_on": "Completed on",
}
STATE_LABELS = {
    "open": "open",
    "dismissed": "dismissed",
    "sealed_786": "sealed under WIC 786",
    "sealed_781": "sealed under WIC 781",
    "vacated_236.14": "vacated under PC 236.14",
}
INTRO = (
    "Sealing carries out the court's order. The petition is then hidden from everyone but the "
    "sealed-records custodian; when it is her last unsealed petition, her whole record is, and "
    "the record answers as if it never existed. The seal is recorded in the audit log with your "
    "name."
)


class SealDialog(QDialog):
    """Seal one of a youth's petitions; ``sealed(PetitionSeal)`` fires and it closes."""

    sealed = Signal(object)  # PetitionSeal

    def __init__(
        self, context: AppContext, cases: Sequence[CaseRecord], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Seal petition")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(620)
        self.errors = FieldErrors(LABELS)
        self.message = MessageBar()

        heading = QLabel(INTRO)
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setStyleSheet(f"color: {MUTED};")
        self.petition_combo = QComboBox()
        self.petition_combo.setAccessibleName("Petition")
        for case in cases:
            for petition in case.petitions:
                if petition.sealed:
                    continue
                state = "" if petition.sealing_state == "open" else f" · {petition.sealing_state}"
                self.petition_combo.addItem(
                    f"{petition.petition_number} · case {case.case_number} · filed "
                    f"{petition.filed_on:%m/%d/%Y}{state}",
                    petition.id,
                )
        self.basis_combo = QComboBox()
        self.basis_combo.setAccessibleName("Sealing basis")
        for code, label in BASIS_LABELS.items():
            self.basis_combo.addItem(label, code)
        self.order_number = QLineEdit()
        self.order_number.setAccessibleName("Court order number")
        self.order_number.setPlaceholderText("e.g. JV-596 2026-0042")
        self.order_number.setMaxLength(60)
        self.completed_on = QLineEdit()
        self.completed_on.setAccessibleName("Completed probation on")
        self.completed_on.setPlaceholderText(
            f"{DATE_HINT}; blank: the day Girls Court was completed on this case"
        )

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        rows: tuple[tuple[str, str, QWidget], ...] = (
            ("&Petition *", "petition_id", self.petition_combo),
            ("&Basis *", "reason", self.basis_combo),
            ("Court &order number *", "order_number", self.order_number),
            ("&Completed probation on", "completed_on", self.completed_on),
        )
        for caption, name, widget in rows:
            cell = field_with_error(widget, self.errors.add(name, widget))
            form.addRow(caption, cell)
            buddy = form.labelForField(cell)
            if isinstance(buddy, QLabel):  # the mnemonic focuses the field, not its cell
                buddy.setBuddy(widget)
        self.save_button = QPushButton("&Seal petition")
        cancel = lay_out_form_dialog(self, heading, self.message, form, self.save_button)
        cancel.clicked.connect(self.reject)
        self.save_button.clicked.connect(self.submit)
        self.basis_combo.currentIndexChanged.connect(self._basis_changed)
        self._basis_changed()
        self.save_button.setEnabled(self.petition_combo.count() > 0)

    def _basis_changed(self, *_args: object) -> None:
        needs_completion = self.basis_combo.currentData() in COMPLETION_BASES
        self.completed_on.setEnabled(needs_completion)
        if not needs_completion:
            self.completed_on.clear()

    def submit(self) -> None:
        """Seal the chosen petition (on a worker thread)."""
        self.errors.clear()
        self.message.clear()
        try:
            completed = optional_date(self.completed_on.text(), "completed_on")
        except ValidationError as error:
            self._show_failure(error)
            return
        self.save_button.setEnabled(False)
        workers.run(
            sealing.seal_petition,
            self.context.core,
            self.context.actor,
            int(self.petition_combo.currentData()),
            self.order_number.text(),
            str(self.basis_combo.currentData()),
            completed_on=completed,
            on_done=self._sealed,
            on_error=self._failed,
            context=self,
        )

    def _sealed(self, seal: PetitionSeal) -> None:
        self.sealed.emit(seal)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        self._show_failure(error)

    def _show_failure(self, error: BaseException) -> None:
        report_save_failure(self.message, self.errors, error)
        self.adjustSize()  # room for the message and the wrapped line under the field
