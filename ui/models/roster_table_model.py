"""Girls Court roster rows for a table view, exposed in batches so a long roster never stalls.

The service returns frozen ``RosterRow`` records; the model formats a cell only when the view
asks for it and hands rows to the view ``BATCH`` at a time (``canFetchMore``/``fetchMore``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from girlscourt.services.court import TEAM_LABELS, RosterRow

Index = QModelIndex | QPersistentModelIndex

COL_NAME = 0
COL_DOCKET_NAME = 1
COL_STATUS = 2
COL_SINCE = 3
COL_NEXT = 4
COL_TYPE = 5
COL_DEPT = 6
COL_PO = 7
COLUMN_COUNT = 8

SortRole = Qt.ItemDataRole.UserRole
YouthIdRole = Qt.ItemDataRole.UserRole + 1
RowRole = Qt.ItemDataRole.UserRole + 2

BATCH = 200

STATUS_LABELS = {
    "referred": "Referred",
    "active": "Active",
    "completed": "Completed",
    "exited": "Exited",
}

_HEADERS = {
    COL_NAME: ("Name", "Legal name, last name first, with the name she goes by"),
    COL_DOCKET_NAME: ("On the docket", "How the name prints on the initials docket"),
    COL_STATUS: ("Status", "Referred, active, completed or exited"),
    COL_SINCE: ("Since", "Accepted on (active) or referred on (referred)"),
    COL_NEXT: ("Next hearing", "The next hearing still on calendar (county time)"),
    COL_TYPE: ("Type", "Hearing type code"),
    COL_DEPT: ("Dept", "Department of the next hearing"),
    COL_PO: (TEAM_LABELS["probation_officer"], "Her probation officer on the team"),
}


def format_when(value: dt.datetime | None) -> str:
    """``Tue 12/01/2026 08:30`` (county-local, as the service gives it)."""
    return f"{value:%a %m/%d/%Y %H:%M}" if value is not None else "—"


def full_name(row: RosterRow) -> str:
    """``Last, First “Preferred”``."""
    name = f"{row.legal_last_name}, {row.legal_first_name}"
    if row.preferred_name and row.preferred_name != row.legal_first_name:
        name += f" “{row.preferred_name}”"
    return name


class RosterTableModel(QAbstractTableModel):
    """The girls on the roster in the service's order (last name, first name)."""

    def __init__(self, tz: dt.tzinfo, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tz = tz
        self._rows: list[RosterRow] = []
        self._shown = 0

    def set_rows(self, rows: Sequence[RosterRow]) -> None:
        """Show ``rows`` (the view fetches past the first batch as it scrolls)."""
        self.beginResetModel()
        self._rows = list(rows)
        self._shown = min(BATCH, len(self._rows))
        self.endResetModel()

    def row(self, number: int) -> RosterRow | None:
        """The roster row at ``number`` (None out of range)."""
        return self._rows[number] if 0 <= number < self._shown else None

    def row_of_youth(self, youth_id: int) -> int | None:
        """Where a youth is shown, fetching further batches if needed."""
        for number, row in enumerate(self._rows):
            if row.youth_id == youth_id:
                while number >= self._shown:
                    self.fetchMore(QModelIndex())
                return number
        return None

    @property
    def total(self) -> int:
        """Rows loaded (shown or not yet fetched by the view)."""
        return len(self._rows)

    def canFetchMore(self, parent: Index) -> bool:
        """More rows than the view has been given."""
        return not parent.isValid() and self._shown < len(self._rows)

    def fetchMore(self, parent: Index) -> None:
        """Hand the view the next batch."""
        if parent.isValid() or self._shown >= len(self._rows):
            return
        last = min(self._shown + BATCH, len(self._rows))
        self.beginInsertRows(QModelIndex(), self._shown, last - 1)
        self._shown = last
        self.endInsertRows()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """Rows handed to the view so far."""
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """Name, docket name, status, since, next hearing, type, department, PO."""
        return 0 if parent.isValid() else COLUMN_COUNT

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text per column; the youth id and the row under the custom roles."""
        row = self.row(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, index.column())
        if role == SortRole:
            return self._sort_key(row, index.column())
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, index.column())
        if role == YouthIdRole:
            return row.youth_id
        if role == RowRole:
            return row
        return None

    def _display(self, row: RosterRow, column: int) -> str:
        if column == COL_NAME:
            return full_name(row)
        if column == COL_DOCKET_NAME:
            return row.docket_name
        if column == COL_STATUS:
            return STATUS_LABELS.get(row.status, row.status)
        if column == COL_SINCE:
            since = row.accepted_on or row.referred_at.astimezone(self._tz).date()
            return f"{since:%m/%d/%Y}"
        if column == COL_NEXT:
            return format_when(row.next_hearing_at) if row.next_hearing_id else "None set"
        if column == COL_TYPE:
            return row.next_hearing_type or ""
        if column == COL_DEPT:
            return row.next_hearing_department or ""
        if column == COL_PO:
            return row.team.probation_officer or ""
        return ""

    def _sort_key(self, row: RosterRow, column: int) -> Any:
        if column == COL_NEXT:
            return row.next_hearing_at.isoformat() if row.next_hearing_at else "9999"
        return self._display(row, column).casefold()

    def _tooltip(self, row: RosterRow, column: int) -> str | None:
        if column in (COL_NAME, COL_STATUS):
            team = row.team.as_dict()
            if not team:
                return "No team named yet"
            return "\n".join(f"{TEAM_LABELS[k]}: {v}" for k, v in team.items())
        return None

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
