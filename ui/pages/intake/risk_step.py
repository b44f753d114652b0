"""Step 5, risk: the risk instrument form."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QVBoxLayout, QWidget

from girlscourt.errors import ValidationError
from ui.pages.intake.step import Setup, Step
from ui.widgets.risk_form import RiskForm


class RiskStep(Step):
    """The risk instrument form."""

    def __init__(self, setup: Setup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.form = RiskForm(setup.risk)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        self.form.edited.connect(self.touched)

    def show_error(self, error: ValidationError, text: str) -> QWidget | None:
        widget = self.form.show_error(error, text)
        if widget is not None and error.field.startswith("answers."):
            return self.form.mark_unanswered() or widget
        if widget is not None and error.field == "risk":
            self.form.mark_unanswered()
        return widget

    def clear_errors(self) -> None:
        self.form.clear_errors()

    def first_field(self) -> QWidget:
        return self.form.first_field()

    def content(self) -> dict[str, Any]:
        return self.form.content()

    def load(self, content: dict[str, Any]) -> None:
        self.form.load(content)

    def summary(self) -> str:
        result = self.form.result
        if result is not None:
            band = self.form.instrument.band(result.recommended_band).label
            return f"{band} (score {result.total})"
        answered = len(self.form.answers())
        return f"{answered} of {len(self.form.combos)} answered"
