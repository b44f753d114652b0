"""The youth results table used by the search page and the duplicate warning alike."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ui.models.youth_table_model import COL_AGE, COL_DOB, COL_NAME, COL_PREFERRED, YouthIdRole


class YouthTableView(QTableView):
    """A results table where Enter or a double-click opens the youth (on every platform)."""

    open_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + 8)
        self.horizontalHeader().setStretchLastSection(True)
        self.horizontalHeader().setHighlightSections(False)
        self.doubleClicked.connect(self._open_index)

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

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._open_index(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)

    def _open_index(self, index: QModelIndex) -> None:
        youth_id = index.siblingAtColumn(COL_NAME).data(YouthIdRole)
        if youth_id is not None:
            self.open_requested.emit(int(youth_id))
