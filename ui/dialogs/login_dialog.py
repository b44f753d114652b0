"""Signing in, with refusals shown inline and the slow Argon2 check off the GUI thread."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt import APP_NAME
from girlscourt.errors import DatabaseUnavailable, GirlsCourtError, LoginFailed, ValidationError
from girlscourt.resources import resource
from ui import workers
from ui.formatting import error_text
from ui.keyboard import chain_tab_order
from ui.style import ERROR, MUTED, app_icon
from ui.widgets.message_bar import MessageBar, MessageKind

if TYPE_CHECKING:  # the core loads on a worker thread while this window is already up
    from girlscourt.services.kernel.core import Actor, Core


# The same file ``session_security.login_banner()`` reads: that module pulls in the database
# layer, which must not load before the sign-in window is up (tests compare the two texts).
BANNER_FILE = ("security", "login_banner.txt")


def banner_text() -> str:
    """The system-use notice (CJIS AC-8) shown above the sign-in fields."""
    return resource(*BANNER_FILE).read_text(encoding="utf-8").strip()


def os_username() -> str:
    """The operating-system account at the keyboard ('' when it cannot be told)."""
    try:
        return getpass.getuser()[:64]
    except (KeyError, OSError):  # no login name and no passwd entry
        return ""


def _acknowledge(core: Core, workstation_username: str) -> None:
    from girlscourt.services.security import session_security

    session_security.acknowledge_banner(core, workstation_username)


def _authenticate(core: Core, username: str, password: str) -> Actor:
    from girlscourt.services.security import accounts

    return accounts.authenticate(core, username, password)


def _change_password(core: Core, actor: Actor, old: str, new: str) -> Actor:
    from girlscourt.services.security import accounts

    return accounts.change_password(core, actor, old, new)


class LoginDialog(QDialog):
    """Accepted once a user signed in; ``actor`` is then set and ``signed_in`` was emitted."""

    signed_in = Signal(object)  # Actor
    retry_requested = Signal()  # the database could not be opened: the user asks to try again
    sign_in_failed = Signal(str)  # the refusal shown
    banner_recorded = Signal()  # the acknowledgement of the banner is in the audit trail

    def __init__(
        self, core: Core | None = None, parent: QWidget | None = None, *, username: str = ""
    ) -> None:
        super().__init__(parent)
        self.core = core
        self.actor: Actor | None = None
        self._busy = False
        self.acknowledged = False
        self._ack_pending = False  # acknowledged before the database was open: audit it later
        self.setWindowTitle(f"Sign in – {APP_NAME}")
        self.setWindowIcon(app_icon())

        heading = QLabel(APP_NAME)
        heading.setStyleSheet("font-size: 18pt; font-weight: bold;")
        subtitle = QLabel("Juvenile Justice Center case tracker. Authorized staff only.")
        subtitle.setStyleSheet(f"color: {MUTED};")
        self.banner = QLabel(banner_text())
        self.banner.setObjectName("loginBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)
        self.banner.setAccessibleName("System use notice")
        self.acknowledge_button = QPushButton("I &acknowledge")
        self.acknowledge_button.setAutoDefault(False)
        self.acknowledge_button.setToolTip(
            "Confirm you read the notice; signing in is then possible"
        )
        banner_box = QFrame()
        banner_box.setObjectName("loginBannerBox")
        banner_box.setFrameShape(QFrame.Shape.StyledPanel)
        banner_layout = QVBoxLayout(banner_box)
        banner_layout.addWidget(self.banner)
        ack_row = QHBoxLayout()
        ack_row.addStretch(1)
        ack_row.addWidget(self.acknowledge_button)
        banner_layout.addLayout(ack_row)
        self.username = QLineEdit(username)
        self.username.setAccessibleName("User name")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Password")
        self.error = QLabel()
        self.error.setObjectName("loginError")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet(f"color: {ERROR};")
        self.error.hide()
        self.status = MessageBar()

        form = QFormLayout()
        user_label = QLabel("&User name")
        user_label.setBuddy(self.username)
        password_label = QLabel("&Password")
        password_label.setBuddy(self.password)
        form.addRow(user_label, self.username)
        form.addRow(password_label, self.password)
        # After an administrator's reset, the same window asks for a new password.
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm_password = QLineEdit()
        self.confirm_password.setEchoMode(QLineEdit.EchoMode.Password)
        self._new_labels = (QLabel("&New password"), QLabel("&Confirm new password"))
        self._new_labels[0].setBuddy(self.new_password)
        self._new_labels[1].setBuddy(self.confirm_password)
        form.addRow(self._new_labels[0], self.new_password)
        form.addRow(self._new_labels[1], self.confirm_password)
        self._form = form
        form.addRow("", self.error)
        self._pending: Actor | None = None  # signed in, but a new password is due first
        self._old_password = ""
        self._show_new_password_rows(False)

        self.sign_in_button = QPushButton("&Sign in")
        self.sign_in_button.setDefault(True)
        self.cancel_button = QPushButton("Quit")
        self.cancel_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.sign_in_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(subtitle)
        layout.addSpacing(8)
        layout.addWidget(self.status)
        layout.addWidget(banner_box)
        layout.addLayout(form)
        layout.addLayout(buttons)
        chain_tab_order(
            [
                self.acknowledge_button,
                self.username,
                self.password,
                self.new_password,
                self.confirm_password,
                self.sign_in_button,
                self.cancel_button,
            ]
        )

        self.acknowledge_button.clicked.connect(self.acknowledge)
        self.sign_in_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.status.action_triggered.connect(self.retry_requested)
        for edit in (self.username, self.password, self.new_password, self.confirm_password):
            edit.textEdited.connect(self._clear_error)
        self.setMinimumWidth(520)
        self._update_enabled()
        self.acknowledge_button.setFocus()

    def acknowledge(self) -> None:
        """ "I acknowledge": the fields open, and the acknowledgement is audited."""
        if self.acknowledged:
            return
        self.acknowledged = True
        self.acknowledge_button.setEnabled(False)
        self.acknowledge_button.setText("Acknowledged")
        self._ack_pending = True
        self._record_acknowledgement()
        self._update_enabled()
        (self.password if self.username.text() else self.username).setFocus()

    def _record_acknowledgement(self) -> None:
        if self.core is None or not self._ack_pending:
            return  # recorded once the database is open
        self._ack_pending = False
        workers.run(
            _acknowledge,
            self.core,
            os_username(),
            on_done=lambda _result: self.banner_recorded.emit(),
            on_error=self._ack_failed,
            context=self,
        )

    def _ack_failed(self, error: BaseException) -> None:
        # Without the audit event the acknowledgement does not count: ask for it again.
        self.acknowledged = False
        self.acknowledge_button.setEnabled(True)
        self.acknowledge_button.setText("I &acknowledge")
        self._update_enabled()
        self._show_error(f"The acknowledgement could not be recorded: {error}", None)

    def set_core(self, core: Core | None) -> None:
        """The database is open (or closed again): signing in becomes possible."""
        self.core = core
        if core is not None:
            self.status.clear()
            self._record_acknowledgement()
        self._update_enabled()

    def show_status(self, text: str, kind: MessageKind = MessageKind.INFO) -> None:
        """A note above the form (e.g. "Opening the database…")."""
        self.status.show_message(text, kind)

    def show_unavailable(self, error: BaseException) -> None:
        """The database could not be opened; offer to try again (``retry_requested``)."""
        self.status.show_message(
            f"The database cannot be opened: {error}", MessageKind.ERROR, "&Try again"
        )

    def _update_enabled(self) -> None:
        for edit in (self.username, self.password, self.new_password, self.confirm_password):
            edit.setEnabled(self.acknowledged)
        self.sign_in_button.setEnabled(
            self.core is not None and not self._busy and self.acknowledged
        )

    def _clear_error(self) -> None:
        self.error.clear()
        self.error.hide()

    def error_text(self) -> str:
        """The inline error shown ('' when none)."""
        return self.error.text() if not self.error.isHidden() else ""

    def _show_new_password_rows(self, shown: bool) -> None:
        for row in (self.new_password, self.confirm_password):
            self._form.setRowVisible(row, shown)
        self._form.setRowVisible(self.password, not shown)
        self.username.setReadOnly(shown)

    @property
    def changing_password(self) -> bool:
        """The user signed in with a reset password and must choose a new one."""
        return self._pending is not None

    def submit(self) -> None:
        """Check the password (or store the new one) on a worker thread."""
        if self.core is None or self._busy or not self.acknowledged:
            return
        if self._pending is not None:
            self._submit_new_password(self._pending)
            return
        username = self.username.text().strip()
        if not username:
            self._show_error("Enter your user name.", self.username)
            return
        if not self.password.text():
            self._show_error("Enter your password.", self.password)
            return
        self._busy = True
        self._update_enabled()
        self._clear_error()
        self.sign_in_button.setText("Signing in…")
        workers.run(
            _authenticate,
            self.core,
            username,
            self.password.text(),
            on_done=self._succeeded,
            on_error=self._failed,
            context=self,
        )

    def _succeeded(self, actor: Actor) -> None:
        self._busy = False
        if actor.must_change_password:
            self._pending, self._old_password = actor, self.password.text()
            self.password.clear()
            self.sign_in_button.setText("&Set password and sign in")
            self._update_enabled()
            self._show_new_password_rows(True)
            self.status.show_message(
                "An administrator reset your password. Choose a new one to continue.",
                MessageKind.WARNING,
            )
            self.new_password.setFocus()
            return
        self.password.clear()
        self._old_password = ""
        self.actor = actor
        self.signed_in.emit(actor)
        self.accept()

    def _submit_new_password(self, actor: Actor) -> None:
        if self.new_password.text() != self.confirm_password.text():
            self._show_error("The two new passwords are not the same.", self.confirm_password)
            return
        self._busy = True
        self._update_enabled()
        self._clear_error()
        workers.run(
            _change_password,
            self.core,
            actor,
            self._old_password,
            self.new_password.text(),
            on_done=self._password_changed,
            on_error=self._failed,
            context=self,
        )

    def _password_changed(self, actor: Actor) -> None:
        self.new_password.clear()
        self.confirm_password.clear()
        self._pending = None
        self._succeeded(actor)

    def _failed(self, error: BaseException) -> None:
        self._busy = False
        if self._pending is None:
            self.sign_in_button.setText("&Sign in")
        self._update_enabled()
        if isinstance(error, ValidationError):
            self._show_error(error_text(error), self.new_password)
        elif isinstance(error, LoginFailed):
            self.password.clear()
            self._show_error(str(error), self.password)
        elif isinstance(error, DatabaseUnavailable):
            self._show_error(
                f"The database cannot be reached ({error}). Try again in a moment.",
                self.password,
            )
        elif isinstance(error, GirlsCourtError):
            self._show_error(str(error), self.password)
        else:
            self._show_error("Signing in failed unexpectedly; the details are in the log.", None)
        self.sign_in_failed.emit(self.error_text())

    def _show_error(self, text: str, focus: QLineEdit | None) -> None:
        self.error.setText(text)
        self.error.show()
        self.password.setAccessibleDescription(text)
        if focus is not None:
            focus.setFocus()
