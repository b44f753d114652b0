"""What a locked window shows instead of its records: who is signed in and a password field."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt import APP_NAME
from ui.keyboard import chain_tab_order
from ui.style import BANNER_BG, MUTED, app_icon
from ui.widgets.message_bar import MessageBar, MessageKind


class LockPanel(QWidget):
    """Covers the whole window while locked; nothing about any youth is on it."""

    unlock_requested = Signal(str)  # the password typed
    sign_out_requested = Signal()

    def __init__(self, who: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockPanel")
        self.setAutoFillBackground(True)
        icon = QLabel()
        icon.setPixmap(app_icon().pixmap(64, 64))
        icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel(f"{APP_NAME} is locked")
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.6)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason = QLabel()
        self.reason.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.reason.setStyleSheet(f"color: {MUTED};")
        self.who = QLabel(
            f"Signed in: {who}. Enter your password to continue; unsaved work is kept."
        )
        self.who.setTextFormat(Qt.TextFormat.PlainText)
        self.who.setWordWrap(True)
        self.who.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.message = MessageBar()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.password.setPlaceholderText("Password")
        self.password.returnPressed.connect(self._submit)
        self.password.textEdited.connect(lambda _text: self.message.clear())
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._submit)
        self.sign_out_button = QPushButton("&Sign out…")
        self.sign_out_button.setToolTip("Close the session (unsaved work is discarded)")
        self.sign_out_button.clicked.connect(self.sign_out_requested)

        buttons = QHBoxLayout()
        buttons.addWidget(self.sign_out_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        card = QFrame()
        card.setObjectName("lockCard")
        card.setMaximumWidth(460)
        card.setStyleSheet(
            f"QFrame#lockCard {{ border-top: 6px solid {BANNER_BG}; background: white; }}"
        )
        column = QVBoxLayout(card)
        column.setContentsMargins(28, 24, 28, 24)
        column.setSpacing(12)
        for widget in (icon, self.title, self.reason, self.who, self.password, self.message):
            column.addWidget(widget)
        column.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(card, 2)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        chain_tab_order((self.password, self.unlock_button, self.sign_out_button))
        self.setStyleSheet("QWidget#lockPanel { background: #e9e9ec; }")

    def reset(self, reason: str) -> None:
        """A fresh lock: empty field, the reason shown, the cursor in the password field."""
        self.reason.setText(reason)
        self.password.clear()
        self.message.clear()
        self.set_busy(False)
        self.password.setFocus()

    def set_busy(self, busy: bool) -> None:
        """While the password is being checked nothing can be pressed twice."""
        self.password.setEnabled(not busy)
        self.unlock_button.setEnabled(not busy)

    def show_error(self, text: str) -> None:
        """A refusal, under the field; the field is emptied for the next try."""
        self.set_busy(False)
        self.password.clear()
        self.message.show_message(text, MessageKind.ERROR)
        self.password.setFocus()

    def _submit(self) -> None:
        if not self.unlock_button.isEnabled():
            return
        password = self.password.text()
        if not password:
            self.show_error("Enter your password.")
            return
        self.set_busy(True)
        self.unlock_requested.emit(password)
