"""Security at the keyboard: lockout and release, the screen lock, the audit viewer and "who looked".

The clock is injected (``core.clock``), so "15 minutes idle" is a value set by the test, not a wait.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.registry import youths
from girlscourt.services.security import accounts
from tests.conftest import ADMIN_PASSWORD, OFFICER_PASSWORD
from ui.context import AppContext
from ui.dialogs.login_dialog import LoginDialog
from ui.main_window import MainWindow
from ui.pages.accounts_page import COL_STATE, AccountsPage
from ui.pages.audit_page import AuditPageWidget
from ui.pages.youth_page import YouthPage
from ui.widgets.access_section import AccessSection

from .conftest import add_youth, drain_workers, type_into

START = dt.datetime(2026, 11, 30, 3, 0, tzinfo=dt.UTC)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


def sign_in_attempt(qtbot: QtBot, dialog: LoginDialog, password: str) -> str:
    """Type the password, press Enter, and return the message the dialog then shows."""
    dialog.password.clear()
    qtbot.keyClicks(dialog.password, password)
    qtbot.keyClick(dialog.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(dialog.error_text()), timeout=5000)
    return dialog.error_text()


def make_login(qtbot: QtBot, core: Core, username: str) -> LoginDialog:
    dialog = LoginDialog(core)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(dialog.acknowledge_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(dialog.username, username)
    return dialog


def make_window(qtbot: QtBot, context: AppContext) -> MainWindow:
    window = MainWindow(context)
    window.confirm_discard = lambda _count: True  # type: ignore[method-assign]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.search_page.results_shown, timeout=5000):
        window.start()
    return window


def show_feature(qtbot: QtBot, window: MainWindow, title: str) -> QWidget:
    """Click the navigation entry called ``title`` and return its page."""
    for row in range(window.nav.count()):
        item = window.nav.item(row)
        if item.text() == title:
            rect = window.nav.visualItemRect(item)
            qtbot.mouseClick(window.nav.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
            return window.stack.currentWidget()
    raise AssertionError(f"no {title!r} in the navigation")


def visible_texts(window: QWidget) -> str:
    """Every text a person could read in the window right now."""
    parts = [label.text() for label in window.findChildren(QLabel) if label.isVisible()]
    parts += [edit.text() for edit in window.findChildren(QLineEdit) if edit.isVisible()]
    return "\n".join(parts)


def accounts_row(page: AccountsPage, username: str) -> int:
    row = page.model.row_where(lambda user: user.username == username)
    assert row is not None
    return row


def test_five_wrong_passwords_lock_the_admin_releases_and_the_idle_screen_locks(
    qtbot: QtBot, core: Core, admin: Actor, officer: Actor
) -> None:
    clock = Clock(START)
    core.clock = clock
    youth = add_youth(core, officer, "Marisol", "Quintero-Vale", "2010-06-02")

    # 1. Five wrong passwords within 15 minutes lock the account on every workstation.
    login = make_login(qtbot, core, "officer")
    messages = []
    for _ in range(5):
        messages.append(sign_in_attempt(qtbot, login, "not my password"))
        clock.advance(minutes=2)
    # The answer never says whether the name exists or the account is locked (issue 16).
    assert messages == [accounts.SIGN_IN_FAILED] * 5
    assert sign_in_attempt(qtbot, login, OFFICER_PASSWORD) == accounts.SIGN_IN_FAILED
    assert login.actor is None

    # 2. The administrator sees the lock on the Accounts page and releases it.
    admin_window = make_window(qtbot, AppContext(core, admin))
    page = show_feature(qtbot, admin_window, "Accounts")
    assert isinstance(page, AccountsPage)
    qtbot.waitUntil(lambda: page.model.total >= 2, timeout=5000)
    qtbot.waitUntil(lambda: "one administrator (admin)" in page.message.text(), timeout=5000)
    row = accounts_row(page, "officer")
    assert page.model.index(row, COL_STATE).data() == "Locked"
    page.table.selectRow(row)
    assert page.release_button.isEnabled()
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.mouseClick(page.release_button, Qt.MouseButton.LeftButton)
    assert page.model.index(accounts_row(page, "officer"), COL_STATE).data() == "Active"
    assert "officer can sign in again." in page.message.text()
    admin_window.close()

    # 3. The officer signs in again with the right password.
    with qtbot.waitSignal(login.signed_in, timeout=5000) as signed_in:
        login.password.clear()
        qtbot.keyClicks(login.password, OFFICER_PASSWORD)
        qtbot.keyClick(login.password, Qt.Key.Key_Return)
    actor = signed_in.args[0]

    # 4. With a record open and an edit unsaved, the screen locks at the idle limit, not before.
    window = make_window(qtbot, AppContext(core, actor))
    record = window.open_youth(youth.id)
    qtbot.waitUntil(lambda: record.title.text() == "Quintero-Vale, Marisol", timeout=5000)
    type_into(qtbot, record.form.preferred_name, "Mari")
    assert record.has_unsaved_changes()
    lock = window.screen_lock
    assert lock.limit == dt.timedelta(minutes=15)  # the default, from the settings
    assert lock.watch.timer.isActive()
    lock.watch.last_input_at = clock.now  # the typing above happened "now"

    clock.advance(minutes=14, seconds=59)
    assert not lock.watch.check()
    assert not lock.locked and record.isVisible()

    clock.advance(seconds=1)
    assert lock.watch.check()
    assert lock.locked and lock.panel.isVisible()
    assert not record.isVisible() and not window.nav.isVisible()
    shown = visible_texts(window)
    assert "Quintero-Vale" not in shown and "Marisol" not in shown and "Mari" not in shown
    assert "Locked after 15 minutes without activity." in shown
    assert not window.new_action.isEnabled()  # no shortcut reaches the pages behind the lock
    assert window.focusWidget() is lock.panel.password

    # 5. A wrong password is refused (and counted); the right one brings the work back.
    qtbot.keyClicks(lock.panel.password, "still not it")
    qtbot.keyClick(lock.panel.password, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: bool(lock.panel.message.text()), timeout=5000)
    assert lock.panel.message.text() == "Wrong user name or password."
    assert lock.locked
    with qtbot.waitSignal(lock.locked_changed, timeout=5000) as unlocked:
        qtbot.keyClicks(lock.panel.password, OFFICER_PASSWORD)
        qtbot.keyClick(lock.panel.password, Qt.Key.Key_Return)
    assert unlocked.args == [False]
    assert record.isVisible() and record.form.preferred_name.text() == "Mari"
    assert record.has_unsaved_changes() and window.new_action.isEnabled()
    assert lock.panel.password.text() == ""

    drain_workers()  # the lock's audit row is written in the background
    events = [
        (e.action, e.outcome, e.detail)
        for e in _events(core, admin)
        if e.action.startswith(("screen.", "login"))
    ]
    assert ("screen.lock", "ok", "idle") in events
    assert ("screen.unlock", "failed", "bad password") in events
    assert ("screen.unlock", "ok", None) in events
    window.close()


def _events(core: Core, admin: Actor):  # type: ignore[no-untyped-def]
    from girlscourt.services.security import audit_trail

    return audit_trail.list_events(core, admin, limit=1000).rows


def test_input_postpones_the_lock_and_ctrl_l_locks_at_once(
    qtbot: QtBot, core: Core, context: AppContext
) -> None:
    clock = Clock(START)
    core.clock = clock
    window = make_window(qtbot, context)
    lock = window.screen_lock
    clock.advance(minutes=10)
    # A key pressed in the window (delivered to its QWindow, as the platform does) is activity.
    handle = window.windowHandle()
    assert handle is not None
    qtbot.keyClick(handle, Qt.Key.Key_Shift)
    assert lock.watch.last_input_at == clock.now
    clock.advance(minutes=14)
    assert not lock.watch.check() and not lock.locked  # 24 minutes on, but 14 since the key

    dialog = window.new_youth()  # an open dialog hides with the window, and comes back
    assert dialog is not None and dialog.isVisible()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog, timeout=2000)
    qtbot.keyClick(dialog, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)  # works in dialogs
    assert lock.locked and not dialog.isVisible() and not window.search_page.isVisible()
    assert "You locked the screen." in visible_texts(window)
    lock.panel.password.setText(context.actor.username)  # not the password
    with qtbot.waitSignal(lock.locked_changed, timeout=5000):
        lock.panel.password.setText("intake desk night shift")
        qtbot.mouseClick(lock.panel.unlock_button, Qt.MouseButton.LeftButton)
    assert dialog.isVisible() and window.search_page.isVisible()
    dialog.reject()


def test_the_lock_limit_comes_from_the_settings(qtbot: QtBot, core: Core, officer: Actor) -> None:
    core.settings = core.settings.with_overrides(idle_lock_minutes=5)
    window = make_window(qtbot, AppContext(core, officer))
    assert window.screen_lock.limit == dt.timedelta(minutes=5)


def test_the_audit_viewer_filters_by_record_and_pages_back(
    qtbot: QtBot, core: Core, admin: Actor, officer: Actor
) -> None:
    youth = add_youth(core, officer, "Ilse", "Brandvold", "2011-02-03")
    youths.get_youth(core, officer, youth.id)  # one view by the officer
    with core.write() as session:  # 250 more events, so the list needs a second page
        for _ in range(250):
            core.audit(session, officer, "youth.search")
    page = AuditPageWidget(AppContext(core, admin))
    qtbot.addWidget(page)
    page.resize(1100, 700)
    page.show()
    qtbot.waitUntil(lambda: page.model.total > 0, timeout=5000)
    assert page.model.total == 200 and page.more_button.isEnabled()
    first_ids = [row.id for row in page.model.rows()]
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.mouseClick(page.more_button, Qt.MouseButton.LeftButton)
    ids = [row.id for row in page.model.rows()]
    assert ids[:200] == first_ids and len(ids) == len(set(ids)) > 250
    assert ids == sorted(ids, reverse=True)  # newest first, nothing repeated or skipped

    # A record number without its kind is refused inline, naming the field.
    qtbot.keyClicks(page.record_id, str(youth.id))
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    assert page.errors.text("record_id") == (
        "Record kind: choose what kind of record the number is."
    )
    page.kind.setCurrentIndex(page.kind.findData("youth"))
    with qtbot.waitSignal(page.loaded, timeout=5000):
        qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    rows = page.model.rows()
    assert {(r.username, r.action) for r in rows} >= {
        ("officer", "youth.create"),
        ("officer", "youth.view"),
    }
    assert all(r.record_kind == "youth" and r.record_id == youth.id for r in rows)
    assert page.model.index(0, 4).data() == f"Youth record #{youth.id}"

    # Dates: "to" before "from" is refused; a day with no events shows none.
    page.record_id.clear()
    page.kind.setCurrentIndex(0)
    qtbot.keyClicks(page.since, "12/02/2026")
    qtbot.keyClicks(page.until, "12/01/2026")
    qtbot.mouseClick(page.show_button, Qt.MouseButton.LeftButton)
    assert page.errors.text("until") == "To must not be before From."

    with qtbot.waitSignal(page.verified, timeout=10000) as verified:
        qtbot.mouseClick(page.verify_button, Qt.MouseButton.LeftButton)
    assert verified.args[0].ok
    assert page.message.text().startswith("The audit chain is intact:")


def test_who_looked_lists_the_officer_and_is_for_supervisors_only(
    qtbot: QtBot, core: Core, admin: Actor, officer: Actor
) -> None:
    youth = add_youth(core, officer, "Ilse", "Brandvold", "2011-02-03")
    accounts.create_user(core, admin, "sup", "supervisor", ADMIN_PASSWORD, "Sam Supervisor")
    supervisor = accounts.authenticate(core, "sup", ADMIN_PASSWORD)
    officer_page = YouthPage(AppContext(core, officer), youth.id)
    qtbot.addWidget(officer_page)
    assert officer_page.findChildren(AccessSection) == []  # officers do not read the audit log

    page = YouthPage(AppContext(core, supervisor), youth.id)
    qtbot.addWidget(page)
    page.resize(1000, 700)
    page.show()
    with qtbot.waitSignal(page.loaded, timeout=5000):
        page.load()
    section = page.findChildren(AccessSection)[0]
    assert section.model.total == 0  # nothing read until the tab is shown
    with qtbot.waitSignal(section.loaded, timeout=5000):
        page.tabs.setCurrentWidget(section)
    who = {section.model.index(r, 1).data() for r in range(section.model.rowCount())}
    assert "Olu Officer (officer)" in who and "Sam Supervisor (sup)" in who
    assert section.count.text().endswith("by 2 people")
    QApplication.processEvents()
