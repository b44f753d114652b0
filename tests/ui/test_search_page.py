"""The search page as an officer uses it: type part of a name, see the youth, open the record."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from girlscourt.demo import seed as demo
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths
from ui.context import AppContext
from ui.models.youth_table_model import COL_ALIASES, COL_DOB, COL_NAME, PAGE_SIZE
from ui.pages.search_page import SearchPage

from .conftest import add_youth, type_into


def make_page(qtbot: QtBot, context: AppContext) -> SearchPage:
    page = SearchPage(context)
    qtbot.addWidget(page)
    page.resize(900, 600)
    page.show()
    qtbot.waitExposed(page)
    return page


def rows(page: SearchPage, column: int = COL_NAME) -> list[str]:
    model = page.model
    return [model.index(r, column).data() for r in range(model.rowCount())]


def test_typing_a_name_shows_the_matching_youth(
    qtbot: QtBot, context: AppContext, core: Core, officer: Actor
) -> None:
    add_youth(core, officer, "Zoë", "Ashbrook", "2011-04-18", aliases=("Lil Star",))
    add_youth(core, officer, "Maya", "Fernwood", "2010-01-02")
    page = make_page(qtbot, context)

    with qtbot.waitSignal(page.results_shown, timeout=5000):
        type_into(qtbot, page.search_edit, "zoe ash")
    assert rows(page) == ["Ashbrook, Zoë"]
    assert rows(page, COL_DOB) == ["04/18/2011"]
    assert rows(page, COL_ALIASES) == ["Lil Star"]
    assert "1 youth matches" in page.status.text()

    page.search_edit.clear()
    with qtbot.waitSignal(page.results_shown, timeout=5000):
        qtbot.keyClicks(page.search_edit, "star")  # an alias finds the youth too
    assert rows(page) == ["Ashbrook, Zoë"]


def test_no_match_says_so(qtbot: QtBot, context: AppContext) -> None:
    page = make_page(qtbot, context)
    with qtbot.waitSignal(page.results_shown, timeout=5000):
        qtbot.keyClicks(page.search_edit, "qqqxy")
    assert rows(page) == []
    assert "No youth matches" in page.status.text()


def test_only_the_newest_query_is_shown(
    qtbot: QtBot, context: AppContext, core: Core, officer: Actor
) -> None:
    add_youth(core, officer, "Ana", "Ashbrook", "2011-04-18")
    add_youth(core, officer, "Maya", "Fernwood", "2010-01-02")
    page = make_page(qtbot, context)
    shown: list[str] = []
    page.results_shown.connect(lambda: shown.append(page.status.text()))
    page.search_edit.setText("fernwood")
    page.run_query()  # still running when the next one is issued: its answer is dropped
    page.search_edit.setText("ashbrook")
    with qtbot.waitSignal(page.results_shown, timeout=5000):
        page.run_query()
    qtbot.waitUntil(lambda: not page._debounce.isActive())
    assert rows(page) == ["Ashbrook, Ana"]
    assert all("fernwood" not in text for text in shown)


def test_empty_query_browses_the_registry_a_page_at_a_time(
    qtbot: QtBot, context: AppContext, core: Core, admin: Actor
) -> None:
    demo.seed_youths(core, admin, 250, seed=3)
    page = make_page(qtbot, context)
    with qtbot.waitSignal(page.results_shown, timeout=5000):
        page.run_query()
    assert page.browsing
    assert page.model.rowCount() == PAGE_SIZE and page.model.total == 250
    assert "showing 100 of 250" in page.status.text()
    first_page = youths.list_youths(core, admin, 0, PAGE_SIZE)
    assert rows(page) == [f"{y.legal_last_name}, {y.legal_first_name}" for y in first_page]
    with qtbot.waitSignal(page.model.page_loaded, timeout=5000):
        page.table.scrollToBottom()
        page.model.fetchMore()
    assert page.model.rowCount() == 2 * PAGE_SIZE


def test_enter_and_double_click_open_the_record(
    qtbot: QtBot, context: AppContext, core: Core, officer: Actor
) -> None:
    youth = add_youth(core, officer, "Ana", "Ashbrook", "2011-04-18")
    page = make_page(qtbot, context)
    with qtbot.waitSignal(page.results_shown, timeout=5000):
        qtbot.keyClicks(page.search_edit, "ashbrook")
    qtbot.keyClick(page.search_edit, Qt.Key.Key_Down)  # into the results
    assert page.focusWidget() is page.table and page.table.currentIndex().row() == 0
    with qtbot.waitSignal(page.open_requested, timeout=2000) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened.args == [youth.id]

    rect = page.table.visualRect(page.model.index(0, COL_NAME))
    with qtbot.waitSignal(page.open_requested, timeout=2000) as opened:
        # a real double-click starts with a press: the view only opens the row it was pressed on
        qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == [youth.id]


def test_new_youth_button_asks_for_the_dialog(qtbot: QtBot, context: AppContext) -> None:
    page = make_page(qtbot, context)
    with qtbot.waitSignal(page.new_youth_requested, timeout=1000):
        qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
