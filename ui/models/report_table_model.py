"""One published report table (already suppressed by the service) for a QTableView.

The model never sees an unsuppressed value: a hidden cell arrives as ``None`` with its flag set,
and shows as "*" with a tooltip naming the threshold.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont

from girlscourt.readmodels.csec_report import Table

Index = QModelIndex | QPersistentModelIndex

SuppressedRole = Qt.ItemDataRole.UserRole + 1


class ReportTableModel(QAbstractTableModel):
    """Row labels in column 0, then the table's columns; the totals row in bold."""

    def __init__(self, table: Table, threshold: int, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.table = table
        self.threshold = threshold

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """Body rows and the totals row."""
        return 0 if parent.isValid() else len(self.table.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """The row header, then one per value column."""
        return 0 if parent.isValid() else len(self.table.columns) + 1

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The cell as the service formats it; "*" for a suppressed cell."""
        if not index.isValid() or not 0 <= index.row() < len(self.table.rows):
            return None
        row = self.table.rows[index.row()]
        column = index.column() - 1
        if role == Qt.ItemDataRole.DisplayRole:
            return row.label if column < 0 else self.table.text(index.row(), column)
        hidden = column >= 0 and row.suppressed[column]
        if role == Qt.ItemDataRole.ToolTipRole and hidden:
            return f"Suppressed: fewer than {self.threshold} (or would reveal such a cell)"
        if role == SuppressedRole:
            return hidden
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and row.is_total:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """The row header's title, then the column labels."""
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        if section == 0:
            return self.table.row_header
        if 0 < section <= len(self.table.columns):
            return self.table.columns[section - 1].label
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        """Selectable (to copy), never editable."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
