"""The confidentiality banner every window showing youth data carries (WIC 827)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from ui.style import BANNER_BG

CONFIDENTIAL_TEXT = (
    "CONFIDENTIAL – Juvenile record (Welf. & Inst. Code §827) – Do not copy or redistribute"
)


class ConfidentialBanner(QLabel):
    """A strip that cannot be closed or hidden by the user."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(CONFIDENTIAL_TEXT, parent)
        self.setObjectName("confidentialBanner")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setStyleSheet(
            f"QLabel#confidentialBanner {{ background: {BANNER_BG}; color: white;"
            " font-weight: bold; padding: 5px 8px; }"
        )
        self.setAccessibleName("Confidentiality notice")
