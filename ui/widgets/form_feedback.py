"""Inline feedback for forms: errors under the field they name, and why a save failed.

Shared by every dialog and record tab, so a refusal reads the same everywhere: a sentence naming
the field as the form labels it, or "Try again" when the database could not be reached.
"""

from __future__ import annotations

import datetime as dt
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from girlscourt.errors import ConflictError, DatabaseUnavailable, GirlsCourtError, ValidationError
from ui.formatting import parse_dob
from ui.style import ERROR, set_invalid
from ui.widgets.message_bar import MessageBar, MessageKind

_INDEXED = re.compile(r"^([a-z_]+)(?:\[(\d+)\])?(?:\..*)?$")


def sentence(error: ValidationError, labels: dict[str, str]) -> str:
    """A whole sentence naming the field as the form labels it: "Purpose is required."."""
    match = _INDEXED.match(error.field)
    base = match.group(1) if match else error.field
    label = labels.get(base, base.replace("_", " ").capitalize())
    if match and match.group(2) is not None:
        label = f"{label} (entry {int(match.group(2)) + 1})"
    detail = error.detail.strip()
    text = f"{label} {detail}" if detail.startswith(("is ", "must ")) else f"{label}: {detail}"
    return text if text.endswith(".") else text + "."


class FieldErrors:
    """Error labels under form fields, found by the field name a ValidationError carries."""

    def __init__(self, labels: dict[str, str]) -> None:
        self.labels = labels
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}

    def add(self, name: str, widget: QWidget, *, below: str | None = None) -> QLabel:
        """Register ``widget`` for errors on ``name``; returns the (hidden) label to lay out.

        With ``below``, the error shows in that field's label (two fields on one form row).
        """
        if below is not None:
            label = self._fields[below][1]
        else:
            label = QLabel()
            label.setWordWrap(True)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setStyleSheet(f"color: {ERROR};")
            label.setObjectName(f"error-{name}")
            label.hide()
        self._fields[name] = (widget, label)
        return label

    def alias(self, name: str, shown_as: str) -> None:
        """Errors on ``name`` appear where those on ``shown_as`` do."""
        self._fields[name] = self._fields[shown_as]

    def show(self, error: ValidationError) -> bool:
        """Show ``error`` under its field; False when no field here matches it."""
        match = _INDEXED.match(error.field)
        base = match.group(1) if match else error.field
        found = self._fields.get(error.field) or self._fields.get(base)
        if found is None:
            return False
        widget, label = found
        label.setText(sentence(error, self.labels))
        label.show()
        set_invalid(widget, True)
        widget.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def text(self, name: str) -> str:
        """The error shown under ``name`` (empty when none)."""
        found = self._fields.get(name)
        return found[1].text() if found and not found[1].isHidden() else ""

    def clear(self) -> None:
        """Hide every error."""
        for widget, label in self._fields.values():
            label.clear()
            label.hide()
            set_invalid(widget, False)


def field_with_error(widget: QWidget, error: QLabel) -> QWidget:
    """A form cell holding the field with its error line under it."""
    cell = QWidget()
    column = QVBoxLayout(cell)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(widget)
    column.addWidget(error)
    return cell


def optional_date(text: str, field: str) -> dt.date | None:
    """A typed date (MM/DD/YYYY or YYYY-MM-DD), or None when the field is empty."""
    return parse_dob(text, field) if text.strip() else None


def failure_text(error: BaseException, what: str) -> tuple[str, bool]:
    """The message for a failed call, and whether "Try again" makes sense."""
    if isinstance(error, DatabaseUnavailable):
        return (
            f"{what}: the database cannot be reached ({error}). Your entries are still here.",
            True,
        )
    if isinstance(error, GirlsCourtError):
        return f"{what}: {error}", False
    return f"{what}: something went wrong (the details are in the log).", True


def report_save_failure(
    message: MessageBar, errors: FieldErrors, error: BaseException, *, conflict: str | None = None
) -> None:
    """Show why a save failed: under its field, as a conflict warning, or with "Try again"."""
    if isinstance(error, ValidationError):
        if errors.show(error):
            message.show_message("Not saved. Correct the field marked in red.", MessageKind.ERROR)
        else:
            text = f"Not saved. {sentence(error, errors.labels)}"
            message.show_message(text, MessageKind.ERROR)
    elif conflict is not None and isinstance(error, ConflictError):
        message.show_message(conflict, MessageKind.WARNING)
    else:
        text, retry = failure_text(error, "Not saved")
        message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)
