"""Colours, the app icon and small style helpers shared by every window (no stylesheet sprawl)."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPixmap
from PySide6.QtWidgets import QWidget

BANNER_BG = "#7f1d1d"
ERROR = "#b3261e"
ERROR_BG = "#fdecea"
WARNING_BG = "#fff4d6"
WARNING_BORDER = "#c98a00"
INFO_BG = "#e8f0fe"
INFO_BORDER = "#3b6fd4"
MUTED = "#555555"

# Applied on a form's container: a field marked invalid gets a red frame without losing focus.
INVALID_FIELD_CSS = f'*[invalid="true"] {{ border: 2px solid {ERROR}; border-radius: 3px; }}'


def set_invalid(widget: QWidget, invalid: bool) -> None:
    """Mark a field invalid (red frame) or valid again; re-polish so the style applies."""
    if bool(widget.property("invalid")) == invalid:
        return
    widget.setProperty("invalid", invalid)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
    widget.update()


def app_icon() -> QIcon:
    """The app icon, drawn rather than shipped: "GC" on the banner colour."""
    icon = QIcon()
    for size in (16, 32, 48, 64, 128, 256):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(QColor(BANNER_BG))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(QRectF(0, 0, size, size), size * 0.18, size * 0.18)
        font = QFont()
        font.setBold(True)
        font.setPixelSize(max(6, int(size * 0.46)))
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "GC")
        painter.end()
        icon.addPixmap(pixmap)
    return icon
