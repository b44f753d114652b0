"""Step 4, screening: the screening form, or "screen later" when no trained screener is at hand."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from girlscourt.errors import ValidationError
from ui.pages.intake.step import Setup, Step
from ui.widgets.screening_form import ScreeningForm


class ScreeningStep(Step):
    """The screening form, or "screen later" when no trained screener is at hand."""

    def __init__(self, setup: Setup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = ScreeningForm(setup.screening)
        self.later = QCheckBox(
            "Screen &later: not screening now (a trained screener completes it; the intake "
            "saves without it)"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.later)
        layout.addWidget(self.form, 1)
        self.later.toggled.connect(self._later_toggled)
        self.form.edited.connect(self.touched)

    def _later_toggled(self, later: bool) -> None:
        self.form.setEnabled(not later)
        self.form.clear_errors()
        self.touched()

    def show_error(self, error: ValidationError, text: str) -> QWidget | None:
        widget = self.form.show_error(error, text)
        if widget is not None and error.field.startswith("responses."):
            first = self.form.mark_unrated()
            return first or widget
        return widget

    def clear_errors(self) -> None:
        self.form.clear_errors()

    def first_field(self) -> QWidget:
        return self.later if self.later.isChecked() else self.form.first_field()

    def content(self) -> dict[str, Any]:
        return {"later": self.later.isChecked(), **self.form.content()}

    def load(self, content: dict[str, Any]) -> None:
        self.loading = True
        try:
            self.later.setChecked(bool(content.get("later")))
            self.form.load(content)
        finally:
            self.loading = False

    def summary(self) -> str:
        if self.later.isChecked():
            return "later"
        if self.form.disclosure:
            return "stopped: disclosure"
        rated = len(self.form.rows) - len(self.form.unrated())
        if self.form.result is not None and rated:
            level = self.form.instrument.level(self.form.result.final_level).label
            return (
                level
                if not self.form.unrated()
                else f"{level} so far ({rated}/{len(self.form.rows)})"
            )
        return f"{rated} of {len(self.form.rows)} rated"
