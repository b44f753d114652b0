"""Start-up as a new county sees it, and a database that cannot be opened yet.

Empty database → create the administrator → sign in → main window; "Try again" on failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from girlscourt.errors import DatabaseUnavailable
from girlscourt.services.kernel.core import Core
from ui import app as app_module
from ui.app import EXIT_UNAVAILABLE, AppController

from .conftest import drain_workers


@pytest.fixture
def controllers(qapp: QApplication) -> Iterator[Callable[..., AppController]]:
    made: list[AppController] = []

    def make(*args: object, **kwargs: object) -> AppController:
        controller = AppController(*args, **kwargs)  # type: ignore[arg-type]
        made.append(controller)
        return controller

    yield make
    for controller in made:
        for window in (controller.login, controller.first_admin, controller.main_window):
            if window is not None:
                window.close()  # type: ignore[attr-defined]
        drain_workers()
        if controller.core is not None:
            controller.core.db.dispose()


def test_first_run_creates_the_administrator_then_signs_in(
    qtbot: QtBot, controllers: Callable[..., AppController], private_data_dir: Path
) -> None:
    controller = controllers(None)  # no URL: the embedded database in the data folder
    controller.start()
    assert controller.login is not None and controller.login.isVisible()
    qtbot.waitUntil(lambda: controller.first_admin is not None, timeout=10_000)
    first = controller.first_admin
    assert first is not None and first.isVisible() and not controller.login.isVisible()
    assert (private_data_dir / "girlscourt.sqlite3").exists()

    qtbot.keyClicks(first.username, "dana")
    qtbot.keyClicks(first.password, "river stones at dawn")
    qtbot.keyClicks(first.confirm, "river stones at dawn")
    qtbot.keyClick(first.confirm, Qt.Key.Key_Return)
    login = controller.login
    qtbot.waitUntil(lambda: login.isVisible(), timeout=5000)
    assert login.username.text() == "dana"
    assert "administrator account was created" in login.status.text()

    qtbot.mouseClick(login.acknowledge_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(login.password, "river stones at dawn")
    with qtbot.waitSignal(controller.main_window_shown, timeout=5000) as shown:
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
    window = shown.args[0]
    assert window.isVisible()
    assert "Administrator" in window.user_label.text()


def test_an_unavailable_database_offers_to_try_again(
    qtbot: QtBot, controllers: Callable[..., AppController], tmp_path: Path
) -> None:
    attempts: list[int] = []

    def flaky(database: str | None, prompt: Callable[[str], str | None]) -> Core:
        attempts.append(1)
        if len(attempts) == 1:
            raise DatabaseUnavailable("database: cannot use db.example:5432: connection refused")
        return app_module._open_core(database, prompt)

    controller = controllers(f"sqlite:///{tmp_path / 'later.sqlite3'}", flaky)
    controller.start()
    login = controller.login
    assert login is not None
    qtbot.waitUntil(lambda: "cannot be opened" in login.status.text(), timeout=5000)
    assert controller.exit_code == EXIT_UNAVAILABLE
    assert not login.sign_in_button.isEnabled()
    qtbot.mouseClick(login.status.button, Qt.MouseButton.LeftButton)  # Try again
    qtbot.waitUntil(lambda: controller.first_admin is not None, timeout=10_000)
    assert len(attempts) == 2


def test_run_app_returns_when_the_user_quits_at_sign_in(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path
) -> None:
    from PySide6.QtCore import QTimer

    from ui.dialogs.login_dialog import LoginDialog

    def quit_when_ready() -> None:
        logins = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, LoginDialog) and w.isVisible()
        ]
        if logins and logins[0].core is not None:
            qtbot.keyClick(logins[0], Qt.Key.Key_Escape)  # Esc = Quit
        else:
            QTimer.singleShot(20, quit_when_ready)

    quit_on_close = qapp.quitOnLastWindowClosed()
    QTimer.singleShot(0, quit_when_ready)
    try:
        from girlscourt.services.kernel.startup import open_core
        from girlscourt.services.security import accounts

        url = f"sqlite:///{tmp_path / 'run.sqlite3'}"
        core = open_core(url)
        accounts.create_user(core, None, "dana", "administrator", "river stones at dawn")
        core.db.dispose()
        assert app_module.run_app(url) == 0
    finally:
        qapp.setQuitOnLastWindowClosed(quit_on_close)
