"""A read-only list table, and a record tab that reads only when it is shown.

Shared by the account, audit, "who looked" and partner-access lists, so they select, resize and
load the same way.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget


def list_table(model: QAbstractItemModel, name: str, *, single: bool = False) -> QTableView:
    """A table of whole rows, not editable, columns fitted to their contents."""
    table = QTableView()
    table.setModel(model)
    table.setAccessibleName(name)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single:
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


class ReadWhenShown(QWidget):
    """A record tab whose reading is itself audited: it reads when first shown, not when the
    record merely opens, and again when shown after the record changed."""

    _stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.load()

    def refresh(self) -> None:
        """The record was loaded or saved: read again now if shown, else when next shown."""
        self._stale = True
        if self.isVisible():
            self.load()

    def load(self) -> None:
        """Read the tab's rows (subclasses say how); call ``super().load()`` first."""
        self._stale = False
