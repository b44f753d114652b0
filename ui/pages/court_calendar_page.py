"""A department's court calendar by week or by day: hearing counts, closed days, the docket.

Each day cell shows its number of hearings; weekends and judicial holidays are greyed with the
reason as their tooltip, the same reason the hearing service gives when it refuses a date.
Choosing a day shows that day's docket below, with its outcome and print actions.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.permissions import Action
from girlscourt.readmodels.department_record import DepartmentRecord
from girlscourt.services.clocks.court_calendar import load_calendar
from girlscourt.services.court import departments, dockets
from girlscourt.services.kernel.core import Actor, Core
from ui import workers
from ui.context import AppContext
from ui.extensions import FeaturePage, Navigator
from ui.pages.docket_page import DocketPanel, buddy_label
from ui.style import INFO_BG, INFO_BORDER, MUTED
from ui.widgets.form_feedback import failure_text
from ui.widgets.message_bar import MessageBar, MessageKind

WEEK = "week"
DAY = "day"


@dataclass(frozen=True)
class DaySummary:
    """One calendar cell: the day, its hearings, and why the court is closed (if it is)."""

    day: dt.date
    hearings: int
    closed_reason: str | None


def summarise_days(
    core: Core, actor: Actor, days: tuple[dt.date, ...], department_id: int | None
) -> tuple[DaySummary, ...]:
    """Runs on a worker thread: the calendar's reasons and each day's docket size."""
    calendar = load_calendar(core)
    result = []
    for day in days:
        reason = calendar.non_judicial_reason(day)
        count = len(dockets.docket(core, actor, day, department_id).rows)
        result.append(DaySummary(day, count, reason))
    return tuple(result)


def week_of(day: dt.date) -> tuple[dt.date, ...]:
    """Monday to Sunday around ``day``."""
    monday = day - dt.timedelta(days=day.weekday())
    return tuple(monday + dt.timedelta(days=n) for n in range(7))


_OPEN_CSS = (
    "QToolButton { background: palette(base); border: 1px solid #b0b0b0; border-radius: 4px;"
    " padding: 6px; text-align: left; }"
    f"QToolButton:checked {{ background: {INFO_BG}; border: 2px solid {INFO_BORDER}; }}"
)
_CLOSED_CSS = (
    "QToolButton { background: #e4e4e4; color: #6a6a6a; border: 1px dashed #a0a0a0;"
    " border-radius: 4px; padding: 6px; }"
    f"QToolButton:checked {{ border: 2px solid {INFO_BORDER}; }}"
)


class CourtCalendarPage(QWidget):
    """ "Court calendar": a week (or one day) of a department, then the chosen day's docket."""

    days_loaded = Signal(object)  # tuple[DaySummary, ...]

    def __init__(
        self,
        context: AppContext,
        navigator: Navigator | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.navigator = navigator
        self.mode = WEEK
        self.selected = context.core.today()
        self.summaries: tuple[DaySummary, ...] = ()
        self._job: workers.Job | None = None
        self._loaded_once = False

        title = QLabel("Court calendar")
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.department_combo = QComboBox()
        self.department_combo.setAccessibleName("Department")
        self.department_combo.addItem("All departments", None)
        self.department_combo.setMinimumContentsLength(28)
        self.week_button = QPushButton("&Week")
        self.day_button = QPushButton("D&ay")
        for button in (self.week_button, self.day_button):
            button.setCheckable(True)
            button.setAutoDefault(False)
        self.week_button.setChecked(True)
        modes = QButtonGroup(self)
        modes.setExclusive(True)
        modes.addButton(self.week_button)
        modes.addButton(self.day_button)
        self.previous_button = QPushButton("◀ &Previous")
        self.next_button = QPushButton("&Next ▶")
        self.today_button = QPushButton("&Today")
        self.range_label = QLabel("")
        self.range_label.setStyleSheet("font-weight: bold;")
        self.message = MessageBar()
        legend = QLabel("Grey days are weekends or judicial holidays: hover for the reason.")
        legend.setStyleSheet(f"color: {MUTED};")

        self.grid = QGridLayout()
        self.grid.setSpacing(6)
        self.cells: list[QToolButton] = []
        self._cell_group = QButtonGroup(self)
        self._cell_group.setExclusive(True)
        for column in range(7):
            cell = QToolButton()
            cell.setCheckable(True)
            cell.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            cell.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            cell.setMinimumHeight(self.fontMetrics().lineSpacing() * 3 + 16)
            cell.clicked.connect(lambda _c=False, n=column: self._cell_clicked(n))
            self._cell_group.addButton(cell)
            self.cells.append(cell)
            self.grid.addWidget(cell, 0, column)

        self.panel = DocketPanel(context)

        top = QHBoxLayout()
        top.addWidget(title)
        top.addSpacing(16)
        top.addWidget(buddy_label("De&partment:", self.department_combo))
        top.addWidget(self.department_combo)
        top.addStretch(1)
        top.addWidget(self.week_button)
        top.addWidget(self.day_button)
        nav = QHBoxLayout()
        nav.addWidget(self.previous_button)
        nav.addWidget(self.today_button)
        nav.addWidget(self.next_button)
        nav.addSpacing(12)
        nav.addWidget(self.range_label, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(nav)
        layout.addWidget(self.message)
        layout.addLayout(self.grid)
        layout.addWidget(legend)
        layout.addWidget(self.panel, 1)

        self.week_button.clicked.connect(lambda: self.set_mode(WEEK))
        self.day_button.clicked.connect(lambda: self.set_mode(DAY))
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        self.today_button.clicked.connect(lambda: self.select_day(self.context.core.today()))
        self.department_combo.currentIndexChanged.connect(lambda _i: self.reload())
        self.message.action_triggered.connect(self.reload)
        self.panel.outcome_recorded.connect(lambda _r: self.reload())
        workers.run(
            departments.list_departments,
            context.core,
            context.actor,
            on_done=self._departments_loaded,
            on_error=self._failed,
            context=self,
        )

    def _departments_loaded(self, departments: tuple[DepartmentRecord, ...]) -> None:
        self.department_combo.blockSignals(True)
        for department in departments:
            self.department_combo.addItem(department.label, department.id)
        self.department_combo.blockSignals(False)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded_once:
            self._loaded_once = True
            self.reload()

    # -- navigation ---------------------------------------------------------------------------

    def choose_department(self, department_id: int | None) -> None:
        """Show a department (reloads)."""
        index = self.department_combo.findData(department_id)
        if index >= 0:
            self.department_combo.setCurrentIndex(index)

    def set_mode(self, mode: str) -> None:
        """Week or day view."""
        self.mode = mode
        self.week_button.setChecked(mode == WEEK)
        self.day_button.setChecked(mode == DAY)
        self.reload()

    def step(self, direction: int) -> None:
        """The previous or next week (or day)."""
        days = 7 if self.mode == WEEK else 1
        self.select_day(self.selected + dt.timedelta(days=days * direction))

    def select_day(self, day: dt.date) -> None:
        """Choose a day: its week (or the day) is shown and its docket below."""
        self.selected = day
        self.reload()

    def visible_days(self) -> tuple[dt.date, ...]:
        """The days the grid shows."""
        return week_of(self.selected) if self.mode == WEEK else (self.selected,)

    def reload(self) -> None:
        """Load the counts of the visible days and the selected day's docket."""
        if self._job is not None:
            self._job.cancel()
        days = self.visible_days()
        department = self.department_combo.currentData()
        if self.mode == WEEK:
            self.range_label.setText(f"Week of {days[0]:%a %m/%d/%Y} – {days[-1]:%a %m/%d/%Y}")
        else:
            self.range_label.setText(f"{self.selected:%A %m/%d/%Y}")
        self._job = workers.run(
            summarise_days,
            self.context.core,
            self.context.actor,
            days,
            department,
            on_done=self._show_days,
            on_error=self._failed,
            context=self,
        )
        self.panel.show_day(self.selected, department)

    def _show_days(self, summaries: tuple[DaySummary, ...]) -> None:
        self._job = None
        self.message.clear()
        self.summaries = summaries
        for column, cell in enumerate(self.cells):
            if column >= len(summaries):
                cell.hide()
                continue
            summary = summaries[column]
            cell.show()
            noun = "hearing" if summary.hearings == 1 else "hearings"
            count = f"{summary.hearings} {noun}" if summary.hearings else "No hearings"
            if summary.closed_reason:
                count = "Court closed"
            cell.setText(f"{summary.day:%a %m/%d}\n{count}")
            cell.setStyleSheet(_CLOSED_CSS if summary.closed_reason else _OPEN_CSS)
            cell.setToolTip(summary.closed_reason or f"{count} on {summary.day:%A %m/%d/%Y}")
            cell.setAccessibleName(f"{summary.day:%A %m/%d/%Y}: {summary.closed_reason or count}")
            cell.setChecked(summary.day == self.selected)
        self.days_loaded.emit(summaries)

    def _cell_clicked(self, column: int) -> None:
        if column < len(self.summaries):
            self.selected = self.summaries[column].day
            for n, cell in enumerate(self.cells):
                cell.setChecked(n == column)
            self.panel.show_day(self.selected, self.department_combo.currentData())

    def _failed(self, error: BaseException) -> None:
        self._job = None
        text, retry = failure_text(error, "The calendar could not be loaded")
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)


CALENDAR_FEATURE = FeaturePage(
    key="court-calendar",
    title="Court calendar",
    tooltip="A department's week or day: hearing counts, closed days, the docket",
    allowed=lambda context: context.may(Action.DOCKET_VIEW),
    factory=lambda context, navigator: CourtCalendarPage(context, navigator),
)
