"""The main window's notice: a stale password blocklist for administrators (never for other
roles), and a settings file that was set aside for everyone."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from pytestqt.qtbot import QtBot

from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts
from ui.context import AppContext
from ui.main_window import MainWindow


def started(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.search_page.results_shown, timeout=5000):
        window.start()
    return window


def days_after_compiling(core: Core, days: int) -> dt.date:
    compiled = accounts.blocklist_compiled_on()
    assert compiled is not None
    noon = dt.datetime.combine(
        compiled + dt.timedelta(days=days), dt.time(12), ZoneInfo("America/Los_Angeles")
    )
    core.clock = lambda: noon.astimezone(dt.UTC)
    return compiled


def test_an_administrator_sees_a_stale_blocklist_with_its_date(
    qtbot: QtBot, core: Core, admin: Actor
) -> None:
    compiled = days_after_compiling(core, 93)
    window = started(qtbot, AppContext(core, admin))
    assert window.notice.isVisible()
    assert f"compiled on {compiled.isoformat()}, 93 days ago" in window.notice.text()


def test_a_fresh_list_shows_nothing(qtbot: QtBot, core: Core, admin: Actor) -> None:
    days_after_compiling(core, 10)
    window = started(qtbot, AppContext(core, admin))
    assert not window.notice.isVisible() and window.notice.text() == ""


def test_an_officer_is_not_told_about_the_blocklist(
    qtbot: QtBot, core: Core, officer: Actor
) -> None:
    days_after_compiling(core, 200)
    window = started(qtbot, AppContext(core, officer))
    assert not window.notice.isVisible()


def test_a_settings_file_set_aside_is_shown_to_everyone(
    qtbot: QtBot, core: Core, officer: Actor
) -> None:
    days_after_compiling(core, 10)
    warning = "settings file /x/girlscourt.toml: is empty (0 bytes); the safe defaults are in use"
    core.settings = dataclasses.replace(core.settings, warnings=(warning,))
    window = started(qtbot, AppContext(core, officer))
    assert window.notice.isVisible()
    assert "Settings file /x/girlscourt.toml: is empty (0 bytes)" in window.notice.text()
    assert "blocklist" not in window.notice.text()
