"""Step 3, charges: pick them from the county list by typing; SB 1322 explained before saving."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.intake_rules import ChargeCode
from girlscourt.errors import ValidationError
from ui.context import AppContext
from ui.keyboard import chain_tab_order
from ui.pages.intake.charge_table_model import ChargeFilterModel, ChargeTableModel
from ui.pages.intake.step import ChosenYouth, Setup, Step, hint
from ui.style import INFO_BG, INFO_BORDER, set_invalid


class _PickEdit(QLineEdit):
    """Enter picks the highlighted charge; ↑/↓ move the highlight in the list below."""

    submitted = Signal()
    step = Signal(int)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            self.step.emit(1 if event.key() == Qt.Key.Key_Down else -1)
            event.accept()
            return
        super().keyPressEvent(event)


class _KeyTable(QTableView):
    """Delete removes the selected charge."""

    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class _PickList(QListView):
    """Enter adds the highlighted charge."""

    submitted = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submitted.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class ChargesStep(Step):
    """Pick charges from the county list by typing; add, remove, see level and flags."""

    def __init__(self, context: AppContext, setup: Setup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.codes = setup.codes
        self.youth: ChosenYouth | None = None
        self.age_of: Callable[[], int | None] = lambda: None

        self.pick = _PickEdit()
        self.pick.setPlaceholderText("Code or words, e.g. 211, 245 or theft; Enter adds")
        self.pick.setAccessibleName("Find a charge")
        pick_label = QLabel("Find a &charge")
        pick_label.setBuddy(self.pick)
        self.source = ChargeTableModel(list(setup.codes.charges.values()), self, one_line=True)
        self.filter = ChargeFilterModel(self)
        self.filter.setSourceModel(self.source)
        self.pick_list = _PickList()
        self.pick_list.setModel(self.filter)
        self.pick_list.setModelColumn(0)
        self.pick_list.setAccessibleName("Charge list")
        self.pick_list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        rows = self.pick_list.fontMetrics().lineSpacing() + 6
        self.pick_list.setFixedHeight(rows * 6 + 8)
        self.pick_list.setAlternatingRowColors(True)
        self.no_match = hint("No charge on the county list matches; try the code number or a word.")
        self.no_match.hide()
        self.add_button = QPushButton("&Add charge")
        self.add_button.setAutoDefault(False)

        self.model = ChargeTableModel((), self)
        self.table = _KeyTable()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Charges for this intake")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        em = self.fontMetrics().horizontalAdvance("M")
        self.table.setColumnWidth(0, em * 8)
        self.table.setColumnWidth(2, self.fontMetrics().horizontalAdvance("misdemeanor") + 16)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(3, em * 16)
        self.remove_button = QPushButton("Re&move charge")
        self.remove_button.setAutoDefault(False)
        self.sb1322_note = QLabel()
        self.sb1322_note.setWordWrap(True)
        self.sb1322_note.setObjectName("sb1322Note")
        self.sb1322_note.setStyleSheet(
            f"QLabel#sb1322Note {{ background: {INFO_BG}; border: 1px solid {INFO_BORDER};"
            " border-radius: 4px; padding: 6px; }"
        )
        self.sb1322_note.setText(
            "SB 1322: a youth under 18 is not booked on PC 647(b) or PC 653.22 alone. Saving "
            "will not book the youth on these charges; it starts a child-welfare hotline report "
            "and a CSEC screening instead."
        )
        self.sb1322_note.hide()

        picker = QGridLayout()
        picker.addWidget(pick_label, 0, 0)
        picker.addWidget(self.pick, 0, 1)
        picker.addWidget(self.add_button, 0, 2)
        picker.addWidget(self.pick_list, 1, 1, 1, 2)
        picker.addWidget(self.no_match, 2, 1, 1, 2)
        picker.setColumnStretch(1, 1)
        chosen_label = QLabel("Charges for this intake *")
        chosen_label.setStyleSheet("font-weight: bold;")
        buttons = QHBoxLayout()
        buttons.addWidget(hint("Delete removes the selected charge."), 1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(picker)
        layout.addSpacing(10)
        layout.addWidget(chosen_label)
        layout.addWidget(self.cell("charges", self.table))
        layout.addLayout(buttons)
        layout.addWidget(self.sb1322_note)
        chain_tab_order(
            [self.pick, self.add_button, self.pick_list, self.table, self.remove_button]
        )

        self.pick.textChanged.connect(self._filter)
        self.pick.submitted.connect(self._submitted)
        self.pick.step.connect(self._move_highlight)
        self.pick_list.submitted.connect(self.add_highlighted)
        self.pick_list.doubleClicked.connect(lambda _i: self.add_highlighted())
        self.add_button.clicked.connect(self.add_highlighted)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.delete_pressed.connect(self.remove_selected)
        self._filter("")

    def _filter(self, text: str) -> None:
        self.filter.set_text(text)
        if self.filter.rowCount():
            self.pick_list.setCurrentIndex(self.filter.index(0, 0))
        self.no_match.setVisible(self.filter.rowCount() == 0)

    def _move_highlight(self, step: int) -> None:
        count = self.filter.rowCount()
        if not count:
            return
        row = max(0, min(count - 1, self.pick_list.currentIndex().row() + step))
        self.pick_list.setCurrentIndex(self.filter.index(row, 0))

    def _highlighted(self) -> ChargeCode | None:
        index = self.pick_list.currentIndex()
        if not index.isValid():
            return None
        return self.source.charge(self.filter.mapToSource(index).row())

    def _submitted(self) -> None:
        # Enter in an empty search adds nothing: the first charge on the list is no default.
        if self.pick.text().strip():
            self.add_highlighted()

    def add_highlighted(self) -> None:
        """Add the highlighted charge (once) and clear the search for the next one."""
        charge = self._highlighted()
        if charge is None:
            return
        if charge.code not in [c.code for c in self.model.charges()]:
            self.model.append(charge)
            self.table.selectRow(self.model.rowCount() - 1)
            self.clear_errors()
            self._changed()
        self.pick.clear()
        self.pick.setFocus()

    def add(self, code: str) -> None:
        """Add a charge by its exact code (tests, drafts)."""
        charge = self.codes.charges.get(code)
        if charge is not None and code not in [c.code for c in self.model.charges()]:
            self.model.append(charge)
            self._changed()

    def remove_selected(self) -> None:
        """Remove the charge selected in the table."""
        index = self.table.currentIndex()
        if index.isValid():
            self.model.remove(index.row())
            self._changed()

    def codes_chosen(self) -> list[str]:
        """The codes, in order."""
        return [c.code for c in self.model.charges()]

    def _changed(self) -> None:
        self.update_sb1322()
        self.touched()

    def update_sb1322(self) -> None:
        """Explain SB 1322 before saving when it will apply."""
        charges = self.model.charges()
        age = self.age_of()
        applies = bool(charges) and all(c.sb1322 for c in charges) and (age is None or age < 18)
        self.sb1322_note.setVisible(applies)

    def show_error(self, error: ValidationError, text: str) -> QWidget | None:
        match = re.fullmatch(r"charges\[(\d+)\]\..*", error.field)
        if match:
            self.table.selectRow(int(match[1]))
            table, label = self.fields["charges"]
            label.setText(f"Charge {int(match[1]) + 1}: {text}")
            label.show()
            set_invalid(table, True)
            return table
        widget = super().show_error(error, text)
        if widget is not None and error.field == "charges":
            return self.pick
        return widget

    def first_field(self) -> QWidget:
        return self.pick

    def content(self) -> dict[str, Any]:
        return {"codes": self.codes_chosen()}

    def load(self, content: dict[str, Any]) -> None:
        self.loading = True
        try:
            codes = [str(c) for c in content.get("codes") or []]
            self.model.set_charges(
                [self.codes.charges[c] for c in codes if c in self.codes.charges]
            )
            self.pick.clear()
        finally:
            self.loading = False
        self.clear_errors()
        self.update_sb1322()

    def summary(self) -> str:
        count = self.model.rowCount()
        return "none yet" if not count else ", ".join(self.codes_chosen())
