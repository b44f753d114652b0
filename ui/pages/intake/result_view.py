"""What the page shows once the intake is saved: the facts, the legal clocks, protocol steps."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from girlscourt.services.intake.intake import IntakeResult
from girlscourt.services.kernel.core import Actor
from ui.formatting import format_timestamp
from ui.models.board_table_model import format_due
from ui.pages.intake.step import ChosenYouth, Setup


class ResultView(QWidget):
    """What was recorded: result level, band, decision, the legal clocks and protocol steps."""

    def __init__(self, tz: ZoneInfo, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tz = tz
        self.title = QLabel("Intake saved")
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold; color: #2e6b3a;")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.notices = QLabel()  # SB 1322: counts struck, the others booked
        self.notices.setTextFormat(Qt.TextFormat.PlainText)
        self.notices.setWordWrap(True)
        self.notices.setStyleSheet(
            "background: #fff4d6; border: 1px solid #c9a227; padding: 6px; color: #4a3b00;"
        )
        self.notices.setAccessibleName("Notice")
        self.notices.hide()
        self.facts = QLabel()
        self.facts.setTextFormat(Qt.TextFormat.PlainText)
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        deadlines_caption = QLabel("Legal deadlines")
        deadlines_caption.setStyleSheet("font-weight: bold;")
        self.deadlines = QLabel()
        self.deadlines.setTextFormat(Qt.TextFormat.PlainText)
        self.deadlines.setWordWrap(True)
        self.deadlines.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        steps_caption = QLabel("CSEC protocol steps started")
        steps_caption.setStyleSheet("font-weight: bold;")
        self.steps = QLabel()
        self.steps.setTextFormat(Qt.TextFormat.PlainText)
        self.steps.setWordWrap(True)
        self.steps.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = QPushButton("&Open the youth's record")
        self.open_button.setDefault(True)
        self.another_button = QPushButton("Start a&nother intake")
        self.another_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.another_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.notices)
        layout.addWidget(self.facts)
        layout.addSpacing(6)
        layout.addWidget(deadlines_caption)
        layout.addWidget(self.deadlines)
        layout.addSpacing(6)
        layout.addWidget(steps_caption)
        layout.addWidget(self.steps)
        layout.addSpacing(10)
        layout.addLayout(buttons)
        layout.addStretch(1)

    def show_result(
        self,
        result: IntakeResult,
        youth: ChosenYouth | None,
        setup: Setup,
        approver: Actor | None,
    ) -> None:
        """Fill the view from the service's result."""
        name = youth.name if youth else "the youth"
        self.title.setText(f"Intake saved for {name}")
        self.notices.setText("\n".join(n.removeprefix("charges: ") for n in result.notices))
        self.notices.setVisible(bool(result.notices))
        lines = [f"Custody episode #{result.episode_id} is recorded."]
        if result.result_level:
            level = setup.screening.level(result.result_level).label
            lines.append(f"Screening: {level} (a screen for referral, not evidence).")
        else:
            lines.append("Screening: not done yet; a trained screener completes it later.")
        if result.recommended_band:
            band = setup.risk.band(result.recommended_band).label
            lines.append(f"Risk instrument recommends: {band}.")
        if result.decision:
            decision = setup.risk.band(result.decision).label
            text = f"Decision: {decision}"
            if result.override_direction:
                text += f" (override {result.override_direction}"
                text += f", approved by {approver.display_name})" if approver else ")"
            lines.append(text + ".")
        self.facts.setText("\n".join(lines))
        self.deadlines.setText(
            "\n".join(
                f"• {d.citation} — due {format_due(d.due, self.tz)} ({d.state})"
                for d in result.deadlines
            )
            or "None running (the youth is not in custody)."
        )
        self.steps.setText(
            "\n".join(
                f"• {s.label} — by {format_timestamp(s.due_at, self.tz)}" for s in result.checklist
            )
            or "None: the screening did not identify a concern."
        )
