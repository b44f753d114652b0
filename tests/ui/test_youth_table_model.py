"""The youth table model: columns and roles, search results, and lazy paging of a huge registry."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, Qt
from pytestqt.qtbot import QtBot

from girlscourt.services.registry.youths import YouthSummary
from ui import workers
from ui.models.youth_table_model import (
    COL_AGE,
    COL_ALIASES,
    COL_DOB,
    COL_NAME,
    COL_PREFERRED,
    PAGE_SIZE,
    Mode,
    SummaryRole,
    YouthIdRole,
    YouthTableModel,
)

from .conftest import drain_workers

TODAY = dt.date(2026, 11, 29)


def summary(i: int, first: str = "Zoë", last: str = "O’Brien") -> YouthSummary:
    return YouthSummary(
        i, first, f"{last}{i}", None, dt.date(2011, 4, 18), ("Lil Star",) if i % 2 else (), 100.0
    )


def test_columns_and_roles_of_a_result_row() -> None:
    model = YouthTableModel(lambda: TODAY)
    row = YouthSummary(7, "Zoë", "Nguyễn", "Zee", dt.date(2011, 4, 18), ("Lil Star", "Z"), 91.0)
    model.set_rows([row], truncated=True)
    assert model.rowCount() == 1 and model.columnCount() == 5
    assert model.mode is Mode.SEARCH and model.truncated

    def cell(column: int, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        return model.data(model.index(0, column), role)

    assert cell(COL_NAME) == "Nguyễn, Zoë"
    assert cell(COL_PREFERRED) == "Zee"
    assert cell(COL_DOB) == "04/18/2011"
    assert cell(COL_AGE) == "15"
    assert cell(COL_ALIASES) == "Lil Star; Z"
    assert cell(COL_ALIASES, Qt.ItemDataRole.ToolTipRole) == "Lil Star\nZ"
    assert cell(COL_DOB, YouthIdRole) == 7
    assert cell(COL_NAME, SummaryRole) is row
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(5)]
    assert headers == ["Name", "Preferred", "Date of birth", "Age", "Aliases"]
    assert not model.flags(model.index(0, 0)) & Qt.ItemFlag.ItemIsEditable


def test_browse_loads_one_page_at_a_time_of_200k_youths() -> None:
    calls: list[tuple[int, int]] = []

    def loader(offset: int, limit: int) -> Sequence[YouthSummary]:
        calls.append((offset, limit))
        return [summary(i) for i in range(offset, offset + limit)]

    model = YouthTableModel(lambda: TODAY)
    with workers.synchronous():
        model.set_browse(200_000, loader)
        assert model.rowCount() == 0 and model.canFetchMore(QModelIndex())
        model.fetchMore(QModelIndex())
        model.fetchMore(QModelIndex())
    assert calls == [(0, PAGE_SIZE), (PAGE_SIZE, PAGE_SIZE)]
    assert model.rowCount() == 2 * PAGE_SIZE and model.total == 200_000
    assert model.index(PAGE_SIZE, COL_NAME).data(YouthIdRole) == PAGE_SIZE


def test_browse_stops_at_the_end_of_the_registry() -> None:
    model = YouthTableModel(lambda: TODAY)
    with workers.synchronous():
        model.set_browse(130, lambda o, n: [summary(i) for i in range(o, o + n)])
        while model.canFetchMore(QModelIndex()):
            model.fetchMore(QModelIndex())
    assert model.rowCount() == 130


def test_a_page_arriving_after_a_new_search_is_dropped(qtbot: QtBot) -> None:
    release = threading.Event()

    def slow_loader(offset: int, limit: int) -> Sequence[YouthSummary]:
        release.wait(5)
        return [summary(i) for i in range(offset, offset + limit)]

    model = YouthTableModel(lambda: TODAY)
    model.set_browse(1000, slow_loader)
    model.fetchMore(QModelIndex())
    assert model.loading and not model.canFetchMore(QModelIndex())
    model.set_rows([summary(1, "Ana", "Ashbrook")])
    release.set()
    drain_workers()
    assert model.rowCount() == 1
    assert model.index(0, COL_NAME).data() == "Ashbrook1, Ana"
