"""The court's orders in the outcome dialog: the detention order with its WIC 636 findings at a
detention hearing, and the ground a continuance was granted on (the youth's consent, good cause
under WIC 682, or a time waiver with who waived and until when). The clocks follow these."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QObject
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLineEdit,
    QWidget,
)

from girlscourt.domain.court_orders import (
    CONSENT,
    DETAINED,
    DETENTION_TYPES,
    FINDINGS_636,
    GOOD_CAUSE,
    RELEASED,
    TIME_WAIVER,
    CourtOrderInput,
)
from girlscourt.domain.hearing_rules import CONTINUED, HELD


class CourtOrdersForm(QObject):
    """Rows added to the outcome dialog's form; only the rows that apply are shown."""

    def __init__(self, form: QFormLayout, hearing_type: str | None, today: dt.date) -> None:
        super().__init__()
        self._form = form
        self._detention = hearing_type in DETENTION_TYPES
        self.order = QComboBox()
        self.order.setAccessibleName("Court's detention order")
        self.order.addItem("Not recorded", None)
        self.order.addItem("Detained", DETAINED)
        self.order.addItem("Released", RELEASED)
        self.findings = {
            key: QCheckBox(f"The court found that {text}") for key, text in FINDINGS_636.items()
        }
        self.basis = QComboBox()
        self.basis.setAccessibleName("Continuance granted on")
        self.basis.addItem("Not recorded", None)
        self.basis.addItem("The youth's consent", CONSENT)
        self.basis.addItem("Good cause (WIC 682)", GOOD_CAUSE)
        self.basis.addItem("Time waiver", TIME_WAIVER)
        self.waiver_until = QDateEdit(QDate(today.year, today.month, today.day))
        self.waiver_until.setCalendarPopup(True)
        self.waiver_until.setDisplayFormat("ddd MM/dd/yyyy")
        self.waiver_until.setAccessibleName("Time waived until")
        self.waived_by = QLineEdit()
        self.waived_by.setAccessibleName("Time waived by")
        self.waived_by.setPlaceholderText("e.g. the youth, with counsel")
        self._held_rows: list[QWidget] = []
        if self._detention:
            form.addRow("Court's &order:", self.order)
            self._held_rows.append(self.order)
            for box in self.findings.values():
                form.addRow("", box)
                self._held_rows.append(box)
        form.addRow("&Granted on:", self.basis)
        form.addRow("Time waived &until:", self.waiver_until)
        form.addRow("Waived &by:", self.waived_by)
        self._continued_rows: list[QWidget] = [self.basis, self.waiver_until, self.waived_by]
        self.order.currentIndexChanged.connect(self._order_changed)
        self.basis.currentIndexChanged.connect(self._basis_changed)

    def set_outcome(self, outcome: str) -> None:
        """Show the rows that belong to this outcome."""
        for widget in self._held_rows:
            self._form.setRowVisible(widget, outcome == HELD)
        for widget in self._continued_rows:
            self._form.setRowVisible(widget, outcome == CONTINUED)
        self._order_changed()
        self._basis_changed()

    def _order_changed(self) -> None:
        for box in self.findings.values():
            box.setEnabled(self.order.currentData() == DETAINED)

    def _basis_changed(self) -> None:
        waiver = self.basis.currentData() == TIME_WAIVER
        self.waiver_until.setEnabled(waiver)
        self.waived_by.setEnabled(waiver)

    def orders(self, outcome: str) -> CourtOrderInput:
        """What the clerk recorded, for the service (which checks it)."""
        if outcome == HELD and self._detention:
            order = self.order.currentData()
            findings = (
                {key: box.isChecked() for key, box in self.findings.items()}
                if order == DETAINED
                else {}
            )
            return CourtOrderInput(detention_order=order, findings_636=findings)
        if outcome == CONTINUED:
            basis = self.basis.currentData()
            if basis == TIME_WAIVER:
                value = self.waiver_until.date()
                return CourtOrderInput(
                    continuance_basis=basis,
                    time_waiver_until=dt.date(value.year(), value.month(), value.day()),
                    waived_by=self.waived_by.text().strip() or None,
                )
            return CourtOrderInput(continuance_basis=basis)
        return CourtOrderInput()
