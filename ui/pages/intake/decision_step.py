"""Step 6, the decision: release, alternative or detain; detention grounds; an override's
reason, narrative and supervisor approval; the release time when the youth leaves now.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.instruments import RiskResult
from girlscourt.domain.intake_rules import DECISIONS, DecisionInput
from girlscourt.errors import ValidationError
from girlscourt.services.kernel.core import Actor
from ui.context import AppContext
from ui.formatting import DATE_HINT, format_timestamp, parse_moment
from ui.keyboard import chain_tab_order
from ui.pages.intake.step import Setup, Step, error_label
from ui.style import ERROR, set_invalid

DECISION_TEXT = {
    "release": "&Release",
    "alternative": "A&lternative to detention",
    "detain": "&Detain",
}


class DecisionStep(Step):
    """Release, alternative or detain; grounds; an override's reason, narrative and approval."""

    approval_requested = Signal()

    def __init__(self, context: AppContext, setup: Setup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setup = setup
        self.tz = context.core.settings.timezone
        self.band: RiskResult | None = None
        self.approver: Actor | None = None

        self.band_label = QLabel()
        self.band_label.setWordWrap(True)
        self.band_label.setTextFormat(Qt.TextFormat.PlainText)
        self.band_label.setStyleSheet("font-weight: bold;")
        self.group = QButtonGroup(self)
        self.choices: dict[str, QRadioButton] = {}
        choice_row = QWidget()
        choice_line = QHBoxLayout(choice_row)
        choice_line.setContentsMargins(0, 0, 0, 0)
        bands = {band.code: band.label for band in setup.risk.bands}
        for code in DECISIONS:
            button = QRadioButton(DECISION_TEXT.get(code, code.title()))
            button.setToolTip(f"Band: {bands.get(code, code)}")
            self.group.addButton(button)
            self.choices[code] = button
            choice_line.addWidget(button)
        choice_line.addStretch(1)

        self.reasons: dict[str, QCheckBox] = {}
        self.reasons_box = QGroupBox("Statutory grounds for detention (choose at least one)")
        reasons_column = QVBoxLayout(self.reasons_box)
        for code, reason in setup.codes.detention_reasons.items():
            box = QCheckBox(reason.label)
            self.reasons[code] = box
            reasons_column.addWidget(box)
        self.reasons_error = error_label()
        reasons_column.addWidget(self.reasons_error)
        self.fields["detention_reasons"] = (self.reasons_box, self.reasons_error)

        self.override_box = QGroupBox("Override")
        self.override_note = QLabel()
        self.override_note.setWordWrap(True)
        self.override_reason = QComboBox()
        self.override_reason.addItem("Choose the reason…", None)
        for code, reason in setup.codes.override_reasons.items():
            self.override_reason.addItem(reason.label, code)
        self.narrative = QPlainTextEdit()
        self.narrative.setTabChangesFocus(True)
        self.narrative.setPlaceholderText(
            "In a sentence or two: why this decision, and what was considered first"
        )
        self.narrative.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 14)
        self.approval_label = QLabel("Not approved yet.")
        self.approval_label.setWordWrap(True)
        self.approval_label.setTextFormat(Qt.TextFormat.PlainText)
        self.approval_button = QPushButton("Supervisor a&pproval…")
        self.approval_button.setToolTip(
            "A supervisor approves the override with their own user name and password"
        )
        self.approval_button.setAutoDefault(False)
        approval_row = QWidget()
        approval_line = QHBoxLayout(approval_row)
        approval_line.setContentsMargins(0, 0, 0, 0)
        approval_line.addWidget(self.approval_label, 1)
        approval_line.addWidget(self.approval_button)
        override_form = QFormLayout(self.override_box)
        override_form.addRow(self.override_note)
        reason_label = QLabel("Reason &code *")
        reason_label.setBuddy(self.override_reason)
        override_form.addRow(reason_label, self.cell("override_reason_code", self.override_reason))
        narrative_label = QLabel("Narrati&ve *")
        narrative_label.setBuddy(self.narrative)
        override_form.addRow(narrative_label, self.cell("override_narrative", self.narrative))
        override_form.addRow(
            "Approval *", self.cell("approver", approval_row, mark=self.approval_label)
        )

        self.release_box = QGroupBox("Release (only if the youth leaves now)")
        self.release_date = QLineEdit()
        self.release_date.setPlaceholderText(DATE_HINT)
        self.release_date.setFixedWidth(self.fontMetrics().horizontalAdvance("00/00/00000") + 16)
        self.release_time = QLineEdit()
        self.release_time.setPlaceholderText("time")
        self.release_time.setFixedWidth(self.fontMetrics().horizontalAdvance("00:00 pm") + 30)
        self.release_type = QComboBox()
        self.release_type.addItem("How the youth is released…", None)
        for code, release in setup.codes.release_types.items():
            self.release_type.addItem(release.label, code)
        release_row = QWidget()
        release_line = QHBoxLayout(release_row)
        release_line.setContentsMargins(0, 0, 0, 0)
        release_line.addWidget(self.release_date)
        release_line.addWidget(self.release_time)
        release_line.addWidget(self.release_type, 1)
        release_form = QFormLayout(self.release_box)
        released_label = QLabel("&When released")
        released_label.setBuddy(self.release_date)
        release_form.addRow(
            released_label, self.cell("released_at", release_row, mark=self.release_time)
        )
        self.fields["release_type"] = (self.release_type, self.fields["released_at"][1])

        decision_error = error_label()
        self.fields["decision"] = (choice_row, decision_error)
        layout = QVBoxLayout(self)
        layout.addWidget(self.band_label)
        decision_label = QLabel("Decision")
        decision_label.setStyleSheet("font-weight: bold;")
        layout.addWidget(decision_label)
        layout.addWidget(choice_row)
        layout.addWidget(decision_error)
        layout.addWidget(self.reasons_box)
        layout.addWidget(self.override_box)
        layout.addWidget(self.release_box)
        layout.addStretch(1)
        chain_tab_order(
            [
                *self.choices.values(),
                *self.reasons.values(),
                self.override_reason,
                self.narrative,
                self.approval_button,
                self.release_date,
                self.release_time,
                self.release_type,
            ]
        )

        self.group.buttonToggled.connect(self._decision_toggled)
        for box in self.reasons.values():
            box.toggled.connect(lambda _c: self._changed())
        self.override_reason.currentIndexChanged.connect(lambda _i: self._changed())
        self.narrative.textChanged.connect(self._changed)
        for edit in (self.release_date, self.release_time):
            edit.textChanged.connect(lambda _t: self.touched())
        self.release_type.currentIndexChanged.connect(lambda _i: self.touched())
        self.approval_button.clicked.connect(self.approval_requested)
        self._update_visibility()

    def decision(self) -> str | None:
        """The decision chosen, if any."""
        for code, button in self.choices.items():
            if button.isChecked():
                return code
        return None

    def choose(self, code: str | None) -> None:
        """Select a decision as a click would."""
        if code is not None:
            self.choices[code].click()

    def set_band(self, result: RiskResult | None) -> None:
        """The risk result from step 5 (None while incomplete)."""
        self.band = result
        self._update_visibility()

    def override_direction(self) -> str | None:
        """``up`` / ``down`` when the decision differs from the band, else None."""
        decision = self.decision()
        if self.band is None or decision is None:
            return None
        delta = DECISIONS.index(decision) - DECISIONS.index(self.band.recommended_band)
        return None if delta == 0 else ("up" if delta > 0 else "down")

    def _decision_toggled(self, _button: QAbstractButton, checked: bool) -> None:
        if checked:
            self._changed()

    def _changed(self) -> None:
        self._update_visibility()
        self.touched()

    def _update_visibility(self) -> None:
        risk = self.setup.risk
        if self.band is None:
            self.band_label.setText(
                "Recommended band: shown once every risk item is answered (step 5)."
            )
        else:
            band = risk.band(self.band.recommended_band)
            extra = (
                f"; mandatory category: {self.band.mandatory_category}"
                if self.band.mandatory_category
                else ""
            )
            self.band_label.setText(
                f"Recommended band: {band.label} (score {self.band.total}{extra})."
            )
        decision = self.decision()
        self.reasons_box.setVisible(decision == "detain")
        direction = self.override_direction()
        self.override_box.setVisible(direction is not None)
        if direction is not None and self.band is not None and decision is not None:
            recommended = risk.band(self.band.recommended_band).label
            chosen = (
                risk.band(decision).label if decision in {b.code for b in risk.bands} else decision
            )
            word = "more" if direction == "up" else "less"
            self.override_note.setText(
                f"{chosen} is {word} restrictive than the recommended {recommended}: an "
                "override. It needs a reason code, a narrative and a supervisor's approval."
            )
        self.release_box.setVisible(decision in ("release", "alternative"))

    def set_approver(self, approver: Actor | None, note: str | None = None) -> None:
        """Show who approved the override (or that it needs approval again)."""
        self.approver = approver
        if approver is not None:
            when = format_timestamp(self.context.core.now(), self.tz)
            self.approval_label.setText(
                f"Approved by {approver.display_name} ({approver.username}) at {when}."
            )
            self.approval_label.setStyleSheet("color: #2e6b3a; font-weight: bold;")
            widget, label = self.fields["approver"]
            label.hide()
            set_invalid(widget, False)
        else:
            self.approval_label.setText(note or "Not approved yet.")
            self.approval_label.setStyleSheet(f"color: {ERROR};" if note else "")

    def decision_input(self) -> DecisionInput | None:
        """The decision for ``record_intake`` (None when none is chosen)."""
        decision = self.decision()
        if decision is None:
            return None
        reasons = (
            tuple(code for code, box in self.reasons.items() if box.isChecked())
            if decision == "detain"
            else ()
        )
        overriding = self.override_direction() is not None
        code = self.override_reason.currentData()
        return DecisionInput(
            decision,
            reasons,
            str(code) if overriding and code else None,
            self.narrative.toPlainText().strip() or None if overriding else None,
        )

    def approval_key(self) -> tuple[object, ...]:
        """What a supervisor approved: any change to it voids the approval."""
        return (
            self.band.recommended_band if self.band else None,
            self.band.total if self.band else None,
            self.decision(),
            self.override_reason.currentData(),
            self.narrative.toPlainText().strip(),
        )

    def release_values(self) -> tuple[dict[str, Any], list[ValidationError]]:
        """``released_at`` and ``release_type`` when the youth leaves now."""
        if self.decision() not in ("release", "alternative"):
            return {}, []
        try:
            when = parse_moment(
                self.release_date.text(),
                self.release_time.text(),
                "released_at",
                self.tz,
                required=False,
            )
        except ValidationError as error:
            return {}, [error]
        if when is None:
            return {}, []
        code = self.release_type.currentData()
        return {"released_at": when, "release_type": str(code) if code else None}, []

    def show_error(self, error: ValidationError, text: str) -> QWidget | None:
        widget = super().show_error(error, text)
        if widget is self.reasons_box:
            boxes = list(self.reasons.values())
            return boxes[0] if boxes else widget
        if error.field == "decision":
            return next(iter(self.choices.values()))
        if error.field == "approver":
            return self.approval_button
        if error.field == "released_at":
            return self.release_date
        return widget

    def first_field(self) -> QWidget:
        decision = self.decision()
        return self.choices[decision] if decision else next(iter(self.choices.values()))

    def content(self) -> dict[str, Any]:
        return {
            "decision": self.decision(),
            "reasons": [code for code, box in self.reasons.items() if box.isChecked()],
            "override_reason_code": self.override_reason.currentData(),
            "override_narrative": self.narrative.toPlainText(),
            "release_date": self.release_date.text(),
            "release_time": self.release_time.text(),
            "release_type": self.release_type.currentData(),
        }

    def load(self, content: dict[str, Any]) -> None:
        self.loading = True
        try:
            decision = content.get("decision")
            self.group.setExclusive(False)
            for code, button in self.choices.items():
                button.setChecked(code == decision)
            self.group.setExclusive(True)
            chosen = set(content.get("reasons") or [])
            for code, box in self.reasons.items():
                box.setChecked(code in chosen)
            index = self.override_reason.findData(content.get("override_reason_code"))
            self.override_reason.setCurrentIndex(max(index, 0))
            self.narrative.setPlainText(str(content.get("override_narrative") or ""))
            self.release_date.setText(str(content.get("release_date") or ""))
            self.release_time.setText(str(content.get("release_time") or ""))
            self.release_type.setCurrentIndex(
                max(self.release_type.findData(content.get("release_type")), 0)
            )
        finally:
            self.loading = False
        self.set_approver(None)
        self.clear_errors()
        self._update_visibility()

    def summary(self) -> str:
        decision = self.decision()
        if decision is None:
            return "not chosen"
        label = self.choices[decision].text().replace("&", "")
        if self.override_direction():
            return f"{label}: override, {'approved' if self.approver else 'not approved'}"
        return label
