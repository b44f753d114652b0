"""The main window: banner, who is signed in, menus and shortcuts, opening records."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from pytestqt.qtbot import QtBot

from girlscourt import __version__
from girlscourt.services.kernel.core import Actor, Core
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.youth_page import YouthPage
from ui.widgets.banner import CONFIDENTIAL_TEXT

from .conftest import add_youth


def make_window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.search_page.results_shown, timeout=5000):
        window.start()
    return window


def test_banner_user_and_menus(qtbot: QtBot, context: AppContext) -> None:
    window = make_window(qtbot, context)
    assert window.banner.text() == CONFIDENTIAL_TEXT
    assert "§827" in CONFIDENTIAL_TEXT
    assert "Olu Officer (officer) · Probation intake officer" in window.user_label.text()
    assert window.new_action.shortcut() == QKeySequence("Ctrl+N")
    assert window.find_action.shortcut() == QKeySequence("Ctrl+F")
    assert not window.quit_action.shortcut().isEmpty()
    nav = [window.nav.item(r).text() for r in range(window.nav.count())]
    assert nav[0] == "Find a youth"  # then only the features this role may use

    box = window.show_about()
    assert __version__ in box.text() and "Girls Court" in box.text()
    box.close()


def test_ctrl_n_opens_the_new_youth_dialog(qtbot: QtBot, context: AppContext) -> None:
    window = make_window(qtbot, context)
    window.new_action.trigger()
    dialog = window.new_youth_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reject()
    qtbot.waitUntil(lambda: window.new_youth_dialog is None, timeout=2000)


def test_opening_a_record_from_the_search_adds_it_to_the_navigation(
    qtbot: QtBot, context: AppContext, core: Core, officer: Actor
) -> None:
    youth = add_youth(core, officer, "Ana", "Ashbrook", "2011-04-18")
    window = make_window(qtbot, context)
    page = window.search_page
    with qtbot.waitSignal(page.results_shown, timeout=5000):
        qtbot.keyClicks(page.search_edit, "ashbrook")
    with qtbot.waitSignal(window.record_opened, timeout=5000) as opened:
        qtbot.keyClick(page.table, Qt.Key.Key_Return)
    record_page: YouthPage = opened.args[0]
    qtbot.waitUntil(lambda: record_page.record is not None, timeout=5000)
    assert window.stack.currentWidget() is record_page
    assert window.nav.currentItem().text() == "Ashbrook, Ana"

    window.find_action.trigger()  # Ctrl+F goes back to the search, text selected
    assert window.stack.currentWidget() is page
    assert page.search_edit.selectedText() == "ashbrook"

    assert window.open_youth(youth.id) is record_page  # already open: no second page
    window.close_current_record()
    shown = [window.nav.item(r).text() for r in range(window.nav.count())]
    assert "Ashbrook, Ana" not in shown and youth.id not in window.pages


def test_the_help_menu_says_when_the_last_backup_was_taken(
    qtbot: QtBot, context: AppContext, core: Core, private_data_dir: Path
) -> None:
    """The first sign-in of the day takes the day's backup off the screen's thread; the Help
    menu then names it (the UI tests run on SQLite; a PostgreSQL desk's line is the server's)."""
    window = MainWindow(context)
    qtbot.addWidget(window)
    assert window.backup_action.text() == "Last backup: none yet"
    window.show()
    with qtbot.waitSignal(window.backup_ready, timeout=10000):
        window.start()
    help_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Help")
    texts = [a.text() for a in help_menu.actions()]
    today = core.today().isoformat()
    assert any(t.startswith("Last backup: ") and today in t for t in texts), texts
    stem = Path(core.db.target.url.database or "").stem
    assert (private_data_dir / "backups" / f"{stem}-{today}.sqlite3").is_file()
    assert not window.backup_action.isEnabled()
