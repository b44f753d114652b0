"""The layout every record form dialog shares: the confidentiality banner, a heading, the
message strip, the fields (a red frame on the one in error), and the buttons at bottom right."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QHBoxLayout, QLayout, QPushButton, QVBoxLayout, QWidget

from ui.style import INVALID_FIELD_CSS
from ui.widgets.banner import ConfidentialBanner


def lay_out_form_dialog(
    dialog: QDialog, heading: QWidget, message: QWidget, form: QLayout, action: QPushButton
) -> QPushButton:
    """Lay ``dialog`` out around ``form`` with ``action`` as its default button; returns the
    Cancel button (connect it as the dialog needs)."""
    action.setDefault(True)
    cancel = QPushButton("Cancel")
    cancel.setAutoDefault(False)
    buttons = QHBoxLayout()
    buttons.addStretch(1)
    buttons.addWidget(action)
    buttons.addWidget(cancel)
    fields = QWidget()
    fields.setStyleSheet(INVALID_FIELD_CSS)
    fields.setLayout(form)
    layout = QVBoxLayout(dialog)
    layout.setContentsMargins(0, 0, 0, 10)
    layout.addWidget(ConfidentialBanner())
    body = QVBoxLayout()
    body.setContentsMargins(12, 4, 12, 0)
    body.addWidget(heading)
    body.addWidget(message)
    body.addWidget(fields)
    body.addStretch(1)
    body.addLayout(buttons)
    layout.addLayout(body)
    return cancel
