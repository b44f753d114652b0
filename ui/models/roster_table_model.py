"""Girls Court roster rows for a table view, exposed in batches so a long roster never stalls.

The service returns frozen ``RosterRow`` records; the model formats a cell only when the view
asks for it and hands rows to the view ``BATCH`` at a time (``canFetchMore``/``fetchMore``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt

from girlscourt.services.court.assignments import TEAM_LABELS, RosterRow
from ui.models.batched_list_model import BatchedListModel

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


class RosterTableModel(BatchedListModel[RosterRow]):
    """The girls on the roster in the service's order (last name, first name)."""

    def __init__(self, tz: dt.tzinfo, parent: QObject | None = None) -> None:
        super().__init__([_HEADERS[c] for c in range(COLUMN_COUNT)], BATCH, parent)
        self._tz = tz

    def row(self, number: int) -> RosterRow | None:
        """The roster row at ``number`` (None out of range)."""
        return self.row_at(number)

    def row_of_youth(self, youth_id: int) -> int | None:
        """Where a youth is shown, fetching further batches if needed."""
        return self.row_where(lambda row: row.youth_id == youth_id)

    def cell(self, row: RosterRow, column: int, role: int) -> Any:
        """Text per column; the youth id and the row under the custom roles."""
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == SortRole:
            return self._sort_key(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
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

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Selectable, never editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
