"""Accounts, for administrators: who may sign in, locked accounts released, passwords reset.

Every change goes through ``services.security.accounts`` (permission checked and audited there);
this page only lists and asks. A temporary password is shown once, to be handed over in person.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.permissions import ROLE_LABELS, Action, Role
from girlscourt.services.kernel.core import Actor, Core
from girlscourt.services.security import accounts, admin_recovery
from girlscourt.services.security.accounts import UserSummary
from ui import workers
from ui.context import AppContext
from ui.extensions import FeaturePage
from ui.formatting import format_timestamp
from ui.models.batched_list_model import BatchedListModel
from ui.style import ERROR_BG, WARNING_BG
from ui.widgets.form_feedback import (
    FieldErrors,
    failure_text,
    field_with_error,
    report_save_failure,
)
from ui.widgets.list_table import list_table
from ui.widgets.message_bar import MessageBar, MessageKind

COL_USER, COL_NAME, COL_ROLE, COL_STATE, COL_LAST = range(5)
HEADERS = (
    ("User name", None),
    ("Name", None),
    ("Role", None),
    ("State", "Locked: five wrong passwords in 15 minutes. Disabled: by hand or 90 days unused."),
    ("Last sign-in", None),
)


def _load_accounts(core: Core, actor: Actor) -> tuple[tuple[UserSummary, ...], str | None]:
    """Runs on a worker thread: every account, and the warning when there is one administrator."""
    return accounts.list_users(core, actor), admin_recovery.single_admin_warning(core)


def state_text(user: UserSummary) -> str:
    """What an administrator needs to know about the account, most urgent first."""
    if user.disabled:
        return "Disabled"
    if user.locked:
        return "Locked"
    if user.must_change_password:
        return "Must choose a new password"
    return "Active"


class AccountsModel(BatchedListModel[UserSummary]):
    """The account list; locked rows are tinted so they stand out."""

    def __init__(self, context: AppContext) -> None:
        super().__init__(HEADERS, batch=200)
        self._tz = context.core.settings.timezone

    def cell(self, row: UserSummary, column: int, role: int) -> object:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_USER:
                return row.username
            if column == COL_NAME:
                return row.display_name
            if column == COL_ROLE:
                return ROLE_LABELS.get(row.role, str(row.role))
            if column == COL_STATE:
                return state_text(row)
            if column == COL_LAST:
                return format_timestamp(row.last_login_at, self._tz) if row.last_login_at else "–"
        if role == Qt.ItemDataRole.BackgroundRole:
            if row.locked and not row.disabled:
                return QColor(ERROR_BG)
            if row.disabled:
                return QColor(WARNING_BG)
        return None


class NewAccountDialog(QDialog):
    """User name, name and role; the account starts with a temporary password to change."""

    created = Signal(object, str)  # UserSummary, the temporary password

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("New account")
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self.username = QLineEdit()
        self.username.setMaxLength(64)
        self.display_name = QLineEdit()
        self.display_name.setMaxLength(120)
        self.role = QComboBox()
        for role in Role:
            self.role.addItem(ROLE_LABELS.get(role, role.value), role.value)
        self.role.setCurrentIndex(self.role.findData(Role.INTAKE_OFFICER.value))
        self.errors = FieldErrors({"username": "User name", "display_name": "Name", "role": "Role"})
        self.message = MessageBar()
        form = QFormLayout()
        for label, name, widget in (
            ("&User name", "username", self.username),
            ("&Name", "display_name", self.display_name),
            ("&Role", "role", self.role),
        ):
            caption = QLabel(label)
            caption.setBuddy(widget)
            form.addRow(caption, field_with_error(widget, self.errors.add(name, widget)))
        note = QLabel(
            "A temporary password is made for the account; the person chooses their own "
            "at first sign-in."
        )
        note.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(form)
        column.addWidget(note)
        column.addWidget(self.message)
        column.addWidget(self.buttons)
        self.message.action_triggered.connect(self.save)

    def save(self) -> None:
        """Create the account on a worker thread; errors appear under their field."""
        self.errors.clear()
        self.message.clear()
        self.buttons.setEnabled(False)
        password = accounts.temporary_password()
        workers.run(
            accounts.create_user,
            self.context.core,
            self.context.actor,
            self.username.text(),
            self.role.currentData(),
            password,
            self.display_name.text() or None,
            must_change_password=True,
            on_done=lambda user: self._saved(user, password),
            on_error=self._failed,
            context=self,
        )

    def _saved(self, user: UserSummary, password: str) -> None:
        self.created.emit(user, password)
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.buttons.setEnabled(True)
        report_save_failure(self.message, self.errors, error)


class AccountsPage(QWidget):
    """The account list with Release, Reset password, Disable, Enable and New account."""

    loaded = Signal()
    changed = Signal(object)  # UserSummary after a change

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = AccountsModel(context)
        self.table = list_table(self.model, "Accounts", single=True)
        self.table.selectionModel().currentRowChanged.connect(self._selection_changed)
        self.message = MessageBar()
        self.message.action_triggered.connect(self.reload)
        self.new_button = QPushButton("&New account…")
        self.release_button = QPushButton("&Release lock")
        self.release_button.setToolTip("Let a locked account sign in again")
        self.reset_button = QPushButton("Reset &password…")
        self.reset_button.setToolTip("A temporary password; the person must change it at sign-in")
        self.disable_button = QPushButton("&Disable…")
        self.enable_button = QPushButton("&Enable")
        self.refresh_button = QPushButton("Re&fresh")
        self.new_button.clicked.connect(self.new_account)
        self.release_button.clicked.connect(self.release_selected)
        self.reset_button.clicked.connect(self.reset_selected)
        self.disable_button.clicked.connect(self.disable_selected)
        self.enable_button.clicked.connect(self.enable_selected)
        self.refresh_button.clicked.connect(self.reload)
        self.dialog: NewAccountDialog | None = None

        title = QLabel("Accounts")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        buttons = QHBoxLayout()
        for button in (
            self.release_button,
            self.reset_button,
            self.disable_button,
            self.enable_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.new_button)
        column = QVBoxLayout(self)
        column.addWidget(title)
        column.addWidget(self.message)
        column.addWidget(self.table, 1)
        column.addLayout(buttons)
        self._selection_changed(QModelIndex(), QModelIndex())
        self.reload()

    # -- loading ------------------------------------------------------------------------------

    def reload(self) -> None:
        """List every account (the listing is audited by the service)."""
        workers.run(
            _load_accounts,
            self.context.core,
            self.context.actor,
            on_done=self._loaded,
            on_error=lambda error: self._failed(error, "The accounts could not be loaded"),
            context=self,
        )

    def _loaded(self, loaded: tuple[tuple[UserSummary, ...], str | None]) -> None:
        users, warning = loaded
        chosen = self.selected()
        self.model.set_rows(users)
        if warning and not self.message.text():  # one administrator: recovery is hard
            self.message.show_message(warning[:1].upper() + warning[1:] + ".", MessageKind.WARNING)
        if chosen is not None:
            self.select_user(chosen.id)
        self._selection_changed(self.table.currentIndex(), QModelIndex())
        self.loaded.emit()

    def select_user(self, user_id: int) -> bool:
        """Select the row of ``user_id`` (False when it is not listed)."""
        row = self.model.row_where(lambda user: user.id == user_id)
        if row is None:
            return False
        self.table.selectRow(row)
        return True

    def selected(self) -> UserSummary | None:
        """The account the selected row shows."""
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _selection_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        user = self.selected()
        me = user is not None and user.id == self.context.actor.user_id
        self.release_button.setEnabled(user is not None and user.locked)
        self.reset_button.setEnabled(user is not None and not me)
        self.disable_button.setEnabled(user is not None and not user.disabled and not me)
        self.enable_button.setEnabled(user is not None and user.disabled)

    # -- changes ------------------------------------------------------------------------------

    def _change(
        self,
        call: Callable[..., object],
        user: UserSummary,
        done: Callable[[object], None],
        what: str,
    ) -> None:
        self.message.clear()
        workers.run(
            call,
            self.context.core,
            self.context.actor,
            user.id,
            on_done=done,
            on_error=lambda error: self._failed(error, what),
            context=self,
        )

    def release_selected(self) -> None:
        """Lift the lockout of the selected account."""
        user = self.selected()
        if user is not None:
            self._change(
                accounts.release_account,
                user,
                lambda _u: self._done(f"{user.username} can sign in again."),
                "Not released",
            )

    def reset_selected(self) -> None:
        """A temporary password for the selected account, after asking."""
        user = self.selected()
        if user is None or not self.confirm(
            "Reset password",
            f"Give {user.display_name} ({user.username}) a temporary password? Their current "
            "password stops working, and a lock on the account is released.",
        ):
            return
        self._change(
            accounts.admin_reset_password,
            user,
            lambda password: self._done(
                f"Temporary password for {user.username}: {password}  — hand it over in "
                "person; it is shown only this once and must be changed at sign-in."
            ),
            "Not reset",
        )

    def disable_selected(self) -> None:
        """Stop the selected account from signing in, after asking."""
        user = self.selected()
        if user is None or not self.confirm(
            "Disable account",
            f"Disable {user.display_name} ({user.username})? They can no longer sign in until "
            "an administrator enables the account.",
        ):
            return
        self._change(
            accounts.disable_account,
            user,
            lambda _u: self._done(f"{user.username} is disabled."),
            "Not disabled",
        )

    def enable_selected(self) -> None:
        """Let the selected (disabled) account sign in again."""
        user = self.selected()
        if user is not None:
            self._change(
                accounts.enable_account,
                user,
                lambda _u: self._done(f"{user.username} is enabled again."),
                "Not enabled",
            )

    def new_account(self) -> NewAccountDialog:
        """The new-account dialog (window-modal)."""
        dialog = NewAccountDialog(self.context, self)
        dialog.created.connect(self._created)
        dialog.finished.connect(dialog.deleteLater)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _created(self, user: UserSummary, password: str) -> None:
        self._done(
            f"Account {user.username} created. Temporary password: {password}  — hand it over "
            "in person; it is shown only this once."
        )

    def _done(self, text: str) -> None:
        self.message.show_message(text, MessageKind.INFO)
        self.reload()

    def _failed(self, error: BaseException, what: str) -> None:
        text, retry = failure_text(error, what)
        self.message.show_message(text, MessageKind.ERROR, "&Try again" if retry else None)

    def confirm(self, title: str, text: str) -> bool:
        """Ask before a change that stops someone working (tests replace this)."""
        answer = QMessageBox.question(
            self,
            title,
            text,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Yes


ACCOUNTS_FEATURE = FeaturePage(
    key="accounts",
    title="Accounts",
    tooltip="Accounts: release locks, reset passwords, add and disable users",
    allowed=lambda context: context.may(Action.USER_MANAGE),
    factory=lambda context, _navigator: AccountsPage(context),
)
