"""The composition root: sign-in window first, the core opened behind it, then the main window.

The database opens on a worker thread while the sign-in window is already up; an empty
database first asks for the administrator account. Nothing else in ``ui`` knows how the core
is opened.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication, QInputDialog, QLineEdit

from girlscourt import APP_ID, APP_NAME, __version__
from girlscourt.errors import DatabaseDamaged, GirlsCourtError
from ui import workers
from ui.dialogs.login_dialog import LoginDialog
from ui.style import app_icon
from ui.widgets.message_bar import MessageKind

# Only the sign-in window's modules load before it shows; the core (SQLAlchemy, Alembic, the
# models: about a second) loads on the worker thread that opens the database.
if TYPE_CHECKING:
    from girlscourt.services.kernel.core import Actor, Core
    from ui.dialogs.damaged_database_dialog import DamagedDatabaseDialog
    from ui.dialogs.first_admin_dialog import FirstAdminDialog

EXIT_OK = 0
EXIT_UNAVAILABLE = 3  # the CLI's code for "database or configuration unavailable"

CoreOpener = Callable[[str | None, Callable[[str], str | None]], "Core"]


def _open_core(database: str | None, prompt: Callable[[str], str | None]) -> Core:
    # Imported here, on the worker thread: the sign-in window is up before Alembic loads.
    from girlscourt.services.kernel.startup import open_core

    return open_core(database, prompt=prompt)


def _open_and_check(
    opener: CoreOpener, database: str | None, prompt: Callable[[str], str | None]
) -> tuple[Core, bool]:
    from girlscourt.services.security.accounts import has_users

    core = opener(database, prompt)
    try:
        return core, has_users(core)
    except BaseException:
        core.db.dispose()
        raise


def _settings_warning(core: Core) -> str:
    text = " ".join(core.settings.warnings)
    return text[:1].upper() + text[1:]


class _PasswordPrompt(QObject):
    """Asks for a PostgreSQL password on the GUI thread while the worker thread waits for it."""

    _ask = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self._answer: str | None = None
        self._ask.connect(self._ask_on_gui, Qt.ConnectionType.BlockingQueuedConnection)

    @Slot(str)
    def _ask_on_gui(self, account: str) -> None:
        text, ok = QInputDialog.getText(
            None,
            f"Database password – {APP_NAME}",
            f"Password for the shared database account {account}\n"
            "(not saved: an administrator can store it in the system keyring):",
            QLineEdit.EchoMode.Password,
        )
        self._answer = text if ok else None

    def __call__(self, account: str) -> str | None:
        if QThread.currentThread() is self.thread():
            self._ask_on_gui(account)  # synchronous mode: already on the GUI thread
        else:
            self._ask.emit(account)  # blocks until the dialog is answered
        return self._answer


class AppController(QObject):
    """Start-up sequence: open the core → (first administrator) → sign in → main window."""

    main_window_shown = Signal(object)  # MainWindow
    exit_requested = Signal(int)

    def __init__(self, database: str | None, opener: CoreOpener = _open_core) -> None:
        super().__init__()
        self.database = database
        self.opener = opener
        self.core: Core | None = None
        self.login: LoginDialog | None = None
        self.first_admin: FirstAdminDialog | None = None
        self.damaged: DamagedDatabaseDialog | None = None
        self.main_window: object | None = None
        self._prompt = _PasswordPrompt()
        self.exit_code = EXIT_OK

    def start(self) -> None:
        """Show the sign-in window now and open the database behind it."""
        self.login = LoginDialog()
        self.login.signed_in.connect(self._signed_in)
        self.login.rejected.connect(lambda: self._quit(self.exit_code))
        self.login.retry_requested.connect(self._open)
        self.login.show()
        self._open()

    def _open(self) -> None:
        assert self.login is not None
        self.login.show_status("Opening the database…")
        workers.run(
            _open_and_check,
            self.opener,
            self.database,
            self._prompt,
            on_done=self._opened,
            on_error=self._open_failed,
            context=self,
        )

    def _opened(self, result: tuple[Core, bool]) -> None:
        core, has_users = result
        self.core = core
        self.exit_code = EXIT_OK
        assert self.login is not None
        if has_users:
            self.login.set_core(core)
            self._warn_about_settings(core)
            return
        from ui.dialogs.first_admin_dialog import FirstAdminDialog

        self.login.hide()
        dialog = FirstAdminDialog(core)
        dialog.accepted.connect(self._admin_created)
        dialog.rejected.connect(lambda: self._quit(EXIT_OK))
        self.first_admin = dialog
        if core.settings.warnings:  # e.g. the shared server's URL was in a file set aside
            dialog.message.show_message(_settings_warning(core), MessageKind.WARNING)
        dialog.show()

    def _warn_about_settings(self, core: Core) -> None:
        """A settings file that was set aside (the defaults are in use) is said at sign-in."""
        if core.settings.warnings and self.login is not None:
            self.login.show_status(_settings_warning(core), MessageKind.WARNING)

    def _admin_created(self) -> None:
        assert self.login is not None and self.first_admin is not None and self.core is not None
        dialog, self.first_admin = self.first_admin, None
        self.login.set_core(self.core)
        if dialog.created is not None:
            self.login.username.setText(dialog.created.username)
            self.login.show_status(
                "The administrator account was created. Sign in with it to continue.",
                MessageKind.INFO,
            )
        else:
            self.login.show_status(
                "An administrator account already exists. Sign in to continue.", MessageKind.INFO
            )
        dialog.deleteLater()
        self.login.show()
        self.login.password.setFocus()

    def _open_failed(self, error: BaseException) -> None:
        self.exit_code = EXIT_UNAVAILABLE
        assert self.login is not None
        if isinstance(error, DatabaseDamaged):
            self._show_damaged(error)
        elif isinstance(error, GirlsCourtError):
            self.login.show_unavailable(error)
        else:
            self.login.show_unavailable(
                RuntimeError("unexpected error (the details are in the log)")
            )

    def _show_damaged(self, error: DatabaseDamaged) -> None:
        """A damaged file is not retried: say how to restore it, in place of the sign-in."""
        from ui.dialogs.damaged_database_dialog import DamagedDatabaseDialog

        assert self.login is not None
        self.login.hide()
        dialog = DamagedDatabaseDialog(error)
        dialog.rejected.connect(lambda: self._quit(EXIT_UNAVAILABLE))
        self.damaged = dialog
        dialog.show()

    def _signed_in(self, actor: Actor) -> None:
        from ui.context import AppContext
        from ui.main_window import MainWindow

        assert self.core is not None
        window = MainWindow(AppContext(self.core, actor))
        window.destroyed.connect(lambda: self._quit(EXIT_OK))
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.main_window = window
        window.show()
        window.start()
        if self.login is not None:
            self.login.deleteLater()
            self.login = None
        self.main_window_shown.emit(window)

    def _quit(self, code: int) -> None:
        self.exit_code = code
        self.exit_requested.emit(code)

    def shutdown(self) -> None:
        """Wait for background calls, then close the database connections."""
        workers.shutdown()
        if self.core is not None:
            self.core.db.dispose()


SMOKE_EXIT_ENV = "GIRLSCOURT_SMOKE_EXIT_AFTER_MS"


def _arm_smoke_exit(controller: AppController) -> None:
    """For the installer smoke test: after N ms, exit 0 if the sign-in (or first-administrator)
    window is up over an open database, else 1."""
    raw = os.environ.get(SMOKE_EXIT_ENV, "")
    if not raw.isdigit() or int(raw) <= 0:
        return

    def check() -> None:
        shown = [w for w in (controller.login, controller.first_admin) if w is not None]
        if controller.core is not None and any(w.isVisible() for w in shown):
            sys.stdout.write("smoke: login window shown\n")
            sys.stdout.flush()
            controller.exit_requested.emit(EXIT_OK)
        else:
            sys.stderr.write("smoke: login window not shown or database not open\n")
            controller.exit_requested.emit(1)

    QTimer.singleShot(int(raw), check)


def run_app(database: str | None) -> int:
    """The desktop app; returns the process exit code."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(sys.argv[:1])
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)  # the controller decides when the session ends
    controller = AppController(database)
    controller.exit_requested.connect(app.exit)
    controller.start()
    _arm_smoke_exit(controller)
    code = app.exec()
    controller.shutdown()
    release_windows()
    return code


def release_windows() -> None:
    """Free every window now, while Qt and Python are both alive (not during interpreter exit,
    where PySide may destroy widgets after the QApplication and crash)."""
    for widget in QApplication.topLevelWidgets():
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    workers.shutdown()
