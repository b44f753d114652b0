"""The in-custody board: who is detained, which legal deadline comes next, live across desks.

It reloads when any workstation writes (``ChangeWatch``) and every minute (time left moves on
even when nobody writes); it polls only while it is on screen.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QHideEvent, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.permissions import Action
from girlscourt.errors import DatabaseUnavailable, GirlsCourtError
from girlscourt.services.intake import custody_board
from girlscourt.services.intake.custody_board import BoardRow
from ui import workers
from ui.context import AppContext
from ui.extensions import FeaturePage, Navigator
from ui.formatting import format_timestamp
from ui.keyboard import chain_tab_order
from ui.models.board_table_model import (
    AMBER_HOURS,
    COL_DEADLINE,
    COL_DUE,
    COL_INITIALS,
    COL_LEFT,
    COL_NAME,
    COL_START,
    COL_STEPS,
    COL_UNIT,
    URGENCY_STYLES,
    BoardTableModel,
    EpisodeIdRole,
    Urgency,
    YouthIdRole,
    keep_row_colours,
)
from ui.style import MUTED
from ui.widgets.change_watch import ChangeWatch
from ui.widgets.message_bar import MessageBar, MessageKind
from ui.widgets.row_table import RowTable

TICK_MS = 60_000  # time left is recomputed, and the board reloaded, once a minute


class BoardView(RowTable):
    """The board table: Enter or a double-click opens the youth's record."""

    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, alternating=False, row_padding=10)  # the colours mean something
        self.horizontalHeader().setStretchLastSection(False)
        keep_row_colours(self)

    def set_column_widths(self) -> None:
        """Fixed widths (measuring would touch every row); the deadline column stretches."""
        metrics = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        wide = QFontMetrics(bold)  # due and time left are bold on breached rows
        em = metrics.horizontalAdvance("M")
        widths = {
            COL_INITIALS: metrics.horizontalAdvance("Initials") + 16,
            COL_NAME: em * 12,
            COL_UNIT: em * 5,
            COL_START: metrics.horizontalAdvance("Wed 00/00 00:00 PM") + 16,
            COL_DUE: wide.horizontalAdvance("Wed 00/00 00:00 PM") + 16,
            COL_LEFT: wide.horizontalAdvance("Breached 00 h 00 min ago") + 16,
            COL_STEPS: metrics.horizontalAdvance("Overdue") + 20,
        }
        for column, width in widths.items():
            self.setColumnWidth(column, width)
        self.horizontalHeader().setSectionResizeMode(COL_DEADLINE, QHeaderView.ResizeMode.Stretch)

    def activate(self, index: QModelIndex) -> None:
        youth_id = index.data(YouthIdRole)
        if youth_id is not None:
            self.open_requested.emit(int(youth_id))


def _swatch(urgency: Urgency) -> QLabel:
    style = URGENCY_STYLES[urgency]
    label = QLabel(style.legend)
    label.setTextFormat(Qt.TextFormat.PlainText)
    background = style.background or "palette(base)"
    weight = "bold" if style.bold else "normal"
    label.setStyleSheet(
        f"background: {background}; color: #1a1a1a; border: 1px solid #b0b0b0;"
        f" border-radius: 3px; padding: 2px 8px; font-weight: {weight};"
    )
    return label


class CustodyBoardPage(QWidget):
    """Every youth in custody, nearest deadline first; ``refreshed`` fires after each load."""

    refreshed = Signal()
    open_requested = Signal(int)

    def __init__(
        self,
        context: AppContext,
        navigator: Navigator | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.navigator = navigator
        self._job: workers.Job | None = None
        self.loaded_at: str | None = None

        title = QLabel("In custody")
        title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        tz_name = context.core.settings.timezone.key
        intro = QLabel(
            "Every youth detained now, the legal deadline due first at the top; times are "
            f"county time ({tz_name}). Enter opens the youth's record."
        )
        intro.setStyleSheet(f"color: {MUTED};")
        intro.setWordWrap(True)
        self.status = QLabel("Loading the board…")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setStyleSheet(f"color: {MUTED};")
        self.refresh_button = QPushButton("&Refresh")
        self.refresh_button.setToolTip("Reload now (the board also reloads by itself)")
        self.refresh_button.setAutoDefault(False)
        self.message = MessageBar()

        tz = context.core.settings.timezone
        self.model = BoardTableModel(tz, context.core.now(), self)
        self.table = BoardView()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Youths in custody")
        self.table.set_column_widths()

        legend = QHBoxLayout()
        legend.setSpacing(6)
        legend_label = QLabel("Colours:")
        legend_label.setStyleSheet(f"color: {MUTED};")
        legend.addWidget(legend_label)
        for band in Urgency:
            legend.addWidget(_swatch(band))
        legend.addStretch(1)

        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(legend)
        layout.addWidget(self.message)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        chain_tab_order([self.table, self.refresh_button])

        self.watch = ChangeWatch(context.core, parent=self)
        self.watch.changed.connect(lambda _token: self.refresh())
        self.watch.failed.connect(self._failed)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.message.action_triggered.connect(self.refresh)
        self.table.open_requested.connect(self._open)

    # -- showing ------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.model.set_now(self.context.core.now())  # time left moved on while hidden
        self.watch.start()  # the first poll, and any change since, reloads the board
        self._tick.start()
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.watch.stop()
        self._tick.stop()

    def refresh(self) -> None:
        """Reload the board now; a reload still running is dropped."""
        if self._job is not None:
            self._job.cancel()
        self._job = workers.run(
            custody_board.in_custody_board,
            self.context.core,
            self.context.actor,
            on_done=self._show,
            on_error=self._failed,
            context=self,
        )

    def _show(self, rows: tuple[BoardRow, ...]) -> None:
        self._job = None
        current = self.table.currentIndex()
        episode_id = current.data(EpisodeIdRole) if current.isValid() else None
        column = current.column() if current.isValid() else COL_NAME
        now = self.context.core.now()
        self.model.set_rows(rows, now)
        self.message.clear()
        tz = self.context.core.settings.timezone
        self.loaded_at = format_timestamp(now, tz)
        self.status.setText(self._summary(len(rows), sum(1 for r in rows if r.warnings)))
        number = self.model.row_of_episode(int(episode_id)) if episode_id is not None else None
        if number is None and rows:
            number = 0
        if number is not None:
            self.table.setCurrentIndex(self.model.index(number, column))
        self.refreshed.emit()

    def _summary(self, count: int, warned: int = 0) -> str:
        if count == 0:
            return f"Nobody is in custody. Updated {self.loaded_at}."
        counts = self.model.counts()
        urgent = []
        if counts[Urgency.BREACHED]:
            urgent.append(f"{counts[Urgency.BREACHED]} breached")
        if counts[Urgency.AMBER]:
            urgent.append(f"{counts[Urgency.AMBER]} due within {AMBER_HOURS:g} hours")
        noun = "youth" if count == 1 else "youths"
        extra = f" ({', '.join(urgent)})" if urgent else ""
        ages = ""
        if warned:
            marked = "1 youth is" if warned == 1 else f"{warned} youths are"
            ages = f" ⚠ {marked} turning 18 or near the end of jurisdiction (point at the name)."
        return f"{count} {noun} in custody{extra}.{ages} Updated {self.loaded_at}."

    def _failed(self, error: BaseException) -> None:
        self._job = None
        shown = f" Showing what was loaded at {self.loaded_at}." if self.loaded_at else ""
        if isinstance(error, DatabaseUnavailable):
            text = f"The board could not reach the database ({error}).{shown} It keeps retrying."
        elif isinstance(error, GirlsCourtError):
            text = f"The board could not be loaded: {error}"
        else:
            text = "The board could not be loaded; the details are in the log." + shown
        self.message.show_message(text, MessageKind.ERROR, "&Try again")
        self.refreshed.emit()

    def _open(self, youth_id: int) -> None:
        self.open_requested.emit(youth_id)
        if self.navigator is not None:
            self.navigator.open_youth(youth_id)


def _factory(context: AppContext, navigator: Navigator) -> QWidget:
    return CustodyBoardPage(context, navigator)


BOARD_FEATURE = FeaturePage(
    key="custody-board",
    title="In custody",
    tooltip="Every youth in custody, nearest legal deadline first",
    allowed=lambda context: context.may(Action.YOUTH_SEARCH),
    factory=_factory,
    shortcut="Ctrl+B",
)
