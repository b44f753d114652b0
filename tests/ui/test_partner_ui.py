"""Partner access at the keyboard: a supervisor gives a DA one youth; the DA sees only her."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from girlscourt.domain.permissions import Role
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts
from tests.conftest import ADMIN_PASSWORD
from ui.context import AppContext
from ui.main_window import MainWindow
from ui.pages.youth_page import YouthPage
from ui.widgets.partners_section import PartnersSection

from .conftest import add_youth


def make_window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.search_page.results_shown, timeout=5000):
        window.start()
    return window


def listed(window: MainWindow) -> list[int]:
    model = window.search_page.model
    summaries = (model.summary(row) for row in range(model.rowCount()))
    return [s.id for s in summaries if s is not None]


def tab_titles(page: YouthPage) -> list[str]:
    return [page.tabs.tabText(i).replace("&", "") for i in range(page.tabs.count())]


def test_a_supervisor_gives_a_da_one_youth_and_takes_it_back(
    qtbot: QtBot, core: Core, admin: Actor, officer: Actor
) -> None:
    mine = add_youth(core, officer, "Maya", "Ashford", "2011-02-03")
    other = add_youth(core, officer, "Mia", "Ashford", "2011-05-06")
    accounts.create_user(core, admin, "sup", Role.SUPERVISOR, ADMIN_PASSWORD, "Sam Supervisor")
    accounts.create_user(core, admin, "da", Role.PROSECUTOR, ADMIN_PASSWORD, "Dee Attorney")
    supervisor = accounts.authenticate(core, "sup", ADMIN_PASSWORD)

    # The supervisor opens the youth's record and gives the DA access on the Partner tab.
    page = YouthPage(AppContext(core, supervisor), mine.id)
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.load()
    section = page.findChildren(PartnersSection)[0]
    with qtbot.waitSignal(section.loaded, timeout=5000):
        page.tabs.setCurrentWidget(section)
    assert section.partner.currentText() == "Dee Attorney (da) – District attorney"
    section.reason.setCurrentIndex(section.reason.findData("prosecutor_of_record"))
    with qtbot.waitSignal(section.loaded, timeout=5000):
        qtbot.mouseClick(section.assign_button, Qt.MouseButton.LeftButton)
    assert section.model.index(0, 0).data() == "da"
    assert section.model.index(0, 3).data() == "now (active)"
    assert section.message.text() == "da can now read this record."

    # The DA signs in: one youth, read-only, court side only.
    da = accounts.authenticate(core, "da", ADMIN_PASSWORD)
    window = make_window(qtbot, AppContext(core, da))
    nav = [window.nav.item(r).text() for r in range(window.nav.count())]
    assert nav == ["Find a youth", "In custody"]  # the board lists her youth only
    assert listed(window) == [mine.id] and other.id not in listed(window)
    assert not window.new_action.isEnabled()
    record = window.open_youth(mine.id)
    qtbot.waitUntil(lambda: record.title.text() == "Ashford, Maya", timeout=5000)
    assert tab_titles(record) == ["Record", "Checklist and deadlines", "Court"]
    assert record.form.legal_first_name.isReadOnly()

    # The supervisor ends it; the DA's next search finds nobody.
    section.confirm = lambda _text: True  # type: ignore[method-assign]
    section.table.selectRow(0)
    with qtbot.waitSignal(section.loaded, timeout=5000):
        qtbot.mouseClick(section.end_button, Qt.MouseButton.LeftButton)
    assert section.model.index(0, 3).data() != "now (active)"
    with qtbot.waitSignal(window.search_page.results_shown, timeout=5000):
        window.search_page.refresh()
    assert listed(window) == []
    window.confirm_discard = lambda _count: True  # type: ignore[method-assign]
