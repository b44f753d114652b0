"""First start on an empty database: create the administrator, who then adds everyone else."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt import APP_NAME
from girlscourt.domain.permissions import Role
from girlscourt.errors import DatabaseUnavailable, GirlsCourtError, LoginFailed, ValidationError
from girlscourt.services.kernel.core import Core
from girlscourt.services.security import accounts
from girlscourt.services.security.accounts import PASSWORD_MIN, UserSummary
from ui import workers
from ui.formatting import error_text
from ui.keyboard import chain_tab_order
from ui.style import ERROR, INVALID_FIELD_CSS, MUTED, app_icon, set_invalid
from ui.widgets.message_bar import MessageBar, MessageKind


class FirstAdminDialog(QDialog):
    """Accepted once the administrator account exists; ``created`` holds it."""

    admin_created = Signal(object)  # UserSummary

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.created: UserSummary | None = None
        self.already_exists = False
        self.setWindowTitle(f"Create the administrator – {APP_NAME}")
        self.setWindowIcon(app_icon())
        self.setStyleSheet(INVALID_FIELD_CSS)

        heading = QLabel("Create the administrator account")
        heading.setStyleSheet("font-size: 15pt; font-weight: bold;")
        intro = QLabel(
            "This database has no accounts yet. The administrator signs in next and adds the "
            "accounts of intake officers, court clerks and supervisors."
        )
        intro.setWordWrap(True)
        self.message = MessageBar()
        self.username = QLineEdit()
        self.display_name = QLineEdit()
        self.display_name.setPlaceholderText("e.g. Dana Whitfield, JJC systems")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.confirm = QLineEdit()
        self.confirm.setEchoMode(QLineEdit.EchoMode.Password)
        hint = QLabel(f"At least {PASSWORD_MIN} characters; a long passphrase is best.")
        hint.setStyleSheet(f"color: {MUTED};")

        self.fields = {
            "username": self.username,
            "display_name": self.display_name,
            "password": self.password,
            "confirm": self.confirm,
        }
        self.errors: dict[str, QLabel] = {}
        form = QFormLayout()
        for name, text in (
            ("username", "&User name"),
            ("display_name", "&Display name"),
            ("password", "&Password"),
            ("confirm", "&Confirm password"),
        ):
            label = QLabel(text)
            label.setBuddy(self.fields[name])
            error = QLabel()
            error.setStyleSheet(f"color: {ERROR};")
            error.setWordWrap(True)
            error.setTextFormat(Qt.TextFormat.PlainText)
            error.hide()
            self.errors[name] = error
            cell = QVBoxLayout()
            cell.setSpacing(2)
            cell.addWidget(self.fields[name])
            if name == "password":
                cell.addWidget(hint)
            cell.addWidget(error)
            form.addRow(label, cell)
            self.fields[name].textEdited.connect(lambda _t, n=name: self._clear(n))

        self.create_button = QPushButton("Create &administrator")
        self.create_button.setDefault(True)
        self.cancel_button = QPushButton("Quit")
        self.cancel_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.create_button)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(intro)
        layout.addWidget(self.message)
        layout.addLayout(form)
        layout.addLayout(buttons)
        chain_tab_order([*self.fields.values(), self.create_button, self.cancel_button])
        self.create_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.message.action_triggered.connect(self.submit)
        self.setMinimumWidth(480)
        self.username.setFocus()

    def _clear(self, name: str) -> None:
        self.errors[name].hide()
        set_invalid(self.fields[name], False)

    def show_field_error(self, name: str, text: str) -> None:
        """An inline error under one field."""
        field = self.fields.get(name, self.username)
        label = self.errors.get(name, self.errors["username"])
        label.setText(text)
        label.show()
        set_invalid(field, True)
        field.setFocus()

    def error_for(self, name: str) -> str:
        """The inline error under a field ('' when none)."""
        label = self.errors[name]
        return label.text() if not label.isHidden() else ""

    def submit(self) -> None:
        """Create the account on a worker thread."""
        for name in self.fields:
            self._clear(name)
        self.message.clear()
        if self.password.text() != self.confirm.text():
            self.show_field_error("confirm", "The two passwords are not the same.")
            return
        self.create_button.setEnabled(False)
        workers.run(
            accounts.create_user,
            self.core,
            None,
            self.username.text(),
            Role.ADMINISTRATOR,
            self.password.text(),
            self.display_name.text().strip() or None,
            on_done=self._created,
            on_error=self._failed,
            context=self,
        )

    def _created(self, user: UserSummary) -> None:
        self.created = user
        self.password.clear()
        self.confirm.clear()
        self.admin_created.emit(user)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.create_button.setEnabled(True)
        if isinstance(error, ValidationError):
            self.show_field_error(error.field, error_text(error))
        elif isinstance(error, LoginFailed):
            self.already_exists = True  # another workstation was first: go on to sign in
            self.accept()
        elif isinstance(error, DatabaseUnavailable):
            self.message.show_message(
                f"The account was not created: {error}", MessageKind.ERROR, "&Try again"
            )
        elif isinstance(error, GirlsCourtError):
            self.message.show_message(str(error), MessageKind.ERROR)
        else:
            self.message.show_message(
                "The account was not created: something went wrong (the details are in the log).",
                MessageKind.ERROR,
            )
