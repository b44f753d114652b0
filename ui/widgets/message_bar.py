"""An inline message strip with an optional "Try again": failures never cost what was typed."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ui.style import ERROR, ERROR_BG, INFO_BG, INFO_BORDER, WARNING_BG, WARNING_BORDER


class MessageKind(StrEnum):
    """How serious a message is (sets its colours)."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


_COLOURS = {
    MessageKind.ERROR: (ERROR_BG, ERROR),
    MessageKind.WARNING: (WARNING_BG, WARNING_BORDER),
    MessageKind.INFO: (INFO_BG, INFO_BORDER),
}


class MessageBar(QFrame):
    """Hidden until ``show_message``; ``action_triggered`` fires when its button is pressed."""

    action_triggered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton(self)
        self.button.clicked.connect(self.action_triggered)
        self.button.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.kind = MessageKind.INFO
        self.hide()

    def show_message(
        self, text: str, kind: MessageKind = MessageKind.INFO, action: str | None = None
    ) -> None:
        """Show ``text``; ``action`` is the button text (e.g. "&Try again"), or no button."""
        self.kind = kind
        background, border = _COLOURS[kind]
        self.setStyleSheet(
            f"QFrame#messageBar {{ background: {background}; border: 1px solid {border};"
            " border-radius: 4px; }"
        )
        self.label.setText(text)
        self.setAccessibleDescription(text)
        if action:
            self.button.setText(action)
            self.button.show()
        else:
            self.button.hide()
        self.show()

    def text(self) -> str:
        """The message shown (empty when hidden)."""
        return self.label.text() if not self.isHidden() else ""

    def clear(self) -> None:
        """Hide the message."""
        self.label.clear()
        self.button.hide()
        self.hide()
