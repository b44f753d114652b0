"""Signing in and the first administrator, as a person at the keyboard does it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts
from tests.conftest import ADMIN_PASSWORD
from ui.dialogs.first_admin_dialog import FirstAdminDialog
from ui.dialogs.login_dialog import LoginDialog


def make_login(qtbot: QtBot, core: Core | None, *, acknowledge: bool = True) -> LoginDialog:
    """The sign-in window, its banner acknowledged unless asked not to."""
    dialog = LoginDialog(core)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    if acknowledge:
        qtbot.mouseClick(dialog.acknowledge_button, Qt.MouseButton.LeftButton)
    return dialog


def test_wrong_then_right_password(qtbot: QtBot, core: Core, admin: Actor) -> None:
    dialog = make_login(qtbot, core)
    qtbot.keyClicks(dialog.username, "admin")
    qtbot.keyClicks(dialog.password, "not the password")
    failed: list[str] = []
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)  # Enter submits
    qtbot.waitUntil(lambda: bool(dialog.error_text()), timeout=5000)
    failed.append(dialog.error_text())
    assert failed == [accounts.SIGN_IN_FAILED]
    assert dialog.password.text() == "" and dialog.isVisible()
    assert dialog.focusWidget() is dialog.password
    assert dialog.actor is None

    qtbot.keyClicks(dialog.password, ADMIN_PASSWORD)
    assert dialog.error_text() == ""  # typing again clears the message
    with qtbot.waitSignal(dialog.signed_in, timeout=5000) as signed_in:
        qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    assert signed_in.args[0].username == "admin"
    assert dialog.result() == LoginDialog.DialogCode.Accepted
    assert dialog.password.text() == ""  # the password does not linger in the widget


def test_sign_in_waits_for_the_database(qtbot: QtBot, core: Core, admin: Actor) -> None:
    dialog = make_login(qtbot, None)
    dialog.show_status("Opening the database…")
    assert not dialog.sign_in_button.isEnabled()
    qtbot.keyClicks(dialog.username, "admin")  # the user may type ahead meanwhile
    dialog.set_core(core)
    assert dialog.sign_in_button.isEnabled() and dialog.status.text() == ""


def test_empty_user_name_is_asked_for(qtbot: QtBot, core: Core, admin: Actor) -> None:
    dialog = make_login(qtbot, core)
    qtbot.mouseClick(dialog.sign_in_button, Qt.MouseButton.LeftButton)
    assert dialog.error_text() == "Enter your user name."


def test_labels_have_mnemonics_to_their_fields(qtbot: QtBot, core: Core) -> None:
    from PySide6.QtWidgets import QLabel

    dialog = make_login(qtbot, core)
    buddies = {
        label.text(): label.buddy()
        for label in dialog.findChildren(QLabel)
        if label.buddy() and label.isVisibleTo(dialog)
    }
    assert buddies == {"&User name": dialog.username, "&Password": dialog.password}


def test_first_administrator_is_created(qtbot: QtBot, core: Core) -> None:
    dialog = FirstAdminDialog(core)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.keyClicks(dialog.username, "dana")
    qtbot.keyClicks(dialog.display_name, "Dana Whitfield")
    qtbot.keyClicks(dialog.password, "short")
    qtbot.keyClicks(dialog.confirm, "short")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.error_for("password")), timeout=5000)
    assert dialog.error_for("password") == "Password must be at least 8 characters."
    assert not accounts.has_users(core)

    dialog.password.clear()
    dialog.confirm.clear()
    qtbot.keyClicks(dialog.password, "river stones at dawn")
    qtbot.keyClicks(dialog.confirm, "river stones at dusk")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.error_for("confirm") == "The two passwords are not the same."

    dialog.confirm.clear()
    qtbot.keyClicks(dialog.confirm, "river stones at dawn")
    with qtbot.waitSignal(dialog.admin_created, timeout=5000) as created:
        qtbot.keyClick(dialog.confirm, Qt.Key.Key_Return)
    assert created.args[0].username == "dana" and created.args[0].role.value == "administrator"
    assert accounts.authenticate(core, "dana", "river stones at dawn").display_name == (
        "Dana Whitfield"
    )


def test_a_reset_password_must_be_changed_before_signing_in(
    qtbot: QtBot, core: Core, admin: Actor, officer: Actor
) -> None:
    temporary = accounts.admin_reset_password(core, admin, "officer")
    dialog = make_login(qtbot, core)
    qtbot.keyClicks(dialog.username, "officer")
    qtbot.keyClicks(dialog.password, temporary)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.changing_password, timeout=5000)
    assert dialog.new_password.isVisible() and not dialog.password.isVisible()
    assert "reset your password" in dialog.status.text()

    qtbot.keyClicks(dialog.new_password, "a quiet night at the desk")
    qtbot.keyClicks(dialog.confirm_password, "a quiet night at the desk")
    with qtbot.waitSignal(dialog.signed_in, timeout=5000) as signed_in:
        qtbot.keyClick(dialog.confirm_password, Qt.Key.Key_Return)
    assert signed_in.args[0].must_change_password is False
    assert accounts.authenticate(core, "officer", "a quiet night at the desk").username == (
        "officer"
    )
