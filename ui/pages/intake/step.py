"""What every intake step shares: the Step base (fields with inline errors, draft content,
a summary for the step list), the code lists it is built from and the youth it is for.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout, QWidget

from girlscourt.domain.instruments import Instrument
from girlscourt.domain.intake_rules import IntakeCodes
from girlscourt.errors import ValidationError
from girlscourt.services.codes.intake_codes import default_instrument, intake_codes
from girlscourt.services.referrals import agencies
from ui.context import AppContext
from ui.style import ERROR, INVALID_FIELD_CSS, MUTED, set_invalid


def error_label() -> QLabel:
    """A hidden red label for the error under a field."""
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setStyleSheet(f"color: {ERROR};")
    label.hide()
    return label


def hint(text: str) -> QLabel:
    """A muted, wrapping line of guidance."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {MUTED};")
    return label


@dataclass(frozen=True)
class Setup:
    """What the page needs before it can be built: code lists, instruments, agencies."""

    codes: IntakeCodes
    screening: Instrument
    risk: Instrument
    agencies: tuple[tuple[int, str], ...]


def load_setup(context: AppContext) -> Setup:
    """Read the county's code lists and instruments (files) and the agency directory."""
    directory = agencies.list_agencies(
        context.core, context.actor, kind="law_enforcement", active_only=True
    )
    return Setup(
        intake_codes(),
        default_instrument("screening"),
        default_instrument("risk"),
        tuple((a.id, a.name) for a in directory),
    )


@dataclass(frozen=True)
class ChosenYouth:
    """The youth this intake is for."""

    id: int
    name: str
    dob: dt.date


class Step(QWidget):
    """One step of the flow: fields with inline errors, its draft content, ``edited``."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(INVALID_FIELD_CSS)
        self.loading = False
        self.fields: dict[str, tuple[QWidget, QLabel]] = {}

    def cell(
        self,
        name: str,
        widget: QWidget,
        extra: QWidget | None = None,
        *,
        mark: QWidget | None = None,
    ) -> QWidget:
        """``widget`` (and ``extra`` beside it) over its error label, registered as ``name``.

        ``mark`` is what gets the red frame on an error (default: ``widget``).
        """
        error = error_label()
        self.fields[name] = (mark or widget, error)
        host = QWidget()
        column = QVBoxLayout(host)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if extra is None:
            column.addWidget(widget)
        else:
            line = QHBoxLayout()
            line.addWidget(widget)
            line.addWidget(extra, 1)
            column.addLayout(line)
        column.addWidget(error)
        return host

    def touched(self) -> None:
        """The officer changed something (not a programmatic fill)."""
        if not self.loading:
            self.edited.emit()

    def show_error(self, error: ValidationError, text: str) -> QWidget | None:
        """Show ``text`` by the field ``error`` names; the widget to focus, or None if not ours."""
        base = re.split(r"\[", error.field, maxsplit=1)[0]
        found = self.fields.get(error.field) or self.fields.get(base)
        if found is None:
            return None
        widget, label = found
        label.setText(text)
        label.show()
        set_invalid(widget, True)
        return widget

    def clear_errors(self) -> None:
        """Hide every inline error."""
        for widget, label in self.fields.values():
            label.hide()
            set_invalid(widget, False)

    def first_field(self) -> QWidget:
        """Where the cursor goes when the step is shown."""
        return self

    def content(self) -> dict[str, Any]:
        """The step as JSON-able data (for drafts)."""
        return {}

    def load(self, content: dict[str, Any]) -> None:
        """Fill the step from ``content()`` output."""

    def summary(self) -> str:
        """A few words for the step list."""
        return ""
