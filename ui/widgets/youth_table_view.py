"""The youth results table used by the search page and the duplicate warning alike."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Signal
from PySide6.QtWidgets import QWidget

from ui.models.youth_table_model import COL_AGE, COL_DOB, COL_NAME, COL_PREFERRED, YouthIdRole
from ui.widgets.row_table import RowTable


class YouthTableView(RowTable):
    """A results table where Enter or a double-click opens the youth (on every platform)."""

    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.horizontalHeader().setStretchLastSection(True)

    def set_column_widths(self) -> None:
        """Fixed widths: measuring contents would touch every loaded row."""
        metrics = self.fontMetrics()
        widths = {
            COL_NAME: metrics.horizontalAdvance("M") * 18,
            COL_PREFERRED: metrics.horizontalAdvance("M") * 9,
            COL_DOB: metrics.horizontalAdvance("00/00/00000") + 16,
            COL_AGE: metrics.horizontalAdvance("Age") + 24,
        }
        for column, width in widths.items():
            self.setColumnWidth(column, width)

    def activate(self, index: QModelIndex) -> None:
        youth_id = index.siblingAtColumn(COL_NAME).data(YouthIdRole)
        if youth_id is not None:
            self.open_requested.emit(int(youth_id))
