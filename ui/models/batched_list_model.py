"""A table model over an in-memory list, handed to the view a batch at a time.

The rows are already loaded (one service call); only the view's rows are revealed lazily
(``canFetchMore``/``fetchMore``), so a long list never makes the view lay out every row at once.
Subclasses say what a cell shows (``cell``) and keep their own row-access names as thin aliases.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")

Header = tuple[str, str | None]
"""A column's title and its tooltip (None: no tooltip)."""


class BatchedListModel(QAbstractTableModel, Generic[RowT]):
    """Rows of ``RowT`` kept in a list and revealed ``batch`` at a time as the view scrolls."""

    def __init__(
        self, headers: Sequence[Header], batch: int, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._headers = tuple(headers)
        self._batch = batch
        self._all: list[RowT] = []
        self._shown = 0

    # -- the rows -----------------------------------------------------------------------------

    def set_rows(self, rows: Sequence[RowT]) -> None:
        """Replace every row; the first batch is shown, the view fetches the rest."""
        self.beginResetModel()
        self._all = list(rows)
        self._shown = min(self._batch, len(self._all))
        self.endResetModel()

    def prepend(self, row: RowT) -> None:
        """Put ``row`` on top (shown at once)."""
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._all.insert(0, row)
        self._shown += 1
        self.endInsertRows()

    def append(self, rows: Sequence[RowT]) -> None:
        """Add ``rows`` at the end (a further page asked for): the next batch shows at once."""
        self._all.extend(rows)
        self.fetchMore()

    def rows(self) -> tuple[RowT, ...]:
        """Every row listed, shown or not yet."""
        return tuple(self._all)

    @property
    def total(self) -> int:
        """How many rows are listed, shown or not yet."""
        return len(self._all)

    def row_at(self, row: int) -> RowT | None:
        """The row shown at ``row`` (None out of range or not yet revealed)."""
        return self._all[row] if 0 <= row < self._shown else None

    def row_where(self, matches: Callable[[RowT], bool]) -> int | None:
        """The first row that ``matches``, revealing batches down to it."""
        for number, item in enumerate(self._all):
            if matches(item):
                while number >= self._shown and self.canFetchMore():
                    self.fetchMore()
                return number
        return None

    # -- Qt -----------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """Rows handed to the view so far."""
        return 0 if parent.isValid() else self._shown

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """One per header."""
        return 0 if parent.isValid() else len(self._headers)

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 (Qt default)
        """More rows than the view has been given."""
        return not parent.isValid() and self._shown < len(self._all)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 (Qt default)
        """Hand the view the next batch."""
        if not self.canFetchMore(parent):
            return
        last = min(self._shown + self._batch, len(self._all))
        self.beginInsertRows(QModelIndex(), self._shown, last - 1)
        self._shown = last
        self.endInsertRows()

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """Column titles and their tooltips."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._headers):
            return None
        title, tip = self._headers[section]
        if role == Qt.ItemDataRole.DisplayRole:
            return title
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """What ``cell`` says for the row shown at ``index``."""
        item = self.row_at(index.row()) if index.isValid() else None
        if item is None:
            return None
        return self.cell(item, index.column(), role)

    def cell(self, row: RowT, column: int, role: int) -> object:
        """What ``row`` shows in ``column`` under ``role``; subclasses say."""
        raise NotImplementedError
