"""The main window: confidentiality banner, working features only, menus, who is signed in."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from girlscourt import APP_NAME, __version__
from girlscourt.domain.permissions import Action
from girlscourt.services.maintenance import daily_backup
from girlscourt.services.registry.youths import YouthRecord
from girlscourt.services.security import accounts
from ui import workers
from ui.context import AppContext
from ui.dialogs.new_youth_dialog import NewYouthDialog
from ui.features import feature_pages
from ui.formatting import format_timestamp
from ui.pages.search_page import SearchPage
from ui.pages.youth_page import YouthPage
from ui.screen_lock import ScreenLock
from ui.style import app_icon
from ui.widgets.banner import ConfidentialBanner
from ui.widgets.message_bar import MessageBar, MessageKind

PageRole = Qt.ItemDataRole.UserRole


class MainWindow(QMainWindow):
    """One signed-in session's window; closing it ends the session."""

    record_opened = Signal(object)  # YouthPage
    backup_ready = Signal(object)  # daily_backup.BackupStatus, once the day's backup is checked

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.pages: dict[int, YouthPage] = {}
        self.new_youth_dialog: NewYouthDialog | None = None
        self.about_box: QMessageBox | None = None
        self.setWindowTitle(APP_NAME)
        self.setWindowIcon(app_icon())

        self.search_page = SearchPage(context)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.search_page)
        self.nav = QListWidget()
        self.nav.setAccessibleName("Navigation")
        self.nav.setMaximumWidth(210)
        self.nav.setMinimumWidth(170)
        find_item = QListWidgetItem("Find a youth")
        find_item.setData(PageRole, self.search_page)
        find_item.setToolTip("Search the registry (Ctrl+F)")
        self.nav.addItem(find_item)
        self.feature_widgets: dict[str, QWidget] = {}
        self._add_feature_pages()
        self.nav.currentItemChanged.connect(self._nav_changed)

        body = QHBoxLayout()
        body.setContentsMargins(6, 6, 6, 0)
        body.addWidget(self.nav)
        body.addWidget(self.stack, 1)
        self.content = QWidget()
        column = QVBoxLayout(self.content)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        self.banner = ConfidentialBanner()
        column.addWidget(self.banner)
        self.notice = MessageBar()  # settings set aside, a stale blocklist (administrators)
        self.notice.setAccessibleName("Session notice")
        column.addWidget(self.notice)
        column.addLayout(body, 1)
        # The pages sit under the screen lock's panel: locking hides them without closing them.
        self.central_stack = QStackedWidget()
        self.central_stack.addWidget(self.content)
        self.setCentralWidget(self.central_stack)
        self.screen_lock = ScreenLock(context, self, self.central_stack, self.content)
        self.screen_lock.sign_out_requested.connect(self.close)

        self.user_label = QLabel(
            f"Signed in: {context.actor.display_name} ({context.actor.username}) · "
            f"{context.role_label}"
        )
        self.user_label.setTextFormat(Qt.TextFormat.PlainText)
        self.statusBar().addPermanentWidget(self.user_label)

        self._build_menus()
        self.search_page.open_requested.connect(self.open_youth)
        self.search_page.new_youth_requested.connect(self.new_youth)
        self.nav.setCurrentRow(0)
        self.resize(1180, 760)

    def _add_feature_pages(self) -> None:
        """One navigation entry (and shortcut) per feature this role may use."""
        for feature in feature_pages():
            if not feature.allowed(self.context):
                continue
            widget = feature.factory(self.context, self)
            widget.setObjectName(f"feature-{feature.key}")
            self.feature_widgets[feature.key] = widget
            self.stack.addWidget(widget)
            item = QListWidgetItem(feature.title)
            item.setData(PageRole, widget)
            tip = feature.tooltip + (f" ({feature.shortcut})" if feature.shortcut else "")
            item.setToolTip(tip)
            self.nav.addItem(item)
            if feature.shortcut:
                action = QAction(feature.title, self)
                action.setShortcut(QKeySequence(feature.shortcut))
                action.triggered.connect(lambda _=False, w=widget: self.show_feature(w))
                self.addAction(action)

    def show_feature(self, widget: QWidget) -> None:
        """Switch to a feature page."""
        item = self._item_for(widget)
        if item is not None:
            self.nav.setCurrentItem(item)

    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu("&File")
        self.new_action = QAction("&New youth…", self)
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.setEnabled(self.context.may(Action.YOUTH_CREATE))
        self.new_action.triggered.connect(self.new_youth)
        self.find_action = QAction("&Find a youth", self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(self.show_search)
        self.close_record_action = QAction("&Close record", self)
        self.close_record_action.setShortcut(QKeySequence.StandardKey.Close)
        self.close_record_action.triggered.connect(self.close_current_record)
        self.quit_action = QAction("&Quit", self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        if self.quit_action.shortcut().isEmpty():  # no platform default (e.g. Windows)
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.new_action)
        file_menu.addAction(self.find_action)
        file_menu.addAction(self.close_record_action)
        file_menu.addSeparator()
        file_menu.addAction(self.screen_lock.lock_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        help_menu = self.menuBar().addMenu("&Help")
        self.about_action = QAction(f"&About {APP_NAME}", self)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)
        help_menu.addSeparator()
        self.backup_action = QAction(self._backup_text(None), self)
        self.backup_action.setEnabled(False)  # information, not a command
        help_menu.addAction(self.backup_action)

    def _backup_text(self, status: daily_backup.BackupStatus | None) -> str:
        """The Help menu's line on backups: when the last daily one was taken."""
        if self.context.core.db.target.dialect != "sqlite":
            return "Backups: kept by the database server (db backup for a copy)"
        if status is None or status.taken_at is None:
            return "Last backup: none yet"
        shown = format_timestamp(status.taken_at, self.context.core.settings.timezone)
        return f"Last backup: {shown} ({status.path.name if status.path else ''})"

    def _backup_done(self, status: daily_backup.BackupStatus) -> None:
        self.backup_action.setText(self._backup_text(status))
        self.backup_ready.emit(status)

    def _backup_failed(self, error: BaseException) -> None:
        self.backup_action.setText("Last backup: today's could not be taken")
        self.notice.show_message(
            f"Today's backup of the local database could not be taken ({error}). Work is "
            "saved as usual; tell IT if this repeats.",
            MessageKind.WARNING,
        )

    def start(self) -> None:
        """Fill the search page (browse the registry) once the window is up; idle time counts
        from now."""
        self.screen_lock.start()
        self.show_notices()
        self.search_page.run_query()
        self.search_page.focus_search()
        workers.run(  # the day's backup of the local file, off the screen's thread
            daily_backup.ensure_daily_backup,
            self.context.core,
            on_done=self._backup_done,
            on_error=self._backup_failed,
            context=self,
        )

    def show_notices(self) -> None:
        """What this session should know before work starts: a settings file that was set
        aside, and (administrators only) a password blocklist older than a quarter."""
        core = self.context.core
        notices = [w[:1].upper() + w[1:] for w in core.settings.warnings]
        stale = accounts.blocklist_notice(core, self.context.actor)
        if stale:
            notices.append(stale)
        if notices:
            self.notice.show_message("\n".join(notices), MessageKind.WARNING)
        else:
            self.notice.clear()

    # -- navigation ---------------------------------------------------------------------------

    def _nav_changed(self, current: QListWidgetItem | None, _previous: object) -> None:
        if current is None:
            return
        page = current.data(PageRole)
        if isinstance(page, QWidget):
            self.stack.setCurrentWidget(page)
        self.close_record_action.setEnabled(isinstance(page, YouthPage))

    def _item_for(self, page: QWidget) -> QListWidgetItem | None:
        for row in range(self.nav.count()):
            candidate = self.nav.item(row)
            if candidate is not None and candidate.data(PageRole) is page:
                return candidate
        return None

    def show_search(self) -> None:
        """Ctrl+F: the search page, cursor in the search field."""
        self.nav.setCurrentRow(0)
        self.search_page.focus_search()

    def open_youth(self, youth_id: int) -> YouthPage:
        """Show a youth's record page (already open: switch to it)."""
        page = self.pages.get(youth_id)
        if page is None:
            page = YouthPage(self.context, youth_id, navigator=self)
            self.pages[youth_id] = page
            self.stack.addWidget(page)
            entry = QListWidgetItem(f"Record #{youth_id}")
            entry.setData(PageRole, page)
            self.nav.addItem(entry)
            page.title_changed.connect(lambda title, p=page: self._retitle(p, title))
            page.saved.connect(self._record_saved)
            page.load()
            self.record_opened.emit(page)
        item = self._item_for(page)
        if item is not None:
            self.nav.setCurrentItem(item)
        page.form.first_field().setFocus()
        return page

    def _retitle(self, page: YouthPage, title: str) -> None:
        item = self._item_for(page)
        if item is not None:
            item.setText(title)
            item.setToolTip(f"{title} (Ctrl+W closes it)")

    def _record_saved(self, _record: YouthRecord) -> None:
        self.search_page.refresh()  # names, DOB or aliases may have changed in the results

    def close_current_record(self) -> None:
        """Ctrl+W: close the record page shown (asking first if it has unsaved edits)."""
        page = self.stack.currentWidget()
        if not isinstance(page, YouthPage):
            return
        if page.has_unsaved_changes() and not self.confirm_discard(1):
            return
        item = self._item_for(page)
        if item is not None:
            self.nav.takeItem(self.nav.row(item))
        self.pages.pop(page.youth_id, None)
        self.stack.removeWidget(page)
        page.deleteLater()
        self.show_search()

    # -- commands -----------------------------------------------------------------------------

    def new_youth(self) -> NewYouthDialog | None:
        """Ctrl+N: the new-youth dialog (window-modal; the result opens a record)."""
        if not self.context.may(Action.YOUTH_CREATE):
            return None
        if self.new_youth_dialog is not None:
            self.new_youth_dialog.raise_()
            return self.new_youth_dialog
        dialog = NewYouthDialog(self.context, self)
        dialog.youth_registered.connect(self._youth_registered)
        dialog.open_existing_requested.connect(self.open_youth)
        dialog.finished.connect(lambda _code: self._new_youth_closed(dialog))
        self.new_youth_dialog = dialog
        dialog.open()
        return dialog

    def _new_youth_closed(self, dialog: NewYouthDialog) -> None:
        self.new_youth_dialog = None
        dialog.deleteLater()

    def _youth_registered(self, record: YouthRecord) -> None:
        self.search_page.refresh()
        self.open_youth(record.id)
        self.statusBar().showMessage(f"Registered {record.summary().display_name}.", 8000)

    def show_about(self) -> QMessageBox:
        """Help > About: name, version, and what the app is for."""
        box = QMessageBox(self)
        box.setWindowTitle(f"About {APP_NAME}")
        box.setIconPixmap(app_icon().pixmap(64, 64))
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(f"{APP_NAME} {__version__}")
        box.setInformativeText(
            "Case tracker for the Juvenile Justice Center and its Girls Court: youth registry, "
            "intake, referrals, restrictions and dockets.\n\n"
            "Juvenile records are confidential (Welf. & Inst. Code §827). Every view and change "
            "is recorded in the audit log."
        )
        box.setStandardButtons(QMessageBox.StandardButton.Close)
        self.about_box = box
        box.open()
        return box

    # -- closing ------------------------------------------------------------------------------

    def unsaved_pages(self) -> list[YouthPage]:
        """Record pages holding edits that were not saved."""
        return [page for page in self.pages.values() if page.has_unsaved_changes()]

    def confirm_discard(self, count: int) -> bool:
        """Ask before edits are thrown away (tests replace this)."""
        noun = "record has" if count == 1 else "records have"
        answer = QMessageBox.question(
            self,
            "Unsaved changes",
            f"{count} {noun} unsaved changes. Close and discard them?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return answer == QMessageBox.StandardButton.Discard

    def closeEvent(self, event: QCloseEvent) -> None:
        unsaved = self.unsaved_pages()
        if unsaved and not self.confirm_discard(len(unsaved)):
            event.ignore()
            return
        self.screen_lock.stop()
        event.accept()
