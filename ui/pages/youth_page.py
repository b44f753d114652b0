"""A youth's record page: edits name the version they started from, so none is lost."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.permissions import Action
from girlscourt.domain.sealing_rules import ACCESS_REASONS
from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import (
    ConflictError,
    DatabaseUnavailable,
    GirlsCourtError,
    ValidationError,
)
from girlscourt.services.registry import record_versions, youths
from girlscourt.services.registry.youths import YouthRecord
from ui import workers
from ui.context import AppContext
from ui.dialogs.conflict_dialog import ConflictChoice, ConflictDialog
from ui.extensions import Navigator
from ui.features import record_sections
from ui.formatting import error_text, field_label, format_timestamp
from ui.keyboard import chain_tab_order
from ui.style import ERROR, MUTED, WARNING_BG, WARNING_BORDER
from ui.widgets.change_watch import ChangeWatch
from ui.widgets.message_bar import MessageBar, MessageKind
from ui.widgets.youth_form import YouthForm

RECORD_POLL_MS = 10_000  # how often an open record asks whether another desk saved it


def record_title(record: YouthRecord) -> str:
    """``Last, First “Preferred”`` as in the search results."""
    return record.summary().display_name


class YouthPage(QWidget):
    """One youth's record page; ``saved`` fires with the new record after each save."""

    loaded = Signal(object)  # YouthRecord
    saved = Signal(object)  # YouthRecord
    conflict_shown = Signal(object)  # ConflictDialog
    title_changed = Signal(str)

    def __init__(
        self,
        context: AppContext,
        youth_id: int,
        parent: QWidget | None = None,
        navigator: Navigator | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.youth_id = youth_id
        self.record: YouthRecord | None = None
        self.version: int | None = None  # the version the edits are based on
        self.dirty = False
        self.conflict_dialog: ConflictDialog | None = None
        self._retry: Callable[[], None] | None = None
        self._can_edit = context.may(Action.YOUTH_EDIT)
        self._reloaded_from_elsewhere = False

        self.title = QLabel("Opening the record…")
        self.title.setStyleSheet("font-size: 15pt; font-weight: bold;")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.details = QLabel()
        self.details.setStyleSheet(f"color: {MUTED};")
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.message = MessageBar()
        self._build_sealed_panel()
        self.form = YouthForm(context.core.today)
        self.form.set_read_only(not self._can_edit)
        self.form.setEnabled(False)
        self.save_button = QPushButton("&Save changes")
        self.save_button.setToolTip("Save (Ctrl+S)")
        self.save_button.setEnabled(False)
        self.revert_button = QPushButton("Re&vert")
        self.revert_button.setToolTip("Discard your unsaved edits")
        self.revert_button.setEnabled(False)
        for button in (self.save_button, self.revert_button):
            button.setVisible(self._can_edit)
        if not self._can_edit:
            self.details.setToolTip("Your role may view this record but not change it")

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        content = QWidget()
        column = QVBoxLayout(content)
        column.addWidget(self.title)
        column.addWidget(self.details)
        column.addWidget(self.message)
        column.addWidget(self.sealed_panel)
        record_tab = QWidget()
        record_column = QVBoxLayout(record_tab)
        record_column.setContentsMargins(0, 4, 0, 0)
        record_column.addWidget(self.form)
        record_column.addLayout(buttons)
        record_column.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.setTabBarAutoHide(True)
        self.tabs.addTab(record_tab, "&Record")
        self.sections: list[QWidget] = []
        for section in record_sections():
            if section.allowed(context):
                widget = section.factory(context, youth_id, navigator)
                widget.setObjectName(f"section-{section.key}")
                self.sections.append(widget)
                self.tabs.addTab(widget, section.title)
        self.tabs.setEnabled(False)
        column.addWidget(self.tabs, 1)
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        chain_tab_order([self.form.last_field(), self.revert_button, self.save_button])

        save = QShortcut(QKeySequence.StandardKey.Save, self)
        save.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save.activated.connect(self.save)
        self.save_button.clicked.connect(self.save)
        self.revert_button.clicked.connect(self.revert)
        self.form.edited.connect(self._edited)
        self.message.action_triggered.connect(self._try_again)

        # Another desk's save: noticed by polling the version while this page is on screen.
        actor = context.actor
        self.watch = ChangeWatch(
            context.core,
            RECORD_POLL_MS,
            self,
            probe=lambda core: record_versions.youth_version(core, actor, youth_id),
        )
        self.watch.changed.connect(self._version_seen)

    def _build_sealed_panel(self) -> None:
        self.sealed_panel = QFrame()
        self.sealed_panel.setObjectName("sealedPanel")
        self.sealed_panel.setStyleSheet(
            f"QFrame#sealedPanel {{ background: {WARNING_BG}; border: 1px solid {WARNING_BORDER};"
            " border-radius: 4px; }"
        )
        note = QLabel(
            "This record is sealed. Opening it is recorded in the audit log with your reason."
        )
        note.setWordWrap(True)
        self.access_reason = QComboBox()
        self.access_reason.addItem("Choose the reason…", None)
        for code, text in ACCESS_REASONS.items():
            self.access_reason.addItem(text, code)
        reason_label = QLabel("Reason for &opening")
        reason_label.setBuddy(self.access_reason)
        self.sealed_error = QLabel()
        self.sealed_error.setStyleSheet(f"color: {ERROR};")
        self.sealed_error.hide()
        self.open_sealed_button = QPushButton("Open the sealed record")
        self.open_sealed_button.clicked.connect(self.open_sealed)
        row = QHBoxLayout()
        row.addWidget(reason_label)
        row.addWidget(self.access_reason, 1)
        row.addWidget(self.open_sealed_button)
        panel = QVBoxLayout(self.sealed_panel)
        panel.addWidget(note)
        panel.addLayout(row)
        panel.addWidget(self.sealed_error)
        self.sealed_panel.hide()

    # -- loading ------------------------------------------------------------------------------

    def load(self, access_reason: str | None = None) -> None:
        """Fetch the record (audited as a view) and show it."""
        self._retry = lambda: self.load(access_reason)
        workers.run(
            youths.get_youth,
            self.context.core,
            self.context.actor,
            self.youth_id,
            access_reason,
            on_done=self._show_loaded,
            on_error=self._load_failed,
            context=self,
        )

    def open_sealed(self) -> None:
        """The custodian gave a reason: open the sealed record."""
        code = self.access_reason.currentData()
        if not code:
            self.sealed_error.setText("Choose the reason for opening this sealed record.")
            self.sealed_error.show()
            self.access_reason.setFocus()
            return
        self.sealed_error.hide()
        self.load(str(code))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.watch.start()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self.watch.stop()

    def _version_seen(self, version: int) -> None:
        """Another desk saved this record: reload it, or warn if the user is editing."""
        if self.version is None or version <= self.version:
            return
        if self.dirty:
            self.message.show_message(
                "Someone at another desk saved this record while you were editing it. When you "
                "save, both versions are shown side by side: nothing is overwritten.",
                MessageKind.WARNING,
            )
            return
        self._reloaded_from_elsewhere = True
        self.load()

    def _show_loaded(self, record: YouthRecord) -> None:
        self.message.clear()
        self.sealed_panel.hide()
        self.show_record(record)
        self.tabs.setEnabled(True)
        self.refresh_sections()
        if self._reloaded_from_elsewhere:
            self._reloaded_from_elsewhere = False
            self.message.show_message(
                "Updated: this record was just saved at another desk.", MessageKind.INFO
            )
        elif self.isVisible():
            self.form.first_field().setFocus()
        self.loaded.emit(record)

    def refresh_sections(self) -> None:
        """Let each feature tab reload what it shows for this youth."""
        for section in self.sections:
            refresh = getattr(section, "refresh", None)
            if callable(refresh):
                refresh()

    def show_record(self, record: YouthRecord) -> None:
        """Show ``record`` in the form, replacing any edits."""
        self.record = record
        self.version = record.version
        self.form.set_data(record.data)
        self.form.setEnabled(True)
        self._set_dirty(False)
        self._show_header(record)

    def _show_header(self, record: YouthRecord) -> None:
        tz = self.context.core.settings.timezone
        title = record_title(record)
        self.title.setText(title)
        self.details.setText(
            f"Age {record.age} · initials {record.initials} · record #{record.id} · "
            f"version {record.version}, last saved {format_timestamp(record.updated_at, tz)}"
        )
        self.title_changed.emit(title)

    def _load_failed(self, error: BaseException) -> None:
        if isinstance(error, ValidationError) and error.field == "access_reason":
            self.title.setText(f"Sealed record #{self.youth_id}")
            self.sealed_panel.show()
            self.access_reason.setFocus()
            return
        if isinstance(error, DatabaseUnavailable):
            self.message.show_message(
                f"The record could not be opened: {error}", MessageKind.ERROR, "&Try again"
            )
        else:
            self.message.show_message(f"The record could not be opened: {error}", MessageKind.ERROR)

    # -- editing ------------------------------------------------------------------------------

    def _edited(self) -> None:
        if self.message.kind is MessageKind.INFO:
            self.message.clear()
        self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        self.save_button.setEnabled(dirty and self._can_edit)
        self.revert_button.setEnabled(dirty and self._can_edit)

    def has_unsaved_changes(self) -> bool:
        """The form holds edits that were not saved."""
        return self.dirty

    def revert(self) -> None:
        """Throw away the edits: show the record as last loaded."""
        if self.record is not None:
            self.show_record(self.record)
            self.message.clear()

    def save(self) -> None:
        """Check the form, then save it against the version it was opened at."""
        if not self._can_edit or self.version is None or not self.save_button.isEnabled():
            return
        core = self.context.core
        self.message.clear()
        self.form.clear_errors()
        clean, problems = self.form.check(core.today(), core.settings.youth_age_limits)
        if problems or clean is None:
            self._show_validation(problems)
            return
        version = self.version
        base = self.record.data if self.record is not None else clean
        self.save_button.setEnabled(False)
        self._retry = self.save
        workers.run(
            youths.update_youth,
            core,
            self.context.actor,
            self.youth_id,
            version,
            clean,
            on_done=self._saved,
            on_error=lambda error: self._save_failed(error, base, clean, version),
            context=self,
        )

    def _saved(self, record: YouthRecord) -> None:
        self.show_record(record)
        self.message.show_message(f"Saved (version {record.version}).", MessageKind.INFO)
        self.saved.emit(record)

    def _show_validation(self, problems: list[ValidationError]) -> None:
        unplaced = self.form.show_errors(problems)
        text = " ".join(error_text(e) for e in unplaced) if unplaced else ""
        self.message.show_message(
            f"Not saved. {text or 'Correct the fields marked in red.'}", MessageKind.ERROR
        )

    def _save_failed(
        self, error: BaseException, base: YouthInput, mine: YouthInput, version: int
    ) -> None:
        self.save_button.setEnabled(self.dirty)
        if isinstance(error, ValidationError):
            self._show_validation([error])
        elif isinstance(error, ConflictError):
            self.message.show_message(
                "Someone else saved this record after you opened it; nothing was overwritten. "
                "Fetching their version to compare…",
                MessageKind.WARNING,
            )
            workers.run(
                youths.get_youth,
                self.context.core,
                self.context.actor,
                self.youth_id,
                on_done=lambda saved: self._show_conflict(base, mine, version, saved),
                on_error=self._load_failed,
                context=self,
            )
        elif isinstance(error, DatabaseUnavailable):
            self.message.show_message(
                f"Not saved: the database cannot be reached ({error}). Your edits are still here.",
                MessageKind.ERROR,
                "&Try again",
            )
        elif isinstance(error, GirlsCourtError):
            self.message.show_message(f"Not saved: {error}", MessageKind.ERROR)
        else:
            self.message.show_message(
                "Not saved: something went wrong (the details are in the log). Your edits are "
                "still here.",
                MessageKind.ERROR,
                "&Try again",
            )

    def _show_conflict(
        self, base: YouthInput, mine: YouthInput, version: int, saved: YouthRecord
    ) -> None:
        tz = self.context.core.settings.timezone
        dialog = ConflictDialog(base, mine, version, saved, tz, self)
        dialog.finished.connect(lambda _code: self._conflict_resolved(dialog, saved))
        self.conflict_dialog = dialog
        dialog.open()
        self.conflict_shown.emit(dialog)

    def _conflict_resolved(self, dialog: ConflictDialog, saved: YouthRecord) -> None:
        self.conflict_dialog = None
        dialog.deleteLater()
        if dialog.choice is ConflictChoice.RELOAD:
            self.show_record(saved)
            self.message.show_message(
                f"Showing the saved version (version {saved.version}); your edits were discarded.",
                MessageKind.INFO,
            )
            return
        if dialog.choice is ConflictChoice.KEEP_MINE:
            self.show_record(saved)
            self.form.set_data(dialog.merged)  # their fields stay; only mine are applied
            self._set_dirty(True)
            both = ", ".join(field_label(n).lower() for n in dialog.both_changed)
            self.message.show_message(
                f"Your changes are now on top of the saved version {saved.version}; fields you "
                "did not change show what was saved. Check them, then Save."
                + (f" You both changed: {both} — Save keeps yours." if both else ""),
                MessageKind.WARNING,
            )
            return
        self.record = saved  # Revert now shows their version; Save still names the old one
        self.message.show_message(
            "Not saved: someone else saved this record after you opened it. Save again to "
            "compare the versions, or Revert to see theirs.",
            MessageKind.WARNING,
        )

    def _try_again(self) -> None:
        if self._retry is not None:
            self.message.clear()
            self._retry()
