"""Step 4, screening: the screening form, or "screen later" when no trained screener is at hand."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from girlscourt.errors import ValidationError
from ui.formatting import DATE_HINT, parse_moment
from ui.pages.intake.step import Setup, Step, hint
from ui.style import set_invalid
from ui.widgets.screening_form import ScreeningForm

IDENTIFIED = "screening.identified_at"


class ScreeningStep(Step):
    """The screening form, or "screen later" when no trained screener is at hand."""

    def __init__(
        self, setup: Setup, parent: QWidget | None = None, tz: ZoneInfo | None = None
    ) -> None:
        super().__init__(parent)
        self.tz = tz
        self.form = ScreeningForm(setup.screening)
        # When it was done: the protocol's clocks run from identification, not from typing.
        self.screened_date, self.screened_time = QLineEdit(), QLineEdit()
        self.screened_date.setPlaceholderText(DATE_HINT)
        self.screened_date.setAccessibleName("Screening date")
        self.screened_time.setPlaceholderText("time")
        self.screened_time.setAccessibleName("Screening time")
        for edit in (self.screened_date, self.screened_time):
            edit.setMaxLength(10)
            edit.setFixedWidth(edit.fontMetrics().horizontalAdvance("00/00/00000") + 16)
        when = QHBoxLayout()
        when_label = QLabel("Screened &at")
        when_label.setBuddy(self.screened_date)
        when.addWidget(when_label)
        when.addWidget(self.screened_date)
        when.addWidget(self.screened_time)
        when.addWidget(
            hint("Leave empty if screening now; for a late entry, type when it was done."), 1
        )
        self.when_error = QLabel()
        self.when_error.setStyleSheet("color: #a4262c;")
        self.when_error.hide()
        self.later = QCheckBox(
            "Screen &later: not screening now (a trained screener completes it; the intake "
            "saves without it)"
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.later)
        if tz is not None:
            layout.addLayout(when)
            layout.addWidget(self.when_error)
        layout.addWidget(self.form, 1)
        for edit in (self.screened_date, self.screened_time):
            edit.textChanged.connect(lambda _t: self.touched())
        self.later.toggled.connect(self._later_toggled)
        self.form.edited.connect(self.touched)

    def _later_toggled(self, later: bool) -> None:
        self.form.setEnabled(not later)
        self.form.clear_errors()
        self.touched()

    def identified_at(self) -> tuple[dt.datetime | None, list[ValidationError]]:
        """When the screening was done (None: now), with the format problem found."""
        if self.tz is None or not (self.screened_date.text() or self.screened_time.text()):
            return None, []
        try:
            moment = parse_moment(
                self.screened_date.text(),
                self.screened_time.text(),
                IDENTIFIED,
                self.tz,
                required=True,
            )
        except ValidationError as error:
            return None, [error]
        return moment, []

    def show_error(self, error: ValidationError, text: str) -> QWidget | None:
        if error.field == IDENTIFIED:
            self.when_error.setText(text)
            self.when_error.show()
            for edit in (self.screened_date, self.screened_time):
                set_invalid(edit, True)
            return self.screened_date
        widget = self.form.show_error(error, text)
        if widget is not None and error.field.startswith("responses."):
            first = self.form.mark_unrated()
            return first or widget
        return widget

    def clear_errors(self) -> None:
        self.form.clear_errors()
        self.when_error.hide()
        for edit in (self.screened_date, self.screened_time):
            set_invalid(edit, False)

    def first_field(self) -> QWidget:
        return self.later if self.later.isChecked() else self.form.first_field()

    def content(self) -> dict[str, Any]:
        return {
            "later": self.later.isChecked(),
            "screened_date": self.screened_date.text(),
            "screened_time": self.screened_time.text(),
            **self.form.content(),
        }

    def load(self, content: dict[str, Any]) -> None:
        self.loading = True
        try:
            self.later.setChecked(bool(content.get("later")))
            self.screened_date.setText(str(content.get("screened_date") or ""))
            self.screened_time.setText(str(content.get("screened_time") or ""))
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
