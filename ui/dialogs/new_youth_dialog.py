"""Register a youth, checking first for the same youth: a duplicate splits their history."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from girlscourt.domain.youth_rules import YouthInput
from girlscourt.errors import DatabaseUnavailable, GirlsCourtError, ValidationError
from girlscourt.services.registry import youths
from girlscourt.services.registry.youths import YouthRecord, YouthSummary
from ui import workers
from ui.context import AppContext
from ui.formatting import error_text
from ui.keyboard import chain_tab_order
from ui.models.youth_table_model import YouthTableModel
from ui.style import WARNING_BG, WARNING_BORDER
from ui.widgets.banner import ConfidentialBanner
from ui.widgets.message_bar import MessageBar, MessageKind
from ui.widgets.youth_form import YouthForm
from ui.widgets.youth_table_view import YouthTableView


class NewYouthDialog(QDialog):
    """On accept, ``registered`` holds the new record or ``existing_id`` the youth to open."""

    youth_registered = Signal(object)  # YouthRecord
    open_existing_requested = Signal(int)
    duplicates_shown = Signal(int)  # how many possible matches are listed

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.registered: YouthRecord | None = None
        self.existing_id: int | None = None
        self._pending: YouthInput | None = None  # checked input awaiting the duplicate decision
        self._retry: Callable[[], None] | None = None
        self.setWindowTitle("New youth – Girls Court")
        self.setModal(True)

        intro = QLabel(
            "Register a youth who is not in the registry yet. Fields marked * are required. "
            "Before the record is saved, the registry is checked for the same youth."
        )
        intro.setWordWrap(True)
        self.message = MessageBar()
        self.form = YouthForm(context.core.today)

        self.duplicates = QFrame()
        self.duplicates.setObjectName("duplicatePanel")
        self.duplicates.setStyleSheet(
            f"QFrame#duplicatePanel {{ background: {WARNING_BG}; border: 1px solid"
            f" {WARNING_BORDER}; border-radius: 4px; }}"
        )
        self.duplicates_label = QLabel()
        self.duplicates_label.setWordWrap(True)
        self.duplicates_label.setTextFormat(Qt.TextFormat.PlainText)
        self.duplicates_model = YouthTableModel(context.core.today, self)
        self.duplicates_table = YouthTableView()
        self.duplicates_table.setModel(self.duplicates_model)
        self.duplicates_table.set_column_widths()
        self.duplicates_table.setAccessibleName("Possible matches")
        row = self.duplicates_table.verticalHeader().defaultSectionSize()
        self.duplicates_table.setMinimumHeight(row * 3 + 30)
        self.duplicates_table.setMaximumHeight(row * 6 + 30)
        self.open_existing_button = QPushButton("&Open existing")
        self.open_existing_button.setToolTip("Open the selected youth's record instead")
        self.register_anyway_button = QPushButton("Register ne&w anyway")
        self.register_anyway_button.setToolTip(
            "Only if none of these is the same youth: a new record is created"
        )
        panel = QVBoxLayout(self.duplicates)
        panel.addWidget(self.duplicates_label)
        panel.addWidget(self.duplicates_table)
        choices = QHBoxLayout()
        choices.addStretch(1)
        choices.addWidget(self.open_existing_button)
        choices.addWidget(self.register_anyway_button)
        panel.addLayout(choices)
        self.duplicates.hide()

        self.register_button = QPushButton("Register &youth")
        self.register_button.setDefault(True)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.register_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 10)
        layout.addWidget(ConfidentialBanner())
        body = QVBoxLayout()
        body.setContentsMargins(12, 4, 12, 0)
        body.addWidget(intro)
        body.addWidget(self.message)
        body.addWidget(self.form)
        body.addWidget(self.duplicates)
        body.addStretch(1)
        body.addLayout(buttons)
        layout.addLayout(body)
        chain_tab_order(
            [
                self.form.last_field(),
                self.duplicates_table,
                self.open_existing_button,
                self.register_anyway_button,
                self.register_button,
                self.cancel_button,
            ]
        )

        self.register_button.clicked.connect(self.submit)
        self.cancel_button.clicked.connect(self.reject)
        self.open_existing_button.clicked.connect(self.open_existing)
        self.register_anyway_button.clicked.connect(self.register_anyway)
        self.duplicates_table.open_requested.connect(self._open_id)
        self.form.edited.connect(self._edited)
        self.message.action_triggered.connect(self._try_again)
        self.form.first_field().setFocus()
        self.resize(max(880, self.sizeHint().width()), self.sizeHint().height())

    # -- steps --------------------------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        for button in (
            self.register_button,
            self.open_existing_button,
            self.register_anyway_button,
        ):
            button.setEnabled(not busy)
        if not busy and not self.duplicates.isHidden():
            self.register_button.setEnabled(False)  # decide on the possible matches first

    def submit(self) -> None:
        """Check the form; if it is valid, look for the same youth before registering."""
        core = self.context.core
        self.message.clear()
        self.form.clear_errors()
        clean, problems = self.form.check(core.today(), core.settings.youth_age_limits)
        if problems or clean is None:
            self._show_validation(problems)
            return
        self._pending = clean
        self._set_busy(True)
        self._retry = self.submit
        workers.run(
            youths.possible_duplicates,
            core,
            self.context.actor,
            clean,
            on_done=lambda rows: self._duplicates_checked(clean, rows),
            on_error=self._failed,
            context=self,
        )

    def _duplicates_checked(self, clean: YouthInput, rows: tuple[YouthSummary, ...]) -> None:
        if clean != self._pending:
            return  # the form changed while the check ran
        if not rows:
            self._register(clean)
            return
        self.duplicates_model.set_rows(rows)
        noun = "youth" if len(rows) == 1 else "youths"
        self.duplicates_label.setText(
            f"This youth may already be in the registry: {len(rows)} {noun} with a similar "
            "name, alias or the same date of birth. Open the existing record if it is the same "
            "youth; register a new record only if none of these is the same youth."
        )
        self.duplicates.show()
        layout = self.layout()
        if layout is not None:
            layout.activate()
        if self.height() < self.sizeHint().height():
            self.resize(self.width(), self.sizeHint().height())  # room for the matches
        self.duplicates_table.setCurrentIndex(self.duplicates_model.index(0, 0))
        self._set_busy(False)
        self.register_button.setDefault(False)
        self.open_existing_button.setDefault(True)
        self.duplicates_table.setFocus()
        self.duplicates_shown.emit(len(rows))

    def register_anyway(self) -> None:
        """The officer checked the matches: none is this youth."""
        if self._pending is not None:
            self._register(self._pending)

    def _register(self, clean: YouthInput) -> None:
        self._set_busy(True)
        self._retry = lambda: self._register(clean)
        workers.run(
            youths.register_youth,
            self.context.core,
            self.context.actor,
            clean,
            on_done=self._registered,
            on_error=self._failed,
            context=self,
        )

    def _registered(self, record: YouthRecord) -> None:
        self.registered = record
        self.youth_registered.emit(record)
        self.accept()

    def open_existing(self) -> None:
        """Open the selected possible match instead of registering."""
        index = self.duplicates_table.currentIndex()
        summary = self.duplicates_model.summary(index.row()) if index.isValid() else None
        if summary is not None:
            self._open_id(summary.id)

    def _open_id(self, youth_id: int) -> None:
        self.existing_id = youth_id
        self.open_existing_requested.emit(youth_id)
        self.accept()

    # -- feedback -----------------------------------------------------------------------------

    def _edited(self) -> None:
        if not self.duplicates.isHidden():
            self.duplicates.hide()  # the matches were for what was typed before
            self.duplicates_model.clear()
            self.open_existing_button.setDefault(False)
            self.register_button.setDefault(True)
            self.register_button.setEnabled(True)
        self._pending = None

    def _show_validation(self, problems: list[ValidationError]) -> None:
        unplaced = self.form.show_errors(problems)
        if unplaced:
            self.message.show_message(" ".join(error_text(e) for e in unplaced), MessageKind.ERROR)
        else:
            self.message.show_message(
                "Nothing was saved. Correct the fields marked in red.", MessageKind.ERROR
            )

    def _failed(self, error: BaseException) -> None:
        self._set_busy(False)
        if isinstance(error, ValidationError):
            self._show_validation([error])
        elif isinstance(error, DatabaseUnavailable):
            self.message.show_message(
                f"Nothing was saved: the database cannot be reached ({error}). "
                "Your entries are still here.",
                MessageKind.ERROR,
                "&Try again",
            )
        elif isinstance(error, GirlsCourtError):
            self.message.show_message(f"Nothing was saved: {error}", MessageKind.ERROR)
        else:
            self.message.show_message(
                "Nothing was saved: something went wrong (the details are in the log). "
                "Your entries are still here.",
                MessageKind.ERROR,
                "&Try again",
            )

    def _try_again(self) -> None:
        if self._retry is not None:
            self.message.clear()
            self._retry()
