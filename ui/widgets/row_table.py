"""A table of whole rows that the keyboard can act on: Enter (or a double-click) activates the
current row. The board, the roster, the docket, search results and restriction reviews use it."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


class RowTable(QTableView):
    """One selected row at a time, not editable, fixed row height; ``activate`` says what
    Enter and a double-click do."""

    def __init__(
        self, parent: QWidget | None = None, *, alternating: bool = True, row_padding: int = 8
    ) -> None:
        super().__init__(parent)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(alternating)
        self.setTabKeyNavigation(False)
        self.setWordWrap(False)
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().lineSpacing() + row_padding)
        self.horizontalHeader().setHighlightSections(False)
        self.doubleClicked.connect(self.activate)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.activate(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)

    def activate(self, index: QModelIndex) -> None:
        """Act on the row at ``index`` (subclasses say how)."""
        raise NotImplementedError
