"""The youth record's protocol tab: CSEC steps with their targets, and the custody deadlines.

Overdue steps and breached deadlines stand out in the board's colours; "Mark done" names the
version it saw, so a step someone else completed first is never stamped twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from zoneinfo import ZoneInfo

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.deadlines import Deadline, hours_left
from girlscourt.domain.permissions import Action
from girlscourt.errors import (
    ConflictError,
    DatabaseUnavailable,
    GirlsCourtError,
    RuleRefused,
    ValidationError,
)
from girlscourt.services.intake import protocol_checklist
from girlscourt.services.intake.protocol_checklist import ChecklistEntry, StepView, YouthChecklist
from ui import workers
from ui.context import AppContext
from ui.dialogs.episode_events_dialog import EpisodeEventsDialog
from ui.extensions import Navigator, RecordSection
from ui.formatting import format_timestamp
from ui.keyboard import chain_tab_order
from ui.models.board_table_model import (
    URGENCY_STYLES,
    Urgency,
    format_due,
    format_hours_left,
    keep_row_colours,
    rule_name,
    urgency,
)
from ui.style import MUTED
from ui.widgets.message_bar import MessageBar, MessageKind

Index = QModelIndex | QPersistentModelIndex
Row = TypeVar("Row")


@dataclass(frozen=True)
class DeadlineRow:
    """One deadline of one custody episode, as the deadlines table lists it."""

    episode_id: int
    custody_start_at: dt.datetime
    released_at: dt.datetime | None
    deadline: Deadline


class _RowsModel(QAbstractTableModel, Generic[Row]):
    """A small read-only table over a few frozen rows, one text function per column."""

    def __init__(
        self,
        headers: Sequence[str],
        cells: Callable[[Row, int], str],
        colour: Callable[[Row], Urgency],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._cells = cells
        self._colour = colour
        self._rows: list[Row] = []
        self.tooltip: Callable[[Row, int], str | None] = lambda _row, _column: None

    def set_rows(self, rows: Sequence[Row]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, number: int) -> Row | None:
        """The row at ``number`` (None out of range)."""
        return self._rows[number] if 0 <= number < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """Rows shown."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """One per header."""
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, colour and tooltip of a cell."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(row, index.column())
        band = self._colour(row)
        if role == Qt.ItemDataRole.BackgroundRole and band is not Urgency.NORMAL:
            return QBrush(QColor(URGENCY_STYLES[band].background))
        if role == Qt.ItemDataRole.ForegroundRole and band is not Urgency.NORMAL:
            return QBrush(QColor("#1a1a1a"))
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Selectable, never editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable


def _table(name: str) -> QTableView:
    view = QTableView()
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().lineSpacing() + 8)
    view.horizontalHeader().setHighlightSections(False)
    keep_row_colours(view)
    return view


STEP_COLUMNS = ("Step", "Target", "State", "Done by", "Note")
DEADLINE_COLUMNS = ("Custody since", "Deadline", "Due", "State")


class ChecklistSection(QWidget):
    """Protocol steps and deadlines of one youth; ``loaded`` fires after each (re)load."""

    loaded = Signal(object)  # YouthChecklist
    step_done = Signal(object)  # StepView

    def __init__(
        self,
        context: AppContext,
        youth_id: int,
        navigator: Navigator | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.youth_id = youth_id
        self.navigator = navigator
        self.checklist: YouthChecklist | None = None
        self._job: workers.Job | None = None
        self._busy = False
        self._can_complete = context.may(Action.CHECKLIST_UPDATE)
        self._tz: ZoneInfo = context.core.settings.timezone
        self._now = context.core.now()

        self.message = MessageBar()
        self.status = QLabel("Loading…")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setStyleSheet(f"color: {MUTED};")
        self.status.setWordWrap(True)

        self.steps_model: _RowsModel[ChecklistEntry] = _RowsModel(
            STEP_COLUMNS, self._step_cell, self._step_colour, self
        )
        self.steps_model.tooltip = self._step_tooltip
        self.steps_table = _table("Protocol steps")
        self.steps_table.setModel(self.steps_model)
        em = self.fontMetrics().horizontalAdvance("M")
        stamp = self.fontMetrics().horizontalAdvance("00/00/0000 00:00 PM PDT") + 16
        header = self.steps_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column, width in enumerate((0, stamp, stamp + em * 3, em * 9, em * 12)):
            if width:
                self.steps_table.setColumnWidth(column, width)

        self.note = QLineEdit()
        self.note.setPlaceholderText("Optional: who was contacted, reference number…")
        self.note.setMaxLength(2000)
        note_label = QLabel("N&ote")
        note_label.setBuddy(self.note)
        self.done_button = QPushButton("&Mark done")
        self.done_button.setToolTip("Record that the selected step is done, by you, now")
        self.done_button.setEnabled(False)
        self.done_button.setAutoDefault(False)
        for widget in (note_label, self.note, self.done_button):
            widget.setVisible(self._can_complete)
        self.report_box = QWidget()  # a mandated report: who made it, to whom, its number
        report_row = QHBoxLayout(self.report_box)
        report_row.setContentsMargins(0, 0, 0, 0)
        self.reported_by, self.reported_to, self.report_number = (
            QLineEdit(),
            QLineEdit(),
            QLineEdit(),
        )
        for edit, text, hint, length in (
            (self.reported_by, "Reported &by", "Who made the report", 120),
            (self.reported_to, "Reported &to", "Agency and person who took it", 120),
            (self.report_number, "Report n&umber", "The hotline's reference", 60),
        ):
            edit.setPlaceholderText(hint)
            edit.setMaxLength(length)
            edit.setAccessibleName(text.replace("&", ""))
            label = QLabel(text)
            label.setBuddy(edit)
            report_row.addWidget(label)
            report_row.addWidget(edit, 1)
        self.report_box.setVisible(False)

        steps_box = QGroupBox("CSEC protocol steps")
        steps_column = QVBoxLayout(steps_box)
        steps_column.addWidget(self.steps_table)
        mark = QHBoxLayout()
        mark.addWidget(note_label)
        mark.addWidget(self.note, 1)
        mark.addWidget(self.done_button)
        steps_column.addWidget(self.report_box)
        steps_column.addLayout(mark)

        self.deadlines_model: _RowsModel[DeadlineRow] = _RowsModel(
            DEADLINE_COLUMNS, self._deadline_cell, self._deadline_colour, self
        )
        self.deadlines_model.tooltip = self._deadline_tooltip
        self.deadlines_table = _table("Custody deadlines")
        self.deadlines_table.setModel(self.deadlines_model)
        self.deadlines_table.setColumnWidth(0, stamp)
        self.deadlines_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch
        )
        self.deadlines_table.setColumnWidth(2, stamp + em * 3)
        self.deadlines_table.setColumnWidth(3, em * 13)
        self.events_button = QPushButton("Record later &events…")
        self.events_button.setToolTip(
            "Petition filed, hearings held, release: for the selected deadline's episode, "
            "or the newest one"
        )
        self.events_button.setAutoDefault(False)
        self.events_button.setEnabled(False)
        self.events_button.setVisible(context.may(Action.INTAKE_RECORD))
        self.events_button.clicked.connect(self.record_events)
        self.events_dialog: EpisodeEventsDialog | None = None
        deadlines_box = QGroupBox("Custody deadlines")
        deadlines_column = QVBoxLayout(deadlines_box)
        deadlines_column.addWidget(self.deadlines_table)
        events_row = QHBoxLayout()
        events_row.addStretch(1)
        events_row.addWidget(self.events_button)
        deadlines_column.addLayout(events_row)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addWidget(self.message)
        layout.addWidget(self.status)
        layout.addWidget(steps_box, 3)
        layout.addWidget(deadlines_box, 2)
        chain_tab_order(
            [
                self.steps_table,
                self.note,
                self.done_button,
                self.deadlines_table,
                self.events_button,
            ]
        )

        self.done_button.clicked.connect(self.mark_done)
        self.note.returnPressed.connect(self.mark_done)
        self.message.action_triggered.connect(self.refresh)
        selection = self.steps_table.selectionModel()
        selection.selectionChanged.connect(self._selection_changed)
        self.steps_model.modelReset.connect(lambda: self._selection_changed())

    # -- later episode events -----------------------------------------------------------------

    def record_events(self) -> EpisodeEventsDialog | None:
        """Open the later-events dialog; a save reloads the deadlines."""
        episode_id = _events_episode(self)
        if episode_id is None:
            return None
        dialog = EpisodeEventsDialog(self.context, episode_id, self)
        dialog.saved.connect(lambda _version: self.refresh())
        dialog.finished.connect(dialog.deleteLater)
        self.events_dialog = dialog
        dialog.open()
        return dialog

    # -- loading ------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Reload the steps and deadlines (the record page calls this after each load)."""
        if self._job is not None:
            self._job.cancel()
        self._job = workers.run(
            protocol_checklist.checklist_for_youth,
            self.context.core,
            self.context.actor,
            self.youth_id,
            on_done=self._show,
            on_error=self._load_failed,
            context=self,
        )

    def _show(self, checklist: YouthChecklist) -> None:
        self._job = None
        selected = self.selected_step()
        self.checklist = checklist
        self._now = checklist.as_of
        self.steps_model.set_rows(checklist.steps)
        self.deadlines_model.set_rows(
            [
                DeadlineRow(e.episode_id, e.custody_start_at, e.released_at, d)
                for e in checklist.episodes
                for d in e.deadlines
            ]
        )
        for number, entry in enumerate(checklist.steps):
            if selected is not None and entry.step.id == selected.id:
                self.steps_table.selectRow(number)
        self.status.setText(self._summary(checklist))
        self.events_button.setEnabled(bool(checklist.episodes))
        self.loaded.emit(checklist)

    def _summary(self, checklist: YouthChecklist) -> str:
        states = [entry.state for entry in checklist.steps]
        when = format_timestamp(checklist.as_of, self._tz)
        if not states:
            steps = "No CSEC protocol steps have been started for this youth"
        else:
            parts = [
                f"{states.count(state)} {word}"
                for state, word in (("overdue", "overdue"), ("open", "open"), ("done", "done"))
                if states.count(state)
            ]
            noun = "step" if len(states) == 1 else "steps"
            steps = f"{len(states)} protocol {noun}: {', '.join(parts)}"
        episodes = len(checklist.episodes)
        custody = (
            "no custody episodes"
            if not episodes
            else f"{episodes} custody episode{'s' if episodes != 1 else ''}"
        )
        return f"{steps}; {custody}. As of {when}."

    def _load_failed(self, error: BaseException) -> None:
        self._job = None
        if isinstance(error, DatabaseUnavailable):
            text = f"The checklist could not be loaded: the database cannot be reached ({error})."
        elif isinstance(error, GirlsCourtError):
            text = f"The checklist could not be loaded: {error}"
        else:
            text = "The checklist could not be loaded; the details are in the log."
        self.message.show_message(text, MessageKind.ERROR, "&Try again")

    # -- cells --------------------------------------------------------------------------------

    def _step_cell(self, entry: ChecklistEntry, column: int) -> str:
        step = entry.step
        if column == 0:
            return step.label
        if column == 1:
            return format_timestamp(step.due_at, self._tz)
        if column == 2:
            if entry.state == "done" and step.done_at is not None:
                return f"Done {format_timestamp(step.done_at, self._tz)}"
            left = hours_left_at(step.due_at, self._now)
            if entry.state == "overdue":
                return f"Overdue by {format_hours_left(-left)}"
            return f"Open: {format_hours_left(left)} left"
        if column == 3:
            return entry.done_by_name or ""
        return step.notes or ""

    def _step_colour(self, entry: ChecklistEntry) -> Urgency:
        if entry.state == "overdue":
            return Urgency.BREACHED
        if entry.state == "done":
            return Urgency.NORMAL
        return urgency(hours_left_at(entry.step.due_at, self._now))

    def _step_tooltip(self, entry: ChecklistEntry, column: int) -> str | None:
        if column == 1 and entry.step.county_to_confirm:
            return "A default target: the county has yet to confirm it"
        if column == 4 and entry.step.notes:
            return entry.step.notes
        return None

    def _deadline_cell(self, row: DeadlineRow, column: int) -> str:
        deadline = row.deadline
        if column == 0:
            return format_timestamp(row.custody_start_at, self._tz)
        if column == 1:
            return deadline.citation
        if column == 2:
            return format_due(deadline.due, self._tz)
        if deadline.state == "met":
            return "Met"
        left = hours_left(deadline, self._now)
        if deadline.state == "breached" or left < 0:
            return format_hours_left(left)
        return f"Open: {format_hours_left(left)} left"

    def _deadline_colour(self, row: DeadlineRow) -> Urgency:
        if row.deadline.state == "met":
            return Urgency.NORMAL
        return urgency(hours_left(row.deadline, self._now))

    def _deadline_tooltip(self, row: DeadlineRow, column: int) -> str | None:
        if column == 1:
            return f"{rule_name(row.deadline.rule)}: {row.deadline.citation}"
        return None

    # -- marking a step done ------------------------------------------------------------------

    def selected_step(self) -> StepView | None:
        """The step selected in the list, if any."""
        index = self.steps_table.currentIndex()
        if not index.isValid() or not self.steps_table.selectionModel().isRowSelected(
            index.row(), QModelIndex()
        ):
            return None
        entry = self.steps_model.row(index.row())
        return entry.step if entry is not None else None

    def _selection_changed(
        self, _selected: QItemSelection | None = None, _deselected: QItemSelection | None = None
    ) -> None:
        step = self.selected_step()
        open_step = step is not None and step.done_at is None
        self.done_button.setEnabled(self._can_complete and not self._busy and open_step)
        self.report_box.setVisible(
            self._can_complete and open_step and step is not None and step.report_details
        )

    def select_step(self, code: str) -> bool:
        """Select the step with this code (the first one listed); False if there is none."""
        for number in range(self.steps_model.rowCount()):
            entry = self.steps_model.row(number)
            if entry is not None and entry.step.step == code:
                self.steps_table.selectRow(number)
                return True
        return False

    def mark_done(self) -> None:
        """Record the selected step as done now, by the signed-in user, with the note."""
        step = self.selected_step()
        if step is None or not self._can_complete or self._busy or step.done_at is not None:
            return
        self._busy = True
        self.done_button.setEnabled(False)
        self.message.clear()
        note = self.note.text().strip() or None
        report = None
        if step.report_details:
            report = protocol_checklist.ReportDetails(
                self.reported_by.text().strip() or None,
                self.reported_to.text().strip() or None,
                self.report_number.text().strip() or None,
            )
        workers.run(
            protocol_checklist.complete_step,
            self.context.core,
            self.context.actor,
            step.id,
            step.version,
            note,
            report,
            on_done=self._marked,
            on_error=lambda error: self._mark_failed(step, error),
            context=self,
        )

    def _marked(self, step: StepView) -> None:
        self._busy = False
        for edit in (self.note, self.reported_by, self.reported_to, self.report_number):
            edit.clear()
        self.message.show_message(f"Marked done: {step.label}.", MessageKind.INFO)
        self.step_done.emit(step)
        self.refresh()

    def _mark_failed(self, step: StepView, error: BaseException) -> None:
        self._busy = False
        if isinstance(error, ConflictError | RuleRefused):
            self.message.show_message(
                f"Someone else updated “{step.label}” first; nothing was overwritten. The list "
                "now shows what was saved: check it, and mark the step again only if it is "
                "still open.",
                MessageKind.WARNING,
            )
            self.refresh()
            return
        self._selection_changed()
        if isinstance(error, DatabaseUnavailable):
            self.message.show_message(
                f"Not marked: the database cannot be reached ({error}). Your note is kept.",
                MessageKind.ERROR,
            )
        elif isinstance(error, ValidationError) and error.field in REPORT_FIELDS:
            label, edit = REPORT_FIELDS[error.field], getattr(self, error.field)
            self.message.show_message(f"Not marked: {label}: {error.detail}", MessageKind.ERROR)
            edit.setFocus()
        elif isinstance(error, GirlsCourtError):
            self.message.show_message(f"Not marked: {error}", MessageKind.ERROR)
        else:
            self.message.show_message(
                "Not marked: something went wrong (the details are in the log). Your note is kept.",
                MessageKind.ERROR,
            )


REPORT_FIELDS = {
    "reported_by": "Reported by",
    "reported_to": "Reported to",
    "report_number": "Report number",
}


def _events_episode(section: ChecklistSection) -> int | None:
    """The episode of the selected deadline, else the newest episode (None: no episode)."""
    index = section.deadlines_table.currentIndex()
    row = section.deadlines_model.row(index.row()) if index.isValid() else None
    if row is not None:
        return row.episode_id
    checklist = section.checklist
    return checklist.episodes[0].episode_id if checklist and checklist.episodes else None


def hours_left_at(due: dt.datetime, now: dt.datetime) -> float:
    """Hours from ``now`` until ``due`` (negative once past)."""
    return (due - now).total_seconds() / 3600


def _factory(context: AppContext, youth_id: int, navigator: Navigator | None) -> QWidget:
    return ChecklistSection(context, youth_id, navigator)


CHECKLIST_SECTION = RecordSection(
    key="checklist",
    title="&Checklist and deadlines",
    allowed=lambda context: context.may(Action.YOUTH_VIEW),
    factory=_factory,
)
