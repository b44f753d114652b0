"""Rows of the in-custody board, coloured by the hours left before each youth's nearest deadline.

The urgency thresholds live here and nowhere else: the board, its legend and the record page's
checklist all colour from ``urgency()`` and ``URGENCY_STYLES``. Hours left are worked out from
the due time and the model's ``now`` (ticked by the page), so the board stays right between
database changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any
from zoneinfo import ZoneInfo

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
)

from girlscourt.domain.deadlines import Deadline, hours_left
from girlscourt.services.intake.custody_board import BoardRow
from ui.formatting import format_timestamp

Index = QModelIndex | QPersistentModelIndex

# -- urgency: the one place the thresholds are set --------------------------------------------

AMBER_HOURS = 12.0  # fewer hours left than this: amber
YELLOW_HOURS = 24.0  # fewer hours left than this: yellow


class Urgency(IntEnum):
    """How close a deadline is; the lower, the more urgent."""

    BREACHED = 0
    AMBER = 1
    YELLOW = 2
    NORMAL = 3


@dataclass(frozen=True)
class UrgencyStyle:
    """How a row of this urgency looks, and what the legend calls it."""

    background: str | None
    legend: str
    bold: bool = False


URGENCY_STYLES: dict[Urgency, UrgencyStyle] = {
    Urgency.BREACHED: UrgencyStyle("#f5b7b1", "Breached (past due)", bold=True),
    Urgency.AMBER: UrgencyStyle("#ffd59e", f"Under {AMBER_HOURS:g} hours left"),
    Urgency.YELLOW: UrgencyStyle("#fff3b0", f"Under {YELLOW_HOURS:g} hours left"),
    Urgency.NORMAL: UrgencyStyle(None, f"{YELLOW_HOURS:g} hours or more"),
}


SELECTION_TINT = QColor(59, 111, 212, 35)
SELECTION_EDGE = QColor(59, 111, 212)


class UrgencyDelegate(QStyledItemDelegate):
    """Paints a selected row's urgency colour under a light tint and a blue edge.

    Qt styles paint the plain highlight instead of the row's own background, which would hide
    the very colour that says "breached" on the row the officer is looking at.
    """

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        brush = index.data(Qt.ItemDataRole.BackgroundRole)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if not selected or not isinstance(brush, QBrush):
            super().paint(painter, option, index)
            return
        rect = option.rect
        painter.save()
        painter.fillRect(rect, brush)
        painter.fillRect(rect, SELECTION_TINT)
        painter.setPen(SELECTION_EDGE)
        painter.drawLine(rect.topLeft(), rect.topRight())
        painter.drawLine(rect.bottomLeft(), rect.bottomRight())
        painter.restore()
        plain = QStyleOptionViewItem(option)
        self.initStyleOption(plain, index)
        plain.state &= ~QStyle.StateFlag.State_Selected
        plain.backgroundBrush = QBrush()
        widget = plain.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, widget)


def keep_row_colours(view: QAbstractItemView) -> None:
    """Selected rows keep their urgency colour (a tint and an edge mark the selection)."""
    palette = view.palette()
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group, QPalette.ColorRole.Highlight, QColor("#cfdcf5"))
        palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor("#1a1a1a"))
    view.setPalette(palette)
    view.setItemDelegate(UrgencyDelegate(view))


def urgency(hours: float | None) -> Urgency:
    """The urgency of a deadline ``hours`` away (negative: already past; None: no deadline)."""
    if hours is None:
        return Urgency.NORMAL
    if hours < 0:
        return Urgency.BREACHED
    if hours < AMBER_HOURS:
        return Urgency.AMBER
    if hours < YELLOW_HOURS:
        return Urgency.YELLOW
    return Urgency.NORMAL


# -- wording --------------------------------------------------------------------------------

RULE_NAMES = {
    "WIC631": "WIC 631",
    "WIC631b": "WIC 631(b)",
    "WIC632a": "WIC 632(a)",
    "WIC632b": "WIC 632(b)",
    "WIC657": "WIC 657",
    "WIC702": "WIC 702",
    "WIC241_1": "WIC 241.1",
}


RULE_PURPOSES = {
    "WIC631": "release or petition",
    "WIC631b": "supervisor review",
    "WIC632a": "detention hearing",
    "WIC632b": "detention hearing",
    "WIC657": "jurisdiction hearing",
    "WIC702": "disposition hearing",
    "WIC241_1": "dual-status hearing",
}


def rule_name(rule: str) -> str:
    """``WIC632a`` as people write it: ``WIC 632(a)``."""
    return RULE_NAMES.get(rule, rule)


def deadline_title(deadline: Deadline) -> str:
    """A deadline in a few words: "WIC 632(a) · detention hearing" (the citation's own code)."""
    code = (
        deadline.citation.split(":", 1)[0] if ":" in deadline.citation else rule_name(deadline.rule)
    )
    purpose = RULE_PURPOSES.get(deadline.rule)
    return f"{code} · {purpose}" if purpose else code


def _at_midnight(local: dt.datetime) -> bool:
    return local.time() == dt.time(0, 0)


def format_due(value: dt.datetime, tz: ZoneInfo) -> str:
    """A due time in county time with its weekday: "Mon 11/30/2026 11:59 PM PST".

    A time due at midnight is the end of the day before, and says so ("end of Tue 12/08/2026
    PST"): "Wed 12/09 12:00 AM" reads as the end of Wednesday to a tired eye.
    """
    local = value.astimezone(tz)
    if _at_midnight(local):
        before = local - dt.timedelta(days=1)
        return f"end of {before:%a %m/%d/%Y} {local.tzname()}"
    return f"{local:%a} {format_timestamp(value, tz)}"


def format_short(value: dt.datetime, tz: ZoneInfo) -> str:
    """A time this week or so, for a narrow column: "Mon 11/30 11:59 PM" (county time);
    midnight reads as the end of the day before ("end of Tue 12/08")."""
    local = value.astimezone(tz)
    if _at_midnight(local):
        return f"end of {local - dt.timedelta(days=1):%a %m/%d}"
    return f"{local:%a %m/%d} {local.strftime('%I:%M %p').lstrip('0')}"


def format_hours_left(hours: float | None) -> str:
    """ "5 h 20 min", "3 d 4 h", or "Breached 2 h 5 min ago"."""
    if hours is None:
        return "—"
    minutes = round(abs(hours) * 60)
    days, rest = divmod(minutes, 24 * 60)
    whole_hours, mins = divmod(rest, 60)
    if days >= 2:
        text = f"{days} d {whole_hours} h"
    elif minutes >= 60:
        text = f"{days * 24 + whole_hours} h {mins} min"
    else:
        text = f"{mins} min"
    return f"Breached {text} ago" if hours < 0 else text


# -- the model ------------------------------------------------------------------------------

COL_INITIALS = 0
COL_NAME = 1
COL_UNIT = 2
COL_START = 3
COL_DEADLINE = 4
COL_DUE = 5
COL_LEFT = 6
COL_STEPS = 7
COLUMN_COUNT = 8

YouthIdRole = Qt.ItemDataRole.UserRole + 1
EpisodeIdRole = Qt.ItemDataRole.UserRole + 2
RowRole = Qt.ItemDataRole.UserRole + 3
UrgencyRole = Qt.ItemDataRole.UserRole + 4

_HEADERS = {
    COL_INITIALS: ("Initials", "The youth's initials"),
    COL_NAME: ("Name", "Last name, then the name the youth goes by"),
    COL_UNIT: ("Unit", "Housing unit while detained"),
    COL_START: ("Custody since", "When custody started, county time"),
    COL_DEADLINE: ("Nearest deadline", "The open statutory deadline due first"),
    COL_DUE: ("Due", "When the nearest deadline falls due, county time"),
    COL_LEFT: ("Time left", "Time left before the nearest deadline"),
    COL_STEPS: ("Overdue", "CSEC protocol steps past their target and not done"),
}
_TIME_COLUMNS = (COL_LEFT,)


class BoardTableModel(QAbstractTableModel):
    """Youths in custody in the service's order (nearest deadline first)."""

    def __init__(self, tz: ZoneInfo, now: dt.datetime, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tz = tz
        self._now = now
        self._rows: list[BoardRow] = []

    # -- filling ------------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[BoardRow], now: dt.datetime) -> None:
        """Show ``rows``; the same youths in the same order update in place (no reset)."""
        rows = list(rows)
        self._now = now
        same = [r.episode_id for r in rows] == [r.episode_id for r in self._rows]
        if same and rows:
            self._rows = rows
            last = self.index(len(rows) - 1, COLUMN_COUNT - 1)
            self.dataChanged.emit(self.index(0, 0), last)
            return
        if same:
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def set_now(self, now: dt.datetime) -> None:
        """Move the clock on: time left and colours change, nothing else does."""
        self._now = now
        if self._rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._rows) - 1, COLUMN_COUNT - 1)
            )

    # -- reading ------------------------------------------------------------------------------

    def row(self, number: int) -> BoardRow | None:
        """The board row at ``number`` (None out of range)."""
        return self._rows[number] if 0 <= number < len(self._rows) else None

    def row_of_episode(self, episode_id: int) -> int | None:
        """Where an episode is shown, if it is."""
        for number, row in enumerate(self._rows):
            if row.episode_id == episode_id:
                return number
        return None

    def hours_left(self, row: BoardRow) -> float | None:
        """Hours from the model's ``now`` to the row's nearest deadline."""
        return hours_left(row.nearest, self._now) if row.nearest is not None else None

    def urgency_of(self, row: BoardRow) -> Urgency:
        """The row's colour band."""
        return urgency(self.hours_left(row))

    def counts(self) -> dict[Urgency, int]:
        """How many rows fall in each urgency band."""
        result = dict.fromkeys(Urgency, 0)
        for row in self._rows:
            result[self.urgency_of(row)] += 1
        return result

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """Youths in custody."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """Initials, name, unit, custody start, deadline, due, time left, overdue steps."""
        return 0 if parent.isValid() else COLUMN_COUNT

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text per column, the row's colour, and ids under the custom roles."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role in (
            Qt.ItemDataRole.BackgroundRole,
            Qt.ItemDataRole.ForegroundRole,
            Qt.ItemDataRole.FontRole,
        ):
            return self._look(row, column, role)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (COL_LEFT, COL_STEPS):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return {
            YouthIdRole: row.youth_id,
            EpisodeIdRole: row.episode_id,
            RowRole: row,
            UrgencyRole: int(self.urgency_of(row)),
        }.get(role)

    def _look(self, row: BoardRow, column: int, role: int) -> Any:
        style = URGENCY_STYLES[self.urgency_of(row)]
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(QColor(style.background)) if style.background else None
        if role == Qt.ItemDataRole.ForegroundRole:
            # Dark text on every coloured band, whatever the desktop theme.
            return QBrush(QColor("#1a1a1a")) if style.background else None
        if column in (COL_DUE, COL_LEFT) and style.bold:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _display(self, row: BoardRow, column: int) -> str | None:
        nearest = row.nearest
        if column == COL_INITIALS:
            return row.initials
        if column == COL_NAME:
            return f"⚠ {row.display_name}" if row.warnings else row.display_name
        if column == COL_UNIT:
            return row.housing_unit or "—"
        if column == COL_START:
            return format_short(row.custody_start_at, self._tz)
        if column == COL_DEADLINE:
            return deadline_title(nearest) if nearest else "No open deadline"
        if column == COL_DUE:
            return format_short(nearest.due, self._tz) if nearest else "—"
        if column == COL_LEFT:
            return format_hours_left(self.hours_left(row))
        if column == COL_STEPS:
            return str(row.overdue_steps) if row.overdue_steps else ""
        return None

    def _tooltip(self, row: BoardRow, column: int) -> str | None:
        if column == COL_DEADLINE and row.deadlines:
            lines = [row.nearest.citation] if row.nearest else []
            lines += [self._deadline_line(d) for d in row.deadlines]
            return "\n".join(lines)
        if column == COL_START:
            return format_due(row.custody_start_at, self._tz)
        if column == COL_NAME and row.warnings:
            return "\n".join(row.warnings)
        if column == COL_DUE and row.nearest is not None:
            legend = URGENCY_STYLES[self.urgency_of(row)].legend
            return f"{format_due(row.nearest.due, self._tz)}\n{legend}"
        if column == COL_LEFT:
            return URGENCY_STYLES[self.urgency_of(row)].legend
        if column == COL_STEPS and row.overdue_steps:
            return "Protocol steps past their target: open the record to see them (Enter)"
        return None

    def _deadline_line(self, deadline: Deadline) -> str:
        return (
            f"{rule_name(deadline.rule)}: due {format_due(deadline.due, self._tz)} "
            f"({deadline.state})"
        )

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles and their tooltips."""
        if orientation != Qt.Orientation.Horizontal or section not in _HEADERS:
            return None
        title, tip = _HEADERS[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Selectable, never editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
