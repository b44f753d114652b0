"""Youth rows for table views, paged lazily so 200,000 youths never load at once.

Search results (at most 200) are set whole; browsing the registry fetches 100 rows at a time on
a worker thread as the user scrolls, so the GUI thread never waits on SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from girlscourt.domain.youth_rules import age_on
from girlscourt.services.registry.youths import YouthSummary
from ui import workers

Index = QModelIndex | QPersistentModelIndex
PageLoader = Callable[[int, int], Sequence[YouthSummary]]

COL_NAME = 0
COL_PREFERRED = 1
COL_DOB = 2
COL_AGE = 3
COL_ALIASES = 4
COLUMN_COUNT = 5

SortRole = Qt.ItemDataRole.UserRole
YouthIdRole = Qt.ItemDataRole.UserRole + 1
SummaryRole = Qt.ItemDataRole.UserRole + 2

PAGE_SIZE = 100

_HEADERS = {
    COL_NAME: ("Name", "Legal name, last name first"),
    COL_PREFERRED: ("Preferred", "The name the youth goes by"),
    COL_DOB: ("Date of birth", "MM/DD/YYYY"),
    COL_AGE: ("Age", "Age today"),
    COL_ALIASES: ("Aliases", "Other names used, including street names"),
}


class Mode(StrEnum):
    """What the rows are."""

    EMPTY = "empty"
    SEARCH = "search"
    BROWSE = "browse"


class YouthTableModel(QAbstractTableModel):
    """Rows of ``YouthSummary``; ``YouthIdRole`` gives the id even through a proxy."""

    page_loaded = Signal()
    load_failed = Signal(object)

    def __init__(
        self, today: Callable[[], dt.date] = dt.date.today, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._today_fn = today
        self._today = today()
        self._rows: list[YouthSummary] = []
        self.mode = Mode.EMPTY
        self.truncated = False
        self.total = 0
        self._loader: PageLoader | None = None
        self._loading: workers.Job | None = None
        self._generation = 0

    # -- filling ------------------------------------------------------------------------------

    def _reset(self, mode: Mode, rows: Sequence[YouthSummary]) -> None:
        self.beginResetModel()
        self._generation += 1
        if self._loading is not None:
            self._loading.cancel()
            self._loading = None
        self._today = self._today_fn()
        self.mode = mode
        self._rows = list(rows)
        self.truncated = False
        self.total = len(self._rows)
        self._loader = None
        self.endResetModel()

    def set_rows(self, rows: Sequence[YouthSummary], truncated: bool = False) -> None:
        """Show search results (ranked by the service)."""
        self._reset(Mode.SEARCH, rows)
        self.truncated = truncated

    def set_browse(self, total: int, loader: PageLoader) -> None:
        """Browse the registry: ``total`` youths, fetched ``PAGE_SIZE`` at a time by ``loader``.

        ``loader(offset, limit)`` runs on a worker thread; rows appear as pages arrive.
        """
        self._reset(Mode.BROWSE, ())
        self.total = total
        self._loader = loader

    def clear(self) -> None:
        """No rows."""
        self._reset(Mode.EMPTY, ())

    @property
    def loading(self) -> bool:
        """A page is on its way."""
        return self._loading is not None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008 (Qt default)
        """More of the registry can be loaded (browse mode, nothing in flight)."""
        return (
            not parent.isValid()
            and self.mode is Mode.BROWSE
            and self._loading is None
            and len(self._rows) < self.total
        )

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008 (Qt default)
        """Ask for the next page; the view calls this as the user scrolls near the end."""
        if not self.canFetchMore(parent) or self._loader is None:
            return
        generation = self._generation
        limit = min(PAGE_SIZE, self.total - len(self._rows))
        self._loading = workers.run(
            self._loader,
            len(self._rows),
            limit,
            on_done=lambda rows: self._page_arrived(generation, rows),
            on_error=lambda error: self._page_failed(generation, error),
            context=self,
        )
        if self._loading is not None and self._loading.done:  # ran inline (tests)
            self._loading = None

    def _page_arrived(self, generation: int, rows: Sequence[YouthSummary]) -> None:
        if generation != self._generation:
            return  # the view was reset (a search began) while this page was loading
        self._loading = None
        rows = list(rows)
        if not rows:
            self.total = len(self._rows)  # the registry shrank since it was counted
        else:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.page_loaded.emit()

    def _page_failed(self, generation: int, error: BaseException) -> None:
        if generation != self._generation:
            return
        self._loading = None
        self.total = len(self._rows)  # stop asking until the view is refreshed
        self.load_failed.emit(error)

    # -- reading ------------------------------------------------------------------------------

    def summary(self, row: int) -> YouthSummary | None:
        """The youth on ``row`` (None out of range)."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """Rows loaded so far."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """Name, preferred, DOB, age, aliases."""
        return 0 if parent.isValid() else COLUMN_COUNT

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text per column; raw values under ``SortRole``; the id under ``YouthIdRole``."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        youth = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(youth, column)
        if role == YouthIdRole:
            return youth.id
        if role == SummaryRole:
            return youth
        if role == SortRole:
            return self._sort_value(youth, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_NAME and youth.sealed:
            return "Sealed record: opening it needs a reason and is audited"
        if role == Qt.ItemDataRole.ToolTipRole and column == COL_ALIASES and youth.aliases:
            return "\n".join(youth.aliases)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COL_AGE:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, youth: YouthSummary, column: int) -> str | None:
        if column == COL_NAME:
            name = f"{youth.legal_last_name}, {youth.legal_first_name}"
            return f"{name} (sealed)" if youth.sealed else name
        if column == COL_PREFERRED:
            return youth.preferred_name or ""
        if column == COL_DOB:
            return youth.dob.strftime("%m/%d/%Y")
        if column == COL_AGE:
            return str(age_on(youth.dob, self._today))
        if column == COL_ALIASES:
            return "; ".join(youth.aliases)
        return None

    def _sort_value(self, youth: YouthSummary, column: int) -> object:
        if column == COL_NAME:
            return f"{youth.legal_last_name.casefold()}\t{youth.legal_first_name.casefold()}"
        if column == COL_PREFERRED:
            return (youth.preferred_name or "").casefold()
        if column in (COL_DOB, COL_AGE):
            return youth.dob.toordinal() if column == COL_DOB else -youth.dob.toordinal()
        return "; ".join(youth.aliases).casefold()

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
        """Selectable, never editable here (the record page edits)."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
