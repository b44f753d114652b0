"""The county's charges as a table model, and the filter that finds one by code or words."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from girlscourt.domain.intake_rules import ChargeCode

Index = QModelIndex | QPersistentModelIndex

CHARGE_COLUMNS = ("Code", "Charge", "Level", "Flags")


def charge_flags(charge: ChargeCode) -> str:
    """ "violent, weapon, SB 1322" as applicable."""
    flags = [name for name, on in (("violent", charge.violent), ("weapon", charge.weapon)) if on]
    if charge.sb1322:
        flags.append("SB 1322: a minor is not booked on this alone")
    return ", ".join(flags)


class ChargeTableModel(QAbstractTableModel):
    """Charges (from the county list): code, description, level, flags.

    ``one_line`` shows the whole charge in column 0 (the pick list is a one-column view).
    """

    def __init__(
        self,
        charges: Sequence[ChargeCode] = (),
        parent: QObject | None = None,
        *,
        one_line: bool = False,
    ) -> None:
        super().__init__(parent)
        self._rows = list(charges)
        self._one_line = one_line

    def set_charges(self, charges: Sequence[ChargeCode]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(charges)
        self.endResetModel()

    def append(self, charge: ChargeCode) -> None:
        """Add a row at the end."""
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
        self._rows.append(charge)
        self.endInsertRows()

    def remove(self, row: int) -> None:
        """Remove one row."""
        if 0 <= row < len(self._rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    def charges(self) -> list[ChargeCode]:
        """Every row, in order."""
        return list(self._rows)

    def charge(self, row: int) -> ChargeCode | None:
        """The charge on ``row`` (None out of range)."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """Charges listed."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt default)
        """Code, description, level, flags."""
        return 0 if parent.isValid() else len(CHARGE_COLUMNS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text per column; the whole line in column 0 for the pick list's search."""
        charge = self.charge(index.row()) if index.isValid() else None
        if charge is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if self._one_line and index.column() == 0:
                flags = charge_flags(charge).split(":", 1)[0]  # "…, SB 1322"
                return f"{charge.code} — {charge.description} · {charge.level}" + (
                    f" · {flags}" if flags else ""
                )
            return (charge.code, charge.description, charge.level, charge_flags(charge))[
                index.column()
            ]
        if role == Qt.ItemDataRole.UserRole:
            return charge.code
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{charge.code}: {charge.description} ({charge.level})"
        return None

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(CHARGE_COLUMNS)
        ):
            return CHARGE_COLUMNS[section]
        return None


def _compact(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.casefold())


class ChargeFilterModel(QSortFilterProxyModel):
    """Charges whose code or description holds every word typed ("211", "pc 245", "theft")."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []

    def set_text(self, text: str) -> None:
        """Filter by ``text`` (empty: every charge)."""
        self.beginFilterChange()
        self._words = [w for w in (_compact(part) for part in text.split()) if w]
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        source = self.sourceModel()
        assert isinstance(source, ChargeTableModel)
        charge = source.charge(source_row)
        if charge is None:
            return False
        haystack = _compact(f"{charge.code} {charge.description} {charge.level}")
        return all(word in haystack for word in self._words)
