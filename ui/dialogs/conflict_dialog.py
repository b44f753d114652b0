"""Someone else saved first: show who changed what, so nothing is ever silently overwritten.

The user reloads the saved version, or puts only their own changed fields on top of it (a
field they never touched keeps the other person's value).
"""

from __future__ import annotations

from dataclasses import replace
from enum import IntEnum, StrEnum
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.youth_rules import YouthInput
from girlscourt.services.registry.youths import YouthRecord
from ui.formatting import FIELD_LABELS, format_date, format_timestamp
from ui.style import ERROR_BG, INFO_BG, WARNING_BG

FIELD_ORDER = (
    "legal_first_name",
    "legal_middle_name",
    "legal_last_name",
    "preferred_name",
    "dob",
    "gender_identity",
    "pronouns",
    "primary_language",
    "interpreter_needed",
    "race_ethnicity",
    "aliases",
)


class ConflictChoice(IntEnum):
    """How the user resolved the conflict (the dialog's result code)."""

    NONE = 0
    RELOAD = 1
    KEEP_MINE = 2


class Change(StrEnum):
    """Who changed a field since the user opened the record."""

    NONE = ""
    MINE = "you"
    THEIRS = "someone else"
    BOTH = "both of you"


_BACKGROUND = {Change.MINE: INFO_BG, Change.THEIRS: WARNING_BG, Change.BOTH: ERROR_BG}


def shown(data: YouthInput, name: str) -> str:
    """A field's value as the dialog prints it."""
    value = getattr(data, name)
    if name == "dob":
        return format_date(value)
    if name == "aliases":
        return "; ".join(value) if value else "—"
    if name == "interpreter_needed":
        return "Yes" if value else "No"
    return str(value) if value else "—"


def changes(base: YouthInput, mine: YouthInput, saved: YouthInput) -> dict[str, Change]:
    """Per field: changed by the user, by someone else, by both (differently), or by nobody."""
    result: dict[str, Change] = {}
    for name in FIELD_ORDER:
        old, ours, theirs = getattr(base, name), getattr(mine, name), getattr(saved, name)
        if ours == theirs:
            result[name] = Change.NONE
        elif ours != old and theirs != old:
            result[name] = Change.BOTH
        elif ours != old:
            result[name] = Change.MINE
        else:
            result[name] = Change.THEIRS
    return result


def merge(base: YouthInput, mine: YouthInput, saved: YouthInput) -> YouthInput:
    """The saved version with only the user's own changes applied on top."""
    ours = {n: getattr(mine, n) for n in FIELD_ORDER if getattr(mine, n) != getattr(base, n)}
    return replace(saved, **ours)


class ConflictDialog(QDialog):
    """Both versions side by side; the result is a ``ConflictChoice``; ``merged`` is "keep"."""

    def __init__(
        self,
        base: YouthInput,
        mine: YouthInput,
        my_version: int,
        saved: YouthRecord,
        tz: ZoneInfo,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Someone else saved this record – Girls Court")
        self.choice = ConflictChoice.NONE
        self.changes = changes(base, mine, saved.data)
        self.changed_fields = [n for n, c in self.changes.items() if c is not Change.NONE]
        self.merged = merge(base, mine, saved.data)
        self.both_changed = [n for n, c in self.changes.items() if c is Change.BOTH]
        when = format_timestamp(saved.updated_at, tz)
        intro = QLabel(
            f"Someone else saved this youth's record at {when}, after you opened it (you "
            f"started from version {my_version}; the saved version is now {saved.version}). "
            "Nothing was overwritten, and your changes are not saved yet."
        )
        intro.setWordWrap(True)
        advice = QLabel(
            "Reload shows the saved version and drops your changes. Keep my changes puts only "
            "the fields you changed on top of the saved version; you then check and save."
            + (
                " Where you both changed a field, yours would replace theirs."
                if self.both_changed
                else ""
            )
        )
        advice.setWordWrap(True)

        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(2)
        for column, title in enumerate(("Field", "Your version", "Saved version", "Changed by")):
            header = QLabel(title)
            header.setStyleSheet("font-weight: bold;")
            grid.addWidget(header, 0, column)
        for row, name in enumerate(FIELD_ORDER, start=1):
            change = self.changes[name]
            cells = (FIELD_LABELS[name], shown(mine, name), shown(saved.data, name), change.value)
            for column, text in enumerate(cells):
                label = QLabel(text)
                label.setTextFormat(Qt.TextFormat.PlainText)
                label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
                label.setWordWrap(column in (1, 2))
                if change is not Change.NONE:
                    label.setStyleSheet(
                        f"background: {_BACKGROUND[change]}; font-weight: bold; padding: 2px;"
                    )
                else:
                    label.setStyleSheet("padding: 2px;")
                grid.addWidget(label, row, column)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        scroll = QScrollArea()
        scroll.setWidget(grid_host)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)

        self.reload_button = QPushButton("&Reload saved version")
        self.reload_button.setToolTip("Show the saved version; your changes are dropped")
        self.reload_button.setDefault(True)
        self.keep_button = QPushButton("&Keep my changes")
        self.keep_button.setToolTip(
            "Your changed fields on top of the saved version; nothing is saved until you Save"
        )
        self.keep_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.reload_button)
        buttons.addWidget(self.keep_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(advice)
        layout.addLayout(buttons)
        self.reload_button.clicked.connect(lambda: self._choose(ConflictChoice.RELOAD))
        self.keep_button.clicked.connect(lambda: self._choose(ConflictChoice.KEEP_MINE))
        self.resize(760, 560)

    def _choose(self, choice: ConflictChoice) -> None:
        self.choice = choice
        self.done(int(choice))
