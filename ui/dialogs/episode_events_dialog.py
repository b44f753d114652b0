"""Later events of a custody episode: petition filed, hearings held, release, housing unit.

These move the legal clocks (a petition filed starts WIC 632(a); a release stops the board), so
the desk records them as they happen. Only changed fields are sent; a save after someone else's
is refused with a reload offered, never applied over theirs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from girlscourt.errors import ConflictError, ValidationError
from girlscourt.services.codes.intake_codes import intake_codes
from girlscourt.services.intake import episodes
from girlscourt.services.intake.episodes import EpisodeEvents
from ui import workers
from ui.context import AppContext
from ui.formatting import DATE_HINT, format_timestamp, parse_moment
from ui.widgets.banner import ConfidentialBanner
from ui.widgets.form_feedback import (
    FieldErrors,
    failure_text,
    field_with_error,
    report_save_failure,
)
from ui.widgets.message_bar import MessageBar, MessageKind

MOMENTS: tuple[tuple[str, str], ...] = (
    ("petition_filed_at", "&Petition filed"),
    ("detention_hearing_at", "&Detention hearing held"),
    ("jurisdiction_at", "&Jurisdiction hearing held"),
    ("released_at", "&Released"),
)
LABELS = {
    "petition_filed_at": "Petition filed",
    "detention_hearing_at": "Detention hearing",
    "jurisdiction_at": "Jurisdiction hearing",
    "released_at": "Released",
    "release_type": "Release type",
    "housing_unit": "Housing unit",
}
CONFLICT = (
    "Someone else saved this episode first. Reload to see their changes, then enter yours again."
)


class EpisodeEventsDialog(QDialog):
    """Loads the episode, lets the officer fill in what happened since, saves the changes."""

    ready = Signal()
    saved = Signal(int)  # the episode's new version

    def __init__(self, context: AppContext, episode_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.episode_id = episode_id
        self.episode: EpisodeEvents | None = None
        self._tz = context.core.settings.timezone
        self.setWindowTitle(f"Custody episode #{episode_id} – later events")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.setMinimumWidth(560)
        self.errors = FieldErrors(LABELS)
        self.started = QLabel("Loading…")
        form = QFormLayout()
        form.addRow("Custody started", self.started)
        self.dates: dict[str, QLineEdit] = {}
        self.times: dict[str, QLineEdit] = {}
        for field, label in MOMENTS:
            date, time = QLineEdit(), QLineEdit()
            date.setPlaceholderText(DATE_HINT)
            date.setAccessibleName(f"{LABELS[field]} date")
            time.setPlaceholderText("21:40")
            time.setAccessibleName(f"{LABELS[field]} time")
            time.setMaximumWidth(110)
            self.dates[field], self.times[field] = date, time
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            line.addWidget(date, 2)
            line.addWidget(time, 1)
            caption = QLabel(label)
            caption.setBuddy(date)
            form.addRow(caption, field_with_error(row, self.errors.add(field, date)))
        self.release_type = QComboBox()
        self.release_type.addItem("(not released)", None)
        for code in intake_codes().release_types.values():
            self.release_type.addItem(code.label, code.code)
        caption = QLabel("Release &type")
        caption.setBuddy(self.release_type)
        form.addRow(
            caption,
            field_with_error(self.release_type, self.errors.add("release_type", self.release_type)),
        )
        self.housing = QLineEdit()
        self.housing.setMaxLength(40)
        caption = QLabel("&Housing unit")
        caption.setBuddy(self.housing)
        form.addRow(
            caption, field_with_error(self.housing, self.errors.add("housing_unit", self.housing))
        )

        self.message = MessageBar()
        self.message.action_triggered.connect(self._retry)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setEnabled(False)
        note = QLabel(
            "Times are county time. Saving recomputes the legal deadlines on the record and the "
            "in-custody board."
        )
        note.setWordWrap(True)
        column = QVBoxLayout(self)
        column.addWidget(ConfidentialBanner())
        column.addLayout(form)
        column.addWidget(note)
        column.addWidget(self.message)
        column.addWidget(self.buttons)
        self._retry_action = self.load
        self.load()

    # -- loading ------------------------------------------------------------------------------

    def load(self) -> None:
        """Read the episode as it is now (also after a conflict)."""
        self.save_button.setEnabled(False)
        workers.run(
            episodes.episode_events,
            self.context.core,
            self.context.actor,
            self.episode_id,
            on_done=self._show,
            on_error=self._load_failed,
            context=self,
        )

    def _show(self, episode: EpisodeEvents) -> None:
        self.episode = episode
        self.errors.clear()
        self.message.clear()
        self.started.setText(format_timestamp(episode.custody_start_at, self._tz))
        for field, _label in MOMENTS:
            value: dt.datetime | None = getattr(episode, field)
            local = value.astimezone(self._tz) if value is not None else None
            self.dates[field].setText(local.strftime("%m/%d/%Y") if local else "")
            self.times[field].setText(local.strftime("%H:%M") if local else "")
        index = self.release_type.findData(episode.release_type)
        self.release_type.setCurrentIndex(max(index, 0))
        self.housing.setText(episode.housing_unit or "")
        self.save_button.setEnabled(True)
        self.dates["petition_filed_at"].setFocus()
        self.ready.emit()

    def _load_failed(self, error: BaseException) -> None:
        text, retry = failure_text(error, "The episode could not be loaded")
        self._retry_action = self.load
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)

    # -- saving -------------------------------------------------------------------------------

    def changes(self) -> dict[str, Any]:
        """What differs from the episode as loaded; ValidationError names the field."""
        assert self.episode is not None
        wanted: dict[str, Any] = {}
        for field, _label in MOMENTS:
            wanted[field] = parse_moment(
                self.dates[field].text(), self.times[field].text(), field, self._tz, required=False
            )
        wanted["release_type"] = self.release_type.currentData()
        wanted["housing_unit"] = self.housing.text().strip() or None
        if wanted["released_at"] is None and wanted["release_type"] is not None:
            raise ValidationError("released_at", "is needed with a release type")
        current: Mapping[str, Any] = vars(self.episode)
        return {key: value for key, value in wanted.items() if value != current[key]}

    def save(self) -> None:
        """Send the changed fields (nothing changed: just close)."""
        if self.episode is None:
            return
        self.errors.clear()
        self.message.clear()
        try:
            changes = self.changes()
        except ValidationError as error:
            report_save_failure(self.message, self.errors, error)
            self.adjustSize()  # room for the error line under its field
            return
        if not changes:
            self.accept()
            return
        self.save_button.setEnabled(False)
        workers.run(
            episodes.update_episode,
            self.context.core,
            self.context.actor,
            self.episode_id,
            self.episode.version,
            changes,
            on_done=self._saved,
            on_error=self._save_failed,
            context=self,
        )

    def _saved(self, version: int) -> None:
        self.saved.emit(version)
        self.accept()

    def _save_failed(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if isinstance(error, ConflictError):
            self._retry_action = self.load
            self.message.show_message(CONFLICT, MessageKind.WARNING, "&Reload")
            return
        self._retry_action = self.save
        report_save_failure(self.message, self.errors, error)

    def _retry(self) -> None:
        self._retry_action()
